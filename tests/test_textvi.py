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
