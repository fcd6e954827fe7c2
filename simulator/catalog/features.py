"""The feature space that titles and tastes share, and the vectors over it.

One dimension per genre, mood, theme and pace, plus N_LATENT latent ones. A title's ground-truth
features are a unit-length vector in it and a profile's hidden taste is a vector in the same
space; both are stored as float32 bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator.catalog import vocab

__all__ = [
    "FEATURE_NAMES",
    "FEATURE_INDEX",
    "N_FEATURES",
    "N_LATENT",
    "decode_features",
    "encode_features",
    "feature_vector_for",
]

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
