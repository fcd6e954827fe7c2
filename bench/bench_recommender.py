"""Recommender figures: top-N scoring vectorized vs Surprise's predict() loop, and training time.

Run: .venv/bin/python bench/bench_recommender.py [titles] [interactions]
Defaults: 10,000 titles for scoring; 1,000,000 interactions for training (a synthetic
latent-factor world from tests/recommender/synth.py; the Top picks model adds 5 sampled
negatives per interaction, so Surprise sees about 6M training rows).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender.train import (  # noqa: E402
    TrainParams,
    _to_model,
    fit_surprise,
    popularity_prior,
    training_rows,
)
from tests.recommender.synth import world  # noqa: E402


def bench_scoring(n_titles: int) -> None:
    inter, ids, _ = world(seed=1, n_users=1500, n_items=n_titles, per_user=40)
    params = TrainParams(epochs=10)
    algo, trainset = fit_surprise(*training_rows(inter, ids, params), params)
    model = _to_model(algo, trainset, ids, popularity_prior(inter, ids), params.prior_weight)
    user = int(inter.users[0])
    bu, pu = model.user_vector(user)

    def vectorized() -> np.ndarray:
        scores = model.scores(bu, pu)
        top = np.argpartition(-scores, 20)[:20]
        return model.item_ids[top[np.argsort(-scores[top], kind="stable")]]

    def loop() -> np.ndarray:
        est = np.array([algo.predict(user, int(i), clip=False).est for i in model.item_ids])
        est = est + model.prior_weight * model.prior
        return model.item_ids[np.argsort(-est, kind="stable")[:20]]

    fast = [_timed(vectorized) for _ in range(50)]
    slow = [_timed(loop) for _ in range(3)]
    same = list(vectorized()) == list(loop())
    f, s = statistics.median(fast), statistics.median(slow)
    print(f"top-20 of {n_titles:,} titles for one profile: vectorized {f * 1e3:.3f} ms, "
          f"Surprise predict() loop {s * 1e3:.1f} ms -> {s / f:,.0f}x faster; "
          f"same ranking: {same}")


def bench_training(n_interactions: int) -> None:
    per_user = 50
    n_users = max(n_interactions // per_user, 1)
    start = time.perf_counter()
    inter, ids, _ = world(seed=2, n_users=n_users, n_items=10_000, per_user=per_user)
    made = time.perf_counter() - start
    params = TrainParams()
    start = time.perf_counter()
    rows = training_rows(inter, ids, params)
    prepared = time.perf_counter() - start
    start = time.perf_counter()
    fit_surprise(*rows, params)
    fitted = time.perf_counter() - start
    print(f"training on {len(inter):,} interactions ({n_users:,} profiles, 10,000 titles, "
          f"{int(rows[3].sum()):,} Surprise rows with negatives and repeats, "
          f"{params.factors} factors, {params.epochs} epochs): rows {prepared:.1f} s, "
          f"Trainset + SVD fit {fitted:.1f} s (world generated in {made:.1f} s)")


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
