"""Issue 18: where a one-row edit's rebuild spends its time in `antq serve` (the warm path:
records, model and row states held in memory), stage by stage and by function.

    .venv/bin/python bench/serve_profile.py --data PKG --work DIR [--edit assessments]
        [--edits 4] [--top 30] [--sort tottime]

Runs `antq serve`'s DevServer in this process on PKG (a national package, e.g. /tmp/natpkg;
copied into DIR, never modified), with a national site/ copy, its output and cache in DIR
(kept: a second run reuses the cache). After the first build and its search index, it makes
build_bench's edit (`assessments`: one yearly result flipped; `awards`: one recipient's
name) and undoes it, `--edits` rebuilds in all, each waited for as the server does (its
search caught up, idle work done), and prints each rebuild's stages (wall/CPU seconds).
The rebuilds after the first are profiled (cProfile timed by the build thread's CPU
clock, so a loaded host does not skew it; the threads it starts, e.g. the open data's
compression, are not profiled) and the functions with the most time printed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import (  # noqa: E402
    SOURCE_DATE_EPOCH,
    edited_assessment,
    edited_awards,
    national_site,
)

from generator.build import BuildOptions  # noqa: E402
from generator.serve import DevServer, stage_line  # noqa: E402


def _wait_idle(server: DevServer) -> None:
    """Until the search index caught up (the idle work after it done)."""
    deadline = time.monotonic() + 1800
    while server.search_pending or server._search_wanted.is_set():
        if time.monotonic() > deadline:
            raise SystemExit("the search index never caught up")
        time.sleep(0.1)
    with server._build_lock:  # (the catch-up's idle work ends inside it)
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--edit", choices=("awards", "assessments"), default="assessments")
    parser.add_argument("--edits", type=int, default=4)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--callers", default="", help="print the callers of these functions")
    parser.add_argument("--dump", type=Path, help="write the profile there (pstats)")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    pkg, site = work / "pkg", work / "site"
    shutil.rmtree(pkg, ignore_errors=True)
    shutil.copytree(args.data, pkg)
    if not site.exists():
        national_site(site)
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    out = work / "public"
    shutil.rmtree(out, ignore_errors=True)
    options = BuildOptions(data_dir=pkg, out_dir=out, site_dir=site, cache_dir=work / "cache")
    server = DevServer(options, port=0, watch_dirs=[], log=lambda line: None, verbose=True)
    start = time.perf_counter()
    server.start()
    _wait_idle(server)
    print(f"first build and its index: {time.perf_counter() - start:.0f} s")
    table = pkg / f"{args.edit}.csv"
    original = table.read_bytes()
    edit = edited_awards if args.edit == "awards" else edited_assessment
    edited = edit(original)[0]
    # The build thread's CPU time, not the wall clock: the host is shared (load 8-15).
    profile = cProfile.Profile(time.thread_time)
    try:
        for i in range(args.edits):
            table.write_bytes(edited if i % 2 == 0 else original)
            time.sleep(0.3)
            cpu = time.process_time()
            wall = time.perf_counter()
            if i:
                profile.enable()
            report = server.rebuild(f"edit {i}")
            if i:
                profile.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            assert report is not None and not report.skipped, "the edit was not built"
            print(
                f"edit {i}: {wall:.2f} s wall, {cpu:.2f} CPU s (process), {report.written} written"
            )
            print(stage_line(report))
            _wait_idle(server)
    finally:
        server.stop()
    stats = pstats.Stats(profile)
    if args.dump:
        stats.dump_stats(args.dump)
    stats.sort_stats(args.sort).print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
