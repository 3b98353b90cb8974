"""bench/markdown_engines.py: the comparison behind issue 18's decision not to adopt a compiled
Markdown engine. Its normalisation equates only ways of writing the same HTML, its classes
name the construct that differs, and the texts it converts are the ones the site publishes.
The engines themselves are a bench-only extra (`pip install -e ".[bench]"`), not in the
suite (a test that cannot run must fail, not skip): the bench prints their figures."""

from __future__ import annotations

import pytest

from bench.markdown_engines import (
    bundled_texts,
    differences,
    golden_texts,
    in_subset,
    normalise,
    python_markdown,
    random_texts,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('<p>"q" &amp; &#160;x</p>', "<p>&quot;q&quot; &amp; \u00a0x</p>\n"),
        ('<p>a</p>\n<hr />\n<p id="x" class="y">b</p>', '<p>a</p><hr><p class="y" id="x">b</p>'),
        ('<input checked="checked" type="radio" />', "<input checked type=radio>"),
        ("<ul>\n<li>a</li>\n</ul>", "<ul><li>a</li></ul>\n"),
        ("<p>a\n  b</p>", "<p>a\nb</p>"),
        ("<p>&#8617;</p>", "<p>\u21a9</p>"),
    ],
)
def test_normalise_equates_ways_of_writing_the_same_html(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('<h2 id="dau-hieu">Dấu hiệu</h2>', "<h2>Dấu hiệu</h2>"),  # toc's id
        ('<th scope="col">A</th>', "<th>A</th>"),
        ("<p><em>a</em> <strong>b</strong></p>", "<p><em>a</em><strong>b</strong></p>"),
        ("<pre><code>a  b\n</code></pre>", "<pre><code>a b\n</code></pre>"),
        ("<p>\u2019</p>", "<p>'</p>"),  # a smart quote is another character
        ("<p>a</p><p>b</p>", "<p>a b</p>"),
    ],
)
def test_normalise_keeps_what_a_reader_sees(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)


def test_normalise_splits_top_level_blocks() -> None:
    html = '<h2 id="a">A</h2>\n<div class="x"><p>1</p>\n<p>2</p></div>\n<p>t <em>e</em></p>\n'
    assert normalise(html) == [
        '<h2 id="a">A</h2>',
        '<div class="x"><p>1</p><p>2</p></div>',
        "<p>t <em>e</em></p>",
    ]


def _fixture_html() -> str:
    (mau,) = [t for t in golden_texts() if t.name.endswith("mau.md")]
    return python_markdown()(mau.source)


def test_differences_name_the_construct() -> None:
    """Python-Markdown's own conversion of the golden lesson, changed as a CommonMark engine
    writes it: each change is found in its block, under its class, and nothing else."""
    ours = _fixture_html()
    theirs = ours.replace(' id="dau-hieu"', "").replace(' scope="col"', "")
    theirs = theirs.replace(
        '<div class="admonition warning">\n<p class="admonition-title">Cảnh giác</p>\n'
        "<p>Không chuyển tiền cho người lạ.</p>\n</div>",
        '<p>!!! warning "Cảnh giác"\nKhông chuyển tiền cho người lạ.</p>',
    )
    found = differences(normalise(ours), normalise(theirs))
    kinds = sorted(kind for kind, _, _ in found)
    assert kinds == [
        "admonitions",
        "engine: admonitions, details, tabs (as text)",
        "table cell attributes",
        "toc ids",
    ]
    assert differences(normalise(ours), normalise(ours)) == []


def test_golden_fixtures_are_what_the_golden_pages_show() -> None:
    """The bench times the conversion the site publishes: each fixture's body, as the bench
    converts it, is found whole in its golden page."""
    texts = golden_texts()
    convert = python_markdown()
    assert len(texts) == 2
    for text in texts:
        assert text.golden is not None
        assert convert(text.source) in text.golden, text.name


def test_subset_scan_admits_no_lesson() -> None:
    """The figure behind the decision: a fast path for texts of the engines' subset would
    convert no bundled lesson (each has headings, admonitions or tabs)."""
    lessons = bundled_texts("lessons")
    assert len(lessons) > 5
    assert not [t.name for t in lessons if in_subset(t.source)]
    assert in_subset("Đoạn *nghiêng* và **đậm**.\n\n- một\n- [hai](/h/)\n")
    for refused in ["## Tiêu đề", '!!! note "x"\n    y', "a\n    b", 'a "b"', "x[^1]", "| a |"]:
        assert not in_subset(refused), refused


def test_random_texts_are_reproducible() -> None:
    assert random_texts(20, 7) == random_texts(20, 7)
    assert random_texts(20, 7) != random_texts(20, 8)
