"""Rewrite built pages for the offline exports (Kiwix ZIM and the USB zip).

The published site uses site-relative links (`/van-ban/…/`), loads scripts (a service
worker, maps, filters) and may show map tiles from other hosts. An offline copy can do none
of that: every link must be relative to the document, point to something inside the copy,
and work without JavaScript. This module turns one built page into such a document.

Parsing uses the one HTML reader (`generator.htmlread`, the standard library's tolerant
`html.parser`): the page is split into tokens, tokens are changed or dropped, and
untouched tags are written back byte for byte, so what the templates produced survives
unless there is a reason to change it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from generator.htmlread import End, Start, Text, Token, tokenize
from generator.urlpath import srcset_urls

# (absolute site URL, possibly with ?query and #fragment) → href relative to the document,
# or None when the target is not part of the export.
Resolve = Callable[[str], str | None]

# Elements dropped with everything inside them: scripts, and controls or embeds that need
# scripts or a server (a form can submit nowhere in a file or a ZIM; a button outside a form
# only ever does something through JavaScript).
DROP_SUBTREE = {"script", "form", "button", "iframe", "object", "applet", "portal", "frameset"}
# Void elements dropped on sight.
DROP_VOID = {"embed", "base", "frame"}
# <noscript> content is what a reader without scripts should see: keep it, lose the wrapper.
UNWRAP = {"noscript"}
# Resource attributes: the element is useless without its target.
RESOURCE_ATTRS = {
    "img": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
}
# <link rel> values kept; everything else (manifest, preload, modulepreload, prefetch,
# preconnect, dns-prefetch, search…) exists for a live web server or a service worker.
LINK_KEEP = {"stylesheet", "icon", "shortcut", "canonical", "alternate"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.S)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""")
_SPACE = re.compile(r"\s+")


def _is_void(token: Start) -> bool:
    return token.self_closing or token.tag in VOID


def _external(value: str) -> bool:
    """http(s), protocol-relative or any other scheme but data: (which needs no request)."""
    text = value.strip()
    if text.startswith("//"):
        return True
    scheme = _SCHEME.match(text)
    return scheme is not None and scheme.group(1).lower() != "data"


def site_url(value: str, base: str, own_origin: str | None = None) -> str | None:
    """The absolute site URL (path?query#fragment) a reference points to, or None when it
    leaves the site (another host, mailto:, data:…). Links written as the published site's
    own absolute address count as site links."""
    text = value.strip()
    if own_origin and text.startswith(own_origin + "/"):
        text = text[len(own_origin) :]
    if not text or _external(text) or text.startswith("data:"):
        return None
    return urljoin(base, text)


def css_references(css: str, css_url: str) -> set[str]:
    """Site paths (no query or fragment) of the files a stylesheet loads."""
    found = set()
    for pattern in (_CSS_URL, _CSS_IMPORT):
        for match in pattern.finditer(css):
            target = site_url(match.group(2), css_url)
            if target is not None:
                found.add(urlsplit(target).path)
    return found


def rewrite_css(css: str, css_url: str, resolve: Resolve) -> str:
    """Relative url()s inside the export; anything else (another host, or a file left out)
    becomes `none`, so the stylesheet never makes the reader fetch from the network."""

    def url(match: re.Match[str]) -> str:
        value = match.group(2)
        if value.strip().startswith(("data:", "#")):
            return match.group(0)
        target = site_url(value, css_url)
        relative = resolve(target) if target is not None else None
        return "none" if relative is None else f'url("{relative}")'

    def imported(match: re.Match[str]) -> str:
        target = site_url(match.group(2), css_url)
        relative = resolve(target) if target is not None else None
        # An @import that cannot be satisfied is dropped from the rule's text.
        return "@import ''" if relative is None else f'@import "{relative}"'

    return _CSS_IMPORT.sub(imported, _CSS_URL.sub(url, css))


@dataclass
class References:
    """What a page points to, as site paths: pages and files it links to (`<a href>`), and
    the files it needs to display (stylesheets, images, icons)."""

    links: set[str] = field(default_factory=set)
    resources: set[str] = field(default_factory=set)


def references(source: str, page_url: str) -> References:
    refs = References()
    style = False
    for token in tokenize(source):
        if isinstance(token, Start):
            if token.tag == "style":
                style = True
            for name, value in token.attrs:
                if value is None:
                    continue
                if name == "style":
                    refs.resources |= css_references(value, page_url)
                    continue
                if token.tag in ("a", "area") and name == "href":
                    target = site_url(value, page_url)
                    if target is not None:
                        refs.links.add(urlsplit(target).path)
                elif (token.tag == "link" and name == "href") or name in RESOURCE_ATTRS.get(
                    token.tag, ()
                ):
                    if token.tag == "link" and not _link_rels(token) & {"stylesheet", "icon"}:
                        continue
                    target = site_url(value, page_url)
                    if target is not None:
                        refs.resources.add(urlsplit(target).path)
                elif name == "srcset":
                    for candidate in srcset_urls(value):
                        target = site_url(candidate, page_url)
                        if target is not None:
                            refs.resources.add(urlsplit(target).path)
        elif isinstance(token, End) and token.tag == "style":
            style = False
        elif style and isinstance(token, Text):
            refs.resources |= css_references(token.raw, page_url)
    return refs


def _link_rels(token: Start) -> set[str]:
    return set((token.get("rel") or "").lower().split())


@dataclass
class Page:
    html: str
    title: str  # the page's own title (og:title), without the site's name
    text: str  # text of <body>, whitespace collapsed


def rewrite_page(
    source: str,
    page_url: str,
    resolve: Resolve,
    *,
    own_origin: str | None = None,
    head_extra: Callable[[Page], str] | None = None,
) -> Page:
    """One built page as an offline document.

    - links and resources point, relatively, to documents inside the export (`resolve`);
      a link to a page left out becomes its text (a <span>), and a list item that held
      only such a link is removed, as is a list left empty (navigation, footer);
    - no scripts, forms, buttons, frames, inline event handlers, service worker or
      manifest; <noscript> content is shown; images and styles from other hosts are
      dropped, so nothing is fetched from the network (map tiles included);
    - `head_extra(page)` may add markup at the end of <head> (the ZIM's search keywords).
    """
    rewriter = _Rewriter(page_url, resolve, own_origin)
    for token in tokenize(source):
        rewriter.feed(token)
    out = _drop_emptied_lists(rewriter.out)
    title, text = _texts(out)
    og_title = rewriter.og_title
    page = Page(html="", title=_SPACE.sub(" ", og_title or title).strip(), text=text)
    if head_extra is not None:
        rewriter.head_slot.raw = head_extra(page)
    page.html = "".join(t.text() for t in out)
    return page


class _Rewriter:
    """The token stream's walk for `rewrite_page`, one step per kind of token.

    A class rather than one loop because the walk carries state across tokens (elements
    being dropped, open links turned into spans, whether inside <style>) and each kind of
    element has its own rule; a method per rule keeps each short enough to read alone.
    """

    def __init__(self, page_url: str, resolve: Resolve, own_origin: str | None) -> None:
        self.page_url = page_url
        self.resolve = resolve
        self.own_origin = own_origin
        self.out: list[Token] = []
        self.skip: list[str] = []  # open elements being dropped (nested same-name count)
        self.open_a: list[bool] = []  # for each open <a>: was it turned into a <span>?
        self.in_style = False
        self.og_title: str | None = None
        # Filled in at the end, once the whole page's text is known.
        self.head_slot = Text("", False)

    def feed(self, token: Token) -> None:
        """Route one token: inside a dropped element, text, end tag or start tag."""
        if self.skip:
            self._skipped(token)
        elif isinstance(token, Text):
            if self.in_style and token.is_data:
                token = Text(rewrite_css(token.raw, self.page_url, self.resolve), True)
            self.out.append(token)
        elif isinstance(token, End):
            self._end(token)
        else:
            self._start(token)

    def _skipped(self, token: Token) -> None:
        """Inside a dropped element: only count nesting of the same tag to find its end."""
        if isinstance(token, Start) and token.tag == self.skip[-1] and not _is_void(token):
            self.skip.append(token.tag)
        elif isinstance(token, End) and token.tag == self.skip[-1]:
            self.skip.pop()

    def _end(self, token: End) -> None:
        """An end tag: closes a link turned span, a style sheet, or marks the head's slot."""
        if token.tag in UNWRAP or token.tag in DROP_VOID:
            return
        if token.tag == "a" and self.open_a and self.open_a.pop():
            token = End("span")
        elif token.tag == "style":
            self.in_style = False
        elif token.tag == "head":
            self.out.append(self.head_slot)
        self.out.append(token)

    def _start(self, token: Start) -> None:
        """A start tag: dropped, unwrapped, or kept with its links and resources rewritten."""
        tag = token.tag
        if tag in DROP_SUBTREE:
            if not _is_void(token):
                self.skip.append(tag)
            return
        if tag in DROP_VOID or tag in UNWRAP:
            return
        token.remove(*[k for k, _ in token.attrs if k.startswith("on")])
        if token.get("style") is not None:
            style = token.get("style") or ""
            token.set("style", rewrite_css(style, self.page_url, self.resolve))
        if tag == "style":
            self.in_style = True
        elif tag == "meta":
            if not self._meta(token):
                return
        elif tag == "link":
            if not self._link(token):
                return
        elif tag in ("a", "area"):
            anchor = self._anchor(token)
            if anchor is None:
                return
            token = anchor
        if tag in RESOURCE_ATTRS:
            if tag == "input" and (token.get("type") or "").lower() != "image":
                self.out.append(token)
                return
            if not all(self._keep_resource(token, name) for name in RESOURCE_ATTRS[tag]):
                if not _is_void(token):
                    self.skip.append(tag)
                return
        if token.get("srcset") is not None:
            self._srcset(token)
        self.out.append(token)

    def _meta(self, token: Start) -> bool:
        """False for a refresh (it would leave the export); notes og:title for the title."""
        if (token.get("http-equiv") or "").lower() == "refresh":
            return False
        if token.get("property") == "og:title":
            self.og_title = token.get("content")
        return True

    def _link(self, token: Start) -> bool:
        """Keep only <link rel> kinds that work offline, pointing inside the export."""
        rels = _link_rels(token)
        if not rels or not rels <= LINK_KEEP:
            return False
        if "canonical" not in rels:
            # The file may be rewritten: a subresource-integrity hash would then fail.
            token.remove("integrity", "crossorigin")
            if not self._keep_resource(token, "href"):
                return False
        return True

    def _anchor(self, token: Start) -> Start | None:
        """<a>/<area>: a link inside the export made relative; one to a page left out (or
        a javascript: link) becomes a <span> keeping its words, or is dropped for <area>."""
        tag = token.tag
        href = token.get("href")
        if href is not None and not href.startswith("#"):
            scheme = _SCHEME.match(href.strip())
            if scheme and scheme.group(1).lower() == "javascript":
                relative = None
                internal = True
            else:
                target = site_url(href, self.page_url, self.own_origin)
                internal = target is not None
                relative = self.resolve(target) if target is not None else None
            if internal and relative is None:
                if tag == "area":
                    return None
                # A page left out of the export: keep the words, lose the link.
                attrs = [(k, v) for k, v in token.attrs if k in ("class", "id", "lang", "title")]
                token = Start("span", attrs, "", False, changed=True, unlinked=True)
            elif relative is not None:
                token.set("href", relative)
        if tag == "a":
            self.open_a.append(token.unlinked)
        return token

    def _keep_resource(self, token: Start, name: str) -> bool:
        """Point attribute `name` inside the export; False when its target is not there."""
        value = token.get(name)
        if value is None:
            return True
        if value.strip().startswith(("data:", "#")):
            return True
        target = site_url(value, self.page_url)
        relative = self.resolve(target) if target is not None else None
        if relative is None:
            return False
        token.set(name, relative)
        return True

    def _srcset(self, token: Start) -> None:
        """Rewrite every srcset candidate, or drop srcset when any is outside the export
        (the src fallback then stands alone)."""
        rewritten: list[str] = []
        for part in (token.get("srcset") or "").split(","):
            words = part.strip().split()
            if not words:
                continue
            target = site_url(words[0], self.page_url)
            relative = self.resolve(target) if target is not None else None
            if relative is None:
                rewritten = []
                break
            rewritten.append(" ".join([relative, *words[1:]]))
        if rewritten:
            token.set("srcset", ", ".join(rewritten))
        else:
            token.remove("srcset")


def _texts(tokens: list[Token]) -> tuple[str, str]:
    """The <title> and the text of <body> (what libzim's HTML indexer reads, less style
    sheets, which it skips too), whitespace collapsed."""
    title: list[str] = []
    body: list[str] = []
    inside = {"title": False, "body": False, "style": False}
    for token in tokens:
        if isinstance(token, Start | End) and token.tag in inside:
            inside[token.tag] = isinstance(token, Start)
        elif isinstance(token, Text) and token.is_data and not inside["style"]:
            if inside["title"]:
                title.append(html.unescape(token.raw))
            elif inside["body"]:
                body.append(html.unescape(token.raw))
    return "".join(title), _SPACE.sub(" ", " ".join(body)).strip()


def _blank(token: Token) -> bool:
    return isinstance(token, Text) and (not token.is_data or not token.raw.strip())


def _matching_end(tokens: list[Token], start: int) -> int | None:
    tag = tokens[start].tag  # type: ignore[union-attr]
    depth = 0
    for index in range(start, len(tokens)):
        token = tokens[index]
        if isinstance(token, Start) and token.tag == tag and not _is_void(token):
            depth += 1
        elif isinstance(token, End) and token.tag == tag:
            depth -= 1
            if depth == 0:
                return index
    return None


def _drop_emptied_lists(tokens: list[Token]) -> list[Token]:
    """Remove list items that held nothing but a link to a page left out (header and footer
    navigation, breadcrumbs), then lists that became empty."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if isinstance(token, Start) and token.tag == "li":
            end = _matching_end(tokens, index)
            if end is not None:
                inner = [t for t in tokens[index + 1 : end] if not _blank(t)]
                if (
                    inner
                    and isinstance(inner[0], Start)
                    and inner[0].unlinked
                    and isinstance(inner[-1], End)
                    and all(isinstance(t, Text) for t in inner[1:-1])
                ):
                    index = end + 1
                    continue
        out.append(token)
        index += 1
    final: list[Token] = []
    index = 0
    while index < len(out):
        token = out[index]
        if isinstance(token, Start) and token.tag in ("ul", "ol"):
            end = _matching_end(out, index)
            if end is not None and all(_blank(t) for t in out[index + 1 : end]):
                index = end + 1
                continue
        final.append(token)
        index += 1
    return final
