"""Held-out ranking quality on simulated data: the Top picks model against popularity.

Builds the demo-sized world (1,200 titles, 300 simulated profiles, 30 days, seed 7) in a
temporary SQLite database, then runs what `streamsim evaluate` runs (recommender.evaluate.compare:
per-profile random 80/20 split) for three split seeds and prints NDCG@10 of the production model,
plain rating SVD, popularity and random, and the production/popularity ratio (target: 1.2 or
more).

Twice: with the seeding run's site serving its recommender from day 2 (retrained every 2 simulated
days, as the scheduler would; the default), and with a site that never had one (every row a
popularity row for 30 days), where exposure is the same for everyone and popularity is hard to
beat. Prints figures; asserts nothing.

Run: .venv/bin/python bench/bench_quality.py [profiles] [days]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import Viewing  # noqa: E402
from core.settings import Settings  # noqa: E402
from recommender.data import SignalMapping, catalog_arrays, load_interactions  # noqa: E402
from recommender.evaluate import compare  # noqa: E402
from recommender.train import TrainParams  # noqa: E402
from simulator.seed import seed_history  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
SEED = 7
SPLITS = (0, 1, 2)


def run(label: str, profiles: int, days: int, model_from_day: int | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(env="testing", database_url=f"sqlite:///{tmp}/quality.sqlite3")
        upgrade(settings)
        db = Database(settings)
        t = time.perf_counter()
        summary = seed_history(db, profiles, days, SEED, NOW, n_titles=1200,
                               model_from_day=model_from_day)
        seeded = time.perf_counter() - t
        with db.read() as s:
            now = s.scalar(select(func.max(Viewing.last_watched_at))) or NOW
            inter = load_interactions(s, now, SignalMapping())
            item_ids, _, _ = catalog_arrays(s)
        db.dispose()
    print(f"[{label}] seeded {summary.line()} ({seeded:.1f} s wall); "
          f"{len(inter)} signals over {len(set(inter.items.tolist()))} titles", flush=True)
    ratios = []
    for split in SPLITS:
        report = compare(inter, item_ids, TrainParams(), seed=split)
        cells = ", ".join(f"{name} {report[name]['ndcg@10']:.4f}"
                          for name in ("production", "rating_svd", "popularity", "random")
                          if name in report)
        ratio = report["production"]["ndcg@10"] / max(report["popularity"]["ndcg@10"], 1e-12)
        ratios.append(ratio)
        print(f"[{label}] split seed {split}: NDCG@10 {cells}; production/popularity "
              f"{ratio:.3f}x; coverage {report['production']['coverage']:.3f} vs "
              f"{report['popularity']['coverage']:.3f}", flush=True)
    print(f"[{label}] production/popularity NDCG@10 over {len(SPLITS)} splits: mean "
          f"{statistics.mean(ratios):.3f}x, min {min(ratios):.3f}x (target >= 1.2x)", flush=True)


def main() -> None:
    profiles = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    run("site with its recommender", profiles, days, model_from_day=2)
    run("site without a recommender", profiles, days, model_from_day=None)


if __name__ == "__main__":
    main()
