"""Figures for issue 16 (teachers, Kiwix, open data on phones).

    .venv/bin/python bench/teach_bench.py kiwix [--data data]
    .venv/bin/python bench/teach_bench.py sizes SITE [--before SITE]
    .venv/bin/python bench/teach_bench.py opendata --data N

- `kiwix`: exports the lesson library of --data as a ZIM (`antq export zim`), serves it with
  Debian's kiwix-serve on a free port of 127.0.0.1 and, for accented and unaccented
  queries, prints how many pages Kiwix's own full-text search finds and how many the ZIM's
  own search page (`tim-kiem`, opened in Debian's Chromium, the query typed) finds, with
  its first result.
- `sizes`: the largest published file, the number of files and total bytes of a built site
  (and of its /du-lieu/ folder), the largest open-data files, and the pages over the
  ~1,500-element budget of issue 15 with the largest page of each page family (elements
  counted as `generator.htmlread.element_count` does); with --before, the same for an
  earlier build side by side. The national synthetic build:
  `antq synth --scale national --out N && antq build --data N --out SITE` (site/ with
  `provinces = "national"`). Issue 15's split of long lists, measured 03/12/2026 (seed
  2025): before 13,371 files, 446.7 MB, 644 of 6,612 pages over 1,500 elements (largest
  phan-loai/<năm>/ 20,018); after 14,555 files, 458.8 MB, none of 7,834 (largest an award
  list page, 1,431); largest file du-lieu/assessments/79.json 4.1 MB both times.
- `opendata`: only the /du-lieu/ downloads of a package, made by the open-data family
  itself (no site build; minutes instead of most of an hour for the national package): the
  layout before issue 16 (every table whole as CSV and JSON) and now, with file counts,
  totals, the largest file and the time to make them.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KIWIX_SERVE = "/usr/bin/kiwix-serve"
QUERIES = ("lừa đảo", "lua dao", "ma túy", "ma tuy", "tín dụng đen", "tin dung den")
BOOK = "antq_vi_bai-hoc"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served_zim(data: Path) -> Iterator[tuple[str, Path]]:
    """The lesson library of `data` exported as a ZIM and served by kiwix-serve on a free
    loopback port: (base URL, ZIM file), the server stopped on leaving."""
    with tempfile.TemporaryDirectory(prefix="antq-teach-") as tmp:
        zim = Path(tmp) / f"{BOOK}.zim"
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1763683200", "ANTQ_CACHE_DIR": tmp + "/c"}
        command = [sys.executable, "-m", "generator", "export", "zim", "--data", str(data)]
        subprocess.run([*command, "--out", str(zim)], check=True, env=env, cwd=ROOT)
        port = _free_port()
        server = subprocess.Popen(
            [KIWIX_SERVE, "--address", "127.0.0.1", "--port", str(port), str(zim)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(base + "/", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield base, zim
        finally:
            server.terminate()
            server.wait()


def kiwix(data: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    version = subprocess.run([KIWIX_SERVE, "--version"], capture_output=True, text=True)
    with served_zim(data) as (base, zim):
        print(f"ZIM {zim.stat().st_size:,} bytes; {version.stdout.split(chr(10))[0]}")
        print(f"{'query':<16}{'Kiwix full-text':>16}{'ZIM search page':>17}  first result")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            page.goto(f"{base}/{BOOK}/tim-kiem")
            for query in QUERIES:
                url = f"{base}/search?content={BOOK}&pattern={quote_plus(query)}"
                with urllib.request.urlopen(url) as response:
                    text = response.read().decode("utf-8")
                own = len(re.findall(rf'<a href="/{BOOK}/', text))
                page.fill("#q", query)
                found = page.eval_on_selector_all(
                    "#ket-qua li:not([hidden]) a", "els => els.map(a => a.textContent)"
                )
                first = found[0][:48] if found else "—"
                print(f"{query:<16}{own:>16}{len(found):>17}  {first}")
            browser.close()


def _files(site: Path) -> dict[str, int]:
    return {
        p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*") if p.is_file()
    }


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def sizes(site: Path, before: Path | None) -> None:
    sites = [("before", before), ("after", site)] if before else [("site", site)]
    for label, root in sites:
        assert root is not None
        files = _files(root)
        largest = max(files, key=files.__getitem__)
        data = {k: v for k, v in files.items() if k.startswith("du-lieu/")}
        top = max(data, key=data.__getitem__) if data else "—"
        print(
            f"{label}: {len(files):,} files, {_mb(sum(files.values()))}; largest {largest} "
            f"{_mb(files[largest])}; du-lieu/ {len(data):,} files, {_mb(sum(data.values()))}, "
            f"largest {top} {_mb(data.get(top, 0))}"
        )
        over = sorted(k for k, v in files.items() if v > 10 * 1024 * 1024)
        print(f"  files over 10 MB: {len(over)} {over[:6]}")
        ranked = sorted(data.items(), key=lambda kv: -kv[1])[:5]
        print("  largest open-data files: " + ", ".join(f"{k} {_mb(v)}" for k, v in ranked))
        _elements(root, files)


BUDGET = 1_500  # elements a page (issue 15)


def _elements(root: Path, files: dict[str, int]) -> None:
    """Pages over BUDGET elements, and the largest page of each family (its first path
    segment, and /tinh/<slug>/ apart from the xã pages under it)."""
    from generator.htmlread import element_count

    counts = {
        rel: element_count((root / rel).read_text("utf-8", "replace"))
        for rel in files
        if rel.endswith(".html")
    }
    over = sorted(((n, rel) for rel, n in counts.items() if n > BUDGET), reverse=True)
    print(f"  pages over {BUDGET:,} elements: {len(over):,} of {len(counts):,}")
    for n, rel in over[:8]:
        print(f"    {n:>7,} {rel}")
    families: dict[str, tuple[int, str]] = {}
    for rel, n in counts.items():
        parts = rel.split("/")
        family = parts[0]
        if family == "tinh":
            ward = len(parts) > 3 and not parts[2].startswith("trang-")
            family = "tinh/<xã>" if ward else "tinh/<tỉnh>"
        families[family] = max(families.get(family, (0, "")), (n, rel))
    ranked_families = sorted(families.items(), key=lambda kv: -kv[1][0])[:10]
    print(
        "  largest page per family: "
        + ", ".join(f"{f} {n:,} ({rel})" for f, (n, rel) in ranked_families)
    )


def opendata(data: Path) -> None:
    from generator.data.schema import load_package
    from generator.pages import opendata as family

    package, problems = load_package(data)
    if package is None:
        raise SystemExit("; ".join(p.line() for p in problems))
    before: dict[str, int] = {}
    for spec in package.resources:  # the old layout, made by today's producers
        before[f"du-lieu/{spec.name}.csv"] = len(family._table(spec)())
        before[f"du-lieu/{spec.name}.json"] = len(family._to_json(spec)())
    start = time.perf_counter()
    _pages, files = family.outputs(None, package)  # type: ignore[arg-type]
    collected = time.perf_counter() - start
    after = {f.url.lstrip("/"): len(f.produce()) for f in files if not f.url.endswith(".yaml")}
    made = time.perf_counter() - start
    for label, found in (("before", before), ("after", after)):
        largest = max(found, key=found.__getitem__)
        over = sum(1 for v in found.values() if v > 10 * 1024 * 1024)
        print(
            f"{label}: {len(found):,} files, {_mb(sum(found.values()))}; largest {largest} "
            f"{_mb(found[largest])}; over 10 MB: {over}"
        )
    wholes = {k: v for k, v in after.items() if k.endswith(".csv.gz") and k.count("/") == 1}
    print("whole-country .csv.gz: " + ", ".join(f"{k} {_mb(v)}" for k, v in wholes.items()))
    print(f"collect {collected:.1f} s (compresses the whole tables), all files {made:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    k = sub.add_parser("kiwix")
    k.add_argument("--data", type=Path, default=ROOT / "data")
    s = sub.add_parser("sizes")
    s.add_argument("site", type=Path)
    s.add_argument("--before", type=Path)
    o = sub.add_parser("opendata")
    o.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    if args.what == "kiwix":
        kiwix(args.data.resolve())
    elif args.what == "opendata":
        opendata(args.data)
    else:
        sizes(args.site, args.before)


if __name__ == "__main__":
    main()
