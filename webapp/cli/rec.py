"""Recommender commands: train, models (list / roll back), scheduler, evaluate, import-movielens."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from core.clock import system_clock
from core.settings import SettingsError
from webapp.cli import app_settings
from webapp.database import get_database


@click.command("train")
@with_appcontext
def train() -> None:
    """Train the recommender once; publish it if it passes the quality gate."""
    from recommender.lifecycle import retrain

    outcome = retrain(get_database(), app_settings())
    click.echo(f"Training {outcome.status}: {outcome.version or '-'} {outcome.detail}")
    if outcome.status in ("failed", "busy"):
        raise SystemExit(1)


@click.command("artwork-update")
@with_appcontext
def artwork_update() -> None:
    """Update the artwork bandit from the impressions and plays logged since its last update
    (a retrain does it too)."""
    from recommender.lifecycle import update_artwork

    added = update_artwork(get_database(), app_settings())
    click.echo(f"Artwork bandit: {added} trials added.")


@click.command("models")
@click.option("--rollback", "rollback_to", metavar="VERSION", default=None,
              help="Serve this stored version again.")
@click.option("--pin", "pin_to", metavar="VERSION", default=None,
              help="Serve this stored version and skip retrains until --unpin.")
@click.option("--unpin", is_flag=True, help="Let retrains publish again.")
@with_appcontext
def models(rollback_to: str | None, pin_to: str | None, unpin: bool) -> None:
    """List stored model versions (newest first), roll back to one, or pin one."""
    from core.locks import exclusive
    from recommender import artifacts
    from recommender.lifecycle import train_lock

    if sum(map(bool, (rollback_to, pin_to, unpin))) > 1:
        raise click.UsageError("use one of --rollback, --pin and --unpin at a time")
    model_dir = app_settings().model_dir
    pinned = artifacts.pinned_version(model_dir)
    if unpin:
        artifacts.unpin(model_dir)
        click.echo(f"Unpinned {pinned}; retrains may publish again" if pinned
                   else "No version was pinned")
        return
    if pin_to:
        if pin_to not in artifacts.versions(model_dir):
            raise click.ClickException(f"no model version {pin_to}")
        # Under the retrain lock: a retrain already running could otherwise publish after it.
        with exclusive(train_lock(app_settings())) as got:
            if not got:
                raise click.ClickException("a retrain is running; pin when it has finished")
            try:
                artifacts.pin(model_dir, pin_to)
            except artifacts.ArtifactError as exc:
                raise click.ClickException(str(exc)) from exc
        click.echo(f"Pinned {pin_to}: serving it, and retrains are skipped until --unpin")
        return
    if rollback_to:
        if pinned and rollback_to != pinned:
            raise click.ClickException(f"{pinned} is pinned; --unpin first, or --pin "
                                       f"{rollback_to} instead")
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
        click.echo(f"{mark} {card.get('version')}  {card.get('family', '?'):<10}  "
                   f"trained {card.get('trained_at', '?')}  "
                   f"NDCG@10 {metrics.get('ndcg@10', float('nan')):.4f}  "
                   f"signals {(card.get('data') or {}).get('signals', '?')}"
                   + (f"  {card['error']}" if "error" in card else "")
                   + ("  PINNED" if card.get("version") == pinned else ""))
    click.echo(f"{len(cards)} version(s); serving {current or 'none (popularity rows)'}"
               + (f"; pinned {pinned} (retrains are skipped)" if pinned else ""))


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Run the retrain scheduler in this process (one per deployment)."""
    from recommender.scheduler import run_blocking

    settings = app_settings()
    click.echo(f"Retraining every {settings.rec_retrain_minutes} min; Ctrl-C to stop.")
    if not run_blocking(get_database(), settings):
        raise click.ClickException("another scheduler is already running for this deployment")


EVAL_COLUMNS = ("ndcg@10", "recall@20", "map@10", "coverage", "popularity", "diversity",
                "true_utility@10", "fit_seconds")


@click.command("evaluate")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--seeds", default=3, show_default=True, type=click.IntRange(1, 20),
              help="How many split seeds (0..N-1); figures are mean and spread over them.")
@click.option("--models", "names", default=None, metavar="NAMES",
              help="Comma-separated candidates production may choose from "
                   "(default: STREAMSIM_REC_CANDIDATES).")
@with_appcontext
def evaluate(as_json: bool, seeds: int, names: str | None) -> None:
    """Every recommender on held-out data: mean and spread over split seeds.

    Each profile's signals are split 80/20 at random, except its onboarding picks, which are
    never held out: the site has them before it recommends anything, so they always train."""
    from recommender.data import SignalMapping, catalog_arrays, load_interactions, tag_matrix
    from recommender.selection import compare
    from simulator.viewers.world import truth_scorer

    settings = app_settings()
    candidates = settings.rec_candidates
    if names:
        candidates = tuple(n.strip() for n in names.split(",") if n.strip())
        try:
            settings.with_(rec_candidates=candidates)
        except SettingsError as exc:
            raise click.BadParameter(str(exc), param_hint="--models") from exc
    with get_database().read() as s:
        inter = load_interactions(s, system_clock.now(),
                                  SignalMapping(half_life_days=settings.rec_half_life_days))
        item_ids, _, _ = catalog_arrays(s)
        features = tag_matrix(s, item_ids)
        truth = truth_scorer(s, item_ids)
    if len(inter) == 0:
        raise click.ClickException("no signals to evaluate on yet")
    report = compare(inter, item_ids, seeds=range(seeds), candidates=candidates,
                     features=features, truth=truth,
                     on_step=None if as_json else (lambda m: click.echo(f"  {m}", err=True)))
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    cols = [c for c in EVAL_COLUMNS if any(r.get(c) is not None for r in report.values())]
    click.echo(f"{'model':<12}" + "".join(f"{c:>22}" for c in cols) + f"{'x popularity':>14}")
    for name, row in report.items():
        cells = "".join(f"{'-':>22}" if row.get(c) is None else
                        f"{row[c]:>14.4f} ±{row.get(c + '_std', 0.0):<6.4f}" for c in cols)
        click.echo(f"{name:<12}{cells}{row['x_popularity']:>13.2f}x")
    split = next(iter(report.values()))["split"]
    click.echo(f"Split: {split['method']}, seeds {split['seeds']}; hyperparameters chosen on "
               f"{split['validation']}. Relevance: {split['relevance']}. "
               "± is the standard deviation over seeds.")
    if truth is not None:
        click.echo("true_utility@10: mean hidden true utility of the top 10 (simulated "
                   "profiles; the truth is never shown to any model).")


@click.command("import-movielens")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def import_movielens(folder: str) -> None:
    """Load a MovieLens folder (ml-latest-small CSVs or ml-100k u.*) as titles and ratings."""
    from recommender.movielens import import_folder

    with get_database().write() as s:
        summary = import_folder(s, folder, system_clock.now())
    click.echo(f"Imported {summary}")
