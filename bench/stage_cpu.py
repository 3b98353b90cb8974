"""CPU seconds of each build stage on the peers corpus (issue 18): where antq's time goes.

    .venv/bin/python bench/stage_cpu.py [--pages 1000] [--root DIR ...]

Makes bench/peers_bench.py's antq package (--pages lessons added to tests/fixtures/good),
then builds it from a cold cache once with each --root (an antq source tree, default this
one; e.g. a copy of main made with `git archive main | tar -x -C DIR`; with its own site/,
whose templates go with its code), one after the
other, each in a new process. Prints the CPU seconds (user + system, the worker processes
and Pagefind included) and wall seconds of each stage, and whether the outputs are the
same bytes. Figures of one go only: compare the trees in the same run.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers_bench  # noqa: E402
from _corpus import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# Runs in the measured tree: times each stage of `antq build` as the CLI runs it.
PROBE = """
import os, sys, time
from contextlib import contextmanager
t0, w0 = os.times(), time.perf_counter()
import generator.build as b
from generator.cli import main
def cpu(t): return t.user + t.system + t.children_user + t.children_system
rows = [("imports", cpu(os.times()) - cpu(t0), time.perf_counter() - w0)]
@contextmanager
def stage(self, name):
    a, w = os.times(), time.perf_counter()
    yield
    rows.append((name, cpu(os.times()) - cpu(a), time.perf_counter() - w))
    self.report.timings[name] = time.perf_counter() - w
b._Timer.stage = stage
sys.argv = ["antq", "build", *sys.argv[1:]]
try:
    main()
finally:
    rows.append(("total", cpu(os.times()) - cpu(t0), time.perf_counter() - w0))
    for name, c, w in rows:
        print(f"STAGE {name} {c:.2f} {w:.2f}")
"""


def same_tree(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    if files != sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()):
        return False
    return all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--root", type=Path, action="append", help="an antq source tree")
    args = parser.parse_args()
    roots = [r.resolve() for r in (args.root or [ROOT])]
    tmp = Path(tempfile.mkdtemp(prefix="stage-cpu-"))
    try:
        docs = corpus(args.pages, args.seed, peers_bench.legal_ids())
        data = peers_bench.setup_antq(tmp, docs)
        env = {**os.environ, "SOURCE_DATE_EPOCH": peers_bench.SOURCE_DATE_EPOCH}
        figures: list[dict[str, tuple[float, float]]] = []
        for n, root in enumerate(roots):
            out = tmp / f"site-{n}"
            cmd = [sys.executable, "-c", PROBE, "--data", str(data), "--out", str(out)]
            cmd += ["--site", str(root / "site")]  # each tree's site: its templates
            done = subprocess.run(
                cmd,
                cwd=root,
                env={**env, "ANTQ_CACHE_DIR": str(tmp / f"cache-{n}"), "PYTHONPATH": str(root)},
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"{root}: build failed\n{done.stdout}{done.stderr}")
            rows = [line.split()[1:] for line in done.stdout.splitlines() if line[:6] == "STAGE "]
            figures.append({name: (float(c), float(w)) for name, c, w in rows})
        print(f"corpus: {len(docs)} lessons; CPUs: {os.cpu_count()}; CPU s / wall s per stage")
        print(f"{'stage':<14}" + "".join(f"{'tree ' + str(n):>18}" for n in range(len(roots))))
        for name in figures[0]:
            cells = "".join(
                f"{f.get(name, (0, 0))[0]:9.2f}{f.get(name, (0, 0))[1]:9.2f}" for f in figures
            )
            print(f"{name:<14}{cells}")
        for n, root in enumerate(roots):
            print(f"tree {n}: {root}")
        for n in range(1, len(roots)):
            same = same_tree(tmp / "site-0", tmp / f"site-{n}")
            print(f"output of tree {n} {'==' if same else '!='} output of tree 0 (every byte)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
