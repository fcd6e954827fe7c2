"""Arms against a baseline arm, paired by seed, over windows of the run's days.

Every arm of a seed runs in a copy of the same world and draws visits and behaviour from the
same named streams (common random numbers), so the seed-to-seed spread of the worlds cancels
when two arms are compared seed by seed. For a metric and a window of days:

    d_s = mean over the window of metric(arm, seed s) - the same for the baseline arm

and the figure is the mean of d_s over the n seeds where both arms have a value, with a 95%
interval mean ± t(0.975, n - 1) · sd(d) / sqrt(n). With fewer than 2 seeds there is no
interval (None, with a note saying why), never an interval of width 0.

Windows (`WINDOWS`): the whole run; after the launch phase (the config's `explore_days` of
random rows shared by every arm); the last day; the last 7 days (all days when the run is
shorter). A figure that does not exist is None with a note: a metric measured against an arm
the run does not have (homogenization needs the ideal arm), a window without days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from simulator.studies.metrics import METRICS, mean_ci

WINDOWS = ("all", "after_launch", "last_day", "last_7_days")
WINDOW_LABELS = {"all": "Whole run", "after_launch": "After the launch phase",
                 "last_day": "Last day", "last_7_days": "Last 7 days"}
LAST_DAYS = 7
# Metrics measured against another arm of the same run (experiment._homogenization).
NEEDS_ARM = {"homogenization": "ideal", "homogenization_taste": "ideal"}

NOTE_ONE_SEED = "Only one seed has this figure for both arms: an interval needs at least 2."
NOTE_BASELINE = "This is the baseline arm."


def window_days(days: int, launch_days: int) -> dict[str, tuple[int, int] | None]:
    """Each window's first and last day (inclusive), None when the window has no days."""
    if days <= 0:
        return dict.fromkeys(WINDOWS)
    last = days - 1
    return {"all": (0, last),
            "after_launch": (launch_days, last) if launch_days < days else None,
            "last_day": (last, last),
            "last_7_days": (max(0, days - LAST_DAYS), last)}


def seed_means(rows: Iterable[dict], arm: str, metric: str,
               span: tuple[int, int] | None) -> dict[int, float | None]:
    """Per seed, the arm's mean of `metric` over the days of `span`; None for a seed where
    any of those days has no value (the figure does not exist for that seed)."""
    values: dict[int, list] = {}
    for r in rows:
        if r["arm"] == arm:
            values.setdefault(r["seed"], [])
            if span is not None and span[0] <= r["day"] <= span[1]:
                values[r["seed"]].append(r.get(metric))
    return {seed: (None if not vs or any(v is None for v in vs) else float(sum(vs) / len(vs)))
            for seed, vs in sorted(values.items())}


def paired_difference(arm: dict[int, float | None],
                      base: dict[int, float | None]) -> dict:
    """Mean of arm - baseline over the seeds where both have a value, its 95% t-interval
    (low, high), n, and a note when a part is undefined (None)."""
    seeds = sorted(s for s in arm if s in base and arm[s] is not None and base[s] is not None)
    d = [arm[s] - base[s] for s in seeds]
    if not d:
        return {"mean": None, "low": None, "high": None, "n": 0,
                "note": "No seed has this figure for both arms."}
    block = mean_ci(d)
    if block["ci95"] is None:
        return {"mean": block["mean"], "low": None, "high": None, "n": 1,
                "note": NOTE_ONE_SEED}
    mean, half = block["mean"], block["ci95"]
    return {"mean": mean, "low": round(mean - half, 6), "high": round(mean + half, 6),
            "n": block["n"], "note": None}


def _missing(metric: str, arms: Sequence[str], span: tuple[int, int] | None) -> str | None:
    """Why a metric has no value in a window at all, or None if it may have one."""
    needed = NEEDS_ARM.get(metric)
    if needed and needed not in arms:
        return f"Measured against the {needed} arm, which this run does not have."
    if span is None:
        return "This window has no days in this run."
    return None


def _mean_block(values: dict[int, float | None], why: str | None) -> dict:
    block = mean_ci(values.values())
    if block["mean"] is None:
        note = why or "No data in this window."
    elif block["ci95"] is None:
        note = "One seed: no interval."
    else:
        note = None
    return {**block, "note": note}


def compare_window(rows: list[dict], arms: Sequence[str], baseline: str,
                   span: tuple[int, int] | None, metrics: Sequence[str] = METRICS) -> dict:
    """Per arm: each metric's mean over seeds ("mean") and its paired difference from the
    baseline arm ("vs_baseline"), over the days of `span`."""
    out = {}
    cache = {(a, m): seed_means(rows, a, m, span) for a in arms for m in metrics}
    for arm in arms:
        means, vs = {}, {}
        for m in metrics:
            why = _missing(m, arms, span)
            means[m] = _mean_block(cache[arm, m], why)
            if arm == baseline:
                vs[m] = {"mean": None, "low": None, "high": None, "n": 0, "note": NOTE_BASELINE}
            elif why:
                vs[m] = {"mean": None, "low": None, "high": None, "n": 0, "note": why}
            else:
                vs[m] = paired_difference(cache[arm, m], cache[baseline, m])
        out[arm] = {"mean": means, "vs_baseline": vs}
    return out


def compare(rows: list[dict], arms: Sequence[str], baseline: str, days: int,
            launch_days: int, metrics: Sequence[str] = METRICS) -> dict:
    """Every window: its label, its days ([first, last] or None) and compare_window."""
    spans = window_days(days, launch_days)
    return {w: {"label": WINDOW_LABELS[w], "days": list(spans[w]) if spans[w] else None,
                "arms": compare_window(rows, arms, baseline, spans[w], metrics)}
            for w in WINDOWS}
