"""`make bench`: run every bench script in turn; each prints its own figures."""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

for script in sorted(HERE.glob("bench_*.py")):
    print(f"\n=== {script.name}", flush=True)
    runpy.run_path(str(script), run_name="__main__")
