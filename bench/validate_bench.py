"""Issue 2 figures: `antq validate` and the typed read on the national synthetic package.

    .venv/bin/python bench/validate_bench.py [--runs 3] [--out bench/out/national]

Prints cold validation (no cache), warm validation (nothing changed: cache), one-row-edit
validation, and the typed read, as medians of --runs runs, with peak memory. A peer run of
plain Frictionless `Package.validate()` on the same files is printed for comparison (once,
it is slow). Targets: cold <= 40 s, warm <= 3 s, < 1 GB; typed read <= 5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import median, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ANTQ = [PY, "-m", "generator"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "national")
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()
    pkg: Path = args.out
    if not (pkg / "datapackage.yaml").exists():
        wall, mem, _ = run([*ANTQ, "synth", "--scale", "national", "--out", str(pkg)], cwd=ROOT)
        print(f"synth national: {wall:.1f} s, {mem:.0f} MB")
    size = sum(f.stat().st_size for f in pkg.glob("*.csv")) / 1e6
    rows = sum(max(0, sum(1 for _ in f.open("rb")) - 1) for f in pkg.glob("*.csv"))
    print(f"package: {pkg} — {rows:,} rows, {size:.1f} MB of CSV")
    cache = Path(tempfile.mkdtemp(prefix="antq-bench-cache-"))
    env = {**os.environ, "ANTQ_CACHE_DIR": str(cache)}
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


if __name__ == "__main__":
    main()
