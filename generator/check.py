"""`antq check`: the last look at a built site before it is published.

One pass over every file of the output directory finds:

- `broken-link`: an internal link, asset or anchor that leads nowhere;
- `unsafe-url`: a `javascript:` (or `vbscript:`) address;
- `missing-title`, `missing-lang`, `bad-canonical`, `missing-description`: a page without
  the head elements search engines and screen readers rely on;
- `personal-data`: a phone or citizen-ID number anywhere in the output;
- `secret`: a private key or access token anywhere in the output;
- `output-control-character`: a NUL byte in a text file, another control character in a page
  or feed (a text file is any file whose suffix is not a binary one: NUL never makes a file
  skip the scan);
- `external-host`: a request to another host (everything is self-hosted), or a link to a
  host outside the allow-list of official sites;
- `size-budget`: a page or asset heavier, gzip-compressed, than its budget.

The personal-data, secret and control-character scan is the build's own (`generator.scan`,
run on every file the build writes), so a site the build published passes it; the messages
are in the catalogue (`generator.data.messages_vi`), the problems the shared `Problem`.

The national site is ~6,500 pages and 400 MB, and the check must stay well under 20 s on two
cores, so HTML is read with a few targeted regular expressions over bytes rather than a full
parser (`html.parser` reads ~6 MB/s; these passes read ~50 MB/s), and the big data downloads
are ruled out with byte-level pre-filters before any Python-level work.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import sys
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.data.messages_vi import say, text
from generator.data.problems import Problem
from generator.scan import BINARY_SUFFIXES, make_problem, scan_published
from generator.textvi import format_number
from generator.urlpath import dir_to_path, path_to_url, srcset_urls

__all__ = ["BINARY_SUFFIXES", "CheckReport", "Problem", "check_site", "run_cli"]

# Official sources pages may link to; the site's own host is always allowed on top.
DEFAULT_LINK_HOSTS: tuple[str, ...] = (
    "vbpl.vn",
    "thuvienphapluat.vn",
    "chinhphu.vn",
    "*.gov.vn",
    "creativecommons.org",
    "datapackage.org",
    "www.sitemaps.org",
)

# Glob (relative to the site root; `*` stays within one folder, `**/` spans any) → maximum
# gzip-compressed bytes. The first matching pattern wins, so specific patterns come first.
DEFAULT_BUDGETS: dict[str, int] = {
    "tinh/*/*/index.html": 30 * 1024,  # a xã page: read on phones over slow connections
    "bai-hoc/*/index.html": 25 * 1024,  # a lesson: meant to be opened offline, in class
    "**/*.html": 100 * 1024,
    "**/*.css": 50 * 1024,
    "**/*.js": 50 * 1024,
}

_TOP_ANCHOR = "top"  # "#top" scrolls to the top of any page, with or without such an id


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    files: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        pages, files = format_number(self.pages), format_number(self.files)
        if not self.problems:
            return text("check-passed", pages=pages, files=files)
        counts: dict[str, int] = {}
        for p in self.problems:
            counts[p.code] = counts.get(p.code, 0) + 1
        detail = ", ".join(f"{code} {format_number(n)}" for code, n in sorted(counts.items()))
        count = format_number(len(self.problems))
        return text("check-total", count=count, detail=detail, pages=pages, files=files)


# -- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Config:
    base_url: str  # without trailing slash
    base_host: str
    link_hosts: tuple[str, ...]
    budgets: tuple[tuple[str, re.Pattern[str], int], ...]  # (pattern, regex, max gz bytes)

    def link_allowed(self, host: str) -> bool:
        if host == self.base_host:
            return True
        return any(
            fnmatchcase(host, pattern) if "*" in pattern else host == pattern
            for pattern in self.link_hosts
        )

    def budget(self, rel: str) -> tuple[str, int] | None:
        for pattern, regex, limit in self.budgets:
            if regex.match(rel):
                return pattern, limit
        return None


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob where `*` and `?` stay within one folder and `**/` spans any number of
    folders: "tinh/*/*/index.html" must not also match deeper pages, as fnmatch would."""
    out: list[str] = []
    i, pattern = 0, pattern.lstrip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


# -- URLs --------------------------------------------------------------------------------------

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in a URL
_UNSAFE_SCHEMES = frozenset({"javascript", "vbscript"})
_CALL_SCHEMES = frozenset({"tel", "sms", "callto"})
_HARMLESS_SCHEMES = frozenset({"mailto", "data", "blob", "about"})


def _classify(url: str, base_host: str) -> tuple[str, str]:
    """(kind, detail): kind is skip, unsafe, call, self, external (detail: host) or internal."""
    url = _URL_NOISE.sub("", url).strip(" \f\v\x00")
    if not url:
        return "skip", ""
    scheme_match = _SCHEME.match(url)
    if scheme_match:
        scheme = scheme_match.group(1).lower()
        if scheme in _UNSAFE_SCHEMES:
            return "unsafe", scheme
        if scheme in _CALL_SCHEMES:
            return "call", scheme
        if scheme in _HARMLESS_SCHEMES:
            return "skip", scheme
        host = _host(url) or scheme + ":"
    elif url.startswith("//"):
        host = _host("https:" + url)
    else:
        return "internal", ""
    return ("self" if host == base_host else "external"), host


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


# -- the per-file scan (runs in worker processes) ----------------------------------------------

_STATE: dict[str, _Context] = {}  # "context": the run's _Context, for forked workers


@dataclass
class _Result:
    problems: list[Problem] = field(default_factory=list)
    ids: frozenset[str] | None = None  # set for HTML pages
    # Links to an anchor on another page: (source, line, url, target page, anchor).
    anchors: list[tuple[str, int, str, str, str]] = field(default_factory=list)


@dataclass
class _Context:
    """What every file's check needs: shared with forked workers as a module global (inherited,
    never pickled), since the set of every file's path is large on the national site."""

    config: _Config
    root: Path
    files: frozenset[str]  # every file, relative to root
    # Addresses already found fine from any page, per kind of reference: the header and
    # footer links of every page are checked once per worker, not 6,500 times.
    good: dict[str, set[str]] = field(
        default_factory=lambda: {"link": set(), "load": set(), "css": set()}
    )


class _Links:
    """Checks the references one file makes, resolving internal ones against the file list."""

    def __init__(self, rel: str, context: _Context) -> None:
        self.rel = rel
        self.good = context.good
        self.config = context.config
        self.files = context.files
        self.problems: list[Problem] = []
        self.anchors: list[tuple[str, int, str, str, str]] = []
        self.local: list[tuple[int, str, str]] = []  # same-page anchors: (line, url, anchor)
        self.base_dir = posixpath.dirname(rel)
        self._cache: dict[str, tuple[str, str]] = {}

    def check(self, line: int, kind: str, what: str, url: str) -> None:
        """kind: "link" (a navigation: allow-listed hosts pass), "load" (fetched by the
        browser: any other host fails) or "css" (a load whose #fragment is not an anchor)."""
        known = self.good[kind]
        if url in known:
            return  # the same site-wide link on the previous page: every nav link, mostly
        category, detail = _classify(url, self.config.base_host)
        if category in ("skip", "self"):
            known.add(url)
            return
        if category == "unsafe":
            self._add(line, "unsafe-url", url=url, scheme=detail + ":")
        elif category == "call":
            self._add(line, "external-host.tel", url=url)
        elif category == "external":
            if kind == "link":
                if self.config.link_allowed(detail):
                    known.add(url)
                else:
                    self._add(line, "external-host.link", host=detail, url=url)
            else:
                self._add(line, "external-host", what=what, host=detail, url=url)
        elif self._internal(line, url.strip(), anchors=kind != "css") and url[:1] == "/":
            known.add(url)  # a site-relative address resolves the same from every page

    def _internal(self, line: int, url: str, *, anchors: bool) -> bool:
        """False when the link is broken or goes to an anchor (still to be checked)."""
        path, _, fragment = url.partition("#")
        path = path.partition("?")[0]
        if path:
            resolved = self._cache.get(path)
            if resolved is None:
                resolved = self._cache[path] = self._resolve(path)
            target, error = resolved
            if error:
                self._add(line, error, url=url, target=target)
                return False
        else:
            target = self.rel
        fragment = unquote(fragment)
        if not anchors or not fragment or fragment.startswith(":~:") or fragment == _TOP_ANCHOR:
            return True
        if not target.endswith(".html"):
            return True  # #page=2 of a PDF, a row of a CSV: not ours to check
        if target == self.rel:
            self.local.append((line, url, fragment))
        else:
            self.anchors.append((self.rel, line, url, target, fragment))
        return False

    def _resolve(self, path: str) -> tuple[str, str]:
        """(target file, message key or "")."""
        path = unquote(path)
        wants_dir = path.endswith("/") or path.rsplit("/", 1)[-1] in (".", "..")
        joined = path if path.startswith("/") else posixpath.join("/", self.base_dir, path)
        # normpath turns "/.." into "/", as browsers do; a link that needs that is still wrong.
        if ".." in joined and _escapes_root(joined):
            return "", "broken-link.outside"
        rel = posixpath.normpath(joined).lstrip("/")
        index = dir_to_path(rel)
        if wants_dir or not rel:
            return index, "" if index in self.files else "broken-link"
        if rel in self.files:
            return rel, ""
        if index in self.files:
            return index, ""  # /x → /x/: a redirect, not a broken link
        return rel, "broken-link"

    def _add(self, line: int, key: str, **params: object) -> None:
        self.problems.append(make_problem(self.rel, line, key, **params))

    def finish(self, ids: frozenset[str], result: _Result) -> None:
        for line, url, fragment in self.local:
            if fragment not in ids:
                self._add(line, "broken-link.anchor", url=url, target=self.rel, anchor=fragment)
        result.problems += self.problems
        result.anchors += self.anchors


def _escapes_root(path: str) -> bool:
    depth = 0
    for part in path.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


# HTML is scanned on an ASCII-lowercased copy (same length, so offsets carry over to the
# original bytes): case-sensitive patterns with a literal start run 5× faster than (?i).
_ATTRS = r"""((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"""
_URL_TAGS = (
    "a|area|base|link|script|img|source|meta|html|form|button|iframe|embed|object|video|audio"
    "|track|input|image|use"
)
_TAG = re.compile(("<(" + _URL_TAGS + ")(?=[\\s/>])" + _ATTRS).encode())
_RAW = re.compile(("<(script|style|title|textarea)(?=[\\s/>])" + _ATTRS).encode())
_ATTR = re.compile(rb"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_ID = re.compile(rb"""id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_STYLE_ATTR = re.compile(rb"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
_BLANK = bytes.maketrans(bytes(range(256)), b" " * 10 + b"\n" + b" " * 245)

# Attributes that hold one URL the browser loads, per element; `href` on a/area and on
# navigation <link>s is a link instead.
_LOADS: dict[bytes, tuple[bytes, ...]] = {
    b"script": (b"src",),
    b"img": (b"src",),
    b"source": (b"src",),
    b"iframe": (b"src",),
    b"embed": (b"src",),
    b"track": (b"src",),
    b"audio": (b"src",),
    b"video": (b"src", b"poster"),
    b"input": (b"src",),
    b"object": (b"data",),
    b"base": (b"href",),
    b"image": (b"href", b"xlink:href"),
    b"use": (b"href", b"xlink:href"),
}
# <link rel> values that only name a related page; every other rel is fetched.
_NAV_RELS = frozenset(
    ("alternate", "author", "bookmark", "canonical", "external", "help", "license", "me")
    + ("next", "prev", "privacy-policy", "terms-of-service")
)


@dataclass
class _Head:
    lang: tuple[int, str] | None = None  # (line, value); None: no <html> tag
    title: tuple[int, str] | None = None
    canonical: tuple[int, str] | None = None
    description: tuple[int, str] | None = None


def _attributes(raw: bytes) -> dict[bytes, str]:
    attrs: dict[bytes, str] = {}
    for name, double, single, bare in _ATTR.findall(raw):
        name = name.lower()
        if name in attrs:
            continue  # the first of a repeated attribute is the one browsers use
        text = (double or single or bare).decode("utf-8", errors="replace")
        attrs[name] = html.unescape(text) if "&" in text else text
    return attrs


def _scan_html(rel: str, data: bytes, context: _Context) -> _Result:
    result = _Result()
    links = _Links(rel, context)
    low = data.lower()
    if b"<!--" in low:
        # Blank comments out (keeping line breaks) so the tags they hide are not read.
        data = _COMMENT.sub(_blank, data)
        low = _COMMENT.sub(_blank, low)
    head = _Head()
    # Raw-text elements first: their content is text, never tags, so it is blanked out before
    # the tag scan; inline scripts and styles are checked for remote requests on the way.
    if b"<script" in low or b"<style" in low or b"<title" in low or b"<textarea" in low:
        spans: list[tuple[int, int]] = []
        lines = _LineCounter(data)
        position = 0
        while (m := _RAW.search(low, position)) is not None:
            name = m.group(1)
            close = low.find(b"</" + name, m.end())
            close = len(low) if close < 0 else close
            position = close  # what looks like a tag inside a script is text
            content = data[m.end() : close]
            line = lines.at(m.start())
            if name == b"title" and head.title is None:
                title = html.unescape(content.decode("utf-8", errors="replace"))
                head.title = (line, " ".join(title.split()))
            elif name == b"script" and content.strip():
                _js_requests(content, lines.at(m.end()), links)
            elif name == b"style" and content.strip():
                _css_urls(content, lines.at(m.end()), links)
            spans.append((m.end(), close))
        if spans:
            buffer = bytearray(data)
            lowered = bytearray(low)
            for start, end in spans:
                buffer[start:end] = data[start:end].translate(_BLANK)
                lowered[start:end] = buffer[start:end]
            data, low = bytes(buffer), bytes(lowered)
    ids: set[str] = set()
    for m in _ID.finditer(low):
        if m.start() and low[m.start() - 1] in b" \t\n\r\f\"'":
            group = next(g for g in (1, 2, 3) if m.group(g) is not None)
            value = data[m.start(group) : m.end(group)].decode("utf-8", errors="replace")
            ids.add(html.unescape(value) if "&" in value else value)
    lines = _LineCounter(data)
    for m in _TAG.finditer(low):
        name = m.group(1)
        raw = data[m.start(2) : m.end(2)]
        if not raw:
            continue
        attrs = _attributes(raw)
        line = lines.at(m.start())
        if name in (b"a", b"area"):
            if b"href" in attrs:
                links.check(line, "link", "<a href>", attrs[b"href"])
            if name == b"a" and b"name" in attrs:
                ids.add(attrs[b"name"])
        elif name == b"link":
            rels = set(attrs.get(b"rel", "").lower().split())
            href = attrs.get(b"href")
            if "canonical" in rels:
                if head.canonical is None:
                    head.canonical = (line, href or "")
            elif href is not None:
                nav = rels and rels <= _NAV_RELS
                links.check(line, "link" if nav else "load", "<link href>", href)
            for candidate in srcset_urls(attrs.get(b"imagesrcset", "")):
                links.check(line, "load", "<link imagesrcset>", candidate)
        elif name == b"html":
            if head.lang is None:
                head.lang = (line, attrs.get(b"lang", ""))
        elif name == b"meta":
            meta_name = attrs.get(b"name", "").lower()
            if meta_name == "description" and head.description is None:
                head.description = (line, attrs.get(b"content", ""))
            elif attrs.get(b"http-equiv", "").lower() == "refresh":
                target = _refresh_url(attrs.get(b"content", ""))
                if target:
                    links.check(line, "load", "<meta http-equiv=refresh>", target)
        elif name == b"form" and b"action" in attrs:
            links.check(line, "load", "<form action>", attrs[b"action"])
        elif name == b"button" and b"formaction" in attrs:
            links.check(line, "load", "<button formaction>", attrs[b"formaction"])
        else:
            for attr in _LOADS.get(name, ()):
                if attr in attrs:
                    what = f"<{name.decode()} {attr.decode()}>"
                    links.check(line, "load", what, attrs[attr])
            if name in (b"img", b"source"):
                for candidate in srcset_urls(attrs.get(b"srcset", "")):
                    links.check(line, "load", f"<{name.decode()} srcset>", candidate)
    if b"style=" in low:
        lines = _LineCounter(data)
        for m in _STYLE_ATTR.finditer(low):
            group = 1 if m.group(1) is not None else 2
            style = data[m.start(group) : m.end(group)]
            if b"url(" in style.lower() or b"@import" in style.lower():
                css = html.unescape(style.decode(errors="replace")).encode()
                _css_urls(css, lines.at(m.start()), links)
    result.ids = frozenset(ids)
    links.finish(result.ids, result)
    result.problems += _head_problems(rel, head, context.config)
    return result


def _blank(match: re.Match[bytes]) -> bytes:
    return match.group().translate(_BLANK)


def _head_problems(rel: str, head: _Head, config: _Config) -> list[Problem]:
    problems: list[Problem] = []
    if head.title is None or not head.title[1]:
        problems.append(make_problem(rel, head.title[0] if head.title else 0, "missing-title"))
    if head.lang is None or head.lang[1] != "vi":
        if head.lang is None:
            found = text("part-no-html-tag")
        else:
            found = f'lang="{head.lang[1]}"' if head.lang[1] else text("part-no-lang")
        problems.append(
            make_problem(rel, head.lang[0] if head.lang else 0, "missing-lang", found=found)
        )
    if rel == "404.html" or rel.endswith("/404.html"):
        return problems  # served at any address: no address of its own to declare
    expected = config.base_url + path_to_url(rel)
    if head.canonical is None or head.canonical[1] != expected:
        found = text("part-none") if head.canonical is None else f"“{head.canonical[1]}”"
        line = head.canonical[0] if head.canonical else 0
        problems.append(make_problem(rel, line, "bad-canonical", expected=expected, found=found))
    if head.description is None or not head.description[1].strip():
        line = head.description[0] if head.description else 0
        problems.append(make_problem(rel, line, "missing-description"))
    return problems


def _refresh_url(content: str) -> str:
    match = re.search(r"""url\s*=\s*['"]?([^'"]*)""", content, re.I)
    return match.group(1).strip() if match else ""


class _LineCounter:
    """Line numbers for increasing offsets, counting each newline once."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            return self.data.count(b"\n", 0, offset) + 1
        self.line += self.data.count(b"\n", self.offset, offset)
        self.offset = offset
        return self.line


_CSS_COMMENT = re.compile(rb"/\*.*?(?:\*/|\Z)", re.S)
_CSS_URL = re.compile(rb"""(?i:url)\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""")
_CSS_IMPORT = re.compile(rb"""@(?i:import)\s+(?:"([^"]*)"|'([^']*)')""")


def _css_urls(css: bytes, first_line: int, links: _Links) -> None:
    if b"/*" in css:
        css = _CSS_COMMENT.sub(_blank, css)
    for regex, what in ((_CSS_URL, "CSS url()"), (_CSS_IMPORT, "CSS @import")):
        for m in regex.finditer(css):
            url = next((g for g in m.groups() if g is not None), b"").decode(errors="replace")
            if url and not url.startswith("#"):
                line = first_line + css.count(b"\n", 0, m.start())
                links.check(line, "css", what, url)


# Requests a script makes to a literal address: fetch(), dynamic and static import,
# importScripts(), workers, event streams, sockets, beacons, XMLHttpRequest.open() (with its
# method first: window.open() is a navigation, not a request).
_JS_CALL = re.compile(
    rb"""\b(fetch|import|importScripts|Worker|SharedWorker|EventSource|WebSocket|sendBeacon"""
    rb"""|open(?=\s*\(\s*["'][A-Za-z]+["']\s*,))\s*\(\s*(?:["'][A-Za-z]+["']\s*,\s*)?["'`]"""
    rb"""([a-zA-Z][a-zA-Z0-9+.-]*:[^"'`\s]*|//[^"'`\s]+)"""
)
_JS_IMPORT = re.compile(
    rb"""\b(import|export)\s*(?:[\w*{}\s,$]{0,500}?\bfrom\s*)?["']([a-zA-Z][a-zA-Z0-9+.-]*:"""
    rb"""[^"'\s]*|//[^"'\s]+)["']"""
)


def _js_requests(js: bytes, first_line: int, links: _Links) -> None:
    if b"//" not in js and b":" not in js:
        return
    for regex in (_JS_CALL, _JS_IMPORT):
        for m in regex.finditer(js):
            url = m.group(2).decode(errors="replace")
            kind, _ = _classify(url, links.config.base_host)
            if kind in ("external", "unsafe"):
                line = first_line + js.count(b"\n", 0, m.start())
                call = m.group(1).decode()
                links.check(
                    line, "load", f"JS {call}()" if regex is _JS_CALL else f"JS {call}", url
                )


def _scan_manifest(rel: str, data: bytes, links: _Links) -> None:
    try:
        manifest = json.loads(data)
    except ValueError:
        return
    if not isinstance(manifest, dict):
        return

    def line_of(value: str) -> int:
        at = data.find(json.dumps(value).encode())
        return data.count(b"\n", 0, at) + 1 if at >= 0 else 0

    for key in ("start_url", "scope"):
        if isinstance(manifest.get(key), str):
            links.check(line_of(manifest[key]), "link", key, manifest[key])
    entries: list[tuple[str, Any]] = []
    for key in ("icons", "screenshots"):
        entries += [("load", item) for item in manifest.get(key) or [] if isinstance(item, dict)]
    for shortcut in manifest.get("shortcuts") or []:
        if isinstance(shortcut, dict):
            entries.append(("link", shortcut))
            entries += [("load", i) for i in shortcut.get("icons") or [] if isinstance(i, dict)]
    for kind, item in entries:
        for key in ("src", "url"):
            if isinstance(item.get(key), str):
                links.check(line_of(item[key]), kind, f"manifest {key}", item[key])


def _gzip_size(data: bytes) -> int:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip header, as servers send
    return len(compressor.compress(data) + compressor.flush())


def _gzip_bound(size: int) -> int:
    """zlib's compressBound plus the gzip wrapper: no file compresses to more than this, so
    a file whose bound fits its budget needs no compression at all (almost every page)."""
    return size + (size >> 12) + (size >> 14) + (size >> 25) + 13 + 18


def _check_file(rel: str, context: _Context) -> _Result:
    config = context.config
    path = context.root / rel
    data = path.read_bytes()
    suffix = posixpath.splitext(rel)[1].lower()
    result = _Result()
    budget = config.budget(rel)
    if budget and _gzip_bound(len(data)) > budget[1]:
        size = _gzip_size(data)
        if size > budget[1]:
            kind = "trang" if suffix == ".html" else text("part-file")
            result.problems.append(
                make_problem(
                    rel,
                    0,
                    "size-budget",
                    kind=kind,
                    size=format_number(size),
                    budget=format_number(budget[1]),
                    pattern=budget[0],
                )
            )
    if suffix in BINARY_SUFFIXES:
        return result
    # The build's own scan, on every byte: a NUL byte is reported, never a reason to skip.
    result.problems += scan_published(rel, data)
    if suffix in (".html", ".htm"):
        page = _scan_html(rel, data, context)
        result.problems += page.problems
        result.ids = page.ids
        result.anchors = page.anchors
    elif suffix in (".css", ".js", ".mjs", ".webmanifest"):
        links = _Links(rel, context)
        if suffix == ".css":
            _css_urls(data, 1, links)
        elif suffix == ".webmanifest":
            _scan_manifest(rel, data, links)
        else:
            _js_requests(data, 1, links)
        links.finish(frozenset(), result)
    return result


def _check_batch(rels: list[str]) -> list[tuple[str, _Result]]:
    context = _STATE["context"]
    return [(rel, _check_file(rel, context)) for rel in rels]


# -- the whole site ----------------------------------------------------------------------------

PARALLEL_MIN_BYTES = 16 << 20  # below this, forking costs more than it saves
BATCH_BYTES = 4 << 20


def _walk(root: Path) -> list[tuple[str, int]]:
    """Every file under root as (relative path, size), dot files included: a stray .env is
    exactly where a secret would hide."""
    found: list[tuple[str, int]] = []
    stack = [("", str(root))]
    while stack:
        prefix, directory = stack.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir():
                    stack.append((rel + "/", entry.path))
                elif entry.is_file():
                    found.append((rel, entry.stat().st_size))
    return found


def _batches(files: list[tuple[str, int]]) -> list[list[str]]:
    """Largest files first, grouped to ~4 MB, so two workers finish at about the same time."""
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for rel, n in sorted(files, key=lambda item: -item[1]):
        current.append(rel)
        size += n
        if size >= BATCH_BYTES or len(current) >= 400:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def check_site(
    root: Path,
    base_url: str,
    *,
    link_hosts: Sequence[str] = DEFAULT_LINK_HOSTS,
    budgets: Mapping[str, int] | None = None,
    workers: int | None = None,
) -> CheckReport:
    """Check a built site; problems come sorted by file and line."""
    started = time.perf_counter()
    base_url = base_url.rstrip("/")
    config = _Config(
        base_url=base_url,
        base_host=_host(base_url),
        link_hosts=tuple(h.lower() for h in link_hosts),
        budgets=tuple(
            (pattern, glob_regex(pattern), int(limit))
            for pattern, limit in (DEFAULT_BUDGETS if budgets is None else budgets).items()
        ),
    )
    files = _walk(root)
    names = frozenset(rel for rel, _ in files)
    batches = _batches(files)
    total = sum(n for _, n in files)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    _STATE["context"] = _Context(config, root, names)
    try:
        if workers < 2 or total < PARALLEL_MIN_BYTES or len(batches) < 2:
            results = [item for batch in batches for item in _check_batch(batch)]
        else:
            results = _run_parallel(batches, workers)
    finally:
        _STATE.clear()
    report = CheckReport(files=len(files))
    ids: dict[str, frozenset[str]] = {}
    for rel, result in results:
        report.problems += result.problems
        if result.ids is not None:
            ids[rel] = result.ids
    report.pages = len(ids)
    for _, result in results:
        for source, line, url, target, anchor in result.anchors:
            if anchor not in ids.get(target, frozenset()):
                report.problems.append(
                    make_problem(
                        source, line, "broken-link.anchor", url=url, target=target, anchor=anchor
                    )
                )
    report.problems.sort(key=lambda p: (*p.sort_key(), p.message))
    report.seconds = time.perf_counter() - started
    return report


def _run_parallel(batches: list[list[str]], workers: int) -> list[tuple[str, _Result]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers inherit _STATE (the file list) instead of receiving it pickled.
    context = multiprocessing.get_context("fork")
    results: list[tuple[str, _Result]] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch_result in pool.map(_check_batch, batches):
            results += batch_result
    return results


def _echo(text: str, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


def run_cli(root: Path, site_dir: Path, echo: Callable[..., Any] = _echo) -> int:
    """`antq check`: one line per problem, then a summary; 0 clean, 1 problems, 2 usage."""
    from generator.settings import SettingsError, load_settings

    if not root.is_dir():
        echo(say("check-no-site", root=root), err=True)
        return 2
    try:
        settings = load_settings(site_dir)
    except SettingsError as exc:
        for line in exc.problems:
            echo(line, err=True)
        return 2
    budgets: Mapping[str, int] | None = settings.budgets  # None: DEFAULT_BUDGETS
    report = check_site(root, settings.base_url, budgets=budgets)
    for problem in report.problems:
        echo(problem.line())
    echo(report.summary())
    return 1 if report.problems else 0
