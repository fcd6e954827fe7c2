"""A/B calibration (docs/simulation.md, study 4): does a simulated A/B test behave?

Per seed one small world (catalog + population) is drawn, its profiles are split at random
(seeded) into groups A and B, and both groups live D days in that same world under a policy.
In an A/A test both groups are treated alike; with a planted effect group B's screens get a
fixed click-logit bonus `effect` on every shown title (what better artwork or a slicker page
would do). The per-profile metric (watch minutes or plays over the D days) is compared with
Welch's t-test (`scipy.stats.ttest_ind(equal_var=False)`).

Over many seeds: the A/A rejection rate at alpha must sit near alpha (binomial 95% CI), and the
planted effect's detection rate must match the power a standard calculator predicts.

Fast by design: this study runs the behaviour model (`simulator.viewers.behaviour`) directly on
numpy arrays, without the database or the core services. The world is drawn in memory (titles from
`feature_vector_for` over random tags, viewers from the population module's taste and trait
draws); each visit browses up to `screens` screens of rows x row_len titles ranked by the
policy, chooses by the same multinomial logit (sampled with the Gumbel-max trick), and a click
watches with the same abandon / pause / finish model. Taste drift, thumbs and binges are left
out: they do not change what a calibration test checks. All randomness comes from named streams.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from simulator.catalog import vocab
from simulator.catalog.features import feature_vector_for
from simulator.rng import derive
from simulator.viewers import behaviour as bm
from simulator.viewers.population import N_COMMUNITIES, community_centres, draw_tastes, draw_traits

# The registry's policies this in-memory world can run ("ideal" ranks by expected enjoyment).
POLICIES = ("popularity", "ideal", "random")
METRICS = ("minutes", "plays")


@dataclass(frozen=True)
class ABConfig:
    profiles: int = 400
    titles: int = 200
    days: int = 7
    rows: int = 2
    row_len: int = 6
    screens: int = 1
    policy: str = "popularity"
    metric: str = "minutes"
    alpha: float = 0.05


@dataclass
class World:
    utility: np.ndarray  # (P, T) true utility (noise included)
    expected: np.ndarray  # (P, T) taste . features + quality (what "ideal" ranks by)
    activity: np.ndarray  # (P,)
    popularity: np.ndarray  # (T,) log prior popularity
    runtime_min: np.ndarray  # (T,)


def make_world(seed: int, cfg: ABConfig) -> World:
    """An in-memory world for `seed`: titles with tags, quality and popularity; viewers."""
    rng = derive(seed, "abtest", "catalog")
    pace = tuple(vocab.PACES)
    feats = np.stack([feature_vector_for(
        [vocab.GENRES[g].slug for g in rng.choice(len(vocab.GENRES), 2, replace=False)],
        [vocab.MOODS[m].slug for m in rng.choice(len(vocab.MOODS), 2, replace=False)],
        [vocab.THEMES[rng.integers(len(vocab.THEMES))].slug], pace[rng.integers(len(pace))],
        rng.normal(0.0, 0.3, 4), rng=rng, noise=0.05) for _ in range(cfg.titles)])
    quality = np.clip(rng.normal(0.0, 0.4, cfg.titles), -2.0, 2.0)
    popularity = 1.3 * rng.normal(0.0, 1.0, cfg.titles) + 0.5 * quality
    runtime = np.clip(rng.normal(80.0, 25.0, cfg.titles), 20.0, 180.0)
    prng = derive(seed, "abtest", "population")
    community = prng.choice(N_COMMUNITIES - 1, size=cfg.profiles)
    taste = draw_tastes(prng, community_centres(seed), community).astype(np.float64)
    traits = draw_traits(prng, cfg.profiles)
    expected = taste @ feats.T.astype(np.float64) + quality
    noise = bm.utility_noise(seed, np.arange(cfg.profiles)[:, None], np.arange(cfg.titles))
    return World(expected + noise, expected, traits["activity"], popularity, runtime)


def split(seed: int, n: int) -> np.ndarray:
    """Seeded random halves: True = group B (floor(n/2) profiles), False = group A."""
    is_b = np.zeros(n, dtype=bool)
    is_b[derive(seed, "abtest", "split").permutation(n)[: n // 2]] = True
    return is_b


def _scores(world: World, policy: str, rng: np.random.Generator) -> np.ndarray:
    if policy == "popularity":
        return np.broadcast_to(world.popularity, world.utility.shape)
    if policy == "ideal":
        return world.expected
    if policy == "random":
        return rng.random(world.utility.shape)
    raise ValueError(f"unknown policy {policy!r}; choose from {POLICIES}")


def run_world(world: World, bonus: np.ndarray, cfg: ABConfig,
              rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Simulate D days; `bonus` (P,) is each profile's click-logit bonus. Per-profile totals."""
    n_p, n_t = world.utility.shape
    k = cfg.rows * cfg.row_len
    log_attn = np.log(bm.attention(cfg.rows, cfg.row_len)).ravel()
    watched = np.zeros((n_p, n_t), dtype=bool)
    minutes = np.zeros(n_p)
    plays = np.zeros(n_p)
    people = np.arange(n_p)
    for day in range(cfg.days):
        active = rng.random(n_p) < bm.visit_probability(world.activity, day)
        order = np.argsort(-np.where(watched, -np.inf, _scores(world, cfg.policy, rng)),
                           axis=1, kind="stable")
        for screen in range(cfg.screens):
            shown = order[:, screen * k:(screen + 1) * k]
            appeal = bm.click_appeal(np.take_along_axis(world.utility, shown, 1),
                                     bonus[:, None]) + log_attn[: shown.shape[1]]
            logits = np.column_stack([np.full(n_p, bm.NO_CLICK * bm.CLICK_BETA), appeal])
            pick = np.argmax(logits + rng.gumbel(size=logits.shape), axis=1)  # = logit choice
            u_abandon, u_pause, u_frac = rng.random((3, n_p))
            click = active & (pick > 0)
            title = shown[people, np.maximum(pick - 1, 0)]
            util = world.utility[people, title]
            abandon = u_abandon < bm.abandon_probability(util)
            pause = ~abandon & (u_pause < 0.15)
            frac = np.where(abandon, 0.02 + 0.28 * u_frac,
                            np.where(pause, 0.35 + 0.5 * u_frac, 1.0))
            minutes += np.where(click, frac * world.runtime_min[title], 0.0)
            plays += click
            watched[people[click], title[click]] = True
            active &= ~click  # one play ends the visit; a fruitless screen shows the next
    return {"minutes": minutes, "plays": plays}


def power_two_sample(d: float, n_a: int, n_b: int, alpha: float = 0.05) -> float:
    """Power of a two-sided two-sample t-test for standardized effect d (Cohen's d).

    As G*Power or statsmodels' TTestIndPower compute it: under the alternative the statistic is
    noncentral t with df = n_a + n_b - 2 and noncentrality d * sqrt(n_a n_b / (n_a + n_b)).
    """
    df = n_a + n_b - 2
    nc = d * np.sqrt(n_a * n_b / (n_a + n_b))
    crit = stats.t.ppf(1.0 - alpha / 2.0, df)
    return float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))


def binomial_ci(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) CI of a proportion k / n."""
    res = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return float(res.low), float(res.high)


def one_seed(seed: int, cfg: ABConfig, effect: float) -> dict:
    """One A/A and one planted-effect test in the same world and split."""
    world = make_world(seed, cfg)
    is_b = split(seed, cfg.profiles)
    out = {}
    for name, size in (("aa", 0.0), ("ab", effect)):
        rng = derive(seed, "abtest", "behaviour", name)
        y = run_world(world, np.where(is_b, size, 0.0), cfg, rng)[cfg.metric]
        a, b = y[~is_b], y[is_b]
        test = stats.ttest_ind(b, a, equal_var=False)
        out[name] = {"diff": float(b.mean() - a.mean()), "p": float(test.pvalue),
                     "var": float((a.var(ddof=1) * (len(a) - 1) + b.var(ddof=1) * (len(b) - 1))
                                  / (len(a) + len(b) - 2))}
    return out


def calibrate(seeds, cfg: ABConfig = ABConfig(), effect: float = 0.3) -> dict:
    """A/A rejection rate with its 95% CI, and the planted effect's detection rate vs power.

    Predicted power uses the effect size estimated over all seeds (mean difference / root of
    the mean pooled variance): one seed's observed effect gives a biased "post-hoc" power.
    """
    seeds = list(seeds)
    runs = [one_seed(s, cfg, effect) for s in seeds]
    n = len(seeds)
    n_b = cfg.profiles // 2
    n_a = cfg.profiles - n_b
    result = {"config": {**cfg.__dict__, "effect": effect, "seeds": n,
                         "first_seed": seeds[0] if seeds else None}}
    for name in ("aa", "ab"):
        rejects = sum(r[name]["p"] < cfg.alpha for r in runs)
        lo, hi = binomial_ci(rejects, n)
        diff = float(np.mean([r[name]["diff"] for r in runs]))
        sd = float(np.sqrt(np.mean([r[name]["var"] for r in runs])))
        result[name] = {"rejections": rejects, "rate": rejects / n, "ci95": [lo, hi],
                        "mean_diff": diff, "pooled_sd": sd, "effect_size_d": diff / sd}
    d = result["ab"]["effect_size_d"]
    result["ab"]["predicted_power"] = power_two_sample(d, n_a, n_b, cfg.alpha)
    result["aa"]["nominal"] = cfg.alpha
    return result


def summary_lines(res: dict) -> list[str]:
    aa, ab, c = res["aa"], res["ab"], res["config"]
    return [
        f"{c['seeds']} seeds x {c['profiles']} profiles x {c['days']} days, policy "
        f"{c['policy']}, metric {c['metric']}, alpha {c['alpha']}",
        f"A/A: rejected {aa['rejections']}/{c['seeds']} = {aa['rate']:.3f} "
        f"(95% CI {aa['ci95'][0]:.3f}-{aa['ci95'][1]:.3f}; nominal {c['alpha']})",
        f"Planted effect (click-logit +{c['effect']}): d = {ab['effect_size_d']:.3f} "
        f"(mean diff {ab['mean_diff']:.2f}), detected {ab['rejections']}/{c['seeds']} = "
        f"{ab['rate']:.3f} (95% CI {ab['ci95'][0]:.3f}-{ab['ci95'][1]:.3f}); "
        f"predicted power {ab['predicted_power']:.3f}",
    ]
