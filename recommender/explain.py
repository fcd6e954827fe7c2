""""Why this?": a recommended title's score broken into parts that sum to it, the titles the
profile liked that pushed it up most (their item-item weight towards it, or the nearest in
factor space for a factor-only model), the filters applied, the model version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session

from core import catalog
from core.models import Profile, Title
from recommender.data import load_interactions
from recommender.evaluate import RELEVANT
from recommender.model import ServingModel
from recommender.scoring import Ranker

LABELS = {
    "global_mean": "Average appeal of any title",
    "user_bias": "How much you watch and like in general",
    "item_bias": "How much viewers like this title",
    "factors": "How well it fits your tastes (factor match)",
    "popularity_prior": "Popularity on StreamSim",
    "neighbours": "Watched together with titles you liked",
    "content": "Like the titles you picked (their genres, moods and themes)",
    "stated_genres": "In the genres you said you like",
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


def explain(session: Session, profile: Profile, model: ServingModel | None, now: datetime,
            title_id: int, n_because: int = 3) -> Explanation | None:
    """None when there is nothing to explain (no model, no user vector, title unknown)."""
    title = catalog.get_title(session, title_id, profile.maturity_limit)
    if title is None or model is None:
        return None
    ranker = Ranker(session, profile, model, now)
    pos = int(model.item_positions([title_id])[0])
    if not ranker.personal or pos < 0:
        return None
    parts = model.parts(ranker.vector, pos)
    score = float(ranker.scores()[pos])
    liked = load_interactions(session, now, profile_ids=[profile.id])
    liked_ids = liked.items[(liked.pref >= RELEVANT) & (liked.items != title_id)]
    lpos = model.item_positions(liked_ids)
    because: list[Title] = []
    if (lpos >= 0).any():
        lpos, liked_ids = lpos[lpos >= 0], liked_ids[lpos >= 0]
        near = liked_ids[np.argsort(-_closeness(model, lpos, pos), kind="stable")[:n_because]]
        because = catalog.load_titles(session, [int(t) for t in near], profile.maturity_limit)
    return Explanation(title=title, score=score, parts=parts,
                       match=ranker.matches([title_id]).get(title_id), because=because,
                       filters=ranker.filters(), version=model.version, source=ranker.source)


def _closeness(model: ServingModel, liked: np.ndarray, pos: int) -> np.ndarray:
    """How much each liked title points at `pos`: its item-item weight towards it when the
    model has one, else the cosine of their factors."""
    if model.has_neighbours:
        hits = model.nbr_idx[liked] == pos
        return np.where(hits, model.nbr_val[liked], 0.0).sum(axis=1)
    q = model.qi
    if not model.n_factors:
        return np.zeros(liked.size)
    norms = np.linalg.norm(q[liked], axis=1) * (np.linalg.norm(q[pos]) + 1e-9) + 1e-9
    return (q[liked] @ q[pos]) / norms
