"""Held-out ranking quality of every recommender, on real ratings and on the simulated world.

What `streamsim evaluate` runs (recommender.selection.compare): per-profile random 80/20
splits over three seeds; each family tuned on a validation split carved from the training part;
`production` = the model the retrain's champion/challenger rule picks on validation; every title
not touched in training ranked. Prints NDCG@10 (mean +- standard deviation over seeds), recall@20,
coverage, novelty, fit time and serving memory, and each model's multiple of popularity.

- Real data: a MovieLens folder (ml-100k or ml-latest-small layout; `make real-data` fetches
  MovieLens 100k from the recbole wheel on PyPI into .cache/data/ml-100k), imported into a
  temporary SQLite database with `import-movielens`. Targets: production >= 2.0x popularity,
  Surprise SVD alone >= 1.6x.
- Simulated world: the demo-sized world (1,200 titles, 300 profiles, 30 days, seed 7), with the
  oracle (ranked by hidden true utility) and every model's true utility of its top 10, over
  10 split seeds by default (one seed's multiple of popularity ranges about 1.25-1.45).
  Target: production >= 1.3x popularity.

Prints figures; asserts nothing.

Run: .venv/bin/python bench/bench_quality.py [--real DIR] [--world] [--seeds N] [--world-seeds N]
     (with neither --real nor --world: both, the real data from .cache/data/ml-100k if there)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.settings import Settings  # noqa: E402
from recommender.data import catalog_arrays, load_interactions, tag_matrix  # noqa: E402
from recommender.models.base import params_dict  # noqa: E402
from recommender.movielens import import_folder  # noqa: E402
from recommender.selection import compare  # noqa: E402
from simulator.studies.seed import seed_history  # noqa: E402
from simulator.viewers.world import truth_scorer  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
DEFAULT_REAL = Path(__file__).resolve().parent.parent / ".cache" / "data" / "ml-100k"
ORDER = ("production", "blend", "ease", "dlae", "als", "knn", "svd", "popularity", "random",
         "oracle")


def table(label: str, report: dict, seconds: float) -> None:
    truth = "true_utility@10" in report["production"]
    head = (f"{'model':<11}{'NDCG@10 (mean +- sd)':>24}{'x pop':>7}{'recall@20':>11}"
            f"{'coverage':>10}{'novelty':>9}{'fit s':>8}{'MB':>7}"
            + (f"{'true util@10':>14}" if truth else ""))
    print(f"[{label}] {seconds:.0f} s; split: {report['production']['split']['method']}, "
          f"seeds {report['production']['split']['seeds']}", flush=True)
    print(head)
    for name in ORDER:
        row = report.get(name)
        if row is None:
            continue
        util = row.get("true_utility@10")
        cells = (f"{name:<11}{row['ndcg@10']:>15.4f} +- {row.get('ndcg@10_std', 0):.4f}"
                 f"{row['x_popularity']:>7.2f}{row['recall@20']:>11.4f}{row['coverage']:>10.3f}"
                 f"{row['popularity']:>9.3f}{row['fit_seconds']:>8.1f}"
                 f"{row['memory_bytes'] / 1e6:>7.1f}")
        if truth and util is not None:
            cells += f"{util:>9.3f} +- {row.get('true_utility@10_std', 0):.3f}"
        elif truth:
            cells += f"{'-':>14}"
        print(cells)
    pop = report["popularity"]["ndcg@10_seeds"]
    print(f"[{label}] x popularity per split (seeds {report['production']['split']['seeds']}):")
    for name in ORDER:
        row = report.get(name)
        if row is not None:
            per = " ".join(f"{v / max(p, 1e-12):.2f}" for v, p in
                           zip(row["ndcg@10_seeds"], pop, strict=True))
            print(f"  {name:<11}{per}")
    picks = "; ".join(f"seed {c['seed']}: {c['model']} {_short(c['params'])}"
                      for c in report["production"]["chosen"])
    print(f"[{label}] production chose: {picks}", flush=True)


def _short(params: dict) -> str:
    """The chosen params that differ from the family's defaults (a blend: its parts)."""
    from recommender import models

    name = params.get("factor_family")
    if name is not None:
        return f"({name} + {params['neighbour_family']}, weight {params['weight']})"
    for family in models.FAMILIES.values():
        defaults = params_dict(family.params())
        if set(defaults) == set(params):
            diff = {k: v for k, v in params.items() if defaults[k] != v}
            return str(diff) if diff else "(defaults)"
    return str(params)


def real(folder: Path, seeds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(env="testing", database_url=f"sqlite:///{tmp}/real.sqlite3")
        upgrade(settings)
        db = Database(settings)
        with db.write() as s:
            summary = import_folder(s, folder, NOW)
        with db.read() as s:
            inter = load_interactions(s)
            item_ids, _, _ = catalog_arrays(s)
            features = tag_matrix(s, item_ids)
        db.dispose()
    print(f"[real] {folder}: {summary}; {len(inter)} signals", flush=True)
    start = time.perf_counter()
    report = compare(inter, item_ids, seeds=range(seeds), features=features)
    table("real", report, time.perf_counter() - start)


def world(seeds: int, profiles: int = 300, days: int = 30) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(env="testing", database_url=f"sqlite:///{tmp}/world.sqlite3")
        upgrade(settings)
        db = Database(settings)
        t = time.perf_counter()
        summary = seed_history(db, profiles, days, 7, NOW, n_titles=1200, model_from_day=2)
        print(f"[world] seeded {summary.line()} in {time.perf_counter() - t:.1f} s", flush=True)
        with db.read() as s:
            inter = load_interactions(s)
            item_ids, _, _ = catalog_arrays(s)
            features = tag_matrix(s, item_ids)
            truth = truth_scorer(s, item_ids)
        start = time.perf_counter()
        report = compare(inter, item_ids, seeds=range(seeds), features=features, truth=truth)
        db.dispose()
    table("world", report, time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, help="a MovieLens folder (ml-100k layout)")
    parser.add_argument("--world", action="store_true", help="the simulated demo world")
    parser.add_argument("--seeds", type=int, default=3, help="split seeds on real data")
    parser.add_argument("--world-seeds", type=int, default=10,
                        help="split seeds on the simulated world (one world, cheap to split; "
                             "its per-seed figures vary more than real data's)")
    args = parser.parse_args()
    both = args.real is None and not args.world
    folder = args.real or (DEFAULT_REAL if both else None)
    if folder is not None:
        if (folder / "u.data").exists() or (folder / "ratings.csv").exists():
            real(folder, args.seeds)
        else:
            print(f"[real] skipped: no MovieLens data in {folder} (run `make real-data`)")
    if args.world or both:
        world(args.world_seeds)


if __name__ == "__main__":
    main()
