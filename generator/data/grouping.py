"""Problems an official fixes once for a whole column, reported once (issue 17).

An Excel round trip turns every date of a column into dd/mm/yyyy: 360 lines saying the same
thing hide the one line that differs. Like Pelican's grouped warnings, identical problems
(same file, column, code and level) become one line with the count, the rows and the cell
range ("E2:E361"), the first occurrence as an example, and the fix. Only codes whose fix is
the same for every cell are grouped: personal data is never grouped (each item is deleted by
hand), nor are duplicate keys or unknown ids (each names a different record).

This is part of the one error layer: `antq validate`, `antq build` and `antq import` all
print what `group` returns, and `--format github` writes one annotation per group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from generator.data.problems import Problem
from generator.textvi import excel_column, format_number

# Codes grouped when a column has at least GROUP_MIN of them.
GROUPABLE = frozenset(
    {
        "date-dmy",
        "decimal-comma",
        "lost-leading-zero",
        "legacy-unit",
        "required",
        "required-enum",
        "type-error",
        "nfd-text",
        "missing-cell",
        "blank-row",
    }
)
GROUP_MIN = 3
# How many separate row runs a group line spells out before "…".
MAX_RUNS = 6


def group(problems: Iterable[Problem]) -> list[Problem]:
    """The problems with each run of identical groupable ones replaced by one line, in the
    position of its first member."""
    items = list(problems)
    buckets: dict[tuple[str, str, int | None, str | None, str], list[int]] = defaultdict(list)
    for i, p in enumerate(items):
        if p.code in GROUPABLE and p.row is not None:
            buckets[(p.file, p.code, p.column, p.field, p.level)].append(i)
    replace: dict[int, Problem] = {}
    drop: set[int] = set()
    for members in buckets.values():
        if len(members) < GROUP_MIN:
            continue
        replace[members[0]] = _group_line([items[i] for i in members])
        drop.update(members[1:])
    return [replace.get(i, p) for i, p in enumerate(items) if i not in drop]


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """[2, 3, 4, 9] → [(2, 4), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def rows_text(rows: list[int]) -> str:
    runs = row_runs(rows)
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:MAX_RUNS]]
    if len(runs) > MAX_RUNS:
        parts.append("…")
    return ", ".join(parts)


def cell_range(column: int | None, rows: list[int]) -> str:
    if column is None:
        return f"{min(rows)}:{max(rows)}"
    letter = excel_column(column)
    return f"{letter}{min(rows)}:{letter}{max(rows)}"


def _group_line(members: list[Problem]) -> Problem:
    from generator.data.messages_vi import problem  # (the catalogue imports problems.py)

    first = members[0]
    rows = [p.row for p in members if p.row is not None]
    column = excel_column(first.column) if first.column else "?"
    params = {
        "count": format_number(len(members)),
        "letter": column,
        "rows": rows_text(rows),
        "range": cell_range(first.column, rows),
        "example": first.message,
        "example_hint": first.hint or "",
    }
    # The entry is "group.<code>" when the code has its own wording, else "group.other";
    # either way the line keeps the members' code (below).
    grouped = problem(
        f"group.{first.code if _has_own_line(first.code) else 'other'}",
        first.file,
        row=first.row,
        column=first.column,
        field=first.field,
        level=first.level,
        code_name=first.code,
        **params,
    )
    # The group keeps the members' code, so filters, tests and CI titles see what it is.
    return Problem(**{**grouped.to_dict(), "code": first.code})


def _has_own_line(code: str) -> bool:
    from generator.data.messages_vi import CATALOGUE

    return f"group.{code}" in CATALOGUE
