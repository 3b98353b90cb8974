"""Issue 18: the lesson dialect's Python-Markdown conversion against two compiled engines.

    .venv/bin/pip install -e ".[bench]"     # markdown-it-pyrs and cmarkgfm: bench only
    .venv/bin/python bench/markdown_engines.py [--lessons 5000] [--runs 3] [--profile]

Texts, each a lesson (or news article) body without its quiz, with `legal:ID` links already
resolved to `/van-ban/SLUG/` (what Python-Markdown receives from `LessonRenderer._links`):

- lessons, news: every lesson of data/lessons/, every article of data/news/;
- golden: the fixture lesson and article the golden site is built from (tests/fixtures/);
  Python-Markdown's body must appear whole in its golden page (tests/golden/site/), which
  proves the conversion timed here is the one the site publishes;
- corpus: --lessons pages of the peers corpus (bench/_corpus.py, bench/peers_bench.py);
- random: --random texts of random pieces of syntax (`PIECES`), to try the subset scan.

Engines, each with the plugin set nearest the dialect it offers:

- python-markdown: `generator.lessons.LessonRenderer` (its extensions, filters and skips);
- markdown-it-pyrs: the "zero" preset with every CommonMark rule but raw HTML (the dialect
  shows raw HTML as text, and so does this), plus `table` and `footnote`. Not
  `heading_anchors` (it writes an anchor with an SVG icon into each heading, further from
  toc's `id` than no id), not `smartquotes`/`replacements`/`linkify` (the dialect has none);
- cmarkgfm: GitHub's cmark with the `table` extension and the footnotes option (its
  default safe mode omits raw HTML; no option shows it as text; no autolink: the dialect
  has none). Neither engine has admonitions, details, tabs, attribute lists or toc.

Each run times every engine over every set in one process, in an order that rotates run by
run; prints the median CPU (and wall) ms a text. Then the outputs are compared with
Python-Markdown's: byte-identical; identical after `normalise` (below); and the top-level
blocks that still differ, classified by the construct (`classify`), with an example each.
--profile prints where Python-Markdown's time goes, by module.
"""

from __future__ import annotations

import argparse
import cProfile
import difflib
import html
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import markdown.blockparser
import markdown.core

from generator.lessons import LEGAL_LINK, QUIZ_HEADING, LessonRenderer
from generator.textvi import slugify

ROOT = Path(__file__).resolve().parents[1]

ENGINES = ("python-markdown", "markdown-it-pyrs", "cmarkgfm")
GOLDEN_PAGES = {  # fixture → the golden page that shows its body
    "tests/fixtures/lessons/mau.md": "tests/golden/site/bai-hoc/mau/index.html",
    "tests/fixtures/good/news/2025/ngay-hoi-xa-tan-ky/index.md": (
        "tests/golden/site/tin-tuc/2025/ngay-hoi-xa-tan-ky/index.html"
    ),
}
_FRONT = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)


@dataclass(frozen=True)
class Text:
    name: str
    source: str  # the Markdown each engine converts
    golden: str | None = None  # the golden page that must hold Python-Markdown's HTML


def resolved(body: str) -> str:
    """The body with its `legal:ID` links as the build resolves them (the model's URL of a
    legal document is /van-ban/SLUG/)."""
    return LEGAL_LINK.sub(lambda m: f"](/van-ban/{slugify(m.group(1))}/)", body)


def body_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8-sig")
    body = _FRONT.sub("", text, count=1)
    return resolved(body.partition(QUIZ_HEADING)[0])


def bundled_texts(kind: str) -> list[Text]:
    """Every lesson (`kind` "lessons") or news article ("news") of the bundled package."""
    folder = ROOT / "data" / kind
    paths = sorted(folder.glob("*.md") if kind == "lessons" else folder.glob("*/*/index.md"))
    return [Text(str(p.relative_to(ROOT)), body_of(p)) for p in paths]


def golden_texts() -> list[Text]:
    return [
        Text(name, body_of(ROOT / name), (ROOT / page).read_text(encoding="utf-8"))
        for name, page in GOLDEN_PAGES.items()
    ]


def corpus_texts(lessons: int, seed: int) -> list[Text]:
    bench = str(Path(__file__).resolve().parent)
    if bench not in sys.path:  # (imported as bench.markdown_engines, by the tests)
        sys.path.insert(0, bench)
    from _corpus import corpus
    from peers_bench import legal_ids

    docs = corpus(lessons, seed, legal_ids())
    return [Text(d.slug, resolved(d.body.partition(QUIZ_HEADING)[0])) for d in docs]


# Pieces of random texts: words, emphasis, links, list markers, line and paragraph breaks;
# the syntax the subset scan (`in_subset`) lets through, and some it refuses.
PIECES = [
    *("công", "an", "xã", "Tổ", "tự", "quản", "báo", "tin", "an ninh", "2025", "(x)", "1.", "!"),
    *("*", "**", "_", "__", "*nghiêng*", "**đậm**", "_gạch_", "[liên kết](/a/)", "[x]", "]"),
    *("\n", "\n\n", "  \n", "\n- ", "\n* ", "\n+ ", "\n1. ", "\n3. ", "\n2) ", "\n    "),
    *(":", ";", ",", ".", "?", "#", "# ", "\n## ", "`", "&", '"', "<b>", "{: .a }", "\n!!! note\n"),
]


def random_texts(count: int, seed: int) -> list[Text]:
    import random

    rng = random.Random(seed)
    texts = []
    for index in range(count):
        pieces = rng.choices(PIECES, k=rng.randint(3, 40))
        texts.append(Text(f"random-{index}", " ".join(pieces).strip() + "\n"))
    return texts


def python_markdown() -> Callable[[str], str]:
    renderer = LessonRenderer({})

    def convert(source: str) -> str:
        renderer.dropped.clear()
        return renderer.markdown(source)

    return convert


# markdown-it-pyrs rules: CommonMark's, raw HTML (html_block, html_inline) left out.
MARKDOWN_IT_RULES: list[Any] = [
    *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph"),
    *("reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link"),
    *("newline", "table", "footnote"),
]


def markdown_it_pyrs() -> Callable[[str], str]:
    from markdown_it_pyrs import MarkdownIt

    md = MarkdownIt("zero").enable_many(MARKDOWN_IT_RULES)
    return md.render


def cmarkgfm_engine() -> Callable[[str], str]:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    def convert(source: str) -> str:
        return cmarkgfm.markdown_to_html_with_extensions(
            source, options=Options.CMARK_OPT_FOOTNOTES, extensions=["table"]
        )

    return convert


MAKERS: dict[str, Callable[[], Callable[[str], str]]] = {
    "python-markdown": python_markdown,
    "markdown-it-pyrs": markdown_it_pyrs,
    "cmarkgfm": cmarkgfm_engine,
}

# --- normalisation -------------------------------------------------------------------------
# Two outputs are "identical after normalisation" when they are the same HTML to a browser
# save for how the markup is written: character references decoded (`&quot;`, `"`, `&#160;`,
# U+00A0 are one), attributes sorted and re-quoted, a boolean attribute's value dropped
# (`checked="checked"` is `checked`), `<hr />` is `<hr>`, runs of white space in text are
# one space (not inside <pre>), and white space next to a block-level tag is none. Ids,
# classes and every other attribute and element are kept: a heading without toc's id, a
# table cell without `scope` or a footnote with other ids still differ.

BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "details", "dd", "div", "dl", "dt"]
    + ["figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header"]
    + ["hr", "input", "label", "li", "main", "nav", "ol", "p", "pre", "section", "summary"]
    + ["table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"]
)
VOID_TAGS = frozenset(["area", "br", "col", "embed", "hr", "img", "input", "link", "meta"])
BOOLEAN_ATTRIBUTES = frozenset({"checked", "open", "hidden", "disabled"})


class _Normaliser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = []  # each top-level node's canonical pieces
        self.depth = 0
        self.pre = 0

    def _put(self, piece: str, opens: bool = False) -> None:
        if self.depth == 0 and (opens or not self.blocks or self.blocks[-1][-1] == "\0"):
            self.blocks.append([])
        self.blocks[-1].append(piece)

    def _end_block(self) -> None:
        if self.depth == 0 and self.blocks:
            self.blocks[-1].append("\0")  # closed: the next piece starts a new block

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = []
        for name, value in sorted(attrs):
            if value is None or (name in BOOLEAN_ATTRIBUTES and value in ("", name)):
                shown.append(f" {name}")
            else:
                shown.append(f' {name}="{html.escape(value, quote=True)}"')
        self._put(f"<{tag}{''.join(shown)}>", opens=True)
        if tag in VOID_TAGS:
            self._end_block()
            return
        self.depth += 1
        self.pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        self.depth = max(0, self.depth - 1)
        self.pre -= tag == "pre" and self.pre > 0
        self._put(f"</{tag}>")
        self._end_block()

    def handle_data(self, data: str) -> None:
        text = data if self.pre else re.sub(r"\s+", " ", data)
        if self.depth == 0 and not text.strip():
            return
        self._put(html.escape(text, quote=False))
        self._end_block()

    def handle_comment(self, data: str) -> None:
        self._put(f"<!--{data}-->")
        self._end_block()


_AROUND_BLOCK = re.compile(r"\s*(</?(?:" + "|".join(sorted(BLOCK_TAGS)) + r")\b[^>]*>)\s*")


def normalise(markup: str) -> list[str]:
    """The top-level blocks of `markup`, each written canonically (see above)."""
    parser = _Normaliser()
    parser.feed(markup)
    parser.close()
    blocks = ["".join(p for p in block if p != "\0") for block in parser.blocks]
    return [b for b in (_AROUND_BLOCK.sub(r"\1", b).strip() for b in blocks) if b]


# --- classification ------------------------------------------------------------------------

_ID = re.compile(r' id="[^"]*"')
_TABLE_ATTRIBUTES = re.compile(r' (?:scope|style|align)="[^"]*"')
_AUTHOR_ATTRIBUTES = re.compile(r'^<\w+ [^>]*(?:class|id)="')


def classify(ours: str, theirs: str) -> str:
    """The construct behind one differing top-level block: Python-Markdown's (`ours`) and
    the engine's (`theirs`, "" when the engine has no counterpart)."""
    block = ours or theirs
    kinds = [
        ('<div class="admonition', "admonitions"),
        ("<details", "details"),
        ('<div class="tabbed-set', "tabs"),
        ('<div class="footnote', "footnotes"),
        ('<section class="footnotes', "footnotes"),
        ("<hr", "footnotes" if theirs.startswith("<section") else "rules"),
        ("<pre", "code blocks"),
        ("<blockquote", "block quotes"),
        ("<ul", "lists"),
        ("<ol", "lists"),
    ]
    for start, kind in kinds:
        if block.startswith(start):
            return kind
    if re.match(r"<h[1-6]", block):
        return "toc ids" if _ID.sub("", ours) == _ID.sub("", theirs) else "headings"
    if block.startswith("<table"):
        same = _TABLE_ATTRIBUTES.sub("", ours) == _TABLE_ATTRIBUTES.sub("", theirs)
        return "table cell attributes" if same else "tables"
    if "{" in theirs and _AUTHOR_ATTRIBUTES.match(ours):
        return "attr lists"
    if 'id="fnref' in block or "footnote-ref" in block:
        return "footnote references"
    if re.match(r"<p>(?:!!!|\?\?\?|===) ", theirs):
        return "admonitions, details, tabs (as text)"
    return "paragraphs and inline"


def differences(ours: list[str], theirs: list[str]) -> list[tuple[str, str, str]]:
    """(class, our block, their block) of each top-level block that differs. In a run of
    differing blocks each of ours is paired with the engine's block of the same element
    that resembles it most; the engine's blocks left over (indented content of a tab read
    as a code block, a tab's label read as a paragraph) are classified as the engine's."""
    found: list[tuple[str, str, str]] = []
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        left = list(theirs[b1:b2])
        for block in ours[a1:a2]:
            tag = _tag(block)
            same_tag = [b for b in left if _tag(b) == tag]
            partner = max(same_tag, key=lambda b: _resemblance(block, b), default="")
            if partner:
                left.remove(partner)
            found.append((classify(block, partner), block, partner))
        found += [("engine: " + classify("", b), "", b) for b in left]
    return found


def _tag(block: str) -> str:
    match = re.match(r"<(\w+)", block)
    return match.group(1) if match else ""


def _resemblance(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).quick_ratio()


# The cheap scan a fast path would need (as generator.markdown_skips scans for syntax): texts
# using none of the dialect's extensions (admonitions, details, tabs, footnotes, attribute
# lists, tables, toc's heading ids), no indented line (Python-Markdown nests by 4 spaces,
# CommonMark by the marker's width; indented text is code to CommonMark), no character the
# engines write differently (`"`, `&`, `<`, `>`), no code and no escapes.
_NOT_SUBSET = re.compile(r'^(?:[ \t]|#|!!!|\?\?\?|===|[-=]+[ \t]*$|\|)|["&<>\\`{]|\[\^', re.M)


def in_subset(source: str) -> bool:
    """Whether `source` passes the scan: a candidate for an engine's fast path."""
    return not _NOT_SUBSET.search(source)


def first_byte_difference(a: str, b: str, context: int = 40) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(0, at - 10)
    return f"{a[start : at + context]!r} vs {b[start : at + context]!r}"


# --- the runs ------------------------------------------------------------------------------


def time_runs(
    engines: dict[str, Callable[[str], str]], sets: dict[str, list[Text]], runs: int
) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(engine, set) → each run's (CPU, wall) seconds to convert the set; the engines'
    order rotates run by run."""
    names = list(engines)
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for run in range(runs):
        order = names[run % len(names) :] + names[: run % len(names)]
        for name in order:
            convert = engines[name]
            for set_name, texts in sets.items():
                cpu, wall = time.process_time(), time.perf_counter()
                for text in texts:
                    convert(text.source)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                times.setdefault((name, set_name), []).append((cpu, wall))
    return times


def report_set(
    set_name: str,
    texts: list[Text],
    outputs: dict[str, list[str]],
    times: dict[tuple[str, str], list[tuple[float, float]]],
    examples: int,
) -> None:
    ours = outputs["python-markdown"]
    print(f"\n[{set_name}] {len(texts)} texts")
    if any(t.golden for t in texts):
        held = sum(bool(t.golden and h in t.golden) for t, h in zip(texts, ours, strict=True))
        print(f"  python-markdown's body found whole in its golden page: {held}/{len(texts)}")
    ours_blocks = [normalise(h) for h in ours]
    base = statistics.median(c for c, _ in times[("python-markdown", set_name)])
    for name, theirs in outputs.items():
        cpu = statistics.median(c for c, _ in times[(name, set_name)])
        wall = statistics.median(w for _, w in times[(name, set_name)])
        line = f"  {name:<17} {cpu / len(texts) * 1000:7.3f} ms/text CPU "
        line += f"({wall / len(texts) * 1000:7.3f} wall)  ×{base / cpu:6.1f} vs python-markdown"
        if name == "python-markdown":
            print(line)
            continue
        same = sum(a == b for a, b in zip(ours, theirs, strict=True))
        trimmed = sum(a == b.removesuffix("\n") for a, b in zip(ours, theirs, strict=True))
        blocks = [normalise(h) for h in theirs]
        normal = sum(a == b for a, b in zip(ours_blocks, blocks, strict=True))
        subset = [
            (a, b) for t, a, b in zip(texts, ours, theirs, strict=True) if in_subset(t.source)
        ]
        fast = sum(a == b.removesuffix("\n") for a, b in subset)
        unsound = [(a, b) for a, b in subset if a != b.removesuffix("\n")]
        print(
            f"{line}\n    byte-identical {same}/{len(texts)} ({trimmed} with the engine's final "
            f"newline removed); identical after normalise {normal}; the subset scan admits "
            f"{len(subset)}, byte-identical among them (final newline aside) {fast}"
        )
        _print_classes(texts, ours, ours_blocks, theirs, blocks, examples)
        for a, b in unsound[:examples]:
            print(f"      admitted, other bytes: {first_byte_difference(a, b)}")


def _print_classes(
    texts: list[Text],
    ours: list[str],
    ours_blocks: list[list[str]],
    theirs: list[str],
    blocks: list[list[str]],
    examples: int,
) -> None:
    lessons: Counter[str] = Counter()
    count: Counter[str] = Counter()
    shown: dict[str, tuple[str, str, str]] = {}
    total = same_blocks = 0
    for text, a, b in zip(texts, ours_blocks, blocks, strict=True):
        found = differences(a, b)
        total += len(a)
        same_blocks += len(a) - sum(1 for _, x, _ in found if x)
        for kind in {k for k, _, _ in found}:
            lessons[kind] += 1
        for kind, x, y in found:
            count[kind] += 1
            shown.setdefault(kind, (text.name, x, y))
    print(f"    top-level blocks identical after normalise: {same_blocks}/{total}")
    for kind, n in lessons.most_common():
        print(f"    - {kind}: {count[kind]} blocks in {n} texts")
    for kind, (name, x, y) in list(shown.items())[:examples]:
        print(
            f"      e.g. {kind} ({name}):\n        ours   {x[:150]!r}\n        theirs {y[:150]!r}"
        )
    only_bytes = [
        (t, a, b)
        for t, a, b, na, nb in zip(texts, ours, theirs, ours_blocks, blocks, strict=True)
        if a != b and na == nb
    ]
    for text, mine, other in only_bytes[:examples]:
        print(f"      bytes only ({text.name}): {first_byte_difference(mine, other)}")


def profile(texts: list[Text]) -> None:
    """Where Python-Markdown's time goes over `texts`: each stage of `Markdown.convert`
    (cumulative time of its processors) and the modules' own time."""
    convert = python_markdown()
    md = LessonRenderer({}).md
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        convert(text.source)
    profiler.disable()
    stats: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def cumulative(*functions: object) -> float:
        keys = set()
        for function in functions:
            code = getattr(function, "__code__", None) or function.__func__.__code__  # type: ignore[attr-defined]
            keys.add((code.co_filename, code.co_firstlineno, code.co_name))
        return sum(row[3] for key, row in stats.items() if key in keys)

    total = cumulative(markdown.core.Markdown.convert)
    stages = {
        "preprocessors": cumulative(*(type(p).run for p in md.preprocessors)),
        "block parser": cumulative(markdown.blockparser.BlockParser.parseDocument),
    }
    for name in ("inline", "toc", "attr_list", "antq_page"):
        stages[f"treeprocessor {name}"] = cumulative(type(md.treeprocessors[name]).run)
    others = [type(t).run for t in md.treeprocessors if type(t).run not in _named_runs(md)]
    stages["other treeprocessors"] = cumulative(*set(others))
    stages["serializer"] = cumulative(md.serializer)
    stages["postprocessors"] = cumulative(*{type(p).run for p in md.postprocessors})
    print(f"\nprofile of python-markdown over {len(texts)} texts (Markdown.convert {total:.2f} s;")
    print("a stage's share includes what it calls: toc serializes each heading)")
    for name, seconds in stages.items():
        print(f"  {seconds / total * 100:5.1f} %  {name}")
    by_module: dict[str, float] = {}
    for (path, _line, _func), row in stats.items():
        parts = Path(path).parts
        keep = next((i for i, p in enumerate(parts) if p in ("markdown", "pymdownx")), None)
        module = "/".join(parts[keep:]) if keep is not None else Path(path).name
        module = "builtins (re, str, list…)" if module == "~" else module
        by_module[module] = by_module.get(module, 0.0) + row[2]
    own = sum(by_module.values())
    print("  own time by module:")
    for module, seconds in sorted(by_module.items(), key=lambda i: -i[1])[:8]:
        print(f"  {seconds / own * 100:5.1f} %  {module}")


def _named_runs(md: markdown.Markdown) -> set[object]:
    return {type(md.treeprocessors[n]).run for n in ("inline", "toc", "attr_list", "antq_page")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=5000, help="corpus lessons")
    parser.add_argument("--random", type=int, default=2000, help="random texts")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--examples", type=int, default=4, help="examples a comparison")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sets = {
        "lessons": bundled_texts("lessons"),
        "news": bundled_texts("news"),
        "golden": golden_texts(),
        "corpus": corpus_texts(args.lessons, args.seed),
        "random": random_texts(args.random, args.seed),
    }
    engines = {name: MAKERS[name]() for name in ENGINES}
    outputs = {s: {n: [e(t.source) for t in texts] for n, e in engines.items()} for s, texts in sets.items()}  # fmt: skip
    times = time_runs(engines, sets, args.runs)
    print(f"{args.runs} runs, engines rotating; load {os.getloadavg()}")
    for set_name, texts in sets.items():
        report_set(set_name, texts, outputs[set_name], times, args.examples)
    if args.profile:
        profile(sets["corpus"])


if __name__ == "__main__":
    main()
