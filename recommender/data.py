"""Training data: what profiles did, turned into (profile, title, preference, weight) rows.

Preference is on a 0..1 scale ("how much this profile wants this title"); weight is how sure we
are (confidence times recency). The mapping is data (`SignalMapping`) so a lesson can change it:

- thumbs: down -1 -> 0.0 (weight 3), up 1 -> 0.85 (weight 3), love 2 -> 1.0 (weight 4)
- viewing: completion = watched / runtime. Completed -> 0.9; a rewatch (plays > 1) -> 1.0;
  abandoned (stopped before `abandon_below` of the runtime) -> 0.15; otherwise in between,
  0.3 + 0.6 * completion. Weight 1 + completion (a finished title says more than a trailer).
  Hidden viewings are left out entirely (the profile asked us to forget them).
- My List -> 0.75 (weight 1); onboarding pick -> 0.85 (weight 2).

A row that includes an onboarding pick is marked `picked`: the site knows it from the onboarding
page before it recommends anything, so held-out measurement never holds it out
(recommender/evaluate.py).

Several signals for one (profile, title) combine: explicit thumbs win the preference; otherwise
the strongest implicit signal wins. Weights add up. Each signal's weight is multiplied by
0.5 ** (age_days / half_life_days), so recent activity counts more (tastes change). Age is
measured back from the newest signal in what is loaded, never from the wall clock: data from
another year (MovieLens is from 1998) must not have every weight decay to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

import numpy as np
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from core.models import Episode, FavouriteGenre, ListItem, Rating, TastePick, Title, Viewing
from core.playback import ABANDON_FRACTION


@dataclass(frozen=True)
class SignalMapping:
    thumbs: dict[int, tuple[float, float]] = field(default_factory=lambda: {
        -1: (0.0, 3.0), 1: (0.85, 3.0), 2: (1.0, 4.0)})
    completed: float = 0.9
    rewatched: float = 1.0
    abandoned: float = 0.15
    abandon_below: float = ABANDON_FRACTION
    partial_base: float = 0.3
    partial_span: float = 0.6
    listed: tuple[float, float] = (0.75, 1.0)
    picked: tuple[float, float] = (0.85, 2.0)
    half_life_days: float = 90.0

    def recency(self, age_days: float) -> float:
        if self.half_life_days <= 0:
            return 1.0
        return float(0.5 ** (max(age_days, 0.0) / self.half_life_days))

    def viewing(self, completion: float, completed: bool, plays: int) -> tuple[float, float]:
        """(preference, confidence) for one viewing."""
        completion = min(max(completion, 0.0), 1.0)
        if completed and plays > 1:
            pref = self.rewatched
        elif completed:
            pref = self.completed
        elif completion < self.abandon_below:
            pref = self.abandoned
        else:
            pref = self.partial_base + self.partial_span * completion
        return pref, 1.0 + (1.0 if completed else completion)


@dataclass
class Interactions:
    """Columnar signals: one entry per (profile, title), plus when the newest signal was."""

    users: np.ndarray  # int64 profile ids
    items: np.ndarray  # int64 title ids
    pref: np.ndarray  # float64 0..1
    weight: np.ndarray  # float64 > 0
    explicit: np.ndarray  # bool: has thumbs (the "rating" a plain rating SVD learns from)
    picked: np.ndarray | None = None  # bool: includes an onboarding pick (None: no picks)

    def __post_init__(self) -> None:
        if self.picked is None:
            self.picked = np.zeros(self.users.size, bool)

    def __len__(self) -> int:
        return int(self.users.size)

    @classmethod
    def empty(cls) -> Interactions:
        z = np.zeros(0)
        return cls(z.astype(np.int64), z.astype(np.int64), z, z, z.astype(bool), z.astype(bool))

    def subset(self, mask: np.ndarray) -> Interactions:
        return Interactions(self.users[mask], self.items[mask], self.pref[mask],
                            self.weight[mask], self.explicit[mask], self.picked[mask])

    def for_user(self, profile_id: int) -> Interactions:
        return self.subset(self.users == profile_id)


class _Combiner:
    """Collects signals with their times; weights get their recency factor in `build`, once
    the newest signal (the reference time) is known."""

    def __init__(self, mapping: SignalMapping, ceiling: datetime | None) -> None:
        self.mapping, self.ceiling = mapping, ceiling
        self.pending: list[tuple[int, int, float, float, bool, datetime, bool]] = []
        # key -> [pref, weight, explicit, implicit, picked]
        self.rows: dict[tuple[int, int], list] = {}

    def add(self, user: int, item: int, pref: float, weight: float, explicit: bool,
            when: datetime, picked: bool = False) -> None:
        self.pending.append((user, item, pref, weight, explicit, when, picked))

    def reference(self) -> datetime | None:
        """The newest signal's time (capped at `ceiling`, so a clock-skewed row in the future
        cannot push every other signal into the past)."""
        times = [p[5] for p in self.pending if p[5] is not None]
        if not times:
            return None
        newest = max(times)
        return min(newest, self.ceiling) if self.ceiling is not None else newest

    def _combine(self) -> None:
        ref = self.reference()
        for user, item, pref, weight, explicit, when, picked in self.pending:
            age = _age_days(ref, when) if ref is not None and when is not None else 0.0
            row = self.rows.setdefault((user, item), [None, 0.0, False, None, False])
            row[1] += weight * self.mapping.recency(age)
            row[4] = row[4] or picked
            if explicit:
                row[0], row[2] = pref, True
            else:
                row[3] = pref if row[3] is None else max(row[3], pref)

    def build(self) -> Interactions:
        self._combine()
        if not self.rows:
            return Interactions.empty()
        keys = sorted(self.rows)
        vals = [self.rows[k] for k in keys]
        return Interactions(
            users=np.array([k[0] for k in keys], dtype=np.int64),
            items=np.array([k[1] for k in keys], dtype=np.int64),
            pref=np.array([v[0] if v[2] else v[3] for v in vals], dtype=np.float64),
            weight=np.array([v[1] for v in vals], dtype=np.float64),
            explicit=np.array([v[2] for v in vals], dtype=bool),
            picked=np.array([v[4] for v in vals], dtype=bool),
        )


def _age_days(now: datetime, when: datetime) -> float:
    return (now - when).total_seconds() / 86400.0


def load_interactions(session: Session, now: datetime | None = None,
                      mapping: SignalMapping | None = None,
                      profile_ids: Iterable[int] | None = None) -> Interactions:
    """Every profile's signals (or only `profile_ids`'), combined per (profile, title).

    Recency is relative to the newest signal loaded; `now`, when given, only caps that
    reference (signals stamped after it count as brand new)."""
    m = mapping or SignalMapping()
    only = None if profile_ids is None else sorted(set(profile_ids))
    out = _Combiner(m, now)

    def scoped(q, col):
        return q if only is None else q.where(col.in_(only))

    runtime = func.coalesce(Episode.runtime_seconds, Title.runtime_minutes * 60)
    ratings = scoped(select(Rating.profile_id, Rating.title_id, Rating.value, Rating.updated_at),
                     Rating.profile_id)
    viewings = scoped(select(Viewing.profile_id, Viewing.title_id, Viewing.watched_s, runtime,
                             Viewing.completed, Viewing.plays, Viewing.last_watched_at)
                      .join(Title, Title.id == Viewing.title_id)
                      .outerjoin(Episode, Episode.id == Viewing.episode_id)
                      .where(Viewing.hidden.is_(False)), Viewing.profile_id)
    listed = scoped(select(ListItem.profile_id, ListItem.title_id, ListItem.added_at),
                    ListItem.profile_id)
    picked = scoped(select(TastePick.profile_id, TastePick.title_id, TastePick.created_at),
                    TastePick.profile_id)
    if only is None:  # training: every profile, one streamed query per source
        parts = [session.execute(q).all() for q in (ratings, viewings, listed, picked)]
    else:  # a few profiles (a web request): the four sources in one statement
        parts = _one_statement(session, ratings, viewings, listed, picked)
    for pid, tid, value, when in parts[0]:
        pref, conf = m.thumbs.get(int(value), (0.5, 1.0))
        out.add(pid, tid, pref, conf, True, when)
    for pid, tid, watched, run_s, completed, plays, when in parts[1]:
        completion = float(watched) / float(run_s) if run_s else 0.0
        pref, conf = m.viewing(completion, bool(completed), int(plays or 1))
        out.add(pid, tid, pref, conf, False, when)
    for pid, tid, when in parts[2]:
        out.add(pid, tid, m.listed[0], m.listed[1], False, when)
    for pid, tid, when in parts[3]:
        out.add(pid, tid, m.picked[0], m.picked[1], False, when, picked=True)
    return out.build()


def _one_statement(session: Session, ratings, viewings, listed, picked) -> list[list[tuple]]:
    """The four signal queries as one UNION ALL (a source column tells them apart), returned
    as four lists of the same rows the separate queries give, in source order."""
    none_f, none_b, none_i = cast(null(), Float), cast(null(), Boolean), cast(null(), Integer)

    def padded(n: int, q) -> Select:
        cols = list(q.selected_columns)
        pid, tid, *rest, when = cols
        value = [cast(c, Float) for c in rest[:2]] + [none_f] * (2 - len(rest[:2]))
        flags = [cast(rest[2], Boolean), cast(rest[3], Integer)] if len(rest) == 4 \
            else [none_b, none_i]
        return q.with_only_columns(literal_column(str(n), Integer).label("source"), pid, tid,
                                   *value, *flags, when)

    rows = session.execute(union_all(*(padded(n, q) for n, q in
                                       enumerate((ratings, viewings, listed, picked))))).all()
    parts: list[list[tuple]] = [[], [], [], []]
    for source, pid, tid, a, b, completed, plays, when in rows:
        parts[source].append({0: (pid, tid, a, when),
                              1: (pid, tid, a, b, completed, plays, when),
                              2: (pid, tid, when), 3: (pid, tid, when)}[source])
    return parts


def catalog_arrays(session: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(title ids, public popularity, maturity age) of the whole catalog, by id."""
    rows = session.execute(select(Title.id, Title.popularity, Title.maturity_age)
                           .order_by(Title.id)).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    pop = np.array([r[1] or 0.0 for r in rows], dtype=np.float64)
    age = np.array([r[2] for r in rows], dtype=np.int64)
    return ids, pop, age


def newest_signal_at(session: Session, profile_id: int) -> datetime | None:
    """When the profile last gave an explicit signal (thumbs, pick, list), for fold-in."""
    row = session.execute(select(  # one statement: three scalar subqueries
        select(func.max(Rating.updated_at)).where(Rating.profile_id == profile_id)
        .scalar_subquery(),
        select(func.max(TastePick.created_at)).where(TastePick.profile_id == profile_id)
        .scalar_subquery(),
        select(func.max(ListItem.added_at)).where(ListItem.profile_id == profile_id)
        .scalar_subquery())).one()
    times = [t for t in row if t is not None]
    return max(times) if times else None


def signal_stamp(session: Session, profile_id: int) -> tuple:
    """A fingerprint of everything a profile's scoring state is made from: for its thumbs,
    viewings (hidden or not), My List, onboarding picks and stated genres, how many there are,
    the newest time written, and sums of their ids and values (watched seconds, plays,
    completions, hidden flags, thumbs). A writer that adds, removes or changes any of them
    changes the fingerprint (adding stamps a newer time, removing lowers a count, changing a
    value changes a sum), so a state kept under an equal fingerprint is still the profile's
    state (webapp/home.py keeps one between home pages). One statement."""
    return tuple(tuple(row) for row in session.execute(_stamp_statement(), {"pid": profile_id}))


@cache
def _stamp_statement():
    pid = bindparam("pid", type_=Integer)

    def part(source: int, table, newest, ids, *values):
        cols = [cast(func.coalesce(func.sum(v), 0), Float) for v in values]
        cols += [cast(literal_column("0"), Float)] * (4 - len(cols))
        return (select(literal_column(str(source), Integer).label("source"),
                       func.count().label("n"),
                       type_coerce(func.max(newest), DateTime).label("newest"),
                       cast(func.coalesce(func.sum(ids), 0), Float).label("ids"), *cols)
                .where(table.profile_id == pid))

    def flag(column):
        return case((column.is_(True), 1), else_=0)

    v = Viewing
    return union_all(
        part(0, Rating, Rating.updated_at, Rating.title_id, Rating.value),
        part(1, v, v.last_watched_at, v.title_id, v.watched_s, v.plays, flag(v.completed),
             flag(v.hidden)),
        part(2, ListItem, ListItem.added_at, ListItem.title_id),
        part(3, TastePick, TastePick.created_at, TastePick.title_id),
        part(4, FavouriteGenre, cast(null(), DateTime), FavouriteGenre.tag_id),
    ).order_by("source")


def tag_matrix(session: Session, item_ids: np.ndarray):
    """(titles x tags) 0/1 sparse matrix over `item_ids`, for intra-list diversity."""
    import scipy.sparse as sp

    from core.models import TitleTag

    rows = session.execute(select(TitleTag.title_id, TitleTag.tag_id)).all()
    if not rows:
        return None
    tags = sorted({t for _, t in rows})
    col = {t: n for n, t in enumerate(tags)}
    pos = np.searchsorted(item_ids, np.array([r[0] for r in rows], np.int64))
    pos = np.clip(pos, 0, max(item_ids.size - 1, 0))
    ok = item_ids[pos] == np.array([r[0] for r in rows], np.int64)
    cols = np.array([col[r[1]] for r in rows])
    return sp.csr_matrix((np.ones(int(ok.sum())), (pos[ok], cols[ok])),
                         shape=(item_ids.size, len(tags)))
