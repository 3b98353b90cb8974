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

Several indexes are built, and the search script searches them as one (Pagefind's
`mergeIndex`): /pagefind-bai-hoc/ and /pagefind-bai-hoc-2/ over the lesson library's pages
(each lesson in the shard its address hashes to, the lists in the first:
`library_index_dir`), which the library download also takes for offline use (offline search
merges them); the news (issue 21): /pagefind-tin-tuc/ over its lists and
/pagefind-tin-tuc-1/ … -8/ over its articles, each article in the shard its address hashes
to (`news_index_dir`), so that a new article re-indexes the lists and one shard, not the
~1,200 pages of the site (1.8 s of a 5 s budget at 1,000 articles); /pagefind/ over every
other page (it can be split in shards the same way, `SITE_SHARDS`: see there why it is not).
The library's index is split so that its Pagefind runs share the cores (`LIBRARY_SHARDS`),
and an edit re-makes only the shards whose pages changed. A page is in one index only: the
lessons are indexed once, a data edit never rebuilds the library's index (nor a lesson edit
the site's), and a new article only news indexes (the lists of a xã's, province's and
model's latest articles are not indexed: `news_list` in macros.html). The indexes to make
are made by Pagefind runs side by side (`_run_all`: one run keeps about one core busy; the
largest first), written in the order of their folders.

What Pagefind reads is a search copy of each page, made by the render workers right after
the page (`search_copy`): the page's <main> only, without the parts marked
`data-pagefind-ignore="all"` in the templates (tables of numbers and lists whose every item
has its own page: a xã's yearly results, a model's sites, a province's xã list) and the
parts Pagefind is told to exclude (`EXCLUDED_CLASSES`: a lesson's related lessons and
contents, ~a quarter of its <main>), plus the folded đ-words of what is left. Pagefind's
time grows with what it parses: on the national site the copies are a third of the pages'
bytes; on the peers corpus (bench/peers_bench.py) 1,000 lessons' copies are 9.7 MB (13.2
before the excluded parts were left out; Hugo's pages of the same corpus: 5.6 MB); at 5,000
lessons 38 MB (46 before the lists' cards were left out). Pagefind's time follows the words
it indexes, not the pages nor the markup (issue 18, one Pagefind run over 2,448 of those
lessons' copies: 6.6 CPU s; the same pages holding only their title, 0.5; each page's text
twice, 10.0; attributes and inline tags stripped, 6.5; over 612 of them, 1.6-1.8: all text in
one <p>, 1.4-1.5; the đ-word paragraphs gone, 1.6-1.7). About a third of it is gzip at its
best level (the binary's hot spots: deflate's match finder, memmove): run again into its own
output folder it took 4.0 s, as it does not write a file whose name exists; with only the
fragments there, 5.95. An edited page changes nearly every word index chunk (its words'
positions move), so keeping the unchanged pages' fragments for a rebuilt index would save
~10 %, not worth ruling out a new fragment named as a kept one. The copies are kept between
builds (in the build cache, updated in place: `Builder._copies_for_search`), so an unchanged
page needs no new copy.

Pagefind cannot update an index: an index is rebuilt when any of its copies changed, and
hard-linked from the previous build when none did (an edit that changes no indexed text,
like a yearly result, leaves the indexes alone). Files of a rebuilt index whose bytes did
not change (most fragments, which are named by their content) are hard-linked too, so an
update downloads little.

`antq serve` does not wait for the index (issue 18 item 5): its builds pass `Later(defer=
True)`, which links the previous index when the copies changed and marks the entry
"pending"; `Builder.catch_up_search` then makes it in the background, and `Later.cancel`
stops Pagefind when a newer edit comes in. `antq build` still makes it before its one swap,
but begins it as soon as every search copy is written, while the pages without one still
render (`Early`: the render stage renders the pages with a copy first).
Two ways to make that faster were measured (bench/search_bench.py) and not taken: Pagefind's
Python API fed the copies from memory is slower than the command over the copies on disk
(one request per page to its service; Pagefind parses every page either way, it keeps
nothing between runs), and one index per content family helps little, since an award edit
(measured) touches the province family (/tinh/…: most of the indexed pages), while finer
families (one per province) would make a first search load dozens of indexes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from generator import workers
from generator.data.messages_vi import say, text
from generator.derived import Derived
from generator.errors import BuildError
from generator.htmlread import HEADING, MAIN, SKIPPED, drop_classes, drop_ignored, tag_text
from generator.textvi import fold
from generator.urlpath import is_later_page, path_to_url, url_to_path

INDEX_DIR = "pagefind"  # the whole site's index
LIBRARY_INDEX_DIR = "pagefind-bai-hoc"  # the lesson library's, downloaded for offline use
LIBRARY_PAGES = "bai-hoc/"
NEWS_INDEX_DIR = "pagefind-tin-tuc"  # the news lists' (issue 21); the articles' in shards:
NEWS_PAGES = "tin-tuc/"
# The articles are spread over this many indexes (/pagefind-tin-tuc-1/ …) by a hash of their
# address: a new article re-indexes one of them (~1/8 of the articles), not all (1.5 s of
# CPU at 1,000 articles), whatever its date; the first search loads each one's small
# metadata and the chunk of each word it searches (bench/search_bytes.py).
NEWS_SHARDS = 8
# The lesson library's index is split into this many shards (/pagefind-bai-hoc/,
# /pagefind-bai-hoc-2/), each lesson in the shard its address hashes to (`_bucket`), made by
# Pagefind runs side by side and merged by the search script: one Pagefind run keeps one core
# busy (issue 18: 5,000 lessons in one run were 13.9 s of a 30.4 s build while the other
# core idled; bench/shard_bench.py). The site's index can be split the same way
# (/pagefind-2/ …), but is not: each shard holds its own chunk of every word searched, and
# on the national site two shards made a first search of "Nguyễn Văn" 1.12 MB instead of
# 0.83 (of 1 MB on 3G; "mo hinh tu quan" 1.38 instead of 1.23: bench/search_bytes.py), for
# no gain measured on a loaded machine (search stage 23.6 s against 22.5). Constants, not
# the machine's core count, so that every machine writes the same files.
SITE_SHARDS = 1
LIBRARY_SHARDS = 2
# A lesson's page (its own folder under /bai-hoc/; the topic and audience lists are one
# level deeper): the library's lists (/bai-hoc/, a topic's, an audience's) stay in the first
# shard, which always exists, so that the search page can name the shards that hold a lesson
# from the model alone (`library_indexes`), as the news' (`news_indexes`).
_LESSON_PAGE = re.compile(r"^/bai-hoc/(?!chu-de/|danh-cho/)[^/]+/$")  # matched on its URL
# Pages that are not content: searching them would only return noise.
NOT_INDEXED = frozenset(url_to_path(url) for url in ("/404.html", "/offline/", "/tim-kiem/"))
# Parts of <main> that repeat on many pages (breadcrumbs, contents, related lessons, topic
# filters, pagers) or only exist on paper, and the lesson lists' cards (`lessons`: /bai-hoc/,
# a topic's, an audience's list, and a lesson's related lessons), each the title and lead of
# a lesson indexed on its own page, as the model and news lists' cards are not indexed
# (`model_list`, `news_list` in macros.html): on the peers corpus (5,000 lessons) the lists'
# copies were a sixth of the library's bytes (8 of 46 MB), ~1.2 of the library index's 15
# CPU s, and the first library shard ran 8.7 s beside the second's 6.8 (a list is still
# found by its own title and text, ranked after the lessons: `LIST_META`).
# The search copy leaves them out (`search_copy`): Pagefind parses ~26 % fewer bytes of a
# lesson (the related lessons' cards, the contents; issue 18: a Pagefind run's time grows
# with the bytes it parses). Pagefind is still told to exclude them: the index is the same
# either way (tests/test_search.py), a copy that missed one would still be indexed right.
EXCLUDED_CLASSES = ("crumbs", "toc", "related", "filters", "pager", "print-only", "lessons")
EXCLUDE_SELECTORS = tuple(f".{name}" for name in EXCLUDED_CLASSES)
# What the search script loads. Pagefind also writes its ready-made UIs, which we do not use
# (they need inline styles our CSP refuses): they are left out of the site.
_KEEP = re.compile(
    r"^(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[^/]+\.pf_meta"
    r"|wasm\.[^/]+\.pagefind|(index|fragment|filter)/[^/]+)$"
)
# The search script imports the first index's pagefind.js (the site's online, the library's
# offline), which loads its worker and its wasm; an index merged into it gives only its
# entry, metadata, word chunks and fragments (Pagefind's `mergeIndex` loads no wasm): the
# other indexes leave these out (~155 kB each, which the library download would also take).
PRIMARY_INDEXES = frozenset({INDEX_DIR, LIBRARY_INDEX_DIR})
_PRIMARY_ONLY = re.compile(r"^(pagefind\.js|pagefind-worker\.js|wasm\.[^/]+\.pagefind)$")
# Starts each hidden paragraph: Pagefind keeps hidden text in a page's content, and the
# search script must never show it in an excerpt.
SENTINEL = "¦"
# A word (a run of \w) holding đ. Found token by token (a word never spans white space): only
# the few tokens holding đ meet the regex, which starts where a word does (\b) and takes the
# letters before the first đ possessively (no backtracking in a word without đ): the words
# `\w*[đĐ]\w*` finds, ~2.5x faster on a page (issue 18 item 7).
_DJ_WORD = re.compile(r"\b[^\WđĐ]*+[đĐ]\w*")
# Each word's folded form, kept for the process: a page repeats a few hundred distinct
# đ-words (Vietnamese words are syllables), a site a few thousand (issue 18 item 7).
_FOLDED: dict[str, str] = {}


def folded_words(text: str) -> list[str]:
    """The folded form of every word of `text` that contains đ, in order. Repeats are kept:
    how often a word occurs is what ranks a page for it."""
    if "đ" not in text and "Đ" not in text:
        return []
    folded = _FOLDED
    out = []
    for token in text.split():
        if "đ" not in token and "Đ" not in token:
            continue
        for word in _DJ_WORD.findall(token):
            found = folded.get(word)
            if found is None:
                found = folded[word] = fold(word)
            out.append(found)
    return out


def annotate(page: str) -> str:
    """The page as Pagefind should read it: its đ-words folded, in hidden paragraphs at the
    end of <main>. Words of headings go in paragraphs weighted as Pagefind weighs those
    headings (h1 7, h2 6, h3 5 …), so "lua dao" ranks the lesson titled "… lừa đảo …" as
    "lừa" alone would. A page without đ-words (or without <main>) is returned as is."""
    found = MAIN.search(page)
    end = page.rfind("</main>")
    if not found or end < 0:
        return page
    main = SKIPPED.sub(" ", found.group(1))
    by_weight: dict[int, list[str]] = {}
    for level, heading in HEADING.findall(main):
        by_weight.setdefault(8 - int(level), []).extend(folded_words(tag_text(heading)))
    by_weight.setdefault(1, []).extend(folded_words(tag_text(HEADING.sub(" ", main))))
    hidden = "".join(
        f'<p hidden data-pagefind-weight="{weight}">{SENTINEL} {" ".join(words)}</p>'
        for weight, words in sorted(by_weight.items(), reverse=True)
        if words
    )
    return page[:end] + hidden + page[end:]


# Long lists whose every item also stands on its own page (a xã's awards and class are on the
# xã page, a map's table on the province and xã pages): indexing them only adds size and
# time (national site: thousands of rows per page) and duplicate results.
# The list of data changes (/cap-nhat/) changes with every data commit and only points to
# pages that are indexed themselves; so do the numbered pages of the news lists (their
# own scheme, trang/N/: generator.pages.news), whose text is their title and dates.
# Matched against a page's URL (`urlpath.path_to_url`): a URL ending in "/" is a folder's page.
_LISTS = re.compile(
    r"^/(khen-thuong/.+/|phan-loai/\d{4}/|ban-do/(.*/)?|cap-nhat/|tin-tuc/(.+/)?trang/\d+/)$"
)


def indexed(rel: str) -> bool:
    """Whether search indexes a page: not the lists above, nor page 2, 3, … of any list (a
    province's xã, a model's sites, the models citing a document: the first page is indexed
    with the page's own text, the rest would only repeat its title)."""
    if not rel.endswith(".html") or rel in NOT_INDEXED:
        return False
    url = path_to_url(rel)
    return not _LISTS.match(url) and not is_later_page(url)


def _binary() -> str:
    from pagefind_bin import get_executable  # the wheel's own binary: no download

    return str(get_executable())


# Pages that list other pages (lesson topics and audiences, the model, document and award
# lists, a province's hub, the data tables): they hold every title they list, so Pagefind
# may rank them above the page a reader is after. Their search copy carries the metadata
# `loai: danh-sach`, and the search script puts them after the other pages of the same tier
# (issue 15: a lesson above the lesson index for the lesson's title).
# Matched against a page's URL, like `_LISTS`.
_INDEX_PAGES = re.compile(
    r"^/(bai-hoc/((chu-de|danh-cho|the|loc)/[^/]+/)?"
    r"|mo-hinh/((linh-vuc|tinh)/[^/]+/)?(trang-\d+/)?|van-ban/|khen-thuong/(.+/)?"
    r"|phan-loai/|tinh/[^/]+/|du-lieu/([^/]+/)?|tim-xa/(.+/)?)$"
)
LIST_META = '<p data-pagefind-meta="loai:danh-sach" hidden></p>'
# Pagefind joins the text of neighbouring elements without a space when no block boundary it
# knows lies between them: "Cơ quan ban hànhQuốc hội" from <dt>…</dt><dd>…</dd>. Every
# family's copy gets the separators a reader would see: a colon after a term (<dt>, and a
# stacked table's data-label), a space after every cell and item, and " — " before the small
# part of a heading ("Xã Tứ Kỳ — Thành phố Hải Phòng", which is also the result's title).
_TERM_END = re.compile(r"(?<![:：])\s*</dt>")
_CELL_ENDS = ("dt", "dd", "li", "td", "th", "p", "div", "figcaption", "caption", "small")
_HEADING_SMALL = re.compile(r"(<h[1-6]\b[^>]*>)(.*?)(</h[1-6]>)", re.S)
_DATA_LABEL = re.compile(r'(<t[dh]\b[^>]*\bdata-label="([^"]*)"[^>]*>)')


def _small_parts(match: re.Match[str]) -> str:
    inner = re.sub(r"\s*<small\b([^>]*)>", r" <small\1>— ", match.group(2))
    return match.group(1) + inner + match.group(3)


def separate(main: str) -> str:
    """`main` with the separators Pagefind needs to keep labels, values and title parts
    apart in excerpts and titles (see above)."""
    # Each step only where its tag is (a substring test costs far less than a regex pass);
    # the cell ends are literal strings: one `replace` each, not a callback per match.
    if "<small" in main:
        main = _HEADING_SMALL.sub(_small_parts, main)
    if "</dt>" in main:
        main = _TERM_END.sub(":</dt>", main)
    if 'data-label="' in main:
        main = _DATA_LABEL.sub(lambda m: f"{m.group(1)}{m.group(2)}: ", main)
    for tag in _CELL_ENDS:
        main = main.replace(f"</{tag}>", f"</{tag}> ")
    return main


def is_index_page(rel: str) -> bool:
    return bool(_INDEX_PAGES.match(path_to_url(rel)))


def search_copy(page: str, rel: str = "") -> str | None:
    """What Pagefind reads for a rendered page (`rel`: its path in the site): its <main>
    without the ignored parts, with separators between labels and values (`separate`), a
    list page's `loai` metadata and the folded đ-words (see `annotate`), in a minimal
    document. None for a page without <main> (a map frame, a redirect): there is nothing
    to find on it."""
    found = MAIN.search(page)
    if not found:
        return None
    main = separate(drop_classes(drop_ignored(found.group(0)), EXCLUDED_CLASSES))
    if rel and is_index_page(rel):
        main = main.replace("</main>", LIST_META + "</main>")
    return annotate(f'<!doctype html><html lang="vi"><body>{main}</body></html>')


def index_dir(rel: str, library: bool, news: bool = False) -> str | None:
    """The index a page goes to: the library's shard (when the site has lessons) for the
    pages under /bai-hoc/, the news' (when the site has articles) for the pages under
    /tin-tuc/, the site's shard for every other indexed page, None for pages not indexed."""
    if not indexed(rel):
        return None
    if library and rel.startswith(LIBRARY_PAGES):
        return library_index_dir(rel)
    if news and rel.startswith(NEWS_PAGES):
        return news_index_dir(rel)
    return shard_dir(INDEX_DIR, _bucket(rel, SITE_SHARDS))


def _bucket(address: str, shards: int) -> int:
    """The shard (0 … `shards` - 1) of a page, fixed by its address alone (a stable hash:
    the same on every machine and in every build)."""
    return int(hashlib.sha256(address.encode()).hexdigest()[:8], 16) % shards


def shard_dir(base: str, number: int) -> str:
    """The folder of shard `number` (from 0) of the index `base`: the first shard is the
    index's own folder (the one the search script loads first), the others `base`-2, -3 …"""
    return base if number == 0 else f"{base}-{number + 1}"


def site_indexes() -> list[str]:
    """The URLs of the site index's shards, the first one's first (the search page merges
    the others into it). Every shard exists: the pages every site has (its home, guide,
    sections) fall in each of them (tests/test_search.py)."""
    return [f"/{shard_dir(INDEX_DIR, number)}/" for number in range(SITE_SHARDS)]


def library_index_dir(rel: str) -> str:
    """The library's shard of a page under /bai-hoc/: a lesson's is fixed by its address,
    the lists' is the first."""
    if not _LESSON_PAGE.match(path_to_url(rel)):
        return LIBRARY_INDEX_DIR
    return shard_dir(LIBRARY_INDEX_DIR, _bucket(rel, LIBRARY_SHARDS))


def library_indexes(lesson_urls: list[str]) -> list[str]:
    """The URLs of the library's shards a site with these lessons has, the first one's
    first (offline search loads it and merges the others): the first, which holds the
    lists, and each shard holding a lesson."""
    found = {library_index_dir(url_to_path(url)) for url in lesson_urls} - {LIBRARY_INDEX_DIR}
    return [f"/{where}/" for where in (LIBRARY_INDEX_DIR, *sorted(found))]


def is_library_index(where: str) -> bool:
    """Whether an index folder is one of the library's shards (the library download takes
    their files)."""
    return where == LIBRARY_INDEX_DIR or where.startswith(LIBRARY_INDEX_DIR + "-")


def news_index_dir(rel: str) -> str:
    """The index of a news page: an article's (tin-tuc/YYYY/SLUG/index.html) is its shard,
    fixed by its address; a list's is /pagefind-tin-tuc/."""
    parts = rel.split("/")
    if len(parts) != 4 or not parts[1].isdigit():
        return NEWS_INDEX_DIR
    return f"{NEWS_INDEX_DIR}-{_bucket(f'{parts[1]}/{parts[2]}', NEWS_SHARDS) + 1}"


def news_indexes(article_urls: list[str]) -> list[str]:
    """The URLs of the news indexes a site with these articles has (the search page merges
    them): the lists' and each shard holding an article."""
    shards = {news_index_dir(url_to_path(url)) for url in article_urls}
    return [f"/{where}/" for where in sorted({NEWS_INDEX_DIR, *shards})]


def _command(site: Path, out: Path) -> list[str]:
    command = [_binary(), "--site", str(site), "--output-path", str(out), "--silent"]
    command += ["--root-selector", "main", "--force-language", "vi"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


class Cancelled(Exception):
    """The index was no longer wanted (`antq serve`: a newer edit came in, or it stopped)."""


def run_pagefind(
    copies: Path,
    out: Path,
    cancel: Callable[[], bool] | None = None,
    spawned: threading.Event | None = None,
) -> None:
    """Index the search copies under `copies` (laid out as the site) into `out`. `cancel`,
    asked every tenth of a second, stops Pagefind (our own child, by its handle) and raises
    `Cancelled`. `spawned` is set once Pagefind's process is started (or could not be)."""
    try:
        child = subprocess.Popen(
            _command(copies, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except (OSError, ImportError) as exc:  # the binary is missing or cannot run
        raise BuildError([say("search-index-failed", status="—", detail=str(exc))]) from None
    finally:
        if spawned is not None:
            spawned.set()
    with child:
        while True:
            try:
                _, stderr = child.communicate(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel():
                    child.kill()
                    child.communicate()
                    raise Cancelled() from None
    if child.returncode != 0:
        detail = " ".join(stderr.split())[-500:] or text("search-no-detail")
        raise BuildError([say("search-index-failed", status=child.returncode, detail=detail)])


def index_pages(site: Path, pages: list[str], out: Path) -> None:
    """Index `pages` (paths relative to the built `site`) into `out`, through search copies
    made on the spot: for tools and tests that index a built site outside a build."""
    with tempfile.TemporaryDirectory(prefix="antq-search-") as tmp:
        for rel in pages:
            copy = search_copy((site / rel).read_text(encoding="utf-8"), rel)
            if copy is not None:
                target = Path(tmp) / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(copy, encoding="utf-8")
        run_pagefind(Path(tmp), out)


def _key(copies: dict[str, str]) -> str:
    """Everything an index depends on: its pages' search copies, this code, Pagefind."""
    digest = hashlib.sha256()
    digest.update(metadata.version("pagefind_bin").encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(json.dumps(sorted(copies.items())).encode())
    return digest.hexdigest()


def _current(out: Derived, key: str, cache: dict[str, Any], later: Later | None) -> bool | None:
    """Whether an index (`cache`: its entry from the previous build) can stay as it is, its
    files linked from the previous build: True when its copies did not change (its `key`),
    False when `later` asked for it to be made later (the previous index is linked and
    `cache` keeps its key); None when it must be made now."""
    old_files: list[str] = cache.get("files", [])
    if cache.get("key") == key and out.relink(old_files):
        return True
    if later is not None and later.defer and old_files and out.relink(old_files):
        return False
    return None


def _emit(out: Derived, result: Path, where: str, key: str, cache: dict[str, Any]) -> None:
    """Write the index Pagefind made in `result` under `where`; `cache` becomes its entry."""
    names = sorted(p.relative_to(result).as_posix() for p in result.rglob("*") if p.is_file())
    primary = where in PRIMARY_INDEXES
    files = [
        f"{where}/{name}"
        for name in names
        if _KEEP.match(name) and (primary or not _PRIMARY_ONLY.match(name))
    ]
    # Each file is linked from `result`, not written again (`Derived.place`): the result is
    # moved into the store whole or removed, and no file of it is rewritten in place. Writing
    # the national site's ~6,000 index files anew cost its cold build ~2 CPU s (py-spy: 164
    # samples at 12 ms in `Staging.write`), read and hashed they cost a fifth of that.
    folder = os.fspath(result)
    for rel in files:
        source = f"{folder}/{rel.removeprefix(where + '/')}"
        with open(source, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        out.place(rel, source, digest)
    cache.clear()
    cache.update(key=key, files=files)


def _run_all(
    runs: list[tuple[Path, Path]],
    cancel: Callable[[], bool] | None,
    parallel: int,
    sizes: list[int] | None = None,
    started: Callable[[], None] | None = None,
) -> None:
    """Run Pagefind over each (copies, output) of `runs`, `parallel` at a time: each run
    keeps one core busy and little more (measured: its CPU seconds are its wall seconds), so
    the indexes of a site (the site's, the library's, the news') are made side by side on a
    machine with cores to spare. Every run is given `cancel` as it is (a cancelled build
    stops them all); `sizes` (each run's pages) starts the largest first. `started` is
    called in this thread once the runs are started (each waited for in a thread of its
    own): the caller's work there (the build frees the model and pages: ~0.5 s of the
    national site's) goes on beside Pagefind. Raises the first failure in the order of
    `runs`, once every run ended; a failure is what is reported rather than a cancellation."""
    if started is None and (parallel <= 1 or len(runs) <= 1):
        for copies, result in runs:
            run_pagefind(copies, result, cancel)
        return
    # The largest first (the library's shards before the small site and news indexes), so
    # that the last run to end is a short one; errors are still raised in the order of `runs`.
    order = sorted(range(len(runs)), key=lambda i: -sizes[i] if sizes else 0)
    first = threading.Event()  # the first run's Pagefind started (a collection in this
    # thread would hold the interpreter's lock from before its Popen to the end)
    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(runs)))) as pool:
        submitted = {
            i: pool.submit(run_pagefind, *runs[i], cancel, first if i == order[0] else None)
            for i in order
        }
        futures = [submitted[i] for i in range(len(runs))]
        submitted[order[0]].add_done_callback(lambda _: first.set())  # (failed before it)
        try:
            if started is not None:
                first.wait()
                started()
        finally:
            wait(futures)
    errors = [error for future in futures if (error := future.exception()) is not None]
    if errors:
        raise next((e for e in errors if not isinstance(e, Cancelled)), errors[0])


@dataclass(frozen=True)
class Store:
    """Where the last index made for each folder is kept in the build cache, with its key:
    an index made from the same copies by the same code is the same bytes, so a build that
    cannot link it from the site it replaces (`antq build --full`, a new output folder: CI
    with its cache restored) links it from here instead of running Pagefind again (3.5 of
    the national site's 24 s warm --full build: issue 18). `code`: the whole code version
    (generator.codeversion), so that a kept index is one this code scanned when it made it.
    ANTQ_CHECK_DEPS=1 runs Pagefind anyway and stops if the bytes differ."""

    path: Path
    code: str

    def _manifest(self, where: str) -> Path:
        return self.path / f"{where}.json"

    def files(self, where: str, key: str) -> dict[str, str] | None:
        """The kept index of `where` (rel → sha256 of its bytes) when made for `key` by this
        code and every file is there, else None."""
        try:
            data = json.loads(self._manifest(where).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or data.get("code") != self.code:
            return None
        files = data.get("files")
        if not isinstance(files, dict):
            return None
        folder, isfile = os.fspath(self.path), os.path.isfile  # (strings: 6,000 files)
        return files if all(isfile(f"{folder}/{rel}") for rel in files) else None

    def link(self, out: Derived, where: str, key: str, files: dict[str, str]) -> None:
        """Publish the kept index `files` of `where` (`files` found for `key`)."""
        folder = os.fspath(self.path)
        for rel, digest in files.items():
            out.place(rel, f"{folder}/{rel}", digest)

    def keep(self, out: Derived, where: str, key: str, result: Path, files: list[str]) -> None:
        """Keep the index Pagefind made in `result` (its published `files`, emitted into
        `out`) for `where`, in place of the last one: the manifest goes first and comes
        last, so that a store cut short is one without this index. `result` is moved."""
        manifest = self._manifest(where)
        manifest.unlink(missing_ok=True)
        shutil.rmtree(self.path / where, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)
        shutil.move(result, self.path / where)  # (a rename: `result` is made beside it)
        data = {"code": self.code, "key": key, "files": {rel: out.outputs[rel] for rel in files}}
        part = manifest.with_name(manifest.name + ".part")
        part.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(part, manifest)

    def check(self, out: Derived, where: str, files: dict[str, str]) -> None:
        """ANTQ_CHECK_DEPS=1: the index just made must be the kept one of the same key."""
        made = {rel: out.outputs[rel] for rel in out.emitted if rel.startswith(where + "/")}
        if made != files:
            raise RuntimeError(f"/{where}/: kept by its key, yet Pagefind made other bytes")


@dataclass(frozen=True)
class Later:
    """How `antq serve` wants the index: `defer`, link the previous build's index when the
    copies changed (the pages go live first; the index follows, see generator.serve);
    `cancel`, asked while Pagefind runs, stops it (`Cancelled`)."""

    defer: bool = False
    cancel: Callable[[], bool] | None = None


def _indexes(copies: Mapping[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    """Each index of the search `copies` (their path under the copies' folder → hash): its
    folder, its name in the build cache's entry and its own copies (path under its folder →
    hash), the site's first, then the others in the order of their folders."""
    names = {INDEX_DIR: "site", LIBRARY_INDEX_DIR: "library"}  # the news', by their folder
    others = sorted({rel.split("/", 1)[0] for rel in copies} - {INDEX_DIR})
    found = []
    for where in (INDEX_DIR, *others):
        prefix = where + "/"
        mine = {
            rel.removeprefix(prefix): digest
            for rel, digest in copies.items()
            if rel.startswith(prefix)
        }
        found.append((where, names.get(where, where), mine))
    return found


class Early:
    """The indexes of an `antq build` begun as soon as every search copy is written, while
    the render stage makes the pages that have none (issue 18: on the national site the
    award lists, ~1,300 pages, while Pagefind's one run over the site's 6,000 copies kept
    one core busy and left the other idle for ~3 s). `start` runs Pagefind for each index
    whose copies differ from the last build's (`cache`: its search entry) and that the index
    store does not hold, in a thread of this process, into a folder of its own beside the
    store; `build_index` then takes each run whose copies are still its (`begun`) and makes
    the others. `close` stops what is still running (a build that failed meanwhile) and
    removes what was not taken. A run's failure is raised when its index is taken."""

    def __init__(self, cache: Mapping[str, Any], store: Store | None) -> None:
        self.cache = cache
        self.store = store
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._tmp: Path | None = None
        self._runs: dict[str, tuple[str, Path]] = {}  # folder → (key, Pagefind's result)

    def start(self, copies_root: Path, copies: Mapping[str, str]) -> None:
        """Begin the indexes these `copies` (all of them) make, under `copies_root`."""
        if self._thread is not None:
            return
        plans = []
        for where, name, mine in _indexes(copies):
            key = _key(mine)
            if self.cache.get(name, {}).get("key") == key:
                continue  # (linked from the last build)
            if self.store is not None and self.store.files(where, key) is not None:
                continue  # (linked from the store)
            plans.append((where, key, len(mine)))
        if not plans:
            return
        parent = self.store.path.parent if self.store is not None else None
        if parent is not None:
            parent.mkdir(parents=True, exist_ok=True)
        self._tmp = Path(tempfile.mkdtemp(prefix="antq-pagefind-", dir=parent))
        runs = [(copies_root / where, self._tmp / where) for where, _, _ in plans]
        self._runs = {
            where: (key, result) for (where, key, _), (_, result) in zip(plans, runs, strict=True)
        }
        sizes = [size for _, _, size in plans]
        self._thread = threading.Thread(
            target=self._run, args=(runs, sizes), name="antq-pagefind", daemon=True
        )
        self._thread.start()

    def _run(self, runs: list[tuple[Path, Path]], sizes: list[int]) -> None:
        try:
            _run_all(runs, self._stop.is_set, workers.count(), sizes)
        except BaseException as exc:  # (raised in the build's thread: `wait`)
            self._error = exc

    def begun(self, to_make: list[tuple[str, str, str]]) -> dict[str, Path]:
        """Of `to_make` (folder, entry name, key), the indexes begun for the same key: their
        folder → where Pagefind writes them."""
        return {
            where: self._runs[where][1]
            for where, _, key in to_make
            if where in self._runs and self._runs[where][0] == key
        }

    def wait(self) -> None:
        """Wait for the runs to end; raise the first failure."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Stop the runs still going, wait for them, and remove what they made."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)


def build_index(
    out: Derived,
    copies_root: Path,
    copies: dict[str, str],
    cache: dict[str, Any],
    later: Later | None = None,
    store: Store | None = None,
    before: Callable[[], None] | None = None,
    early: Early | None = None,
) -> dict[str, Any]:
    """Write /pagefind/ and its other shards and, when the site has lessons,
    /pagefind-bai-hoc/ and its other shards, when it has news articles, /pagefind-tin-tuc/
    and its shards into the staging directory, from the search copies under
    `copies_root`/<index dir>/ (`copies`: the copy's path there → its hash). Returns this
    build's cache entry, {"site": {"key", "files"}, "library": {"key", "files"}, <other
    index folder>: {"key", "files"}…, "pending": bool}; `cache` is the last one. Each shard
    has its own entry: an edit re-makes only the shards whose copies changed. "pending": an
    index was deferred (`later`) and is the previous build's. `store`: where the indexes
    made are kept, and taken from when the site's cannot be linked (`Store`). `before`:
    called once Pagefind has started (not when every index is kept or linked). `early`:
    the indexes Pagefind began before the render stage ended (`Early`), taken when they are
    of these copies."""
    entry: dict[str, Any] = {"site": {}, "library": {"key": None, "files": []}, "pending": False}
    to_make: list[tuple[str, str, str]] = []  # (folder, entry name, key) of each index to make
    sizes: list[int] = []
    check = os.environ.get("ANTQ_CHECK_DEPS") == "1"
    kept: dict[str, dict[str, str]] = {}  # (ANTQ_CHECK_DEPS=1) the kept index of each made
    for where, name, mine in _indexes(copies):
        entry[name] = dict(cache.get(name, {}))
        key = _key(mine)
        current = _current(out, key, entry[name], later)
        stored = store.files(where, key) if store is not None and current is None else None
        if stored is not None and not check:
            assert store is not None
            store.link(out, where, key, stored)
            entry[name] = {"key": key, "files": sorted(stored)}
        elif current is None:
            to_make.append((where, name, key))
            sizes.append(len(mine))
            if stored is not None:
                kept[where] = stored
        elif not current:
            entry["pending"] = True
    if to_make:
        _make(out, copies_root, to_make, sizes, entry, later, store, before, early)
    for where, files in kept.items():
        assert store is not None
        store.check(out, where, files)
    return entry


def _make(
    out: Derived,
    copies_root: Path,
    to_make: list[tuple[str, str, str]],
    sizes: list[int],
    entry: dict[str, Any],
    later: Later | None,
    store: Store | None,
    started: Callable[[], None] | None = None,
    early: Early | None = None,
) -> None:
    """Run Pagefind for each index of `to_make` and emit it (`build_index`); `started`:
    called once the runs have started (`_run_all`). An index `early` began for the same
    copies is waited for, not made again."""
    if store is not None:  # (made beside the store, so that keeping an index is a rename)
        store.path.parent.mkdir(parents=True, exist_ok=True)
    where_tmp = store.path.parent if store is not None else None
    with tempfile.TemporaryDirectory(prefix="antq-pagefind-", dir=where_tmp) as tmp:
        begun = early.begun(to_make) if early is not None else {}
        results = [begun.get(where, Path(tmp) / where) for where, _, _ in to_make]
        if begun and started is not None:
            started()  # (Pagefind runs already)
            started = None
        pending = [i for i, (where, _, _) in enumerate(to_make) if where not in begun]
        if pending:
            runs = [(copies_root / to_make[i][0], results[i]) for i in pending]
            cancel = later.cancel if later is not None else None
            _run_all(runs, cancel, workers.count(), [sizes[i] for i in pending], started)
        if early is not None and begun:
            early.wait()
        # Written in the order of the folders, whichever run ended first.
        for (where, name, key), result in zip(to_make, results, strict=True):
            _emit(out, result, where, key, entry[name])
            if store is not None:
                store.keep(out, where, key, result, entry[name]["files"])


def library_files(entry: dict[str, Any]) -> list[str]:
    """The files of every shard of the library's index in a `build_index` entry (the
    library download takes them all: offline search merges them), in the order of their
    folders."""
    names = sorted(name for name in entry if name != "library" and is_library_index(name))
    return [rel for name in ("library", *names) for rel in entry.get(name, {}).get("files", [])]
