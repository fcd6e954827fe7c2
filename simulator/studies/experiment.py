"""`streamsim simulate CONFIG.toml`: several policies (arms) x several seeds, in isolated
SQLite files, with common random numbers (every arm of a seed starts from a copy of the same
catalog + population database and draws visits and behaviour from the same named streams).

Writes to the results folder: metrics.csv and metrics.json (per seed, arm and day),
events/seed-S-arm-I.csv.gz (the raw playback events of each seed and arm, results.py),
summary.json (per arm and metric: mean of the daily values over the run, and of the last day,
as mean and 95% CI over seeds; per pair of arms, the difference in mean true utility paired by
seed, `utility_vs`; per arm, `vs_baseline`: every metric's difference from the baseline arm
paired by seed, as mean and 95% interval (low, high) over seeds, for the whole run; `windows`:
per window of days (whole run, after the launch phase, last day, last 7 days) every arm's
means and `vs_baseline`, see compare.py; byte-identical for the same config), plots and
report.html.
Arms with a model (svd) also get `model_metrics.MODEL_METRICS` per day and a "model" block in
the summary, and model_log.json lists every retrain with its training time.

Config (TOML; defaults in DEFAULTS/ARM_DEFAULTS): name, description (shown to educators),
profiles, days, titles, seeds, start, baseline (the arm the others are compared with, paired by
seed; the first arm by default), rows and row_len (the layout), warmup_days (when a "warmup"
retrain happens), explore_days (a launch phase of random rows shared by every arm before the
policies take over, in the run's layout with the first artwork variant, no exploration slots
and no releases, so its days are identical in every arm of a seed; 0 = none), art_appeal and
clickbait (the artwork's hidden truth: the spread of each variant's appeal per taste community,
and the share of titles with a planted clickbait variant; 0 = off), and one [[arms]]
table per arm: name, policy (popularity, random, content, ideal, svd), retrain (daily, warmup,
never or every N days), epsilon (exploration slots), new_per_day (releases, from the end of the
launch phase on), artwork (default, random, matched, bandit, oracle), rows and
row_len (this arm's layout), plus policy options (svd: `model` = "production" (the site's
retrain rule, the default) or one family (svd, als, ease, knn, blend), and that model's
options; an unknown model or option is refused here).

`normalise` is the one check of a config, for `streamsim simulate`, the worker and the
educator pages' designer alike: every setting has a type and a range (LIMITS, MAX_SEEDS,
MAX_ARMS...), and a refusal is a ConfigError naming the field ("days", "arms.1.epsilon").
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tomllib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np

from core.db import Database
from core.migrate import upgrade
from core.settings import Settings
from simulator.catalog.generate import generate_catalog
from simulator.rng import derive
from simulator.studies.compare import compare
from simulator.studies.layouts import PolicyLayout
from simulator.studies.metrics import METRICS, Tracker, mean_ci, nearest_neighbours
from simulator.studies.model_metrics import MODEL_METRICS, ModelTracker, summarise_model
from simulator.studies.policies import (
    DayLog,
    Retraining,
    check_policy_options,
    make_policy,
    policy_names,
)
from simulator.studies.results import events_file, write_events
from simulator.viewers import behaviour as bh
from simulator.viewers.engine import Simulation
from simulator.viewers.population import N_COMMUNITIES, generate_population, load_population
from simulator.viewers.world import load_catalog

DEFAULTS = {"profiles": 100, "days": 14, "titles": 300, "seeds": [1, 2], "start": "2026-01-05",
            "rows": 4, "row_len": 10, "warmup_days": 3, "explore_days": 0,
            "art_appeal": 0.0, "clickbait": 0.0}
ARM_DEFAULTS = {"retrain": "daily", "epsilon": 0.0, "new_per_day": 0, "artwork": "default"}
LAYOUT_KEYS = ("rows", "row_len")  # an arm may override the layout (a layout experiment)


class ConfigError(ValueError):
    """A config value refused, with the field it belongs to: "days", "seeds", or an arm's
    field as "arms.<index>.<key>" (index from 0), so that a form can show the message beside
    that field; `streamsim simulate` prints the message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# What a config may hold. Limits are generous (the CLI runs big studies) but finite, so that a
# typo (days = 3650) is refused instead of running for a week; the designer's form goes
# through the same checks (webapp/designer.py), so the page and the CLI refuse the same things.
LIMITS = {"profiles": (2, 20_000), "days": (1, 365), "titles": (20, 20_000),
          "warmup_days": (1, 365), "rows": (1, 50), "row_len": (1, 50)}
MAX_SEEDS = 100
MAX_ARMS = 16
NEW_PER_DAY_MAX = 50
RETRAIN_WORDS = ("daily", "warmup", "never")
ARTWORK = ("default", "random", "matched", "bandit", "oracle")
# The artwork's hidden truth a study may plant (simulator.viewers.behaviour): the spread of
# each variant's appeal to each taste community, and the share of titles with a clickbait
# variant.
ART_LIMITS = {"art_appeal": (0.0, 3.0), "clickbait": (0.0, 1.0)}
# An arm's name is part of file names in the results folder: letters, digits, ".", "_", "-".
ARM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
TOP_KEYS = frozenset({"name", "description", "profiles", "days", "titles", "seeds", "start",
                      "baseline", "rows", "row_len", "warmup_days", "explore_days", "arms",
                      "art_appeal", "clickbait"})


def load_config(path: str | Path) -> dict:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return normalise(raw)


def _whole(value, field: str, lo: int, hi: int, what: str = "a whole number") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(field, f"{field.rsplit('.', 1)[-1]} must be {what} from {lo} to {hi}"
                                 f" (got {value!r}).")
    return value


def _check_top(cfg: dict) -> None:
    unknown = sorted(set(cfg) - TOP_KEYS)
    if unknown:
        raise ConfigError(unknown[0], f"Unknown setting(s): {', '.join(unknown)}; known: "
                                      f"{', '.join(sorted(TOP_KEYS))}.")
    name = cfg["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        raise ConfigError("name", "name must be some text of at most 120 characters.")
    if not isinstance(cfg.get("description", ""), str):
        raise ConfigError("description", "description must be text.")
    for key, (lo, hi) in LIMITS.items():
        _whole(cfg[key], key, lo, hi)
    explore = cfg["explore_days"]
    if isinstance(explore, bool) or not isinstance(explore, int) or explore < 0:
        raise ConfigError("explore_days", "explore_days must be a whole number of days >= 0.")
    if explore > cfg["days"]:
        raise ConfigError("explore_days", f"explore_days ({explore}) cannot be more than the "
                                          f"run's days ({cfg['days']}).")
    for key, (lo, hi) in ART_LIMITS.items():
        value = cfg[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise ConfigError(key, f"{key} must be a number from {lo:g} to {hi:g} "
                                   f"(got {value!r}).")
    seeds = cfg["seeds"]
    if (not isinstance(seeds, list) or not seeds or len(seeds) > MAX_SEEDS
            or any(isinstance(s, bool) or not isinstance(s, int) or not 0 <= s < 2**31
                   for s in seeds)):
        raise ConfigError("seeds", f"seeds must be a list of 1 to {MAX_SEEDS} whole numbers "
                                   f">= 0 (got {seeds!r}).")
    if len(set(seeds)) != len(seeds):
        raise ConfigError("seeds", "seeds must not repeat (a repeated seed is the same world "
                                   "twice, which shrinks the interval without new evidence).")
    try:
        datetime.fromisoformat(str(cfg["start"]))
    except ValueError:
        raise ConfigError("start", f"start must be a date like 2026-01-05 "
                                   f"(got {cfg['start']!r}).") from None


def _check_arm(i: int, arm: dict, cfg: dict) -> None:
    at = f"arms.{i}"
    if not isinstance(arm["name"], str) or not ARM_NAME.fullmatch(arm["name"]):
        raise ConfigError(f"{at}.name", f"Arm {i + 1}: name must be 1 to 40 letters, digits, "
                                        f"'.', '_' or '-', starting with a letter or digit "
                                        f"(got {arm['name']!r}).")
    label = f"arm {arm['name']!r}"
    for key in LAYOUT_KEYS:
        value = arm.get(key, cfg[key])
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50:
            raise ConfigError(f"{at}.{key}", f"{key} must be a whole number from 1 to 50 "
                                             f"({label}).")
    retrain = arm["retrain"]
    if not (retrain in RETRAIN_WORDS or (isinstance(retrain, int) and not isinstance(
            retrain, bool) and 1 <= retrain <= 365)):
        raise ConfigError(f"{at}.retrain", f"retrain must be daily, warmup, never or a whole "
                                           f"number of days from 1 to 365 ({label}).")
    eps = arm["epsilon"]
    if isinstance(eps, bool) or not isinstance(eps, int | float) or not 0.0 <= eps <= 1.0:
        raise ConfigError(f"{at}.epsilon", f"epsilon (the exploration share) must be a "
                                           f"number from 0 to 1 ({label}, got {eps!r}).")
    _whole(arm["new_per_day"], f"{at}.new_per_day", 0, NEW_PER_DAY_MAX)
    if arm["artwork"] not in ARTWORK:
        raise ConfigError(f"{at}.artwork", f"artwork must be one of {', '.join(ARTWORK)} "
                                           f"({label}).")
    try:
        check_policy_options(arm["policy"], policy_options(arm))
    except ValueError as exc:
        raise ConfigError(f"{at}.options", f"Arm {arm['name']!r}: {exc}.") from exc


def normalise(raw: dict) -> dict:
    """The config with its defaults filled in, or ConfigError naming the first field refused."""
    if not isinstance(raw, dict):
        raise ConfigError("config", "A config is a table of settings.")
    cfg = {**DEFAULTS, **{k: v for k, v in raw.items() if k != "arms"}}
    cfg.setdefault("name", "experiment")
    _check_top({**cfg, "arms": None})
    arms = raw.get("arms") or []
    if not isinstance(arms, list) or not arms:
        raise ConfigError("arms", "A config needs at least one [[arms]] table.")
    if len(arms) > MAX_ARMS:
        raise ConfigError("arms", f"A config has at most {MAX_ARMS} arms (got {len(arms)}).")
    known = policy_names()
    for i, a in enumerate(arms):
        if not isinstance(a, dict) or a.get("policy") not in known:
            raise ConfigError(f"arms.{i}.policy",
                              f"Arm {i + 1} needs a policy, one of: {', '.join(known)}.")
    cfg["arms"] = [{**ARM_DEFAULTS, "name": a.get("name", a["policy"]), **a} for a in arms]
    for i, arm in enumerate(cfg["arms"]):
        _check_arm(i, arm, cfg)
    names = [a["name"] for a in cfg["arms"]]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ConfigError(f"arms.{i}.name", f"Arm names must be unique ({name!r} twice).")
    baseline = cfg.setdefault("baseline", names[0])
    if baseline not in names:
        raise ConfigError("baseline", f"baseline must name one of the arms "
                                      f"({', '.join(map(repr, names))}), not {baseline!r}.")
    return cfg


def policy_options(arm: dict) -> dict:
    """The arm's options meant for its policy (svd: model, factors, ...)."""
    return {k: v for k, v in arm.items()
            if k not in ARM_DEFAULTS and k not in ("name", "policy", *LAYOUT_KEYS)}


def _settings(path: Path) -> Settings:
    return Settings(env="testing", database_url=f"sqlite:///{path}")


def _database(path: Path) -> Database:
    return Database(_settings(path))


def build_world(path: Path, cfg: dict, seed: int) -> None:
    """The catalog (plus titles held back for later release) and the population."""
    extra = max(a["new_per_day"] for a in cfg["arms"]) * cfg["days"]
    start = datetime.fromisoformat(cfg["start"])
    upgrade(_settings(path))  # the schema through the migrations, as the site's
    db = _database(path)
    with db.session() as s:
        generate_catalog(s, cfg["titles"] + extra, seed, start)
        catalog = load_catalog(s)
        generate_population(s, cfg["profiles"], seed, start, catalog)
    db.dispose()


def plant_artwork(catalog, cfg: dict, seed: int) -> None:
    """The artwork's hidden truth the config asks for (the same in every arm of a seed)."""
    if cfg.get("art_appeal", 0.0) > 0:
        catalog.art_appeal = bh.art_appeal(seed, N_COMMUNITIES, catalog.title_ids,
                                           catalog.art_focus_array().shape[1],
                                           float(cfg["art_appeal"]))
    if cfg.get("clickbait", 0.0) > 0:
        catalog.clickbait = bh.clickbait_titles(seed, catalog.title_ids, float(cfg["clickbait"]))


def run_arm(path: Path, cfg: dict, arm: dict, seed: int,
            tick: Callable[[], None] | None = None,
            model_log: list[dict] | None = None) -> list[dict]:
    start = datetime.fromisoformat(cfg["start"])
    db = _database(path)
    with db.read() as s:
        catalog = load_catalog(s)
        pop = load_population(s)
    plant_artwork(catalog, cfg, seed)
    policy = make_policy(arm["policy"], catalog, Retraining(arm["retrain"], cfg["warmup_days"]),
                         **policy_options(arm))
    layout = PolicyLayout(policy, derive(seed, "arm", arm["name"]),
                          rows=int(arm.get("rows", cfg["rows"])),
                          row_len=int(arm.get("row_len", cfg["row_len"])),
                          epsilon=float(arm["epsilon"]),
                          artwork=arm["artwork"], explore_days=int(cfg["explore_days"]),
                          explore_rng=derive(seed, "explore"),
                          launch_layout=(int(cfg["rows"]), int(cfg["row_len"])))
    sim = Simulation(db, catalog, pop, seed, layout, start=start, policy_name=arm["name"][:32])
    held = max(a["new_per_day"] for a in cfg["arms"]) * cfg["days"]
    if held:
        sim.available[len(catalog) - held:] = False
    vectors = policy.user_vectors(pop.profile_ids.tolist())
    by_taste = nearest_neighbours(pop.taste.copy())
    tracker = Tracker(sim, by_taste if vectors is None else nearest_neighbours(vectors), by_taste)
    models = ModelTracker(sim, policy, tracker.watch_sets)
    rows = []
    launch = int(cfg["explore_days"])
    for day in range(cfg["days"]):
        if arm["new_per_day"] and day >= launch:  # releases start when the policies do
            first = len(catalog) - held + (day - launch) * arm["new_per_day"]
            sim.available[first:first + arm["new_per_day"]] = True
        result = sim.run_day(day)
        vectors = policy.user_vectors(pop.profile_ids.tolist())
        if vectors is not None and np.any(vectors):  # the policy's own view of who is alike
            tracker.neighbours = nearest_neighbours(np.asarray(vectors, dtype=np.float64))
        metrics = tracker.day(result)
        rows.append({"seed": seed, "arm": arm["name"], "day": day,
                     **{k: round(v, 6) for k, v in metrics.items()}})
        plays = [(int(res.profile_id), int(catalog.title_ids[p.title]), p.fraction,
                  next((v for t, v, _ in res.ratings
                        if t == int(catalog.title_ids[p.title])), None))
                 for res in result.sessions for p in res.plays]
        policy.on_day_end(DayLog(day, plays, database=db))
        layout.day_end(sim, day)
        rows[-1].update(models.day(day))
        if tick:
            tick()
    db.dispose()
    if model_log is not None:
        model_log += [{"seed": seed, "arm": arm["name"], **e} for e in models.log]
    return rows


def run_experiment(cfg: dict, out: Path, progress: Callable[[float], None] | None = None,
                   keep_db: bool = False) -> dict:
    """Run every arm for every seed; write the results folder; return the summary."""
    out.mkdir(parents=True, exist_ok=True)
    work = out / "db"
    work.mkdir(exist_ok=True)
    total = len(cfg["seeds"]) * len(cfg["arms"]) * cfg["days"]
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress:
            progress(done[0] / total)

    rows: list[dict] = []
    model_log: list[dict] = []
    for seed in cfg["seeds"]:
        template = work / f"seed-{seed}.sqlite3"
        template.unlink(missing_ok=True)
        build_world(template, cfg, seed)
        for index, arm in enumerate(cfg["arms"]):
            path = work / f"seed-{seed}-{arm['name']}.sqlite3"
            shutil.copyfile(template, path)
            rows += run_arm(path, cfg, arm, seed, tick, model_log)
            db = _database(path)  # the raw playback events, for students (results.py)
            with db.read() as s:
                write_events(s, events_file(out, seed, index))
            db.dispose()
            if not keep_db:
                path.unlink(missing_ok=True)
        if not keep_db:
            template.unlink(missing_ok=True)
    _homogenization(rows)
    summary = summarise(cfg, rows)
    write_results(out, cfg, rows, summary)
    (out / "model_log.json").write_text(json.dumps(model_log, indent=1, sort_keys=True) + "\n")
    if not keep_db:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def _homogenization(rows: list[dict]) -> None:
    """Each arm's watch overlap minus the ideal arm's on the same seed and day, for both
    pairings (the policy's own vectors, and true taste); None (n/a) when the run has no ideal
    arm to compare with."""
    for overlap, figure in (("watch_overlap", "homogenization"),
                            ("watch_overlap_taste", "homogenization_taste")):
        ideal = {(r["seed"], r["day"]): r[overlap] for r in rows if r["arm"] == "ideal"}
        for r in rows:
            base = ideal.get((r["seed"], r["day"]))
            r[figure] = round(r[overlap] - base, 6) if base is not None else None  # no ideal


def paired(cfg: dict, rows: list[dict], metric: str = "mean_true_utility") -> dict:
    """Per arm and other arm: the arm's run mean of `metric` minus the other's, seed by seed
    (both saw the same viewers: common random numbers), as mean and 95% CI over seeds. Much
    narrower than the two arms' own intervals, which also hold the worlds' seed-to-seed spread."""
    run = {(a["name"], seed): np.mean([r[metric] for r in rows
                                       if r["arm"] == a["name"] and r["seed"] == seed])
           for a in cfg["arms"] for seed in cfg["seeds"]}
    names = [a["name"] for a in cfg["arms"]]
    return {a: {b: mean_ci([run[a, s] - run[b, s] for s in cfg["seeds"]])
                for b in names if b != a} for a in names}


def _run_mean(values: list) -> float | None:
    return None if any(v is None for v in values) else float(np.mean(values))


def summarise(cfg: dict, rows: list[dict]) -> dict:
    arms = {}
    utility_vs = paired(cfg, rows)
    names = [a["name"] for a in cfg["arms"]]
    baseline = cfg.get("baseline") or names[0]
    windows = compare(rows, names, baseline, cfg["days"], int(cfg["explore_days"]))
    for arm in cfg["arms"]:
        name = arm["name"]
        per_seed = {seed: [r for r in rows if r["arm"] == name and r["seed"] == seed]
                    for seed in cfg["seeds"]}
        arms[name] = {
            "policy": arm["policy"],
            "options": {k: arm[k] for k in sorted(ARM_DEFAULTS)},
            "run_mean": {m: mean_ci([_run_mean([r[m] for r in rs]) for rs in per_seed.values()])
                         for m in METRICS},
            "last_day": {m: mean_ci([rs[-1][m] for rs in per_seed.values()]) for m in METRICS},
            "model": summarise_model(per_seed, mean_ci),
            "utility_vs": utility_vs[name],
            "vs_baseline": windows["all"]["arms"][name]["vs_baseline"],
        }
    return {"name": cfg["name"], "profiles": cfg["profiles"], "days": cfg["days"],
            "titles": cfg["titles"], "seeds": list(cfg["seeds"]), "arms": arms,
            "baseline": baseline, "launch_days": int(cfg["explore_days"]), "windows": windows}


def write_results(out: Path, cfg: dict, rows: list[dict], summary: dict) -> None:
    from simulator.studies.report import write_report

    fields = ["seed", "arm", "day", *METRICS, *MODEL_METRICS]
    with open(out / "metrics.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (out / "metrics.json").write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    (out / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    write_report(out, cfg, rows, summary)
