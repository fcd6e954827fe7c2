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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from faker import Faker
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from core.models import Artwork, Credit, Episode, Person, Tag, Title, TitleTag, TitleTruth
from simulator import vocab
from simulator.rng import derive, derive_int

__all__ = [
    "FEATURE_NAMES",
    "FEATURE_INDEX",
    "N_FEATURES",
    "CatalogSummary",
    "decode_features",
    "encode_features",
    "feature_vector_for",
    "generate_catalog",
]

# --- the feature space ------------------------------------------------------------------------

N_LATENT = 4
FEATURE_NAMES: tuple[str, ...] = (
    *(f"genre:{g.slug}" for g in vocab.GENRES),
    *(f"mood:{m.slug}" for m in vocab.MOODS),
    *(f"theme:{t.slug}" for t in vocab.THEMES),
    *(f"pace:{p}" for p in vocab.PACES),
    *(f"latent:{i}" for i in range(N_LATENT)),
)
FEATURE_INDEX: dict[str, int] = {name: i for i, name in enumerate(FEATURE_NAMES)}
N_FEATURES = len(FEATURE_NAMES)

# Weight of a tag by its position within its kind (primary genre counts most).
_GENRE_W, _MOOD_W, _THEME_W, _PACE_W = (1.0, 0.6, 0.45), (0.8, 0.5, 0.35), (0.6, 0.4, 0.3), 0.5


def feature_vector_for(
    genres: Sequence[str],
    moods: Sequence[str] = (),
    themes: Sequence[str] = (),
    pace: str | None = None,
    latent: Sequence[float] | None = None,
    *,
    rng: np.random.Generator | None = None,
    noise: float = 0.0,
) -> np.ndarray:
    """A unit-length float32 vector over FEATURE_NAMES from tag slugs (most important first).

    Titles use it with their tags, a latent draw and noise=0.05; the simulator can use the same
    function (or weights over FEATURE_INDEX) to build taste vectors in the same space.
    """
    vec = np.zeros(N_FEATURES, dtype=np.float64)
    for kind, slugs, weights in (("genre", genres, _GENRE_W), ("mood", moods, _MOOD_W),
                                 ("theme", themes, _THEME_W)):
        for i, slug in enumerate(slugs):
            vec[FEATURE_INDEX[f"{kind}:{slug}"]] += weights[min(i, len(weights) - 1)]
    if pace is not None:
        vec[FEATURE_INDEX[f"pace:{pace}"]] = _PACE_W
    if latent is not None:
        vec[-N_LATENT:] = np.asarray(latent, dtype=np.float64)[:N_LATENT]
    if noise and rng is not None:
        vec += rng.normal(0.0, noise, N_FEATURES)
    norm = float(np.linalg.norm(vec))
    return (vec / norm if norm > 0 else vec).astype(np.float32)


def encode_features(vec: np.ndarray) -> bytes:
    return np.asarray(vec, dtype=np.float32).tobytes()


def decode_features(data: bytes) -> np.ndarray:
    """The float32 vector stored in TitleTruth.features (or ProfileTruth.taste)."""
    return np.frombuffer(data, dtype=np.float32).copy()


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
BATCH_ROWS = 2000  # rows per executemany

_GENRE = {g.slug: g for g in vocab.GENRES}
_MOOD = {m.slug: m for m in vocab.MOODS}
_THEME = {t.slug: t for t in vocab.THEMES}
_GENRE_SLUGS = [g.slug for g in vocab.GENRES]
_MOOD_SLUGS = [m.slug for m in vocab.MOODS]
_THEME_SLUGS = [t.slug for t in vocab.THEMES]
_GENRE_P = np.array([g.weight for g in vocab.GENRES]) / sum(g.weight for g in vocab.GENRES)
_LANG_P = np.array([lang.weight for lang in vocab.LANGUAGES])
_LANG_P = _LANG_P / _LANG_P.sum()
_PACES = list(vocab.PACES)
_FAST = {"action", "thriller", "sport", "animation", "kids", "comedy"}
_SLOW = {"drama", "documentary", "history", "romance", "western", "mystery"}
_SEASON_P = np.array([0.36, 0.24, 0.16, 0.11, 0.08, 0.05])
_COUNT_P = np.array([0.32, 0.46, 0.22])  # 1, 2 or 3 genres/moods/themes


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


def _a(phrase: str) -> str:
    return ("an " if phrase[0].lower() in "aeiou" else "a ") + phrase


def _pick(rng: np.random.Generator, seq: Sequence):
    return seq[int(rng.integers(len(seq)))]


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


class _People:
    """A pool of Faker-named people per language, with long-tailed fame for casting."""

    def __init__(self, rng: np.random.Generator, seed: int, key: str, n_people: int,
                 first_id: int) -> None:
        self.rows: list[dict] = []
        self.ids: dict[str, np.ndarray] = {}
        self.cdf: dict[str, np.ndarray] = {}
        next_id = first_id
        used: set[str] = set()
        fames = []
        for lang in vocab.LANGUAGES:
            size = max(8, round(n_people * lang.weight / _LANG_P.sum()))
            firsts, lasts = self._name_parts(lang, seed, key, size)
            ids = []
            for _ in range(size):
                for _attempt in range(6):  # mostly unique names; a rare namesake is fine
                    name = f"{_pick(rng, firsts)} {_pick(rng, lasts)}"
                    if name not in used:
                        break
                used.add(name)
                self.rows.append({"id": next_id, "name": name[:120]})
                ids.append(next_id)
                next_id += 1
            fame = rng.lognormal(0.0, 0.9, size)  # a few stars, a long tail
            self.ids[lang.code] = np.array(ids)
            self.cdf[lang.code] = np.cumsum(fame) / fame.sum()
            fames.append(fame)
        all_ids = np.concatenate(list(self.ids.values()))
        fame = np.concatenate(fames)
        self.ids["*"] = all_ids
        self.cdf["*"] = np.cumsum(fame) / fame.sum()

    @staticmethod
    def _name_parts(lang: vocab.Language, seed: int, key: str, size: int):
        if lang.code == "ko":
            return vocab.KOREAN_GIVEN, vocab.KOREAN_SURNAMES
        firsts: list[str] = []
        lasts: list[str] = []
        calls = min(160, max(24, size // len(lang.name_locales)))
        for locale in lang.name_locales:
            fake = Faker(locale)
            fake.seed_instance(derive_int(seed, "catalog", key, "faker", locale))
            romanized = hasattr(fake, "first_romanized_name")
            first = fake.first_romanized_name if romanized else fake.first_name
            last = fake.last_romanized_name if romanized else fake.last_name
            firsts += [first() for _ in range(calls)]
            lasts += [last() for _ in range(calls)]
        return sorted(set(firsts)), sorted(set(lasts))

    def cast(self, rng: np.random.Generator, lang: str, k: int) -> list[int]:
        picked: list[int] = []
        while len(picked) < k:
            group = lang if rng.random() < 0.85 else "*"
            pid = int(self.ids[group][np.searchsorted(self.cdf[group], rng.random())])
            if pid not in picked:
                picked.append(pid)
        return picked


class _Names:
    """Believable invented title names, mostly unique."""

    def __init__(self, surnames: Sequence[str], used: set[str]) -> None:
        self.surnames = surnames
        self.used = used

    def make(self, rng: np.random.Generator, genre: str, country: str) -> str:
        for _attempt in range(8):
            name = self._one(rng, genre, country)
            if name not in self.used:
                break
        self.used.add(name)
        return name

    def _one(self, rng: np.random.Generator, genre: str, country: str) -> str:
        adjs, nouns = vocab.TITLE_ADJECTIVES, vocab.TITLE_NOUNS
        flavour = vocab.GENRE_TITLE_WORDS.get(genre)
        kids = _GENRE[genre].kids
        if flavour and rng.random() < (0.7 if kids else 0.35):
            adjs, nouns = flavour
        adj, noun = _pick(rng, adjs), _pick(rng, nouns)
        abstract = _pick(rng, vocab.TITLE_ABSTRACTS)
        r = rng.random()
        if r < 0.22:
            return f"The {adj} {noun}"
        if r < 0.38:
            return f"{adj} {noun}"
        if r < 0.51:
            return f"{noun} of {abstract}"
        if r < 0.58:
            return f"The {noun}"
        if r < 0.67 and not kids:
            lead = _pick(rng, ("Echoes of", "The House on", "Return to", "Murder at",
                               "Summer at", "Secrets of", "Letters from", "Nights on"))
            return f"{lead} {_pick(rng, self.surnames)} {_pick(rng, vocab.PLACE_SUFFIXES)}"
        if r < 0.75:
            gerund = _pick(rng, vocab.TITLE_GERUNDS)
            return f"{gerund} the {noun}" if rng.random() < 0.6 else f"{gerund} {abstract}"
        if r < 0.80:
            other = _pick(rng, vocab.TITLE_ABSTRACTS)
            return f"{abstract} & {other}" if other != abstract else abstract
        if r < 0.85:
            return noun if rng.random() < 0.5 else abstract
        if r < 0.90:
            places = [p for p in vocab.COUNTRIES[country][1] if p[0].isupper() and " " not in p]
            if places:
                return f"A {_pick(rng, ('Winter', 'Summer', 'Night', 'Week', 'Year'))} in " \
                       f"{_pick(rng, places)}"
            return f"The {noun}"
        if r < 0.95:
            plural = _pick(rng, ("Wolves", "Ghosts", "Kings", "Thieves", "Strangers", "Saints",
                                 "Lions", "Shadows", "Roses", "Stars", "Days", "Doors"))
            return f"{_pick(rng, vocab.TITLE_NUMBERS)} {plural}"
        return f"After the {noun}"


def _synopsis(rng, kind: str, genres: list[str], moods: list[str], themes: list[str],
              pace: str, country: str, seasons: int) -> str:
    primary = _GENRE[genres[0]]
    noun = primary.series_noun if kind == "series" else primary.film_noun
    if len(genres) > 1 and rng.random() < 0.6:
        noun = f"{_GENRE[genres[1]].adjective} {noun}"
    pace_adj = _pick(rng, vocab.PACES[pace])
    mood_adjs = [_MOOD[m].adjective for m in moods[:2]]
    moods_text = " and ".join(mood_adjs)
    country_name, places = vocab.COUNTRIES[country]
    place = _pick(rng, places) if rng.random() < 0.75 else country_name
    theme = _THEME[themes[0]]

    if primary.slug == "documentary":
        topic = _pick(rng, vocab.DOC_TOPICS)
        text_ = (f"{_a(pace_adj).capitalize()}, {moods_text} {noun} about {topic}, and a "
                 f"meditation on {theme.noun}. Filmed in {place}.")
    else:
        if primary.kids:
            hero = _pick(rng, vocab.KIDS_PROTAGONISTS)
            clause = _pick(rng, vocab.KIDS_CLAUSES)
        else:
            hero = _a(f"{_pick(rng, vocab.DESCRIPTORS)} {_pick(rng, vocab.OCCUPATIONS)}")
            clause = _pick(rng, theme.clauses)
        ally = ""
        if rng.random() < 0.25 and "help" not in clause and " with " not in clause:
            ally = f" with the help of {_pick(rng, vocab.ALLIES)}"
        form = int(rng.integers(4))
        if form == 0:
            text_ = (f"{_a(pace_adj).capitalize()}, {moods_text} {noun} about {hero} who "
                     f"{clause}{ally}. Set in {place}.")
        elif form == 1:
            text_ = (f"In {place}, {hero} {clause}{ally}. {_a(moods_text).capitalize()}, "
                     f"{pace_adj} {noun}.")
        elif form == 2:
            event = _pick(rng, vocab.STORY_EVENTS)
            text_ = (f"When {event}, {hero} {clause}{ally}. {_a(pace_adj).capitalize()}, "
                     f"{moods_text} {noun} set in {place}.")
        else:
            text_ = (f"{hero[0].upper()}{hero[1:]} {clause}{ally} in this {pace_adj}, "
                     f"{moods_text} {noun} set in {place}.")
        if len(themes) > 1 and rng.random() < 0.5:
            text_ += f" A story of {theme.noun} and {_THEME[themes[1]].noun}."
    if kind == "series" and seasons > 1 and rng.random() < 0.5:
        text_ += f" {seasons} seasons."
    return text_


def _maturity(rng, genres: list[str], moods: list[str]) -> int:
    probs = vocab.MATURITY_BY_GENRE.get(genres[0], vocab.DEFAULT_MATURITY)
    age = vocab.MATURITY_AGES[int(rng.choice(5, p=np.array(probs) / sum(probs)))]
    if age < 13 and not _GENRE[genres[0]].kids and {"dark", "gritty", "chilling"} & set(moods):
        age = 13
    if "horror" in genres and age < 13:
        age = 13
    return age


def _next_id(session: Session, model) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0)))) + 1


def _ensure_tags(session: Session) -> tuple[dict[str, int], int]:
    """Ids of every vocabulary tag by slug, inserting the missing ones."""
    existing = {(k, s): i for i, k, s in session.execute(select(Tag.id, Tag.kind, Tag.slug))}
    next_id = _next_id(session, Tag)
    rows, ids = [], {}
    for kind, items in (("genre", vocab.GENRES), ("mood", vocab.MOODS),
                        ("theme", vocab.THEMES)):
        for item in items:
            tag_id = existing.get((kind, item.slug))
            if tag_id is None:
                tag_id = next_id
                next_id += 1
                rows.append({"id": tag_id, "kind": kind, "slug": item.slug, "name": item.name})
            ids[item.slug] = tag_id
    if rows:
        session.execute(insert(Tag), rows)
    return ids, len(rows)


def _insert(session: Session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH_ROWS):
        session.execute(insert(model), rows[start:start + BATCH_ROWS])


def _sync_sequences(session: Session, models) -> None:
    """PostgreSQL only: explicit ids do not advance serial sequences, so move them past max(id)
    (otherwise a later insert without an id would collide). SQLite needs nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # nosec B608 - constant
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))


def generate_catalog(
    session: Session,
    n_titles: int,
    seed: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> CatalogSummary:
    """Generate and insert `n_titles` titles (about 70% films, 30% series) with everything
    they need; commits in chunks. `progress(n_done)` gets the running total of titles written.
    """
    if n_titles < 0:
        raise ValueError("n_titles must be >= 0")
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    tag_ids, tags_added = _ensure_tags(session)
    first_title = _next_id(session, Title)
    key = f"from-title-{first_title}"
    rng_people = derive(seed, "catalog", key, "people")
    rng = derive(seed, "catalog", key, "titles")

    n_people = max(30, round(n_titles * 1.2)) if n_titles else 0
    people = _People(rng_people, seed, key, n_people, _next_id(session, Person)) \
        if n_titles else None
    if people:
        _insert(session, Person, people.rows)
    _sync_sequences(session, (Tag, Person))
    session.commit()
    if not n_titles:
        return CatalogSummary(0, 0, 0, 0, 0, 0, 0, tags_added, None, None)

    surnames = sorted({row["name"].rsplit(" ", 1)[-1] for row in people.rows[:4000]
                       if row["name"][0].isascii()})
    names = _Names(surnames, set(session.scalars(select(Title.name))))
    next_episode = _next_id(session, Episode)
    next_artwork = _next_id(session, Artwork)

    # Per-title draws that vectorise.
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
    log_pop = 1.3 * rng.normal(0.0, 1.0, n_titles) + 0.5 * quality - 0.04 * age_years
    popularity = np.round(100.0 * np.minimum(1.0, np.exp(log_pop - 4.2)), 3)
    art_seeds = rng.integers(0, 2**31 - 1, n_titles)
    latent = rng.normal(0.0, 0.35, (n_titles, N_LATENT))

    counts = {"films": 0, "series": 0, "episodes": 0, "credits": 0, "artworks": 0}
    for start in range(0, n_titles, CHUNK_TITLES):
        rows: dict[type, list[dict]] = {m: [] for m in
                                        (Title, TitleTag, Credit, Episode, Artwork, TitleTruth)}
        for i in range(start, min(start + CHUNK_TITLES, n_titles)):
            title_id = first_title + i
            kind = "series" if is_series[i] else "film"
            g0 = _GENRE_SLUGS[primary[i]]
            genre = _GENRE[g0]
            lang = vocab.LANGUAGES[lang_idx[i]]
            cc = [c for c, _ in lang.countries]
            cw = np.array([w for _, w in lang.countries])
            country = cc[int(rng.choice(len(cc), p=cw / cw.sum()))]

            n_g, n_m, n_t = (int(x) + 1 for x in rng.choice(3, size=3, p=_COUNT_P))
            genres = [g0] + _weighted_distinct(
                rng, vocab.GENRE_AFFINITY[g0], (), n_g - 1) if n_g > 1 else [g0]
            moods = _weighted_distinct(
                rng, _MOOD_SLUGS, vocab.GENRE_MOODS[g0], n_m,
                vocab.KIDS_UNSUITABLE_MOODS if genre.kids else frozenset(), vocab.MOOD_CONFLICTS)
            themes = _weighted_distinct(
                rng, _THEME_SLUGS, vocab.GENRE_THEMES[g0], n_t)
            pw = np.array([vocab.PACE_WEIGHTS[p] for p in _PACES])
            pw = pw * np.array([0.5, 1.0, 2.0] if g0 in _FAST else
                               [2.0, 1.0, 0.5] if g0 in _SLOW else [1.0, 1.0, 1.0])
            pace = _PACES[int(rng.choice(3, p=pw / pw.sum()))]

            year = int(now.year - age_years[i])
            jan1 = date(year, 1, 1)
            last_day = min(date(year, 12, 31), now.date())
            release = jan1 + timedelta(days=int(day_frac[i] * ((last_day - jan1).days + 1)))

            seasons = 0
            if kind == "series":
                seasons = int(rng.choice(6, p=_SEASON_P)) + 1
                runtime = _episode_minutes(g0, rng)
                counts["series"] += 1
            else:
                runtime = int(np.clip(rng.normal(_film_runtime_mean(g0), 13), 80, 170))
                counts["films"] += 1

            rows[Title].append({
                "id": title_id, "name": names.make(rng, g0, country), "kind": kind,
                "synopsis": _synopsis(rng, kind, genres, moods, themes, pace, country, seasons),
                "year": year, "release_date": release, "runtime_minutes": runtime,
                "seasons": seasons, "language": lang.code, "country": country,
                "maturity_age": _maturity(rng, genres, moods), "pace": pace,
                "popularity": float(popularity[i]), "art_seed": int(art_seeds[i]),
                "created_at": now,
            })
            for pos, slug in enumerate(genres + moods + themes):
                rows[TitleTag].append({"title_id": title_id, "tag_id": tag_ids[slug],
                                       "position": pos})

            cast = people.cast(rng, lang.code, int(rng.integers(3, 9)))
            for pos, pid in enumerate(cast):
                rows[Credit].append({"title_id": title_id, "person_id": pid, "role": "cast",
                                     "position": pos})
            director = people.cast(rng, lang.code, 1)[0]
            rows[Credit].append({"title_id": title_id, "person_id": director,
                                 "role": "director", "position": len(cast)})
            counts["credits"] += len(cast) + 1

            if kind == "series":
                named = rng.random() < 0.7
                for season in range(1, seasons + 1):
                    n_eps = int(rng.integers(6, 11))
                    lengths = np.clip(rng.normal(runtime * 60, runtime * 4, n_eps),
                                      runtime * 48, runtime * 72).astype(int)
                    for number in range(1, n_eps + 1):
                        length = int(lengths[number - 1])
                        tail = int(rng.integers(45, 151)) if runtime < 35 \
                            else int(rng.integers(90, 271))
                        ep_name = (_pick(rng, vocab.EPISODE_WORDS) if named
                                   else f"Chapter {number}")
                        if season == 1 and number == 1 and named:
                            ep_name = "Pilot" if rng.random() < 0.3 else ep_name
                        rows[Episode].append({
                            "id": next_episode, "title_id": title_id, "season": season,
                            "number": number, "name": ep_name,
                            "synopsis": _pick(rng, vocab.EPISODE_SYNOPSES),
                            "runtime_seconds": length,
                            "intro_end_seconds": int(rng.integers(30, 91)),
                            "credits_start_seconds": length - tail,
                        })
                        next_episode += 1
                        counts["episodes"] += 1

            focus = [g0, moods[0], themes[0]]
            extra = genres[1:2] or moods[1:2] or themes[1:2]
            if extra and rng.random() < 0.6:
                focus += extra
            motifs_used: list[str] = []
            for variant, slug in enumerate(focus):
                options = [m for m in vocab.TAG_MOTIFS[slug] if m not in motifs_used] \
                    or list(vocab.TAG_MOTIFS[slug])
                motif = _pick(rng, options)
                motifs_used.append(motif)
                rows[Artwork].append({"id": next_artwork, "title_id": title_id,
                                      "variant": variant, "focus_tag_id": tag_ids[slug],
                                      "motif": motif})
                next_artwork += 1
            counts["artworks"] += len(focus)

            vec = feature_vector_for(genres, moods, themes, pace, latent[i], rng=rng,
                                     noise=0.05)
            rows[TitleTruth].append({"title_id": title_id, "quality": float(quality[i]),
                                     "features": encode_features(vec)})

        for model, model_rows in rows.items():
            _insert(session, model, model_rows)
        _sync_sequences(session, (Tag, Person, Title, Episode, Artwork))
        session.commit()
        if progress is not None:
            progress(min(start + CHUNK_TITLES, n_titles))

    return CatalogSummary(
        titles=n_titles, films=counts["films"], series=counts["series"],
        episodes=counts["episodes"], people=len(people.rows), credits=counts["credits"],
        artworks=counts["artworks"], tags_added=tags_added, first_title_id=first_title,
        last_title_id=first_title + n_titles - 1,
    )
