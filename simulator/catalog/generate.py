"""The synthetic catalog: titles, people, credits, episodes, artworks and hidden ground truth.

`generate_catalog(session, n_titles, seed, now)` writes everything with bulk inserts in short
chunked transactions and explicit ids, so 10,000 titles take seconds on SQLite. Everything is a
function of (seed, the catalog already present): the same seed into an empty database gives
the same rows. Into a database that already holds a catalog it *adds* titles: ids continue
after the current maximum, existing tags are reused, a fresh pool of people is created, and the
random streams are also keyed by the first new title id, so adding twice with one seed does not
repeat the same titles.

Ground truth (`truth_titles`): `quality` ~ N(0, 0.25) with ~6% great (+0.4..0.8) and ~8% poor
titles, and a unit-length float32 feature vector over FEATURE_NAMES (one dimension per genre,
mood, theme and pace, plus a few latent ones), built from the title's tags plus a little noise.

The feature space lives in simulator.catalog.features, the people pool in simulator.catalog.people,
the title words (names, synopses, credits, episodes, drawn from their own stream) in
simulator.catalog.title_text and the bulk-insert helpers in simulator.bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.models import Artwork, Credit, Episode, Person, Tag, Title, TitleTag, TitleTruth
from simulator.bulk import insert_rows, next_id, sync_sequences
from simulator.catalog import vocab
from simulator.catalog.features import N_LATENT, encode_features, feature_vector_for
from simulator.catalog.people import People
from simulator.catalog.title_text import CatalogText
from simulator.rng import derive, pick

# --- the summary ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogSummary:
    titles: int
    films: int
    series: int
    episodes: int
    people: int
    credits: int
    artworks: int
    tags_added: int
    first_title_id: int | None
    last_title_id: int | None

    def line(self) -> str:
        return (f"{self.titles} titles ({self.films} films, {self.series} series), "
                f"{self.episodes} episodes, {self.people} people, {self.credits} credits, "
                f"{self.artworks} artworks, {self.tags_added} new tags")


# --- generation -----------------------------------------------------------------------------

CHUNK_TITLES = 1000  # titles per transaction

_GENRE_SLUGS = [g.slug for g in vocab.GENRES]
_MOOD_SLUGS = [m.slug for m in vocab.MOODS]
_THEME_SLUGS = [t.slug for t in vocab.THEMES]
_GENRE_P = np.array([g.weight for g in vocab.GENRES]) / sum(g.weight for g in vocab.GENRES)
_LANG_P = np.array(vocab.LANGUAGE_WEIGHTS)
_PACES = list(vocab.PACES)
_FAST = {"action", "thriller", "sport", "animation", "kids", "comedy"}
_SLOW = {"drama", "documentary", "history", "romance", "western", "mystery"}
_SEASON_P = np.array([0.36, 0.24, 0.16, 0.11, 0.08, 0.05])
_COUNT_P = np.array([0.32, 0.46, 0.22])  # 1, 2 or 3 genres/moods/themes


QUALITY_IN_POPULARITY = 2.0  # log public popularity per unit of hidden quality
ARRIVAL_SHARE = 0.06  # of the titles, released during the simulated period (if any)
CRITIC_COVERAGE = (0.55, 0.97)  # share of titles with a critics' score: least .. most popular


@dataclass(frozen=True)
class TitleDynamics:
    """Per title: a release date inside the simulated period (or None), the public critics'
    score (0..100, or None for titles critics ignored) and the hidden marketing buzz."""

    arrival: list[date | None]
    critic_score: list[int | None]
    awareness: np.ndarray


def title_dynamics(rng: np.random.Generator, quality: np.ndarray, popularity: np.ndarray,
                   now: datetime, arrivals_until: datetime | None) -> TitleDynamics:
    """Draws of their own stream (adding them shifts no other draw of a catalogue):
    - arrivals: ARRIVAL_SHARE of titles released uniformly over (now, arrivals_until];
    - critics' score: 62 + 55 * quality + N(0, 12), clipped to 5..99 (correlation with hidden
      quality about 0.75), given to more of the popular titles (CRITIC_COVERAGE);
    - awareness (hidden buzz at release, 0..1): public popularity's share of its maximum,
      times log-normal noise; titles arriving in the period get a launch campaign (x3, and
      at least 0.5).
    How buzz decays after release is `simulator.viewers.behaviour.awareness`."""
    n = quality.size
    arrive = rng.random(n) < ARRIVAL_SHARE
    offsets = rng.random(n)
    noise = rng.normal(0.0, 12.0, n)
    covered = rng.random(n)
    buzz = rng.lognormal(0.0, 0.6, n)
    arrival: list[date | None] = [None] * n
    if arrivals_until is not None and arrivals_until > now:
        span = (arrivals_until.date() - now.date()).days
        for i in np.flatnonzero(arrive).tolist():
            arrival[i] = now.date() + timedelta(days=1 + int(offsets[i] * span))
    share = popularity / max(float(popularity.max(initial=0.0)), 1e-9)
    cover = CRITIC_COVERAGE[0] + (CRITIC_COVERAGE[1] - CRITIC_COVERAGE[0]) * np.sqrt(share)
    score = np.clip(np.round(62.0 + 55.0 * quality + noise), 5, 99).astype(int)
    critic = [int(score[i]) if covered[i] < cover[i] else None for i in range(n)]
    launched = np.array([a is not None for a in arrival])
    awareness = np.clip(np.sqrt(share) * buzz, 0.0, 1.0)
    # A launch campaign: at least half the audience hears of a title arriving in the period.
    awareness = np.where(launched, np.clip(np.maximum(3.0 * awareness, 0.5 * buzz), 0.5, 1.0),
                         awareness)
    return TitleDynamics(arrival, critic, np.round(awareness, 4))


def _film_runtime_mean(genre: str) -> float:
    if genre in {"animation", "kids", "family"}:
        return 92
    if genre in {"documentary", "comedy", "romance", "horror"}:
        return 101
    if genre in {"action", "sci-fi", "fantasy", "adventure", "crime"}:
        return 122
    if genre in {"history", "war", "western", "musical"}:
        return 134
    return 112


def _episode_minutes(genre: str, rng: np.random.Generator) -> int:
    if genre in {"comedy", "animation", "kids", "family"}:
        return int(rng.integers(22, 31))
    if genre == "documentary":
        return int(rng.integers(40, 56))
    return int(rng.integers(42, 61))


def _weighted_distinct(rng, options: Sequence[str], preferred: Sequence[str], k: int,
                       exclude: frozenset[str] = frozenset(),
                       conflicts: dict[str, frozenset[str]] | None = None) -> list[str]:
    """k distinct options, preferred ones 5x as likely; picks exclude their conflicts."""
    w = np.array([0.0 if o in exclude else (5.0 if o in preferred else 1.0) for o in options])
    picked: list[str] = []
    while len(picked) < k and w.sum() > 0:
        i = int(np.searchsorted(np.cumsum(w), rng.random() * w.sum(), side="right"))
        i = min(i, len(options) - 1)
        picked.append(options[i])
        w[i] = 0.0
        for other in (conflicts or {}).get(options[i], ()):
            w[options.index(other)] = 0.0
    return picked


def _maturity(rng, genres: list[str], moods: list[str]) -> int:
    probs = vocab.MATURITY_BY_GENRE.get(genres[0], vocab.DEFAULT_MATURITY)
    age = vocab.MATURITY_AGES[int(rng.choice(5, p=np.array(probs) / sum(probs)))]
    if (age < 13 and not vocab.GENRE_BY_SLUG[genres[0]].kids
            and {"dark", "gritty", "chilling"} & set(moods)):
        age = 13
    if "horror" in genres and age < 13:
        age = 13
    return age


def _ensure_tags(session: Session) -> tuple[dict[str, int], int]:
    """Ids of every vocabulary tag by slug, inserting the missing ones."""
    existing = {(k, s): i for i, k, s in session.execute(select(Tag.id, Tag.kind, Tag.slug))}
    new_id = next_id(session, Tag)
    rows, ids = [], {}
    for kind, items in (("genre", vocab.GENRES), ("mood", vocab.MOODS),
                        ("theme", vocab.THEMES)):
        for item in items:
            tag_id = existing.get((kind, item.slug))
            if tag_id is None:
                tag_id = new_id
                new_id += 1
                rows.append({"id": tag_id, "kind": kind, "slug": item.slug, "name": item.name})
            ids[item.slug] = tag_id
    if rows:
        session.execute(insert(Tag), rows)
    return ids, len(rows)


@dataclass
class _Draws:
    """The per-title draws that vectorise, made once for the whole call (in this order, so the
    same seed gives the same catalogue)."""

    is_series: np.ndarray
    primary: np.ndarray
    lang_idx: np.ndarray
    age_years: np.ndarray
    day_frac: np.ndarray
    quality: np.ndarray
    popularity: np.ndarray
    art_seeds: np.ndarray
    latent: np.ndarray
    dynamics: TitleDynamics


def _draw_titles(rng: np.random.Generator, n_titles: int, now: datetime,
                 dynamics_rng: np.random.Generator,
                 arrivals_until: datetime | None) -> _Draws:
    is_series = rng.random(n_titles) < 0.30
    primary = rng.choice(len(_GENRE_SLUGS), size=n_titles, p=_GENRE_P)
    lang_idx = rng.choice(len(vocab.LANGUAGES), size=n_titles, p=_LANG_P)
    age_years = np.minimum(np.floor(rng.exponential(9.0, n_titles)), now.year - 1970)
    day_frac = rng.random(n_titles)
    quality = rng.normal(0.0, 0.25, n_titles)
    tier = rng.random(n_titles)
    quality += np.where(tier < 0.06, rng.uniform(0.4, 0.8, n_titles), 0.0)
    quality -= np.where(tier > 0.92, rng.uniform(0.4, 0.8, n_titles), 0.0)
    quality = np.clip(quality, -2.0, 2.0)
    # Long-tailed popularity: lognormal, nudged by quality and recency, capped near its
    # 99.9th percentile so the scale does not depend on how many titles one call makes.
    # Good titles tend to be popular (QUALITY_IN_POPULARITY): public popularity follows
    # hidden quality with noise (correlation about 0.5), as in real catalogues.
    log_pop = (1.3 * rng.normal(0.0, 1.0, n_titles) + QUALITY_IN_POPULARITY * quality
               - 0.04 * age_years)
    popularity = np.round(100.0 * np.minimum(1.0, np.exp(log_pop - 4.2)), 3)
    art_seeds = rng.integers(0, 2**31 - 1, n_titles)
    latent = rng.normal(0.0, 0.35, (n_titles, N_LATENT))
    dyn = title_dynamics(dynamics_rng, quality, popularity, now, arrivals_until)
    return _Draws(is_series, primary, lang_idx, age_years, day_frac, quality, popularity,
                  art_seeds, latent, dyn)


class _TitleWriter:
    """Builds one title's rows (title, tags, credits, episodes, artworks, truth) into `rows`,
    drawing from `rng` in a fixed order; keeps the running ids and counts."""

    def __init__(self, rng: np.random.Generator, text: CatalogText, tag_ids: dict[str, int],
                 draws: _Draws, now: datetime, next_episode: int, next_artwork: int) -> None:
        self.rng, self.text, self.tag_ids, self.draws, self.now = rng, text, tag_ids, draws, now
        self.next_episode, self.next_artwork = next_episode, next_artwork
        self.counts = {"films": 0, "series": 0, "episodes": 0, "credits": 0, "artworks": 0}

    def add(self, rows: dict[type, list[dict]], i: int, title_id: int) -> None:
        rng, d = self.rng, self.draws
        kind = "series" if d.is_series[i] else "film"
        g0 = _GENRE_SLUGS[d.primary[i]]
        lang = vocab.LANGUAGES[d.lang_idx[i]]
        cc = [c for c, _ in lang.countries]
        cw = np.array([w for _, w in lang.countries])
        country = cc[int(rng.choice(len(cc), p=cw / cw.sum()))]
        genres, moods, themes, pace = self._tags(g0)
        year, release = self._release(i)

        seasons = 0
        if kind == "series":
            seasons = int(rng.choice(6, p=_SEASON_P)) + 1
            runtime = _episode_minutes(g0, rng)
            self.counts["series"] += 1
        else:
            runtime = int(np.clip(rng.normal(_film_runtime_mean(g0), 13), 80, 170))
            self.counts["films"] += 1

        words = self.text.title(kind=kind, genres=genres, moods=moods, themes=themes, pace=pace,
                                lang=lang.code, country=country, year=year, seasons=seasons)
        rows[Title].append({
            "id": title_id, "name": words.name, "kind": kind, "synopsis": words.synopsis,
            "year": year, "release_date": release, "runtime_minutes": runtime,
            "seasons": seasons, "language": lang.code, "country": country,
            "maturity_age": _maturity(rng, genres, moods), "pace": pace,
            "popularity": float(d.popularity[i]), "critic_score": d.dynamics.critic_score[i],
            "art_seed": int(d.art_seeds[i]),
            "created_at": self.now,
        })
        for pos, slug in enumerate(genres + moods + themes):
            rows[TitleTag].append({"title_id": title_id, "tag_id": self.tag_ids[slug],
                                   "position": pos})
        self._credits(rows, title_id, lang.code, country)
        if kind == "series":
            self._episodes(rows, title_id, words, seasons, runtime)
        self._artworks(rows, title_id, g0, genres, moods, themes)
        vec = feature_vector_for(genres, moods, themes, pace, d.latent[i], rng=rng, noise=0.05)
        rows[TitleTruth].append({"title_id": title_id, "quality": float(d.quality[i]),
                                 "features": encode_features(vec),
                                 "awareness": float(d.dynamics.awareness[i])})

    def _tags(self, g0: str) -> tuple[list[str], list[str], list[str], str]:
        rng = self.rng
        genre = vocab.GENRE_BY_SLUG[g0]
        n_g, n_m, n_t = (int(x) + 1 for x in rng.choice(3, size=3, p=_COUNT_P))
        genres = [g0] + _weighted_distinct(
            rng, vocab.GENRE_AFFINITY[g0], (), n_g - 1) if n_g > 1 else [g0]
        moods = _weighted_distinct(
            rng, _MOOD_SLUGS, vocab.GENRE_MOODS[g0], n_m,
            vocab.KIDS_UNSUITABLE_MOODS if genre.kids else frozenset(), vocab.MOOD_CONFLICTS)
        themes = _weighted_distinct(rng, _THEME_SLUGS, vocab.GENRE_THEMES[g0], n_t)
        pw = np.array([vocab.PACE_WEIGHTS[p] for p in _PACES])
        pw = pw * np.array([0.5, 1.0, 2.0] if g0 in _FAST else
                           [2.0, 1.0, 0.5] if g0 in _SLOW else [1.0, 1.0, 1.0])
        pace = _PACES[int(rng.choice(3, p=pw / pw.sum()))]
        return genres, moods, themes, pace

    def _release(self, i: int) -> tuple[int, date]:
        d, now = self.draws, self.now
        year = int(now.year - d.age_years[i])
        jan1 = date(year, 1, 1)
        last_day = min(date(year, 12, 31), now.date())
        release = jan1 + timedelta(days=int(d.day_frac[i] * ((last_day - jan1).days + 1)))
        if d.dynamics.arrival[i] is not None:  # arrives during the simulated period
            release, year = d.dynamics.arrival[i], d.dynamics.arrival[i].year
        return year, release

    def _credits(self, rows: dict[type, list[dict]], title_id: int, lang: str,
                 country: str) -> None:
        cast, director = self.text.credits(lang, country)
        for pos, pid in enumerate(cast):
            rows[Credit].append({"title_id": title_id, "person_id": pid, "role": "cast",
                                 "position": pos})
        rows[Credit].append({"title_id": title_id, "person_id": director,
                             "role": "director", "position": len(cast)})
        self.counts["credits"] += len(cast) + 1

    def _episodes(self, rows: dict[type, list[dict]], title_id: int, words, seasons: int,
                  runtime: int) -> None:
        rng = self.rng
        writer = self.text.episodes(words)
        for season in range(1, seasons + 1):
            n_eps = int(rng.integers(6, 11))
            ep_text = writer.season(season, n_eps)
            lengths = np.clip(rng.normal(runtime * 60, runtime * 4, n_eps),
                              runtime * 48, runtime * 72).astype(int)
            for number in range(1, n_eps + 1):
                length = int(lengths[number - 1])
                tail = int(rng.integers(45, 151)) if runtime < 35 \
                    else int(rng.integers(90, 271))
                rows[Episode].append({
                    "id": self.next_episode, "title_id": title_id, "season": season,
                    "number": number, "name": ep_text[number - 1].name,
                    "synopsis": ep_text[number - 1].synopsis,
                    "runtime_seconds": length,
                    "intro_end_seconds": int(rng.integers(30, 91)),
                    "credits_start_seconds": length - tail,
                })
                self.next_episode += 1
                self.counts["episodes"] += 1

    def _artworks(self, rows: dict[type, list[dict]], title_id: int, g0: str,
                  genres: list[str], moods: list[str], themes: list[str]) -> None:
        """One artwork per focus tag (primary genre, first mood and theme, sometimes one
        more), each with a motif of that tag not used yet on this title."""
        rng = self.rng
        focus = [g0, moods[0], themes[0]]
        extra = genres[1:2] or moods[1:2] or themes[1:2]
        if extra and rng.random() < 0.6:
            focus += extra
        motifs_used: list[str] = []
        for variant, slug in enumerate(focus):
            options = [m for m in vocab.TAG_MOTIFS[slug] if m not in motifs_used] \
                or list(vocab.TAG_MOTIFS[slug])
            motif = pick(rng, options)
            motifs_used.append(motif)
            rows[Artwork].append({"id": self.next_artwork, "title_id": title_id,
                                  "variant": variant, "focus_tag_id": self.tag_ids[slug],
                                  "motif": motif})
            self.next_artwork += 1
        self.counts["artworks"] += len(focus)


def generate_catalog(
    session: Session,
    n_titles: int,
    seed: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    arrivals_until: datetime | None = None,
) -> CatalogSummary:
    """Generate and insert `n_titles` titles (about 70% films, 30% series) with everything
    they need; commits in chunks. `progress(n_done)` gets the running total of titles written.
    With `arrivals_until`, about ARRIVAL_SHARE of the titles are released after `now`, up to
    that time (new titles arrive while a simulation runs; `title_dynamics`).
    """
    if n_titles < 0:
        raise ValueError("n_titles must be >= 0")
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    tag_ids, tags_added = _ensure_tags(session)
    first_title = next_id(session, Title)
    key = f"from-title-{first_title}"
    rng_people = derive(seed, "catalog", key, "people")
    rng = derive(seed, "catalog", key, "titles")

    n_people = max(30, round(n_titles * 1.2)) if n_titles else 0
    people = People(rng_people, seed, key, n_people, next_id(session, Person)) \
        if n_titles else None
    if people:
        insert_rows(session, Person, people.rows)
    sync_sequences(session, (Tag, Person))
    session.commit()
    if not n_titles:
        return CatalogSummary(0, 0, 0, 0, 0, 0, 0, tags_added, None, None)

    # Words (names, synopses, credits, episodes) come from their own stream, so rewording
    # the catalogue never shifts a numeric draw.
    text = CatalogText(derive(seed, "catalog", key, "text"), people,
                       set(session.scalars(select(Title.name))))
    draws = _draw_titles(rng, n_titles, now, derive(seed, "catalog", key, "dynamics"),
                         arrivals_until)
    writer = _TitleWriter(rng, text, tag_ids, draws, now, next_id(session, Episode),
                          next_id(session, Artwork))
    for start in range(0, n_titles, CHUNK_TITLES):
        rows: dict[type, list[dict]] = {m: [] for m in
                                        (Title, TitleTag, Credit, Episode, Artwork, TitleTruth)}
        for i in range(start, min(start + CHUNK_TITLES, n_titles)):
            writer.add(rows, i, first_title + i)
        for model, model_rows in rows.items():
            insert_rows(session, model, model_rows)
        sync_sequences(session, (Tag, Person, Title, Episode, Artwork))
        session.commit()
        if progress is not None:
            progress(min(start + CHUNK_TITLES, n_titles))

    counts = writer.counts
    return CatalogSummary(
        titles=n_titles, films=counts["films"], series=counts["series"],
        episodes=counts["episodes"], people=len(people.rows), credits=counts["credits"],
        artworks=counts["artworks"], tags_added=tags_added, first_title_id=first_title,
        last_title_id=first_title + n_titles - 1,
    )
