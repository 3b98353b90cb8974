"""Issue 2 figures: `antq validate` and the typed read on the national synthetic package.

    .venv/bin/python bench/validate_bench.py [--runs 3] [--out bench/out/national]

`--cold-only [--peer DIR]`: only cold validation (`antq validate`, a fresh cache each run),
with the CPU seconds of its process tree (the validator's worker processes included) beside
its wall time; with --peer, the antq source tree at DIR (e.g. a worktree of main) measured
too, alternating run by run with this tree, with the load average before each run.

Prints cold validation (no cache), warm validation (nothing changed: cache), one-row-edit
validation, and the typed read, as medians of --runs runs, with peak memory.

Issue 18 item 3 (row-level validation): a one-row edit of a yearly result in the 400,000-row
assessments.csv, validated before (the whole table checked again, as when the cache holds no
row-level state) and after (only the changed row checked), in the same run: the seconds of
`validate_package` (the build's validate stage) and of the whole `antq validate` process. A peer run of
plain Frictionless `Package.validate()` on the same files is printed for comparison (once,
it is slow). Targets: cold <= 40 s, warm <= 3 s, < 1 GB; typed read <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import median, run  # noqa: E402
from build_bench import edited_assessment  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ANTQ = [PY, "-m", "generator"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "national")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--cache", type=Path, help="a validation cache to use (and keep)")
    parser.add_argument(
        "--rows-only", action="store_true", help="only the row-level figures (issue 18 item 3)"
    )
    parser.add_argument(
        "--cold-only", action="store_true", help="only cold validation (see --peer)"
    )
    parser.add_argument("--peer", type=Path, help="with --cold-only: a second source tree")
    args = parser.parse_args()
    pkg: Path = args.out
    if args.cold_only:
        cold_only(pkg, args.runs, args.peer)
        return
    if not (pkg / "datapackage.yaml").exists():
        wall, mem, _ = run([*ANTQ, "synth", "--scale", "national", "--out", str(pkg)], cwd=ROOT)
        print(f"synth national: {wall:.1f} s, {mem:.0f} MB")
    size = sum(f.stat().st_size for f in pkg.glob("*.csv")) / 1e6
    rows = sum(max(0, sum(1 for _ in f.open("rb")) - 1) for f in pkg.glob("*.csv"))
    print(f"package: {pkg} — {rows:,} rows, {size:.1f} MB of CSV")
    cache = args.cache or Path(tempfile.mkdtemp(prefix="antq-bench-cache-"))
    env = {**os.environ, "ANTQ_CACHE_DIR": str(cache)}
    if args.rows_only:
        run([*ANTQ, "validate", str(pkg)], cwd=ROOT, env=env)
        row_level(pkg, env, cache, args.runs)
        if not args.cache:
            shutil.rmtree(cache, ignore_errors=True)
        return
    cold, cold_mem, warm, warm_mem, edit, edit_mem, read, read_mem = ([] for _ in range(8))
    for _ in range(args.runs):
        shutil.rmtree(cache, ignore_errors=True)
        w, m, code = run([*ANTQ, "validate", str(pkg)], cwd=ROOT, env=env)
        assert code == 0, "the synthetic package must validate clean"
        cold.append(w), cold_mem.append(m)
        w, m, _ = run([*ANTQ, "validate", str(pkg)], cwd=ROOT, env=env)
        warm.append(w), warm_mem.append(m)
        events = pkg / "events.csv"
        original = events.read_bytes()
        lines = original.decode().splitlines(keepends=True)
        events.write_text(lines[0] + lines[1].replace("Ngày", "Ngày ", 1) + "".join(lines[2:]))
        w, m, _ = run([*ANTQ, "validate", str(pkg)], cwd=ROOT, env=env)
        edit.append(w), edit_mem.append(m)
        events.write_bytes(original)
        w, m, _ = run(
            [
                PY,
                "-c",
                f"from generator.data.load import read_package; read_package(__import__('pathlib').Path({str(pkg)!r}))",
            ],
            cwd=ROOT,
        )
        read.append(w), read_mem.append(m)
    print(
        f"validate cold (no cache): median {median(cold):.1f} s, peak {max(cold_mem):.0f} MB   [target <= 40 s, < 1024 MB]"
    )
    print(
        f"validate warm (no change): median {median(warm):.2f} s, peak {max(warm_mem):.0f} MB   [target <= 3 s]"
    )
    print(
        f"validate after one-row edit of events.csv: median {median(edit):.2f} s, peak {max(edit_mem):.0f} MB"
    )
    row_level(pkg, env, cache, args.runs)
    print(
        f"typed read (read_package, whole process): median {median(read):.2f} s, peak {max(read_mem):.0f} MB   [target <= 5 s]"
    )
    if not args.skip_peer:
        code = f"from frictionless import Package; r = Package({str(pkg / 'datapackage.yaml')!r}).validate(); print(r.valid)"
        w, m, _ = run([PY, "-c", code], cwd=ROOT)
        print(
            f"peer: plain Frictionless Package.validate() (with foreign keys, one process): {w:.1f} s, {m:.0f} MB"
        )
        print(f"ratio cold antq / plain Frictionless: {median(cold) / w:.2f}")
    shutil.rmtree(cache, ignore_errors=True)


def cold_only(pkg: Path, runs: int, peer: Path | None) -> None:
    """Cold `antq validate` of `pkg` by this tree (and `peer`), alternating: medians of wall
    and process-tree CPU seconds."""
    trees = {"this tree": ROOT, **({"peer": peer.resolve()} if peer else {})}
    figures: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in trees}
    for i in range(runs):
        for name, tree in trees.items():
            cache = Path(tempfile.mkdtemp(prefix="antq-cold-"))
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall, mem, code = run(
                [*ANTQ, "validate", str(pkg)],
                cwd=tree,
                env={**os.environ, "ANTQ_CACHE_DIR": str(cache)},
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            assert code == 0, f"{name}: the package must validate clean"
            figures[name][0].append(wall)
            figures[name][1].append(cpu)
            print(
                f"run {i + 1} {name} ({tree}): {wall:.1f} s wall, {cpu:.1f} CPU s, {mem:.0f} MB, load {load:.1f}"
            )
            shutil.rmtree(cache, ignore_errors=True)
    for name, (walls, cpus) in figures.items():
        print(f"validate cold, {name}: median {median(walls):.1f} s wall, {median(cpus):.1f} CPU s")


_TIMED = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from generator.data.validate import validate_package
imported = time.perf_counter()
result = validate_package(Path(sys.argv[1]))
done = time.perf_counter()
print(json.dumps({"validate": done - imported, "imports": imported - start,
                  "by_rows": result.by_rows, "checked": result.checked,
                  "errors": len(result.errors)}))
"""


def timed_validate(pkg: Path, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    """(process wall seconds, what the process measured inside)."""
    start = time.perf_counter()
    out = subprocess.run(
        [PY, "-c", _TIMED, str(pkg)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    return wall, json.loads(out.stdout.strip().splitlines()[-1])


def row_level(pkg: Path, env: dict[str, str], cache: Path, runs: int) -> None:
    """Issue 18 item 3: one yearly result flipped in assessments.csv, whole table vs rows."""
    table = pkg / "assessments.csv"
    original = table.read_bytes()
    edited, what = edited_assessment(original)
    state = cache / "validate" / "assessments.rows"
    before: list[float] = []
    before_wall: list[float] = []
    after: list[float] = []
    after_wall: list[float] = []
    for _ in range(runs):
        timed_validate(pkg, env)  # warm: the cache holds the original
        state.unlink(missing_ok=True)  # before: no row-level state, the whole table again
        table.write_bytes(edited)
        wall, inside = timed_validate(pkg, env)
        assert inside["checked"] == ["assessments"] and not inside["by_rows"], inside
        before.append(float(inside["validate"]))  # type: ignore[arg-type]
        before_wall.append(wall)
        table.write_bytes(original)
        timed_validate(pkg, env)  # back to the original (by its rows: a state is stored)
        table.write_bytes(edited)  # after: the changed row alone
        wall, inside = timed_validate(pkg, env)
        assert inside["by_rows"] == ["assessments"] and not inside["checked"], inside
        after.append(float(inside["validate"]))  # type: ignore[arg-type]
        after_wall.append(wall)
        table.write_bytes(original)
    print(f"one-row edit of assessments.csv ({what}), medians of {runs}:")
    print(
        f"  validate_package: whole table {median(before):.2f} s -> changed rows "
        f"{median(after):.2f} s   [target <= 1 s]"
    )
    print(
        f"  antq validate process (imports included): {median(before_wall):.2f} s -> "
        f"{median(after_wall):.2f} s"
    )


if __name__ == "__main__":
    main()
