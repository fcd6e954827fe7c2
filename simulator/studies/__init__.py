"""Studies over the simulated world: policies and layouts, experiments and their metrics and
reports, the worker, cold start, A/B calibration, seeding and the realism report (the top part:
it may import simulator.catalog and simulator.viewers)."""
