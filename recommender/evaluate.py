"""Held-out measurement: documented splits and ranking metrics, the same for every model.

Split (`split_holdout`, the one split function every caller uses): for every profile with at
least `min_rows` signals besides its onboarding picks, a seeded random 20% of those signals is
held out; the rest trains. Onboarding picks are never held out: they are answers the site has
from the onboarding page before it recommends anything, not future behaviour, so asking a model
to predict them would measure nothing the site needs. Hyperparameters are chosen on a
*validation* split carved the same way from the training part only (`validation_split`), never
on the test part; the retrain's champion/challenger chooses on `selection_split`, the same split.
On small data (under 100,000 signals) one validation split is a noisy judge (a few held-out
titles per profile), so choosing averages three, each carved with its own seed
(`validation_folds`, `selection_folds`); from 100,000 signals up one split is enough and three
would triple the retrain's time.

Relevance: a held-out title is relevant when its preference is >= 0.5 (a finished or rewatched
viewing, thumbs up or a list add; on MovieLens, a rating of 3 or more). Onboarding picks are
never held out, so they are never relevant test titles.
Every title the profile did not touch in training is ranked (no sampled candidates).

Metrics over profiles with a relevant held-out title:
- ndcg@10: binary-relevance NDCG of the top 10;
- recall@20: share of the profile's relevant titles in its top 20;
- map@10: mean average precision of the top 10 (normalised by min(relevant, 10));
- precision@10;
- coverage: share of the catalogue in anyone's top 10;
- popularity: mean share of training profiles that wanted each top-10 title (novelty: lower
  is more novel);
- diversity: intra-list diversity of the top 10, mean pairwise (1 - cosine) of title tags;
- true_utility@10 (simulated worlds only): mean hidden true utility of the top 10, from the
  simulator's truth tables, for educators; it is never fed to any model.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.model import ServingModel

K = 10
RECALL_K = 20
RELEVANT = 0.5
SELECTION_FOLDS = 3  # validation splits choosing averages on small data (fold_count)
REPEAT_BELOW = 100_000  # signals from which choosing uses one validation split
BATCH = 512
RELEVANCE = ("a held-out title is relevant when its preference is >= 0.5 (finished or "
             "rewatched, thumbs up, listed; MovieLens: rated 3 or more); onboarding picks are "
             "never held out (the site has them before it recommends anything), they always "
             "train; every title not touched in training is ranked")

Scorer = Callable[[np.ndarray], np.ndarray]  # profile ids -> (profiles x items) scores
Truth = Callable[[np.ndarray], np.ndarray]  # profile ids -> (profiles x items) true utility


def split_holdout(inter: Interactions, frac: float = 0.2, seed: int = 0,
                  min_rows: int = 3) -> tuple[Interactions, Interactions]:
    """(train, held-out): a seeded random `frac` of each profile's signals held out.

    Onboarding picks (`inter.picked`) are never held out: the site has them from the onboarding
    page before it recommends anything, so they always stay in the training part. Only a
    profile's other signals are drawn from (`frac` of them, when it has at least `min_rows`);
    on data without picks (MovieLens) the split is exactly the plain per-profile one."""
    rng = np.random.default_rng(seed)
    test = np.zeros(len(inter), bool)
    eligible = np.flatnonzero(~inter.picked)
    order = eligible[np.argsort(inter.users[eligible], kind="stable")]
    users = inter.users[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]]) if users.size else []
    ends = np.r_[starts[1:], users.size] if users.size else []
    for s, e in zip(starts, ends, strict=True):
        n = e - s
        if n < min_rows:
            continue
        n_test = max(1, int(round(frac * n)))
        test[order[s + rng.permutation(n)[:n_test]]] = True
    return inter.subset(~test), inter.subset(test)


def validation_split(train: Interactions, seed: int) -> tuple[Interactions, Interactions]:
    """(fit, validation) carved from the training part only (its own seed stream), the same
    way: onboarding picks stay in the fit part. The first of `validation_folds`."""
    return split_holdout(train, seed=10_000 + seed)


def fold_count(inter: Interactions) -> int:
    """How many validation splits choosing averages: SELECTION_FOLDS on small data, where one
    split's figure is noisiest and fits are cheap; one from REPEAT_BELOW signals up."""
    return SELECTION_FOLDS if len(inter) < REPEAT_BELOW else 1


def validation_folds(train: Interactions, seed: int,
                     folds: int | None = None) -> list[tuple[Interactions, Interactions]]:
    """`fold_count(train)` (fit, validation) splits of the training part, each carved the same
    way with its own seed; the first is `validation_split(train, seed)`."""
    n = fold_count(train) if folds is None else folds
    return [split_holdout(train, seed=10_000 * (k + 1) + seed) for k in range(n)]


def selection_split(inter: Interactions) -> tuple[Interactions, Interactions]:
    """(fit, validation) the retrain's champion/challenger chooses on: the site's signals split
    as above with seed 0 (lifecycle, the simulator's production arms, the cold-start study).
    The first of `selection_folds`."""
    return split_holdout(inter, seed=0)


def selection_folds(inter: Interactions,
                    folds: int | None = None) -> list[tuple[Interactions, Interactions]]:
    """The splits the retrain chooses on: `fold_count(inter)` of them, seeds 0, 1, ..."""
    n = fold_count(inter) if folds is None else folds
    return [split_holdout(inter, seed=k) for k in range(n)]


def history_matrix(train: Interactions, item_ids: np.ndarray, users: np.ndarray,
                   model: ServingModel) -> sp.csr_matrix:
    """The training values the model's item-item part scores from, for `users`' rows."""
    from recommender.models.base import Signal

    signal = Signal.of(model)
    seen = np.isin(train.users, users) & signal.keep(train) & np.isin(train.items, item_ids)
    rows = np.searchsorted(users, train.users[seen])
    cols = np.searchsorted(item_ids, train.items[seen])
    vals = signal.values(train.pref[seen], train.weight[seen])
    return sp.csr_matrix((vals, (rows, cols)), shape=(users.size, item_ids.size))


def model_scorer(model: ServingModel, train: Interactions) -> Scorer:
    """Scores as the site serves them: known profiles' vectors, their training history."""
    def score(users: np.ndarray) -> np.ndarray:
        rows = np.array([model.user_index(u) if model.user_index(u) is not None else -1
                         for u in users])
        order = np.argsort(users)
        hist = history_matrix(train, model.item_ids, users[order], model)
        inverse = np.empty_like(order)
        inverse[order] = np.arange(order.size)
        return model.score_batch(rows, hist[inverse])
    return score


def random_scorer(item_ids: np.ndarray, seed: int) -> Scorer:
    rng = np.random.default_rng(seed)
    return lambda users: rng.random((len(users), item_ids.size))


def oracle_scorer(truth: Truth) -> Scorer:
    """The oracle: ranks by hidden true utility (simulated worlds, reference only); profiles
    with no hidden taste rank at random."""
    return lambda users: np.nan_to_num(truth(users), nan=0.0)


def _positions(item_ids: np.ndarray, items: np.ndarray) -> np.ndarray:
    return np.searchsorted(item_ids, items)


def tag_diversity(features: sp.csr_matrix | None, tops: np.ndarray) -> float | None:
    """Mean pairwise (1 - cosine) between the tags of each list's titles."""
    if features is None or tops.size == 0:
        return None
    norms = np.sqrt(np.asarray(features.multiply(features).sum(axis=1)).ravel()) + 1e-12
    out = []
    for top in tops:
        f = features[top]
        sim = np.asarray((f @ f.T).todense()) / np.outer(norms[top], norms[top])
        n = len(top)
        out.append(1.0 - (sim.sum() - np.trace(sim)) / max(n * (n - 1), 1))
    return float(np.mean(out))


def ranking_metrics(score: Scorer, train: Interactions, test: Interactions,
                    item_ids: np.ndarray, *, features: sp.csr_matrix | None = None,
                    truth: Truth | None = None, k: int = K,
                    max_profiles: int | None = None, seed: int = 0) -> dict[str, float]:
    """The metrics over every profile with a relevant held-out title (or a seeded sample of
    `max_profiles` of them, as model selection on large data does)."""
    rel = test.subset(test.pref >= RELEVANT)
    users = np.unique(rel.users)
    if max_profiles is not None and users.size > max_profiles:
        users = np.sort(np.random.default_rng(seed).choice(users, max_profiles, replace=False))
    empty = {"ndcg@10": 0.0, "recall@20": 0.0, "map@10": 0.0, "precision@10": 0.0,
             "coverage": 0.0, "popularity": 0.0, "diversity": None, "profiles": 0}
    if users.size == 0:
        return empty
    depth = max(k, RECALL_K)
    wanted = np.bincount(_positions(item_ids, train.items[train.pref >= RELEVANT]),
                         minlength=item_ids.size) / max(np.unique(train.users).size, 1)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ndcg, recall, aps, prec, pops, utils, shown, tops = [], [], [], [], [], [], set(), []
    order = np.argsort(rel.users, kind="stable")
    bounds = np.searchsorted(rel.users[order], np.r_[users, np.iinfo(np.int64).max])
    rel_pos = _positions(item_ids, rel.items)[order]
    relevant_of = {int(u): rel_pos[bounds[n]:bounds[n + 1]] for n, u in enumerate(users)}
    train_order = np.argsort(train.users, kind="stable")
    train_sorted = train.users[train_order]
    for start in range(0, users.size, BATCH):
        batch = users[start:start + BATCH]
        s = np.array(score(batch), dtype=np.float64)
        row_of = {int(u): n for n, u in enumerate(batch)}
        lo = np.searchsorted(train_sorted, batch[0], side="left")  # batch is sorted
        hi = np.searchsorted(train_sorted, batch[-1], side="right")
        span = train_order[lo:hi]
        seen = span[np.isin(train.users[span], batch)]
        s[[row_of[int(u)] for u in train.users[seen]],
          _positions(item_ids, train.items[seen])] = -np.inf
        d = min(depth, s.shape[1] - 1)
        top = np.argpartition(-s, d, axis=1)[:, :depth]
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(s, top, 1), 1), 1)
        true = truth(batch) if truth is not None else None
        for n, u in enumerate(batch):
            relevant = set(relevant_of[int(u)].tolist())
            hits = np.array([t in relevant for t in top[n]], float)
            h10 = hits[:k]
            prec.append(h10.sum() / k)
            recall.append(hits[:RECALL_K].sum() / len(relevant))
            ndcg.append((h10 * discounts).sum() / discounts[:min(len(relevant), k)].sum())
            precision_at = np.cumsum(h10) / np.arange(1, k + 1)
            aps.append(float((precision_at * h10).sum() / min(len(relevant), k)))
            shown.update(top[n, :k].tolist())
            pops.append(float(wanted[top[n, :k]].mean()))
            tops.append(top[n, :k])
            if true is not None and not np.isnan(true[n]).all():
                utils.append(float(np.mean(true[n, top[n, :k]])))
    out = {"ndcg@10": float(np.mean(ndcg)), "recall@20": float(np.mean(recall)),
           "map@10": float(np.mean(aps)), "precision@10": float(np.mean(prec)),
           "coverage": len(shown) / item_ids.size, "popularity": float(np.mean(pops)),
           "diversity": tag_diversity(features, np.array(tops)), "profiles": int(users.size)}
    if truth is not None:
        out["true_utility@10"] = float(np.mean(utils)) if utils else None
    return out


def summarise(per_seed: list[dict]) -> dict:
    """Mean, spread (sample standard deviation) and per-seed values of every numeric figure."""
    out: dict = {}
    keys = [k for k in per_seed[0] if isinstance(per_seed[0][k], (int, float))
            or per_seed[0][k] is None]
    for key in keys:
        values = [r.get(key) for r in per_seed]
        if any(v is None for v in values):
            out[key] = None
            continue
        arr = np.array(values, dtype=np.float64)
        out[key] = float(arr.mean())
        out[f"{key}_std"] = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
        out[f"{key}_seeds"] = [float(v) for v in arr]
    return out
