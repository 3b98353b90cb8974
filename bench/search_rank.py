"""How well the site's search ranks what a query names (issue 18 item 5: leaving repeated
text out of the index must not bury the pages a query is after).

    .venv/bin/python bench/search_rank.py --site DIR [--site PEER ...] [--label NAME ...]
        [--query "mô hình tự quản" ...]

For each query, each built site is served (bench/_gzserve.py) and its search page opened in
Chromium with ?q=<query>, as a reader would; the first page of results the page shows (20:
Pagefind's order, re-ranked by site/static/js/tim-kiem.js) is read from the DOM. Printed per
query and site: how many of those results have a title that matches the query, i.e. whose
words (folded: no tones, đ → d, no punctuation) hold the query's words in order; a query
that starts with a family word ("mô hình …") matches a title that starts with it and holds
the rest in order. Beside it, how many results hold the query's words in the title or the
excerpt shown, where among the results are the pages that hold the query's words in a row
in their visible text (a person's name is on the page of the unit that awarded them, not in
its title: the positions of the first five such results, "none" when none of the first
results holds it), and the first three titles. The totals: title matches over all queries,
and how many queries have a page holding them among the first results. Ranking does not depend on the machine's load: one go per site is enough,
but the sites are measured in the same go so that the same browser answers.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gzserve import GzipServer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from generator.textvi import fold  # noqa: E402
from tests.browser import launch  # noqa: E402

# Broad family queries (with and without diacritics), a model's own name, the movement's
# words, a xã, a person (the national synthetic package's names).
QUERIES = [
    "mô hình tự quản",
    "mo hinh tu quan",
    "mo hinh dong ho tu quan",
    "mô hình camera",
    "mo hinh hoa giai",
    "tổ liên gia tự quản",
    "to lien gia tu quan",
    "camera giám sát",
    "hòa giải",
    "an ninh trật tự",
    "phòng chống ma túy",
    "phong chong ma tuy",
    "Tân Kỳ",
    "Nguyễn Xuân Vinh",
    "Phạm Thanh Việt",
    "Lương Đình Dũng",
    "Đặng Minh Hà",
    "Hồ Hồng Nga",
    "ho hong nga",
    "Võ Quang Vinh",
    "Dương Thanh Linh",
    "Bùi Quang Quân",
]
FAMILIES = (["mo", "hinh"],)
TAG = re.compile(r"<[^>]+>")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text).lower())


def holds(title: list[str], query: list[str]) -> bool:
    """Whether `title` holds the words of `query` in a row."""
    n = len(query)
    return any(title[i : i + n] == query for i in range(len(title) - n + 1))


def matches(title: str, query: str) -> bool:
    t, q = words(title), words(query)
    for family in FAMILIES:
        if q[: len(family)] == family and len(q) > len(family):
            return t[: len(family)] == family and holds(t, q[len(family) :])
    return holds(t, q)


def shown(page: object, url: str) -> list[tuple[str, str]]:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => /[Tt]ìm thấy|Chưa tìm được/.test("
        "document.getElementById('tim-kiem-trang-thai').textContent)"
    )
    return page.locator("#ket-qua > li").evaluate_all(  # type: ignore[attr-defined,no-any-return]
        "lis => lis.map(li => [li.querySelector('a').textContent, li.textContent,"
        " li.querySelector('a').getAttribute('href')])"
    )


def page_holds(site: Path, href: str, query: str) -> bool:
    """Whether the built page at `href` holds the query's words in a row in its visible
    text (a person's name in its unit's award table)."""
    page = site / href.split("#")[0].strip("/") / "index.html"
    if not page.is_file():
        return False
    return holds(words(TAG.sub(" ", html.unescape(page.read_text(encoding="utf-8")))), words(query))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", type=Path, action="append", required=True)
    parser.add_argument("--label", action="append", help="a name for each --site")
    parser.add_argument("--query", action="append")
    args = parser.parse_args()
    labels = args.label or [p.name for p in args.site]
    from playwright.sync_api import sync_playwright

    servers = [GzipServer(site.resolve()).start() for site in args.site]
    sums = dict.fromkeys(labels, 0)
    holding = dict.fromkeys(labels, 0)
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for query in args.query or QUERIES:
                for label, server, site in zip(labels, servers, args.site, strict=True):
                    context = browser.new_context()
                    got = shown(context.new_page(), f"{server.url}/tim-kiem/?q={quote(query)}")
                    context.close()
                    titled = sum(matches(title, query) for title, _, _ in got)
                    texts = sum(holds(words(text), words(query)) for _, text, _ in got)
                    held = [
                        i + 1 for i, (_, _, href) in enumerate(got) if page_holds(site, href, query)
                    ]
                    holding[label] += bool(held)
                    sums[label] += titled
                    first = " | ".join(title[:48] for title, _, _ in got[:3])
                    print(
                        f"{label:>8} “{query}”: title matches {titled}/{len(got)}, "
                        f"title or excerpt {texts}/{len(got)}, pages holding it at "
                        f"{held[:5] or 'none'}; first: {first}",
                        flush=True,
                    )
            browser.close()
    finally:
        for server in servers:
            server.stop()
    for label in labels:
        print(f"{label}: title matches in the first results, all queries: {sums[label]}")
        print(f"{label}: queries with a page holding them in the first results: {holding[label]}")


if __name__ == "__main__":
    main()
