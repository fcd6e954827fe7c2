"""Artwork in experiments: which variant each arm shows, and the truth-based artwork figures.

The arms' artwork strategies (`PolicyLayout.variants`): "default" (variant 0), "random",
"matched" (the variant stressing the tag the viewer likes most), "bandit" (the recommender's
Thompson sampler, `recommender.artwork_bandit`, learning from the arm's own event log) and
"oracle" (the variant the hidden truth says is worth most to this viewer: the upper bound
regret is measured against).

A variant's worth is `behaviour.art_value`: its click odds times the share of its plays that
get past the first minutes; the oracle shows the best, and each title an arm shows on a home
row costs it 1 - worth(shown) / worth(best) of regret (0 for the oracle, up to 1).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from recommender import artwork_bandit as ab
from simulator.viewers import behaviour as bh


def variant_counts(catalog) -> np.ndarray:
    """(T,) how many artwork variants each title has (at least 1)."""
    if getattr(catalog, "_n_variants", None) is None:
        catalog._n_variants = np.array([max(1, len(f)) for f in catalog.art_focus],
                                       dtype=np.int64)
    return catalog._n_variants


def worth(sim, i: int, titles: np.ndarray) -> np.ndarray:
    """(len(titles), max variants) `behaviour.art_value` of every variant of each title for
    profile i today (hidden truth); -inf where a title has no such variant."""
    cat = sim.catalog
    titles = np.asarray(titles, dtype=np.int64)
    focus = cat.art_focus_array()[titles]
    width = focus.shape[1]
    variants = np.broadcast_to(np.arange(width), focus.shape)
    appeal = (cat.art_appeal[int(sim.pop.community[i])][titles][:, :width]
              if cat.art_appeal is not None else None)
    lure = cat.lure(np.repeat(titles[:, None], width, axis=1), variants)
    value = bh.art_value(bh.art_pull(sim.pop.taste[i], focus, appeal, lure), lure)
    value[variants >= variant_counts(cat)[titles][:, None]] = -np.inf
    return value


def oracle_variants(sim, i: int, titles: np.ndarray) -> np.ndarray:
    return np.argmax(worth(sim, i, titles), axis=1).astype(np.int64)


class BanditArt:
    """The bandit strategy of one arm: the recommender's sampler, fed each night from the
    arm's own database (impressions and playback events, as on the site), with communities
    found from public data (the tags of what each profile has watched), since an experiment's
    arm ranks without a model."""

    def __init__(self, catalog, rng: np.random.Generator) -> None:
        self.bandit = ab.ArtworkBandit()
        self.rng = rng
        self.counts = {int(t): int(n) for t, n in zip(catalog.title_ids.tolist(),
                                                      variant_counts(catalog).tolist(),
                                                      strict=True)}
        self.community = np.zeros(0, dtype=np.int64)
        self.centres = None

    def choose(self, sim, i: int, titles: np.ndarray) -> np.ndarray:
        c = int(self.community[i]) if i < len(self.community) else ab.UNKNOWN
        return self.bandit.choose(c, sim.catalog.title_ids[titles].tolist(), self.rng,
                                  self.counts)

    def day_end(self, sim, day: int, vectors: np.ndarray | None = None) -> None:
        """Learn from the day's log; then place the profiles in communities: by the ranking
        policy's own user vectors when it has them (a model's factors, as on the site),
        else by the tags of what each profile watched."""
        if vectors is None or not np.any(vectors):
            tags = np.asarray(sim.catalog.tags, dtype=np.float64)
            vectors = np.array([tags[sorted(s.watched)].sum(axis=0) if s.watched
                                else np.zeros(tags.shape[1]) for s in sim.states])
        ids = sim.pop.profile_ids.tolist()
        before = {p: int(c) for p, c in zip(ids, self.community.tolist(), strict=False)}
        # Today's trials under the communities they were shown with; later visits can still
        # bring plays (sessions end by 2 a.m.), so the log is read to the day's last session.
        until = sim.start + timedelta(days=day + 1, hours=2, seconds=ab.ATTRIBUTION_S)
        with sim.db.read() as s:
            ab.update_from_log(s, self.bandit, until, before)
        self.bandit.n_variants = self.counts
        self.community, self.centres = ab.assign_communities(vectors, self.centres)


def day_figures(sim, result) -> dict[str, float]:
    """Artwork figures of one simulated day: regret against the oracle per profile (summed
    over the home-row titles viewers looked at), qualified plays per title shown, and the
    share of those titles shown with planted clickbait art."""
    regret, slots, lured = 0.0, 0, 0
    for i, res in result.visits:
        for _when, row, _pos in res.impressions:
            if row.surface != "home" or row.key == "continue" or not len(row.titles):
                continue
            titles = np.asarray(row.titles, dtype=np.int64)
            variants = np.asarray(row.variants, dtype=np.int64)
            value = worth(sim, i, titles)
            best = value.max(axis=1)
            got = value[np.arange(len(titles)), np.minimum(variants, value.shape[1] - 1)]
            regret += float(np.sum(1.0 - got / best))
            slots += len(titles)
            lured += int(sim.catalog.lure(titles, variants).sum())
    plays = [p for s in result.sessions for p in s.plays]
    shown = sum(s.shown for s in result.sessions)
    return {
        "qualified_play_rate": (sum(ab.qualified(p.watch_s) for p in plays) / shown
                                if shown else 0.0),
        "art_regret": regret / len(sim.pop),
        "clickbait_share": lured / slots if slots else 0.0,
    }
