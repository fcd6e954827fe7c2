"""The catalog's people: a pool per (language, country) named from that country's Faker locale,
split into actors and directors, with long-tailed fame for casting.

Names are drawn from a bounded number of Faker calls per locale (Faker is slow per call) and
then combined with the people stream; the same first and last names also name the characters
that synopses mention, so a Mexican drama's hero has a Mexican name. A person is either an
actor or a director, so no title credits one person in both roles.
"""

from __future__ import annotations

import numpy as np
from faker import Faker

from simulator.catalog import vocab
from simulator.rng import derive_int, pick

DIRECTOR_SHARE = 0.15  # of each pool
MIN_POOL = 12  # people per (language, country), so small pools can still cast 8 actors
LOCAL_CAST = 0.8  # the rest are cast from the language's other countries


def _locale(lang: vocab.Language, country: str) -> str:
    """The Faker locale for people of `country` speaking `lang` ("" = vocab's own lists)."""
    for locale in lang.name_locales:
        if locale.endswith(f"_{country}"):
            return locale
    return lang.name_locales[0]


def _tidy(name: str) -> str:
    # Faker's zh_TW romanizes in capitals ("HSIN-HUNG"); credits write "Hsin-hung". Some
    # locales' compound names carry a double space ("Alta  Gracia").
    name = " ".join(name.split())
    return name.capitalize() if name.isupper() else name


def _usable(name: str) -> bool:
    """Not a city ("Florence", "Darwin" would blur where a story is set) and no suffix
    (de_DE has surnames like "Koch II")."""
    return name not in vocab.ALL_CITIES and name.split()[-1] not in {"I", "II", "III", "IV"}


class _Pool:
    """The actors and directors of one (language, country), with their names' parts."""

    def __init__(self, firsts: list[str], lasts: list[str], surname_first: bool) -> None:
        self.firsts, self.lasts, self.surname_first = firsts, lasts, surname_first
        self.actors: np.ndarray = np.array([], dtype=int)
        self.actor_cdf: np.ndarray = np.array([])
        self.directors: np.ndarray = np.array([], dtype=int)
        self.director_cdf: np.ndarray = np.array([])

    def full(self, first: str, last: str) -> str:
        return f"{last} {first}" if self.surname_first else f"{first} {last}"


def _draw(ids: np.ndarray, cdf: np.ndarray, rng: np.random.Generator) -> int:
    return int(ids[min(int(np.searchsorted(cdf, rng.random())), len(ids) - 1)])


class People:
    """Faker-named pools of actors and directors per (language, country)."""

    def __init__(self, rng: np.random.Generator, seed: int, key: str, n_people: int,
                 first_id: int) -> None:
        self.rows: list[dict] = []
        self.pools: dict[tuple[str, str], _Pool] = {}
        self.countries: dict[str, list[str]] = {}
        next_id = first_id
        used: set[str] = set()
        actor_fame: dict[tuple[str, str], np.ndarray] = {}
        for lang in vocab.LANGUAGES:
            weights = np.array([w for _, w in lang.countries])
            weights = weights / weights.sum()
            self.countries[lang.code] = [c for c, _ in lang.countries]
            for (country, _), share in zip(lang.countries, weights, strict=True):
                size = max(MIN_POOL, round(n_people * lang.weight * share))
                pool = self._pool(lang, country, seed, key, size)
                ids = []
                for _ in range(size):
                    for _attempt in range(6):  # mostly unique names; a rare namesake is fine
                        name = pool.full(pick(rng, pool.firsts), pick(rng, pool.lasts))
                        if name not in used:
                            break
                    used.add(name)
                    self.rows.append({"id": next_id, "name": name[:120]})
                    ids.append(next_id)
                    next_id += 1
                fame = rng.lognormal(0.0, 0.9, size)  # a few stars, a long tail
                n_dir = max(2, round(size * DIRECTOR_SHARE))
                pool.directors, pool.actors = np.array(ids[:n_dir]), np.array(ids[n_dir:])
                pool.director_cdf = np.cumsum(fame[:n_dir]) / fame[:n_dir].sum()
                pool.actor_cdf = np.cumsum(fame[n_dir:]) / fame[n_dir:].sum()
                self.pools[(lang.code, country)] = pool
                actor_fame[(lang.code, country)] = fame[n_dir:]
        # Casting across a language's countries: every actor of it, by the same fame.
        self._language_actors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for code, countries in self.countries.items():
            ids = np.concatenate([self.pools[(code, c)].actors for c in countries])
            fame = np.concatenate([actor_fame[(code, c)] for c in countries])
            self._language_actors[code] = (ids, np.cumsum(fame) / fame.sum())

    @staticmethod
    def _pool(lang: vocab.Language, country: str, seed: int, key: str, size: int) -> _Pool:
        surname_first = lang.code in vocab.SURNAME_FIRST
        locale = _locale(lang, country)
        if not locale:
            firsts, lasts = list(vocab.KOREAN_GIVEN), list(vocab.KOREAN_SURNAMES)
        else:
            calls = min(160, max(24, size))
            fake = Faker(locale)
            fake.seed_instance(derive_int(seed, "catalog", key, "faker", locale))
            romanized = hasattr(fake, "first_romanized_name")
            first = fake.first_romanized_name if romanized else fake.first_name
            last = fake.last_romanized_name if romanized else fake.last_name
            firsts = [_tidy(first()) for _ in range(calls)]
            lasts = [_tidy(last()) for _ in range(calls)]
        return _Pool(sorted({n for n in firsts if _usable(n)}),
                     sorted({n for n in lasts if _usable(n)}), surname_first)

    def cast(self, rng: np.random.Generator, lang: str, country: str, k: int) -> list[int]:
        """k distinct actors for a title: mostly of its country, the rest of its language."""
        pool = self.pools[(lang, country)]
        lang_ids, lang_cdf = self._language_actors[lang]
        k = min(k, len(lang_ids))
        picked: list[int] = []
        while len(picked) < k:
            if rng.random() < LOCAL_CAST:
                pid = _draw(pool.actors, pool.actor_cdf, rng)
            else:
                pid = _draw(lang_ids, lang_cdf, rng)
            if pid not in picked:
                picked.append(pid)
        return picked

    def director(self, rng: np.random.Generator, lang: str, country: str) -> int:
        """A director of the title's country (never one of its actors: pools are apart)."""
        pool = self.pools[(lang, country)]
        return _draw(pool.directors, pool.director_cdf, rng)

    def character(self, rng: np.random.Generator, lang: str, country: str,
                  avoid: frozenset[str] | set[str] = frozenset()) -> tuple[str, str, str]:
        """A character's (first name, surname, full name) for a title of that country."""
        pool = self.pools[(lang, country)]
        for _attempt in range(8):
            first = pick(rng, pool.firsts)
            if first not in avoid:
                break
        last = pick(rng, pool.lasts)
        return first, last, pool.full(first, last)

    def surname(self, rng: np.random.Generator, lang: str, country: str) -> str:
        return pick(rng, self.pools[(lang, country)].lasts)
