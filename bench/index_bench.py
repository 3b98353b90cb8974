"""Issue 18 item 5: the site index made again after a one-row edit of indexed text, this
tree against a peer tree, on a national build's own search copies and index.

    .venv/bin/python bench/index_bench.py --out PUBLIC --cache CACHE [--peer DIR] [--runs 3]

PUBLIC and CACHE are the --out folder and ANTQ_CACHE_DIR of a finished national build (e.g.
`antq build` on `bench/out/national` with a national site folder: build_bench.national_site);
neither is modified. One search copy of a xã page gets a recipient's given name changed (what
bench/build_bench.py's award edit changes), in a hard-linked copy of the copies folder; then,
runs alternating between the trees, each in a new process: `search.build_index` of that tree
with the previous build's index in place of the live site (hard links), its cache entry saying
the copies changed, as an edit's rebuild and `antq serve`'s catch-up call it. Prints each run's
wall and CPU seconds (the Python process and Pagefind), the medians, the load, and whether
both trees made the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITED = "edited"  # the edited copy's digest in the copies map (any other value would do)
# A person's name in an award row of a xã page's search copy, its given name changed.
NAME = re.compile(r"Nguyễn Văn (\w+)")


def cache_entry(cache: Path) -> tuple[Path, dict]:
    """The build cache file of the national build in `cache` (the one with a site index)."""
    for path in sorted((cache / "build").glob("*.json")):
        found = json.loads(path.read_text(encoding="utf-8"))
        if found.get("search", {}).get("site", {}).get("files"):
            return path, found
    raise SystemExit(f"no build cache with a search index in {cache}/build")


def edited_copies(copies: Path, work: Path) -> str:
    """A hard-linked copy of `copies` in `work` with one xã page's copy edited; its path."""
    shutil.copytree(copies, work, copy_function=os.link)
    for path in sorted((work / "pagefind" / "tinh").rglob("index.html")):
        text = path.read_text(encoding="utf-8")
        found = NAME.search(text)
        if found:
            given = "Sang" if found.group(1) != "Sang" else "Sơn"
            path.unlink()  # (a link to the build's own copy: write a new file)
            path.write_text(text.replace(found.group(0), f"Nguyễn Văn {given}", 1), "utf-8")
            return path.relative_to(work).as_posix()
    raise SystemExit("no xã page's copy names a Nguyễn Văn")


def side(tree: Path, out: Path, cache_file: Path, copies: Path, edited: str, work: Path) -> None:
    """One run in this process: `tree`'s build_index, timed; its index left in work/index."""
    sys.path.insert(0, str(tree))
    from generator import search
    from generator.derived import Derived
    from generator.output import Staging

    found = json.loads(cache_file.read_text(encoding="utf-8"))
    files = found["search"]["site"]["files"]
    target = work / "site"
    for rel in files:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(out / rel, target / rel)
    # The previous index as this Pagefind made it (a tree that keeps no such field ignores it).
    engine = metadata.version("pagefind_bin")
    entry = dict(found["search"]["site"], key="before the edit", engine=engine)
    staging = Staging(target)
    derived = Derived(staging, {rel: found["outputs"][rel] for rel in files}, {})
    wall, before = time.perf_counter(), _cpu()
    search.build_index(derived, copies, {**found["copies"], edited: EDITED}, {"site": entry})
    wall, (own, pagefind) = time.perf_counter() - wall, _cpu(before)
    print(json.dumps({"wall": wall, "python": own, "pagefind": pagefind}))
    shutil.move(str(staging.dir / search.INDEX_DIR), work / "index")
    shutil.rmtree(staging.dir)


def _cpu(since: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return (
        me.ru_utime + me.ru_stime - since[0],
        kids.ru_utime + kids.ru_stime - since[1],
    )


def run_side(
    tree: Path, args: argparse.Namespace, cache_file: Path, copies: Path, edited: str
) -> tuple[dict[str, float], dict[str, bytes]]:
    with tempfile.TemporaryDirectory(prefix="index-bench-", dir=args.out.parent) as tmp:
        cmd = [sys.executable, __file__, "--side", str(tree), "--out", str(args.out)]
        cmd += ["--cache", str(args.cache), "--copies", str(copies), "--edited", edited]
        cmd += ["--work", tmp, "--cache-file", str(cache_file)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{tree}: {done.stdout}{done.stderr}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        index = Path(tmp) / "index"
        made = {
            p.relative_to(index).as_posix(): p.read_bytes() for p in index.rglob("*") if p.is_file()
        }
    return figures, made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True, help="a national build's --out")
    parser.add_argument("--cache", type=Path, required=True, help="its ANTQ_CACHE_DIR")
    parser.add_argument("--peer", type=Path, help="another antq tree (e.g. main's)")
    parser.add_argument("--runs", type=int, default=3)
    for inner in ("--side", "--copies", "--edited", "--work", "--cache-file"):
        parser.add_argument(inner, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out, args.cache = args.out.resolve(), args.cache.resolve()
    if args.side:
        side(
            Path(args.side),
            args.out,
            Path(args.cache_file),
            Path(args.copies),
            args.edited,
            Path(args.work),
        )
        return
    cache_file, found = cache_entry(args.cache)
    trees = [ROOT, *([args.peer.resolve()] if args.peer else [])]
    with tempfile.TemporaryDirectory(prefix="index-bench-copies-", dir=args.cache) as tmp:
        copies = Path(tmp) / "copies"
        edited = edited_copies(cache_file.with_name(cache_file.stem + "-search"), copies)
        print(
            f"edited copy: {edited}; pages in the site index: "
            f"{sum(rel.startswith('pagefind/') for rel in found['copies'])}"
        )
        figures: dict[Path, list[dict]] = {tree: [] for tree in trees}
        made: dict[Path, dict[str, bytes]] = {}
        for _ in range(args.runs):
            for tree in trees:
                one, made[tree] = run_side(tree, args, cache_file, copies, edited)
                figures[tree].append(one)
                print(
                    f"  {tree}: {one['wall']:.1f} s wall, {one['python']:.2f} + "
                    f"{one['pagefind']:.2f} CPU s (Python + Pagefind), load "
                    f"{os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    for tree, runs in figures.items():
        cpu = [r["python"] + r["pagefind"] for r in runs]
        print(
            f"{tree}: median {statistics.median(r['wall'] for r in runs):.1f} s wall, "
            f"{statistics.median(cpu):.2f} CPU s, {len(made[tree])} index files"
        )
    if args.peer:
        print(f"same index bytes: {made[trees[0]] == made[trees[1]]}")


if __name__ == "__main__":
    main()
