"""Running the Frictionless validator on one resource and translating what it says.

Frictionless is the contract: types, required values, enums, patterns, ranges, primary keys.
Its messages are English only and cannot be localised (frictionless-py#544), so we translate
by error type and, for constraint errors, by the constraint named in the note. The note
wording is pinned with the library version (see pyproject.toml); each error type has a fixture.

Foreign keys are checked by our own pass (validate.py): Frictionless re-reads each referenced
table in full for every resource that points to it and ignores `parallel` as soon as a
foreign key exists, and our pass also has to recognise legacy unit codes and lost zeros.

This module runs in worker processes: it takes and returns plain data only.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator.data import messages_vi
from generator.data.messages_vi import problem
from generator.data.problems import Problem
from generator.data.schema import TYPE_VI
from generator.textvi import fold

ERROR_LIMIT = 1000
# Field types whose typed values are immutable (str, int, Decimal, bool, date): their cell
# readers may be memoised. Distinct values kept per field and row stream: a key column's
# values never repeat, and past this many the memo only costs a lookup a cell.
MEMO_TYPES = frozenset({"string", "integer", "number", "boolean", "date", "year"})
MEMO_MAX = 20_000

_CONSTRAINT_RE = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)
_POSITION_RE = re.compile(r'position "?(\d+)"?')
_DMY_RE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_DECIMAL_COMMA_RE = re.compile(r"^\s*-?\d+,\d+\s*$")

TYPE_HINTS = {
    t: messages_vi.text(f"part-hint-{t}") for t in ("date", "integer", "number", "boolean")
}
COORDINATE_FIELDS = {axis: messages_vi.text(f"part-axis-{axis}") for axis in ("lat", "lon")}


def run(task: dict[str, Any]) -> list[dict[str, Any]]:
    """Validate one resource; `task` holds the descriptor, paths, dialect and field info."""
    from frictionless import Resource

    descriptor = copy.deepcopy(task["descriptor"])
    descriptor["schema"].pop("foreignKeys", None)
    descriptor["encoding"] = "utf-8-sig"  # we already refused anything that is not UTF-8
    descriptor["dialect"] = {"delimiter": task["delimiter"]}
    with memoised_cell_readers(), rows_read_whole(descriptor["schema"].get("primaryKey")):
        if task.get("text") is None:
            resource = Resource(descriptor, basepath=task["root"])
            report = resource.validate(limit_errors=ERROR_LIMIT)
        else:  # the table as the raw reader cleaned it, in a private folder of its own
            with tempfile.TemporaryDirectory(prefix="antq-") as tmp:
                copy_path = Path(tmp, descriptor["path"])
                copy_path.parent.mkdir(parents=True, exist_ok=True)
                copy_path.write_text(task["text"], encoding="utf-8")
                resource = Resource(descriptor, basepath=tmp)
                report = resource.validate(limit_errors=ERROR_LIMIT)
    ctx = _Context(task)
    out: list[Problem] = []
    found = [error.to_descriptor() for reported in report.tasks for error in reported.errors]
    # Frictionless also reports a blank row's empty key as a duplicate of the next blank row
    # (or of nothing, "mã ? trùng với dòng ?"): the blank row is the one problem to fix.
    blank = {e.get("rowNumber") for e in found if e.get("type") == "blank-row"}
    for described in found:
        duplicate = described.get("type") in ("primary-key", "unique-error")
        if not (duplicate and described.get("rowNumber") in blank):
            out.append(ctx.translate(described))
    for error in report.errors:
        out.append(problem("other", ctx.file, detail=error.message))
    if len(out) >= ERROR_LIMIT:
        out.append(problem("too-many-errors", ctx.file, limit=ERROR_LIMIT))
    return [p.to_dict() for p in out]


def _memo_reader(reader: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`reader` (a Frictionless field's cell reader: a pure function of the cell's text)
    answering a text it has read before from memory. The notes (type and constraint
    errors) are copied for each cell: Frictionless' row pops the type note out of them."""
    memo: dict[Any, tuple[Any, dict[str, str] | None]] = {}

    def read(cell: Any) -> tuple[Any, dict[str, str] | None]:
        try:
            found = memo.get(cell)
        except TypeError:  # not hashable: not a CSV cell, read it as the library does
            return reader(cell)
        if found is None:
            found = reader(cell)
            if len(memo) < MEMO_MAX:
                memo[cell] = found
        value, notes = found
        return value, (dict(notes) if notes else notes)

    # (`_quick_pass` reads the memo itself, and the library's reader once it is full)
    read.memo = memo  # type: ignore[attr-defined]
    read.raw = reader  # type: ignore[attr-defined]
    return read


@contextlib.contextmanager
def memoised_cell_readers() -> Iterator[None]:
    """Frictionless validates every cell of a table by its field's cell reader (type, then
    constraints). Most columns repeat a few values (years, dates, codes, results): 400,000
    assessments hold ~400 distinct dates, each parsed by `strptime` about 1,000 times. While
    this is active, each table's row stream reads a text once per column and answers the
    same text again from memory, with the same value and notes: the same errors, found by
    Frictionless' own readers. (The library has no option for it; its row stream builds
    the readers in `create_cell_handlers`, replaced here by one that wraps them.)"""
    from frictionless.resources import table as table_module

    original = table_module.create_cell_handlers

    def handlers(fields: list[Any]) -> dict[str, Any]:
        made = original(fields)
        return {
            name: h._replace(reader=_memo_reader(h.reader)) if h.field.type in MEMO_TYPES else h
            for name, h in made.items()
        }

    table_module.create_cell_handlers = handlers
    try:
        yield
    finally:
        table_module.create_cell_handlers = original


def _primary_key(declared: Any) -> list[str]:
    """A descriptor's `primaryKey` (a field name, or a list of them) as a list."""
    if not declared:
        return []
    return [declared] if isinstance(declared, str) else list(declared)


def reads_in_order(handlers: dict[str, Any], primary_key: list[str]) -> bool:
    """Whether a row of these handlers (a stream's fields, in the file's order) has its
    cells read in field order anyway: no field is `unique` (the library reads those first)
    and the primary key's fields, in the key's order, are the first fields."""
    if any(h.field.constraints.get("unique") for h in handlers.values()):
        return False
    return list(handlers)[: len(primary_key)] == primary_key


@functools.cache
def _whole_row() -> type:
    """Frictionless' `Row` reading all its cells at once. The library's row stream reads
    each row's primary-key cells one by one (`Row.__missing__` → a partial `__process` per
    field, ~3 passes a row), then all the others when the row's errors are asked for, and
    each `cached_property` takes a lock: about a quarter of a table's validation. This row
    reads every cell on the first one asked for, and gives its errors and its number
    without the lock.
    The errors are the same, from the same readers, and in the same order when the cells
    would be read in field order anyway (`reads_in_order`: `rows_read_whole` uses it only
    then). (The library has no option for it; its row stream creates `Row` by name.)"""
    from frictionless.table import Row

    process = Row._Row__process  # type: ignore[attr-defined]

    class WholeRow(Row):
        def _Row__process(self, key: str | None = None) -> Any:
            return _quick_pass(self, process, key)

        def __missing__(self, key: str) -> Any:
            if key not in self:  # not a field: the library's own KeyError
                return super().__missing__(key)
            self._Row__process()
            return dict.__getitem__(self, key)

        @property
        def errors(self) -> list[Any]:
            if not self._Row__processed:  # type: ignore[attr-defined]
                self._Row__process()
            return self._Row__errors  # type: ignore[attr-defined]

        @property
        def row_number(self) -> int:
            # (the library's is a `cached_property`, whose lock the row stream took for
            # each row's primary key: ~0.8 CPU s of the national package's validation)
            number: int = self._Row__row_number  # type: ignore[attr-defined]
            return number

    return WholeRow


def _whole_row_for(handlers: dict[str, Any]) -> type:
    """`_whole_row` for one row stream's handlers (shared by all its rows): each field's
    name, reader, memo and the library's reader (`_memo_reader`) looked up once, for
    `_quick_pass`."""
    plan = tuple(
        (
            h.field.name,
            h.reader,
            getattr(h.reader, "memo", None),
            getattr(h.reader, "raw", h.reader),
        )
        for h in handlers.values()
    )
    return type("WholeRow", (_whole_row(),), {"_plan": plan})


def _quick_pass(row: Any, process: Callable[[Any, str | None], Any], key: str | None) -> Any:
    """`WholeRow`'s pass over its cells: the library's (`Row.__process`, `process`), but
    for the common row it leaves without an error: as many cells as fields, each read
    without a note (no type or constraint error), not every one blank. Such a row gets the
    same values and blank cells here, each text's typed value taken from its field's memo
    (`_memo_reader`) without a call (once the memo is full, a text not in it by the
    library's reader, as the memo's reader does then); any other row (or a cell with a
    note) is the library's pass from the start: the same errors, in the same order.
    (`row`'s state is the library's, by its mangled names.)"""
    if row._Row__processed:
        return None
    plan = row._plan
    cells = row._Row__cells
    if key is not None or dict.__len__(row) or len(cells) != len(plan):
        return process(row, key)
    values = []
    blank = {}
    for (name, reader, memo, raw), source in zip(plan, cells):  # noqa: B905 (same length)
        if memo is None:
            target, notes = reader(source)
        else:
            found = memo.get(source) if type(source) is str else None
            if found is None:
                found = raw(source) if len(memo) >= MEMO_MAX else reader(source)
            target, notes = found
        if notes:
            return process(row, key)
        if target is None:
            blank[name] = source
        values.append((name, target))
    if len(blank) == len(plan):  # a blank row: the library says so
        return process(row, key)
    dict.update(row, values)
    row._Row__blank_cells.update(blank)
    row._Row__processed = True
    return None


# The rows a stream of this thread makes (`rows_read_whole`): (primary key, the row class
# chosen for each stream's handlers), or None for the library's `Row`.
_ROWS = threading.local()
_LIBRARY_ROW: list[Any] = []  # frictionless.table.Row, once `_install_row_maker` ran


@contextlib.contextmanager
def rows_read_whole(primary_key: Any) -> Iterator[None]:
    """While active in this thread, the row streams of a resource with this `primaryKey`
    make their rows with `_whole_row` when their fields are read in order
    (`reads_in_order`), else with the library's `Row`. The library's `Row` is replaced
    once, for good, by `_make_row`, which makes the library's rows outside this context:
    nested or concurrent validations each see their own key."""
    _install_row_maker()
    previous = getattr(_ROWS, "current", None)
    _ROWS.current = (_primary_key(primary_key), {})
    try:
        yield
    finally:
        _ROWS.current = previous


@functools.cache
def _install_row_maker() -> None:
    from frictionless.resources import table as table_module

    _LIBRARY_ROW.append(table_module.Row)
    table_module.Row = _make_row  # type: ignore[misc,assignment]


def _make_row(cells: list[Any], *, handlers: dict[str, Any], row_number: int) -> Any:
    """A row of a Frictionless row stream (see `rows_read_whole`)."""
    row_class: Any = _LIBRARY_ROW[0]
    current = getattr(_ROWS, "current", None)
    if current is not None:
        key, chosen = current
        found = chosen.get(id(handlers))
        if found is None:  # (the handlers are kept: their id stays theirs)
            whole = reads_in_order(handlers, key)
            found = (handlers, _whole_row_for(handlers) if whole else row_class)
            chosen[id(handlers)] = found
        row_class = found[1]
    return row_class(cells, handlers=handlers, row_number=row_number)


class _Context:
    def __init__(self, task: dict[str, Any]) -> None:
        self.file: str = task["file"]
        self.columns: dict[str, int] = task["columns"]  # field name → 1-based file column
        self.fields: dict[str, dict[str, Any]] = task["fields"]  # name → type, labels, …

    def translate(self, err: dict[str, Any]) -> Problem:
        kind = err.get("type", "")
        row = err.get("rowNumber")
        name = err.get("fieldName")
        column = self.columns.get(name) if name else None
        cell = str(err.get("cell", ""))
        where: dict[str, Any] = {"row": row, "column": column, "field": name}
        info = self.fields.get(name or "", {})
        if kind == "type-error":
            return self._type_error(cell, info, where)
        if kind == "constraint-error":
            return self._constraint_error(err, cell, info, where)
        if kind in ("primary-key", "unique-error"):
            return self._duplicate(err, where)
        if kind in ("blank-row", "extra-cell", "missing-cell"):
            return problem(kind, self.file, cell=cell, **where)
        return problem("other", self.file, detail=err.get("message", kind), **where)

    def _type_error(self, cell: str, info: dict[str, Any], where: dict[str, Any]) -> Problem:
        ftype = info.get("type", "")
        dmy = _DMY_RE.match(cell)
        if ftype == "date" and dmy:
            day, month, year = (int(g) for g in dmy.groups())
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            return problem("date-dmy", self.file, cell=cell, iso=iso, **where)
        if ftype in ("number", "integer") and _DECIMAL_COMMA_RE.match(cell):
            fixed = cell.strip().replace(",", ".")
            return problem("decimal-comma", self.file, cell=cell, fixed=fixed, **where)
        return problem(
            "type-error",
            self.file,
            cell=cell,
            type_vi=TYPE_VI.get(ftype, ftype),
            type_hint=TYPE_HINTS.get(ftype) or messages_vi.text("part-hint-type"),
            **where,
        )

    def _constraint_error(
        self, err: dict[str, Any], cell: str, info: dict[str, Any], where: dict[str, Any]
    ) -> Problem:
        found = _CONSTRAINT_RE.search(err.get("note", ""))
        constraint, limit = found.groups() if found else ("", "")
        file = self.file
        if constraint == "required":
            if info.get("enum"):  # a blank coded field: say which codes it takes
                return problem("required-enum", file, allowed=_allowed(info), **where)
            return problem("required", file, **where)
        if constraint == "enum":
            return problem(
                "enum",
                file,
                cell=cell,
                allowed=_allowed(info),
                enum_hint=_enum_hint(cell, info),
                **where,
            )
        if constraint == "pattern":
            return problem("pattern", file, cell=cell, pattern_hint=_pattern_hint(info), **where)
        if constraint == "maxLength":
            return problem("too-long", file, length=len(cell), limit=limit, **where)
        if constraint == "minLength":
            return problem("too-short", file, limit=limit, **where)
        if constraint in ("minimum", "maximum") and where["field"] in COORDINATE_FIELDS:
            bounds = info.get("bounds", ("", ""))
            return problem(
                "coordinates-outside-vietnam",
                file,
                cell=cell,
                axis=COORDINATE_FIELDS[where["field"]],
                low=bounds[0],
                high=bounds[1],
                **where,
            )
        if constraint in ("minimum", "exclusiveMinimum"):
            return problem("below-minimum", file, cell=cell, limit=limit, **where)
        if constraint in ("maximum", "exclusiveMaximum"):
            return problem("above-maximum", file, cell=cell, limit=limit, **where)
        if constraint == "unique":
            return self._duplicate(err, where)
        return problem("other", file, detail=err.get("message", ""), **where)

    def _duplicate(self, err: dict[str, Any], where: dict[str, Any]) -> Problem:
        positions = _POSITION_RE.findall(err.get("note", ""))
        other = positions[-1] if positions else "?"
        cells = err.get("cells") or []
        key = self._key_text(cells, where.get("field"))
        return problem(
            "duplicate-key",
            self.file,
            key=key,
            other_row=other,
            nfc_note="",
            row=where["row"],
        )

    def _key_text(self, cells: list[Any], field: str | None) -> str:
        # The primary key fields and their positions travel with the task.
        names = [field] if field else list(self.fields_pk)
        parts = []
        for name in names:
            col = self.columns.get(name)
            if col is not None and col - 1 < len(cells):
                parts.append(f"{name}={cells[col - 1]}")
        return ", ".join(parts) or "?"

    @property
    def fields_pk(self) -> list[str]:
        return [n for n, info in self.fields.items() if info.get("pk")]


def _allowed(info: dict[str, Any]) -> str:
    labels: dict[str, str] = info.get("labels", {})
    return ", ".join(f"{v} ({labels.get(v, v)})" for v in info.get("enum", []))


def _enum_hint(cell: str, info: dict[str, Any]) -> str:
    """Officials often type the label ("Đạt") instead of the code ("dat"), or mistype the
    code ("chua-dat"): suggest the closest."""
    from generator.data.suggest import Suggester

    labels: dict[str, str] = info.get("labels", {})
    folded = fold(cell).strip().replace(" ", "_")
    for value, label in labels.items():
        if folded in (fold(value), fold(label).replace(" ", "_")):
            return messages_vi.text("part-hint-enum-label", value=value, label=label)
    close = Suggester({v: labels.get(v, "") for v in info.get("enum", [])})(folded)
    if close:
        value = close[0]
        return messages_vi.text("part-hint-enum-label", value=value, label=labels.get(value, value))
    return messages_vi.text("part-hint-enum")


def _pattern_hint(info: dict[str, Any]) -> str:
    description = info.get("description") or ""
    return description or messages_vi.text("part-hint-pattern")


def field_info(spec_fields: list[Any], primary_key: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The per-field facts the translation needs, as plain data for a worker process."""
    out: dict[str, dict[str, Any]] = {}
    for f in spec_fields:
        constraints = f.constraints
        low, high = constraints.get("minimum", ""), constraints.get("maximum", "")
        out[f.name] = {
            "type": f.type,
            "labels": f.labels,
            "enum": f.enum or [],
            "description": f.description,
            "bounds": (str(low).replace(".", ","), str(high).replace(".", ",")),
            "pk": f.name in primary_key,
        }
    return out
