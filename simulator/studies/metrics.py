"""Per-day metrics of one arm: engagement, quality against ground truth, ecosystem.

Definitions (docs/simulation.md): CTR = plays / titles shown; completion and abandonment (stopped
before 30% without finishing) are shares of plays; return rate = share of yesterday's visitors
who visit today; regret = the best true utility among titles the profile could watch minus
the true utility of what it watched (per session with plays); precision@10 = share of the first
10 recommended titles that are among the profile's true top 10; coverage = share of the
starting catalogue recommended that day, and the Gini of cumulative plays per title over the
starting catalogue (the titles every arm has from day 0: a title released mid-run, with no plays
yet, would otherwise raise one arm's Gini and lower its coverage before any policy acted; plays
of new releases still count everywhere else); mean popularity of recommendations = share of
profiles who had played a recommended title so far;
watch_diversity = how varied one viewer's own watching is: the intra-list diversity of each
profile's watch set so far (mean pairwise 1 - cosine similarity of the titles' public tags, as
recommender/evaluate.py's list diversity), averaged over profiles that watched 2 titles or more;
watch_overlap = Jaccard overlap of a profile's and its nearest neighbour's watch sets (the
neighbour by the policy's own user vectors when it has them, otherwise by true taste);
homogenization = watch_overlap minus the ideal arm's on the same seed and day (experiment.py).
The `_taste` pair of figures pairs every arm's profiles by their true taste at the start of
the run (before any drift): the policy's own vectors are learned from the very watch sets
being compared, so pairs chosen by them overlap more by construction, and only the taste
pairing compares a policy with vectors (svd, content) fairly against one without
(popularity, random).
Artwork (simulator/studies/artwork.py): qualified_play_rate = plays watched for at least
`recommender.artwork_bandit.QUALIFIED_PLAY_S` / titles shown; art_regret = per profile, the
sum over home-row titles looked at of 1 - worth(variant shown) / worth(best variant) by the
hidden truth, and art_regret_cum its running total over the run; clickbait_share = share of
those titles shown with planted clickbait art.
"""

from __future__ import annotations

import numpy as np

from simulator.studies import artwork

METRICS = ("sessions", "plays", "ctr", "watch_minutes_per_profile", "completion",
           "abandonment", "return_rate", "mean_true_utility", "regret", "precision_at_10",
           "coverage", "gini_plays", "mean_rec_popularity", "watch_diversity", "watch_overlap",
           "homogenization", "watch_overlap_taste", "homogenization_taste",
           "qualified_play_rate", "art_regret", "art_regret_cum", "clickbait_share")
# The groups docs/simulation.md names, for reports and pages: every metric in exactly one.
METRIC_GROUPS = (
    ("Engagement", ("sessions", "plays", "ctr", "watch_minutes_per_profile", "completion",
                    "abandonment", "return_rate")),
    ("Quality against the hidden truth", ("mean_true_utility", "regret", "precision_at_10")),
    ("Ecosystem", ("coverage", "gini_plays", "mean_rec_popularity", "watch_diversity",
                   "watch_overlap", "homogenization", "watch_overlap_taste",
                   "homogenization_taste")),
    ("Artwork", ("qualified_play_rate", "art_regret", "art_regret_cum", "clickbait_share")),
)


# A play is abandoned when it stopped before this share of the runtime without finishing (the
# realism report applies the same mark to the viewings table).
ABANDON_BELOW = 0.3


def gini(values) -> float:
    """Gini coefficient of non-negative values (0 = equal, ->1 = concentrated)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    if x.size == 0 or x.sum() <= 0:
        return 0.0
    n = x.size
    return float((2.0 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum())) - (n + 1) / n)


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if (a or b) else 0.0


class Tracker:
    """Accumulates what a Simulation did, day by day."""

    def __init__(self, sim, neighbours: np.ndarray, taste_neighbours: np.ndarray) -> None:
        self.sim = sim
        n_titles = len(sim.catalog)
        self.plays_per_title = np.zeros(n_titles)
        self.players = [set() for _ in range(n_titles)]
        self.watch_sets = [set() for _ in range(len(sim.pop))]
        # The starting catalogue: what every arm of the run has on day 0 (coverage, Gini).
        self.base = sim.available.copy()
        tags = np.asarray(sim.catalog.tags, dtype=np.float64)
        self.unit_tags = tags / np.maximum(np.linalg.norm(tags, axis=1, keepdims=True), 1e-12)
        self.neighbours = neighbours
        self.taste_neighbours = taste_neighbours
        self.yesterday: set[int] = set()
        self.art_regret = 0.0  # cumulative, against the artwork oracle

    def day(self, result) -> dict[str, float]:
        sim, cat = self.sim, self.sim.catalog
        sessions = result.sessions
        plays = [p for s in sessions for p in s.plays]
        shown = sum(s.shown for s in sessions)
        rec_titles: set[int] = set()
        p_at_10, regrets, pops = [], [], []
        n_prof = len(sim.pop)
        for i, res in result.visits:  # a visitor may come more than once a day
            rows = [r for r in result.rows[i] if r.key != "continue"]
            recs = np.concatenate([r.titles for r in rows]) if rows else np.array([], int)
            rec_titles.update(recs.tolist())
            pops += [len(self.players[t]) / n_prof for t in recs.tolist()]
            u = sim.utility(i)
            ok = (cat.maturity <= sim.pop.maturity_limit[i]) & sim.available
            ok[list(sim.states[i].finished - {p.title for p in res.plays})] = False
            top = set(np.flatnonzero(ok)[np.argsort(-u[ok], kind="stable")[:10]].tolist())
            if len(recs):
                p_at_10.append(len(top & set(recs[:10].tolist())) / 10.0)
            if res.plays:
                regrets.append(float(u[ok].max()) - float(np.mean([p.utility
                                                                  for p in res.plays])))
            for p in res.plays:
                self.plays_per_title[p.title] += 1
                self.players[p.title].add(i)
                self.watch_sets[i].add(p.title)
        today = set(result.visitors.tolist())
        ret = len(today & self.yesterday) / len(self.yesterday) if self.yesterday else 0.0
        self.yesterday = today
        overlap = self._overlap(self.neighbours)
        taste_overlap = self._overlap(self.taste_neighbours)
        n_plays = len(plays)
        art = artwork.day_figures(sim, result)
        self.art_regret += art["art_regret"]
        return {
            "sessions": float(len(sessions)),
            "plays": float(n_plays),
            "ctr": n_plays / shown if shown else 0.0,
            "watch_minutes_per_profile": sum(p.watch_s for p in plays) / 60.0 / n_prof,
            "completion": sum(p.completed for p in plays) / n_plays if n_plays else 0.0,
            "abandonment": (sum((not p.completed) and p.fraction < ABANDON_BELOW
                                for p in plays) / n_plays if n_plays else 0.0),
            "return_rate": ret,
            "mean_true_utility": float(np.mean([p.utility for p in plays])) if plays else 0.0,
            "regret": float(np.mean(regrets)) if regrets else 0.0,
            "precision_at_10": float(np.mean(p_at_10)) if p_at_10 else 0.0,
            **self._ecosystem(rec_titles),
            "mean_rec_popularity": float(np.mean(pops)) if pops else 0.0,
            "watch_diversity": self._diversity(),
            "watch_overlap": overlap,
            "homogenization": 0.0,
            "watch_overlap_taste": taste_overlap,
            "homogenization_taste": 0.0,
            **art,
            "art_regret_cum": self.art_regret,
        }

    def _ecosystem(self, rec_titles: set[int]) -> dict[str, float]:
        """Coverage and Gini over the starting catalogue (`self.base`), whatever was released
        since: share of those titles recommended today, Gini of their cumulative plays."""
        shown = int(self.base[sorted(rec_titles)].sum()) if rec_titles else 0
        return {"coverage": shown / max(1, int(self.base.sum())),
                "gini_plays": gini(self.plays_per_title[self.base])}

    def _diversity(self) -> float:
        """Mean over profiles with 2+ watched titles of the mean pairwise (1 - cosine) of their
        titles' tags; 0.0 on a day when no profile has 2 titles yet (like the other figures).
        The mean pairwise cosine of n vectors is (|sum|^2 - sum of |v|^2) / (n (n - 1))."""
        out = []
        for titles in self.watch_sets:
            n = len(titles)
            if n < 2:
                continue
            v = self.unit_tags[sorted(titles)]
            total = v.sum(axis=0)
            mean_cos = (float(total @ total) - float((v * v).sum())) / (n * (n - 1))
            out.append(1.0 - mean_cos)
        return float(np.mean(out)) if out else 0.0

    def _overlap(self, neighbours: np.ndarray) -> float:
        """Mean Jaccard overlap of each profile's watch set with its neighbour's."""
        overlap = [jaccard(self.watch_sets[i], self.watch_sets[j])
                   for i, j in enumerate(neighbours.tolist())
                   if self.watch_sets[i] or self.watch_sets[j]]
        return float(np.mean(overlap)) if overlap else 0.0


def nearest_neighbours(vectors: np.ndarray) -> np.ndarray:
    """Index of each row's nearest other row by cosine similarity."""
    v = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    sim = v @ v.T
    np.fill_diagonal(sim, -np.inf)
    return np.argmax(sim, axis=1)


def t95(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom (4.303 for 2)."""
    from scipy import stats

    return float(stats.t.ppf(0.975, df))


def mean_ci(values) -> dict[str, float | None]:
    """Mean and 95% t-interval half-width over seeds. A figure that does not exist for a run
    (None in any seed: homogenization without an ideal arm) has mean and interval None, shown
    "n/a"; with one seed there is no interval (None), not an interval of width 0."""
    values = list(values)
    if not values or any(v is None for v in values):
        return {"mean": None, "ci95": None, "n": 0}
    x = np.asarray(values, dtype=np.float64)
    if x.size < 2:
        return {"mean": round(float(x.mean()), 6), "ci95": None, "n": int(x.size)}
    half = t95(x.size - 1) * float(x.std(ddof=1)) / np.sqrt(x.size)
    return {"mean": round(float(x.mean()), 6), "ci95": round(half, 6), "n": int(x.size)}
