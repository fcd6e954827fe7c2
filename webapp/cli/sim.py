"""Simulator commands: `streamsim seed`, `fast-forward`, `simulate`, `coldstart`,
`grant-educator`, `realism`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from core.clock import system_clock
from webapp.cli import app_settings
from webapp.database import get_database


@click.command("seed")
@with_appcontext
@click.option("--profiles", default=300, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 365))
@click.option("--seed", default=7, show_default=True, type=click.IntRange(0))
@click.option("--titles", default=1200, show_default=True, help="Catalog size if none exists.")
@click.option("--model-from-day", default=2, show_default=True, type=click.IntRange(0),
              help="Simulated day from which the site's recommender is trained and its rows "
                   "shown (as the scheduler would).")
@click.option("--retrain-days", default=2, show_default=True, type=click.IntRange(1),
              help="Retrain the recommender every N simulated days.")
@click.option("--no-model", is_flag=True,
              help="Simulate a site without a recommender: popularity rows only.")
def seed(profiles: int, days: int, seed: int, titles: int, model_from_day: int,
         retrain_days: int, no_model: bool) -> None:
    """Seed catalog (if missing), simulated viewers and DAYS of history ending now.

    The simulated site serves its recommender from --model-from-day on, retrained every
    --retrain-days, unless --no-model."""
    from tqdm import tqdm

    from simulator.studies.seed import seed_history

    if app_settings().is_production:
        raise click.ClickException("seed is refused under the production configuration.")
    with tqdm(total=days, unit="day", desc="Simulating") as bar:
        summary = seed_history(get_database(), profiles, days, seed, system_clock.now(),
                               n_titles=titles,
                               model_from_day=None if no_model else model_from_day,
                               retrain_days=retrain_days,
                               progress=lambda _s, done, _t: bar.update(done - bar.n))
    click.echo(f"Seeded: {summary.line()}")


@click.command("fast-forward")
@with_appcontext
@click.option("--days", required=True, type=click.IntRange(1, 365),
              help="Simulated days to add after the last simulated day.")
@click.option("--seed", default=7, show_default=True, type=click.IntRange(0),
              help="The seed the population was made with (`streamsim seed --seed`).")
@click.option("--retrain-days", default=2, show_default=True, type=click.IntRange(1),
              help="Retrain the recommender every N simulated days, from the first new one.")
@click.option("--no-model", is_flag=True,
              help="Simulate a site without a recommender: popularity rows only.")
def fast_forward(days: int, seed: int, retrain_days: int, no_model: bool) -> None:
    """Run DAYS more simulated days for the profiles already simulated (no new profiles),
    from the day after the last simulated day."""
    from tqdm import tqdm

    from simulator.studies.seed import NothingToContinue, fast_forward, simulated_days

    if app_settings().is_production:
        raise click.ClickException("fast-forward is refused under the production "
                                   "configuration.")
    try:
        with tqdm(total=days, unit="day", desc="Simulating") as bar:
            summary = fast_forward(get_database(), days, seed, model=not no_model,
                                   retrain_days=retrain_days,
                                   progress=lambda _s, done, _t: bar.update(done - bar.n))
    except NothingToContinue as exc:
        raise click.ClickException(str(exc)) from exc
    first, last = simulated_days(get_database())
    click.echo(f"Fast-forwarded: {summary.line()}; simulated days now {first} to {last}")


@click.command("simulate")
@with_appcontext
@click.argument("config", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder (default: RESULTS_DIR/<config name>-<time>).")
def simulate(config: Path, out: Path | None) -> None:
    """Run an experiment CONFIG.toml in isolated databases and write its results folder."""
    from tqdm import tqdm

    from simulator.studies.experiment import load_config
    from simulator.studies.runs import execute, start_now

    try:
        cfg = load_config(config)
    except (ValueError, KeyError, TypeError) as exc:  # tomllib's decode error is a ValueError
        raise click.ClickException(f"{config}: {exc}") from exc
    now = system_clock.now()
    out = out or app_settings().results_dir / f"{config.stem}-{now:%Y%m%d-%H%M%S}"
    if not inspect(get_database().engine).has_table("experiment_runs"):  # runs are recorded there
        raise click.ClickException("the database has no tables yet: run `streamsim db upgrade` "
                                   "first (`make demo` does).")
    try:
        run_id, lock = start_now(get_database(), cfg, out)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    with tqdm(total=100, unit="%", desc=cfg["name"][:30]) as bar:
        summary = execute(get_database(), run_id, lock,
                          on_progress=lambda f: bar.update(int(f * 100) - bar.n))
    if summary is None:
        from core.models import ExperimentRun

        with get_database().read() as s:
            error = s.get(ExperimentRun, run_id).error
        raise click.ClickException(f"the experiment failed: {error}")
    click.echo(f"Results in {out}")
    for name, arm in summary["arms"].items():
        m = arm["run_mean"]
        click.echo(f"  {name}: utility {m['mean_true_utility']['mean']:.3f}, "
                   f"coverage {m['coverage']['mean']:.3f}, Gini {m['gini_plays']['mean']:.3f}, "
                   f"CTR {m['ctr']['mean']:.4f}")
    base = summary.get("baseline")
    click.echo(f"Utility against the baseline ({base}), paired by seed, whole run:")
    for name, arm in summary["arms"].items():
        if name != base:
            d = arm["vs_baseline"]["mean_true_utility"]
            if d["mean"] is None or d["low"] is None:
                click.echo(f"  {name}: "
                           + ("n/a" if d["mean"] is None else f"{d['mean']:+.3f}")
                           + f" ({d['note']})")
            else:
                click.echo(f"  {name}: {d['mean']:+.3f}, "
                           f"95% interval [{d['low']:+.3f}, {d['high']:+.3f}]")


@click.command("grant-educator")
@with_appcontext
@click.argument("email")
def grant_educator(email: str) -> None:
    """Give the account EMAIL the educator role (educator pages)."""
    from core.accounts import normalize_email
    from core.models import Account

    with get_database().write() as s:
        account = s.scalar(select(Account).where(Account.email == normalize_email(email)))
        if account is None or account.is_simulated:
            raise click.ClickException(f"No account {email}.")
        account.role = "educator"
    click.echo(f"{email} is now an educator.")


def demo_history(profiles: int, days: int, seed: int, demo_profile_ids: list[int]) -> None:
    """Seed simulated viewers whose history includes the demo account's profiles."""
    from simulator.studies.seed import seed_history

    summary = seed_history(get_database(), profiles, days, seed,
                           system_clock.now(),
                           extra_profile_ids=demo_profile_ids)
    click.echo(f"Seeded: {summary.line()}")


def _numbers(ctx, param, value: str | None) -> list[int] | None:
    """A comma-separated list of whole numbers (--picks 0,1,3,5,10)."""
    if value is None:
        return None
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter("a comma-separated list of whole numbers, e.g. 0,1,3") from None


@click.command("coldstart")
@click.option("--profiles", default=100, show_default=True, type=click.IntRange(1, 5_000),
              help="New profiles that onboard.")
@click.option("--seed", default=11, show_default=True, type=click.IntRange(0))
@click.option("--history-profiles", default=300, show_default=True,
              type=click.IntRange(5, 20_000), help="Simulated viewers the model learns from.")
@click.option("--days", default=20, show_default=True, type=click.IntRange(1, 120),
              help="Days of history before the model is trained.")
@click.option("--titles", default=500, show_default=True, type=click.IntRange(50, 20_000))
@click.option("--picks", callback=_numbers, default=None,
              help="Numbers of onboarding picks to compare as arms, e.g. 0,1,3,5,10 (with "
                   "random and popularity baselines, over --seeds). Without it (and without "
                   "--seeds): one seed, 3 picks.")
@click.option("--seeds", callback=_numbers, default=None,
              help="Seeds for the arms, e.g. 1,2,3: mean and 95%% interval over them.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def coldstart(profiles: int, seed: int, history_profiles: int, days: int, titles: int,
              picks: list[int] | None, seeds: list[int] | None, as_json: bool) -> None:
    """Cold-start study in an isolated database: a new profile's rows after onboarding (3 picks,
    or each number of --picks over --seeds, and 2 favourite genres)."""
    import json

    from simulator.studies.coldstart import (
        PICKS,
        StudyError,
        run_coldstart,
        run_picks_study,
        study_lines,
    )

    if picks is not None or seeds is not None:
        cfg = {"picks": picks or list(PICKS), "seeds": seeds or [seed], "profiles": profiles,
               "history_profiles": history_profiles, "history_days": days, "titles": titles}
        try:
            summary = run_picks_study(cfg, limits=False)
        except StudyError as exc:
            raise click.BadParameter(str(exc)) from exc
        if as_json:
            click.echo(json.dumps(summary, sort_keys=True))
        else:
            for line in study_lines(summary):
                click.echo(line)
        return
    r = run_coldstart(profiles=profiles, seed=seed, history_profiles=history_profiles,
                      history_days=days, titles=titles)
    if as_json:
        click.echo(json.dumps(r.as_dict(), sort_keys=True))
        return
    for line in r.lines():
        click.echo(line)


@click.command("realism")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def realism(as_json: bool) -> None:
    """The world's figures beside public reference figures (MovieLens 100k), with verdicts."""
    import json

    from simulator.studies.realism import realism_report

    with get_database().read() as s:
        report = realism_report(s)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    for line in report.lines():
        click.echo(line)
