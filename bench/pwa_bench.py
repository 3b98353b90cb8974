"""Offline lesson library: download size, lesson page weight, time to "ready offline".

    .venv/bin/python bench/pwa_bench.py [--lessons 300] [--runs 3] [--seed 2025]

Two sites are built (SOURCE_DATE_EPOCH fixed, fresh output and cache):

- the sample data (data/ with site/): its lessons (data/lessons/*.md);
- the sample data plus --lessons generated lessons (bench/_corpus.py: 500–900 words,
  headings, a table, a list, a note and a quiz each).

For each it prints the library download (/bai-hoc/offline.json: every lesson page, the
topic and grade lists, the search page, the files they load and the library's own search
index /pagefind-bai-hoc/; the app shell the service worker precaches at install is printed apart), the lesson
pages' HTML gzip-compressed (the largest and the median), and the time from the click on
"Tải toàn bộ bài học để dùng offline" to "ready" in Debian Chromium against a server on
127.0.0.1 (median of --runs, each in a fresh browser context, so nothing is cached).

Targets: library <= 3 MB (sample) and <= 15 MB (300 lessons); a lesson page <= 25 KB gzip.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import corpus  # noqa: E402

from generator.build import BuildOptions, build_site  # noqa: E402
from tests.browser import launch, serve  # noqa: E402

OUT = ROOT / "bench" / "out"
SOURCE_DATE_EPOCH = "1763683200"
MB = 1024 * 1024


def legal_ids(data: Path) -> list[str]:
    with (data / "legal_documents.csv").open(encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def build(data: Path, out: Path, cache: Path) -> float:
    os.environ["ANTQ_CACHE_DIR"] = str(cache)
    start = time.perf_counter()
    build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=ROOT / "site"))
    return time.perf_counter() - start


def sizes(out: Path) -> dict[str, Any]:
    listing = json.loads((out / "bai-hoc/offline.json").read_text(encoding="utf-8"))
    by_kind = {"pages": 0, "assets": 0, "index": 0}
    gz_total = 0
    for f in listing["files"]:
        url = f["url"]
        kind = (
            "index" if url.startswith("/pagefind") else "pages" if url.endswith("/") else "assets"
        )
        by_kind[kind] += f["size"]
        data = (out / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))).read_bytes()
        # Pagefind's files are gzip already; a static host compresses HTML, CSS and JS.
        gz_total += len(data) if kind == "index" else len(gzip.compress(data, 9))
    sw = (out / "sw.js").read_text(encoding="utf-8")
    build_json = json.loads(sw.split("const BUILD = ", 1)[1].split(";\n", 1)[0])
    shell = sum(
        (out / (u.lstrip("/") + ("index.html" if u.endswith("/") else ""))).stat().st_size
        for u, _ in build_json["precache"]
    )
    lessons = [
        len(gzip.compress(p.read_bytes(), 9))
        for p in (out / "bai-hoc").glob("*/index.html")
        if p.parent.name not in ("chu-de", "danh-cho")
    ]
    site_index = sum(p.stat().st_size for p in (out / "pagefind").rglob("*") if p.is_file())
    return {
        "site_index": site_index,
        "lessons": listing["lessons"],
        "files": len(listing["files"]),
        "size": listing["size"],
        "gz": gz_total,
        "by_kind": by_kind,
        "shell": shell,
        "lesson_gz_max": max(lessons),
        "lesson_gz_median": statistics.median(lessons),
    }


def download_times(browser: Any, out: Path, runs: int) -> list[float]:
    times = []
    with serve(out) as server:
        for _ in range(runs):
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.url + "/bai-hoc/")
            deadline = time.monotonic() + 30
            while not page.evaluate("navigator.serviceWorker.controller !== null"):
                if time.monotonic() > deadline:
                    raise SystemExit("the service worker never took control")
                time.sleep(0.05)
            button = page.get_by_role("button", name="Tải toàn bộ bài học để dùng offline")
            button.wait_for()
            start = time.perf_counter()
            button.click()
            page.locator("#thu-vien-offline[data-state=ready]").wait_for(timeout=300_000)
            times.append(time.perf_counter() - start)
            context.close()
    return times


def report(name: str, s: dict[str, Any], target_mb: float, times: list[float]) -> None:
    k = s["by_kind"]
    verdict = "OK" if s["size"] <= target_mb * MB else "OVER"
    print(f"\n{name}: {s['lessons']} lessons, {s['files']} files in the library")
    print(
        f"  library download {s['size'] / MB:.2f} MB ({verdict}, target <= {target_mb:g} MB): "
        f"pages {k['pages'] / MB:.2f} MB, assets {k['assets'] / MB:.2f} MB, "
        f"search index {k['index'] / MB:.2f} MB; on the wire with gzip ~{s['gz'] / MB:.2f} MB"
    )
    print(f"  app shell precached at install: {s['shell'] / 1024:.0f} KB (not counted above)")
    print(f"  whole-site search index /pagefind/ (online only): {s['site_index'] / MB:.2f} MB")
    verdict = "OK" if s["lesson_gz_max"] <= 25 * 1024 else "OVER"
    print(
        f"  lesson page HTML gzip: max {s['lesson_gz_max'] / 1024:.1f} KB ({verdict}, target <= 25 KB), "
        f"median {s['lesson_gz_median'] / 1024:.1f} KB"
    )
    print(
        f"  click → ready offline (127.0.0.1, Chromium): median {statistics.median(times):.2f} s "
        f"({', '.join(f'{t:.2f}' for t in times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="pwa-", dir=OUT))
    try:
        sample = tmp / "sample"
        seconds = build(ROOT / "data", sample, tmp / "cache-sample")
        print(f"sample site built in {seconds:.1f} s")
        data = tmp / "data"
        shutil.copytree(ROOT / "data", data)
        for doc in corpus(args.lessons, args.seed, legal_ids(data)):
            (data / "lessons" / f"{doc.slug}.md").write_text(doc.antq(), encoding="utf-8")
        big = tmp / "big"
        seconds = build(data, big, tmp / "cache-big")
        print(f"sample + {args.lessons} generated lessons built in {seconds:.1f} s")

        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = launch(playwright)
            sample_times = download_times(browser, sample, args.runs)
            big_times = download_times(browser, big, args.runs)
            browser.close()
        report("sample site", sizes(sample), 3, sample_times)
        report(f"sample + {args.lessons} generated lessons", sizes(big), 15, big_times)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
