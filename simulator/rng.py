"""Named, seeded random streams: one seed derives an independent generator per name.

`derive(seed, "catalog")` is the same generator in every process and on every machine (the
name is hashed with BLAKE2b, not Python's salted `hash`), and streams with different names do
not overlap (numpy's SeedSequence mixes the seed with the name's words). Nothing here touches
global random state: no `np.random.<fn>`, no `random.*`, no `Faker.seed`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["Streams", "derive", "derive_int", "pick", "streams"]


def _name_words(name: str) -> list[int]:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


def _sequence(seed: int, names: Iterable[str]) -> np.random.SeedSequence:
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    entropy = [int(seed)]
    for name in names:
        entropy.extend(_name_words(name))
    return np.random.SeedSequence(entropy)


def derive(seed: int, *names: str) -> np.random.Generator:
    """An independent generator for `names` under `seed`, e.g. derive(7, "catalog", "people")."""
    return np.random.Generator(np.random.PCG64(_sequence(seed, names)))


def derive_int(seed: int, *names: str) -> int:
    """A 63-bit integer seed for libraries that take one (`Faker().seed_instance`,
    `random.Random`), derived like `derive`."""
    return int(_sequence(seed, names).generate_state(2, dtype=np.uint32).view(np.uint64)[0] >> 1)


def pick(rng: np.random.Generator, seq: Sequence):
    """One item of `seq`, uniformly, drawing a single integer from `rng`."""
    return seq[int(rng.integers(len(seq)))]


class Streams:
    """The named streams of one seed; `streams(seed)("behaviour")` or `.get("arm", "svd")`.

    Each call returns a *fresh* generator at the start of its stream, so two callers asking
    for the same name see the same numbers (common random numbers across experiment arms).
    """

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError("seed must be a non-negative integer")
        self.seed = int(seed)

    def get(self, *names: str) -> np.random.Generator:
        return derive(self.seed, *names)

    __call__ = get

    def int_seed(self, *names: str) -> int:
        return derive_int(self.seed, *names)

    def __repr__(self) -> str:
        return f"Streams(seed={self.seed})"


def streams(seed: int) -> Streams:
    """The family of named random streams for `seed`."""
    return Streams(seed)
