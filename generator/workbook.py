"""`antq template`: an Excel workbook made from the Table Schemas (issue 17, item 1).

One sheet per table: row 1 holds the Vietnamese titles, row 2 (hidden) the machine names so
the file imports back whatever Excel or LibreOffice does to the titles; data starts at row 3
under a frozen header. Every enum column has a drop-down of its Vietnamese labels, every
column pointing to a unit a drop-down of the province's current units ("11113 — Xã Tân
Kỳ"); `antq import` maps both back to codes. Text columns are formatted as text (codes keep
their leading zeros), date columns hold real dates shown yyyy-mm-dd. A "Hướng dẫn" sheet is
generated from the schemas' descriptions and constraints.

openpyxl writes the file (no hand-written XLSX); its DataValidation drop-downs survive a
LibreOffice round trip.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.data.messages_vi import say, text
from generator.data.schema import TYPE_VI, FieldSpec, PackageSpec, ResourceSpec, load_package
from generator.data.scope import REFERENCE_TABLES, load_tables, province_units, scoped_keys
from generator.errors import AntqError, UsageError

# Rows covered by the drop-downs in a blank template (the formats are the columns' own).
BLANK_ROWS = 500
HEADER_ROWS = 2  # titles, then the hidden machine names
LIST_SEPARATOR = " — "  # "11113 — Xã Tân Kỳ": the code before it is what gets imported
DATE_FORMAT = "yyyy-mm-dd"
GUIDE_WIDTHS = (22, 24, 18, 10, 8, 40, 60)  # columns A–G of the Hướng dẫn sheet


@dataclass
class TemplateReport:
    path: Path
    sheets: int
    rows: int
    seconds: float


def default_tables(package: PackageSpec) -> list[str]:
    """The tables officials fill in: every table but the reference unit tables."""
    return [s.name for s in package.resources if s.name not in REFERENCE_TABLES]


def write_template(
    data_dir: Path,
    out: Path,
    tables: list[str] | None = None,
    *,
    province: str | None = None,
    with_data: bool = False,
) -> TemplateReport:
    from openpyxl import Workbook

    start = time.perf_counter()
    if out.suffix.lower() != ".xlsx":
        raise UsageError(say("template-out-suffix", out=str(out)))
    package, problems = load_package(data_dir)
    if any(p.level == "error" for p in problems):
        raise AntqError([p.line() for p in problems])
    names = tables or default_tables(package)
    known = [s.name for s in package.resources]
    for name in names:
        if name not in known:
            raise UsageError(say("template-unknown-table", resource=name, known=", ".join(known)))
    records = load_tables(package, ["units", *known] if with_data else ["units"])
    units = records.get("units", [])
    if province is not None and not any(
        u["code"] == province and not u.get("parent_code") for u in units
    ):
        raise UsageError(say("template-unknown-province", province=province))
    scopes = scoped_keys(package, records, province) if (with_data and province) else {}

    wb = Workbook()
    guide = wb.active
    guide.title = text("template-guide-sheet")
    lists = wb.create_sheet(text("template-lists-sheet"))
    lists.sheet_state = "hidden"
    pickers = _Lists(lists)
    unit_choices = _unit_choices(units, province)
    total = 0
    specs = [s for s in (package.resource(n) for n in names) if s is not None]
    for spec in specs:
        rows = records.get(spec.name, []) if with_data else []
        scope = scopes.get(spec.name) if scopes else None
        if scope is not None:
            rows = [r for r in rows if tuple(r.get(k, "") for k in spec.primary_key) in scope]
        total += len(rows)
        _table_sheet(wb, spec, rows, pickers, unit_choices)
    _guide_sheet(guide, specs, province)
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(lists.title))
    for ws in wb.worksheets:  # printed landscape, one page wide
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    wb.save(tmp)
    tmp.replace(out)
    return TemplateReport(out, len(specs), total, time.perf_counter() - start)


class _Lists:
    """The hidden sheet holding every drop-down's choices, one column per list."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.columns: dict[tuple[str, ...], str] = {}

    def range_for(self, choices: list[str]) -> str:
        from openpyxl.utils import get_column_letter, quote_sheetname

        key = tuple(choices)
        if key not in self.columns:
            col = len(self.columns) + 1
            for row, value in enumerate(choices, start=1):
                self.sheet.cell(row=row, column=col, value=value)
            letter = get_column_letter(col)
            title = quote_sheetname(self.sheet.title)
            self.columns[key] = f"{title}!${letter}$1:${letter}${max(1, len(choices))}"
        return self.columns[key]


def _unit_choices(units: list[dict[str, str]], province: str | None) -> list[str]:
    """ "CODE — name" of the province and its units (every current unit without one)."""
    keep = province_units(units, province) if province else {u["code"] for u in units}
    return [
        text("template-unit-pick", unit=u["code"], name=u["name"]).replace(" — ", LIST_SEPARATOR)
        for u in units
        if u["code"] in keep
    ]


def _unit_field(spec: ResourceSpec, name: str) -> bool:
    return any(
        fk.fields == (name,) and fk.resource == "units" and fk.ref_fields == ("code",)
        for fk in spec.foreign_keys
    )


def _table_sheet(
    wb: Any,
    spec: ResourceSpec,
    rows: list[dict[str, str]],
    pickers: _Lists,
    unit_choices: list[str],
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(spec.name)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    last = HEADER_ROWS + max(BLANK_ROWS, len(rows) + 100)
    for col, f in enumerate(spec.fields, start=1):
        title = ws.cell(row=1, column=col, value=f.title or f.name)
        title.font, title.fill = bold, fill
        title.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=2, column=col, value=f.name)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = _width(f)
        fmt = _number_format(f)
        for i, row in enumerate(rows, start=HEADER_ROWS + 1):
            cell = ws.cell(row=i, column=col, value=_cell_value(f, row.get(f.name, "")))
            if fmt:
                cell.number_format = fmt
        if fmt:  # the column's own style: what Excel and Calc give a cell typed into it
            ws.column_dimensions[letter].number_format = fmt
        choices: list[str] = []
        if f.enum:
            choices = [f.labels.get(v, v) for v in f.enum]
        elif _unit_field(spec, f.name):
            choices = unit_choices
        if choices:
            dv = DataValidation(
                type="list",
                formula1=pickers.range_for(choices),
                allow_blank=not f.required,
                showErrorMessage=bool(f.enum),  # a unit outside the list is a warning only
                errorStyle="stop" if f.enum else "warning",
            )
            dv.add(f"{letter}{HEADER_ROWS + 1}:{letter}{last}")
            ws.add_data_validation(dv)
    ws.row_dimensions[2].hidden = True
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = ws.cell(row=HEADER_ROWS + 1, column=1)


def _number_format(f: FieldSpec) -> str | None:
    if f.type == "date":
        return DATE_FORMAT
    if f.type == "string":
        return "@"  # text: "02494" stays "02494"
    return None


def _width(f: FieldSpec) -> float:
    if f.type == "date":
        return 12
    if f.type in ("integer", "number", "boolean"):
        return 10
    if f.name.endswith(("id", "name")) or f.name in ("title", "reason", "description"):
        return 30  # ids and names are long: keep them readable
    return min(40, max(14, len(f.title or f.name) + 2))


def _cell_value(f: FieldSpec, raw: str) -> Any:
    """A CSV cell as the typed value the workbook holds (a real date, a number)."""
    if raw == "":
        return None
    try:
        if f.type == "date":
            return date.fromisoformat(raw)
        if f.type == "integer":
            return int(raw)
        if f.type == "number":
            return float(raw)
    except ValueError:
        return raw  # shown as typed; validation names the problem
    if f.enum:
        return f.labels.get(raw, raw)
    return raw


def _constraints_text(spec: ResourceSpec, f: FieldSpec) -> str:
    parts: list[str] = []
    if f.enum:
        parts.append(", ".join(f"{v} = {f.labels.get(v, v)}" for v in f.enum))
    for key in ("pattern", "minimum", "maximum", "maxLength", "minLength"):
        if key in f.constraints:
            parts.append(f"{key} {f.constraints[key]}")
    for fk in spec.foreign_keys:
        if fk.fields == (f.name,):
            parts.append(text("template-ref", resource=fk.resource))
    if f.name in spec.primary_key:
        parts.append(text("template-key"))
    return "; ".join(parts)


def _guide_sheet(ws: Any, specs: list[ResourceSpec], province: str | None) -> None:
    from openpyxl.styles import Alignment, Font

    ws.cell(row=1, column=1, value=text("template-guide-intro")).alignment = Alignment(
        wrap_text=True, vertical="top"
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    ws.row_dimensions[1].height = 15 * (-(-len(text("template-guide-intro")) // 170) + 1)
    if province:  # read back by antq import (the scope of --sync)
        ws.cell(row=2, column=1, value=text("template-province-label"))
        ws.cell(row=2, column=2, value=province).number_format = "@"
    for col, head in enumerate(text("template-guide-head").split("|"), start=1):
        ws.cell(row=3, column=col, value=head).font = Font(bold=True)
    row = 4
    yes = text("template-yes")
    for spec in specs:
        for f in spec.fields:
            values = [
                spec.title or spec.name,
                f.title or f.name,
                f.name,
                TYPE_VI.get(f.type, f.type),
                yes if f.required else "",
                _constraints_text(spec, f),
                f.description,
            ]
            lines = 1
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = max(lines, -(-len(value or "") // int(GUIDE_WIDTHS[col - 1] * 1.1)))
            # Row heights are stored, not computed on opening: give wrapped text its lines.
            ws.row_dimensions[row].height = 15 * lines
            row += 1
    for letter, width in zip("ABCDEFG", GUIDE_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
