"""The `streamsim` command (pyproject's entry point is webapp.cli.main:cli):

- main.py: the click group, the site's own commands (run, db upgrade, init-db, seed-catalog,
  demo-setup, reset, dropoff) and the registration of the families below;
- sim.py: seed, simulate, coldstart, grant-educator, realism;
- rec.py: train, models, scheduler, evaluate, import-movielens;
- abtest.py: the A/B calibration study;
- data.py: fetch-movielens.

Every command reads the app's settings with `app_settings()` (below) and its database with
`webapp.database.get_database()`, as the views do.
"""

from __future__ import annotations

from flask import current_app

from core.settings import Settings


def app_settings() -> Settings:
    """The settings of the app a command runs in (its app context): one for every family."""
    return current_app.config["STREAMSIM"]
