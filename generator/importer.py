"""`antq import`: rows from an Excel or LibreOffice workbook (or any CSV validation accepts)
merged into the package's tables by primary key (issue 17, items 2 and 3).

Workbooks are read with python-calamine (Rust's calamine: .xlsx, .xlsm, .xls, .ods, fast
and with real date cells); CSV files through the one raw reader (generator.data.rawcsv), so
a CSV is accepted exactly when validation would accept it. Each sheet is matched to a table
by its header (the template's hidden row of machine names, or the Vietnamese titles, or the
machine names typed in row 1). The merged package is written to a staging folder and
validated there with the same checks as `antq validate`; only a clean result is written
into `data/`, one table at a time through a temporary file and an atomic rename. A row
without a key, a key given twice, a column nobody knows: the import refuses and changes
nothing — it never drops a row it did not understand.

`--fix` applies only repairs with one possible answer and lists each: dd/mm/yyyy dates when
every value of the column reads that way and one day is over 12, lost leading zeros of unit
codes found in the unit tables, decimal commas, Excel's blank trailing columns and rows.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from generator.data.grouping import cell_range, group
from generator.data.messages_vi import problem, say, text
from generator.data.problems import Problem
from generator.data.rawcsv import MAX_FILE_MB, open_table
from generator.data.schema import FieldSpec, PackageSpec, ResourceSpec, display_path, load_package
from generator.data.scope import REFERENCE_TABLES, load_tables, scoped_keys
from generator.errors import AntqError, UsageError
from generator.inbox import INBOX, WORKBOOK_SUFFIXES, inbox_files
from generator.textvi import excel_column, fold, format_number, nfc

STAGING = ".antq-import"  # beside the data folder, never inside it
LIST_SEPARATOR = " — "  # the template's "11113 — Xã Tân Kỳ"
_DMY_RE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_COMMA_RE = re.compile(r"^\s*-?\d+,\d+\s*$")


class ImportError_(AntqError):  # noqa: N801  (ImportError is Python's own)
    """The workbook cannot be imported; nothing was written."""


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive


@dataclass
class Mapped:
    """One sheet read as one table: text cells by field, and where each came from."""

    spec: ResourceSpec
    where: str  # "nhap.xlsx[places]" or "places.csv"
    columns: dict[str, int]  # field → 1-based sheet column
    rows: list[tuple[int, dict[str, str]]]  # (sheet row number, {field: text})
    fixes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    lines: list[str]
    problems: list[Problem]
    written: list[Path]
    ok: bool


# -- reading ---------------------------------------------------------------------------------


def read_source(path: Path) -> list[Sheet]:
    if not path.is_file():
        raise UsageError(say("import-missing-file", path=str(path)))
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > MAX_FILE_MB * 1024 * 1024:  # an upload to the inbox is untrusted: bound it
        raise ImportError_(
            problem(
                "file-too-large",
                display_path(path),
                size_mb=f"{size / 1024 / 1024:.0f}",
                limit_mb=f"{MAX_FILE_MB:g}",
            ).line()
        )
    if suffix == ".csv":
        table, found = open_table(path, display_path(path), path.stem)
        if table is None:
            raise ImportError_([p.line() for p in found])
        reader = csv.reader(io.StringIO(table.text), delimiter=table.delimiter)
        return [Sheet(path.stem, [list(r) for r in reader])]
    if suffix not in WORKBOOK_SUFFIXES:
        raise UsageError(say("import-format", path=str(path)))
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in wb.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                continue  # the template's lists; a sheet an official hid
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            sheets.append(Sheet(meta.name, rows, merged))
        wb.close()
    except (CalamineError, OSError, ValueError) as exc:
        detail = type(exc).__name__
        raise ImportError_(say("import-unreadable", path=str(path), detail=detail)) from None
    return sheets


def _label(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _match_header(
    spec: ResourceSpec, labels: list[str], partial: bool = False
) -> dict[int, str] | None:
    """{0-based column: field} when every non-blank label names a field of `spec` (by
    machine name or Vietnamese title, case and tones aside), else None."""
    by_name = {f.name: f.name for f in spec.fields}
    by_title = {fold(f.title).strip(): f.name for f in spec.fields if f.title}
    out: dict[int, str] = {}
    for i, label in enumerate(labels):
        if not label:
            continue
        name = by_name.get(label) or by_title.get(fold(label).strip())
        if partial and name is None:
            continue  # reported by the caller, column by column
        if name is None or name in out.values():
            return None
        out[i] = name
    return out or None


def map_sheet(
    sheet: Sheet, package: PackageSpec, where: str, table: str | None
) -> Mapped | None | list[Problem]:
    """The sheet as one table; None for a sheet that is not a table (the guide, an empty
    sheet); problems when it looks like a table but cannot be read as one.

    Long because it maps header, columns and every row of the sheet in one pass, each step reporting
    its own problems.
    """
    if table:
        candidates = [package.resource(table)]
    else:
        named = package.resource(sheet.name)
        others = [s for s in package.resources if s.name not in REFERENCE_TABLES]
        candidates = [named, *others] if named else list(others)
    specs = [s for s in candidates if s is not None]
    head = [[_label(c) for c in row] for row in sheet.rows[:3]]
    best: tuple[int, ResourceSpec, int, dict[int, str]] | None = None
    for spec in specs:  # the table the sheet is named after first; ties keep the first
        for r, labels in enumerate(head):
            match = _match_header(spec, labels)
            if match and (best is None or len(match) > best[0]):
                best = (len(match), spec, r, match)
    if best is None and table and head:  # the table is named: say which labels are wrong
        match = _match_header(specs[0], head[0], partial=True)
        if match:
            best = (len(match), specs[0], 0, match)
    if best is None:
        if not any(any(_label(c) for c in row) for row in sheet.rows[:3]):
            return None
        if sheet.name == text("template-guide-sheet"):
            return None
        known = ", ".join(s.name for s in specs)
        return [problem("import-no-table", where, row=1, sheet=sheet.name, known=known)]
    _n, spec, header_row, columns = best
    # The template's titles over its machine names: data starts after the lower of the two.
    for r in range(header_row + 1, min(3, len(head))):
        if _match_header(spec, head[r]) == columns:
            header_row = r
    found: list[Problem] = []
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= header_row and (c1 > c0 or r1 > r0):
            span = f"{excel_column(c0 + 1)}{r0 + 1}:{excel_column(c1 + 1)}{r1 + 1}"
            found.append(problem("import-merged-header", where, row=r0 + 1, range=span))
    if found:
        return found
    labels = head[header_row]
    for i, label in enumerate(labels):
        if label and i not in columns:
            found.append(
                problem(
                    "import-header",
                    where,
                    row=header_row + 1,
                    column=i + 1,
                    label=label,
                    resource=spec.name,
                    known=", ".join(spec.field_names),
                )
            )
    for f in spec.fields:
        if f.name not in columns.values():
            found.append(
                problem(
                    "import-missing-column",
                    where,
                    row=header_row + 1,
                    name=f.name,
                    title=f.title,
                    resource=spec.name,
                )
            )
    if found:
        return found
    rows: list[tuple[int, dict[str, str]]] = []
    fields = {f.name: f for f in spec.fields}
    for number, cells in enumerate(sheet.rows[header_row + 1 :], start=header_row + 2):
        values = {
            name: _text(cells[i] if i < len(cells) else None, fields[name])
            for i, name in columns.items()
        }
        rows.append((number, values))
    blank_after = len(rows)
    while blank_after and not any(rows[blank_after - 1][1].values()):
        blank_after -= 1
    mapped = Mapped(spec, where, {name: i + 1 for i, name in columns.items()}, [])
    trailing_rows = len(rows) - blank_after
    mapped.rows = [r for r in rows[:blank_after] if any(r[1].values())]
    width = max((len(r) for r in sheet.rows), default=0)
    trailing_cols = max(0, width - (max(columns) + 1))
    if trailing_cols:
        mapped.fixes.append(text("part-fix-trailing-columns", count=trailing_cols))
    if trailing_rows and sheet.rows and len(sheet.rows) > header_row + 1 + blank_after:
        mapped.fixes.append(text("part-fix-trailing-rows", count=trailing_rows))
    return mapped


def _text(value: Any, f: FieldSpec) -> str:
    """A cell as the CSV text validation reads: real dates as yyyy-mm-dd, whole numbers
    without ".0", labels of a coded field as their code, "CODE — name" as CODE."""
    if value is None or value == "":
        return ""
    if type(value) is str:  # the common case first: 100,000 rows × every column
        return _from_text(value, f)
    if isinstance(value, datetime):
        return value.date().isoformat() if f.type == "date" else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (time, timedelta)):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return _from_text(str(value), f)


def _from_text(value: str, f: FieldSpec) -> str:
    out = value.strip()
    if f.enum and out not in f.enum:
        for code, label in f.labels.items():
            if fold(label) == fold(out):
                return code
    if LIST_SEPARATOR in out:
        head = out.split(LIST_SEPARATOR, 1)[0].strip()
        if head.isdigit():
            return head
    return out


# -- repairs ---------------------------------------------------------------------------------


def fix_rows(mapped: Mapped, unit_codes: set[str], legacy_codes: set[str]) -> list[Problem]:
    """Apply the unambiguous repairs in place; list each in mapped.fixes. Returns the
    problems of a repair that would need a guess (ambiguous dates)."""
    found: list[Problem] = []
    spec = mapped.spec
    for f in spec.fields:
        col = mapped.columns[f.name]
        letter = excel_column(col)
        cells = [(n, row) for n, row in mapped.rows if row.get(f.name)]
        if f.type == "date":
            odd = [(n, row) for n, row in cells if not _iso(row[f.name])]
            parsed = [(n, row, _DMY_RE.match(row[f.name])) for n, row in odd]
            if odd and all(m and _dmy(m) for _n, _r, m in parsed):
                if any(int(m.group(1)) > 12 for _n, _r, m in parsed if m):
                    changed = [(n, row, _dmy(m)) for n, row, m in parsed if m]
                    _record(mapped, "part-fix-date", letter, f.name, changed)
                else:
                    sample = odd[0][1][f.name]
                    found.append(
                        problem(
                            "import-ambiguous-dates",
                            mapped.where,
                            row=odd[0][0],
                            column=col,
                            field=f.name,
                            letter=letter,
                            sample=sample,
                        )
                    )
        elif f.type == "number":
            changed = [
                (n, row, row[f.name].strip().replace(",", "."))
                for n, row in cells
                if _COMMA_RE.match(row[f.name])
            ]
            _record(mapped, "part-fix-decimal", letter, f.name, changed)
        if _points_to(spec, f.name, "units") or _points_to(spec, f.name, "legacy_units"):
            known = unit_codes if _points_to(spec, f.name, "units") else legacy_codes
            changed = []
            for n, row in cells:
                value = row[f.name]
                if value.isdigit() and value not in known:
                    padded = next(
                        (
                            value.zfill(w)
                            for w in (2, 3, 5)
                            if len(value) < w and value.zfill(w) in known
                        ),
                        None,
                    )
                    if padded:
                        changed.append((n, row, padded))
            _record(mapped, "part-fix-zero", letter, f.name, changed)
    return found


def _iso(value: str) -> bool:
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _dmy(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _record(
    mapped: Mapped,
    what: str,
    letter: str,
    name: str,
    changed: list[tuple[int, dict[str, str], str | None]],
) -> None:
    changed = [c for c in changed if c[2] is not None]
    if not changed:
        return
    before = changed[0][1][name]
    for _n, row, after in changed:
        row[name] = after or row[name]
    rows = [n for n, _r, _a in changed]
    mapped.fixes.append(
        text(
            "import-fixed",
            what=text(what),
            count=format_number(len(changed)),
            range=cell_range(mapped.columns[name], rows).replace(
                excel_column(mapped.columns[name]), letter
            ),
            before=before,
            after=changed[0][1][name],
        )
    )


def _points_to(spec: ResourceSpec, name: str, resource: str) -> bool:
    return any(fk.fields == (name,) and fk.resource == resource for fk in spec.foreign_keys)


# -- merging ---------------------------------------------------------------------------------


@dataclass
class Merge:
    spec: ResourceSpec
    header: list[str]
    rows: list[list[str]]  # the table as it will be written, header excluded
    origin: list[tuple[str, int]]  # per written row: ("sheet", row) or ("csv", old row)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.deleted)


def merge(
    mapped: Mapped, existing: tuple[list[str], list[list[str]]] | None, drop: set[tuple[str, ...]]
) -> tuple[Merge | None, list[Problem]]:
    """The mapped rows merged into the existing table by primary key, or None with problems.

    Long because it keeps the existing rows' order and columns while adding, replacing and dropping
    rows by key in one pass.
    """
    spec = mapped.spec
    header, old_rows = existing if existing else (spec.field_names, [])
    index = {name: i for i, name in enumerate(header)}

    def key_of(values: dict[str, str]) -> tuple[str, ...]:
        return tuple(nfc(values.get(k, "").strip()) for k in spec.primary_key)

    found: list[Problem] = []
    incoming: dict[tuple[str, ...], tuple[int, dict[str, str]]] = {}
    for number, values in mapped.rows:
        key = key_of(values)
        # Some keys have parts that may be blank (a target's unit_code or legacy_unit_code):
        # validation checks each part; a row with no part at all cannot be placed.
        if spec.primary_key and not any(key):
            found.append(
                problem("import-no-key", mapped.where, row=number, key=", ".join(spec.primary_key))
            )
            continue
        if key in incoming:
            found.append(
                problem(
                    "import-duplicate-key",
                    mapped.where,
                    row=number,
                    key=_key_text(spec, key),
                    other_row=incoming[key][0],
                )
            )
            continue
        incoming[key] = (number, values)
    if found:
        return None, found
    result = Merge(spec, list(header), [], [])
    seen: set[tuple[str, ...]] = set()
    for old_number, cells in enumerate(old_rows, start=2):
        cells = cells + [""] * (len(header) - len(cells))
        key = key_of({name: cells[i] for name, i in index.items()})
        if key in incoming and key not in seen:
            seen.add(key)
            number, values = incoming[key]
            new = list(cells)
            diffs = []
            for name, value in values.items():
                i = index[name]
                if not _same(spec.field(name), cells[i], value):
                    diffs.append(
                        text(
                            "import-diff-changed",
                            resource=spec.name,
                            key=_key_text(spec, key),
                            field=name,
                            old=cells[i],
                            new=value,
                        )
                    )
                    new[i] = value
            if diffs:
                result.changed += diffs
            else:
                result.unchanged += 1
            result.rows.append(new)
            result.origin.append(("sheet", number))
        elif key in drop and key not in incoming:
            result.deleted.append(
                text("import-diff-deleted", resource=spec.name, key=_key_text(spec, key))
            )
        else:
            result.rows.append(cells)
            result.origin.append(("csv", old_number))
    for key, (number, values) in incoming.items():
        if key in seen:
            continue
        result.rows.append([values.get(name, "") for name in header])
        result.origin.append(("sheet", number))
        result.added.append(text("import-diff-added", resource=spec.name, key=_key_text(spec, key)))
    return result, []


def _same(f: FieldSpec | None, old: str, new: str) -> bool:
    """Equal as the site reads them: 95 and 95.0 are one number."""
    if nfc(old.strip()) == nfc(new):
        return True
    if f is not None and f.type in ("number", "integer"):
        try:
            return float(old) == float(new)
        except ValueError:
            return False
    return False


def _key_text(spec: ResourceSpec, key: tuple[str, ...]) -> str:
    return ", ".join(f"{k}={v}" for k, v in zip(spec.primary_key, key, strict=True))


def _csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# -- the command -----------------------------------------------------------------------------


def run_import(
    source: Path,
    data_dir: Path,
    *,
    table: str | None = None,
    fix: bool = False,
    sync: bool = False,
    dry_run: bool = False,
    province: str | None = None,
) -> ImportReport:
    """Import a workbook or CSV into the data directory: map, merge, validate, write. Each step
    can stop the import, and nothing is written unless the package as it would be is valid."""
    package, descriptor_problems = load_package(data_dir)
    if any(p.level == "error" for p in descriptor_problems):
        raise AntqError([p.line() for p in descriptor_problems])
    if table is not None and package.resource(table) is None:
        known = ", ".join(s.name for s in package.resources)
        raise UsageError(say("import-unknown-table", resource=table, known=known))
    sheets = read_source(source)
    multi = source.suffix.lower() != ".csv"
    province, unit_codes, legacy_codes = _import_scope(package, sheets, multi, province, sync)

    lines: list[str] = []
    mapped_all, problems = _map_sheets(
        sheets, package, display_path(source), multi, table, fix, unit_codes, legacy_codes
    )
    if problems:
        return _refused(problems, lines)
    for m in mapped_all:
        lines += [f"{m.where}: {line}" for line in m.fixes]

    merges, problems = _merge_all(package, mapped_all, sync, province)
    if problems:
        return _refused(problems, lines)
    lines += _plan_lines(merges, province, dry_run)
    touched = [r for r in merges if r.touched]
    if not touched:
        lines.append(text("import-nothing"))
        return ImportReport(lines, [], [], True)

    remapped = _validate_staged(data_dir, mapped_all, touched)
    errors = [p for p in remapped if p.level == "error"]
    if errors:
        return _refused(remapped, lines)
    if dry_run:
        lines.append(text("import-dry-run"))
        return ImportReport(lines, group(remapped), [], True)
    written = _write_touched(data_dir, touched)
    lines.append(text("import-written", written=", ".join(display_path(p) for p in written)))
    return ImportReport(lines, group(remapped), written, True)


def _import_scope(
    package: PackageSpec, sheets: list[Sheet], multi: bool, province: str | None, sync: bool
) -> tuple[str | None, set[str], set[str]]:
    """The province the import is scoped to (given, or read from the workbook), checked, with
    the current and legacy unit codes."""
    refs = load_tables(package, ["units", "legacy_units"])
    unit_codes = {u["code"] for u in refs.get("units", [])}
    legacy_codes = {u["code"] for u in refs.get("legacy_units", [])}
    if province is None and multi:
        province = _workbook_province(sheets)
    if province is not None and not any(
        u["code"] == province and not u.get("parent_code") for u in refs.get("units", [])
    ):
        raise UsageError(say("import-province-unknown", province=province))
    if sync and province is None:
        raise UsageError(say("import-sync-no-scope"))
    return province, unit_codes, legacy_codes


def _map_sheets(
    sheets: list[Sheet],
    package: PackageSpec,
    where_file: str,
    multi: bool,
    table: str | None,
    fix: bool,
    unit_codes: set[str],
    legacy_codes: set[str],
) -> tuple[list[Mapped], list[Problem]]:
    """Every sheet that is a table, mapped (and with `fix`, its rows fixed); the problems of
    those that cannot be read."""
    problems: list[Problem] = []
    mapped_all: list[Mapped] = []
    for sheet in sheets:
        where = f"{where_file}[{sheet.name}]" if multi else where_file
        got = map_sheet(sheet, package, where, table)
        if got is None:
            continue
        if isinstance(got, list):
            problems += got
            continue
        if fix:
            problems += fix_rows(got, unit_codes, legacy_codes)
        else:
            got.fixes = []
        mapped_all.append(got)
    return mapped_all, problems


def _merge_all(
    package: PackageSpec, mapped_all: list[Mapped], sync: bool, province: str | None
) -> tuple[list[Merge], list[Problem]]:
    """Each mapped table merged into its current CSV (with `sync`, dropping the province's rows
    the workbook no longer has); the problems of those that cannot be."""
    current = load_tables(package, [s.name for s in package.resources])
    scopes = scoped_keys(package, current, province) if (sync and province) else {}
    problems: list[Problem] = []
    merges: list[Merge] = []
    for m in mapped_all:
        existing = _existing(m.spec)
        scope = scopes.get(m.spec.name) if sync else None
        result, found = merge(m, existing, scope or set())
        if result is None:
            problems += found
            continue
        merges.append(result)
    return merges, problems


def _plan_lines(merges: list[Merge], province: str | None, dry_run: bool) -> list[str]:
    """What the import will do to each table (with `dry_run`, each added and changed row)."""
    lines: list[str] = []
    for result in merges:
        if result.deleted:
            lines.append(text("import-sync-first", count=len(result.deleted), scope=province or ""))
            lines += result.deleted
        lines.append(
            text(
                "import-plan",
                resource=result.spec.name,
                added=format_number(len(result.added)),
                changed=format_number(len(result.changed)),
                unchanged=format_number(result.unchanged),
                deleted=format_number(len(result.deleted)),
            )
        )
        if dry_run:
            lines += result.added + result.changed
    return lines


def _validate_staged(
    data_dir: Path, mapped_all: list[Mapped], touched: list[Merge]
) -> list[Problem]:
    """Validate the package as it would be, in a staging copy beside the data folder; its
    problems placed where the official sees them."""
    from generator.data.cache import default_cache_dir
    from generator.data.validate import validate_package

    staging = data_dir.resolve().parent / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(
        data_dir, staging, symlinks=True, ignore=shutil.ignore_patterns(INBOX, ".antq-cache")
    )
    try:
        for result in touched:
            target = staging / result.spec.rel_path
            target.write_bytes(_csv_bytes(result.header, result.rows))
        checked = validate_package(
            staging, cache_dir=default_cache_dir(data_dir) / "import", grouped=False
        )
        return _remap(checked.problems, staging, data_dir, mapped_all, touched)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_touched(data_dir: Path, touched: list[Merge]) -> list[Path]:
    """Write each changed table: all to temporary files first, then each moved into place."""
    written: list[Path] = []
    temps: list[tuple[Path, Path]] = []
    for result in touched:
        target = data_dir / result.spec.rel_path
        tmp = target.with_name(f".{target.name}.import-tmp")
        tmp.write_bytes(_csv_bytes(result.header, result.rows))
        temps.append((tmp, target))
    for tmp, target in temps:
        os.replace(tmp, target)
        written.append(target)
    return written


def _refused(problems: list[Problem], lines: list[str]) -> ImportReport:
    return ImportReport([*lines], group(problems) + [_refused_line()], [], False)


def _refused_line() -> Problem:
    return problem("import-refused", "")


def _existing(spec: ResourceSpec) -> tuple[list[str], list[list[str]]] | None:
    if not Path(spec.path).is_file():
        return None
    table, found = open_table(spec.path, display_path(spec.path), spec.name)
    if table is None:
        raise ImportError_([p.line() for p in found])
    return table.header, [cells for _, cells in table.rows()]


def _remap(
    found: list[Problem],
    staging: Path,
    data_dir: Path,
    mapped_all: list[Mapped],
    touched: list[Merge],
) -> list[Problem]:
    """Problems of the staging copy as the official sees them: a row that came from the
    workbook at its sheet cell, any other at its place in data/."""
    prefix = display_path(staging)
    by_file = {display_path(staging / r.spec.rel_path): r for r in touched}
    sheets = {m.spec.name: m for m in mapped_all}
    out: list[Problem] = []
    shown = display_path(data_dir)
    for p in found:
        d = p.to_dict()
        for key in ("message", "hint"):  # "… có trong tệp <staging>/units.csv": name data/
            if d.get(key) and prefix in d[key]:
                d[key] = d[key].replace(prefix, shown)
        result = by_file.get(p.file)
        if result is not None and p.row is not None and p.row >= 2:
            kind, number = result.origin[p.row - 2] if p.row - 2 < len(result.origin) else ("", 0)
            mapped = sheets.get(result.spec.name)
            if kind == "sheet" and mapped is not None:
                d["file"] = mapped.where
                d["row"] = number
                d["column"] = mapped.columns.get(p.field) if p.field else None
                out.append(Problem(**d))
                continue
            if kind == "csv":
                d["row"] = number
        if d["file"].startswith(prefix):
            d["file"] = shown + d["file"][len(prefix) :]
        out.append(Problem(**d))
    return out


def _workbook_province(sheets: list[Sheet]) -> str | None:
    """The province a template was made for (the guide sheet's second row)."""
    label = text("template-province-label")
    for sheet in sheets:
        if sheet.name != text("template-guide-sheet") or len(sheet.rows) < 2:
            continue
        row = sheet.rows[1]
        if row and _label(row[0]) == label and len(row) > 1:
            value = _label(row[1])
            if isinstance(row[1], float) and row[1].is_integer():
                value = f"{int(row[1]):02d}"
            return value or None
    return None


# -- the inbox -------------------------------------------------------------------------------


def import_inbox(data_dir: Path, *, dry_run: bool = False) -> ImportReport:
    """Import every workbook of data/nhap/ with --fix; a file imported cleanly is removed
    from the inbox (its rows now live in the tables). Stops at the first that fails."""
    lines: list[str] = []
    problems: list[Problem] = []
    written: list[Path] = []
    for path in inbox_files(data_dir):
        report = run_import(path, data_dir, fix=True, dry_run=dry_run)
        lines += report.lines
        problems += report.problems
        if not report.ok:
            problems.append(problem("inbox-failed", display_path(path), name=path.name))
            return ImportReport(lines, problems, written, False)
        written += report.written
        if not dry_run:
            path.unlink()
        lines.append(text("inbox-imported", name=path.name))
    return ImportReport(lines, problems, written, True)
