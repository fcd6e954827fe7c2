"""Where a profile's scoring state comes from: one explicit branch, shared by the site and the
simulated site.

- "model": the profile was in the training data and has nothing newer than the model; its
  learned vector is used (plus its history, for item-item parts);
- "fold-in": the profile is new to the model, or signalled since it was trained: its state is
  solved from its signals against the fixed item side (recommender/foldin.py);
- "popularity": no signals the model can use (cold start), so no personal state.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.foldin import fold_in
from recommender.model import ServingModel, UserState
from recommender.models.base import Signal, history_of


def user_state(model: ServingModel, profile_id: int, signals: Interactions | None, *,
               stale: bool = False,
               genres: Sequence[str] = ()) -> tuple[UserState | None, str]:
    """(state, source) for one profile; `signals` may be None when the model is factor-only
    and the profile is known (nothing to load). `genres`: the favourite genres it stated
    (they count only when it is folded in, recommender/foldin.py)."""
    if not (model.has_factors or model.has_neighbours):  # popularity: nothing personal
        return None, "popularity"
    known = model.user_vector(profile_id)
    if known is not None and not stale:
        pos, vals = history_of(model, signals) if (model.uses_history and signals is not None) \
            else ((), ())
        return model.state(known[0], known[1], pos, vals), "model"
    if signals is not None and len(signals):
        state = fold_in(model, signals, genres=genres)
        if state is not None:
            return state, "fold-in"
    if known is not None:
        return model.state(known[0], known[1]), "model"
    return None, "popularity"


def batch_scores(model: ServingModel, profile_ids, inter: Interactions) -> np.ndarray:
    """Scores for many profiles from an interaction table (the simulated site's path): known
    profiles use their learned vectors, every profile its history in `inter`. Profiles the
    model does not know are folded in one by one."""
    profile_ids = np.asarray(profile_ids, np.int64)
    signal = Signal.of(model)
    mine = inter.subset(np.isin(inter.users, profile_ids) & signal.keep(inter))
    pos = model.item_positions(mine.items)
    ok = pos >= 0
    order = np.argsort(profile_ids)
    rows_sorted = np.searchsorted(profile_ids[order], mine.users[ok])
    hist = sp.csr_matrix((signal.values(mine.pref[ok], mine.weight[ok]),
                          (order[rows_sorted], pos[ok])),
                         shape=(profile_ids.size, model.item_ids.size))
    rows = np.array([model.user_index(p) if model.user_index(p) is not None else -1
                     for p in profile_ids])
    out = model.score_batch(rows, hist)
    # Unknown profiles are folded in: for their factors, and for a cold-start part (only
    # profiles outside its training data get one: item-item models keep no user list).
    unknown = rows < 0
    if not model.has_factors:
        unknown &= ~model.trained_on(profile_ids)
    if model.has_factors or model.has_content:
        for n in np.flatnonzero(unknown):
            state = fold_in(model, inter.for_user(int(profile_ids[n])))
            if state is not None:
                out[n] = model.scores(state)
    return out
