"""generator.markdown_skips: the passes skipped for syntax a lesson does not hold change no
byte of its conversion (each lesson and tricky text converted with and without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import markdown_skips
from generator.lessons import Lesson, LessonRenderer, front_matter

ROOT = Path(__file__).resolve().parents[1]
# Each skip's edge: the syntax present, absent, escaped, made of pieces the preprocessors
# join (tabs, CR LF), and next to other syntax.
TRICKY = [
    "Đoạn *nghiêng* và **đậm**, _gạch_ __dưới__.",
    "Không có gì đặc biệt ở đây cả.",
    "Mã `x = 1` và ``a ` b`` và \\`không mã\\`.",
    "Thoát \\*sao\\* và \\[ngoặc\\] và \\\\.",
    "Chú thích[^1] ở đây.\n\n[^1]: Nội dung *chú thích* với [liên kết](https://a.vn).",
    "[^không phải chú thích] và [liên kết][ref] và [ref].\n\n[ref]: https://b.vn 'Tiêu đề'",
    "Ảnh ![mô tả](https://a.vn/a.png) và ![tham chiếu][img] và ![img].\n\n[img]: /a.png",
    "Tự động <https://a.vn/x> và <thu@a.vn> và <không phải>.",
    "Xuống dòng  \nngay đây, và tab\t\nrồi CR LF  \r\nhết.",
    "Thực thể &amp; &#91; &#x5D; &copy; và & lẻ.",
    "[TOC]\n\n## Một\n\n### Hai\n\n## Ba",
    "\\[TOC\\]\n\n## Một",
    "&#91;TOC&#93;\n\n## Một",
    "Văn bản [TOC] giữa dòng.\n\n## Một",
    "## Tiêu đề {: #rieng .lop }\n\nĐoạn văn.\n{: .ghi-chu }",
    "Không có thuộc tính { chỉ ngoặc } ở đây.",
    '!!! note "Ghi nhớ"\n    Nội dung *ghi nhớ* [x](legal:A).\n\n??? tip\n    Ẩn.',
    '=== "Thẻ một"\n    Một\n\n=== "Thẻ hai"\n    Hai',
    "| A | B |\n| --- | :-: |\n| *x* | `y` |\n| [z](/z) | &amp; |",
    "```python\nx = '*không*' [TOC] {: .a }\n```\n\nSau `mã`.",
    "- mục *một*\n- mục [hai](/h)\n    - con `ba`\n\n1. số\n2. số  \n   tiếp",
    "> Trích *dẫn*\n> [TOC]\n\n## Sau",
    "Dấu ! rồi [ngoặc] rời, ^ và [ rời nhau ^].",
    # Block processors skipped without their marker (and kept with it, continuations too).
    "- mục\n\n    !!! note\n        trong danh sách\n\n    tiếp !!! giữa dòng",
    "Tiêu đề\n===\n\nĐoạn = và == không phải thẻ.",
    '??? note "Mở"\n    nội dung\n\n    tiếp\n\n???+ tip\n    mở sẵn',
    "Cột \\| không bảng\n--- | ---\nmột | hai\n\n| một ô |\n| --- |\n| x |",
    "Văn[^1] bản.\n\n[^1]: chú thích\n\n    đoạn tiếp của chú thích",
    "Không dấu nào: chỉ đoạn văn.\n\n    mã thụt lề | !!! === ??? [^x]",
]


def convert_both(text: str) -> tuple[tuple[str, object], tuple[str, object]]:
    outputs = []
    for enabled in (True, False):
        markdown_skips.ENABLED = enabled
        try:
            renderer = LessonRenderer({"A": "/van-ban/a/"})
            lesson = Lesson("x", Path(), "", "", [], [], [], None, 0, text)  # type: ignore[arg-type]
            body, toc = renderer.body(lesson)
            # `md.toc` (never read by antq) is made only for a text with the marker.
            marked = "[TOC]" in markdown_skips.source_text(renderer.md)
            made = renderer.md.toc if marked else ""
            outputs.append((body, (toc, made, list(renderer.dropped))))
        finally:
            markdown_skips.ENABLED = True
    return outputs[0], outputs[1]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_convert_the_same_with_the_skips(text: str) -> None:
    fast, plain = convert_both(text)
    assert fast == plain


def test_the_table_of_contents_is_made_only_for_its_marker() -> None:
    renderer = LessonRenderer({})
    lesson = Lesson("x", Path(), "", "", [], [], [], None, 0, "## Một\n\n## Hai")  # type: ignore[arg-type]
    assert [name for _, name in renderer.body(lesson)[1]] == ["Một", "Hai"]
    assert renderer.md.toc == "<div></div>"
    lesson.body = "[TOC]\n\n## Một\n\n## Hai"
    body = renderer.body(lesson)[0]
    assert '<a href="#hai">Hai</a>' in body
    assert '<a href="#hai">Hai</a>' in renderer.md.toc


def test_every_lesson_converts_the_same_with_the_skips() -> None:
    paths = sorted((ROOT / "data" / "lessons").glob("*.md"))
    paths += sorted((ROOT / "tests" / "fixtures" / "lessons").glob("*.md"))
    assert len(paths) > 5
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert front_matter(text) is not None
        body = text.split("\n---\n", 1)[1]
        fast, plain = convert_both(body)
        assert fast == plain, path.name


def test_every_inline_pattern_of_the_dialect_is_known() -> None:
    """An upgrade that changes a pattern's expression loses its skip silently: say so."""
    md = LessonRenderer({}).md
    assert {p.pattern for p in md.inlinePatterns} <= set(markdown_skips.INLINE_NEEDS)


def test_the_skips_are_made() -> None:
    """The comparison above is between two different paths: the skipping one tries fewer
    patterns on a text without their characters."""
    md = LessonRenderer({}).md
    md.lines = ["Chỉ *chữ* thôi."]
    kept = [p for p in md.inlinePatterns if markdown_skips.may_match(p, "\n".join(md.lines))]
    assert [p.pattern for p in kept] == [r"\*|_"]


def test_plain_pieces_of_text_are_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-piece skip is made: of a lesson's pieces of text, only those holding a
    string some pattern needs reach Python-Markdown's own inline pass (the comparisons
    above show the bytes are the same)."""
    from markdown.treeprocessors import InlineProcessor

    real = InlineProcessor._InlineProcessor__handleInline  # type: ignore[attr-defined]
    seen: list[str] = []

    def spy(self: InlineProcessor, data: str, index: int = 0) -> str:
        seen.append(data)
        result: str = real(self, data, index)
        return result

    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__handleInline", spy)
    text = "Đoạn có *nhấn mạnh*.\n\n- mục một\n- mục hai\n- mục ba\n\n## Tiêu đề thường"
    handled = {}
    for enabled in (True, False):  # False: the negative control, every piece handled
        seen.clear()
        markdown_skips.ENABLED = enabled
        try:
            LessonRenderer({}).md.convert(text)
        finally:
            markdown_skips.ENABLED = True
        handled[enabled] = list(seen)
    assert handled[True] == ["Đoạn có *nhấn mạnh*."]
    assert len(handled[False]) >= 5 and "mục hai" in handled[False]
    fast, plain = convert_both(text)
    assert fast == plain
