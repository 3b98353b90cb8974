"""Cost of the law-in-force pass of `antq validate` (generator/legal.py), which is never
cached because the same data gives other warnings on another day.

    .venv/bin/python bench/legal_bench.py [--scale small] [--runs 5] [--seed 7]

A synthetic package (outside git, no SOURCE_DATE_EPOCH) is written to a temporary folder.
Printed: the median time of the pass with the date given, with the date derived from the
data (outside git this reads the whole package to find the latest record date), and of a
whole `validate_package` run with a warm cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.data import synth  # noqa: E402
from generator.data.schema import load_package  # noqa: E402
from generator.data.validate import _legal_problems, validate_package  # noqa: E402


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="small")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        synth.write_package(data, scale=args.scale, seed=args.seed)
        os.environ["ANTQ_CACHE_DIR"] = str(Path(tmp) / "cache")
        validate_package(data)  # warm the cache
        package, _ = load_package(data)
        given = median_ms(lambda: _legal_problems(package, date(2026, 12, 3)), args.runs)
        derived = median_ms(lambda: _legal_problems(package, None), args.runs)
        whole = median_ms(lambda: validate_package(data), args.runs)
    print(f"scale {args.scale}, median of {args.runs} runs")
    print(f"  law-in-force pass, date given:             {given:8.0f} ms")
    print(f"  law-in-force pass, date read from the data: {derived:8.0f} ms")
    print(f"  validate_package, warm cache:               {whole:8.0f} ms")


if __name__ == "__main__":
    main()
