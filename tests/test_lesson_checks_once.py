"""A lesson's (or article's) body is searched once for text problems, line by line only when
that search finds something: `may_have_text_problems` is true of every text with a line that
`text_checks` finds a problem in."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from generator.data import checks
from generator.data.checks import may_have_text_problems, text_checks

# Pieces of the problems the checks look for (phone and ID numbers, legacy fonts, a "?" in
# a word, NFD), and of what is near them but not one.
PIECES = [
    "0912 345 678",
    "+84912345678",
    "012345678901",
    "123456789",
    "12345678",
    "Céng hoµ",
    "Coäng hoøa",
    "Vi?t",
    "tại sao?",
    "?",
    "Vie\u0302\u0323t",
    "a",
    "ơ",
    "Đ",
    " ",
    ".",
    "-",
    "9",
    "12",
    "e",
    "\u0302",
    "3eae089250975b76",
    "123e4567-e89b-12d3-a456-426614174000",
    "Bảo vệ an ninh Tổ quốc",
]


def _has_line_problem(text: str) -> bool:
    return any(text_checks(line) for line in text.split("\n"))


def test_every_text_with_a_line_problem_is_caught_whole() -> None:
    rng = random.Random(18)
    caught = 0
    for _ in range(3000):
        lines = [
            "".join(rng.choices(PIECES, k=rng.randint(0, 4))) for _ in range(rng.randint(1, 4))
        ]
        text = "\n".join(lines)
        if _has_line_problem(text):
            caught += 1
            assert may_have_text_problems(text), text
    assert caught > 300  # the pieces make problems often enough to test something


def _searched_whole(text: str) -> bool:
    """`may_have_text_problems` as it was: each of text_checks' regular expressions."""
    return bool(
        (not text.isascii() and checks._MOJIBAKE_RE.search(text))
        or not unicodedata.is_normalized("NFC", text)
        or ("?" in text and checks._LOST_RE.search(text))
        or checks._SCAN_RE.search(text)
    )


def test_the_fast_searches_find_what_the_regular_expressions_find() -> None:
    """Its cheaper searches (issue 18) are true of the same texts as the expressions."""
    rng = random.Random(2025)
    near = [
        *PIECES,
        "oâ",
        "Aê",
        "aÂ",
        "eÊ",
        "uâ",
        "â",
        "ê",
        "µ",
        "²",
        "ö",
        "ø",
        "x?y",
        "1?2",
        "+",
        "_?a",
    ]
    found = 0
    for _ in range(4000):
        text = "".join(rng.choices(near, k=rng.randint(0, 6)))
        expected = _searched_whole(text)
        found += expected
        assert may_have_text_problems(text) == expected, text
        if not text.isascii():
            assert checks._has_mojibake(text) == bool(checks._MOJIBAKE_RE.search(text)), text
        assert checks._has_lost(text) == bool(checks._LOST_RE.search(text)), text
    assert 400 < found < 3600  # both answers, often


def test_a_clean_lesson_is_not_searched_line_by_line() -> None:
    text = "## Cách phòng tránh\n\nKhông chuyển tiền cho người lạ.\n\n- Báo Công an xã.\n"
    assert unicodedata.is_normalized("NFC", text)
    assert not may_have_text_problems(text)
    for bad in ("Gọi 0912 345 678.", "Céng hoµ", "Vi?t Nam", "Vie\u0302\u0323t"):
        assert may_have_text_problems(text + bad + "\n")


def test_display_paths_names_files_as_display_path_does(tmp_path, monkeypatch) -> None:
    """Each lesson folder is resolved once for the messages' file names, with the same text."""
    from generator.data.schema import display_path, display_paths

    real = tmp_path / "that"
    real.mkdir()
    (real / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "here" / "sub").mkdir(parents=True)
    (tmp_path / "here" / "sub" / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "here" / "link").symlink_to(real)
    (tmp_path / "here" / "b.md").symlink_to(tmp_path / "here" / "sub" / "a.md")  # named by itself
    monkeypatch.chdir(tmp_path / "here")
    paths = [Path("b.md"), Path("link/a.md"), real / "a.md", Path("/nowhere/c.md")]
    assert display_paths(paths) == [display_path(p) for p in paths]
    assert display_paths(paths)[0] == "b.md"
