"""Recommender commands: train, models (list / roll back), scheduler, evaluate, import-movielens."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from core.clock import system_clock


def _settings():
    return current_app.config["STREAMSIM"]


def _database():
    return current_app.extensions["streamsim.db"]


@click.command("train")
@with_appcontext
def train() -> None:
    """Train the recommender once; publish it if it passes the quality gate."""
    from recommender.lifecycle import retrain

    outcome = retrain(_database(), _settings())
    click.echo(f"Training {outcome.status}: {outcome.version or '-'} {outcome.detail}")
    if outcome.status in ("failed", "busy"):
        raise SystemExit(1)


@click.command("models")
@click.option("--rollback", "rollback_to", metavar="VERSION", default=None,
              help="Serve this stored version again.")
@with_appcontext
def models(rollback_to: str | None) -> None:
    """List stored model versions (newest first), or roll back to one."""
    from recommender import artifacts

    model_dir = _settings().model_dir
    if rollback_to:
        try:
            artifacts.load(model_dir, rollback_to)
            artifacts.set_current(model_dir, rollback_to)
        except artifacts.ArtifactError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Now serving {rollback_to}")
        return
    current = artifacts.current_version(model_dir)
    cards = artifacts.cards(model_dir)
    for card in cards:
        mark = "*" if card.get("version") == current else " "
        metrics = card.get("metrics") or {}
        click.echo(f"{mark} {card.get('version')}  trained {card.get('trained_at', '?')}  "
                   f"NDCG@10 {metrics.get('ndcg@10', float('nan')):.4f}  "
                   f"signals {(card.get('data') or {}).get('signals', '?')}"
                   + (f"  {card['error']}" if "error" in card else ""))
    click.echo(f"{len(cards)} version(s); serving {current or 'none (popularity rows)'}")


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Run the retrain scheduler in this process (one per deployment)."""
    from recommender.scheduler import run_blocking

    settings = _settings()
    click.echo(f"Retraining every {settings.rec_retrain_minutes} min; Ctrl-C to stop.")
    if not run_blocking(_database(), settings):
        raise click.ClickException("another scheduler is already running for this deployment")


@click.command("evaluate")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--seed", default=0, show_default=True, type=int, help="Split seed.")
@with_appcontext
def evaluate(as_json: bool, seed: int) -> None:
    """Held-out comparison: production model, rating SVD, popularity and random."""
    from recommender.data import SignalMapping, catalog_arrays, load_interactions
    from recommender.evaluate import compare
    from recommender.train import params_from

    settings = _settings()
    with _database().read() as s:
        inter = load_interactions(s, system_clock.now(),
                                  SignalMapping(half_life_days=settings.rec_half_life_days))
        item_ids, _, _ = catalog_arrays(s)
    if len(inter) == 0:
        raise click.ClickException("no signals to evaluate on yet")
    report = compare(inter, item_ids, params_from(settings), seed=seed)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    cols = ("rmse", "mae", "precision@10", "recall@10", "ndcg@10", "coverage", "popularity",
            "fit_seconds")
    click.echo(f"{'model':<12}" + "".join(f"{c:>14}" for c in cols))
    for name, row in report.items():
        if name == "split":
            continue
        cells = "".join(f"{'-':>14}" if row.get(c) is None else f"{row[c]:>14.4f}" for c in cols)
        click.echo(f"{name:<12}{cells}")
    split = report["split"]
    click.echo(f"Split: {split['method']} (seed {split['seed']}): "
               f"{split['train']} train / {split['test']} test signals")


@click.command("import-movielens")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def import_movielens(folder: str) -> None:
    """Load a MovieLens folder (ml-latest-small CSVs or ml-100k u.*) as titles and ratings."""
    from recommender.movielens import import_folder

    with _database().write() as s:
        summary = import_folder(s, folder, system_clock.now())
    click.echo(f"Imported {summary}")
