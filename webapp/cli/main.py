"""The `streamsim` command: one click group (a FlaskGroup), one verb per command.

Building the app for a command never starts the in-app retrain scheduler; `streamsim run` (below)
and webapp.wsgi are the serving entry points that do, when STREAMSIM_REC_SCHEDULER_IN_APP is on.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup, ScriptInfo, run_command
from flask.helpers import get_debug_flag
from sqlalchemy import func, select
from werkzeug.serving import is_running_from_reloader

from core.clock import system_clock
from core.models import Title
from webapp import create_app
from webapp.cli import app_settings
from webapp.database import get_database


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True)
def cli() -> None:
    """StreamSim: a simulated streaming site, its recommender and its simulator.

    Settings come from STREAMSIM_* environment variables (see README).
    """


@cli.command("run", params=list(run_command.params), short_help="Serve the site.")
@click.pass_context
def run(ctx: click.Context, **options) -> None:
    """Serve the site (development server), with the in-app retrain scheduler when
    STREAMSIM_REC_SCHEDULER_IN_APP is on. Options are Flask's `run` options."""
    reload = get_debug_flag() if options["reload"] is None else options["reload"]
    # Under the reloader the first process only watches files; the child it starts (marked by
    # WERKZEUG_RUN_MAIN) serves, so that is the one that takes the scheduler lock.
    if not reload or is_running_from_reloader():
        from webapp import recs

        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except Exception:  # Flask's run reports it (and serves it under the reloader)
            app = None
        if app is not None:
            recs.start_background(app)
    ctx.invoke(run_command, **options)


@cli.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations up to REVISION."""
    from core.migrate import upgrade

    upgrade(app_settings(), revision)
    click.echo(f"Database at {revision}: {_redacted(app_settings().database_url)}")


@cli.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema (same as `db upgrade`)."""
    from core.migrate import upgrade

    upgrade(app_settings())
    click.echo(f"Database ready: {_redacted(app_settings().database_url)}")


def _redacted(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@cli.command("seed-catalog")
@click.option("--titles", "n_titles", default=1200, show_default=True,
              type=click.IntRange(1, 200_000), help="How many titles to generate.")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed.")
def seed_catalog(n_titles: int, seed: int) -> None:
    """Generate a catalog of titles, people, episodes and artwork (deterministic by seed)."""
    from tqdm import tqdm

    from simulator.catalog.generate import generate_catalog

    with get_database().session() as session, tqdm(total=n_titles, unit="title",
                                                 desc="Generating catalog") as bar:
        summary = generate_catalog(session, n_titles, seed, system_clock.now(),
                                   progress=lambda n: bar.update(n - bar.n))
    click.echo(summary.line())


@cli.command("demo-setup")
@click.option("--titles", "n_titles", default=1200, show_default=True, type=int)
@click.option("--seed", default=7, show_default=True, type=int)
def demo_setup(n_titles: int, seed: int) -> None:
    """First run only: seed the catalog and create the demo account (demo mode only)."""
    from webapp.demo import ensure_demo_account

    settings = app_settings()
    if not settings.demo or settings.is_production:
        raise click.ClickException("demo-setup needs STREAMSIM_DEMO=1 outside production.")
    with get_database().read() as session:
        existing = session.scalar(select(func.count()).select_from(Title)) or 0
    if existing == 0:
        click.get_current_context().invoke(seed_catalog, n_titles=n_titles, seed=seed)
    else:
        click.echo(f"Catalog already has {existing} titles; not seeding again.")
    with get_database().write() as session:
        created = ensure_demo_account(session, settings, system_clock.now())
    click.echo(f"Demo login: {settings.demo_email} / {settings.demo_password}"
               + (" (created)" if created else " (exists)"))
    if created:  # first run: simulated viewers, with the demo profiles among them
        from core.models import Account, Profile
        from webapp.cli.sim import demo_history

        with get_database().read() as session:
            ids = list(session.scalars(select(Profile.id).join(Account).where(
                Account.email == settings.demo_email)))
        demo_history(300, 30, seed, ids)


@cli.command("reset")
@click.confirmation_option(prompt="Empty every table of the database?")
def reset() -> None:
    """Empty the database (development only)."""
    from core.models import Base

    if app_settings().is_production:
        raise click.ClickException("reset is refused under the production configuration.")
    with get_database().write() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
    click.echo("Database emptied.")


@cli.command("dropoff")
@click.argument("title_id", type=int, required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the curve as JSON.")
def dropoff(title_id: int | None, as_json: bool) -> None:
    """Audience drop-off from the playback event log: of the viewings that started, the share
    still watching at 0%, 5%, ..., 100% of the runtime. TITLE_ID: one title (a series pools
    its episodes); without it, every film pooled."""
    import json

    from core import analytics

    with get_database().read() as session:
        curve = (analytics.dropoff(session, title_id) if title_id is not None
                 else analytics.dropoff_films(session))
    if curve is None:
        raise click.ClickException(f"No title with id {title_id}.")
    if as_json:
        click.echo(json.dumps({"title_id": title_id, "starts": curve.starts,
                               "marks": [round(m, 4) for m in curve.marks],
                               "reached": [round(r, 6) for r in curve.reached]}))
        return
    click.echo(f"{'Title ' + str(title_id) if title_id is not None else 'All films'}: "
               f"{curve.starts} started viewings")
    for mark, share in zip(curve.marks, curve.reached, strict=True):
        click.echo(f"{mark:5.0%}  {share:6.1%}  {'#' * round(share * 40)}")


# --- commands defined in other modules ---------------------------------------------------------
# Each area keeps its commands in its own module (plain click commands using current_app) and
# registers them here, one line each.
def _register_commands() -> None:
    from webapp.cli import sim as cli_sim

    for command in (cli_sim.seed, cli_sim.fast_forward, cli_sim.simulate, cli_sim.grant_educator,
                    cli_sim.coldstart, cli_sim.realism):
        cli.add_command(command)
    from webapp.cli import rec as cli_rec

    for command in (cli_rec.train, cli_rec.models, cli_rec.scheduler, cli_rec.evaluate,
                    cli_rec.import_movielens, cli_rec.artwork_update):
        cli.add_command(command)
    from webapp.cli import abtest as cli_abtest

    cli.add_command(cli_abtest.abtest)
    from webapp.cli import data as cli_data

    cli.add_command(cli_data.fetch_movielens)
    cli.add_command(cli_data.export)


_register_commands()
