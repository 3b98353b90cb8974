"""The one place that reads HTML.

Two readers, for two needs, both here so that no other module parses HTML its own way
(`tests/test_layers.py` fails if one does):

- `tokenize`: the standard library's tolerant `html.parser` (no new dependency), split into
  tokens that write back byte for byte when untouched; the exports rewrite pages with it.
- byte-level regular expressions (`TAG`, `attributes`, …) for the scans that read the
  whole built site: `antq check` must read the national site (~6,500 pages, 400 MB) well
  under 20 s on two cores, and `html.parser` reads ~6 MB/s where these read ~50 MB/s
  (`bench/htmlread_bench.py` prints the figures). They only look for tags and attributes,
  never build a tree.
- text-level expressions for the pages our own templates write (well-formed, attributes
  double-quoted): the search copies' <main>, headings and ignored parts, and the files a
  page loads for the precache.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Start:
    tag: str
    attrs: list[tuple[str, str | None]]
    raw: str
    self_closing: bool
    changed: bool = False
    unlinked: bool = False  # an <a> whose target is not exported, now a <span>

    def get(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None

    def set(self, name: str, value: str | None) -> None:
        self.attrs = [(k, v) for k, v in self.attrs if k != name] + [(name, value)]
        self.changed = True

    def remove(self, *names: str) -> None:
        kept = [(k, v) for k, v in self.attrs if k not in names]
        if len(kept) != len(self.attrs):
            self.attrs = kept
            self.changed = True

    def text(self) -> str:
        if not self.changed:
            return self.raw
        parts = [self.tag]
        for key, value in self.attrs:
            parts.append(key if value is None else f'{key}="{html.escape(value, quote=True)}"')
        return "<" + " ".join(parts) + (" />" if self.self_closing else ">")


@dataclass
class End:
    tag: str

    def text(self) -> str:
        return f"</{self.tag}>"


@dataclass
class Text:
    raw: str
    is_data: bool  # character data (or a character reference), not a comment or declaration

    def text(self) -> str:
        return self.raw


Token = Start | End | Text


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        # Keep character references as written: text is copied through unchanged.
        super().__init__(convert_charrefs=False)
        self.tokens: list[Token] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(Start(tag, attrs, self.get_starttag_text() or "", False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(Start(tag, attrs, self.get_starttag_text() or "", True))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(End(tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(Text(data, True))

    def handle_entityref(self, name: str) -> None:
        self.tokens.append(Text(f"&{name};", True))

    def handle_charref(self, name: str) -> None:
        self.tokens.append(Text(f"&#{name};", True))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(Text(f"<!--{data}-->", False))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(Text(f"<!{decl}>", False))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(Text(f"<?{data}>", False))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(Text(f"<![{data}]>", False))


def tokenize(source: str) -> list[Token]:
    parser = _Tokenizer()
    parser.feed(source)
    parser.close()
    return parser.tokens


# -- byte-level readers, for the scans over the whole built site ---------------------------

# A start tag's attributes up to its ">" (a tag's name is matched by the caller's pattern).
ATTRS = r"""((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"""
# Elements whose content is raw text: no tag inside them is a tag.
RAW_TAG = re.compile(("<(script|style|title|textarea)(?=[\\s/>])" + ATTRS).encode())
ATTR = re.compile(rb"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
ID_ATTR = re.compile(rb"""id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
STYLE_ATTR = re.compile(rb"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""")
COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
# Every byte to a space except newlines: blanked text keeps its offsets and line numbers.
BLANK = bytes.maketrans(bytes(range(256)), b" " * 10 + b"\n" + b" " * 245)


def attributes(raw: bytes) -> dict[bytes, str]:
    """A start tag's attributes (`ATTRS`' group), names lower-cased, values unescaped."""
    attrs: dict[bytes, str] = {}
    for name, double, single, bare in ATTR.findall(raw):
        name = name.lower()
        if name in attrs:
            continue  # the first of a repeated attribute is the one browsers use
        text = (double or single or bare).decode("utf-8", errors="replace")
        attrs[name] = html.unescape(text) if "&" in text else text
    return attrs


def blank(match: re.Match[bytes]) -> bytes:
    """A match (a comment) blanked out, keeping its newlines: for `re.sub`."""
    return match.group().translate(BLANK)


# -- text-level readers of the pages our own templates write (well-formed, double-quoted) ---

MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
SKIPPED = re.compile(r"<(nav|aside|script|style|template)\b.*?</\1>", re.S)
TAG = re.compile(r"<[^>]+>")
HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
_START_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_COMMENT_TEXT = re.compile(r"<!--.*?-->", re.S)


def element_count(page: str) -> int:
    """Elements of one of our pages as the browser builds it: its start tags (the parser
    adds <tbody> to a table without one: none of ours). The page-size budget of issue 15
    (~1,500) is counted with it by the tests and bench/teach_bench.py."""
    return len(_START_TAG.findall(_COMMENT_TEXT.sub("", page)))


# The local files a page loads: stylesheets, scripts, icons, the manifest, images.
LOCAL_LOADS = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="(/[^"#?]*)"')


def tag_text(fragment: str) -> str:
    """A fragment's text: tags to spaces, character references decoded."""
    return html.unescape(TAG.sub(" ", fragment))


# An element Pagefind is told to skip whole.
PAGEFIND_IGNORED = re.compile(r'<(\w+)\b[^>]*\sdata-pagefind-ignore="all"[^>]*>')
_IGNORED_MARK = 'data-pagefind-ignore="all"'


def drop_ignored(html_text: str) -> str:
    """`html_text` without the elements marked data-pagefind-ignore="all". Our templates
    write well-formed HTML, so the element ends at the close tag that balances its opening
    tag; an element whose end cannot be found is kept (Pagefind skips it anyway)."""
    out: list[str] = []
    pos = 0  # where the text kept next starts
    cursor = 0  # where the next marked tag is looked for
    while (at := html_text.find(_IGNORED_MARK, cursor)) >= 0:
        # The tag holding the mark starts after the last ">" before it: the regex runs from
        # there, not over every tag of the page (issue 18 item 7); it finds what a scan of
        # the whole text would.
        found = PAGEFIND_IGNORED.search(html_text, max(cursor, html_text.rfind(">", 0, at) + 1))
        if found is None:
            break
        cursor = found.end()
        end = _element_end(html_text, found.group(1), found.end())
        if end < 0:
            continue
        out.append(html_text[pos : found.start()])
        # The next mark is looked for after the element dropped: those inside it are not
        # looked at (~40 a national xã page: its rows and cells in sections dropped whole).
        pos = cursor = end
    out.append(html_text[pos:])
    return "".join(out)


@functools.cache
def _tag_pattern(tag: str) -> re.Pattern[str]:
    """A start or end tag of `tag` (its own compiled pattern, not `re`'s cache lookup per
    element: drop_ignored ends ~260,000 elements in a national build's search copies)."""
    return re.compile(rf"<(/?){tag}\b[^>]*>")


def _element_end(html_text: str, tag: str, after: int) -> int:
    """Where the element of `tag` whose start tag ends at `after` ends: after the close tag
    that balances it; -1 when there is none."""
    depth = 1
    for match in _tag_pattern(tag).finditer(html_text, after):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return -1


_TAG_START = re.compile(r"<(\w+)\b[^>]*>")


def drop_classes(html_text: str, classes: tuple[str, ...]) -> str:
    """`html_text` without the elements having one of `classes` (tokens of their class
    attribute), as the CSS selectors `.name` would pick them (Pagefind's
    `--exclude-selectors`), nested ones with their parent. Our templates write well-formed
    HTML with double-quoted attributes (text never holds `class="`: Jinja escapes quotes);
    an element whose end cannot be found is kept."""
    names = "|".join(re.escape(name) for name in classes)
    mark = re.compile(rf'\sclass="(?:[^"]*\s)?(?:{names})(?=[\s"])')
    out: list[str] = []
    pos = 0  # where the text kept next starts
    cursor = 0  # where the next class is looked for
    while (found := mark.search(html_text, cursor)) is not None:
        cursor = found.end()
        start = html_text.rfind("<", 0, found.start())
        tag = _TAG_START.match(html_text, start) if start >= pos else None
        if tag is None or tag.end() <= found.start():
            continue  # not in a start tag, or inside an element already dropped
        end = _element_end(html_text, tag.group(1), tag.end())
        if end < 0:
            continue
        out.append(html_text[pos:start])
        pos = cursor = end
    out.append(html_text[pos:])
    return "".join(out)
