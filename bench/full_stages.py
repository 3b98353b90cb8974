"""CPU and wall seconds of each stage of a warm `antq build --full` of the national package
(issue 18: the render stage), several antq trees compared in one go.

    .venv/bin/python bench/full_stages.py --root DIR [--root DIR2 ...] [--data bench/out/national] [--runs 3]

For each --root (an antq source tree, e.g. main's `git worktree add --detach`): one cold
build of a copy of the package (untimed: it fills that tree's own cache: validation, parsed
tables, Markdown, kept open data), then `--runs` rounds in which every tree builds `--full`
into a fresh output folder, the trees alternating. Each tree builds with its own site folder
(its templates), made national. Each stage's CPU seconds (user + system,
the forked render workers and Pagefind included: stage_cpu.PROBE) and wall seconds, the
whole build's, and the load average before each run; medians per tree. Last, whether the
trees' last outputs are the same bytes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import SOURCE_DATE_EPOCH, national_site  # noqa: E402
from stage_cpu import PROBE, same_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def build(root: Path, work: Path, out: Path, full: bool) -> dict[str, tuple[float, float]]:
    """One `antq build` by the tree `root` (its cache, site and package under `work`)."""
    env = {**os.environ, "ANTQ_CACHE_DIR": str(work / "cache")}
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    args = ["--data", str(work / "national"), "--out", str(out), "--site", str(work / "site")]
    command = [sys.executable, "-c", PROBE, *args, *(["--full"] if full else [])]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{done.stdout}\n{done.stderr}")
    rows = [line.split()[1:] for line in done.stdout.splitlines() if line[:6] == "STAGE "]
    return {name: (float(cpu), float(wall)) for name, cpu, wall in rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, action="append", required=True)
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "national")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="antq-full-stages-"))
    roots = [r.resolve() for r in args.root]
    try:
        works = []
        for i, root in enumerate(roots):
            work = tmp / f"tree{i}"
            shutil.copytree(args.data, work / "national")
            national_site(work / "site", root / "site")  # each tree its own templates
            build(root, work, work / "public", full=False)  # fills this tree's cache
            works.append(work)
        results: list[list[dict[str, tuple[float, float]]]] = [[] for _ in roots]
        for run in range(args.runs):
            for i, root in enumerate(roots):
                out = works[i] / "public"
                shutil.rmtree(out, ignore_errors=True)
                load = os.getloadavg()[0]
                results[i].append(build(root, works[i], out, full=True))
                total = results[i][-1]["total"]
                print(
                    f"run {run + 1}, {root}: {total[1]:.1f} s wall, {total[0]:.1f} CPU s"
                    f" (load {load:.1f})",
                    flush=True,
                )
        for root, runs in zip(roots, results, strict=True):
            print(f"\n{root}: medians of {len(runs)} warm --full builds (CPU s / wall s)")
            for name in runs[0]:
                cpu = statistics.median(r[name][0] for r in runs if name in r)
                wall = statistics.median(r[name][1] for r in runs if name in r)
                print(f"  {name:<14} {cpu:7.2f} CPU s {wall:7.2f} s")
        if len(roots) > 1:
            same = all(same_tree(works[0] / "public", w / "public") for w in works[1:])
            print(f"\noutputs the same bytes: {'yes' if same else 'NO'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
