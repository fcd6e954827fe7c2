"""The recommender family: every model behind one small interface (recommender/models/base.py).

| name | what it learns | served as |
| --- | --- | --- |
| popularity | what most profiles chose lately | b_i |
| random | nothing (reference only, never served) | - |
| svd | Surprise SVD trained for ranking (sampled negatives) | b_u, b_i, p_u . q_i |
| als | implicit-feedback ALS (`implicit`, CPU) | p_u . q_i |
| ease | closed-form item-item (EASE) | history . W |
| dlae | closed-form item-item with dropout's penalty (DLAE / EDLAE) | history . W |
| knn | item-kNN, cosine with shrinkage | history . W |
| blend | a factor model plus an item-item model | both, weighed |
| content | tag embeddings and tag weights (Q = T E) | p_u . q_i (fit with the titles' tags) |

The content family needs the titles' tags, so it is fitted with `content.fit_content` rather
than `fit`, and is not one of the candidates `selection.choose` tunes. Its main use is
`content.attach(model, inter, item_ids, tags)`: the cold-start part of whichever model won
(content vectors for profiles the model was not trained on; recommender/models/content.py).
"""

from __future__ import annotations

from typing import Any

from recommender.data import Interactions
from recommender.model import ServingModel
from recommender.models.als import ALS
from recommender.models.base import Family, TrainingData, params_with
from recommender.models.blend import BlendParams, combine
from recommender.models.dlae import DLAE
from recommender.models.ease import EASE
from recommender.models.knn import KNN
from recommender.models.popularity import POPULARITY, RANDOM
from recommender.models.svd import SVD_FAMILY

FAMILIES: dict[str, Family] = {f.name: f for f in (POPULARITY, RANDOM, SVD_FAMILY, ALS, EASE, DLAE,
                                                 KNN)}
NAMES = (*FAMILIES, "blend")
LABELS = {**{name: f.label for name, f in FAMILIES.items()}, "blend": "Blended picks"}


def default_params(name: str, **changes) -> Any:
    if name == "blend":
        return params_with(BlendParams(), changes)
    return params_with(FAMILIES[name].params(), changes)


def fit(name: str, inter: Interactions, item_ids, params: Any = None,
        parts: dict[str, Any] | None = None) -> ServingModel:
    """Fit one family on the interaction table. A blend fits its two parts (with `parts`'
    params, or their defaults) and combines them."""
    data = TrainingData.build(inter, item_ids)
    if len(data.inter) == 0:
        raise ValueError("no training signals: nothing to learn from yet")
    if name == "blend":
        params = params or BlendParams()
        parts = parts or {}
        a = fit(params.factor_family, inter, item_ids, parts.get(params.factor_family))
        b = fit(params.neighbour_family, inter, item_ids, parts.get(params.neighbour_family))
        model = combine(a, b, data, params.weight)
        model.card["params"] = {"factor_family": params.factor_family,
                                "neighbour_family": params.neighbour_family,
                                "weight": params.weight}
        return model
    family = FAMILIES[name]
    return family.fit(data, params or family.params())


__all__ = ["FAMILIES", "LABELS", "NAMES", "BlendParams", "ServingModel", "TrainingData",
           "default_params", "fit"]
