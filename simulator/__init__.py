"""Synthetic catalog and viewers: the simulator (seeded, reproducible, ground truth kept).

Three parts, lowest first: `catalog` (the titles), `viewers` (who watches and how) and `studies`
(experiments, seeding, reports); a part imports only the parts below it, and `bulk` and `rng`
serve all three (docs/architecture.md)."""
