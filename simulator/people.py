"""The catalog's people: Faker-named pools per language, with long-tailed fame for casting."""

from __future__ import annotations

import numpy as np
from faker import Faker

from simulator import vocab
from simulator.rng import derive_int, pick

# The normalised weights sum to 1 up to rounding; pool sizes divide by that numpy sum, as ever.
_LANG_WEIGHT_SUM = np.array(vocab.LANGUAGE_WEIGHTS).sum()


class People:
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
            size = max(8, round(n_people * lang.weight / _LANG_WEIGHT_SUM))
            firsts, lasts = self._name_parts(lang, seed, key, size)
            ids = []
            for _ in range(size):
                for _attempt in range(6):  # mostly unique names; a rare namesake is fine
                    name = f"{pick(rng, firsts)} {pick(rng, lasts)}"
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
