"""The pages: the references and ids in their tags, and the head elements search engines
and screen readers rely on (title, lang, canonical, description)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from generator.check.assets import _css_urls, _js_requests
from generator.check.config import _Config
from generator.check.links import _Context, _Links, _Result
from generator.data.messages_vi import text
from generator.data.problems import Problem
from generator.htmlread import (
    ATTRS,
    BLANK,
    COMMENT,
    ID_ATTR,
    RAW_TAG,
    STYLE_ATTR,
    attributes,
    blank,
)
from generator.scan import make_problem
from generator.urlpath import path_to_url, srcset_urls

_URL_TAGS = (
    "a|area|base|link|script|img|source|meta|html|form|button|iframe|embed|object|video|audio"
    "|track|input|image|use"
)
_TAG = re.compile(("<(" + _URL_TAGS + ")(?=[\\s/>])" + ATTRS).encode())

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


def _scan_html(rel: str, data: bytes, context: _Context) -> _Result:
    """One page's references, ids and head problems.

    A byte-level scan rather than a parse (the check reads every file of a national site);
    comments, then raw-text elements, are blanked out first so the tag scan never reads
    what they contain.
    """
    result = _Result()
    links = _Links(rel, context)
    low = data.lower()
    if b"<!--" in low:
        # Blank comments out (keeping line breaks) so the tags they hide are not read.
        data = COMMENT.sub(blank, data)
        low = COMMENT.sub(blank, low)
    head = _Head()
    data, low = _raw_text(data, low, head, links)
    ids = _ids(data, low)
    _tags(data, low, head, links, ids)
    if b"style=" in low:
        _style_attributes(data, low, links)
    result.ids = frozenset(ids)
    links.finish(result.ids, result)
    result.problems += _head_problems(rel, head, context.config)
    return result


def _raw_text(data: bytes, low: bytes, head: _Head, links: _Links) -> tuple[bytes, bytes]:
    """Read, then blank out, the raw-text elements (script, style, title, textarea).

    Their content is text, never tags, so it is blanked out before the tag scan; the title
    is noted and inline scripts and styles are checked for remote requests on the way.
    """
    if not (b"<script" in low or b"<style" in low or b"<title" in low or b"<textarea" in low):
        return data, low
    spans: list[tuple[int, int]] = []
    lines = _LineCounter(data)
    position = 0
    while (m := RAW_TAG.search(low, position)) is not None:
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
    if not spans:
        return data, low
    buffer = bytearray(data)
    lowered = bytearray(low)
    for start, end in spans:
        buffer[start:end] = data[start:end].translate(BLANK)
        lowered[start:end] = buffer[start:end]
    return bytes(buffer), bytes(lowered)


def _ids(data: bytes, low: bytes) -> set[str]:
    """Every id attribute's value (the fragments a link may point to)."""
    ids: set[str] = set()
    for m in ID_ATTR.finditer(low):
        if m.start() and low[m.start() - 1] in b" \t\n\r\f\"'":
            group = next(g for g in (1, 2, 3) if m.group(g) is not None)
            value = data[m.start(group) : m.end(group)].decode("utf-8", errors="replace")
            ids.add(html.unescape(value) if "&" in value else value)
    return ids


def _tags(data: bytes, low: bytes, head: _Head, links: _Links, ids: set[str]) -> None:
    """Every tag that may hold a URL or a head fact, each sent to `_tag`."""
    lines = _LineCounter(data)
    for m in _TAG.finditer(low):
        name = m.group(1)
        raw = data[m.start(2) : m.end(2)]
        if not raw:
            if name == b"html" and head.lang is None:  # a bare <html>: the tag, no lang
                head.lang = (lines.at(m.start()), "")
            continue
        _tag(name, attributes(raw), lines.at(m.start()), head, links, ids)


def _tag(
    name: bytes, attrs: dict[bytes, str], line: int, head: _Head, links: _Links, ids: set[str]
) -> None:
    """One tag's links (followed), loads (fetched), <a name> anchors and head facts."""
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


def _style_attributes(data: bytes, low: bytes, links: _Links) -> None:
    """style="…" attributes that may load something (url(), @import)."""
    lines = _LineCounter(data)
    for m in STYLE_ATTR.finditer(low):
        group = 1 if m.group(1) is not None else 2
        style = data[m.start(group) : m.end(group)]
        if b"url(" in style.lower() or b"@import" in style.lower():
            css = html.unescape(style.decode(errors="replace")).encode()
            _css_urls(css, lines.at(m.start()), links)


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
