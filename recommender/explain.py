""""Why this?": a recommended title's score broken into parts that sum to it, the titles the
profile liked that sit nearest to it in factor space, the filters applied, the model version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session

from core import catalog
from core.models import Profile, Title
from recommender.data import load_interactions
from recommender.model import FactorModel
from recommender.scoring import Ranker
from recommender.train import RELEVANT

LABELS = {
    "global_mean": "Average appeal of any title",
    "user_bias": "How much you watch and like in general",
    "item_bias": "How much viewers like this title",
    "factors": "How well it fits your tastes (factor match)",
    "popularity_prior": "Popularity on StreamSim",
}


@dataclass
class Explanation:
    title: Title
    score: float
    parts: dict[str, float]
    match: int | None
    because: list[Title] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    version: str = ""
    source: str = ""

    @property
    def labelled(self) -> list[tuple[str, str, float]]:
        return [(key, LABELS[key], value) for key, value in self.parts.items()]


def explain(session: Session, profile: Profile, model: FactorModel | None, now: datetime,
            title_id: int, n_because: int = 3) -> Explanation | None:
    """None when there is nothing to explain (no model, no user vector, title unknown)."""
    title = catalog.get_title(session, title_id, profile.maturity_limit)
    if title is None or model is None:
        return None
    ranker = Ranker(session, profile, model, now)
    pos = int(model.item_positions([title_id])[0])
    if not ranker.personal or pos < 0:
        return None
    parts = model.parts(*ranker.vector, pos)
    score = float(ranker.scores()[pos])
    liked = load_interactions(session, now, profile_ids=[profile.id])
    liked_ids = liked.items[(liked.pref >= RELEVANT) & (liked.items != title_id)]
    because: list[Title] = []
    lpos = model.item_positions(liked_ids)
    if (lpos >= 0).any():
        lpos, liked_ids = lpos[lpos >= 0], liked_ids[lpos >= 0]
        q = model.qi
        norms = np.linalg.norm(q[lpos], axis=1) * (np.linalg.norm(q[pos]) + 1e-9) + 1e-9
        cos = (q[lpos] @ q[pos]) / norms
        near = liked_ids[np.argsort(-cos, kind="stable")[:n_because]]
        because = catalog.load_titles(session, [int(t) for t in near], profile.maturity_limit)
    return Explanation(title=title, score=score, parts=parts,
                       match=ranker.matches([title_id]).get(title_id), because=because,
                       filters=ranker.filters(), version=model.version, source=ranker.source)
