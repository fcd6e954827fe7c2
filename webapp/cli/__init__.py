"""The `streamsim` command (pyproject's entry point is webapp.cli.main:cli):

- main.py: the click group, the site's own commands (run, db upgrade, init-db, seed-catalog,
  demo-setup, reset, dropoff) and the registration of the families below;
- sim.py: seed, simulate, coldstart, grant-educator, realism;
- rec.py: train, models, scheduler, evaluate, import-movielens;
- abtest.py: the A/B calibration study;
- data.py: fetch-movielens.
"""
