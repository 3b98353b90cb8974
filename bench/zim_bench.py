"""Size and time of `antq export zim`: the sample lesson library, then generated lessons.

    .venv/bin/python bench/zim_bench.py [--lessons 300] [--runs 3] [--seed 2025]

Each run is the command a school's IT person would type, `antq export zim --out F`, from
scratch: a cold build of the site into a temporary directory (fresh ANTQ_CACHE_DIR,
SOURCE_DATE_EPOCH fixed), the rewrite of the exported pages and the ZIM with its Vietnamese
full-text index. Timed by bench/_measure.run (wall time, peak resident memory of the process
tree); median of --runs.

- sample: data/ as it is (its lessons, data/lessons/*.md);
- generated: a copy of data/ with --lessons lessons from bench/_corpus.py added to its
  lessons/ folder (500–900 words each, a table, a list, a note, one or two `legal:` links to
  documents of data/legal_documents.csv, the closing quiz; front matter valid against
  data/schemas/lesson.yaml). Targets: ZIM <= 20 MB, export <= 60 s.

Also printed: the time `antq build` alone takes on the same data (the export starts with
that build), entries and full-text hits for "lua dao" in the ZIM (read back with libzim),
and the same data as the USB zip (`antq export bundle`), for comparison.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import corpus  # noqa: E402
from _measure import median, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ANTQ = [sys.executable, "-m", "generator"]
SOURCE_DATE_EPOCH = "1763683200"


def legal_ids(data: Path) -> list[str]:
    with (data / "legal_documents.csv").open(encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def package(tmp: Path, lessons: int, seed: int) -> Path:
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    for doc in corpus(lessons, seed, legal_ids(data)):
        (data / "lessons" / f"{doc.slug}.md").write_text(doc.antq(), encoding="utf-8")
    return data


def measure(kind: str, data: Path, out: Path, runs: int, tmp: Path) -> tuple[float, float]:
    """Median wall seconds and peak MB of `antq export <kind>` over runs cold exports."""
    walls, peaks = [], []
    for i in range(runs):
        env = {
            **os.environ,
            "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
            "ANTQ_CACHE_DIR": str(tmp / f"cache-{kind}-{i}"),
        }
        out.unlink(missing_ok=True)
        cmd = [*ANTQ, "export", kind, "--data", str(data), "--site", str(ROOT / "site")]
        wall, peak, code = run([*cmd, "--out", str(out)], cwd=ROOT, env=env)
        if code != 0:
            raise SystemExit(f"antq export {kind} failed ({code}) on {data}")
        walls.append(wall)
        peaks.append(peak)
    return median(walls), max(peaks)


def build_time(data: Path, runs: int, tmp: Path) -> float:
    """Median wall seconds of `antq build` alone on the same data (cold cache): the part of
    an export spent building the site before any page is rewritten."""
    walls = []
    for i in range(runs):
        env = {
            **os.environ,
            "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
            "ANTQ_CACHE_DIR": str(tmp / f"cache-build-{i}"),
        }
        out = tmp / f"public-{i}"
        cmd = [*ANTQ, "build", "--data", str(data), "--site", str(ROOT / "site")]
        wall, _, code = run([*cmd, "--out", str(out), "--full"], cwd=ROOT, env=env)
        if code != 0:
            raise SystemExit(f"antq build failed ({code}) on {data}")
        shutil.rmtree(out, ignore_errors=True)
        walls.append(wall)
    return median(walls)


def describe(zim: Path) -> str:
    from libzim.reader import Archive
    from libzim.search import Query, Searcher

    archive = Archive(zim)
    hits = Searcher(archive).search(Query().set_query("lua dao")).getEstimatedMatches()
    return (
        f"{archive.article_count:,} pages, {archive.entry_count:,} entries, "
        f"full-text hits for “lua dao”: {hits:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    print(f"runs: {args.runs} (median), CPUs: {os.cpu_count()}")
    tmp = Path(tempfile.mkdtemp(prefix="antq-zim-bench-"))
    try:
        count = len(list((ROOT / "data" / "lessons").glob("*.md")))
        cases = [(f"sample data/ ({count} lessons)", ROOT / "data")]
        generated = package(tmp, args.lessons, args.seed)
        cases.append((f"data/ + {args.lessons} generated lessons", generated))
        for label, data in cases:
            zim, bundle = tmp / "bench.zim", tmp / "bench.zip"
            wall, peak = measure("zim", data, zim, args.runs, tmp)
            size = zim.stat().st_size
            targets = "   [target <= 20 MB, <= 60 s]" if data != ROOT / "data" else ""
            build = build_time(data, args.runs, tmp)
            print(
                f"{label}: ZIM {size / 1e6:.2f} MB, export {wall:.1f} s, peak {peak:.0f} MB"
                f"{targets}\n    of which building the site (antq build alone): {build:.1f} s"
                f"\n    {describe(zim)}"
            )
            wall, peak = measure("bundle", data, bundle, 1, tmp)
            print(
                f"    zip bundle: {bundle.stat().st_size / 1e6:.2f} MB, "
                f"{wall:.1f} s, peak {peak:.0f} MB"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
