"""A problem found in the data, and the ways we print it (plain lines, GitHub annotations)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from generator.textvi import excel_column, format_number, visible

Level = Literal["error", "warning", "info"]
LEVEL_VI = {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"}


@dataclass(frozen=True)
class Problem:
    """One problem, located as an official sees it in Excel: file, row, column letter."""

    file: str
    code: str
    level: Level
    message: str
    row: int | None = None  # Excel row number: the header is row 1
    column: int | None = None  # 1-based column number in the file
    field: str | None = None
    hint: str | None = None

    def location(self) -> str:
        loc = self.file
        if self.row is not None:
            loc += f":{self.row}"
            if self.column is not None:
                loc += f":{excel_column(self.column)}"
        if self.field:
            loc += f" ({self.field})"
        return loc

    def line(self) -> str:
        """`file:row:column (field): lỗi: message [code] — Cách sửa: hint` on one line."""
        where = self.location()
        text = (
            f"{where + ': ' if where else ''}{LEVEL_VI[self.level]}: {self.message} [{self.code}]"
        )
        if self.hint:
            text += f" — Cách sửa: {self.hint}"
        # One line, whatever the cell held; a hidden character a message quotes is shown as
        # its code point, never printed raw into a terminal, a log or a CI annotation.
        return " ".join(visible(text).split())

    def github(self) -> str:
        """A GitHub Actions workflow command, so the problem shows on the changed line."""
        props = [f"file={_escape_property(self.file)}"]
        if self.row is not None:
            props.append(f"line={self.row}")
        if self.column is not None:
            props.append(f"col={self.column}")
        props.append(f"title={_escape_property('antq ' + self.code)}")
        body = visible(f"{self.message}" + (f" — Cách sửa: {self.hint}" if self.hint else ""))
        if self.field:
            body = f"({self.field}) {body}"
        return f"::{self.level} {','.join(props)}::{_escape_data(body)}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.row or 0, self.column or 0, self.code)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(**data)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary_line(problems: list[Problem], files: int, rows: int) -> str:
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    from generator.data.messages_vi import text  # (the catalogue imports this module)

    counts = {"files": format_number(files), "rows": format_number(rows)}
    if not problems:
        return text("validate-clean", **counts)
    return text(
        "validate-total", errors=format_number(errors), warnings=format_number(warnings), **counts
    )
