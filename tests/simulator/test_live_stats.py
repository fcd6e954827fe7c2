"""The live experiments' statistics against hand-computed values, and the sequential test's
bound on simulated null streams."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from simulator.studies import live_stats as ls


def test_srm_against_the_hand_computed_chi_square():
    chi2, p = ls.srm([5200, 4800], [1, 1])  # expected 5000 each: 2 * 200^2 / 5000 = 16
    assert chi2 == pytest.approx(16.0)
    assert p == pytest.approx(stats.chi2.sf(16.0, 1)) and p < ls.SRM_ALPHA
    chi2, p = ls.srm([700, 300], [70, 30])
    assert chi2 == pytest.approx(0.0) and p == pytest.approx(1.0)


def test_welch_against_hand_computed_values():
    a, b = [1, 2, 3, 4], [2, 4, 6, 8, 10]
    t = ls.welch(a, b)
    # means 2.5 and 6; variances 5/3 and 10; se^2 = 5/12 + 2
    assert t.diff == pytest.approx(3.5)
    assert t.se == pytest.approx(np.sqrt(5 / 12 + 2))
    df = (5 / 12 + 2) ** 2 / ((5 / 12) ** 2 / 3 + 2 ** 2 / 4)
    assert t.p == pytest.approx(2 * stats.t.sf(3.5 / np.sqrt(29 / 12), df))
    assert t.p == pytest.approx(stats.ttest_ind(b, a, equal_var=False).pvalue)
    q = stats.t.ppf(0.975, df)
    assert (t.low, t.high) == pytest.approx((3.5 - q * t.se, 3.5 + q * t.se))


def test_delta_method_ratio_against_hand_computed_variance():
    r, var = ls.ratio_stats([1, 2, 3], [2, 2, 4])
    # R = 6/8; s_y^2 = 1, s_x^2 = 4/3, s_xy = 1, mean x = 8/3:
    # (1 - 2 * 0.75 * 1 + 0.75^2 * 4/3) / (3 * (8/3)^2) = 0.25 / (64/3)
    assert r == pytest.approx(0.75)
    assert var == pytest.approx(0.25 / (64 / 3))


def test_delta_method_matches_the_spread_of_simulated_ratios():
    rng = np.random.default_rng(3)
    ratios, variances = [], []
    for _ in range(400):
        den = rng.poisson(20, 300) + 1
        num = rng.binomial(den, 0.2 + 0.1 * rng.random(300))
        r, v = ls.ratio_stats(num, den)
        ratios.append(r)
        variances.append(v)
    assert np.var(ratios) == pytest.approx(np.mean(variances), rel=0.2)


def test_cuped_against_hand_computed_values():
    c = ls.cuped(y=[2, 4, 5, 9], x=[1, 2, 3, 4])
    assert c.theta == pytest.approx(2.2)  # cov 11/3 over var 5/3
    assert c.adjusted.tolist() == pytest.approx([5.3, 5.1, 3.9, 5.7])
    assert c.variance_ratio == pytest.approx(0.6 / (26 / 3))
    assert c.variance_ratio == pytest.approx(1 - c.rho ** 2)


def test_holm_step_down():
    assert ls.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert ls.holm([0.5, 0.001]) == pytest.approx([0.5, 0.002])
    assert ls.holm([0.9, 0.8]) == pytest.approx([1.0, 1.0])  # 2 x 0.8 capped at 1


def test_msprt_keeps_type_one_error_on_null_streams_where_peeking_does_not():
    """2,000 A/A streams looked at 20 times each: the fixed-horizon test, peeked at, rejects
    far more than alpha; the mSPRT's always-valid p stays under alpha."""
    rng = np.random.default_rng(2026)
    streams, looks, batch = 2000, 20, 100
    a = rng.exponential(30.0, (streams, looks * batch))  # skewed, like watch minutes
    b = rng.exponential(30.0, (streams, looks * batch))
    peeked = np.zeros(streams, dtype=bool)
    seq = np.zeros(streams, dtype=bool)
    for k in range(1, looks + 1):
        n = k * batch
        xa, xb = a[:, :n], b[:, :n]
        diff = xb.mean(1) - xa.mean(1)
        var = xa.var(1, ddof=1) / n + xb.var(1, ddof=1) / n
        p = 2 * stats.norm.sf(np.abs(diff) / np.sqrt(var))
        peeked |= p < 0.05
        tau2 = (ls.TAU_SD * np.sqrt((xa.var(1, ddof=1) + xb.var(1, ddof=1)) / 2)) ** 2
        seq |= np.array([ls.msprt_p(d, v, t) < 0.05
                         for d, v, t in zip(diff, var, tau2, strict=True)])
    assert peeked.mean() > 0.15
    assert seq.mean() <= 0.05


def test_msprt_finds_a_real_effect():
    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 1, 4000), rng.normal(0.15, 1, 4000)
    assert ls.sequential(a, b)["p"] < 0.05


def test_power_normal_is_alpha_at_no_effect_and_grows():
    assert ls.power_normal(0.0, 1.0, 100, 100) == pytest.approx(0.05)
    assert ls.power_normal(0.4, 1.0, 100, 100) == pytest.approx(0.80, abs=0.01)
