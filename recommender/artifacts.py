"""Model versions on disk: `<model_dir>/<version>/factors.npz` + `card.json`, and a CURRENT file.

A version is written into a temporary folder and renamed into place with `os.replace`; the
CURRENT pointer (one line: the serving version) is replaced the same way, so a reader sees the
old model or the new one, never half of either. Loading never unpickles (`allow_pickle=False`)
and checks shapes and finiteness: a corrupt version (truncated, bit-flipped, NaN) raises
ArtifactError and is skipped. Arrays a family does not use are stored empty; versions written
before the item-item arrays (or the cold-start part, `cq`) existed load with empty ones.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np

from recommender.model import ServingModel

CURRENT = "CURRENT"
PINNED = "PINNED"  # an educator's pin: retrains leave the serving model alone while it exists
ARRAYS = ("user_ids", "item_ids", "bu", "pu", "bi", "qi", "prior")
OPTIONAL = ("nbr_idx", "nbr_val", "gram", "cq", "trained_ids")
UNREADABLE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


class ArtifactError(RuntimeError):
    """A model version is missing, unreadable or inconsistent."""


def new_version(model_dir: Path, now: datetime) -> str:
    base = now.strftime("%Y%m%dT%H%M%S")
    version, n = base, 1
    while (Path(model_dir) / version).exists():
        n += 1
        version = f"{base}-{n}"
    return version


def save(model_dir: Path, model: ServingModel, card: dict) -> Path:
    """Write a version atomically; returns its folder. Does not make it current."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    card = {**model.card, **card, "version": model.version, "n_factors": model.n_factors,
            "global_mean": model.global_mean, "prior_weight": model.prior_weight,
            "family": model.family, "factor_scale": model.factor_scale,
            "neighbour_scale": model.neighbour_scale, "neighbours": int(model.nbr_idx.shape[1]),
            "content_scale": model.content_scale, "genre_scale": model.genre_scale,
            "content_dims": int(model.cq.shape[1]),
            "serving_memory_bytes": model.memory_bytes(),
            "n_users": int(model.user_ids.size), "n_items": int(model.item_ids.size)}
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=model_dir))
    try:
        np.savez(tmp / "factors.npz", **{name: getattr(model, name)
                                         for name in ARRAYS + OPTIONAL})
        (tmp / "card.json").write_text(json.dumps(card, indent=2, sort_keys=True))
        final = model_dir / model.version
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _consistent(arrays: dict, k: int) -> bool:
    n_users, n_items = arrays["user_ids"].size, arrays["item_ids"].size
    idx, val, gram = arrays["nbr_idx"], arrays["nbr_val"], arrays["gram"]
    shapes = (arrays["bu"].shape == (n_users,) and arrays["pu"].shape == (n_users, k)
              and arrays["bi"].shape == (n_items,) and arrays["qi"].shape == (n_items, k)
              and arrays["prior"].shape == (n_items,) and idx.ndim == 2
              and idx.shape[0] == n_items and val.shape == idx.shape
              and gram.shape in ((0, 0), (k, k))
              and arrays["cq"].ndim == 2 and arrays["cq"].shape[0] == n_items
              and arrays["trained_ids"].ndim == 1
              and arrays["trained_ids"].dtype.kind in "iu")
    if not shapes:
        return False
    in_range = idx.size == 0 or (idx.min() >= 0 and idx.max() < n_items)
    finite = all(np.isfinite(arrays[a]).all() for a in ("bu", "pu", "bi", "qi", "prior",
                                                         "nbr_val", "gram", "cq"))
    return bool(in_range and finite)


def load(model_dir: Path, version: str) -> ServingModel:
    folder = Path(model_dir) / version
    try:
        card = json.loads((folder / "card.json").read_text())
        with np.load(folder / "factors.npz", allow_pickle=False) as data:
            arrays = {name: np.array(data[name]) for name in ARRAYS}
            n_items = arrays["item_ids"].size
            empty = {"nbr_idx": np.zeros((n_items, 0), np.int32),
                     "nbr_val": np.zeros((n_items, 0), np.float32), "gram": np.zeros((0, 0)),
                     "cq": np.zeros((n_items, 0)), "trained_ids": np.zeros(0, np.int64)}
            arrays.update({name: np.array(data[name]) if name in data.files else empty[name]
                           for name in OPTIONAL})
        k = int(card.get("n_factors", -1))
        scales = (float(card.get("factor_scale", 1.0)), float(card.get("neighbour_scale", 1.0)),
                  float(card["global_mean"]), float(card["prior_weight"]),
                  float(card.get("content_scale", 0.0)), float(card.get("genre_scale", 0.0)))
    except UNREADABLE as exc:  # json errors are ValueErrors; a cut zip is a BadZipFile
        raise ArtifactError(f"model {version} cannot be read: {exc}") from exc
    if not _consistent(arrays, k) or not all(np.isfinite(scales)) or min(scales[4:]) < 0:
        raise ArtifactError(f"model {version} has inconsistent or non-finite arrays")
    return ServingModel(global_mean=scales[2], prior_weight=scales[3], factor_scale=scales[0],
                        neighbour_scale=scales[1], content_scale=scales[4],
                        genre_scale=scales[5],
                        family=str(card.get("family", "svd")),
                        version=version, card=card, **arrays)


def _read_pointer(model_dir: Path, name: str) -> str | None:
    """The version a pointer file (CURRENT, PINNED) names, or None."""
    try:
        text = (Path(model_dir) / name).read_text().strip()
    except OSError:
        return None
    return text or None


def _write_pointer(model_dir: Path, name: str, version: str) -> None:
    """Point a pointer file at `version`, atomically (a reader sees the old line or the new)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name.lower()}-", dir=model_dir)
    with os.fdopen(fd, "w") as fh:
        fh.write(version + "\n")
    os.replace(tmp, Path(model_dir) / name)


def current_version(model_dir: Path) -> str | None:
    return _read_pointer(model_dir, CURRENT)


def set_current(model_dir: Path, version: str) -> None:
    """Point CURRENT at a version, atomically."""
    if not (Path(model_dir) / version / "card.json").exists():
        raise ArtifactError(f"no model version {version}")
    _write_pointer(model_dir, CURRENT, version)


def pinned_version(model_dir: Path) -> str | None:
    return _read_pointer(model_dir, PINNED)


def pin(model_dir: Path, version: str) -> None:
    """Serve `version` and keep serving it: retrains are skipped until `unpin`."""
    load(model_dir, version)  # refuse a version that cannot serve
    set_current(model_dir, version)
    _write_pointer(model_dir, PINNED, version)


def unpin(model_dir: Path) -> None:
    try:
        (Path(model_dir) / PINNED).unlink()
    except FileNotFoundError:
        pass


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
    keep_also = {current, pinned_version(model_dir)}
    removed = []
    for version in versions(model_dir)[max(keep, 1):]:
        if version not in keep_also:
            shutil.rmtree(Path(model_dir) / version, ignore_errors=True)
            removed.append(version)
    return removed


def load_serving(model_dir: Path) -> ServingModel | None:
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
