"""The one HTML reader (generator/htmlread.py) against the code before it, in the same run.

    .venv/bin/python bench/htmlread_bench.py [--base main] [--runs 3]

The base revision's `generator/` is extracted (`git archive`) into a temporary folder and
run with PYTHONPATH pointing at it; the working tree's code runs as installed. For each,
`antq build --full` of the sample (data/, site/; SOURCE_DATE_EPOCH fixed, fresh output)
and `antq check` of what it built, alternating old and new so that load on the shared
machine falls on both alike. Prints the median wall time of each and the ratio new/old
(below 1: the new code is faster), and whether both builds wrote the same bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_same_tree(a / d, b / d) for d in cmp.common_dirs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="main", help="the revision to compare with")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="htmlread-bench-") as tmp:
        work = Path(tmp)
        old_code = work / "old"
        old_code.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.base, "generator"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old_code)], input=archive, check=True)
        base_env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        envs = {
            "old": dict(base_env, PYTHONPATH=str(old_code)),
            "new": dict(base_env, PYTHONPATH=str(ROOT)),
        }
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.runs):
            for name, env in envs.items():
                out = work / f"out-{name}"
                shutil.rmtree(out, ignore_errors=True)
                build = [sys.executable, "-m", "generator", "build", "--full"]
                build += ["--data", "data", "--site", "site", "--out", str(out)]
                times.setdefault((name, "build"), []).append(_timed(build, env))
                check = [sys.executable, "-m", "generator", "check", str(out)]
                times.setdefault((name, "check"), []).append(_timed(check, env))
        for step in ("build", "check"):
            old = statistics.median(times[("old", step)])
            new = statistics.median(times[("new", step)])
            print(
                f"{step}: old {old:.2f} s, new {new:.2f} s, ratio new/old {new / old:.3f} "
                f"(median of {args.runs})"
            )
        same = _same_tree(work / "out-old", work / "out-new")
        print(f"builds byte-identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
