"""Bytes a phone fetches for its first search (issue 18 item 5: ≤ 1 MB on 3G).

    .venv/bin/python bench/search_bytes.py --site DIR [--site PEER ...] [--query "lua dao" ...]

The built site at DIR is served as the host serves it (gzip for text, bench/_gzserve.py);
for each query a fresh Chromium (Debian's) with an empty cache opens /tim-kiem/?q=<query>,
waits until the results' summary line is shown and the network is idle, and sums what went
over the wire: everything, from the search page itself to the fragments of the first page of
results (the page, its CSS and scripts, Pagefind's script, worker and wasm, each index's
entry and metadata, the word chunks, the fragments, and what the service worker fetched
meanwhile: the app shell it precaches on a first visit to any page, /sw.js included). The
bytes are counted by the server (status line, headers and bodies, as sent:
gzip where the host would compress), so that no request escapes the count (a browser's own
account of a page may miss what its workers fetch); the browser's count is printed beside
it as a check. Each query's bytes are split into parts: page (the HTML, CSS and scripts of
/tim-kiem/), engine (pagefind.js, its worker and wasm), meta (entries, .pf_meta, filters),
chunks (word index chunks), fragments (one per result loaded), sw (the service worker and its
precache: a first visit's cost, whichever page it opens), other. "search" is the total
without sw: what the search itself costs; both are held to the 1 MB budget in the summary.

With several --site, each query is run on each site in turn (same browser, fresh context
each time), so that a branch and its peer are measured in the same go; the bytes do not
depend on the machine's load.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from statistics import median
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gzserve import GzipServer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser import launch  # noqa: E402

# What citizens type, with and without diacritics (the national synthetic package's names):
# places (a xã that several provinces have, a province, a city), people (a family and middle
# name shared by thousands, one full name), the movement's own words, a model, a scam, a
# thing, a law by its name.
QUERIES = [
    "Tân Kỳ",
    "tan ky",
    "Nghệ An",
    "ha noi",
    "Nguyễn Văn",
    "nguyen van",
    "Nguyễn Xuân Vinh",
    "mô hình tự quản",
    "mo hinh tu quan",
    "an ninh trật tự",
    "an ninh trat tu",
    "lừa đảo",
    "lua dao",
    "camera",
    "Luật An ninh mạng",
    "luat phong chong ma tuy",
    "khu dân cư an toàn",
]
PARTS = ("page", "engine", "meta", "chunks", "fragments", "sw", "other")
_BUILD = re.compile(r"^const BUILD = (\{.*\});$", re.M)


def precached(site: Path) -> set[str]:
    """The URLs the site's service worker precaches when it installs (pwa/sw.js: BUILD)."""
    found = _BUILD.search((site / "sw.js").read_text(encoding="utf-8"))
    return {url for url, _ in json.loads(found.group(1))["precache"]} if found else set()


def part(path: str) -> str:
    """The part of a first search a request belongs to (see the module's docstring)."""
    path = path.split("?", 1)[0]
    if "/pagefind" in path:
        name = path.rsplit("/", 1)[-1]
        if name.endswith(".pf_index"):
            return "chunks"
        if name.endswith(".pf_fragment"):
            return "fragments"
        if name.startswith(("pagefind.js", "pagefind-worker", "wasm.")):
            return "engine"
        return "meta"  # pagefind-entry.json, *.pf_meta, filter/*.pf_filter
    if path.startswith("/tim-kiem/") or path.endswith((".css", ".js", ".svg", ".woff2")):
        return "page"
    return "other"


def first_search(
    browser: object, server: GzipServer, query: str, shell: set[str]
) -> dict[str, int]:
    """Bytes of one first search by part, "total", "search" (without the service worker's
    part), "browser" (the browser's own count), "requests" (as the server saw them). `shell`:
    the URLs the service worker precaches (each is counted once as its part: the page may
    fetch the same file for itself, e.g. its CSS)."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    done: list[object] = []
    page.on("requestfinished", lambda request: done.append(request))
    start = len(server.sent)
    page.goto(f"{server.url}/tim-kiem/?q={quote(query)}")
    page.wait_for_function(  # the summary line: "Tìm thấy …" / "Không tìm thấy …"
        "() => /[Tt]ìm thấy|Chưa tìm được/.test("
        "document.getElementById('tim-kiem-trang-thai').textContent)"
    )
    page.wait_for_load_state("networkidle")
    time.sleep(0.3)  # the server's last writes are counted as their request ends
    browser_total = 0
    for request in done:
        sizes = request.sizes()  # type: ignore[attr-defined]
        browser_total += sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
    context.close()
    sent = server.sent[start:]
    out = dict.fromkeys(PARTS, 0)
    left = set(shell)
    for path, size in reversed(sent):  # the service worker's fetches come after the page's
        if path == "/sw.js" or path in left:
            left.discard(path)
            out["sw"] += size
        else:
            out[part(path)] += size
    out["total"] = sum(size for _, size in sent)
    out["search"] = out["total"] - out["sw"]
    out["browser"] = browser_total
    out["requests"] = len(sent)
    return out


def report(label: str, query: str, got: dict[str, int]) -> str:
    over = "  OVER 1 MB" if got["search"] > 1_000_000 else ""
    parts = " ".join(f"{name} {got[name] / 1e3:.0f}" for name in PARTS)
    return (
        f"{label:>8} “{query}”: search {got['search'] / 1e6:.3f} MB, with the service worker's "
        f"install {got['total'] / 1e6:.3f} MB, {got['requests']} requests "
        f"(kB: {parts}; browser's count {got['browser'] / 1e6:.3f} MB){over}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", type=Path, action="append", required=True)
    parser.add_argument("--label", action="append", help="a name for each --site")
    parser.add_argument("--query", action="append")
    args = parser.parse_args()
    labels = args.label or [p.name for p in args.site]
    from playwright.sync_api import sync_playwright

    servers = [GzipServer(site.resolve()).start() for site in args.site]
    shells = [precached(site) for site in args.site]
    totals: dict[str, list[int]] = {label: [] for label in labels}
    searches: dict[str, list[int]] = {label: [] for label in labels}
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for query in args.query or QUERIES:
                for label, server, shell in zip(labels, servers, shells, strict=True):
                    got = first_search(browser, server, query, shell)
                    totals[label].append(got["total"])
                    searches[label].append(got["search"])
                    print(report(label, query, got), flush=True)
            browser.close()
    finally:
        for server in servers:
            server.stop()
    for label in labels:
        for name, values in (("search", searches[label]), ("with install", totals[label])):
            print(
                f"{label} ({name}): largest {max(values) / 1e6:.3f} MB, median "
                f"{median(values) / 1e6:.3f} MB, over 1 MB: "
                f"{sum(v > 1_000_000 for v in values)} of {len(values)}   [target <= 1 MB each]"
            )


if __name__ == "__main__":
    main()
