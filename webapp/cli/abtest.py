"""`streamsim abtest`: A/A and planted-effect calibration of simulated A/B tests."""

from __future__ import annotations

import json

import click


@click.command("abtest")
@click.option("--seeds", default=200, show_default=True, type=click.IntRange(2, 100_000),
              help="Number of seeds (worlds); seeds 1..N.")
@click.option("--effect", default=1.0, show_default=True, type=float,
              help="Click-logit bonus planted in group B.")
@click.option("--profiles", default=400, show_default=True, type=click.IntRange(4, 100_000))
@click.option("--titles", default=200, show_default=True, type=click.IntRange(20, 20_000))
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 365))
@click.option("--policy", default="popularity", show_default=True,
              # the names of simulator.studies.abtest.POLICIES
              type=click.Choice(["popularity", "ideal", "random"]),
              help="How the rows are ranked (names from the simulator's policy registry).")
@click.option("--metric", default="minutes", show_default=True,
              type=click.Choice(["minutes", "plays"]))
@click.option("--alpha", default=0.05, show_default=True, type=click.FloatRange(0.0, 1.0,
                                                                               min_open=True))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def abtest(seeds: int, effect: float, profiles: int, titles: int, days: int, policy: str,
           metric: str, alpha: float, as_json: bool) -> None:
    """A/A rejection rate vs alpha, planted-effect detection rate vs predicted power."""
    from simulator.studies.abtest import ABConfig, calibrate, summary_lines

    cfg = ABConfig(profiles=profiles, titles=titles, days=days, policy=policy, metric=metric,
                   alpha=alpha)
    result = calibrate(range(1, seeds + 1), cfg, effect)
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=True))
    else:
        for line in summary_lines(result):
            click.echo(line)
