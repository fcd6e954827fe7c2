"""Experiment designs saved from the educator pages: sweeps, TOML files, safe file names.

A design is an ordinary experiment config (experiment.py checks it, `normalise`), written as a
TOML file that `streamsim simulate FILE` runs as it runs a shipped one. Designs live in the
app's instance folder (`designs_dir`), one file per design, named by a slug: lowercase letters,
digits and single hyphens, so a name can never leave the folder.

A **sweep** turns one arm into one arm per value of one of its parameters, everything else
copied: sweeping epsilon over 0, 0.1, 0.3 on the arm `popularity-explore` gives
`popularity-explore-eps0`, `popularity-explore-eps0.1` and `popularity-explore-eps0.3`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import tomli_w

from simulator.studies.experiment import (
    ARM_DEFAULTS,
    ARTWORK,
    DEFAULTS,
    LAYOUT_KEYS,
    MAX_ARMS,
    RETRAIN_WORDS,
    ConfigError,
    normalise,
)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 60
FEW_SEEDS = 5  # below this many seeds the pages warn that intervals will be wide

# Arm parameters a sweep can vary: the short name that goes into the new arms' names.
SWEEPABLE = {"epsilon": "eps", "new_per_day": "new", "retrain": "retrain",
             "artwork": "art", "rows": "rows", "row_len": "len"}
SWEEP_LABELS = {"epsilon": "Exploration share (epsilon)", "new_per_day": "New releases per day",
                "retrain": "Retraining", "artwork": "Artwork", "rows": "Rows",
                "row_len": "Row length"}
# The order a design's settings are written in (the rest of DEFAULTS follows).
TOP_ORDER = ("name", "description", "profiles", "days", "titles", "seeds", "start",
             "explore_days", "warmup_days", "rows", "row_len", "baseline")


def designs_dir(instance_dir: Path) -> Path:
    return Path(instance_dir) / "experiments"


def check_slug(slug: str) -> str:
    """The slug, or ConfigError("slug") when it is not a safe file name."""
    if not isinstance(slug, str) or len(slug) > SLUG_MAX or not SLUG.fullmatch(slug):
        raise ConfigError("slug", f"The file name must be 1 to {SLUG_MAX} lowercase letters, "
                                  f"digits and single hyphens (like my-sweep-2).")
    return slug


def slugify(text: str) -> str:
    """A safe slug made from any text ("Feedback loop: copy" -> "feedback-loop-copy")."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:SLUG_MAX].strip("-")
    return slug or "design"


def design_path(folder: Path, slug: str) -> Path:
    """The file of design `slug` in `folder`; ConfigError for an unsafe slug."""
    folder = Path(folder).resolve()
    path = (folder / f"{check_slug(slug)}.toml").resolve()
    if path.parent != folder:  # cannot happen with a valid slug; never write outside
        raise ConfigError("slug", "That file name is not allowed.")
    return path


def saved_designs(folder: Path) -> dict[str, Path]:
    """The designs saved in `folder`, by slug (files with other names are left alone)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.toml"))
            if SLUG.fullmatch(p.stem) and p.is_file()}


def free_slug(folder: Path, wanted: str) -> str:
    """`wanted`, or wanted-2, wanted-3... : the first that no saved design uses."""
    base = slugify(wanted)[:SLUG_MAX - 4].strip("-") or "design"
    taken = set(saved_designs(folder))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# -- sweeps -------------------------------------------------------------------------------------


def _value_text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def parse_values(param: str, text: str) -> list:
    """The comma-separated values of a sweep, each of the parameter's type; ConfigError
    ("sweep_values") for a value that cannot be one, a repeat, or fewer than two values."""
    if param not in SWEEPABLE:
        raise ConfigError("sweep_param", f"A sweep varies one of: {', '.join(SWEEPABLE)}.")
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    values: list = []
    for part in parts:
        try:
            if param == "epsilon":
                value = float(part)
            elif param in ("new_per_day", "rows", "row_len"):
                value = int(part)
            elif param == "retrain":
                value = int(part) if part.isdigit() else part
                if isinstance(value, str) and value not in RETRAIN_WORDS:
                    raise ValueError(part)
            else:
                if part not in ARTWORK:
                    raise ValueError(part)
                value = part
        except ValueError:
            raise ConfigError("sweep_values", f"{part!r} is not a value of "
                                              f"{SWEEP_LABELS[param].lower()}.") from None
        values.append(value)
    if len(values) < 2:
        raise ConfigError("sweep_values", "A sweep needs at least two values, separated by "
                                          "commas (like 0, 0.1, 0.3, 0.5).")
    if len(set(map(_value_text, values))) != len(values):
        raise ConfigError("sweep_values", "A sweep's values must differ.")
    return values


def sweep_arms(arm: dict, param: str, values: list) -> list[dict]:
    """One copy of `arm` per value of `param`, named after the arm and the value."""
    short = SWEEPABLE[param]
    out = []
    for value in values:
        text = _value_text(value)
        suffix = f"{short}{text}" if isinstance(value, int | float) else f"{short}-{text}"
        out.append({**arm, param: value, "name": f"{arm['name']}-{suffix}"})
    return out


def expand_sweep(raw: dict, index: int, param: str, values: list) -> dict:
    """The config (not yet checked) with arm `index` replaced by its sweep; the baseline
    follows the swept arm to its first copy."""
    arms = list(raw.get("arms") or [])
    if not 0 <= index < len(arms):
        raise ConfigError("sweep_arm", "Choose the arm to sweep.")
    new = sweep_arms(arms[index], param, values)
    if len(arms) - 1 + len(new) > MAX_ARMS:
        raise ConfigError("sweep_values", f"That sweep would make {len(arms) - 1 + len(new)} "
                                          f"arms; a design has at most {MAX_ARMS}.")
    out = {**raw, "arms": arms[:index] + new + arms[index + 1:]}
    if raw.get("baseline") == arms[index].get("name"):
        out["baseline"] = new[0]["name"]
    return out


# -- TOML -----------------------------------------------------------------------------------------


def to_toml(cfg: dict, *, source: str | None = None) -> str:
    """A checked config as a TOML file `streamsim simulate` runs: every setting written out
    (defaults too, so the file says what runs), an arm's layout only where it has its own."""
    cfg = normalise(cfg)
    top = {k: cfg[k] for k in (*TOP_ORDER, *sorted(DEFAULTS)) if k in cfg}
    arms = []
    for arm in cfg["arms"]:
        entry = {"name": arm["name"], "policy": arm["policy"]}
        entry.update({k: arm[k] for k in ARM_DEFAULTS})
        entry.update({k: arm[k] for k in LAYOUT_KEYS if k in arm})
        entry.update({k: v for k, v in arm.items() if k not in entry})  # policy options
        arms.append(entry)
    header = ["# An experiment designed on the educator pages (Experiments > Design)."]
    if source:
        header.append(f"# Started from: {source}.")
    header.append("# Run it from a terminal: streamsim simulate <this file>")
    text = "\n".join(header) + "\n" + tomli_w.dumps({**top, "arms": arms})
    if normalise(tomllib.loads(text)) != cfg:  # what is written is what runs
        raise AssertionError("the TOML written does not read back as the same config")
    return text


def save(folder: Path, slug: str, cfg: dict, *, source: str | None = None) -> Path:
    """Write design `slug` (atomically: a half-written file is never read)."""
    path = design_path(folder, slug)
    text = to_toml(cfg, source=source)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return path
