"""How long loading the unit tables takes (units, legacy_units, unit_changes of data/): every
validation and build pays it once. Figures, not a test: machines are shared and noisy.

    .venv/bin/python bench/units_bench.py [--runs 7]

Prints the median and the best of --runs loads (goal: about 0.3 s on a 2-core machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.data.units import load_unit_tables  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        load_unit_tables(ROOT / "data")
        times.append(time.perf_counter() - start)
    print(
        f"unit tables load: median {statistics.median(times):.3f} s, best {min(times):.3f} s "
        f"({args.runs} runs)"
    )


if __name__ == "__main__":
    main()
