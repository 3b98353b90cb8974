"""Issue 18 item 7: the render workers' per-page costs besides Jinja2, on a built site.

    .venv/bin/python bench/pagecost_bench.py SITE [--step 5] [--runs 3] [--root DIR]

For every --step-th file of the built SITE (outside the search indexes), in CPU seconds
(`time.process_time`): the privacy scan every published byte gets (`build._scan`) and, for
the pages search indexes, the search copy (`search.search_copy`) with its parts (the ignored
parts dropped, the separators, the folded đ-words). Prints the medians of --runs passes in
ms a page and a hash of the copies (equal hashes: the same bytes for Pagefind).

`--root DIR` measures the antq source tree at DIR (e.g. a copy of main) in a child process
with this interpreter: run both in one go to compare on a shared machine.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(site: Path, step: int, runs: int) -> None:
    from generator import build, search
    from generator.htmlread import MAIN, drop_ignored

    files = sorted(
        p for p in site.rglob("*") if p.is_file() and not p.parts[-2].startswith("pagefind")
    )[::step]
    data = [(p.relative_to(site).as_posix(), p.read_bytes()) for p in files]
    pages = [(rel, raw.decode()) for rel, raw in data if search.index_dir(rel, True)]
    mains = [m.group(0) for _, text in pages if (m := MAIN.search(text))]
    parts = {
        "scan, every file": lambda: [build._scan(rel, raw) for rel, raw in data],
        "search copy, indexed page": lambda: [search.search_copy(t, r) for r, t in pages],
        "  ignored parts dropped": lambda: [drop_ignored(m) for m in mains],
        "  separators": lambda: [search.separate(m) for m in mains],
        "  folded words": lambda: [search.folded_words(m) for m in mains],
    }
    counts = {name: len(data) if name.startswith("scan") else len(pages) for name in parts}
    times: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(runs):
        for name, work in parts.items():
            start = time.process_time()
            work()
            times[name].append(time.process_time() - start)
    digest = hashlib.sha256()
    for rel, text in pages:
        digest.update((search.search_copy(text, rel) or "").encode())
    print(f"code: {Path(search.__file__).parent}")
    print(f"{len(data)} files ({len(pages)} indexed pages), every {step}th of {site}")
    for name, spent in times.items():
        per = statistics.median(spent) / max(1, counts[name]) * 1e3
        print(
            f"{name:<28} {per:6.3f} ms CPU a file   (runs: {', '.join(f'{t:.2f}' for t in spent)} s)"
        )
    print(f"search copies' hash: {digest.hexdigest()[:16]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--step", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=None)
    args = parser.parse_args()
    if args.root is not None:
        env = {**os.environ, "PYTHONPATH": str(args.root.resolve())}
        command = [sys.executable, __file__, str(args.site.resolve())]
        command += ["--step", str(args.step), "--runs", str(args.runs)]
        subprocess.run(command, cwd=args.root, env=env, check=True)
        return
    measure(args.site.resolve(), args.step, args.runs)


if __name__ == "__main__":
    main()
