"""Vietnamese text helpers: collation, folding, slugs, formats."""

from __future__ import annotations

import unicodedata
from datetime import date

from generator.textvi import excel_column, fold, format_date, format_number, slugify, sort_key


def test_vietnamese_collation_order() -> None:
    expected = [
        "An Giang", "Ăn", "Âu", "Bắc Ninh", "Dũng", "Đà Nẵng", "Đắk Lắk", "Hà Nội",
        "Hoà", "Hỏa", "Hòa Bình", "Ô Môn", "Ơn", "Uông", "Ước", "Yên Bái",
    ]  # fmt: skip
    shuffled = sorted(expected, reverse=True)
    assert sorted(shuffled, key=sort_key) == expected
    # Python's default order is wrong for Vietnamese: the negative control.
    assert sorted(shuffled) != expected


def test_sort_key_ignores_unicode_form() -> None:
    nfd = unicodedata.normalize("NFD", "Đắk Lắk")
    assert sort_key(nfd) == sort_key("Đắk Lắk")


def test_fold_and_slugs() -> None:
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("Lừa đảo") == "lua dao"
    assert slugify("Xã Tân Kỳ") == "xa-tan-ky"
    assert slugify("Tiếng kẻng an ninh") == "tieng-keng-an-ninh"
    assert slugify("124/2021/TT-BCA") == "124-2021-tt-bca"


def test_formats() -> None:
    assert format_number(1234567) == "1.234.567"
    assert format_number(12.5, 1) == "12,5"
    assert format_date(date(2025, 8, 19)) == "19/08/2025"
    assert [excel_column(n) for n in (1, 26, 27, 52)] == ["A", "Z", "AA", "AZ"]


def test_sort_key_is_each_characters_key_in_three_columns() -> None:
    """The key built in C (zip) is the one spelled out per character: letters, tones, case;
    the empty string and a lone combining mark included (the key's fast path, issue 18)."""
    from generator.textvi import _char_key

    texts = ["", "\u0301", "a\u0301", "Đắk Lắk", "Nguyễn Thị Ánh", "Ia H'Drai", "x1 2"]
    for text in texts:
        keys = [_char_key(ch) for ch in unicodedata.normalize("NFC", text)]
        spelled = tuple(tuple(k[i] for k in keys) for i in range(3))
        assert sort_key.__wrapped__(text) == spelled, text
    assert sort_key("") == ((), (), ())
    # Tones rank after letters, case last: the columns must not be swapped.
    assert sort_key("Á")[0] == sort_key("a")[0] and sort_key("Á")[1:] != sort_key("a")[1:]


def test_fold_drops_exactly_the_combining_marks() -> None:
    """fold (marks dropped by str.translate) against the rule spelled out per character."""
    texts = ["", "\u0301", "Đắk Lắk", "Nguyễn Thị Ánh", "ǅ\u0345x", "ﬁ İ", "Ia H'Drai 12"]
    for text in texts:
        nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        spelled = "".join(ch for ch in nfd if not unicodedata.combining(ch)).lower()
        assert fold(text) == spelled, text
    assert fold("Phường Ngọc Hà") == "phuong ngoc ha"
