"""Recommender speed: top-N scoring vectorized vs Surprise's predict() loop, and training time
of every candidate model (and one whole champion/challenger retrain) on 1M interactions.

Run: .venv/bin/python bench/bench_recommender.py [titles] [interactions]
Defaults: 10,000 titles for scoring; 1,000,000 interactions for training (a synthetic
latent-factor world from tests/recommender/synth.py over 10,000 titles). Prints figures.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import Settings  # noqa: E402
from recommender import models  # noqa: E402
from recommender.evaluate import selection_folds  # noqa: E402
from recommender.lifecycle import candidate_grids  # noqa: E402
from recommender.models.base import TrainingData, signal_of  # noqa: E402
from recommender.models.svd import SvdParams, to_serving, train_surprise  # noqa: E402
from recommender.selection import choose, refit  # noqa: E402
from recommender.state import user_state  # noqa: E402
from tests.recommender.synth import world  # noqa: E402


def bench_scoring(n_titles: int) -> None:
    inter, ids, _ = world(seed=1, n_users=1500, n_items=n_titles, per_user=40)
    params = SvdParams(epochs=10)
    data = TrainingData.build(inter, ids, signal_of(params))
    algo, trainset, counts = train_surprise(data, params)
    model = to_serving(algo, trainset, ids, counts, params)
    user = int(inter.users[0])
    state, _ = user_state(model, user, None)

    def vectorized() -> np.ndarray:
        scores = model.scores(state)
        top = np.argpartition(-scores, 20)[:20]
        return model.item_ids[top[np.argsort(-scores[top], kind="stable")]]

    def loop() -> np.ndarray:
        est = np.array([algo.predict(user, int(i), clip=False).est for i in model.item_ids])
        return model.item_ids[np.argsort(-est, kind="stable")[:20]]

    fast = [_timed(vectorized) for _ in range(50)]
    slow = [_timed(loop) for _ in range(3)]
    same = list(vectorized()) == list(loop())
    f, s = statistics.median(fast), statistics.median(slow)
    print(f"top-20 of {n_titles:,} titles for one profile: vectorized {f * 1e3:.3f} ms, "
          f"Surprise predict() loop {s * 1e3:.1f} ms -> {s / f:,.0f}x faster; "
          f"same ranking: {same}", flush=True)


def bench_training(n_interactions: int) -> None:
    per_user = 50
    n_users = max(n_interactions // per_user, 1)
    start = time.perf_counter()
    inter, ids, _ = world(seed=2, n_users=n_users, n_items=10_000, per_user=per_user)
    print(f"training on {len(inter):,} interactions ({n_users:,} profiles, 10,000 titles; "
          f"world made in {time.perf_counter() - start:.1f} s)", flush=True)
    # Each candidate as the retrain trains it: its defaults, the SVD at the settings' size
    # (STREAMSIM_REC_FACTORS, _EPOCHS); then the SVD at evaluate's largest grid point.
    grids = candidate_grids(Settings())
    svd_point = SvdParams(**grids["svd"][0])
    runs = [(n, None) for n in ("popularity", "als", "ease", "dlae", "knn")]
    runs += [("svd", svd_point), ("svd", SvdParams(factors=64))]
    total = 0.0
    for name, params in runs:
        start = time.perf_counter()
        model = models.fit(name, inter, ids, params)
        took = time.perf_counter() - start
        label = name if params is None else f"{name} f={params.factors} e={params.epochs}"
        if params is None or params == svd_point:
            total += took
        print(f"  {label:<17} fit {took:6.1f} s, serving memory "
              f"{model.memory_bytes() / 1e6:6.1f} MB, fit memory "
              f"{model.card.get('fit_memory_bytes', 0) / 1e6:6.0f} MB", flush=True)
    print(f"  every candidate as the retrain trains it, one after another: {total:.1f} s",
          flush=True)
    start = time.perf_counter()
    choice = choose(selection_folds(inter), ids,
                    ("svd", "als", "ease", "dlae", "knn", "popularity"), grids=grids)
    chosen = time.perf_counter() - start
    refit(choice.champion, inter, ids, choice.tuned)
    total = time.perf_counter() - start
    print(f"  one retrain (every candidate on the 80% split, blend, champion "
          f"{choice.champion.name} refitted on all): {total:.1f} s ({chosen:.1f} s choosing)",
          flush=True)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    n_titles = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    n_interactions = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    bench_scoring(n_titles)
    bench_training(n_interactions)


if __name__ == "__main__":
    main()
