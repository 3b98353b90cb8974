"""Issue 18 item 2: where a one-row edit's rebuild spends its time, stage by stage and by
function (cProfile, in this process; the render workers it forks are not profiled).

    .venv/bin/python bench/edit_profile.py --data PKG --out OUT --site SITE [--edit awards]
        [--top 30]

PKG must already be built into OUT with the same ANTQ_CACHE_DIR and SOURCE_DATE_EPOCH (the
bench's national copy: see bench/build_bench.py). The edit is build_bench's (`awards`: one
recipient's name; `assessments`: one yearly result flipped); the table is restored afterwards
(the next build rebuilds the original). Prints the `--verbose` stage timings of the edit
rebuild, then the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import edited_assessment, edited_awards  # noqa: E402

from generator.build import BuildOptions, build_site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--edit", choices=("awards", "assessments"), default="awards")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    table = args.data / f"{args.edit}.csv"
    original = table.read_bytes()
    edited = edited_awards(original)[0] if args.edit == "awards" else edited_assessment(original)[0]
    table.write_bytes(edited)
    profile = cProfile.Profile()
    start = time.perf_counter()
    try:
        profile.enable()
        report = build_site(BuildOptions(data_dir=args.data, out_dir=args.out, site_dir=args.site))
        profile.disable()
    finally:
        table.write_bytes(original)
    wall = time.perf_counter() - start
    print(f"{args.edit} edit: {wall:.2f} s in all (under cProfile), written {report.written}")
    for name, seconds in report.timings.items():
        print(f"  {name:14} {seconds:7.2f} s")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
