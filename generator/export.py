"""`antq export zim|bundle`: the lesson library (or, with --all, the whole site) for schools
without a reliable connection.

- `zim`: a Kiwix ZIM file (libzim) with a full-text index, for Kiwix on phones, computers and
  Kiwix hotspots. Pages live at their site path without slashes (`bai-hoc/lua-dao-qua-mang`),
  files at theirs (`static/css/antq.<hash>.css`); the main page is the library index
  (`bai-hoc`), or the home page with --all.
- `bundle`: a plain zip that works opened from a USB stick: `index.html` at the root, every
  page at `<path>/index.html` and every link relative and naming `index.html`, because
  file:// has no directory index.

Both start from a fresh build of the site (`generator.build`) in a temporary directory and
rewrite its pages (`generator.export_html`): relative links only, no scripts, no service
worker, nothing fetched from another host. A link to a page that is not exported (the data
pages, without --all) becomes plain text: an offline copy should not invite clicks that
need the network; the printed footer still names the online address of each page.

Kiwix's index does not fold Vietnamese ("lua dao" does not find "lừa đảo"), so each ZIM page
carries its title and text folded (`textvi.fold`: tones removed, đ → d) in
`<meta name="keywords">`: libzim indexes it, and no reader, screen reader, find-in-page or
Kiwix result snippet ever shows it (a hidden element would be indexed too, but its folded
words would then appear in Kiwix's search snippets).

Reproducible: the same data gives the same bytes. Entries are added in sorted order with one
worker (several workers order the full-text index by thread timing); libzim stamps a random
UUID in the header and in each of its two Xapian databases and offers no way to set them, so
they are replaced afterwards by UUIDs derived from the content, and the MD5 checksum at the
end of the file is recomputed (see `_make_reproducible`).
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import os
import posixpath
import re
import struct
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import generator
from generator import pwa, search
from generator.build import BuildOptions, DataRevision, build_site, data_revision
from generator.data.messages_vi import say, text
from generator.errors import AntqError
from generator.export_html import Page, Resolve, css_references, references, rewrite_css
from generator.export_html import rewrite_page as rewrite_html
from generator.export_search import JS as SEARCH_JS
from generator.export_search import SCRIPT as SEARCH_SCRIPT
from generator.export_search import SEARCH, Item, folded_words, main_text, search_page
from generator.settings import Settings, load_settings
from generator.textvi import fold, format_date, format_number, sort_key
from generator.urlpath import INDEX, is_index, is_later_page, path_to_url, url_to_path, zim_path

LIBRARY = "/bai-hoc/"
LEGAL = "/van-ban/"
HOME = "/"
# What only a live web server, or a browser running the site's scripts, needs.
SKIP_SUFFIXES = {".js", ".mjs", ".wasm", ".map", ".webmanifest"}
SKIP_FILES = {
    "/_headers",
    "/robots.txt",
    "/sitemap.xml",
    "/404.html",
    pwa.OFFLINE_URL,  # the service worker's "no connection" page
    pwa.LIBRARY_URL,  # the list of lessons the service worker downloads
    pwa.MANIFEST_URL,
}
SKIP_DIRS = tuple(search.site_indexes())  # the site index's shards
# Our own table, not `mimetypes`: that reads /etc/mime.types, which differs between machines
# and would make the ZIM differ with it.
MIMETYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    ".ico": "image/vnd.microsoft.icon",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv;charset=utf-8",
    ".txt": "text/plain;charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".yaml": "application/yaml",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".ics": "text/calendar;charset=utf-8",
}
# Already compressed: zstd would only spend time on them.
PACKED = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".woff2", ".pdf", ".zip", ".xlsx"}
BRAND = (0xA3, 0x16, 0x1A)  # the site's theme colour
STAR = (0xFF, 0xCD, 0x00)
ZIM_MAGIC = b"ZIM\x04"
XAPIAN_MAGIC = b"\x0f\x0dXapian Glass"  # start of a Xapian glass database's version file
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class ExportError(AntqError):
    """The export stopped for a reason the user can fix; `lines` are Vietnamese messages."""


@dataclass(frozen=True)
class ExportOptions:
    data_dir: Path = Path("data")
    site_dir: Path = Path("site")
    everything: bool = False  # --all: the whole site, not only the lesson library
    # ZIM only: add the folded search keywords. Off only to show (in tests) that Kiwix's
    # index then misses "lua dao".
    fold_search: bool = True


@dataclass
class ExportReport:
    path: Path
    pages: int
    files: int
    size: int  # bytes
    seconds: float = 0.0
    reproducible: bool = True  # False: libzim's UUIDs could not be replaced (see module doc)


@dataclass
class BuiltSite:
    """A site built for export: its pages and files by site URL."""

    root: Path
    settings: Settings
    revision: DataRevision
    pages: dict[str, Path] = field(default_factory=dict)  # "/bai-hoc/x/" → …/index.html
    files: dict[str, Path] = field(default_factory=dict)  # "/static/css/a.css" → file

    @classmethod
    def scan(cls, root: Path, settings: Settings, revision: DataRevision) -> BuiltSite:
        site = cls(root, settings, revision)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(root).as_posix()
            if is_index(rel) or path.suffix == ".html":  # 404.html: a page under its own name
                site.pages[path_to_url(rel)] = path
            else:
                site.files[path_to_url(rel)] = path
        return site


@contextmanager
def built_site(options: ExportOptions) -> Iterator[BuiltSite]:
    """Build the site into a temporary directory (with its own build cache, so that nothing
    is left behind) and scan it."""
    with tempfile.TemporaryDirectory(prefix="antq-export-") as tmp:
        out = Path(tmp) / "site"
        build_site(
            BuildOptions(
                inbox=False,  # an export never changes data/ (the build imports data/nhap/)
                data_dir=options.data_dir,
                out_dir=out,
                site_dir=options.site_dir,
                cache_dir=Path(tmp) / "cache",
                full=True,
            )
        )
        yield BuiltSite.scan(out, load_settings(options.site_dir), data_revision(options.data_dir))


@dataclass(frozen=True)
class Selection:
    pages: tuple[str, ...]  # site URLs, sorted
    files: tuple[str, ...]
    main: str  # the page readers open first


def select(site: BuiltSite, everything: bool) -> Selection:
    """Which pages and files the export holds.

    Without --all: the lesson library (index, topic and grade lists, every lesson), the
    legal documents the lessons link to, and the stylesheets, images and other /static/
    files these pages use. With --all: every page and file but what only a web server or a
    script needs."""
    if everything:
        main = HOME if HOME in site.pages else LIBRARY
        return Selection(
            tuple(sorted(u for u in site.pages if _offline_file(u))),
            tuple(sorted(u for u in site.files if _offline_file(u))),
            main,
        )
    if LIBRARY not in site.pages:
        raise ExportError([say("export-no-lessons")])
    pages = {u for u in site.pages if u.startswith(LIBRARY)}
    if SEARCH in site.pages:  # replaced by the export's own search page (export_search)
        pages.add(SEARCH)
    # The legal documents lessons cite, and those these documents link to (what amended or
    # replaced them): a pupil should find the law in force, not only the one cited.
    todo = sorted(pages)
    while todo:
        url = todo.pop()
        refs = references(_read(site.pages[url]), url)
        cited = {u for u in refs.links if u.startswith(LEGAL) and u != LEGAL and u in site.pages}
        todo += sorted(cited - pages)
        pages |= cited
    needed: set[str] = set()
    for url in sorted(pages):
        refs = references(_read(site.pages[url]), url)
        needed |= refs.resources | {u for u in refs.links if u.startswith("/static/")}
    files: set[str] = set()
    while needed:  # stylesheets may load images and other stylesheets
        url = needed.pop()
        if url in files or url not in site.files or not _offline_file(url):
            continue
        files.add(url)
        if url.endswith(".css"):
            needed |= css_references(_read(site.files[url]), url) - files
    return Selection(tuple(sorted(pages)), tuple(sorted(files)), LIBRARY)


def _offline_file(url: str) -> bool:
    return (
        url not in SKIP_FILES
        and not url.startswith(SKIP_DIRS)
        and posixpath.splitext(url)[1].lower() not in SKIP_SUFFIXES
    )


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class Layout:
    """Where each page and file goes in an export, and relative links between them."""

    def __init__(self, selection: Selection, *, zim: bool) -> None:
        self.zim = zim
        self.pages = set(selection.pages)
        self.files = set(selection.files)
        if SEARCH in self.pages and LIBRARY in self.pages:
            self.files.add(SEARCH_SCRIPT)  # the export's own search (export_search)
        self.main = selection.main

    def page_path(self, url: str) -> str:
        return zim_path(url) if self.zim else url_to_path(url)

    def locate(self, url: str) -> str | None:
        """Entry path of a site URL, or None when it is not exported. The home page, when
        left out, stands for the export's own main page ("Trang chủ" in the breadcrumbs,
        the site name in the header)."""
        path = unquote(urlsplit(url).path)
        if is_index(path.lstrip("/")):
            path = path_to_url(path.lstrip("/"))
        if path in self.pages:
            return self.page_path(path)
        if not path.endswith("/") and path + "/" in self.pages:
            return self.page_path(path + "/")
        if path in self.files:
            return path.lstrip("/")
        if path == HOME:
            return self.page_path(self.main)
        return None

    def resolver(self, doc_path: str) -> Resolve:
        base = posixpath.dirname(doc_path) or "."

        def resolve(url: str) -> str | None:
            target = self.locate(url)
            if target is None:
                return None
            relative = posixpath.relpath(target, base)
            if self.zim and posixpath.basename(relative) in (".", ".."):
                # A ZIM names a page without a slash ("bai-hoc"): "." or ".." would ask a
                # reader for the folder ("bai-hoc/"), which kiwix-serve answers with a 404.
                # Name the entry itself from its parent folder: "../bai-hoc".
                parent = posixpath.relpath(posixpath.dirname(target) or ".", base)
                relative = posixpath.join(parent, posixpath.basename(target))
            relative = quote(relative, safe="/-._~")
            fragment = urlsplit(url).fragment
            return f"{relative}#{fragment}" if fragment else relative

        return resolve


@dataclass(frozen=True)
class Entry:
    path: str
    title: str
    mimetype: str
    content: bytes
    page: bool


def entries(
    site: BuiltSite, selection: Selection, layout: Layout, *, keywords: bool
) -> list[Entry]:
    """Every exported page rewritten for the layout, and every exported file (stylesheets
    with their url()s made relative), sorted by path."""
    origin = site.settings.base_url.rstrip("/")
    head_extra = _search_keywords if keywords else None
    out: list[Entry] = []
    own_search = SEARCH in selection.pages and LIBRARY in selection.pages
    for url in selection.pages:
        if url == SEARCH and own_search:
            continue  # made below from the other pages
        path = layout.page_path(url)
        page = rewrite_html(
            _read(site.pages[url]),
            url,
            layout.resolver(path),
            own_origin=origin,
            head_extra=head_extra,
        )
        out.append(Entry(path, page.title or path, "text/html", page.html.encode("utf-8"), True))
    if own_search:
        out += _search_entries(selection, layout, out)
    for url in selection.files:
        path = url_to_path(url)
        data = site.files[url].read_bytes()
        if url.endswith(".css"):
            data = rewrite_css(data.decode("utf-8"), url, layout.resolver(path)).encode("utf-8")
        suffix = posixpath.splitext(url)[1].lower()
        mimetype = MIMETYPES.get(suffix, "application/octet-stream")
        out.append(Entry(path, "", mimetype, data, False))
    return sorted(out, key=lambda e: e.path)


def _search_entries(selection: Selection, layout: Layout, pages: list[Entry]) -> list[Entry]:
    """The export's own search page (generator.export_search) and its script: every lesson
    and legal document with its folded text, other pages (--all) by title and description."""
    by_path = {e.path: e for e in pages}
    path = layout.page_path(SEARCH)
    resolve = layout.resolver(path)
    items: list[tuple[int, tuple[object, ...], Item]] = []
    for url in selection.pages:
        entry = by_path.get(layout.page_path(url))
        kind = _search_kind(url)
        href = resolve(url)
        if entry is None or kind is None or href is None:
            continue
        source = entry.content.decode("utf-8")
        described = _DESCRIPTION.search(source)
        description = html.unescape(described.group(1)) if described else ""
        words = main_text(source) if kind < 2 else description
        item = Item(href, entry.title, description, folded_words(f"{entry.title} {words}"))
        items.append((kind, sort_key(entry.title), item))
    shell = by_path[layout.page_path(LIBRARY)].content.decode("utf-8")
    style = next((u for u in selection.files if u.startswith("/static/css/tim-kiem.")), None)
    if style is not None:
        href = resolve(style) or ""
        link = f'<link rel="stylesheet" href="{html.escape(href, quote=True)}">\n</head>'
        shell = shell.replace("</head>", link, 1)
    script = resolve(SEARCH_SCRIPT) or ""
    page = search_page(shell, [i for _k, _s, i in sorted(items, key=lambda t: t[:2])], script)
    title = text("zim-search-title")
    return [
        Entry(path, title, "text/html", page.encode("utf-8"), True),
        Entry(SEARCH_SCRIPT.lstrip("/"), "", "text/javascript", SEARCH_JS.encode(), False),
    ]


_DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
_LESSON = re.compile(r"^/bai-hoc/(?!chu-de/|danh-cho/)[^/]+/$")
_LEGAL = re.compile(r"^/van-ban/[^/]+/$")


def _search_kind(url: str) -> int | None:
    """0 a lesson, 1 a legal document (both searched by their whole text), 2 any other page
    (by title and description); None for the lists, page 2, 3, … of a long list and the
    search page itself."""
    if is_later_page(url):
        return None
    if _LESSON.match(url):
        return 0
    if _LEGAL.match(url):
        return 1
    if url in (SEARCH, HOME, LIBRARY) or url.startswith(LIBRARY):
        return None
    return 2


def _search_keywords(page: Page) -> str:
    folded = fold(f"{page.title} {page.text}")
    return f'<meta name="keywords" content="{html.escape(folded, quote=True)}">\n'


# -- ZIM -------------------------------------------------------------------------------------


def illustration(size: int = 48) -> bytes:
    """The ZIM's icon: a yellow star on the site's red, drawn four times larger and scaled
    down for smooth edges. Same Pillow, same bytes: PNG carries no timestamp by default."""
    from PIL import Image, ImageDraw

    scale = 4
    big = size * scale
    image = Image.new("RGB", (big, big), BRAND)
    centre, outer = big / 2, big * 0.40
    inner = outer * 0.382  # the regular five-pointed star's ratio
    points = []
    for i in range(10):
        angle = i * math.pi / 5
        radius = outer if i % 2 == 0 else inner
        points.append((centre + radius * math.sin(angle), centre * 1.04 - radius * math.cos(angle)))
    ImageDraw.Draw(image).polygon(points, fill=STAR)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def zim_metadata(site: BuiltSite, everything: bool) -> dict[str, str]:
    """The metadata Kiwix requires and shows in its library (openZIM: Title at most 30
    characters, Description at most 80)."""
    s = site.settings
    if everything:
        name, title = "antq_vi_all", f"{s.short_name} — Dữ liệu phong trào"
        description = "Phong trào toàn dân bảo vệ an ninh Tổ quốc: dữ liệu, văn bản, bài học"
        long_description = s.description
    else:
        name, title = "antq_vi_bai-hoc", f"{s.short_name} — Bài học pháp luật"
        description = "Bài học pháp luật cho học sinh, người dân và các văn bản được trích dẫn"
        long_description = (
            "Bài học pháp luật ngắn, dễ hiểu cho học sinh và người dân, mỗi bài có phần tự "
            "kiểm tra, kèm các văn bản pháp luật bài học trích dẫn. "
            f"Bản trực tuyến: {s.base_url}{LIBRARY}"
        )
    return {
        "Name": name,
        "Title": title,
        "Description": description,
        "LongDescription": long_description,
        "Language": "vie",
        "Creator": s.contact_organisation or s.name,
        "Publisher": s.name,
        "Date": site.revision.date.isoformat(),
        "Tags": "_category:other;_ftindex:yes;_pictures:{pictures};_videos:no;_details:yes;"
        "pháp luật;giáo dục;an ninh trật tự",
        "Source": s.base_url,
        "Scraper": f"antq {generator.__version__}",
    }


def write_zim(
    site: BuiltSite, out: Path, *, everything: bool = False, fold_search: bool = True
) -> ExportReport:
    """Write the site as one ZIM file at `out`.

    Long because libzim's writer is driven in one session: item classes, metadata, entries and the
    main page are all set inside one Creator context.
    """
    from libzim.writer import Creator, Hint, Item, StringProvider

    start = time.perf_counter()
    selection = select(site, everything)
    layout = Layout(selection, zim=True)
    items = entries(site, selection, layout, keywords=fold_search)
    pictures = any(e.mimetype.startswith("image/") for e in items)
    metadata = zim_metadata(site, everything)
    metadata["Tags"] = metadata["Tags"].format(pictures="yes" if pictures else "no")
    icon = illustration(48)

    class _Item(Item):
        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

        def get_path(self) -> str:
            return self.entry.path

        def get_title(self) -> str:
            return self.entry.title

        def get_mimetype(self) -> str:
            return self.entry.mimetype

        def get_contentprovider(self) -> StringProvider:
            return StringProvider(self.entry.content)

        def get_hints(self) -> dict[Hint, int]:
            packed = posixpath.splitext(self.entry.path)[1].lower() in PACKED
            return {Hint.FRONT_ARTICLE: self.entry.page, Hint.COMPRESS: not packed}

    digest = hashlib.sha256(b"antq-zim-1\0")
    for key, value in sorted(metadata.items()):
        digest.update(f"{key}={value}\0".encode())
    digest.update(hashlib.sha256(icon).digest())
    for entry in items:
        digest.update(f"{entry.path}\0{entry.mimetype}\0{entry.title}\0".encode())
        digest.update(hashlib.sha256(entry.content).digest())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.unlink(missing_ok=True)
    creator = Creator(str(tmp)).config_indexing(True, "vie").config_nbworkers(1)
    with _quiet_stdout(), creator:
        creator.set_mainpath(layout.page_path(selection.main))
        creator.add_illustration(48, icon)
        for key, value in sorted(metadata.items()):
            creator.add_metadata(key, value)
        for entry in items:
            creator.add_item(_Item(entry))
    reproducible = _make_reproducible(tmp, digest.digest())
    tmp.replace(out)
    return ExportReport(
        out,
        pages=len(selection.pages),
        files=len(selection.files),
        size=out.stat().st_size,
        seconds=time.perf_counter() - start,
        reproducible=reproducible,
    )


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """libzim's C++ code prints its progress ("Detect dangling redirects", "ZIM file is
    ready!") on the process's standard output, past Python's sys.stdout: silence file
    descriptor 1 while it writes, so that the command's own report is all the user sees."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _make_reproducible(path: Path, digest: bytes) -> bool:
    """Replace libzim's random UUIDs with ones derived from the content, then recompute the
    file's MD5 checksum. libzim (3.x binding) has no setting for them.

    Where they are, as measured on two builds of the same content (nothing else differs):
    the header's UUID (bytes 8–23), the UUID in the version file at the start of each
    Xapian database (full text and titles: 16 bytes after the 14-byte magic and a 2-byte
    format version), and the MD5 of everything before it, at the header's checksum
    position (the last 16 bytes). The databases are stored uncompressed, so their bytes
    can be found in the file. If the layout is not what we expect, nothing is changed and
    False is returned: the file is then valid but not byte-reproducible."""
    data = bytearray(path.read_bytes())
    if data[:4] != ZIM_MAGIC or len(data) < 96:
        return False
    (checksum_pos,) = struct.unpack_from("<Q", data, 72)
    if checksum_pos != len(data) - 16:
        return False
    offsets = []
    start = data.find(XAPIAN_MAGIC)
    while start != -1:
        offsets.append(start + len(XAPIAN_MAGIC) + 2)
        start = data.find(XAPIAN_MAGIC, start + 1)
    if len(offsets) != 2:  # one full-text and one title database
        return False
    for number, offset in enumerate(offsets):
        old = bytes(data[offset : offset + 16])
        if data.count(old) != 1:
            return False
        data[offset : offset + 16] = hashlib.sha256(digest + bytes([number + 1])).digest()[:16]
    data[8:24] = uuid.UUID(bytes=digest[:16], version=5).bytes
    data[checksum_pos:] = hashlib.md5(data[:checksum_pos], usedforsecurity=False).digest()
    path.write_bytes(bytes(data))
    return True


# -- zip bundle -------------------------------------------------------------------------------


def write_bundle(site: BuiltSite, out: Path, *, everything: bool = False) -> ExportReport:
    start = time.perf_counter()
    selection = select(site, everything)
    layout = Layout(selection, zim=False)
    files = {e.path: e.content for e in entries(site, selection, layout, keywords=False)}
    if INDEX not in files:
        files[INDEX] = _start_page(site, layout.page_path(selection.main))
    files["HUONG-DAN.txt"] = _instructions(site, everything)
    # Zip times are local wall-clock times without a zone: the data's UTC time, as is.
    when = max(site.revision.time.timetuple()[:6], ZIP_EPOCH)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3  # Unix: fixed, and gives the permission bits below
            info.external_attr = 0o644 << 16
            packed = posixpath.splitext(name)[1].lower() in PACKED
            info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name], compresslevel=9)
    tmp.replace(out)
    return ExportReport(
        out,
        pages=len(selection.pages),
        files=len(selection.files),
        size=out.stat().st_size,
        seconds=time.perf_counter() - start,
    )


def _start_page(site: BuiltSite, main_path: str) -> bytes:
    """index.html at the root of the zip when the home page is not exported: sends the
    reader to the library (a meta refresh works on file:// without scripts) and says where
    it goes, for a browser that does not follow it."""
    target = html.escape(main_path, quote=True)
    title = html.escape(text("export-start-title", name=site.settings.short_name))
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n<title>{title}</title>\n'
        f'</head>\n<body>\n<p><a href="{target}">Mở thư viện bài học pháp luật</a></p>\n'
        "</body>\n</html>\n"
    ).encode()


def _instructions(site: BuiltSite, everything: bool) -> bytes:
    """A short Vietnamese note next to index.html. UTF-8 with a byte order mark and CRLF
    line ends, so that old Windows Notepad shows the tones and the lines."""
    what = "Trang web" if everything else "Thư viện bài học pháp luật"
    online = site.settings.base_url + ("/" if everything else LIBRARY)
    lines = [
        f"{what} {site.settings.short_name} — bản dùng không cần mạng",
        "",
        "1. Giải nén toàn bộ tệp .zip (nhấp chuột phải, chọn “Giải nén tất cả” / “Extract All”).",
        "2. Mở tệp index.html trong thư mục vừa giải nén bằng trình duyệt "
        "(Chrome, Edge, Firefox, Cốc Cốc…).",
        "3. Bấm vào các liên kết để đọc bài; dùng lệnh In của trình duyệt (Ctrl+P) để in.",
        "",
        f"Dữ liệu cập nhật đến {format_date(site.revision.date)}. Bản trực tuyến: {online}",
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


# -- the commands ----------------------------------------------------------------------------


def default_name(site: BuiltSite, everything: bool, suffix: str) -> Path:
    """openZIM's file naming: <Name>_<YYYY-MM>, the month of the data."""
    name = "antq_vi_all" if everything else "antq_vi_bai-hoc"
    return Path(f"{name}_{site.revision.date:%Y-%m}{suffix}")


def export(kind: str, options: ExportOptions, out: Path | None = None) -> ExportReport:
    """Build the site and write the ZIM (`kind` "zim") or the zip ("bundle")."""
    start = time.perf_counter()
    with built_site(options) as site:
        target = out or default_name(site, options.everything, ".zim" if kind == "zim" else ".zip")
        if kind == "zim":
            report = write_zim(
                site, target, everything=options.everything, fold_search=options.fold_search
            )
        else:
            report = write_bundle(site, target, everything=options.everything)
    report.seconds = time.perf_counter() - start
    return report


def size_text(size: int) -> str:
    """Vietnamese size: "3,2 MB" or "48.213 byte"."""
    if size >= 100_000:
        return f"{format_number(size / 1_000_000, 1)} MB"
    return f"{format_number(size)} byte"
