"""The installable, offline-capable site (issue #5): web app manifest, icons drawn at build
time, the lesson library's download list and the service worker.

The service worker source is ours (pwa/sw.js, no framework). The build injects into it, at
exactly one marker, what it must know about this build (Workbox's injectManifest, by hand):

- `precache`: the app shell, each URL with a revision that is a hash of its bytes, so an
  update downloads only the shell files whose bytes changed;
- `library`: the URL and version of /bai-hoc/offline.json, the list of every lesson page, the
  files they load and the lesson library's search index (URL, revision, size). Its version
  is in the worker, so a change to any downloaded file makes a new worker, which refreshes
  the library, fetching only the changed files.

Both are made from the bytes the build just wrote (see generator/derived.py), after the
pages and the search index.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import generator
from generator.data.messages_vi import problem
from generator.derived import Derived
from generator.errors import AntqError
from generator.htmlread import LOCAL_LOADS
from generator.output import content_tag, digest_tag
from generator.settings import Settings
from generator.urlpath import is_index, is_later_page, path_to_url, url_to_path

if TYPE_CHECKING:  # Pillow and the pages are imported where they are used: `antq build`
    # with nothing changed reads only `source_dir` of this module.
    from PIL import Image

    from generator.pages import FileOutput

SW_SOURCE = "sw.js"
SW_PUSH_SOURCE = "sw-push.js"
INJECTION_POINT = "self.__ANTQ_BUILD"
MANIFEST_URL = "/manifest.webmanifest"
OFFLINE_URL = "/offline/"
LIBRARY_URL = "/bai-hoc/offline.json"
SEARCH_URL = "/tim-kiem/"
# Per province, what "Lưu xã/tỉnh này để dùng khi không có mạng" downloads (issue 16).
PLACES_NAME = "offline.json"  # /tinh/<slug>/offline.json
FINDER_INDEX_URL = "/tim-xa/chi-muc.json"  # generator/pages/finder.py INDEX_URL
# The same colours as the theme (site/static/css/antq.css and base.html's theme-color).
THEME_COLOUR = "#a3161a"
BACKGROUND_COLOUR = "#ffffff"
_EMBLEM = "#ffd24a"  # gold: 6.9:1 on the red band


class PwaError(AntqError):
    """The service worker source is unusable; `lines` are Vietnamese messages."""


def source_dir(site_dir: Path) -> Path:
    """pwa/ sits next to site/ in the repository (as `antq serve` assumes); a theme copied
    elsewhere (tests) falls back to the repository's own pwa/."""
    beside = site_dir.parent / "pwa"
    if (beside / SW_SOURCE).is_file():
        return beside
    return Path(generator.__file__).resolve().parent.parent / "pwa"


# -- icons ---------------------------------------------------------------------------------

# (URL, size in px, purpose). Chrome needs a 192 and a 512 "any" icon; the maskable one
# keeps its emblem inside the central 80 % circle that launchers may crop to.
ICONS = [
    ("/icons/icon-192.png", 192, "any"),
    ("/icons/icon-512.png", 512, "any"),
    ("/icons/maskable-512.png", 512, "maskable"),
]
APPLE_TOUCH_ICON = "/icons/apple-touch-icon.png"  # iOS ignores the manifest's icons
FAVICON_PNG = "/favicon.png"
FAVICON_ICO = "/favicon.ico"  # browsers ask for it whatever the page says


def _shield(cx: float, top: float, width: float, height: float) -> list[tuple[float, float]]:
    """A heraldic shield outline: straight top and sides, curved to a point at the bottom."""
    left, right = cx - width / 2, cx + width / 2
    shoulder = top + height * 0.42
    points = [(left, top), (right, top), (right, shoulder)]
    steps = 24
    for i in range(1, steps + 1):  # right half of the curve: quadratic Bézier to the point
        t = i / steps
        x = (1 - t) ** 2 * right + 2 * (1 - t) * t * right + t**2 * cx
        y = (
            (1 - t) ** 2 * shoulder
            + 2 * (1 - t) * t * (top + height * 0.82)
            + t**2 * (top + height)
        )
        points.append((x, y))
    points += [(2 * cx - x, y) for x, y in reversed(points[3:-1])]
    points.append((left, shoulder))
    return points


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw_icon(size: int, purpose: str = "any") -> Image.Image:
    """The app icon, drawn with polygons only (no font: text would render differently from
    one machine to the next) at 4× and scaled down, so the bytes are the same every build."""
    from PIL import Image, ImageDraw

    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if purpose == "maskable":
        draw.rectangle((0, 0, big, big), fill=THEME_COLOUR)
        scale = 0.5  # inside the safe zone
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.18, fill=THEME_COLOUR)
        scale = 0.68
    height = big * scale
    width = height * 0.82
    top = (big - height) / 2
    draw.polygon(_shield(big / 2, top, width, height), fill=_EMBLEM)
    draw.polygon(_star(big / 2, top + height * 0.43, width * 0.3), fill=THEME_COLOUR)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _ico() -> bytes:
    buffer = io.BytesIO()
    draw_icon(256).save(buffer, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return buffer.getvalue()


def _apple_touch_icon() -> bytes:
    # iOS puts transparent corners on black: give it the full square.
    return _png(draw_icon(180, "maskable").convert("RGB"))


def icon_outputs() -> list[FileOutput]:
    # The drawing code and Pillow's version are the icons' inputs: a change to either makes
    # an incremental build draw them again, as a full build would.
    from PIL import __version__ as pillow_version

    from generator.pages import FileOutput

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    inputs = f"icon:{code}:pillow-{pillow_version}"
    outputs = [
        FileOutput(url, f"{inputs}:{size}:{purpose}", _icon_producer(size, purpose))
        for url, size, purpose in ICONS
    ]
    outputs.append(FileOutput(APPLE_TOUCH_ICON, f"{inputs}:apple", _apple_touch_icon))
    outputs.append(FileOutput(FAVICON_PNG, f"{inputs}:48", _icon_producer(48, "any")))
    outputs.append(FileOutput(FAVICON_ICO, f"{inputs}:ico", _ico))
    return outputs


def _icon_producer(size: int, purpose: str) -> Any:
    return lambda: _png(draw_icon(size, purpose))


# -- manifest ------------------------------------------------------------------------------


def manifest(settings: Settings) -> dict[str, Any]:
    return {
        "id": "/",
        "name": settings.name,
        "short_name": settings.short_name,
        "description": settings.description,
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "categories": ["education", "government"],
        "icons": [
            {"src": url, "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
            for url, size, purpose in ICONS
        ],
        "shortcuts": [
            {"name": "Bài học pháp luật", "url": "/bai-hoc/"},
            {"name": "Tìm kiếm", "url": SEARCH_URL},
        ],
    }


def manifest_output(settings: Settings) -> FileOutput:
    from generator.pages import FileOutput

    data = (json.dumps(manifest(settings), ensure_ascii=False, indent=2) + "\n").encode()
    return FileOutput(MANIFEST_URL, f"manifest:{hashlib.sha256(data).hexdigest()}", lambda: data)


# -- precache, library list and service worker (after the pages) ---------------------------

_LESSON = re.compile(r"^/bai-hoc/(?!chu-de/|danh-cho/)[^/]+/$")


REVISION_LENGTH = 16


def revision(data: bytes) -> str:
    return content_tag(data, REVISION_LENGTH)


def _loads(out: Derived, url: str, missing: set[str] | None = None) -> list[str]:
    found = _by_file(out, url_to_path(url), "loads", _found_loads)
    return sorted(_present(out, found, missing))


def _present(out: Derived, urls: Iterable[str], missing: set[str] | None) -> set[str]:
    """The URLs of `urls` the site has a file for; the others added to `missing`."""
    present = set()
    for url in urls:
        if out.is_file(url_to_path(url)):
            present.add(url)
        elif missing is not None:
            missing.add(url)
    return present


def _found_loads(data: bytes) -> frozenset[str]:
    return frozenset(LOCAL_LOADS.findall(data.decode("utf-8")))


# What was read of a written file, by what `stat` says of it (device, inode, size,
# modification time): a file the build hard-linked from the last one is the same inode, so
# a long-lived process (`antq serve`) reads again only the files an edit wrote (issue 18;
# generator.filehash makes the same trade-off for input files). Bounded: emptied when full.
_READ: dict[tuple[str, int, int, int, int], Any] = {}
_READ_MAX = 100_000


def _by_file(out: Derived, rel: str, kind: str, make: Callable[[bytes], Any]) -> Any:
    st = out.path(rel).stat()
    key = (kind, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    # Kept (or found by a render job, `learn`): checked against the bytes on demand.
    check = key in _READ and os.environ.get("ANTQ_CHECK_DEPS") == "1"
    if check and make(out.read(rel)) != _READ[key]:
        raise RuntimeError(f"/{rel}: what was kept of it differs from its bytes")
    if key not in _READ:
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        _READ[key] = make(out.read(rel))
    return _READ[key]


# The pages this stage reads (`_loads`, `_revision_of`): the lesson library's, the search
# page, the provinces' and their xã pages, the maps, the home and offline pages. Their render
# job gives what is read of them (`facts`), as it writes them.
_READ_PAGES = ("bai-hoc/", "tinh/", "ban-do/")
_READ_ALSO = frozenset(url_to_path(url) for url in ("/", OFFLINE_URL, SEARCH_URL))


def reads(rel: str) -> bool:
    """Whether this stage reads the page written at `rel`."""
    return rel.startswith(_READ_PAGES) or rel in _READ_ALSO


def facts(st: os.stat_result, text: str, data: bytes) -> list[tuple[Any, Any]]:
    """What this stage would read of a page (`data`, its UTF-8 `text`; `st`: its file's
    stat) as `_by_file` keeps it: what it loads and its revision."""
    stamp = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    return [
        (("loads", *stamp), frozenset(LOCAL_LOADS.findall(text))),
        (("revision", *stamp), revision(data)),
    ]


def learn(found: Iterable[tuple[Any, Any]]) -> None:
    """Keep `facts` made elsewhere (the render workers) as if this process had read them."""
    for key, value in found:
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        _READ[key] = value


def precache_urls(out: Derived) -> list[str]:
    """The app shell: home and offline pages, what they load, the manifest and its icons,
    and the xã finder's index (loaded by the finder's script, so that it works offline)."""
    urls = {"/", OFFLINE_URL, MANIFEST_URL, *(url for url, _, _ in ICONS)}
    for page in ("/", OFFLINE_URL):
        urls.update(_loads(out, page))
    if out.path(url_to_path(FINDER_INDEX_URL)).is_file():
        urls.add(FINDER_INDEX_URL)
    return sorted(urls)


def library(out: Derived, search_files: list[str], shell: list[str]) -> dict[str, Any] | None:
    """The lesson library for offline use: every page under /bai-hoc/, the search page,
    what they load, and the library's own search index (`search_files`, /pagefind-bai-hoc/),
    but not the app shell (`shell`), which the service worker already holds. None when the
    site has no lessons."""
    pages = sorted(
        path_to_url(rel) for rel in out.outputs if rel.startswith("bai-hoc/") and is_index(rel)
    )
    lessons = sum(1 for page in pages if _LESSON.match(page))
    if not lessons:
        return None
    pages.append(SEARCH_URL)
    urls = set(pages)
    for page in pages:
        urls.update(_loads(out, page))
    urls.update("/" + rel for rel in search_files)
    urls.difference_update(shell)
    files = []
    seen: dict[str, str] = {}
    for url in sorted(urls):
        rel = url_to_path(url)
        size = out.path(rel).stat().st_size
        files.append({"url": url, "rev": _revision_of(out, rel, seen), "size": size})
    version = revision(json.dumps(files, sort_keys=True).encode())
    # No total size: the scripts add up the files' sizes. A library over 100 MB would write
    # a nine-digit total, which the personal-data scan rightly reads as an old ID number.
    return {"version": version, "lessons": lessons, "pages": len(pages), "files": files}


# -- saved places: a province or a xã kept for offline use (issue 16) ---------------------

_PROVINCE_PAGE = re.compile(r"^/tinh/([^/]+)/$")
_WARD_PAGE = re.compile(r"^/tinh/([^/]+)/[^/]+/$")
# The layers a map script fetches (folium's script names them: `AntqMap.*("/….geojson")`).
_GEOJSON_REF = re.compile(r'"(/[^"#?\s]+\.geojson)"')
# Images a stylesheet loads (Leaflet's layer switcher and markers), relative to it.
_CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')#:]+)[\"']?\s*\)")


def _revision_of(out: Derived, rel: str, seen: dict[str, str]) -> str:
    """A revision of a written file from its bytes, read once per build (`seen`). Not the
    hash the build recorded for a page: that one is of its inputs, the code's version
    included, so the lists changed with any code edit and differed between two installs
    whose pages were byte for byte the same."""
    if rel not in seen:
        digest = out.content.get(rel)  # a file this build emitted: its hash is known
        seen[rel] = (
            digest_tag(digest, REVISION_LENGTH)
            if digest is not None
            else _by_file(out, rel, "revision", revision)
        )
    return seen[rel]


def _file_deps(out: Derived, url: str, missing: set[str] | None = None) -> set[str]:
    """What a script or stylesheet loads in turn: a map script's GeoJSON layers, a
    stylesheet's images."""
    if not url.endswith((".js", ".css")):
        return set()
    found = _by_file(out, url_to_path(url), f"deps {url}", lambda data: _refs(url, data))
    return _present(out, found, missing)


def _refs(url: str, data: bytes) -> frozenset[str]:
    text = data.decode("utf-8", "replace")
    if url.endswith(".js"):
        return frozenset(_GEOJSON_REF.findall(text))
    base = url.rsplit("/", 1)[0]
    return frozenset(posixpath.normpath(f"{base}/{ref}") for ref in _CSS_URL.findall(text))


def _page_set(out: Derived, page: str, missing: set[str] | None = None) -> set[str]:
    """A page, what it loads, and what those files load (`missing`: what they name that
    the site has no file for)."""
    urls = {page}
    for url in _loads(out, page, missing):
        urls.add(url)
        urls.update(_file_deps(out, url, missing))
    return urls


# A province's list as the last build in this process made it (`antq serve`, issue 18):
# slug → (what the list was made of, each file it read with its key in the build's outputs,
# the URLs it found missing, the list, the list's bytes). Made again only when one of those
# changed: a one-row edit rewrites a few pages, not the 3,400 xã pages' lists. A file's key
# is what the build reuses it by (a page's inputs, a data file's, an asset's bytes): the
# same key, the same bytes, so the check asks no `stat` of the 3,500 files (it did).
# ANTQ_CHECK_DEPS=1 makes each kept list again and stops on a difference.
_PLACES: dict[str, tuple[Any, dict[str, str], frozenset[str], dict[str, Any], bytes]] = {}
# The provinces' and their later pages of the last build's outputs (`_province_pages`),
# by the outputs' paths: made again only when an output appears or goes.
_PAGES: list[Any] = [frozenset(), ({}, {})]


def _kept_list(out: Derived, slug: str, made_of: Any) -> dict[str, Any] | None:
    kept = _PLACES.get(slug)
    if kept is None or kept[0] != made_of:
        return None
    outputs = out.outputs
    if any(outputs.get(rel) != key for rel, key in kept[1].items()):
        return None
    if any(os.path.isfile(out.where(url_to_path(url))) for url in kept[2]):
        return None
    return kept[3]


def place_lists(
    out: Derived, shell: list[str], memo: PlacesMemo | None = None
) -> dict[str, dict[str, Any]]:
    """For each province page /tinh/<slug>/: the files a saved copy of the province needs
    (its page, every xã page, the province map /ban-do/<slug>/ with its layers and scripts)
    and, per xã page, what a saved xã needs (its page and the same map). The app shell is
    left out: the service worker holds it already. Keyed by the list's URL. `memo`: where
    the lists are kept between processes (`PlacesMemo`)."""
    if memo is not None and not _PLACES:
        memo.load()
    before = dict(_PLACES)
    lists = _place_lists(out, shell)
    slugs = [url.split("/")[2] for url in lists]
    if memo is not None and any(_PLACES.get(slug) is not before.get(slug) for slug in slugs):
        memo.save(slugs)
    return lists


def _place_lists(out: Derived, shell: list[str]) -> dict[str, dict[str, Any]]:
    provinces, later = _province_pages(out)
    lists = {}
    seen: dict[str, str] = {}
    check = os.environ.get("ANTQ_CHECK_DEPS") == "1"
    for slug, wards in provinces.items():
        has_map = url_to_path(f"/ban-do/{slug}/") in out.outputs
        made_of = (tuple(shell), tuple(wards), tuple(later.get(slug, [])), has_map)
        kept = _kept_list(out, slug, made_of)
        if kept is not None and check and _province_list(out, slug, made_of, seen) != kept:
            raise RuntimeError(f"/tinh/{slug}/{PLACES_NAME}: kept, yet its files changed")
        lists[f"/tinh/{slug}/{PLACES_NAME}"] = (
            kept if kept is not None else _province_list(out, slug, made_of, seen)
        )
    return lists


@dataclass(frozen=True)
class PlacesMemo:
    """`_PLACES` kept in the build cache at `path` for the next process (`antq build --full`
    of the national site made the 34 lists again from 3,500 pages' bytes: 0.7 s, issue 18).
    A list is taken as in `_PLACES`: only while every file it read has the same key in the
    build's outputs (and `code` is this code's version, which the keys include too)."""

    path: Path
    code: str

    def load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("code") != self.code:
            return
        found = {}
        try:
            for slug, (made_of, keys, missing, text) in data["lists"].items():
                shell, wards, later, has_map = made_of
                encoded = text.encode()
                made = (tuple(shell), tuple(wards), tuple(later), has_map)
                found[slug] = (made, dict(keys), frozenset(missing), json.loads(encoded), encoded)
        except (KeyError, TypeError, ValueError, AttributeError):
            return  # damaged: the lists are made again
        _PLACES.update(found)

    def save(self, slugs: list[str]) -> None:
        """Keep the lists of the provinces `slugs` (this build's) that `_PLACES` holds."""
        lists = {}
        for slug in sorted(slugs):
            if slug in _PLACES:
                made, keys, missing, _, encoded = _PLACES[slug]
                lists[slug] = [
                    [*map(list, made[:3]), made[3]],
                    keys,
                    sorted(missing),
                    encoded.decode(),
                ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        part = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        part.write_text(json.dumps({"code": self.code, "lists": lists}), encoding="utf-8")
        os.replace(part, self.path)


def _list_bytes(url: str, listing: dict[str, Any]) -> bytes:
    """A province's list as published (its bytes kept with the list: `_PLACES`)."""
    kept = _PLACES.get(url.split("/")[2])
    if kept is not None and kept[3] is listing:
        return kept[4]
    return _encode(listing)


def _encode(listing: dict[str, Any]) -> bytes:
    return (json.dumps(listing, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _province_pages(out: Derived) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each province's xã pages, and the pages holding the rest of its xã list, by slug
    (the last build's answer while the outputs' paths are the same: `_PAGES`)."""
    paths = frozenset(out.outputs)
    if paths != _PAGES[0]:
        _PAGES[:] = [paths, _find_province_pages(out)]
    found: tuple[dict[str, list[str]], dict[str, list[str]]] = _PAGES[1]
    return found


def _find_province_pages(out: Derived) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    provinces: dict[str, list[str]] = {}
    later: dict[str, list[str]] = {}
    for url in sorted(path_to_url(rel) for rel in out.outputs if is_index(rel)):
        found = _PROVINCE_PAGE.match(url)
        if found:
            provinces.setdefault(found.group(1), [])
        elif is_later_page(url) and (found := _WARD_PAGE.match(url)):
            later.setdefault(found.group(1), []).append(url)
        else:
            found = _WARD_PAGE.match(url)
            if found:
                provinces.setdefault(found.group(1), []).append(url)
    return provinces, later


def _province_list(
    out: Derived, slug: str, made_of: tuple[Any, ...], seen: dict[str, str]
) -> dict[str, Any]:
    """One province's list, made from the pages `made_of` names (shell, xã pages, later
    pages, whether it has a map), and kept in `_PLACES` with the stamps of what it read."""
    shell, wards, later_pages, has_map = made_of
    skip = set(shell)
    map_url = f"/ban-do/{slug}/"
    province_url = f"/tinh/{slug}/"
    missing: set[str] = set()
    map_set = _page_set(out, map_url, missing) if has_map else set()
    raw = {url: _page_set(out, url, missing) | map_set for url in wards}
    sets = {url: found - skip for url, found in raw.items()}
    province_set = _page_set(out, province_url, missing).union(
        *(_page_set(out, url, missing) for url in later_pages)
    )
    urls = sorted((province_set | map_set).union(*sets.values()) - skip)
    index = {url: i for i, url in enumerate(urls)}
    files = [
        {
            "url": url,
            "rev": _revision_of(out, url_to_path(url), seen),
            "size": out.path(url_to_path(url)).stat().st_size,
        }
        for url in urls
    ]
    listing: dict[str, Any] = {
        "province": {"url": province_url, "files": [index[u] for u in urls]},
        "wards": {url: sorted(index[u] for u in sets[url]) for url in wards},
        "files": files,
    }
    listing["version"] = revision(json.dumps(listing, sort_keys=True).encode())
    # Every file the list read: the pages (their bytes say what they load), what they
    # load (what scripts and stylesheets load in turn), the files listed.
    read = {url_to_path(u) for u in (province_set | map_set).union(*raw.values())}
    keys = {rel: out.outputs.get(rel) for rel in sorted(read)}
    if all(key is not None for key in keys.values()):
        kept = (made_of, keys, frozenset(missing), listing, _encode(listing))
        _PLACES[slug] = kept  # type: ignore[assignment]
    else:
        _PLACES.pop(slug, None)
    return listing


def inject(source: str, build: dict[str, Any], where: str = "pwa/sw.js") -> str:
    """Put `build` into the worker at its one injection point; anything else is a bug."""
    count = source.count(INJECTION_POINT)
    if count != 1:
        raise PwaError(
            [problem("sw-injection-point", where, point=INJECTION_POINT, count=count).line()]
        )
    return source.replace(INJECTION_POINT, json.dumps(build, ensure_ascii=False, sort_keys=True))


def write_worker(
    out: Derived, site_dir: Path, search_files: list[str], memo: PlacesMemo | None = None
) -> None:
    """Write /bai-hoc/offline.json (when there are lessons) and /sw.js (`memo`: see
    `place_lists`)."""
    shell = precache_urls(out)
    precache = [[url, revision(out.read(url_to_path(url)))] for url in shell]
    lib = library(out, search_files, shell)
    library_ref = None
    if lib is not None:
        data = (json.dumps(lib, ensure_ascii=False, indent=1) + "\n").encode()
        out.emit(url_to_path(LIBRARY_URL), data)
        library_ref = {"url": LIBRARY_URL, "version": lib["version"]}
    for url, listing in place_lists(out, shell, memo).items():
        out.emit(url_to_path(url), _list_bytes(url, listing))
    build = {"precache": precache, "offline": OFFLINE_URL, "library": library_ref}
    path = source_dir(site_dir) / SW_SOURCE
    source = path.read_text(encoding="utf-8")
    # The web-push handlers live in their own file (tests run them as a worker of their own)
    # and are appended to the one service worker the site registers.
    push_part = path.parent / SW_PUSH_SOURCE
    if push_part.is_file():
        source += "\n" + push_part.read_text(encoding="utf-8")
    out.emit(SW_SOURCE, inject(source, build).encode())
