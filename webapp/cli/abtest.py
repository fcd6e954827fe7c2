"""`streamsim abtest`: A/A and planted-effect calibration of simulated A/B tests; with
`--live`, through the live pipeline (simulator/studies/live_calibration.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("abtest")
@click.option("--seeds", default=200, show_default=True, type=click.IntRange(2, 100_000),
              help="Number of seeds (worlds); seeds 1..N.")
@click.option("--effect", default=1.0, show_default=True, type=float,
              help="Click-logit bonus planted in group B.")
@click.option("--profiles", default=None, type=click.IntRange(4, 100_000),
              help="Profiles [default: 400; with --live 5000].")
@click.option("--titles", default=200, show_default=True, type=click.IntRange(20, 20_000))
@click.option("--days", default=None, type=click.IntRange(1, 365),
              help="Days [default: 7; with --live 5 experiment days].")
@click.option("--policy", default="popularity", show_default=True,
              # the names of simulator.studies.abtest.POLICIES
              type=click.Choice(["popularity", "ideal", "random"]),
              help="How the rows are ranked (names from the simulator's policy registry).")
@click.option("--metric", default="minutes", show_default=True,
              type=click.Choice(["minutes", "plays"]))
@click.option("--alpha", default=0.05, show_default=True, type=click.FloatRange(0.0, 1.0,
                                                                               min_open=True))
@click.option("--live", is_flag=True,
              help="Calibrate through the live pipeline: one population seeded through the "
                   "site's services while an A/A live experiment runs, re-randomised --salts "
                   "times.")
@click.option("--salts", default=200, show_default=True, type=click.IntRange(2, 100_000),
              help="With --live: re-randomisations of the exposed profiles.")
@click.option("--pre-days", default=3, show_default=True, type=click.IntRange(1, 60),
              help="With --live: simulated days before the experiment (CUPED's pre-period).")
@click.option("--seed", "seed_", default=7, show_default=True, type=click.IntRange(0),
              help="With --live: the population's seed.")
@click.option("--effect-sd", default=0.1, show_default=True, type=float,
              help="With --live: planted effect in standard deviations of watch minutes.")
@click.option("--database", "db_path", default=None, type=click.Path(dir_okay=False,
                                                                     path_type=Path),
              help="With --live: the SQLite file of the seeded population (made once, then "
                   "reused) [default: .cache/abtest-live.sqlite3].")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def abtest(seeds: int, effect: float, profiles: int | None, titles: int, days: int | None,
           policy: str, metric: str, alpha: float, live: bool, salts: int, pre_days: int,
           seed_: int, effect_sd: float, db_path: Path | None, as_json: bool) -> None:
    """A/A rejection rate vs alpha, planted-effect detection rate vs predicted power."""
    if live:
        result, lines = _live(profiles or 5000, days or 5, pre_days, seed_, salts, alpha,
                              effect_sd, db_path, as_json)
    else:
        from simulator.studies.abtest import ABConfig, calibrate, summary_lines

        cfg = ABConfig(profiles=profiles or 400, titles=titles, days=days or 7, policy=policy,
                       metric=metric, alpha=alpha)
        result = calibrate(range(1, seeds + 1), cfg, effect)
        lines = summary_lines(result)
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=True))
    else:
        for line in lines:
            click.echo(line)


def _live(profiles, days, pre_days, seed, salts, alpha, effect_sd, db_path, quiet):
    import time

    from core.clock import system_clock
    from core.db import Database
    from core.migrate import upgrade
    from core.settings import PROJECT_ROOT, Settings
    from simulator.studies.live_calibration import (
        LiveConfig,
        calibrate,
        seed_population,
        summary_lines,
    )

    path = db_path or PROJECT_ROOT / ".cache" / "abtest-live.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = Settings(env="development", database_url=f"sqlite:///{path.resolve()}")
    upgrade(settings)
    database = Database(settings)
    cfg = LiveConfig(profiles=profiles, pre_days=pre_days, days=days, seed=seed, salts=salts,
                     alpha=alpha, effect_sd=effect_sd)
    began = time.perf_counter()
    if not quiet:
        click.echo(f"Population: {path} ({cfg.name})", err=True)
    exp_id = seed_population(database, cfg, system_clock.now().replace(microsecond=0))
    seeded = time.perf_counter() - began
    result = calibrate(database, exp_id, cfg)
    result["seed_seconds"] = round(seeded, 1)
    database.dispose()
    return result, summary_lines(result)
