"""Time the A/B calibration study (A/A + planted effect per seed, numpy behaviour model).

Run: .venv/bin/python bench/bench_abtest.py [seeds] [profiles]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.studies.abtest import ABConfig, calibrate, summary_lines  # noqa: E402


def main() -> None:
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    profiles = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    start = time.perf_counter()
    result = calibrate(range(1, n_seeds + 1), ABConfig(profiles=profiles), effect=1.0)
    elapsed = time.perf_counter() - start
    for line in summary_lines(result):
        print(line)
    print(f"abtest: {n_seeds} seeds x {profiles} profiles in {elapsed:.2f} s "
          f"({1000 * elapsed / n_seeds:.1f} ms a seed, A/A + planted)")


if __name__ == "__main__":
    main()
