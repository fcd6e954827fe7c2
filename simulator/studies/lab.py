"""A small Python API for notebooks: load an experiment, run it (smaller if you like), open a
run's folder, and get its results as pandas data frames. docs/notebooks.md shows it in use.

    from simulator.studies import lab

    cfg = lab.load("feedback_loop")                    # a shipped config, or a path to a TOML
    run = lab.run(cfg, profiles=40, days=8, seeds=[1, 2], arms=["popularity-daily", "random"])
    run.metrics()                                      # one row per seed, arm and day
    run.paired("after_launch")                         # every arm minus the baseline, by seed

    run = lab.open_run("results/run-7-feedback_loop")  # a run started from the educator pages

pandas is an optional extra (`pip install -e '.[notebook]'`): this module imports it only when a
data frame is asked for, so the core package runs without it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from simulator.studies import results
from simulator.studies.compare import WINDOWS, compare
from simulator.studies.experiment import load_config, normalise, run_experiment
from simulator.studies.worker import shipped_configs

# What a smaller run may change; anything else stays as the config says.
SIZES = ("profiles", "days", "titles", "seeds")


def _pandas():
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - the test extra installs pandas
        raise ImportError("simulator.studies.lab needs pandas: "
                          "pip install -e '.[notebook]'") from exc
    return pandas


def shipped() -> list[str]:
    """The names of the shipped experiments (simulator/studies/experiments/*.toml)."""
    return list(shipped_configs())


def load(name_or_path: str | Path) -> dict:
    """A config: a shipped experiment by name ("feedback_loop") or a TOML file's path."""
    configs = shipped_configs()
    if str(name_or_path) in configs:
        return load_config(configs[str(name_or_path)])
    path = Path(name_or_path)
    if not path.is_file():
        raise FileNotFoundError(f"No shipped experiment or file {str(name_or_path)!r}; "
                                f"shipped: {', '.join(configs)}.")
    return load_config(path)


def resize(cfg: dict, *, arms: Sequence[str] | None = None, **sizes) -> dict:
    """The same experiment, smaller: `profiles`, `days`, `titles`, `seeds` replaced, and only
    the `arms` named (in the config's order). A launch phase or warm-up longer than half the
    days is cut to half, so the policies still have days to act. Checked like any config."""
    unknown = set(sizes) - set(SIZES)
    if unknown:
        raise TypeError(f"resize() takes {', '.join(SIZES)} and arms, not "
                        f"{', '.join(sorted(unknown))}.")
    out = {**cfg, **{k: v for k, v in sizes.items() if v is not None}}
    if arms is not None:
        names = [a["name"] for a in cfg["arms"]]
        missing = [a for a in arms if a not in names]
        if missing:
            raise ValueError(f"No arm {', '.join(map(repr, missing))}; "
                             f"the arms are {', '.join(map(repr, names))}.")
        out["arms"] = [a for a in cfg["arms"] if a["name"] in arms]
        if out.get("baseline") not in arms:
            out["baseline"] = out["arms"][0]["name"]
    half = int(out["days"]) // 2
    for key in ("explore_days", "warmup_days"):
        if int(out.get(key, 0)) > half:
            out[key] = half
    return normalise(out)


def run(cfg: dict | str | Path, out: str | Path | None = None, *,
        arms: Sequence[str] | None = None, progress: Callable[[float], None] | None = None,
        **sizes) -> Run:
    """Run an experiment (a config, or a shipped name or path) into `out` (a new temporary
    folder if None) and open the result. `profiles`, `days`, `titles`, `seeds` and `arms` make
    it smaller (`resize`)."""
    if not isinstance(cfg, dict):
        cfg = load(cfg)
    if arms is not None or sizes:
        cfg = resize(cfg, arms=arms, **sizes)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="streamsim-lab-"))
    run_experiment(cfg, folder, progress=progress)
    return open_run(folder)


def open_run(folder: str | Path) -> Run:
    """A finished run's folder (from `run`, `streamsim simulate` or the educator pages)."""
    folder = Path(folder)
    rows = results.read_rows(folder)
    if rows is None:
        raise FileNotFoundError(f"{folder} has no metrics.json or metrics.csv: is it a "
                                f"finished run's folder?")
    cfg = (json.loads((folder / "config.json").read_text())
           if (folder / "config.json").is_file() else {})
    summary = (json.loads((folder / "summary.json").read_text())
               if (folder / "summary.json").is_file() else {})
    return Run(folder, cfg, summary, rows)


@dataclass
class Run:
    """One run's results. Data frames come from the folder's files; nothing is recomputed
    except the paired differences for a baseline other than the run's own."""

    folder: Path
    config: dict
    summary: dict
    rows: list[dict] = field(repr=False)

    @property
    def arms(self) -> list[str]:
        """Arm names in the config's order (or as the rows first name them)."""
        names = [a["name"] for a in self.config.get("arms", [])]
        return names or list(dict.fromkeys(r["arm"] for r in self.rows))

    @property
    def seeds(self) -> list[int]:
        return sorted({int(r["seed"]) for r in self.rows})

    @property
    def metric_names(self) -> list[str]:
        return results.metric_names(self.rows)

    @property
    def baseline(self) -> str:
        return self.summary.get("baseline") or self.config.get("baseline") or self.arms[0]

    @property
    def launch_days(self) -> int:
        return int(self.summary.get("launch_days", self.config.get("explore_days", 0)) or 0)

    @property
    def days(self) -> int:
        return max(int(r["day"]) for r in self.rows) + 1

    def metrics(self):
        """Per seed, arm and day, a column per metric (NaN where the run has no figure)."""
        pd = _pandas()
        cols = [*results.KEYS, *self.metric_names]
        frame = pd.DataFrame([[r.get(c) for c in cols] for r in self.rows], columns=cols)
        return frame.astype({m: "float64" for m in self.metric_names})

    def tidy(self):
        """The same figures, one per row: run, arm, seed, day, metric, value."""
        pd = _pandas()
        frame = pd.DataFrame(list(results.tidy(self.rows, self.folder.name, self.metric_names)),
                             columns=list(results.TIDY_COLUMNS))
        return frame.astype({"value": "float64"})

    def daily(self, metric: str):
        """What the run page plots for `metric`: per day (rows) and arm (columns), the mean over
        seeds."""
        frame = self.metrics()
        if metric not in frame:
            raise KeyError(f"No metric {metric!r}; the run has {', '.join(self.metric_names)}.")
        table = frame.pivot_table(index="day", columns="arm", values=metric, aggfunc="mean",
                                  dropna=False)
        return table.reindex(columns=[a for a in self.arms if a in table.columns])

    def _window(self, window: str, baseline: str | None) -> dict:
        if window not in WINDOWS:
            raise ValueError(f"window must be one of {', '.join(WINDOWS)}, not {window!r}.")
        baseline = baseline or self.baseline
        if baseline not in self.arms:
            raise ValueError(f"No arm {baseline!r}; the arms are {', '.join(self.arms)}.")
        saved = (self.summary.get("windows") or {}).get(window)
        if saved and baseline == self.summary.get("baseline"):
            return saved["arms"]
        return compare(self.rows, self.arms, baseline, self.days, self.launch_days,
                       self.metric_names)[window]["arms"]

    def summary_table(self, window: str = "all"):
        """Per arm and metric over a window of days ("all", "after_launch", "last_day",
        "last_7_days"): the mean over seeds of each seed's mean, its 95% interval half-width
        (ci95, NaN with one seed) and the number of seeds."""
        pd = _pandas()
        figures = self._window(window, None)
        records = [{"arm": arm, "metric": m, "mean": block["mean"], "ci95": block["ci95"],
                    "n": block["n"]}
                   for arm in self.arms for m, block in figures[arm]["mean"].items()]
        return pd.DataFrame(records).astype({"mean": "float64", "ci95": "float64"})

    def paired(self, window: str = "all", baseline: str | None = None):
        """Every other arm minus the baseline arm (the run's own by default), seed by seed, over
        a window of days: mean difference, its 95% interval (low, high), seeds (n) and a note
        where a figure is undefined."""
        pd = _pandas()
        baseline = baseline or self.baseline
        figures = self._window(window, baseline)
        records = [{"arm": arm, "baseline": baseline, "metric": m, **d}
                   for arm in self.arms if arm != baseline
                   for m, d in figures[arm]["vs_baseline"].items()]
        return pd.DataFrame(records).astype({"mean": "float64", "low": "float64",
                                             "high": "float64"})

    def events(self, arm: str, seed: int):
        """The raw playback events of one arm and seed (results.EVENT_COLUMNS)."""
        pd = _pandas()
        if arm not in self.arms:
            raise ValueError(f"No arm {arm!r}; the arms are {', '.join(self.arms)}.")
        path = results.events_file(self.folder, seed, self.arms.index(arm))
        if not path.is_file():
            raise FileNotFoundError(f"No events for arm {arm!r} and seed {seed} in "
                                    f"{self.folder} (seeds: {self.seeds}).")
        return pd.read_csv(path, parse_dates=["client_time"])
