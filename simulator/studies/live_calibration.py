"""A/B calibration through the live pipeline (`streamsim abtest --live`; docs/experiments.md).

One population is seeded through the site's services (`seed_history`: the site's own rows,
playback, impressions) while an A/A live experiment runs on the home page, so assignment and
exposure go through core.experiments and recommender.live_experiments exactly as on the site.
The first `pre_days` days come before the experiment starts (CUPED's pre-period); the next
`days` are the experiment. The exposed profiles' outcomes are then read back from the site's
tables (simulator.studies.live_results) at 5 equally spaced looks.

Each of N salts re-randomises the same exposed profiles with the site's hash
(core.experiments.bucket) and asks:

- aa_false_positive_rate: Welch's test on watch minutes at the last look rejects (alpha 0.05);
- peeking_fixed_horizon_rate: Welch's test rejects at any of the 5 looks;
- sequential_rate: the mSPRT's always-valid p falls below alpha at any of the 5 looks;
- srm_detection_rate: a planted split bug (52/48 where 50/50 was configured) is flagged by the
  chi-square check at p < 0.001 (also on 20,000 hashed ids: SRM needs only the counts);
- cuped_variance_ratio: var(CUPED-adjusted) / var(raw) with the pre-period's watch minutes as
  covariate, beside 1 - rho^2;
- planted_effect_power: the rejection rate when `effect_sd` standard deviations of watch
  minutes are added to the treatment's stored outcomes, beside the power a normal
  approximation predicts. (The effect is planted in the outcomes, not in the viewers: the
  outcomes themselves come from the live pipeline.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select

from core import experiments as ex
from core.db import Database
from core.models import LiveExperiment
from simulator.studies import live_stats as ls
from simulator.studies.abtest import binomial_ci
from simulator.studies.live_results import load_outcomes
from simulator.studies.seed import seed_history

LOOKS = 5
SRM_BUG = 0.52  # the planted split: 52% of buckets to A where 50% was configured
SRM_IDS = 20_000


@dataclass(frozen=True)
class LiveConfig:
    profiles: int = 5000
    pre_days: int = 3
    days: int = 5
    seed: int = 7
    titles: int = 600
    salts: int = 200
    alpha: float = 0.05
    effect_sd: float = 0.1
    metric: str = "watch_minutes"

    @property
    def name(self) -> str:
        return (f"calibration p{self.profiles} d{self.pre_days}-{self.days} s{self.seed} "
                f"t{self.titles}")


AA_VARIANTS = [{"name": "a", "weight": 1, "sets": {}}, {"name": "b", "weight": 1, "sets": {}}]


def seed_population(database: Database, cfg: LiveConfig, now: datetime,
                    progress: Callable[[str, int, int], None] | None = None) -> int:
    """The A/A experiment of `cfg` with its seeded population: made once, then reused."""
    with database.read() as s:
        found = s.scalar(select(LiveExperiment.id).where(LiveExperiment.name == cfg.name))
    if found is not None:
        return found
    start = now - timedelta(days=cfg.pre_days + cfg.days)
    with database.write() as s:
        exp = ex.create(s, {"name": cfg.name, "hypothesis": "A/A: nothing differs",
                            "variants": AA_VARIANTS, "primary_metric": cfg.metric,
                            "layer": "other", "salt": "calibration"}, start)
        ex.start(s, exp, start + timedelta(days=cfg.pre_days))
        exp_id = exp.id
    seed_history(database, cfg.profiles, cfg.pre_days + cfg.days, cfg.seed, now,
                 n_titles=cfg.titles, model_from_day=None, progress=progress)
    with database.write() as s:
        ex.stop(s, s.get(LiveExperiment, exp_id), now)
    return exp_id


def _looks(database: Database, exp_id: int, cfg: LiveConfig) -> list[dict]:
    """The exposed profiles' metric and pre-period at each look (cumulative)."""
    with database.read() as s:
        exp = s.get(LiveExperiment, exp_id)
        began = exp.started_at
        out = []
        for k in range(1, LOOKS + 1):
            until = began + timedelta(days=cfg.days * k / LOOKS)
            o = load_outcomes(s, exp_id, until)
            out.append({"ids": o.profile_ids, "y": o[cfg.metric].astype(float),
                        "pre": o["pre_minutes"].astype(float)})
    return out


def _welch_p(y, is_b) -> float:
    return ls.welch(y[~is_b], y[is_b]).p


def calibrate(database: Database, exp_id: int, cfg: LiveConfig) -> dict:
    began = time.perf_counter()
    looks = _looks(database, exp_id, cfg)
    final = looks[-1]
    ids, y, pre = final["ids"], final["y"], final["pre"]
    n = len(ids)
    if n < 20:
        raise ValueError(f"only {n} exposed profiles: seed a larger population")
    fixed = peek = seq = srm = planted = 0
    ratios = []
    sd = float(y.std(ddof=1))
    delta = cfg.effect_sd * sd
    n_b_total = 0
    # Profiles exposed by a look are among those exposed by the last: their places in `ids`.
    places = [np.searchsorted(ids, look["ids"]) for look in looks]
    c = ls.cuped(y, pre)  # theta pooled over both groups: the same for every split
    for salt_n in range(1, cfg.salts + 1):
        buckets = np.array([ex.bucket(f"live-calibration-{salt_n}", int(p)) for p in ids])
        is_b = buckets >= ex.BUCKETS // 2
        n_b_total += int(is_b.sum())
        fixed += _welch_p(y, is_b) < cfg.alpha
        peeked = sequential = False
        for look, at in zip(looks, places, strict=True):
            b = is_b[at]
            if b.sum() < 2 or (~b).sum() < 2:
                continue
            peeked |= _welch_p(look["y"], b) < cfg.alpha
            sequential |= ls.sequential(look["y"][~b], look["y"][b])["p"] < cfg.alpha
        peek += peeked
        seq += sequential
        bug_a = buckets < SRM_BUG * ex.BUCKETS
        srm += ls.srm([bug_a.sum(), (~bug_a).sum()], [1, 1])[1] < ls.SRM_ALPHA
        ratios.append(ls.welch(c.adjusted[~is_b], c.adjusted[is_b]).se ** 2
                      / ls.welch(y[~is_b], y[is_b]).se ** 2)
        planted += _welch_p(y + np.where(is_b, delta, 0.0), is_b) < cfg.alpha
    srm_big = 0
    for salt_n in range(1, cfg.salts + 1):
        salt = f"live-calibration-{salt_n}"
        a = sum(ex.bucket(salt, p) < SRM_BUG * ex.BUCKETS for p in range(1, SRM_IDS + 1))
        srm_big += ls.srm([a, SRM_IDS - a], [1, 1])[1] < ls.SRM_ALPHA
    rho = c.rho
    n_b = n_b_total / cfg.salts
    rate = lambda k: k / cfg.salts  # noqa: E731
    return {
        "aa_false_positive_rate": rate(fixed),
        "aa_false_positive_ci95": list(binomial_ci(fixed, cfg.salts)),
        "peeking_fixed_horizon_rate": rate(peek),
        "sequential_rate": rate(seq),
        "srm_detection_rate": rate(srm),
        "srm_detection_rate_20000_ids": rate(srm_big),
        "cuped_variance_ratio": float(np.mean(ratios)),
        "one_minus_rho_squared": float(1 - rho ** 2),
        "planted_effect_power": rate(planted),
        "predicted_power": ls.power_normal(delta, sd, int(round(n - n_b)), int(round(n_b)),
                                           cfg.alpha),
        "planted_effect": {"effect_sd": cfg.effect_sd, "minutes": delta},
        "exposed_profiles": n,
        "exposed_per_look": [len(look["ids"]) for look in looks],
        "metric": cfg.metric, "looks": LOOKS,
        "config": asdict(cfg),
        "analysis_seconds": round(time.perf_counter() - began, 1),
    }


def summary_lines(res: dict) -> list[str]:
    c = res["config"]
    lo, hi = res["aa_false_positive_ci95"]
    return [
        f"{c['salts']} salts over {res['exposed_profiles']} exposed profiles "
        f"({c['profiles']} seeded; {c['pre_days']} pre-period + {c['days']} experiment days; "
        f"metric {res['metric']})",
        f"A/A false positives: {res['aa_false_positive_rate']:.3f} (95% CI {lo:.3f}-{hi:.3f}; "
        f"nominal {c['alpha']})",
        f"Peeking {res['looks']} times, fixed-horizon test: {res['peeking_fixed_horizon_rate']:.3f}"
        f"; sequential (mSPRT): {res['sequential_rate']:.3f}",
        f"SRM (planted 52/48) detected: {res['srm_detection_rate']:.3f} at this population, "
        f"{res['srm_detection_rate_20000_ids']:.3f} at {SRM_IDS:,} ids",
        f"CUPED variance ratio {res['cuped_variance_ratio']:.3f} (1 - rho^2 = "
        f"{res['one_minus_rho_squared']:.3f})",
        f"Planted effect (+{res['planted_effect']['minutes']:.2f} min, "
        f"{c['effect_sd']} sd): power {res['planted_effect_power']:.3f}, predicted "
        f"{res['predicted_power']:.3f}",
    ]
