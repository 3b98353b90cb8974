"""How many shards for the lesson library's Pagefind index (issue 18 item 5).

    .venv/bin/python bench/shard_bench.py [--pages 5000] [--shards 1 2 3 4] [--runs 1]

Builds the peers corpus (bench/peers_bench.py: --pages lessons) once with antq, takes the
library's search copies from the build cache, and for each shard count splits them as
generator.search does (a lesson by the hash of its address, the lists in the first shard),
then makes the shards as a build does: Pagefind runs side by side, `workers.count()` at a
time, the largest first. Prints, for each count, the wall and CPU seconds of making them
(medians of --runs, beside the load average) and the bytes a first search loads before any
word (each shard's pagefind-entry.json and metadata, gzip as served: Pagefind writes the
metadata compressed).
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from peers_bench import corpus, legal_ids, setup_antq  # noqa: E402

from generator import search, workers  # noqa: E402


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _split(copies: list[tuple[str, Path]], shards: int, into: Path) -> list[tuple[Path, int]]:
    """The copies hard-linked into one folder per shard: (folder, pages) of each."""
    folders = [into / f"shard-{n}" for n in range(shards)]
    counts = [0] * shards
    for rel, path in copies:
        # As `search.library_index_dir`, for any number of shards.
        number = search._bucket(rel, shards) if search._LESSON_PAGE.match(rel) else 0
        target = folders[number] / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
        counts[number] += 1
    return list(zip(folders, counts, strict=True))


def _first_bytes(out: Path) -> int:
    """What a first search loads of an index before its words' chunks: the entry and the
    metadata (already gzip), the entry gzip-compressed as a host serves JSON."""
    total = len(gzip.compress((out / "pagefind-entry.json").read_bytes()))
    return total + sum(p.stat().st_size for p in out.glob("pagefind.*.pf_meta"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--shards", type=int, nargs="+", default=[1, 2, 3, 4])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="shard-bench-"))
    try:
        data = setup_antq(tmp, corpus(args.pages, 2025, legal_ids()))
        cache = tmp / "cache"
        env = {**os.environ, "ANTQ_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1763683200"}
        build = [sys.executable, "-m", "generator", "build", "--data", str(data)]
        build += ["--out", str(tmp / "public"), "--site", str(ROOT / "site")]
        subprocess.run(build, cwd=ROOT, env=env, check=True, capture_output=True)
        root = next((cache / "build").glob("*-search"))
        copies = []
        for folder in sorted(root.glob(f"{search.LIBRARY_INDEX_DIR}*")):
            for path in folder.rglob("*.html"):
                copies.append((path.relative_to(folder).as_posix(), path))
        copies.sort()
        print(
            f"{len(copies)} search copies of the library; {workers.count()} Pagefind runs at a "
            f"time; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for shards in args.shards:
            walls, cpus = [], []
            for run in range(args.runs):
                work = tmp / f"split-{shards}-{run}"
                parts = _split(copies, shards, work)
                runs = [(folder, work / f"out-{folder.name}") for folder, _ in parts]
                wall, used = time.perf_counter(), _cpu()
                search._run_all(runs, None, workers.count(), [n for _, n in parts])
                walls.append(time.perf_counter() - wall)
                cpus.append(_cpu() - used)
                first = sum(_first_bytes(out) for _, out in runs)
                if run < args.runs - 1:
                    shutil.rmtree(work)
            print(
                f"{shards} shard(s) of {', '.join(str(n) for _, n in parts)} pages: "
                f"{median(walls):5.2f} s wall, {median(cpus):5.2f} s CPU; first search loads "
                f"{first / 1e3:.0f} kB of entries and metadata; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            shutil.rmtree(work)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
