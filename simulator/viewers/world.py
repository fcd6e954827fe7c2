"""The simulator's in-memory view of the catalog: public metadata plus hidden truth, as arrays.

Loaded once per run from the database (`load_catalog`), so the behaviour model and the
policies work on numpy arrays instead of ORM objects. Index `i` everywhere means "the i-th
title of `Catalog.title_ids`" (sorted by id).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import (
    Artwork,
    Credit,
    Episode,
    Person,
    ProfileTruth,
    Tag,
    TasteDay,
    Title,
    TitleTag,
    TitleTruth,
)
from simulator.catalog.features import FEATURE_INDEX, N_FEATURES, decode_features
from simulator.viewers.behaviour import true_utility


@dataclass(frozen=True)
class EpisodeInfo:
    id: int
    runtime_s: int
    intro_end_s: int
    credits_s: int


@dataclass
class Catalog:
    title_ids: np.ndarray  # int64, sorted
    features: np.ndarray  # (T, F) float32, hidden
    quality: np.ndarray  # (T,) hidden
    prior_popularity: np.ndarray  # (T,) public Title.popularity
    maturity: np.ndarray  # (T,) int
    is_series: np.ndarray  # (T,) bool
    runtime_s: np.ndarray  # (T,) film runtime or typical episode
    release_ordinal: np.ndarray  # (T,) release date as a day number
    tags: np.ndarray  # (T, n_tags) float32 public tag indicators (content policy)
    genre_of: list[str]  # primary genre slug per title (public)
    buzz: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (T,) hidden launch buzz
    names: list[str] = field(default_factory=list)  # public title names
    critic_score: np.ndarray = field(default_factory=lambda: np.zeros(0))  # NaN: no reviews
    tag_keys: list[str] = field(default_factory=list)  # "kind:slug" of each `tags` column
    stars: dict[int, list[int]] = field(default_factory=dict)  # idx -> first 3 cast ids
    person_names: dict[int, str] = field(default_factory=dict)
    episodes: dict[int, list[EpisodeInfo]] = field(default_factory=dict)  # by title index
    art_focus: list[list[int]] = field(default_factory=list)  # feature index per variant, -1
    index: dict[int, int] = field(default_factory=dict)
    # Hidden, and off unless a study plants them (behaviour.art_appeal, clickbait_titles):
    # per (community, title, variant) click appeal of the artwork, and which titles' variant
    # behaviour.CLICKBAIT_VARIANT is clickbait.
    art_appeal: np.ndarray | None = None
    clickbait: np.ndarray | None = None

    def lure(self, idx, variants) -> np.ndarray:
        """Whether each (title index, variant) shown is planted clickbait (hidden truth)."""
        idx = np.asarray(idx, dtype=np.int64)
        if self.clickbait is None:
            return np.zeros(idx.shape, dtype=bool)
        from simulator.viewers.behaviour import CLICKBAIT_VARIANT

        return self.clickbait[idx] & (np.asarray(variants) == CLICKBAIT_VARIANT)

    def __len__(self) -> int:
        return len(self.title_ids)

    def art_focus_array(self) -> np.ndarray:
        """(T, max variants) feature index of each artwork variant's focus tag, -1 if none."""
        if getattr(self, "_focus", None) is None:
            width = max([len(f) for f in self.art_focus] + [1])
            arr = np.full((len(self.art_focus), width), -1, dtype=np.int64)
            for i, f in enumerate(self.art_focus):
                arr[i, :len(f)] = f
            self._focus = arr
        return self._focus


def load_catalog(session: Session) -> Catalog:
    """Every title with its truth, episodes, artwork focus and tags, as arrays."""
    rows = session.execute(
        select(Title.id, Title.popularity, Title.maturity_age, Title.kind, Title.runtime_minutes,
               Title.release_date, TitleTruth.quality, TitleTruth.features, Title.name,
               TitleTruth.awareness, Title.critic_score)
        .join(TitleTruth, TitleTruth.title_id == Title.id).order_by(Title.id)).all()
    n = len(rows)
    index = {r[0]: i for i, r in enumerate(rows)}
    features = np.zeros((n, N_FEATURES), dtype=np.float32)
    for i, r in enumerate(rows):
        features[i] = decode_features(r[7])
    tag_rows = session.execute(select(Tag.id, Tag.kind, Tag.slug).order_by(Tag.id)).all()
    tag_col = {tid: j for j, (tid, _, _) in enumerate(tag_rows)}
    tag_feature = {tid: FEATURE_INDEX.get(f"{kind}:{slug}", -1) for tid, kind, slug in tag_rows}
    tags = np.zeros((n, len(tag_rows)), dtype=np.float32)
    genre_of = [""] * n
    slug_of = {tid: slug for tid, _, slug in tag_rows}
    for title_id, tag_id, pos in session.execute(
            select(TitleTag.title_id, TitleTag.tag_id, TitleTag.position)):
        i = index.get(title_id)
        if i is not None:
            tags[i, tag_col[tag_id]] = 1.0
            if pos == 0:
                genre_of[i] = slug_of[tag_id]
    episodes: dict[int, list[EpisodeInfo]] = {}
    for e in session.execute(select(Episode.id, Episode.title_id, Episode.runtime_seconds,
                                    Episode.intro_end_seconds, Episode.credits_start_seconds)
                             .order_by(Episode.title_id, Episode.season, Episode.number)):
        i = index.get(e[1])
        if i is not None:
            episodes.setdefault(i, []).append(EpisodeInfo(e[0], e[2], e[3], e[4]))
    stars: dict[int, list[int]] = {}
    person_names: dict[int, str] = {}
    for title_id, person_id, name in session.execute(
            select(Credit.title_id, Credit.person_id, Person.name)
            .join(Person, Person.id == Credit.person_id)
            .where(Credit.role == "cast", Credit.position < 3)
            .order_by(Credit.title_id, Credit.position)):
        i = index.get(title_id)
        if i is not None:
            stars.setdefault(i, []).append(int(person_id))
            person_names[int(person_id)] = name
    art_focus: list[list[int]] = [[] for _ in range(n)]
    for title_id, _variant, focus in session.execute(
            select(Artwork.title_id, Artwork.variant, Artwork.focus_tag_id)
            .order_by(Artwork.title_id, Artwork.variant)):
        i = index.get(title_id)
        if i is not None:
            art_focus[i].append(tag_feature.get(focus, -1) if focus is not None else -1)
    return Catalog(
        title_ids=np.array([r[0] for r in rows], dtype=np.int64),
        features=features,
        quality=np.array([r[6] for r in rows], dtype=np.float32),
        prior_popularity=np.array([r[1] for r in rows], dtype=np.float64),
        maturity=np.array([r[2] for r in rows], dtype=np.int64),
        is_series=np.array([r[3] == "series" for r in rows], dtype=bool),
        runtime_s=np.array([r[4] * 60 for r in rows], dtype=np.int64),
        release_ordinal=np.array([r[5].toordinal() for r in rows], dtype=np.int64),
        tags=tags, genre_of=genre_of, episodes=episodes, art_focus=art_focus, index=index,
        buzz=np.array([r[9] or 0.0 for r in rows], dtype=np.float64),
        names=[r[8] for r in rows], stars=stars, person_names=person_names,
        critic_score=np.array([np.nan if r[10] is None else r[10] for r in rows], dtype=float),
        tag_keys=[f"{kind}:{slug}" for _, kind, slug in tag_rows],
    )


def expected_utility(session: Session, pairs,
                     on: dict[tuple[int, int], date] | None = None) -> dict[tuple[int, int], float]:
    """taste . features + quality of each (profile id, title id) pair whose profile is
    simulated (has a hidden taste): the viewer's expected enjoyment, without the per-pair noise
    a run adds. Tastes drift, so a pair dated in `on` (e.g. the day the viewer started the
    title) uses the taste the viewer had that day (the one recorded at the end of the latest
    earlier day, or the starting taste); other pairs use the latest recorded taste. For
    educators' analytics only; never fed to a recommender."""
    pairs = list(pairs)
    on = on or {}
    profiles = {p for p, _ in pairs}
    titles = {t for _, t in pairs}
    start = dict(session.execute(select(ProfileTruth.profile_id, ProfileTruth.taste)
                                 .where(ProfileTruth.profile_id.in_(profiles))).all()) \
        if profiles else {}
    history: dict[int, list[tuple[date, bytes]]] = {}
    for lo in range(0, len(start), 500):
        part = sorted(start)[lo:lo + 500]
        for pid, day, taste in session.execute(
                select(TasteDay.profile_id, TasteDay.day, TasteDay.taste)
                .where(TasteDay.profile_id.in_(part)).order_by(TasteDay.profile_id, TasteDay.day)):
            history.setdefault(int(pid), []).append((day, taste))
    truth = {t: (decode_features(b), q) for t, b, q in session.execute(
        select(TitleTruth.title_id, TitleTruth.features, TitleTruth.quality)
        .where(TitleTruth.title_id.in_(titles)))} if titles else {}
    decoded: dict[bytes, np.ndarray] = {}

    def taste_of(p: int, when: date | None) -> np.ndarray:
        days = history.get(p, [])
        if when is not None:
            days = days[:bisect_left([d for d, _ in days], when)]
        raw = days[-1][1] if days else start[p]
        if raw not in decoded:
            decoded[raw] = decode_features(raw)
        return decoded[raw]

    return {(p, t): float(true_utility(taste_of(p, on.get((p, t))), truth[t][0], truth[t][1],
                                       0.0))
            for p, t in pairs if p in start and t in truth}


def truth_scorer(session: Session, title_ids: np.ndarray):
    """A callable (profile ids -> profiles x titles expected true utility), aligned with
    `title_ids`, for `streamsim evaluate`'s oracle row and true_utility@10, by each profile's
    taste as of its latest recorded day (tastes drift as profiles watch). Profiles with no
    hidden taste (real accounts) get NaN rows. Educators only: never fed to a recommender."""
    title_ids = np.asarray(title_ids, np.int64)
    feats = np.zeros((title_ids.size, N_FEATURES), np.float32)
    quality = np.zeros(title_ids.size, np.float32)
    pos = {int(t): n for n, t in enumerate(title_ids)}
    for t, b, q in session.execute(select(TitleTruth.title_id, TitleTruth.features,
                                          TitleTruth.quality)):
        if int(t) in pos:
            feats[pos[int(t)]] = decode_features(b)
            quality[pos[int(t)]] = q
    start = dict(session.execute(select(ProfileTruth.profile_id, ProfileTruth.taste)).all())
    start.update(latest_tastes(session, start))
    tastes = {int(p): decode_features(b) for p, b in start.items()}

    def truth(profile_ids) -> np.ndarray:
        out = np.full((len(profile_ids), title_ids.size), np.nan)
        for n, p in enumerate(profile_ids):
            taste = tastes.get(int(p))
            if taste is not None:
                out[n] = true_utility(taste, feats, quality, 0.0)
        return out
    return truth if tastes else None


def latest_tastes(session: Session, profile_ids) -> dict[int, bytes]:
    """Each profile's newest recorded taste (`truth_taste_days`), encoded; profiles with none
    recorded are missing (their starting taste is current)."""
    ids = sorted({int(p) for p in profile_ids})
    out: dict[int, bytes] = {}
    for lo in range(0, len(ids), 500):
        part = ids[lo:lo + 500]
        newest = (select(TasteDay.profile_id, func.max(TasteDay.day).label("day"))
                  .where(TasteDay.profile_id.in_(part)).group_by(TasteDay.profile_id)
                  .subquery())
        for pid, taste in session.execute(
                select(TasteDay.profile_id, TasteDay.taste)
                .join(newest, (newest.c.profile_id == TasteDay.profile_id)
                      & (newest.c.day == TasteDay.day))):
            out[int(pid)] = taste
    return out
