"""The statistics of live experiments, pure numpy and scipy (docs/experiments.md says why each).

- `srm`: sample-ratio mismatch, a chi-square test of the variants' counts against their
  weights; flagged at p < SRM_ALPHA (a broken split invalidates every other figure).
- `welch`: difference of means with Welch's t-test and its CI (per-profile metrics).
- `ratio_stats` / `ratio_test`: a ratio of sums (click-through, completion, abandonment), its
  variance by the delta method over profiles (the unit that was randomised), and a z-test.
- `cuped`: the metric adjusted by each profile's pre-period value, theta pooled over both
  groups; the variance falls by about 1 - rho^2.
- `msprt`: the mixture sequential probability ratio test with a normal mixture over the
  difference of means; its always-valid p-value min(1, 1/Lambda) may be looked at every day.
- `holm`: Holm's step-down adjustment across the metrics of one comparison.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

SRM_ALPHA = 0.001
ALPHA = 0.05
# The mixture's spread, in units of the metric's standard deviation: the effect sizes the
# sequential test is tuned to find soonest (0.1 sd: a small effect, typical of A/B tests).
TAU_SD = 0.1


@dataclass(frozen=True)
class Test:
    """A treatment-minus-control comparison."""

    control: float
    treatment: float
    diff: float
    se: float
    low: float
    high: float
    p: float

    def as_dict(self) -> dict:
        return asdict(self)


def srm(counts, weights) -> tuple[float, float]:
    """(chi-square, p) of observed counts per variant against the share their weights give."""
    counts = np.asarray(counts, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if counts.sum() == 0:
        return 0.0, 1.0
    expected = counts.sum() * weights / weights.sum()
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    return chi2, float(stats.chi2.sf(chi2, len(counts) - 1))


def mean_ci(x, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): a t interval."""
    x = np.asarray(x, dtype=float)
    if len(x) < 2:
        m = float(x.mean()) if len(x) else float("nan")
        return m, float("nan"), float("nan")
    m, se = x.mean(), x.std(ddof=1) / np.sqrt(len(x))
    t = stats.t.ppf(0.5 + level / 2, len(x) - 1)
    return float(m), float(m - t * se), float(m + t * se)


def welch(a, b, level: float = 0.95) -> Test:
    """Mean of b minus mean of a, Welch's t-test (unequal variances) and its CI."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    diff, se = b.mean() - a.mean(), np.sqrt(va + vb)
    if se == 0:
        return Test(float(a.mean()), float(b.mean()), float(diff), 0.0, float(diff),
                    float(diff), 1.0 if diff == 0 else 0.0)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    t = diff / se
    q = stats.t.ppf(0.5 + level / 2, df)
    return Test(float(a.mean()), float(b.mean()), float(diff), float(se), float(diff - q * se),
                float(diff + q * se), float(2 * stats.t.sf(abs(t), df)))


def ratio_stats(num, den) -> tuple[float, float]:
    """(sum num / sum den, its variance) by the delta method over units (profiles):
    Var(Ybar / Xbar) ~ (s_y^2 - 2 R s_xy + R^2 s_x^2) / (n Xbar^2)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    n = len(num)
    mx = den.mean()
    r = num.sum() / den.sum()
    if n < 2:
        return float(r), float("nan")
    cov = np.cov(num, den, ddof=1)
    var = (cov[0, 0] - 2 * r * cov[0, 1] + r * r * cov[1, 1]) / (n * mx * mx)
    return float(r), float(var)


def ratio_test(num_a, den_a, num_b, den_b, level: float = 0.95) -> Test:
    """Ratio b minus ratio a, a z-test with delta-method variances."""
    ra, va = ratio_stats(num_a, den_a)
    rb, vb = ratio_stats(num_b, den_b)
    diff, se = rb - ra, float(np.sqrt(va + vb))
    if not se > 0:
        return Test(ra, rb, diff, 0.0, diff, diff, 1.0 if diff == 0 else 0.0)
    z = stats.norm.ppf(0.5 + level / 2)
    return Test(ra, rb, diff, se, diff - z * se, diff + z * se,
                float(2 * stats.norm.sf(abs(diff / se))))


@dataclass(frozen=True)
class Cuped:
    adjusted: np.ndarray  # the metric minus theta (x - mean x)
    theta: float
    rho: float  # correlation of metric and pre-period value
    variance_ratio: float  # var(adjusted) / var(metric)


def cuped(y, x) -> Cuped:
    """CUPED: y - theta (x - mean x), theta = cov(x, y) / var(x), over all units of both groups
    (the pre-period cannot depend on the variant, so pooling keeps the estimate unbiased)."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    vx, vy = x.var(ddof=1), y.var(ddof=1)
    if vx == 0 or vy == 0:
        return Cuped(y.copy(), 0.0, 0.0, 1.0)
    cov = np.cov(x, y, ddof=1)[0, 1]
    theta = cov / vx
    adjusted = y - theta * (x - x.mean())
    return Cuped(adjusted, float(theta), float(cov / np.sqrt(vx * vy)),
                 float(adjusted.var(ddof=1) / vy))


def msprt(diff: float, var: float, tau2: float) -> float:
    """The mixture likelihood ratio Lambda for a difference of means `diff` with variance `var`
    (known or estimated) and a N(0, tau2) mixture over the true difference:
    Lambda = sqrt(V / (V + tau2)) exp(tau2 diff^2 / (2 V (V + tau2))). Rejecting when
    Lambda >= 1 / alpha keeps the type I error below alpha however often one looks."""
    if not var > 0:
        return 1.0
    log = 0.5 * np.log(var / (var + tau2)) + tau2 * diff * diff / (2 * var * (var + tau2))
    return float(np.exp(min(log, 700.0)))


def msprt_p(diff: float, var: float, tau2: float) -> float:
    """The always-valid p-value at this look: min(1, 1 / Lambda)."""
    return min(1.0, 1.0 / msprt(diff, var, tau2))


def sequential(a, b, tau_sd: float = TAU_SD) -> dict:
    """mSPRT on the difference of means of b and a at this look."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    var = a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)
    sd = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    tau2 = float((tau_sd * sd) ** 2) if sd > 0 else 1.0
    diff = float(b.mean() - a.mean())
    lam = msprt(diff, var, tau2)
    return {"lambda": lam, "p": min(1.0, 1.0 / lam), "tau2": tau2}


def holm(pvalues) -> list[float]:
    """Holm's step-down adjusted p-values (same order as given)."""
    p = np.asarray(pvalues, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, (m - rank) * p[i])
        adjusted[i] = min(1.0, running)
    return adjusted.tolist()


def power_normal(delta: float, sd: float, n_a: int, n_b: int, alpha: float = ALPHA) -> float:
    """Power of a two-sided two-sample z-test to detect a difference `delta`."""
    if sd <= 0:
        return 1.0
    se = sd * np.sqrt(1 / n_a + 1 / n_b)
    z = stats.norm.ppf(1 - alpha / 2)
    shift = delta / se
    return float(stats.norm.sf(z - shift) + stats.norm.cdf(-z - shift))
