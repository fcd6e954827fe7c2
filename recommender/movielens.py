"""Import a MovieLens folder as catalog and ratings, so the site and `evaluate` run on real data.

Two layouts are recognised: ml-latest-small (movies.csv, ratings.csv) and ml-100k (u.item,
u.data, optional u.user). Every movie becomes a film Title with its genres as genre tags; every
MovieLens user becomes a simulated account (no password, cannot log in) with one profile.
Every rating becomes a viewing (finished when the rating is 4 or more, else watched in
proportion to rating / 5) and, except for a middling 3, thumbs: >= 4.5 love (2), >= 3.5 up (1),
<= 2.5 down (-1). Timestamps are kept, so recency weighting sees the real history.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.models import Account, Profile, Rating, Tag, Title, TitleTag, Viewing

YEAR = re.compile(r"\((\d{4})\)\s*$")
RUNTIME_MIN = 100  # MovieLens has no runtimes; every film gets the same nominal length
CHUNK = 5000


@dataclass
class Summary:
    titles: int
    profiles: int
    ratings: int
    layout: str

    def __str__(self) -> str:
        return (f"{self.titles} titles, {self.profiles} profiles, {self.ratings} ratings "
                f"({self.layout})")


def thumbs_for(rating: float) -> int | None:
    if rating >= 4.5:
        return 2
    if rating >= 3.5:
        return 1
    if rating <= 2.5:
        return -1
    return None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48] or "unknown"


def _read_latest_small(folder: Path):
    movies = []
    with open(folder / "movies.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            genres = [g for g in row["genres"].split("|") if g and g != "(no genres listed)"]
            movies.append((int(row["movieId"]), row["title"].strip(), genres))
    ratings = []
    with open(folder / "ratings.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            ratings.append((int(row["userId"]), int(row["movieId"]), float(row["rating"]),
                            int(row["timestamp"])))
    return movies, ratings


def _read_100k(folder: Path):
    names = []
    genre_file = folder / "u.genre"
    if genre_file.exists():
        for line in genre_file.read_text(encoding="latin-1").splitlines():
            if "|" in line:
                names.append(line.split("|")[0])
    movies = []
    for line in (folder / "u.item").read_text(encoding="latin-1").splitlines():
        parts = line.split("|")
        if len(parts) < 5:
            continue
        flags = parts[5:]
        labels = names or [f"genre {n}" for n in range(len(flags))]
        genres = [labels[n] for n, f in enumerate(flags)
                  if f == "1" and n < len(labels) and labels[n] != "unknown"]
        movies.append((int(parts[0]), parts[1].strip(), genres))
    ratings = []
    for line in (folder / "u.data").read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) >= 4:
            ratings.append((int(parts[0]), int(parts[1]), float(parts[2]), int(parts[3])))
    return movies, ratings


def read_folder(folder: str | Path):
    """(layout, movies [(id, title, genres)], ratings [(user, movie, rating, unix time)])."""
    folder = Path(folder)
    if (folder / "movies.csv").exists() and (folder / "ratings.csv").exists():
        return "ml-latest-small", *_read_latest_small(folder)
    if (folder / "u.item").exists() and (folder / "u.data").exists():
        return "ml-100k", *_read_100k(folder)
    raise ValueError(f"{folder} holds neither movies.csv+ratings.csv nor u.item+u.data")


def _insert_ids(session: Session, model, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        ids += list(session.scalars(insert(model).returning(model.id,
                                                             sort_by_parameter_order=True),
                                    rows[start:start + CHUNK]))
    return [int(i) for i in ids]


def _insert(session: Session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        if rows[start:start + CHUNK]:
            session.execute(insert(model), rows[start:start + CHUNK])


def import_folder(session: Session, folder: str | Path, now: datetime) -> Summary:
    """Load a MovieLens folder into the database (the caller commits)."""
    layout, movies, ratings = read_folder(folder)
    counts = Counter(m for _, m, _, _ in ratings)
    top = max(counts.values(), default=1)
    tag_ids = {t.slug: t.id for t in session.scalars(select(Tag).where(Tag.kind == "genre"))}
    for name in sorted({g for _, _, genres in movies for g in genres}):
        if _slug(name) not in tag_ids:
            tag = Tag(kind="genre", slug=_slug(name), name=name[:48])
            session.add(tag)
            session.flush()
            tag_ids[tag.slug] = tag.id
    title_rows = []
    for movie_id, name, _ in movies:
        match = YEAR.search(name)
        year = int(match.group(1)) if match else 1990
        title_rows.append({
            "name": YEAR.sub("", name).strip()[:160] or name[:160], "kind": "film",
            "synopsis": "", "year": year, "release_date": date(year, 1, 1),
            "runtime_minutes": RUNTIME_MIN, "seasons": 0, "language": "en", "country": "US",
            "maturity_age": 13, "pace": "medium",
            "popularity": math.log1p(counts.get(movie_id, 0)) / math.log1p(top),
            "art_seed": movie_id, "created_at": now})
    title_of = dict(zip([m for m, _, _ in movies], _insert_ids(session, Title, title_rows),
                        strict=True))
    _insert(session, TitleTag, [
        {"title_id": title_of[m], "tag_id": tag_ids[_slug(g)], "position": n}
        for m, _, genres in movies for n, g in enumerate(dict.fromkeys(genres))])
    users = sorted({u for u, _, _, _ in ratings})
    account_ids = _insert_ids(session, Account, [
        {"email": f"ml-{layout}-{u}@movielens.invalid", "password_hash": None,
         "role": "viewer", "is_simulated": True, "session_epoch": 0, "created_at": now}
        for u in users])
    profile_ids = _insert_ids(session, Profile, [
        {"account_id": a, "name": f"ML {u}", "avatar": "a", "onboarded_at": now,
         "created_at": now} for u, a in zip(users, account_ids, strict=True)])
    profile_of = dict(zip(users, profile_ids, strict=True))
    viewings, thumbs = [], []
    for user, movie, value, stamp in ratings:
        if movie not in title_of:
            continue
        when = datetime.fromtimestamp(stamp, UTC).replace(tzinfo=None)
        pid, tid = profile_of[user], title_of[movie]
        viewings.append({"profile_id": pid, "title_id": tid, "episode_key": 0,
                         "watched_s": RUNTIME_MIN * 60 * min(value / 5.0, 1.0),
                         "furthest_s": 0, "position_s": 0, "completed": value >= 4.0,
                         "hidden": False, "plays": 1, "started_at": when,
                         "last_watched_at": when, "last_client_time": when})
        thumb = thumbs_for(value)
        if thumb is not None:
            thumbs.append({"profile_id": pid, "title_id": tid, "value": thumb,
                           "created_at": when, "updated_at": when})
    _insert(session, Viewing, viewings)
    _insert(session, Rating, thumbs)
    return Summary(len(title_of), len(users), len(viewings), layout)
