"""Vietnamese text helpers: collation, folding, slugs, formats."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone

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


def test_formats_memoised_give_what_the_plain_formats_give() -> None:
    """Whole numbers and dates are formatted once per process (issue 18 item 7); a value
    equal to a memoised one but of another type or sign shows as itself: -0.0 after 0 and
    0.0, a bool after 1, a datetime after its date (a memo keyed by the value alone, e.g.
    `lru_cache` over `format_number`, gives "0" for -0.0)."""

    def plain(value: float | int, decimals: int = 0) -> str:
        text = f"{value:,.{decimals}f}"
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")

    values: list[float | int] = [0, 0.0, -0.0, 1, True, 1.0, -1234567, 2**60 + 1, 1234.5]
    for _ in range(2):  # the second round from the memos
        for value in values:
            for decimals in (0, 1):
                assert format_number(value, decimals) == plain(value, decimals), value
    assert format_number(-0.0) == "-0" and format_number(0) == "0"
    day = date(2026, 7, 1)
    moment = datetime(2026, 7, 1, 23, 30, tzinfo=timezone(timedelta(hours=7)))
    assert [format_date(day), format_date(moment), format_date(day)] == ["01/07/2026"] * 3
