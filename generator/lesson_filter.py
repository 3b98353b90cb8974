"""What a lesson's Markdown may put into a page: allow-lists, not lists of dangers.

A lesson is written by an official and read by citizens, often from a teacher's offline
copy that has no Content-Security-Policy. So the page must be safe by its HTML alone:

- attributes an author sets (`{: … }` of attr_list, `{…}` on a code fence) are kept only if
  their name is in LESSON_ATTRIBUTES and their value has the expected shape;
- every attribute of the rendered tree is in PAGE_ATTRIBUTES (what the dialect's
  extensions write), and every `href`/`src` passes `url_allowed`;
- a lesson file holds no control characters (C0 but tab, LF, CR; DEL; C1).

Whatever is dropped is recorded, so `antq validate` can name it with the file and line.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs_and_remainder
from markdown.treeprocessors import Treeprocessor

from generator import markdown_skips

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
# A scheme as the WHATWG URL parser reads one: an ASCII letter, then letters, digits, + - .
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Removed before a scheme is judged: browsers strip leading C0 controls and spaces and
# remove tab, LF and CR anywhere; we remove every C0 control, space, DEL and C1 anywhere,
# which can only turn more strings into a scheme (so more is refused), never fewer.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")
_SIZE = re.compile(r"[1-9][0-9]{0,3}")


def _text(value: str) -> bool:
    return not CONTROL.search(value)  # the serializer escapes the rest


def _classes(value: str) -> bool:
    return bool(value.split()) and all(_TOKEN.fullmatch(c) for c in value.split())


# The attributes a lesson author may set, with the shape of their value. No event handler
# (on…), no style, no URL (links and images have their own Markdown syntax), no data-*.
LESSON_ATTRIBUTES: dict[str, Callable[[str], object]] = {
    "id": _TOKEN.fullmatch,
    "class": _classes,
    "lang": _LANG.fullmatch,
    "title": _text,
    "alt": _text,
    "width": _SIZE.fullmatch,
    "height": _SIZE.fullmatch,
}
_ALIGN = re.compile(r"text-align: (?:left|right|center);")
# Every attribute a rendered lesson may hold: the author's, and what the dialect's own
# extensions write (links and images, footnotes, tables, details, tabs).
PAGE_ATTRIBUTES: dict[str, Callable[[str], object]] = {
    **LESSON_ATTRIBUTES,
    # What the extensions make of the text: footnote ids ("fnref:1", "fn:Điều 5"), tab
    # ids, admonition classes. Harmless once escaped; the author's own went through
    # LESSON_ATTRIBUTES already.
    "id": _text,
    "class": _text,
    "href": lambda v: url_allowed(v),
    "src": lambda v: url_allowed(v),
    "scope": re.compile(r"col|row").fullmatch,
    "style": _ALIGN.fullmatch,  # table column alignment
    "open": re.compile(r"open").fullmatch,  # details
    "type": re.compile(r"radio").fullmatch,  # tabs
    "name": _text,
    "checked": re.compile(r"checked").fullmatch,
    "for": _text,
    "data-tabs": re.compile(r"\d+:\d+").fullmatch,
}
# Options a code fence may take; pymdownx checks each value's shape and escapes the title.
FENCE_OPTIONS = frozenset({"title", "hl_lines", "linenums"})


@dataclass(frozen=True)
class Dropped:
    """Something a lesson asked for that the page does not get."""

    kind: str  # "attribute" or "url"
    name: str  # the attribute's name as written ("onclick", ".class", "#id", "href")
    value: str


def url_allowed(value: str) -> bool:
    """True for a URL whose scheme is allowed, or that has none (a relative URL, a
    #fragment). Judged on the text as written and after each level of HTML character
    reference decoding (named, decimal, hex, with or without ";"), with controls and
    spaces removed and backslashes read as slashes, as a browser reads them.

    Percent-encoding is not decoded: browsers never decode it in a scheme, so
    `%6Aavascript:` is a relative path, not a javascript: URL."""
    seen: set[str] = set()
    text = value
    while text not in seen:
        seen.add(text)
        cleaned = _INVISIBLE.sub("", text).replace("\\", "/")
        if cleaned.startswith("//"):
            return False  # another host with no scheme said
        scheme = _SCHEME.match(cleaned)
        if scheme is not None and scheme.group(1).lower() not in ALLOWED_SCHEMES:
            return False
        text = html.unescape(text)
    return True


class AllowedAttributes(AttrListTreeprocessor):
    """attr_list, keeping only LESSON_ATTRIBUTES (names compared as a browser does,
    without regard to case)."""

    def __init__(self, md: Markdown, dropped: list[Dropped]) -> None:
        super().__init__(md)
        self.dropped = dropped

    def run(self, doc: Element) -> None:
        # Every `{: … }` holds "{" (generator.markdown_skips says why the source tells).
        if markdown_skips.ENABLED and "{" not in markdown_skips.source_text(self.md):
            return
        super().run(doc)

    def assign_attrs(self, elem: Element, attrs_string: str, *, strict: bool = False) -> str:
        attrs, remainder = get_attrs_and_remainder(attrs_string)
        if strict and remainder:
            return remainder
        for key, value in attrs:
            name = "class" if key == "." else key.lower()
            check = LESSON_ATTRIBUTES.get(name)
            if value is None or check is None or not check(value):
                shown = "." if key == "." else key
                self.dropped.append(Dropped("attribute", shown, value or ""))
            elif name == "class" and elem.get("class"):
                elem.set("class", f"{elem.get('class')} {value}")
            else:
                elem.set(name, value)
        return remainder


class PageAttributes(Treeprocessor):
    """The last pass over the tree: every attribute is one PAGE_ATTRIBUTES allows, every
    link and image target has an allowed scheme. Also gives table header cells their
    scope, for screen readers."""

    def __init__(self, md: Markdown, dropped: list[Dropped]) -> None:
        super().__init__(md)
        self.dropped = dropped

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag == "th" and "scope" not in element.attrib:
                element.set("scope", "col")  # Markdown tables only have column headers
            for name, value in list(element.attrib.items()):
                check = PAGE_ATTRIBUTES.get(name.lower())
                if check is None or not isinstance(value, str) or not check(value):
                    del element.attrib[name]
                    kind = "url" if name.lower() in ("href", "src") else "attribute"
                    self.dropped.append(Dropped(kind, name, value or ""))


def guard_fences(md: Markdown, dropped: list[Dropped]) -> None:
    """Code fences: pymdownx writes a fence's `{#id .class key=value}` into the page
    without escaping it (`{#a"/onmouseover="…}`), so a fence with an id, a class or a
    key other than FENCE_OPTIONS is not a fence in a lesson: it stays text, escaped."""
    for ext in md.registeredExtensions:
        for entry in getattr(ext, "superfences", []):
            entry["validator"] = functools.partial(_fence_validator, entry["validator"], dropped)


def _fence_validator(
    original: Callable[..., bool],
    dropped: list[Dropped],
    language: str,
    inputs: dict[str, Any],
    options: dict[str, Any],
    attrs: dict[str, Any],
    md: Markdown,
) -> bool:
    fence = md.preprocessors["fenced_code_block"]
    extra = [("#", str(fence.id))] if getattr(fence, "id", "") else []
    extra += [(".", str(c)) for c in getattr(fence, "classes", [])]
    extra += [(k, str(v)) for k, v in inputs.items() if k not in FENCE_OPTIONS]
    if extra:
        dropped.extend(Dropped("attribute", name, value) for name, value in extra)
        return False
    okay = original(language, inputs, options, attrs, md)
    attrs.clear()  # written unescaped; nothing a lesson needs
    return okay


def control_characters(text: str) -> list[tuple[int, str]]:
    """(line number, U+XXXX) of the first control character of each line that has one."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if match := CONTROL.search(line):
            found.append((number, f"U+{ord(match.group()):04X}"))
    return found


def shown(value: str, width: int = 60) -> str:
    """A value as a one-line message shows it: invisible characters as U+XXXX."""
    text = "".join(f"U+{ord(c):04X}" if CONTROL.match(c) or c in "\t\n\r" else c for c in value)
    return text if len(text) <= width else text[: width - 1] + "…"
