"""Python-Markdown's work for syntax a text does not hold, skipped (issue 18).

A lesson is converted by Python-Markdown with pymdown-extensions (the dialect officials write;
it is not changed here). Profiling the conversion of the peers corpus (bench/markdown_bench.py)
showed much of it spent on syntax the lesson never uses:

- the inline processor tries each of its 14 patterns on every piece of text (~500 regex
  searches a lesson, each through `Registry.__getitem__`), most of them for characters the
  lesson does not have (backticks, `<`, `&`, `\\`, images, footnotes);
- the toc extension walks the whole tree looking for its `[TOC]` marker (~9 % of a
  conversion);
- attr_list walks the whole tree looking for `{: … }`;
- toc also builds its table of contents as a tree and serialises it into `md.toc`, which
  antq never reads (it reads `md.toc_tokens`): needed only to replace a `[TOC]` marker;
- `Markdown.is_block_level` looks a tag up in a list of ~50 names, ~150 times a lesson;
- the block parser tries the admonition, details, tabs, table and footnote processors on
  each block (and each block inside them), ~10 % of a conversion, most lessons holding
  none of their markers.

Each of these can only match text that holds a given character string, and every piece of
text the tree holds at that point comes from the source as the preprocessors left it
(`Markdown.lines`): block processors cut lines and strip their indentation and markers, but
never join two lines without the newline between them; what extensions add themselves (a
default admonition title, footnote placeholders) is letters and digits. So when the
preprocessed source lacks the string, the pass is skipped: the output is the same bytes.
tests/test_markdown_skips.py converts tricky texts with and without these skips and
compares.

Python-Markdown has no setting for any of this (toc's `marker: ""` would turn `[TOC]` off
for every lesson, which changes the dialect), hence these small subclasses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor
from markdown.util import Registry

# An inline pattern's regular expression (as Python-Markdown 3 and its footnotes extension
# write them) → strings of which every match holds at least one. A pattern not listed here
# (another version's, another extension's) is always tried.
INLINE_NEEDS: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # backtick: code spans
    r"\\(.)": ("\\",),  # escape
    r"\[\^([^\]]*)\]": ("[^",),  # footnote reference
    r"(?<!\!)\[": ("[",),  # reference, link, short_reference
    r"\!\[": ("![",),  # image_link, image_reference, short_image_ref
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),  # autolink
    r"<([^<> !]+@[^@<> ]+)>": ("<",),  # automail
    r"  \n": ("  \n",),  # linebreak
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entity
    r"\*|_": ("*", "_"),  # em_strong
}
# A block processor's class → strings of which every block it takes holds one, or (its
# indented continuation) follows a block that held one: its opening line's marker. The
# table's: a header row without "|" is one cell, which is no table.
BLOCK_NEEDS: dict[str, tuple[str, ...]] = {
    "markdown.extensions.admonition.AdmonitionProcessor": ("!!!",),
    "pymdownx.details.DetailsProcessor": ("???",),
    "pymdownx.tabbed.TabbedProcessor": ("===",),
    "markdown.extensions.tables.TableProcessor": ("|",),
    "markdown.extensions.footnotes.FootnoteBlockProcessor": ("[^",),
}
# Whether the skips are made: False converts as plain Python-Markdown does (the tests and
# bench/markdown_bench.py compare both).
ENABLED = True


def source_text(md: Markdown) -> str:
    """The text being converted, as the preprocessors left it."""
    return "\n".join(md.lines)


def may_match(pattern: Any, text: str) -> bool:
    needs = INLINE_NEEDS.get(getattr(pattern, "pattern", None) or "")
    return needs is None or any(need in text for need in needs)


def suffix_needs(patterns: list[Any]) -> list[frozenset[str] | None]:
    """For each index i of `patterns` (and their end): the strings of which every match of
    a pattern from i on holds one, None when one of those patterns is not listed."""
    found: list[frozenset[str] | None] = [frozenset()]
    for pattern in reversed(patterns):
        needs = INLINE_NEEDS.get(getattr(pattern, "pattern", None) or "")
        after = found[-1]
        found.append(None if needs is None or after is None else after | frozenset(needs))
    found.reverse()
    return found


_NOTHING = re.compile(r"(?!)")  # matches no text: no pattern left to try


def _needs_search(needs: frozenset[str] | None) -> Callable[[str], object] | None:
    """A search finding any of `needs` in a text (one regular expression: a C loop, where
    `any(need in data ...)` was ~5 % of a conversion), None when a pattern is not listed."""
    if needs is None:
        return None
    if not needs:
        return _NOTHING.search
    return re.compile("|".join(re.escape(need) for need in sorted(needs))).search


class SkippingInlineProcessor(InlineProcessor):
    """The inline processor trying only the patterns that may match somewhere in the text,
    in their order, from a list (a pattern's index only orders it: the patterns skipped
    never match, so those after an index are the same). Python-Markdown's own loop reads the
    registry by index, re-sorting it each time.

    And each piece of text (a paragraph, a list item, what a pattern's match holds) is
    left as it is when it holds none of the strings the patterns it would try need
    (`suffix_needs`): each of them would search it and find nothing, which changes nothing
    (a pattern's `handleMatch` only runs on a match). Most of a lesson's pieces are plain
    text: this was about a third of the inline pass (issue 18)."""

    _needs: list[Callable[[str], object] | None] = []

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        if not ENABLED:
            self._needs = []
            return super().run(tree, ancestors)
        text = source_text(self.md)
        registry: Any = self.inlinePatterns  # type: ignore[has-type]
        patterns: Any = [p for p in registry if may_match(p, text)]
        self.inlinePatterns = patterns
        self._needs = [_needs_search(needs) for needs in suffix_needs(patterns)]
        try:
            return super().run(tree, ancestors)
        finally:
            self.inlinePatterns = registry
            self._needs = []

    # Python-Markdown's private `__handleInline` (name-mangled): it has no hook for this.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if self._needs:
            search = self._needs[patternIndex]
            if search is not None and search(data) is None:
                return data
        handle: Any = InlineProcessor._InlineProcessor__handleInline
        result: str = handle(self, data, patternIndex)
        return result


class SkippingToc(TocTreeprocessor):
    """toc, not looking for its marker in a text that does not hold it, and then not
    building the table of contents it would replace the marker with: `md.toc` is an empty
    `<div></div>` (antq reads the headings from `md.toc_tokens`, made as before; a text
    with the marker gets its table of contents in the page and in `md.toc` as before)."""

    def build_toc_div(self, toc_list: list[Any]) -> Element:
        if ENABLED and not self.marker:
            return Element("div")
        return super().build_toc_div(toc_list)

    def run(self, doc: Element) -> None:
        marker: str = self.marker  # type: ignore[has-type]
        if ENABLED and marker and marker not in source_text(self.md):
            self.marker = ""
        try:
            super().run(doc)
        finally:
            self.marker = marker


class SkippingBlocks(Preprocessor):
    """The last preprocessor: hands the block parser, for this text, the block processors
    less those whose marker it does not hold (`BLOCK_NEEDS`), in their order (a processor's
    `test` of a block only decides whether it takes it: one that never takes a block, left
    out, changes nothing)."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.every: Registry[Any] = md.parser.blockprocessors
        self.kept: dict[frozenset[str], Registry[Any]] = {}

    def run(self, lines: list[str]) -> list[str]:
        self.md.parser.blockprocessors = self.every
        if not ENABLED:
            return lines
        text = "\n".join(lines)
        skipped = frozenset(
            item.name
            for item in self.every._priority
            if not any(need in text for need in _block_needs(self.every[item.name]))
        )
        if skipped:
            kept = self.kept.get(skipped)
            if kept is None:
                kept = self.kept[skipped] = Registry()
                for item in self.every._priority:
                    if item.name not in skipped:
                        kept.register(self.every[item.name], item.name, item.priority)
            self.md.parser.blockprocessors = kept
        return lines


def _block_needs(processor: Any) -> tuple[str, ...]:
    """The markers a block processor needs, ("",) for one not listed (always kept)."""
    kind = type(processor)
    return BLOCK_NEEDS.get(f"{kind.__module__}.{kind.__qualname__}", ("",))


def remembered_block_level(md: Markdown) -> Callable[[Any], bool]:
    """`md.is_block_level`, each tag's answer remembered (a tag is a name or ElementTree's
    Comment function: hashable). The list it reads is complete once the extensions are
    loaded, before this is installed."""
    plain = md.is_block_level
    known: dict[Any, bool] = {}

    def is_block_level(tag: Any) -> bool:
        found = known.get(tag)
        if found is None:
            found = known[tag] = plain(tag)
        return found

    return is_block_level


def install(md: Markdown) -> None:
    """Put the skipping processors in place of Python-Markdown's (same names, priorities and
    settings). attr_list's skip is in generator.lesson_filter.AllowedAttributes."""
    md.treeprocessors.register(SkippingInlineProcessor(md), "inline", 20)
    md.preprocessors.register(SkippingBlocks(md), "antq_blocks", -100)
    if ENABLED:
        md.is_block_level = remembered_block_level(md)
    for ext in md.registeredExtensions:
        if isinstance(ext, TocExtension):
            md.treeprocessors.register(SkippingToc(md, ext.getConfigs()), "toc", 5)
