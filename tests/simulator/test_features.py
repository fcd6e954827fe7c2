"""The feature space that titles and tastes share."""

from __future__ import annotations

import numpy as np

from simulator.catalog.features import (
    FEATURE_INDEX,
    FEATURE_NAMES,
    N_FEATURES,
    decode_features,
    encode_features,
    feature_vector_for,
)
from simulator.rng import derive


def test_feature_helpers():
    assert len(FEATURE_NAMES) == N_FEATURES == len(set(FEATURE_NAMES))
    assert FEATURE_NAMES[0] == "genre:action" and FEATURE_NAMES[-1].startswith("latent:")
    vec = feature_vector_for(["horror", "thriller"], ["dark"], ["revenge"], "slow")
    assert vec.dtype == np.float32 and abs(np.linalg.norm(vec) - 1) < 1e-6
    assert vec[FEATURE_INDEX["genre:horror"]] > vec[FEATURE_INDEX["genre:thriller"]] > 0
    assert vec[FEATURE_INDEX["genre:comedy"]] == 0
    assert np.array_equal(decode_features(encode_features(vec)), vec)
    noisy = feature_vector_for(["horror"], rng=derive(1, "x"), noise=0.05)
    assert np.count_nonzero(noisy) == N_FEATURES
