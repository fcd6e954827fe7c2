"""The viewer model as pure numpy functions (each unit-tested on its own).

True utility of title i for profile u is taste_u . features_i + quality_i + noise(u, i); the
noise is a fixed function of (seed, profile id, title id) so it is reproducible and the same in
every arm. Clicks follow a multinomial logit over what is shown plus a "no click" option, with
cascade-style position attention (down rows and along each row); artwork moves the click logit
but not the utility. Watch time, thumbs, My List and drift all follow true utility.
"""

from __future__ import annotations

import numpy as np

NOISE_SIGMA = 0.3
DAY_OF_WEEK = np.array([0.9, 0.85, 0.9, 0.95, 1.1, 1.3, 1.2])  # Monday .. Sunday
HOLIDAY_LIFT = 1.45  # a public holiday is about as busy as a Saturday
ROW_DECAY = 0.72
COL_DECAY = 0.86
CLICK_BETA = 1.6  # how strongly expected enjoyment drives clicks
NO_CLICK = 1.2  # utility of leaving a screen without clicking
ART_WEIGHT = 0.5  # click-logit bonus from artwork that stresses a liked tag
PASSED_OVER = 0.8  # click-logit cost per log(1 + times a title was shown and not picked)
AWARE_WEIGHT = 2.0  # click-logit bonus of a title the viewer has heard about (awareness 1)
BUZZ_HALF_LIFE_DAYS = 7.0  # marketing buzz halves every week after release...
EVERGREEN = 0.15  # ...down to this share of it (more for good titles: word of mouth)
THUMBS_CUTS = (0.0, 1.3)  # felt utility below the first: down; below the second: up; else love

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser (vectorised; wraps modulo 2**64)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def utility_noise(seed: int, profile_ids, title_ids, sigma: float = NOISE_SIGMA) -> np.ndarray:
    """N(0, sigma) noise fixed per (seed, profile, title); broadcasts like numpy."""
    with np.errstate(over="ignore"):
        p = np.asarray(profile_ids, dtype=np.uint64)
        t = np.asarray(title_ids, dtype=np.uint64)
        key = _mix(np.uint64(seed) * _GOLD + _mix(p * _GOLD + np.uint64(1)) + t * _M2)
        a = _mix(key)
        b = _mix(key ^ _GOLD)
    u1 = ((a >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53
    u2 = ((b >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53
    return sigma * np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def true_utility(taste: np.ndarray, features: np.ndarray, quality: np.ndarray,
                 noise: np.ndarray) -> np.ndarray:
    """taste . features + quality + noise (taste (F,) or (P, F); features (T, F))."""
    return taste @ features.T + quality + noise


def visit_probability(activity, weekday: int, satisfaction=0.0, holiday=False) -> np.ndarray:
    """Chance of at least one visit today: activity x day-of-week (x HOLIDAY_LIFT on a public
    holiday in the viewer's country), more after a good session."""
    rate = np.asarray(activity) * DAY_OF_WEEK[weekday % 7] * np.exp(
        0.3 * np.clip(satisfaction, -2.0, 2.0)) * np.where(holiday, HOLIDAY_LIFT, 1.0)
    return 1.0 - np.exp(-rate)


SEEN_ELSEWHERE = 0.5  # chance a viewer already saw the most popular title elsewhere


def seen_elsewhere(seed: int, profile_id: int, title_ids, popularity) -> np.ndarray:
    """Whether the viewer already saw each title before it joined (in cinemas, on another
    service): more likely the more popular the title, fixed per (seed, profile, title). Such
    titles are not picked again from the rows (people mostly skip what they have seen), which
    is much of why real viewing spreads over a long tail."""
    u = utility_noise(seed + 7919, profile_id, title_ids, 1.0)  # N(0, 1) per pair
    p = SEEN_ELSEWHERE * (np.asarray(popularity, dtype=np.float64) / 100.0) ** 0.7
    return u < _probit(p)


def _probit(p: np.ndarray) -> np.ndarray:
    """Standard normal quantile of each probability."""
    from statistics import NormalDist

    dist = NormalDist()
    return np.array([dist.inv_cdf(min(max(float(x), 1e-12), 1 - 1e-12)) for x in np.ravel(p)]
                    ).reshape(np.shape(p))


def awareness(buzz, age_days, quality) -> np.ndarray:
    """How widely a title is known today: its launch buzz, halving every BUZZ_HALF_LIFE_DAYS
    after release down to an evergreen floor that grows with quality (good titles keep being
    talked about); 0 before release."""
    age = np.asarray(age_days, dtype=np.float64)
    floor = np.clip(EVERGREEN * np.exp(2.0 * np.asarray(quality, dtype=np.float64)), 0.02, 0.8)
    known = np.asarray(buzz) * (floor + (1.0 - floor) * 0.5 ** (np.maximum(age, 0.0)
                                                                / BUZZ_HALF_LIFE_DAYS))
    return np.where(age < 0, 0.0, known)


def sessions_today(rng: np.random.Generator, activity: float) -> int:
    """Visits on a day the profile comes at all: one, and more for the most active (heavy
    viewers come back in the evening; about 1.3 a day on average)."""
    return 1 + int(rng.poisson(0.15 + 0.2 * min(float(activity), 3.0)))


def session_budget(rng: np.random.Generator, minutes: float) -> float:
    """Seconds of viewing a session allows: the profile's typical session, log-normal noise."""
    return float(minutes) * 60.0 * float(rng.lognormal(0.0, 0.5))


def attention(n_rows: int, row_len: int, row_decay: float = ROW_DECAY,
              col_decay: float = COL_DECAY) -> np.ndarray:
    """(n_rows, row_len) probability that a slot is looked at: decays down and along rows."""
    return np.outer(row_decay ** np.arange(n_rows), col_decay ** np.arange(row_len))


def click_appeal(utility, art_bonus=0.0, beta: float = CLICK_BETA) -> np.ndarray:
    """Click logit of a shown title: expected enjoyment plus the artwork's pull."""
    return beta * np.asarray(utility) + np.asarray(art_bonus)


def choice_probabilities(appeal, attn, no_click: float = NO_CLICK * CLICK_BETA) -> np.ndarray:
    """Multinomial logit over [no click, shown titles...]; attention enters as log weight."""
    appeal = np.asarray(appeal, dtype=np.float64).ravel()
    attn = np.asarray(attn, dtype=np.float64).ravel()
    logits = np.concatenate(([no_click], appeal + np.log(np.maximum(attn, 1e-12))))
    logits -= logits.max()
    w = np.exp(logits)
    return w / w.sum()


def choose(rng: np.random.Generator, probs: np.ndarray) -> int:
    """Index of the chosen shown title, or -1 for no click."""
    return int(rng.choice(len(probs), p=probs)) - 1


def abandon_probability(utility) -> np.ndarray:
    """Chance of giving up early: high for a poor match, low for a good one."""
    return 1.0 / (1.0 + np.exp(3.0 * (np.asarray(utility) - 0.2)))


def watch_fraction(rng: np.random.Generator, utility: float) -> tuple[float, bool]:
    """(fraction of the runtime watched, finished?). Abandons early on a poor match; a good
    match is usually finished, sometimes paused part-way to resume another day."""
    if rng.random() < abandon_probability(utility):
        return float(rng.uniform(0.02, 0.3)), False
    if rng.random() < 0.15:
        return float(rng.uniform(0.35, 0.85)), False
    return 1.0, True


def binge_probability(utility: float, binge: float) -> float:
    """Chance of going on to the next episode after finishing one."""
    return float(binge / (1.0 + np.exp(-2.0 * (utility - 0.4))))


def thumbs(rng: np.random.Generator, utility: float, propensity: float) -> int | None:
    """None (no rating) or -1/1/2 from utility plus rating noise."""
    if rng.random() >= propensity:
        return None
    felt = utility + rng.normal(0.0, 0.35)
    return -1 if felt < THUMBS_CUTS[0] else (1 if felt < THUMBS_CUTS[1] else 2)


def true_thumbs(utility) -> np.ndarray:
    """The thumbs `thumbs` would give without rating noise: -1, 1 or 2 per utility."""
    u = np.asarray(utility, dtype=np.float64)
    return np.where(u < THUMBS_CUTS[0], -1, np.where(u < THUMBS_CUTS[1], 1, 2))


def art_bonus(taste: np.ndarray, focus_feature: int, weight: float = ART_WEIGHT) -> float:
    """Artwork stressing a tag the profile likes pulls clicks (not enjoyment)."""
    return 0.0 if focus_feature < 0 else float(weight * np.tanh(taste[focus_feature]))


def drift(taste: np.ndarray, features: np.ndarray, rate: float) -> np.ndarray:
    """Move taste a little toward what was watched, keeping its length."""
    norm = float(np.linalg.norm(taste))
    moved = (1.0 - rate) * taste + rate * norm * features
    return (moved * norm / max(float(np.linalg.norm(moved)), 1e-9)).astype(taste.dtype)


# -- artwork: the hidden appeal of each variant, and the plantable clickbait -----------------
# Both are part of the simulator's truth (never read by the recommender) and off unless a
# study turns them on (`art_appeal`, `clickbait` in an experiment config), so other studies'
# figures do not move.

CLICKBAIT_VARIANT = 1  # the planted clickbait is this variant (the mood-led art) of a title
CLICKBAIT_PULL = 1.0  # click-logit bonus of clickbait art, for everyone
CLICKBAIT_ABANDON = 0.85  # chance a play begun from clickbait art stops in the first minutes
LURED_STOP_S = (30.0, 240.0)  # ... after this many seconds (before a qualified play)
ART_STYLE_SHARE = 0.8  # of the appeal's variance: the community's liking for a variant slot


def art_appeal(seed: int, n_communities: int, title_ids, n_variants: int,
               sigma: float) -> np.ndarray:
    """(communities, titles, variants) hidden click-logit appeal of each artwork variant for
    each taste community: a community's liking for a kind of poster (variant slot: genre-,
    mood- or theme-led art), shared by all titles, plus a smaller part per title and variant;
    N(0, sigma) in all, fixed per (seed, community, title, variant). Zeros when sigma is 0."""
    t = np.asarray(title_ids, dtype=np.int64)
    out = np.zeros((n_communities, len(t), n_variants))
    if sigma <= 0:
        return out
    style_sd = sigma * np.sqrt(ART_STYLE_SHARE)
    own_sd = sigma * np.sqrt(1.0 - ART_STYLE_SHARE)
    for c in range(n_communities):
        for v in range(n_variants):
            style = utility_noise(seed + 6007, 1000 + c, 50_000 + v, style_sd)
            own = utility_noise(seed + 6011, 1000 * (c + 1) + v, t, own_sd)
            out[c, :, v] = style + own
    return out


def clickbait_titles(seed: int, title_ids, share: float) -> np.ndarray:
    """Which titles carry the planted clickbait variant: a `share` of them, fixed per (seed,
    title)."""
    if share <= 0:
        return np.zeros(len(np.asarray(title_ids)), dtype=bool)
    u = utility_noise(seed + 6029, 7, title_ids, 1.0)
    return u < _probit(np.full(np.shape(u), min(share, 1.0)))


def art_pull(taste: np.ndarray, focus: np.ndarray, appeal: np.ndarray | None = None,
             lure: np.ndarray | None = None) -> np.ndarray:
    """Click-logit bonus of artwork variants: the tag it stresses (ART_WEIGHT x tanh(taste)),
    the community's hidden appeal, and clickbait's pull. Arrays of one shape (a variant each)."""
    focus = np.asarray(focus, dtype=np.int64)
    bonus = np.where(focus >= 0, ART_WEIGHT * np.tanh(taste[np.maximum(focus, 0)]), 0.0)
    if appeal is not None:
        bonus = bonus + appeal
    if lure is not None:
        bonus = bonus + CLICKBAIT_PULL * lure
    return bonus


def art_value(bonus, lure) -> np.ndarray:
    """What a variant is worth in qualified plays, up to a factor: its click odds
    exp(bonus), times the share of its plays that get past the first minutes. The oracle
    shows the variant with the largest value; regret is measured against it."""
    return np.exp(np.asarray(bonus)) * (1.0 - CLICKBAIT_ABANDON * np.asarray(lure, dtype=float))


def lured_stop(rng: np.random.Generator) -> float | None:
    """After a click on clickbait art: seconds until the viewer gives up (CLICKBAIT_ABANDON of
    the time), else None (the title gets its ordinary chance)."""
    if rng.random() < CLICKBAIT_ABANDON:
        return float(rng.uniform(*LURED_STOP_S))
    return None
