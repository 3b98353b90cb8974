"""The guide for officials: editing the CSVs in Excel/LibreOffice, and the common errors."""

from __future__ import annotations

from collections.abc import Iterator

from generator.data.messages_vi import CATALOGUE
from generator.model import SiteModel
from generator.pages import Page, Source

RANK = 70  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page]:
    yield from pages(source.model)


# The error codes officials meet most, in the order the guide explains them.
COMMON = (
    "encoding-cp1258",
    "date-dmy",
    "lost-leading-zero",
    "enum",
    "foreign-key",
    "required",
    "required-enum",
    "duplicate-key",
    "legacy-unit",
    "legacy-unit-split",
    "legacy-font",
    "personal-phone",
    "renamed-label",
    "trailing-empty-columns",
)


def pages(model: SiteModel) -> Iterator[Page]:
    errors = [
        {
            "code": code,
            "level": "lỗi" if CATALOGUE[code].level == "error" else "cảnh báo",
            # "{suggestion}" is filled only when a close id exists (“có phải là …?”).
            "message": CATALOGUE[code].message.replace("{suggestion}", ""),
            "hint": CATALOGUE[code].hint,
        }
        for code in COMMON
    ]
    yield Page(
        url="/huong-dan/",
        templates=["huong-dan.html"],
        context={"errors": errors},
        title="Hướng dẫn cập nhật dữ liệu cho cán bộ",
    )
