"""Real ratings data, fetched at install time: MovieLens 100k from the recbole wheel on PyPI.

The recbole wheel (pure Python) ships MovieLens 100k as package data in its own atomic-file
format (`ml-100k.inter`, `ml-100k.item`). We download that one wheel with pip (never install it:
it pulls in torch), read the two files straight out of the zip and write the standard ml-100k
folder (`u.data`, `u.item`, `u.genre`) that `recommender.movielens.read_folder` and
`streamsim import-movielens` understand.

Licence: this is MovieLens data from GroupLens Research (University of Minnesota), under the
GroupLens terms of use (research use, cite the dataset, no redistribution without permission).
StreamSim does not redistribute it: it is fetched on the user's machine and never committed.
"""

from __future__ import annotations

import hashlib
import re
import subprocess  # nosec B404
import sys
import zipfile
from pathlib import Path

WHEEL_REQUIREMENT = "recbole==1.2.1"
WHEEL_NAME = "recbole-1.2.1-py3-none-any.whl"
# The wheel on PyPI; a file with another digest is not the data set this module was written for.
WHEEL_SHA256 = "9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407"
MEMBER = "recbole/dataset_example/ml-100k/ml-100k.{}"
ML100K_RATINGS = 100_000
# The standard ml-100k genre order (u.genre); u.item's 19 flags follow it.
GENRES = ("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
          "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
          "Romance", "Sci-Fi", "Thriller", "War", "Western")
YEAR = re.compile(r"\d{4}")


class DatasetError(RuntimeError):
    """The data set could not be fetched or is not what was expected."""


def _rows(archive: zipfile.ZipFile, suffix: str) -> tuple[list[str], list[list[str]]]:
    """(header field names, rows) of one recbole atomic file: TSV, header `name:type`."""
    name = MEMBER.format(suffix)
    try:
        text = archive.read(name).decode("utf-8")
    except KeyError as exc:
        raise DatasetError(f"{name} is missing from the wheel") from exc
    lines = text.splitlines()
    header = [field.split(":")[0] for field in lines[0].split("\t")] if lines else []
    return header, [line.split("\t") for line in lines[1:] if line.strip()]


def _column(header: list[str], name: str, suffix: str) -> int:
    if name not in header:
        raise DatasetError(f"ml-100k.{suffix} has no {name} column (header: {header})")
    return header.index(name)


def _item_line(fields: list[str], cols: dict[str, int]) -> str:
    title = fields[cols["movie_title"]].strip().replace("|", "/")  # "|" is u.item's separator
    year = fields[cols["release_year"]].strip()
    # Some rows carry no usable year (e.g. "V" for a video release whose title already ends
    # in "(1995)"); only a four-digit year is appended, the way u.item spells titles.
    if YEAR.fullmatch(year):
        title = f"{title} ({year})"
    tokens = fields[cols["class"]].split()
    unknown = set(tokens) - set(GENRES)
    if unknown:
        raise DatasetError(f"item {fields[cols['item_id']]}: unknown genres {sorted(unknown)}")
    flags = ["1" if genre in tokens else "0" for genre in GENRES]
    # id | title | release date | video release date | IMDb URL | 19 genre flags
    return "|".join([fields[cols["item_id"]].strip(), title, "", "", "", *flags])


def extract_ml100k(wheel_path: str | Path, out_dir: str | Path) -> Path:
    """Write u.data, u.item and u.genre into OUT_DIR from the recbole wheel; return OUT_DIR."""
    out = Path(out_dir)
    with zipfile.ZipFile(wheel_path) as archive:
        inter_header, inter = _rows(archive, "inter")
        item_header, items = _rows(archive, "item")
    icols = {name: _column(inter_header, name, "inter")
             for name in ("user_id", "item_id", "rating", "timestamp")}
    mcols = {name: _column(item_header, name, "item")
             for name in ("item_id", "movie_title", "release_year", "class")}
    data_lines = []
    for fields in inter:
        user, item, rating, stamp = (fields[icols[n]].strip()
                                     for n in ("user_id", "item_id", "rating", "timestamp"))
        # u.data holds integers; fail loudly on anything else rather than write a folder
        # that read_folder would misread.
        value = float(rating)
        data_lines.append("\t".join([str(int(user)), str(int(item)),
                                     str(int(value)) if value.is_integer() else str(value),
                                     str(int(float(stamp)))]))
    out.mkdir(parents=True, exist_ok=True)
    # The original ml-100k files are latin-1, and read_folder reads them as such.
    (out / "u.genre").write_text("".join(f"{g}|{n}\n" for n, g in enumerate(GENRES)),
                                 encoding="latin-1")
    (out / "u.item").write_text("".join(_item_line(f, mcols) + "\n" for f in items),
                                encoding="latin-1", errors="replace")
    # u.data last: fetch_ml100k treats a complete u.data as "the folder is ready".
    (out / "u.data").write_text("".join(line + "\n" for line in data_lines), encoding="latin-1")
    return out


def _line_count(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def is_complete(folder: str | Path) -> bool:
    """True when FOLDER already holds the full ml-100k (u.item, u.genre, 100,000 ratings)."""
    folder = Path(folder)
    return ((folder / "u.item").exists() and (folder / "u.genre").exists()
            and (folder / "u.data").exists()
            and _line_count(folder / "u.data") == ML100K_RATINGS)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download_wheel(cache_dir: Path) -> Path:
    wheel = cache_dir / WHEEL_NAME
    if wheel.exists():
        return wheel
    cache_dir.mkdir(parents=True, exist_ok=True)
    # --only-binary: never build an sdist (that would run its setup code); --no-deps: the
    # wheel is only a container for the data, its dependencies (torch) are not wanted.
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--no-input", WHEEL_REQUIREMENT,
               "-d", str(cache_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603
    if done.returncode != 0 or not wheel.exists():
        said = [line for line in (done.stderr or "").splitlines()
                if line.strip() and not line.startswith("WARNING")]
        raise DatasetError(f"pip could not download {WHEEL_REQUIREMENT}; is the package "
                           "registry (PyPI, or pip's configured index) reachable from here?"
                           + (f" pip said: {said[-1].strip()}" if said else ""))
    return wheel


def fetch_ml100k(cache_dir: str | Path) -> Path:
    """Download the recbole wheel into CACHE_DIR (once) and write CACHE_DIR/ml-100k from it."""
    cache_dir = Path(cache_dir)
    folder = cache_dir / "ml-100k"
    if is_complete(folder):
        return folder
    wheel = _download_wheel(cache_dir)
    if _sha256(wheel) != WHEEL_SHA256:
        raise DatasetError(f"{wheel} is not the published {WHEEL_NAME} (sha256 differs); "
                           "delete it and fetch again")
    extract_ml100k(wheel, folder)
    if not is_complete(folder):
        raise DatasetError(f"{folder} does not hold {ML100K_RATINGS} ratings after extraction")
    return folder
