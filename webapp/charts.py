"""Line charts of an experiment run's figures by day and arm, as geometry for inline SVG.

Pure Python: a run's per-day rows (metrics.json: one row per seed, arm and day) in, numbers,
coordinates and labels out; `macros/charts.html` (`line_chart`) draws them.

The plot is drawn in its own units, PLOT_W across and PLOT_H down, and stretched across the
card's width only (`preserveAspectRatio="none"`): its height is in CSS pixels, so the axis
labels, drawn in separate unstretched SVGs beside and below it, keep their size on a laptop
and on a phone. Lines and dots keep their width with `vector-effect: non-scaling-stroke`.

Per arm and day the chart shows the mean over seeds and a band of the 95% interval over seeds
(the same t-interval as the run's summary, `simulator.studies.metrics.mean_ci`) when there are
MIN_BAND_SEEDS seeds or more, at most BAND_MAX_ARMS arms, and the bands do not stretch the axis
past BAND_STRETCH times the lines' spread. With two seeds or more the interval is in the
tooltip and the table whether or not a band is drawn.
A value a run does not have (None: homogenization without an ideal arm) is left out; a metric
no arm has is None, shown "n/a".

With more than BAND_MAX_ARMS arms, a chart is drawn as **small multiples** (`multiples`): one
small panel per arm on a shared axis, the arm's line and its band over the other arms' lines
in grey, instead of eight lines and their bands on one plot. A panel's band is always drawn
(from MIN_BAND_SEEDS seeds); where it would stretch the axis past BAND_STRETCH times the lines'
spread it is cut at the axis' edge.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from simulator.studies.metrics import mean_ci

PLOT_W = 1000  # the plot's x units (stretched to the card's width)
PLOT_H = 200  # the plot's height: CSS pixels, never stretched
SERIES_STYLES = 8  # CSS classes s-1 .. s-8 (colours that read on the dark theme), then again
Y_TICKS = 5  # about this many labels up the side (4 to 8: never closer than 28 px)
X_TICKS = 6  # about this many day labels along the bottom (at most 8: never crowded)
BAND_STRETCH = 3.0  # bands are drawn (whole) only if the axis then spans at most 3x the means
MIN_BAND_SEEDS = 3  # two seeds' t-interval (12.7 standard errors) is too wide to draw
BAND_MAX_ARMS = 4  # more arms' bands would cover each other: small multiples instead
PANEL_H = 120  # a small multiple's plot height (CSS pixels)
PANEL_Y_TICKS = 4
CHAR_PX = 7.2  # width of a tick label's character at the charts' 12px font, for the y column


@dataclass(frozen=True)
class DayFigure:
    """One arm on one day: the mean over seeds, its 95% half-width (None with one seed)."""

    day: int
    mean: float
    ci95: float | None
    n: int


@dataclass(frozen=True)
class Point:
    arm: str
    style: str  # the series' CSS class
    day: int
    x: float
    y: float
    text: str  # the value as the tooltip and the table show it


@dataclass(frozen=True)
class Series:
    arm: str
    style: str
    points: tuple[Point, ...]
    line: str  # SVG polyline points
    band: str  # SVG polygon points of the 95% interval; "" without one

    @property
    def empty(self) -> bool:
        return not self.points


@dataclass(frozen=True)
class Tick:
    value: float
    at: float  # y: plot units (= pixels from the top); x: per cent of the plot's width
    label: str


@dataclass(frozen=True)
class Column:
    """A day's hover zone, across the whole plot's height, with that day's points."""

    day: int
    x: float
    x0: float
    x1: float
    points: tuple[Point, ...]

    @property
    def title(self) -> str:
        return "\n".join([f"Day {self.day}", *(f"{p.arm}: {p.text}" for p in self.points)])


@dataclass(frozen=True)
class LineChart:
    series: tuple[Series, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    columns: tuple[Column, ...]
    days: tuple[int, ...]
    table: tuple[tuple[int, tuple[str, ...]], ...]  # (day, one cell per arm)
    shade_x: float | None  # the launch phase spans x 0 .. shade_x; None without one
    y_label_width: int  # pixels for the y labels' column
    width: int = PLOT_W
    height: int = PLOT_H
    multiples: bool = False  # one panel per arm (the template draws `series` apart)
    x_title: str = "Simulated day"  # the x axis: simulated days, or e.g. onboarding picks
    x_unit: str = "Day"  # before an x value in tooltips and the table's first column

    @property
    def has_band(self) -> bool:
        return any(s.band for s in self.series)


# -- numbers ----------------------------------------------------------------------------------


def nice_step(raw: float, integer: bool = False) -> float:
    """The 1, 2 or 5 times a power of ten nearest `raw` (on a log scale), so that a range cut at
    that step gets about as many ticks as asked for; at least 1 for whole numbers (days)."""
    if raw <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    error = raw / magnitude
    step = magnitude * (10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10)
                        else 2 if error >= math.sqrt(2) else 1)
    return max(step, 1.0) if integer else step


def decimals(step: float) -> int:
    """Decimal places that write every multiple of `step` exactly (0.25 -> 2, 5 -> 0)."""
    for places in range(0, 10):
        if abs(step * 10 ** places - round(step * 10 ** places)) < 1e-6:
            return places
    return 10


def nice_ticks(lo: float, hi: float, count: int = Y_TICKS) -> tuple[list[float], int]:
    """Ticks at a nice step from a multiple at or below `lo` to one at or above `hi`, and the
    decimal places their labels need. A flat range is widened around its value first."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("ticks need finite bounds")
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo < 1e-12:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step((hi - lo) / (count - 1))
    places = decimals(step)
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    ticks = [round(i * step, places + 2) for i in range(first, last + 1)]
    return [0.0 if t == 0 else t for t in ticks], places  # no "-0"


def number(value: float, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def figure_text(fig: DayFigure | None, places: int) -> str:
    """A day's value as the tooltip and table show it: mean ± 95% half-width, or "n/a"."""
    if fig is None:
        return "n/a"
    text = number(fig.mean, places)
    return text if fig.ci95 is None else f"{text} ± {number(fig.ci95, places)}"


# -- data -------------------------------------------------------------------------------------


def daily_figures(rows: list[dict], metric: str, arms: list[str]) -> dict[str, list[DayFigure]]:
    """Per arm, by day: the mean of `metric` over seeds and its 95% interval. Days where the
    arm has no value (None, or not a number) are left out."""
    values: dict[tuple[str, int], list[float]] = defaultdict(list)
    for row in rows:
        value = row.get(metric)
        if value is not None and math.isfinite(value) and row.get("arm") in arms:
            values[(row["arm"], int(row["day"]))].append(float(value))
    out: dict[str, list[DayFigure]] = {arm: [] for arm in arms}
    for (arm, day), vals in sorted(values.items(), key=lambda kv: kv[0][1]):
        stats = mean_ci(vals)
        out[arm].append(DayFigure(day, stats["mean"], stats["ci95"], stats["n"]))
    return out


# -- geometry ---------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _half(fig: DayFigure) -> float:
    """The half-width of a day's band: its 95% interval, from MIN_BAND_SEEDS seeds on."""
    return fig.ci95 if fig.ci95 is not None and fig.n >= MIN_BAND_SEEDS else 0.0


def line_chart(figures: dict[str, list[DayFigure]], *, shade_days: int = 0,
               bounds: tuple[float, float] | None = None,
               multiples: bool = False, x_title: str = "Simulated day",
               x_unit: str = "Day") -> LineChart | None:
    """Geometry of one metric's chart: an axis with nice ticks, a line (and interval band)
    per arm in `figures`' order, a hover column per day, and the same numbers as a table.
    None when no arm has a value (the metric is n/a for this run). `shade_days`: the first
    days are a launch phase (random rows for every arm), shaded. `bounds`: the values the
    figure can take (a share: 0 and 1), where bands stop; by default 0 when no mean is below
    it, else none. `multiples`: small multiples (a panel per arm, PANEL_H high), every band
    drawn, cut at the axis when it would stretch it too far. `x_title`, `x_unit`: what x is
    when it is not the simulated day (the cold-start page: onboarding picks)."""
    arms = list(figures)
    all_figs = [f for figs in figures.values() for f in figs]
    if not all_figs:
        return None
    days = sorted({f.day for f in all_figs})
    d0, d1 = days[0], days[-1]
    means = [f.mean for f in all_figs]
    lo, hi = min(means), max(means)
    floor, ceiling = bounds or ((0.0, math.inf) if lo >= 0 else (-math.inf, math.inf))

    def band(f: DayFigure) -> tuple[float, float]:
        return max(floor, f.mean - _half(f)), min(ceiling, f.mean + _half(f))

    # Bands, whole, when there are few arms and they do not squash the lines: a band much wider
    # than the lines' own spread (worlds that differ a lot from seed to seed) would fill the
    # plot; its interval is still in the tooltip and the table.
    band_lo = min(band(f)[0] for f in all_figs)
    band_hi = max(band(f)[1] for f in all_figs)
    fits = band_hi - band_lo <= BAND_STRETCH * (hi - lo) or hi - lo < 1e-12
    banded = (sum(1 for figs in figures.values() if figs) <= BAND_MAX_ARMS
              and band_hi - band_lo > hi - lo and fits)
    if multiples:  # a panel per arm: bands never cover each other
        banded = band_hi - band_lo > hi - lo
        if banded and not fits:  # cut at the axis, which spans at most BAND_STRETCH x
            spread = (BAND_STRETCH - 1) / 2 * (hi - lo)
            band_lo, band_hi = max(band_lo, lo - spread), min(band_hi, hi + spread)
    if banded:
        lo, hi = band_lo, band_hi
    height = PANEL_H if multiples else PLOT_H
    ticks, places = nice_ticks(lo, hi, PANEL_Y_TICKS if multiples else Y_TICKS)
    v0, v1 = ticks[0], ticks[-1]

    def x_of(day: float) -> float:
        return PLOT_W / 2 if d1 == d0 else PLOT_W * (day - d0) / (d1 - d0)

    def y_of(value: float) -> float:
        return height * (v1 - min(max(value, v0), v1)) / (v1 - v0)

    # Values one place finer than the axis, and to at least three significant digits.
    biggest = max(abs(m) for m in means)
    value_places = max(places + 1, 2 - math.floor(math.log10(biggest)) if biggest else 0)
    series = []
    for i, arm in enumerate(arms):
        figs = figures[arm]
        style = f"s-{i % SERIES_STYLES + 1}"
        points = tuple(Point(arm, style, f.day, round(x_of(f.day), 1), round(y_of(f.mean), 1),
                             figure_text(f, value_places)) for f in figs)
        line = " ".join(f"{_fmt(p.x)},{_fmt(p.y)}" for p in points)
        outline = ""
        if banded and any(_half(f) for f in figs):
            upper = [(x_of(f.day), y_of(band(f)[1])) for f in figs]
            lower = [(x_of(f.day), y_of(band(f)[0])) for f in reversed(figs)]
            outline = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in upper + lower)
        series.append(Series(arm, style, points, line, outline))

    xs = [x_of(d) for d in days]
    columns = []
    for i, day in enumerate(days):
        left = 0.0 if i == 0 else (xs[i - 1] + xs[i]) / 2
        right = float(PLOT_W) if i == len(days) - 1 else (xs[i] + xs[i + 1]) / 2
        columns.append(Column(day, round(xs[i], 1), round(left, 1), round(right, 1),
                              tuple(p for s in series for p in s.points if p.day == day)))

    y_ticks = tuple(Tick(t, round(y_of(t), 1), number(t, places)) for t in ticks)
    day_step = int(nice_step((d1 - d0) / (X_TICKS - 1), integer=True)) if d1 > d0 else 1
    x_ticks = tuple(Tick(d, round(100 * x_of(d) / PLOT_W, 2), str(d))
                    for d in range(math.ceil(d0 / day_step) * day_step, d1 + 1, day_step))
    by_day = {arm: {f.day: f for f in figures[arm]} for arm in arms}
    table = tuple((day, tuple(figure_text(by_day[arm].get(day), value_places) for arm in arms))
                  for day in days)
    shade_x = None
    if shade_days > d0 and d1 > d0:
        last_launch = min(shade_days - 1, d1)
        shade_x = round(PLOT_W if last_launch >= d1 else (x_of(last_launch)
                                                           + x_of(last_launch + 1)) / 2, 1)
    label_width = int(max(len(t.label) for t in y_ticks) * CHAR_PX) + 10
    return LineChart(tuple(series), y_ticks, x_ticks, tuple(columns), tuple(days), table,
                     shade_x, label_width, height=height, multiples=multiples,
                     x_title=x_title, x_unit=x_unit)


def run_charts(rows: list[dict], metrics: list[str] | tuple[str, ...], arms: list[str], *,
               shade_days: int = 0, shares: frozenset[str] | set[str] = frozenset()
               ) -> dict[str, LineChart | None]:
    """A chart per metric of a run's per-day rows (None: n/a for this run); the metrics in
    `shares` are shares, between 0 and 1. More than BAND_MAX_ARMS arms: small multiples."""
    return {m: line_chart(daily_figures(rows, m, arms), shade_days=shade_days,
                          bounds=(0.0, 1.0) if m in shares else None,
                          multiples=len(arms) > BAND_MAX_ARMS) for m in metrics}
