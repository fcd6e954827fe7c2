"""Content: title vectors from public tags, with tag embeddings and tag weights learned from the
history (a LightFM-style hybrid, fitted with numpy), and the cold-start part it lends any model.

Each title's public tags (genres, moods, themes in the order the title lists them, and its
pace) fall into *slots* by kind and rank within the kind: genre #1, genre #2, genre #3+,
mood #1, ... A title's tag row is T_i = sum_s w_s S_s,i, where S_s marks its tags in slot s and
w_s is a learned slot weight (is a title's second genre worth as much as its first?). Its
factors are q_i = T_i E, with E one embedding per tag. The fit is implicit ALS (as
recommender/models/als.py: confidence alpha * value on what a profile chose, 1 elsewhere,
preference 1 where chosen) with the item side constrained to Q = T E, alternating

    P given Q:  the closed-form ALS user step, in blocks of profiles;
    E given P:  conjugate gradient on the normal equations  T^T [C-weighted (T E P^T)] P + reg E;
    w given P, E: a small ridge least squares (one unknown per slot), clipped at 0, max 1.

It never reads the simulator's truth: only the interaction table and the public tags.

Served alone (`fit_content`) it is a factor model like ALS (q_i = T_i E, fold-in by the ALS user
step, and a title added later only needs its tags). Its main use is `attach`: the cold-start
part of whichever model the retrain chose. Each title gets a content vector

    cq_i = [sqrt(tag_share) * T_i / |T_i|,  sqrt(1 - tag_share) * (q_i - mean q) / |...|]

(weighted tags, and the learned embedding, both unit length), so cq_i . cq_j mixes the two
similarities. A folded-in profile's content vector is the sum of its signals' cq (liked ones
pulling, disliked ones pushing), times m / (m + n) for n signals (recommender/foldin.py), and
the model scores c * cq . cp on top of its own parts. Profiles in the training data get no
content vector: their rows stay what the model alone gives them. `c` is set so that, for
profiles with 3 signals, the content part's spread is `weight` times the model's own spread
(measured on training profiles given 3 of their liked titles), so `weight` means the same for
every family.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import FavouriteGenre, Tag, Title, TitleTag
from recommender.data import Interactions
from recommender.model import ServingModel
from recommender.models.base import SignalParams, TrainingData, params_dict, signal_of

KIND_ORDER = ("genre", "mood", "theme", "pace")
MAX_RANK = 3  # ranks 1, 2 and 3+ within a kind
BLOCK = 1024  # profiles per batched user step


# -- the public tags, as slots ----------------------------------------------------------------


@dataclass(frozen=True)
class TitleTags:
    """Public tags of the titles in `item_ids`: one (title position, tag column, slot) triple
    per tag a title carries."""

    item_ids: np.ndarray
    names: tuple[str, ...]  # tag columns, "kind:slug"
    slot_names: tuple[str, ...]  # "genre#1", "genre#2", "genre#3+", "mood#1", ...
    rows: np.ndarray
    cols: np.ndarray
    slots: np.ndarray

    @classmethod
    def from_rows(cls, item_ids, rows: Iterable[tuple[int, str, str, int]]) -> TitleTags:
        """From (title id, kind, slug, position) rows; titles outside item_ids are ignored."""
        item_ids = np.asarray(item_ids, np.int64)
        index = {int(t): n for n, t in enumerate(item_ids)}
        kept = sorted(((int(t), k, int(p), s) for t, k, s, p in rows if int(t) in index))
        names = sorted({f"{k}:{s}" for _, k, _, s in kept})
        col = {name: n for n, name in enumerate(names)}
        kinds = sorted({k for _, k, _, _ in kept},
                       key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 99, k))
        slot_names = [f"{k}#{r + 1}{'+' if r == MAX_RANK - 1 else ''}"
                      for k in kinds for r in range(MAX_RANK)]
        slot_of = {(k, r): n for n, (k, r) in enumerate((k, r) for k in kinds
                                                       for r in range(MAX_RANK))}
        out_rows, out_cols, out_slots, rank = [], [], [], {}
        for title, kind, _, slug in kept:  # by title, then kind, then position
            r = rank.get((title, kind), 0)
            rank[(title, kind)] = r + 1
            out_rows.append(index[title])
            out_cols.append(col[f"{kind}:{slug}"])
            out_slots.append(slot_of[(kind, min(r, MAX_RANK - 1))])
        kept_slots = sorted(set(out_slots))  # only slots some title fills
        renumber = {s: n for n, s in enumerate(kept_slots)}
        return cls(item_ids, tuple(names), tuple(slot_names[s] for s in kept_slots),
                   np.array(out_rows, np.int64), np.array(out_cols, np.int64),
                   np.array([renumber[s] for s in out_slots], np.int64))

    @property
    def n_tags(self) -> int:
        return len(self.names)

    def slot_matrices(self) -> list[sp.csr_matrix]:
        shape = (self.item_ids.size, self.n_tags)
        return [sp.csr_matrix((np.ones(int((self.slots == s).sum())),
                               (self.rows[self.slots == s], self.cols[self.slots == s])),
                              shape=shape) for s in range(len(self.slot_names))]

    def matrix(self, weights: np.ndarray) -> sp.csr_matrix:
        """T: (titles x tags), each tag weighted by its slot's weight."""
        return sp.csr_matrix((np.asarray(weights, np.float64)[self.slots],
                              (self.rows, self.cols)), shape=(self.item_ids.size, self.n_tags))


def load_favourite_genres(session: Session,
                          profile_ids: Iterable[int] | None = None) -> dict[int, tuple[str, ...]]:
    """Each profile's favourite genres as stated on the onboarding page (genre slugs), for
    every profile or only `profile_ids`."""
    query = (select(FavouriteGenre.profile_id, Tag.slug)
             .join(Tag, Tag.id == FavouriteGenre.tag_id)
             .order_by(FavouriteGenre.profile_id, Tag.slug))
    if profile_ids is not None:
        query = query.where(FavouriteGenre.profile_id.in_(list(profile_ids)))
    out: dict[int, list[str]] = {}
    for pid, slug in session.execute(query):
        out.setdefault(int(pid), []).append(slug)
    return {pid: tuple(slugs) for pid, slugs in out.items()}


def load_title_tags(session: Session, item_ids) -> TitleTags:
    """The catalogue's public tags (TitleTag with its position, Tag's kind) and each title's
    pace, as slots over `item_ids`."""
    rows = list(session.execute(
        select(TitleTag.title_id, Tag.kind, Tag.slug, TitleTag.position)
        .join(Tag, Tag.id == TitleTag.tag_id)))
    rows += [(t, "pace", pace, 0) for t, pace in session.execute(select(Title.id, Title.pace))
             if pace]
    return TitleTags.from_rows(item_ids, rows)


# -- the fit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentParams(SignalParams):
    factors: int = 32
    reg: float = 5.0
    alpha: float = 20.0
    iterations: int = 10
    cg_steps: int = 8
    learn_weights: bool = True
    seed: int = 42


def _user_step(q: np.ndarray, x: sp.csr_matrix, alpha: float, reg: float) -> np.ndarray:
    """The ALS user step for every row of x (profiles x titles of values), in blocks:
    p_u = (Q^T Q + Q^T (C_u - I) Q + reg I)^-1 Q^T C_u 1, C_u = alpha * x_u where x_u > 0."""
    k = q.shape[1]
    gram = q.T @ q + reg * np.eye(k)
    outer = (q[:, :, None] * q[:, None, :]).reshape(q.shape[0], k * k)
    extra = x.copy()
    extra.data = alpha * extra.data - 1.0
    conf = x * alpha
    p = np.zeros((x.shape[0], k))
    for lo in range(0, x.shape[0], BLOCK):
        hi = min(lo + BLOCK, x.shape[0])
        lhs = gram + (extra[lo:hi] @ outer).reshape(-1, k, k)
        p[lo:hi] = np.linalg.solve(lhs, (conf[lo:hi] @ q)[..., None])[..., 0]
    return p


class _Observed:
    """The chosen (profile, title) pairs with their confidence, in coordinate form."""

    def __init__(self, x: sp.csr_matrix, alpha: float) -> None:
        coo = x.tocoo()
        self.rows, self.cols = coo.row, coo.col
        self.conf = alpha * coo.data
        self.shape = x.shape
        # The (titles x profiles) layout, built once: values are only permuted into it.
        self._order = np.lexsort((self.rows, self.cols))
        self._indptr = np.r_[0, np.cumsum(np.bincount(self.cols, minlength=x.shape[1]))]

    def items_by_users(self, values: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix((values[self._order], self.rows[self._order], self._indptr),
                             shape=(self.shape[1], self.shape[0]))

    def dots(self, q: np.ndarray, p_rows: np.ndarray) -> np.ndarray:
        """q_i . p_u for every chosen pair (`p_rows`: P[rows], taken once per step)."""
        return np.einsum("ij,ij->i", q[self.cols], p_rows)


def _embedding_step(e: np.ndarray, t: sp.csr_matrix, p: np.ndarray, obs: _Observed,
                    reg: float, steps: int) -> np.ndarray:
    """E given P and T: conjugate gradient on the (tags x factors) normal equations, warm
    started at the current E."""
    tt = (t.T @ t).toarray()
    ptp = p.T @ p
    p_rows = p[obs.rows]
    rhs = t.T @ (obs.items_by_users(obs.conf) @ p)

    def apply(m: np.ndarray) -> np.ndarray:
        extra = obs.items_by_users((obs.conf - 1.0) * obs.dots(t @ m, p_rows))
        return tt @ m @ ptp + t.T @ (extra @ p) + reg * m

    r = rhs - apply(e)
    d = r.copy()
    rs = float(np.sum(r * r))
    for _ in range(steps):
        if rs < 1e-18:
            break
        ad = apply(d)
        step = rs / max(float(np.sum(d * ad)), 1e-30)
        e = e + step * d
        r = r - step * ad
        new = float(np.sum(r * r))
        d = r + (new / rs) * d
        rs = new
    return e


def _weight_step(e: np.ndarray, slots: list[sp.csr_matrix], w: np.ndarray, p: np.ndarray,
                 obs: _Observed, reg: float) -> np.ndarray:
    """Slot weights given P and E: ridge least squares (towards the current weights), clipped
    at 0."""
    ptp = p.T @ p
    parts = [s @ e for s in slots]  # each slot's contribution to Q
    n = len(parts)
    lhs = np.zeros((n, n))
    for a in range(n):
        pa = parts[a] @ ptp
        for b in range(a, n):
            lhs[a, b] = lhs[b, a] = float(np.sum(pa * parts[b]))
    p_rows = p[obs.rows]
    v = np.stack([obs.dots(m, p_rows) for m in parts], axis=1)
    lhs += v.T @ (v * (obs.conf - 1.0)[:, None])
    new = np.linalg.solve(lhs + reg * np.eye(n), v.T @ obs.conf + reg * w)
    return np.maximum(new, 0.0)


def fit_factors(data: TrainingData, tags: TitleTags, params: ContentParams
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(Q, P, E, slot weights) fitted to the data's matrix."""
    x = data.matrix.tocsr().astype(np.float64)
    if x.nnz == 0:
        raise ValueError("the content model needs signals")
    if tags.n_tags == 0:
        raise ValueError("the content model needs titles with tags")
    obs = _Observed(x, params.alpha)
    slots = tags.slot_matrices()
    rng = np.random.default_rng(params.seed)
    e = rng.normal(0.0, 0.1, (tags.n_tags, params.factors))
    w = np.ones(len(slots))
    for it in range(params.iterations):
        t = tags.matrix(w)
        p = _user_step(t @ e, x, params.alpha, params.reg)
        e = _embedding_step(e, t, p, obs, params.reg, params.cg_steps)
        if params.learn_weights and it >= 1:  # once E means something
            raw = _weight_step(e, slots, w, p, obs, params.reg)
            if raw.max() > 0:  # largest weight 1; E takes up the scale, so Q is the fitted one
                w, e = raw / raw.max(), e * raw.max()
    q = tags.matrix(w) @ e
    p = _user_step(q, x, params.alpha, params.reg)
    return q, p, e, w


def fit_content(inter: Interactions, item_ids, tags: TitleTags,
                params: ContentParams | None = None) -> ServingModel:
    """The content family on its own: a factor model with q_i = T_i E (fold-in as ALS)."""
    params = params or ContentParams()
    item_ids = np.asarray(item_ids, np.int64)
    if not np.array_equal(tags.item_ids, item_ids):
        raise ValueError("tags must be read for the same titles as the model")
    start = time.perf_counter()
    data = TrainingData.build(inter, item_ids, signal_of(params))
    q, p, _, w = fit_factors(data, tags, params)
    n = item_ids.size
    return ServingModel(
        global_mean=0.0, user_ids=data.users, item_ids=item_ids, bu=np.zeros(data.users.size),
        pu=p, bi=np.zeros(n), qi=q, prior=np.zeros(n), prior_weight=0.0, gram=q.T @ q,
        family="content",
        card={"family": "content", "signal": asdict(signal_of(params)),
              "params": params_dict(params),
              "foldin": {"method": "als", "reg": params.reg, "alpha": params.alpha},
              "slot_weights": dict(zip(tags.slot_names, w.tolist(), strict=True)),
              "fit_seconds": round(time.perf_counter() - start, 3)})


# -- the cold-start part ----------------------------------------------------------------------


PROPENSITY_POWER = 0.5


@dataclass(frozen=True)
class ColdStartParams:
    weight: float = 4.0  # content spread over the model's own, for a profile with 3 signals
    # The weights tried on training profiles given only 3 picks; the best hit rate on their
    # other liked titles wins, so a catalogue whose tags say nothing gets weight 0.
    weights: tuple[float, ...] = (0.0, 1.0, 2.0, 4.0)
    # ... and for the favourite genres a new profile states on the onboarding page.
    genre_weights: tuple[float, ...] = (0.0, 0.5, 1.0, 2.0, 4.0)
    half: float = 10.0  # m: signals at which the part counts half
    tag_share: float = 1 / 3  # of the content similarity: weighted tags vs learned embedding
    picks: int = 3
    profiles: int = 200  # training profiles the spreads are measured on
    seed: int = 0


def _unit_rows(a: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    return np.divide(a, norms, out=np.zeros_like(a), where=norms > 1e-12)


def content_vectors(content: ServingModel, tags: TitleTags, tag_share: float) -> np.ndarray:
    """cq: each title's weighted tags and learned embedding (both unit length), side by side."""
    if not 0.0 <= tag_share <= 1.0:
        raise ValueError("tag_share must be within 0..1")
    w = np.array([content.card["slot_weights"][s] for s in tags.slot_names])
    t = _unit_rows(tags.matrix(w).toarray())
    q = _unit_rows(content.qi - content.qi.mean(axis=0))
    return np.hstack([np.sqrt(tag_share) * t, np.sqrt(1.0 - tag_share) * q])


def _newcomers(inter: Interactions, params: ColdStartParams) -> list[Interactions]:
    """Training profiles as onboarding would see them: `picks` of their liked signals each."""
    liked = inter.subset(inter.pref >= 0.5)
    users, counts = np.unique(liked.users, return_counts=True)
    users = users[counts >= params.picks]
    rng = np.random.default_rng(params.seed)
    if users.size > params.profiles:
        users = np.sort(rng.choice(users, params.profiles, replace=False))
    out = []
    for u in users:
        mine = liked.for_user(int(u))
        out.append(mine.subset(np.sort(rng.choice(len(mine), params.picks, replace=False))))
    return out


def spread_ratio(model: ServingModel, cq: np.ndarray, inter: Interactions,
                 params: ColdStartParams) -> float:
    """median spread of the model's own scores / median spread of cq . cp, both for training
    profiles given only `picks` of their liked titles."""
    from recommender.foldin import fold_in

    own, content = [], []
    for signals in _newcomers(inter, params):
        state = fold_in(model, signals)
        pos = model.item_positions(signals.items)
        ok = pos >= 0
        if state is None or not ok.any():
            continue
        own.append(np.std(model.scores(state._replace(cp=None))))
        like = 2.0 * np.clip(signals.pref[ok], 0.0, 1.0) - 1.0
        content.append(np.std(cq @ (like @ cq[pos[ok]])))
    if not content or np.median(content) <= 1e-12:
        return 0.0
    ratio = float(np.median(own) / np.median(content))
    return ratio if ratio > 1e-12 else 1.0 / float(np.median(content))


def _worth(model: ServingModel, liked: Interactions) -> np.ndarray:
    """What a hit on each title counts: an inverse propensity, popularity ** -0.5 (the
    missing-not-at-random correction of Yang et al., RecSys 2018), mean 1 over liked titles."""
    counts = np.bincount(np.clip(model.item_positions(liked.items), 0, None),
                         minlength=model.item_ids.size).astype(np.float64)
    worth = 1.0 / np.maximum(counts, 1.0) ** PROPENSITY_POWER
    return worth / (worth[counts > 0].mean() if (counts > 0).any() else 1.0)


def _evidence(model: ServingModel, inter: Interactions, newcomers: list[Interactions],
              genres_of: Mapping[int, Sequence[str]], weights: Iterable[float],
              apply) -> tuple[float, dict[str, float]]:
    """The weight (set on the model by `apply(w)`) that best finds training profiles' other
    liked titles from `picks` of them (precision@10, each hit counted by `_worth`); ties go
    to the smaller weight. Leaves the model with the chosen weight applied."""
    from recommender.foldin import fold_in

    liked = inter.subset(inter.pref >= 0.5)
    worth = _worth(model, liked)
    hits: dict[str, float] = {}
    weights = tuple(weights)
    for w in weights:
        apply(w)
        found = []
        for picks in newcomers:
            user = int(picks.users[0])
            state = fold_in(model, picks, genres=genres_of.get(user, ()))
            if state is None:
                continue
            scores = model.scores(state)
            pos = model.item_positions(picks.items)
            scores[pos[pos >= 0]] = -np.inf
            top = np.argpartition(-scores, 10)[:10]
            rest = model.item_positions(np.setdiff1d(liked.for_user(user).items, picks.items))
            found.append(float(worth[np.intersect1d(top, rest[rest >= 0])].sum()) / 10)
        hits[str(w)] = float(np.mean(found)) if found else 0.0
    best = max(weights, key=lambda w: (hits[str(w)], -w))
    apply(best)
    return float(best), hits


def choose_weight(model: ServingModel, ratio: float, inter: Interactions,
                  params: ColdStartParams) -> tuple[float, dict[str, float]]:
    """The content weight that best finds training profiles' other liked titles from 3 of
    their picks (precision@10 over `params.profiles` profiles), by evidence, not by default.

    Logged data over-rewards popular titles (viewers mostly liked what the site showed them),
    so each hit counts by an inverse propensity (`_worth`)."""
    def apply(w: float) -> None:
        model.content_scale = w * ratio
    return _evidence(model, inter, _newcomers(inter, params), {}, params.weights, apply)


def genre_columns(tags: TitleTags) -> dict[str, int]:
    """Genre slug -> its column in cq's tag block (the tag block comes first in cq)."""
    return {name.split(":", 1)[1]: n for n, name in enumerate(tags.names)
            if name.startswith("genre:")}


def choose_genre_weight(model: ServingModel, inter: Interactions,
                        favourites: Mapping[int, Sequence[str]],
                        params: ColdStartParams) -> tuple[float, float, dict[str, float]]:
    """(weight, scale, hits): how much a new profile's stated favourite genres count, by the
    same evidence as the content weight, measured on training profiles that stated theirs.
    The scale makes `weight` the genres term's spread over the model's own, for 3 picks."""
    from recommender.foldin import fold_in, stated_genres_vector

    newcomers = [n for n in _newcomers(inter, params) if favourites.get(int(n.users[0]))]
    if not newcomers:
        return 0.0, 0.0, {}
    model.genre_scale = 1.0  # measure the term's spread at scale 1
    own, stated = [], []
    for picks in newcomers:
        genres = favourites[int(picks.users[0])]
        state = fold_in(model, picks, genres=genres)
        cg = stated_genres_vector(model, picks, genres)
        if state is None or cg is None:
            continue
        own.append(np.std(model.scores(state._replace(cg=None))))
        stated.append(np.std(model.cq @ cg))
    if not stated or np.median(stated) <= 1e-12 or np.median(own) <= 1e-12:
        model.genre_scale = 0.0
        return 0.0, 0.0, {}
    ratio = float(np.median(own) / np.median(stated))

    def apply(w: float) -> None:
        model.genre_scale = w * ratio
    weight, hits = _evidence(model, inter, newcomers, favourites, params.genre_weights, apply)
    return weight, model.genre_scale, hits


def attach(model: ServingModel, inter: Interactions, item_ids, tags: TitleTags,
           params: ContentParams | None = None,
           cold: ColdStartParams | None = None,
           favourites: Mapping[int, Sequence[str]] | None = None) -> ServingModel:
    """Give `model` a cold-start part learned from `inter` and the titles' tags (in place;
    returns it). Profiles it learned score as before; folded-in ones also get c * cq . cp.
    A model with nothing personal (popularity) is left alone: it has no fold-in to blend
    with, and its learned profiles must keep their rows. So is a model whose catalogue has no
    tags or whose data has no signals to learn them from: the card says why, and the retrain
    publishes the model without the part rather than failing."""
    cold = cold or ColdStartParams()
    item_ids = np.asarray(item_ids, np.int64)
    if not np.array_equal(model.item_ids, item_ids):
        raise ValueError("the model and the tags must cover the same titles")
    if not (model.has_factors or model.has_neighbours):
        model.card["coldstart"] = {"skipped": "the model has no personal part"}
        return model
    start = time.perf_counter()
    try:
        content = fit_content(inter, item_ids, tags, params)
    except ValueError as exc:  # no tags, or no signals on tagged titles
        model.card["coldstart"] = {"skipped": str(exc)}
        return model
    cq = content_vectors(content, tags, cold.tag_share)
    model.cq, model.content_scale = np.zeros((item_ids.size, 0)), 0.0  # measure without it
    ratio = spread_ratio(model, cq, inter, cold)
    model.cq = cq
    weight, hits = choose_weight(model, ratio, inter, cold)
    model.content_scale = weight * ratio
    columns = genre_columns(tags)
    model.card["coldstart"] = {"genre_columns": columns, "half": cold.half}  # read by fold-in
    g_weight, g_scale, g_hits = choose_genre_weight(model, inter, favourites or {}, cold)
    model.trained_ids = np.unique(inter.users)  # after measuring: they are fold-ins until now
    model.card["coldstart"] = {
        **asdict(cold), "scale": model.content_scale, "spread_ratio": ratio,
        "chosen_weight": weight, "hits_by_weight": hits,
        "genre_columns": columns, "genre_weight": g_weight,
        "genre_scale": g_scale, "genre_hits_by_weight": g_hits,
        "content": {k: content.card[k] for k in ("params", "slot_weights", "fit_seconds")},
        "dims": int(cq.shape[1]), "fit_seconds": round(time.perf_counter() - start, 3)}
    return model

