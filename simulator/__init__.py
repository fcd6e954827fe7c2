"""Synthetic catalog and viewers: the simulator (seeded, reproducible, ground truth kept)."""
