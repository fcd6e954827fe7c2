"""Data commands: fetch-movielens (real MovieLens 100k, fetched from PyPI, never committed)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.cli import app_settings


@click.command("fetch-movielens")
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to fetch into (default: the instance folder's data/).")
@with_appcontext
def fetch_movielens(dest: Path | None) -> None:
    """Fetch real MovieLens 100k (from the recbole wheel on PyPI) into DEST/ml-100k."""
    from recommender.datasets import DatasetError, fetch_ml100k
    from recommender.movielens import read_folder

    dest = dest or app_settings().instance_dir / "data"
    try:
        folder = fetch_ml100k(dest)
    except DatasetError as exc:
        raise click.ClickException(str(exc)) from exc
    _, movies, ratings = read_folder(folder)
    users = len({user for user, _, _, _ in ratings})
    click.echo(f"ml-100k ready in {folder}: {len(ratings)} ratings, {len(movies)} titles, "
               f"{users} users")
