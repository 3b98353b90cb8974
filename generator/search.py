"""Site search: a Pagefind index over every page, with đ → d folding (issue #5).

Pagefind folds tones ("lua" matches "lừa") but not đ, which is a letter of its own, not a
mark: "dak lak" finds nothing for "Đắk Lắk", "lua dao" nothing for "lừa đảo". So every page
reaches Pagefind with its đ-words folded ("đảo" → "dao") in hidden paragraphs at the end of
<main>, and the search script (site/static/js/tim-kiem.js) folds the query the same way.

The hidden paragraphs exist only in the copy of each page that Pagefind reads: published
pages stay exactly as rendered (no extra bytes for phones on 3G, and a page's bytes do not
depend on the search code). Only đ-words are added, because Pagefind already matches every
other word without its tones; repeats are kept, and heading words are weighted as headings,
so the folded words rank pages as the original words would.

Two indexes are built: /pagefind/ over every page, used online, and /pagefind-bai-hoc/
over the lesson library's pages only, which the library download takes for offline use
(the whole site's index would make it tens of megabytes on the national site, and offline
only the downloaded pages can be opened anyway).

Pagefind cannot update an index: the whole index is rebuilt when any indexed page changed
(~0.5 s for the ~450 sample pages, ~3 s per 1,000 pages) and hard-linked from the previous
build when none did. Files of a rebuilt index whose bytes did not change (most fragments,
which are named by their content) are hard-linked too, so an update downloads little.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.derived import Derived
from generator.textvi import fold

INDEX_DIR = "pagefind"  # the whole site's index
LIBRARY_INDEX_DIR = "pagefind-bai-hoc"  # the lesson library's, downloaded for offline use
LIBRARY_PAGES = "bai-hoc/"
_LESSON_PAGE = re.compile(r"^bai-hoc/(?!chu-de/|danh-cho/)[^/]+/index\.html$")
# Pages that are not content: searching them would only return noise.
NOT_INDEXED = frozenset({"404.html", "offline/index.html", "tim-kiem/index.html"})
# Parts of <main> that repeat on many pages (breadcrumbs, contents, related lessons, topic
# filters, pagers) or only exist on paper.
EXCLUDE_SELECTORS = (".crumbs", ".toc", ".related", ".filters", ".pager", ".print-only")
# What the search script loads. Pagefind also writes its ready-made UIs, which we do not use
# (they need inline styles our CSP refuses): they are left out of the site.
_KEEP = re.compile(
    r"^(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[^/]+\.pf_meta"
    r"|wasm\.[^/]+\.pagefind|(index|fragment|filter)/[^/]+)$"
)
# Starts each hidden paragraph: Pagefind keeps hidden text in a page's content, and the
# search script must never show it in an excerpt.
SENTINEL = "¦"
_DJ_WORD = re.compile(r"\w*[đĐ]\w*")
_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_SKIPPED = re.compile(r"<(nav|aside|script|style|template)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)


def folded_words(text: str) -> list[str]:
    """The folded form of every word of `text` that contains đ, in order. Repeats are kept:
    how often a word occurs is what ranks a page for it."""
    return [fold(word) for word in _DJ_WORD.findall(text)]


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub(" ", fragment))


def annotate(page: str) -> str:
    """The page as Pagefind should read it: its đ-words folded, in hidden paragraphs at the
    end of <main>. Words of headings go in paragraphs weighted as Pagefind weighs those
    headings (h1 7, h2 6, h3 5 …), so "lua dao" ranks the lesson titled "… lừa đảo …" as
    "lừa" alone would. A page without đ-words (or without <main>) is returned as is."""
    found = _MAIN.search(page)
    end = page.rfind("</main>")
    if not found or end < 0:
        return page
    main = _SKIPPED.sub(" ", found.group(1))
    by_weight: dict[int, list[str]] = {}
    for level, heading in _HEADING.findall(main):
        by_weight.setdefault(8 - int(level), []).extend(folded_words(_text(heading)))
    by_weight.setdefault(1, []).extend(folded_words(_text(_HEADING.sub(" ", main))))
    hidden = "".join(
        f'<p hidden data-pagefind-weight="{weight}">{SENTINEL} {" ".join(words)}</p>'
        for weight, words in sorted(by_weight.items(), reverse=True)
        if words
    )
    return page[:end] + hidden + page[end:]


# Long lists whose every item also stands on its own page (a xã's awards and class are on the
# xã page, a map's table on the province and xã pages): indexing them only adds size and
# time (national site: thousands of rows per page) and duplicate results.
_LISTS = re.compile(r"^(khen-thuong/.+|phan-loai/\d{4}/|ban-do/.*)index\.html$")


def indexed(rel: str) -> bool:
    return rel.endswith(".html") and rel not in NOT_INDEXED and not _LISTS.match(rel)


def _binary() -> str:
    from pagefind_bin import get_executable  # the wheel's own binary: no download

    return str(get_executable())


def _key(pages: dict[str, str]) -> str:
    """Everything the index depends on: the pages' input hashes, this code, Pagefind."""
    digest = hashlib.sha256()
    digest.update(metadata.version("pagefind_bin").encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(json.dumps(sorted(pages.items())).encode())
    return digest.hexdigest()


def run_pagefind(site: Path, pages: list[str], out: Path) -> None:
    """Index `pages` (paths relative to `site`) into `out`, through annotated copies."""
    with tempfile.TemporaryDirectory(prefix="antq-search-") as tmp:
        copy = Path(tmp) / "site"
        for rel in pages:
            text = (site / rel).read_text(encoding="utf-8")
            if "<main" not in text:
                continue  # not one of our pages (a map frame, a redirect): nothing to find
            target = copy / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(annotate(text), encoding="utf-8")
        command = [_binary(), "--site", str(copy), "--output-path", str(out), "--silent"]
        command += ["--root-selector", "main", "--force-language", "vi"]
        for selector in EXCLUDE_SELECTORS:
            command += ["--exclude-selectors", selector]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pagefind failed ({done.returncode}): {done.stderr.strip()}")


def _index(out: Derived, pages: dict[str, str], where: str, cache: dict[str, Any]) -> list[str]:
    """Write the index of `pages` (rel path → input hash) under `where`; return its files.
    `cache` is this index's entry from the previous build; it is updated for the next."""
    key = _key(pages)
    old_files: list[str] = cache.get("files", [])
    if cache.get("key") == key and out.relink(old_files):
        return old_files
    with tempfile.TemporaryDirectory(prefix="antq-pagefind-") as tmp:
        result = Path(tmp) / "index"
        run_pagefind(out.staging.dir, sorted(pages), result)
        names = sorted(p.relative_to(result).as_posix() for p in result.rglob("*") if p.is_file())
        files = [f"{where}/{name}" for name in names if _KEEP.match(name)]
        for rel in files:
            out.emit(rel, (result / rel.removeprefix(where + "/")).read_bytes())
    cache.clear()
    cache.update(key=key, files=files)
    return files


def build_index(out: Derived, cache: dict[str, Any]) -> dict[str, Any]:
    """Write /pagefind/ (every page) and, when the site has lessons, /pagefind-bai-hoc/ (the
    pages of the lesson library only) into the staging directory. Returns this build's cache
    entry, {"site": {"key", "files"}, "library": {"key", "files"}}; `cache` is the last one.

    The library gets its own small index because the downloaded library must stay small:
    the whole site's index is 38 MB for the national site (6,500 pages), and offline only
    the downloaded pages could be opened anyway."""
    pages = {rel: key for rel, key in out.outputs.items() if indexed(rel)}
    site = dict(cache.get("site", {}))
    _index(out, pages, INDEX_DIR, site)
    library = {rel: key for rel, key in pages.items() if rel.startswith(LIBRARY_PAGES)}
    entry: dict[str, Any] = {"site": site, "library": {"key": None, "files": []}}
    if any(_LESSON_PAGE.match(rel) for rel in library):
        entry["library"] = dict(cache.get("library", {}))
        _index(out, library, LIBRARY_INDEX_DIR, entry["library"])
    return entry
