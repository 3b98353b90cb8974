"""Issue 18 item 7: where the render stage's time goes.

    .venv/bin/python bench/render_profile.py [--data bench/out/national] [--top 25] [--warm]

Builds the package (a copy of site/ with `provinces = "national"`, SOURCE_DATE_EPOCH fixed,
a fresh cache and output folder) in one process (`parallel=False`, so the profiler sees every
page) and profiles only the render-and-write stage (`generator.build._run_jobs`) with
cProfile, in CPU seconds (`time.process_time`). Prints the stage's wall time and its top functions by own time and by cumulative
time, then the share of the parts issue 18 names: Jinja2, Markdown, the privacy scan, the
search copies, writing the files. With --warm, an unprofiled build fills the cache first and
the profiled one is `--full` (every page rendered, the kept open data and Markdown reused).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import ROOT, SOURCE_DATE_EPOCH, national_site  # noqa: E402

# (part, substrings of "file:function" whose cumulative time is that part's)
PARTS = (
    ("Jinja2 templates", ("render.py:render",)),
    ("lesson Markdown", ("lessons.py:__init__",)),
    ("privacy scan", ("build.py:_scan",)),
    ("search copies", ("search.py:search_copy",)),
    ("file writes", ("pathlib.py:write_bytes",)),
    ("folders made", ("output.py:path",)),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "national")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--warm",
        action="store_true",
        help="profile a `--full` build on the cache an unprofiled build filled first",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="antq-render-profile-"))
    os.environ["ANTQ_CACHE_DIR"] = str(tmp / "cache")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    from generator import build

    # CPU time, not wall time: on a shared machine the wall clock mostly measures the others.
    profiler = cProfile.Profile(time.process_time)
    real = build._run_jobs
    wall: list[float] = []

    def profiled(*a, **k):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        profiler.enable()
        try:
            return real(*a, **k)
        finally:
            profiler.disable()
            wall.append(time.perf_counter() - start)

    try:
        site = national_site(tmp / "site")
        options = build.BuildOptions(
            data_dir=args.data, out_dir=tmp / "public", site_dir=site, parallel=False, inbox=False
        )
        if args.warm:
            build.build_site(options)
            options = dataclasses.replace(options, full=True)
        build._run_jobs = profiled  # type: ignore[assignment]
        report = build.build_site(options)
    finally:
        build._run_jobs = real  # type: ignore[assignment]
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{report.pages} pages, {report.files} files; render+write stage: {sum(wall):.1f} s wall")
    print(f"code measured: {Path(build.__file__).parent}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    entries = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    for part, needles in PARTS:
        seconds = sum(
            ct
            for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in entries.items()
            if any(f"{Path(file).name}:{func}" == n for n in needles)
        )
        print(f"{part}: {seconds:.2f} s ({100 * seconds / total:.0f} % of the stage, profiled)")


if __name__ == "__main__":
    main()
