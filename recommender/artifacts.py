"""Model versions on disk: `<model_dir>/<version>/factors.npz` + `card.json`, and a CURRENT file.

A version is written into a temporary folder and renamed into place with `os.replace`; the
CURRENT pointer (one line: the serving version) is replaced the same way, so a reader sees the
old model or the new one, never half of either. Loading never unpickles (`allow_pickle=False`)
and checks shapes and finiteness: a corrupt version raises ArtifactError and is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np

from recommender.model import FactorModel

CURRENT = "CURRENT"
ARRAYS = ("user_ids", "item_ids", "bu", "pu", "bi", "qi", "prior")


class ArtifactError(RuntimeError):
    """A model version is missing, unreadable or inconsistent."""


def new_version(model_dir: Path, now: datetime) -> str:
    base = now.strftime("%Y%m%dT%H%M%S")
    version, n = base, 1
    while (Path(model_dir) / version).exists():
        n += 1
        version = f"{base}-{n}"
    return version


def save(model_dir: Path, model: FactorModel, card: dict) -> Path:
    """Write a version atomically; returns its folder. Does not make it current."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    card = {**card, "version": model.version, "n_factors": model.n_factors,
            "global_mean": model.global_mean, "prior_weight": model.prior_weight,
            "n_users": int(model.user_ids.size), "n_items": int(model.item_ids.size)}
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=model_dir))
    try:
        np.savez(tmp / "factors.npz", **{name: getattr(model, name) for name in ARRAYS})
        (tmp / "card.json").write_text(json.dumps(card, indent=2, sort_keys=True))
        final = model_dir / model.version
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def load(model_dir: Path, version: str) -> FactorModel:
    folder = Path(model_dir) / version
    try:
        card = json.loads((folder / "card.json").read_text())
        with np.load(folder / "factors.npz", allow_pickle=False) as data:
            arrays = {name: np.array(data[name]) for name in ARRAYS}
    except (OSError, ValueError, KeyError) as exc:  # json errors are ValueErrors
        raise ArtifactError(f"model {version} cannot be read: {exc}") from exc
    n_users, n_items = arrays["user_ids"].size, arrays["item_ids"].size
    k = int(card.get("n_factors", -1))
    shapes_ok = (arrays["bu"].shape == (n_users,) and arrays["pu"].shape == (n_users, k)
                 and arrays["bi"].shape == (n_items,) and arrays["qi"].shape == (n_items, k)
                 and arrays["prior"].shape == (n_items,))
    if not shapes_ok or not all(np.isfinite(arrays[a]).all() for a in ("bu", "pu", "bi", "qi")):
        raise ArtifactError(f"model {version} has inconsistent or non-finite arrays")
    return FactorModel(global_mean=float(card["global_mean"]),
                       prior_weight=float(card["prior_weight"]), version=version, card=card,
                       **arrays)


def current_version(model_dir: Path) -> str | None:
    try:
        text = (Path(model_dir) / CURRENT).read_text().strip()
    except OSError:
        return None
    return text or None


def set_current(model_dir: Path, version: str) -> None:
    """Point CURRENT at a version, atomically."""
    if not (Path(model_dir) / version / "card.json").exists():
        raise ArtifactError(f"no model version {version}")
    fd, tmp = tempfile.mkstemp(prefix=".current-", dir=model_dir)
    with os.fdopen(fd, "w") as fh:
        fh.write(version + "\n")
    os.replace(tmp, Path(model_dir) / CURRENT)


def versions(model_dir: Path) -> list[str]:
    """Version folders, newest first."""
    root = Path(model_dir)
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return sorted(names, reverse=True)


def card(model_dir: Path, version: str) -> dict | None:
    try:
        return json.loads((Path(model_dir) / version / "card.json").read_text())
    except (OSError, ValueError):
        return None


def cards(model_dir: Path) -> list[dict]:
    """Every readable version's card, newest first (unreadable ones say so)."""
    out = []
    for version in versions(model_dir):
        out.append(card(model_dir, version) or {"version": version, "error": "unreadable"})
    return out


def prune(model_dir: Path, keep: int) -> list[str]:
    """Delete all but the newest `keep` versions (never the current one)."""
    current = current_version(model_dir)
    removed = []
    for version in versions(model_dir)[max(keep, 1):]:
        if version != current:
            shutil.rmtree(Path(model_dir) / version, ignore_errors=True)
            removed.append(version)
    return removed


def load_serving(model_dir: Path) -> FactorModel | None:
    """The current model; if it is unreadable, the newest readable version older than it."""
    current = current_version(model_dir)
    if current is None:
        return None
    candidates = [current] + [v for v in versions(model_dir) if v < current]
    for version in candidates:
        try:
            return load(model_dir, version)
        except ArtifactError:
            continue
    return None
