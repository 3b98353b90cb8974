"""Bytes a phone fetches for its first search (issue 18 item 5: ≤ 1 MB on 3G).

    .venv/bin/python bench/search_bytes.py --site DIR [--query "lua dao" ...]

The built site at DIR is served as the host serves it (gzip for text, bench/_gzserve.py);
for each query a fresh Chromium (Debian's) with an empty cache opens /tim-kiem/?q=<query>,
waits until the results' summary line is shown and the network is idle, and sums what went over the wire
(headers and encoded bodies, `Request.sizes()`): the whole visit, and the index's part
(/pagefind/, /pagefind-bai-hoc/).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gzserve import GzipServer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser import launch  # noqa: E402

QUERIES = ["lua dao", "Tân Kỳ", "mo hinh tu quan", "Nguyễn Văn"]


def first_search(browser: object, base: str, query: str) -> tuple[int, int, int]:
    """(bytes in all, bytes of the index, requests) for one first search."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    done: list[object] = []
    page.on("requestfinished", lambda request: done.append(request))
    page.goto(f"{base}/tim-kiem/?q={quote(query)}")
    page.wait_for_function(  # the summary line: "Tìm thấy …" / "Không tìm thấy …"
        "() => /[Tt]ìm thấy|Chưa tìm được/.test("
        "document.getElementById('tim-kiem-trang-thai').textContent)"
    )
    page.wait_for_load_state("networkidle")
    total = index = 0
    for request in done:
        sizes = request.sizes()  # type: ignore[attr-defined]
        size = sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
        total += size
        if "/pagefind" in request.url:  # type: ignore[attr-defined]
            index += size
    context.close()
    return total, index, len(done)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--query", action="append")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = GzipServer(args.site.resolve()).start()
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for query in args.query or QUERIES:
                total, index, count = first_search(browser, server.url, query)
                print(
                    f"first search “{query}”: {total / 1e6:.2f} MB over the wire in {count} "
                    f"requests, of which the index {index / 1e6:.2f} MB   [target <= 1 MB]",
                    flush=True,
                )
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
