"""Data commands: fetch-movielens (real MovieLens 100k, fetched from PyPI, never committed) and
export (the activity tables as CSV or Parquet files to take home)."""

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


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="parquet",
              show_default=True, help="File format: one file per table.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the files and schema.json into (made if missing).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              default=None, help="Only rows from this date (UTC) on, by each table's time "
                                 "column (schema.json names it).")
@click.option("--table", "tables", multiple=True,
              help="Only this table (repeatable); default: every table.")
@with_appcontext
def export(fmt: str, out: Path, since, tables: tuple[str, ...]) -> None:
    """Write the activity tables (playback_events, ratings, impressions, viewings) as
    CSV or Parquet files, with a schema.json describing every column. Rows are streamed in
    chunks, so memory stays flat however large the tables are."""
    from core.export import ExportError
    from core.export import export as run_export
    from webapp.database import get_database

    def progress(name: str, rows: int, seconds: float) -> None:
        click.echo(f"{name}: {rows:,} rows in {seconds:.1f} s")

    try:
        run_export(get_database(), out, fmt, since=since, tables=list(tables) or None,
                   progress=progress)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {out / 'schema.json'}")
