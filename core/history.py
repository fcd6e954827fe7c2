"""What a profile watched: continue watching, resume points, viewing activity, hiding.

Hidden viewings (`Viewing.hidden`) leave continue watching, the activity page, Top 10 and
Trending (recommender.rows filters them), and must be left out of the recommender's training
data: anything that learns from viewings reads them through `visible_viewings()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, or_, select, update
from sqlalchemy.orm import Session

from core import catalog
from core.models import Episode, Rating, Title, Viewing
from core.playback import TitleFacts, runtime_of

MIN_RESUME_S = 30  # less than this watched: start from the beginning


def visible_viewings():
    """A select() of the viewings that count: everything not hidden from history."""
    return select(Viewing).where(Viewing.hidden.is_(False))


@dataclass(frozen=True)
class Resume:
    """Where Play takes a profile: a title (and episode) and a position in seconds."""

    title: TitleFacts  # a Title, or a catalog.TitleCard on the home page
    episode: Episode | None
    position_s: int
    runtime_s: int
    last_watched_at: datetime | None = None

    @property
    def progress(self) -> float:
        return min(1.0, self.position_s / self.runtime_s) if self.runtime_s else 0.0

    @property
    def label(self) -> str:
        if self.episode is None:
            return ""
        return f"S{self.episode.season}:E{self.episode.number} {self.episode.name}"


def next_episode(title: Title, episode: Episode) -> Episode | None:
    eps = title.episodes
    for i, ep in enumerate(eps):
        if ep.id == episode.id:
            return eps[i + 1] if i + 1 < len(eps) else None
    return None


# What a resume point reads of a viewing: plain rows, not ORM objects (a long history would
# otherwise build dozens of tracked objects on every home page).
_RESUME_COLUMNS = (Viewing.title_id, Viewing.episode_id, Viewing.position_s, Viewing.watched_s,
                   Viewing.completed, Viewing.last_watched_at)


def _latest_per_title(session: Session, profile_id: int, max_age: int,
                      title_id: int | None = None) -> list[Row]:
    """The newest visible viewing of each title (of `title_id` only, if given), newest
    first, as rows of `_RESUME_COLUMNS`."""
    q = (select(*_RESUME_COLUMNS).join(Title, Title.id == Viewing.title_id)
         .where(Viewing.profile_id == profile_id, Viewing.hidden.is_(False),
                catalog.visible(max_age))
         .order_by(Viewing.last_watched_at.desc(), Viewing.id.desc()))
    if title_id is not None:
        q = q.where(Viewing.title_id == title_id)
    latest: dict[int, Row] = {}
    for v in session.execute(q):
        latest.setdefault(v.title_id, v)
    return list(latest.values())


def _resume_from(session: Session, v: Row, max_age: int) -> Resume | None:
    """Resume point after viewing v: its position, or (series) the next episode; None if done."""
    title = catalog.get_title(session, v.title_id, max_age)
    return _resume(v, title, title.episodes) if title is not None else None


def _resume(v: Row, title: TitleFacts, episodes: list[Episode]) -> Resume | None:
    """v's resume point, given the title's episodes in order (for an unfinished viewing,
    its own episode is enough)."""
    episode = next((e for e in episodes if e.id == v.episode_id), None)
    if v.completed:
        following = None
        if episode is not None:
            at = episodes.index(episode)
            following = episodes[at + 1] if at + 1 < len(episodes) else None
        if following is None:
            return None
        return Resume(title, following, 0, following.runtime_seconds, v.last_watched_at)
    position = v.position_s if v.watched_s >= MIN_RESUME_S or v.position_s >= MIN_RESUME_S else 0
    return Resume(title, episode, position, runtime_of(title, episode), v.last_watched_at)


def _episodes_for(session: Session, chunk: list[Row]) -> dict[int, list[Episode]]:
    """Per title, in order: the episodes the chunk's resume points need, in one statement
    (an unfinished episode itself; every episode of a title whose episode was finished, to
    find the next one). Only series viewings need any."""
    watching = [v.episode_id for v in chunk if v.episode_id is not None and not v.completed]
    finished = [v.title_id for v in chunk if v.episode_id is not None and v.completed]
    if not watching and not finished:
        return {}
    rows = session.scalars(select(Episode).where(or_(
        Episode.id.in_(watching), Episode.title_id.in_(finished)))
        .order_by(Episode.title_id, Episode.season, Episode.number)).all()
    out: dict[int, list[Episode]] = {}
    for e in rows:
        out.setdefault(e.title_id, []).append(e)
    return out


def continue_watching(session: Session, profile_id: int, max_age: int, n: int = 20, *,
                      load: Callable[[list[int]], Sequence[TitleFacts]] | None = None
                      ) -> list[Resume]:
    """Titles to continue, most recent first: unfinished ones, and series' next episodes.

    The titles and episodes are loaded in batches (two statements per batch, usually one
    batch), never one title at a time: a long history must not cost a query per title.
    `load` gives the titles for ids, in order, within the limit (default: loaded from the
    database); the home rows pass their short-lived title cards, which cost no statement."""
    if load is None:
        def load(ids: list[int]) -> list[Title]:
            return catalog.load_titles(session, ids, max_age)
    candidates = [v for v in _latest_per_title(session, profile_id, max_age)
                  if v.watched_s > 0 or v.position_s > 0 or v.completed]  # not only started
    out: list[Resume] = []
    batch = n + max(4, n // 4)  # finished films drop out, so a few more than n
    for start in range(0, len(candidates), batch):
        chunk = candidates[start:start + batch]
        titles = {t.id: t for t in load([v.title_id for v in chunk])}
        episodes = _episodes_for(session, chunk)
        for v in chunk:
            title = titles.get(v.title_id)
            resume = _resume(v, title, episodes.get(v.title_id, [])) if title else None
            if resume is not None:
                out.append(resume)
            if len(out) >= n:
                return out
    return out


def has_continue(session: Session, profile_id: int, max_age: int) -> bool:
    """Would `continue_watching` show anything? One statement, unless the only candidates are
    finished viewings (a finished episode may have a next one: then it asks continue_watching)."""
    candidates = [v for v in _latest_per_title(session, profile_id, max_age)
                  if v.watched_s > 0 or v.position_s > 0 or v.completed]
    if any(not v.completed for v in candidates):
        return True  # an unfinished viewing of a visible title always resumes
    if not any(v.episode_id is not None for v in candidates):
        return False  # finished films only
    return bool(continue_watching(session, profile_id, max_age, n=1))


def resume_point(session: Session, profile_id: int, title: Title, max_age: int) -> Resume:
    """Where Play starts for a title: the last position, the next episode, or the beginning."""
    latest = _latest_per_title(session, profile_id, max_age, title.id)
    resume = _resume_from(session, latest[0], max_age) if latest else None
    if resume is not None:
        return resume
    first = title.episodes[0] if title.kind == "series" and title.episodes else None
    return Resume(title, first, 0, runtime_of(title, first))


def viewing_of(session: Session, profile_id: int, title_id: int,
               episode_id: int | None) -> Viewing | None:
    return session.scalar(select(Viewing).where(
        Viewing.profile_id == profile_id, Viewing.title_id == title_id,
        Viewing.episode_key == (episode_id or 0)))


@dataclass(frozen=True)
class HistoryEntry:
    viewing: Viewing
    title: Title
    episode: Episode | None
    rating: int | None

    @property
    def progress(self) -> float:
        runtime = runtime_of(self.title, self.episode)
        if self.viewing.completed:
            return 1.0
        return min(1.0, self.viewing.furthest_s / runtime) if runtime else 0.0


def viewing_activity(session: Session, profile_id: int, max_age: int,
                     limit: int = 500) -> list[HistoryEntry]:
    """Every title and episode watched (not hidden), newest first, with the thumbs given."""
    rows = session.execute(
        select(Viewing, Title, Episode)
        .join(Title, Title.id == Viewing.title_id)
        .outerjoin(Episode, Episode.id == Viewing.episode_id)
        .where(Viewing.profile_id == profile_id, Viewing.hidden.is_(False),
               catalog.visible(max_age))
        .order_by(Viewing.last_watched_at.desc(), Viewing.id.desc()).limit(limit)).all()
    ratings = dict(session.execute(select(Rating.title_id, Rating.value).where(
        Rating.profile_id == profile_id)).all())
    return [HistoryEntry(v, t, e, ratings.get(t.id)) for v, t, e in rows]


def hide_title(session: Session, profile_id: int, title_id: int) -> int:
    """Hide every viewing of a title (all its episodes) from history; returns rows changed."""
    result = session.execute(update(Viewing).where(
        Viewing.profile_id == profile_id, Viewing.title_id == title_id,
        Viewing.hidden.is_(False)).values(hidden=True))
    return result.rowcount or 0


def thumbs_given(session: Session, profile_id: int, max_age: int) -> list[tuple[Title, int]]:
    """Every rating the profile gave (title, value), most recently changed first."""
    rows = session.execute(
        select(Title, Rating.value).join(Rating, Rating.title_id == Title.id)
        .where(Rating.profile_id == profile_id, catalog.visible(max_age))
        .order_by(Rating.updated_at.desc(), Rating.id.desc())).all()
    return [(title, value) for title, value in rows]
