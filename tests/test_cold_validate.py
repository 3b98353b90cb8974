"""A cold validation's shortcuts (issue 18): Frictionless' cell readers answer a text they have
read before from memory (frictionless_run.memoised_cell_readers), its rows read all their
cells at once (frictionless_run.rows_read_whole), our text checks and the row checks answer
from memory too (validate.TextMemo, `_AssessmentDates._outside`,
`_LegalAtRecordDate._record_date`, `_Tt124._issuer_parts` and `_Tt124._own_xa`,
`_SecurityTeamRating._too_new_dates`), and a whole table's row-level state is marshalled
once (rowlevel._storable_state). None may change a problem: every bad-input fixture and
validation case of the catalogue gives the same lines, in the same order, with the
shortcuts as without, and a bad value repeated on many rows is reported on each of them."""

from __future__ import annotations

import contextlib
import marshal
from pathlib import Path
from typing import Any

import pytest

from generator.data import frictionless_run, rowlevel
from generator.data import validate as validate_mod
from generator.data.cache import ValidationCache
from generator.data.checks import text_checks
from generator.data.problems import Problem
from generator.data.rawcsv import MAX_FILE_MB
from generator.data.schema import load_package
from generator.data.validate import validate_package
from tests import catalogue_cases as cases
from tests.test_catalogue_lines import make_package as lay_case
from tests.test_rowlevel import CASES


def _unmemoised(cls: type, name: str) -> Any:
    """A row check's memoised class or static method, with its memo bypassed."""
    method = vars(cls)[name]
    return type(method)(method.__func__.__wrapped__)


def _without_memos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frictionless_run, "memoised_cell_readers", contextlib.nullcontext)
    monkeypatch.setattr(frictionless_run, "rows_read_whole", lambda _key: contextlib.nullcontext())
    monkeypatch.setattr(validate_mod, "TextMemo", lambda: text_checks)
    for cls, name in (
        (validate_mod._AssessmentDates, "_outside"),
        (validate_mod._LegalAtRecordDate, "_record_date"),
        (validate_mod._Tt124, "_issuer_parts"),
        (validate_mod._Tt124, "_own_xa"),
        (validate_mod._SecurityTeamRating, "_too_new_dates"),
    ):
        monkeypatch.setattr(cls, name, _unmemoised(cls, name))


def _table_lines(package: Path, names: set[str]) -> list[str]:
    """Every problem of the named tables, as a cold whole-table check finds them: the raw
    reader's, our row pass's and Frictionless', in that order."""
    spec_package, found = load_package(package)
    lines = [p.line() for p in found]
    checker = validate_mod._Checker(spec_package, MAX_FILE_MB)
    for spec in spec_package.resources:
        if spec.name not in names:
            continue
        table, raw = checker.table(spec)
        lines += [p.line() for p in raw]
        if table is None:
            continue
        own, _rows = checker.check_rows(spec, table)
        lib = frictionless_run.run(checker._task(spec, table))
        lines += [p.line() for p in own] + [Problem.from_dict(d).line() for d in lib]
    return lines


def _edited_tables(name: str) -> set[str]:
    edits = CASES[name].edits
    return {Path(rel).stem for rel in edits if rel.endswith(".csv") and "/" not in rel}


@pytest.mark.parametrize("name", sorted(n for n in CASES if _edited_tables(n)))
def test_the_memos_change_no_problem(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    case.patch(monkeypatch)
    package = lay_case(case, tmp_path)
    tables = _edited_tables(name)
    with_memos = _table_lines(package, tables)
    _without_memos(monkeypatch)
    assert _table_lines(package, tables) == with_memos


def _every_assessment(root: Path, decision_date: str, issuer: str) -> Path:
    """The good package with this decision date and issuer on every assessment."""
    package = lay_case(cases.Case({}, ()), root)
    path = package / "assessments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    d, i = header.index("decision_date"), header.index("issuer")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[d], cells[i] = decision_date, issuer
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return package


def _repeated_bad_values(root: Path) -> Path:
    """The good package with one bad date and one phone number on every assessment."""
    return _every_assessment(root, "20/12/2024", "UBND xã Tân Kỳ 0912345678")


def test_a_bad_value_repeated_is_reported_on_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _repeated_bad_values(tmp_path)
    rows = len((package / "assessments.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert rows >= 3
    result = validate_package(package, use_cache=False, grouped=False)
    lines = [p.line() for p in result.problems]
    codes = [p.code for p in result.problems if p.file.endswith("assessments.csv")]
    assert codes.count("date-dmy") == rows
    assert codes.count("personal-phone") == rows
    _without_memos(monkeypatch)
    plain = validate_package(package, use_cache=False, grouped=False)
    assert [p.line() for p in plain.problems] == lines


def test_the_cell_reader_memo_is_in_effect() -> None:
    """Inside `memoised_cell_readers`, a row stream's readers read each text once (if the
    library stopped building them where the memo hooks in, this fails, not the speed)."""
    from frictionless import fields
    from frictionless.resources import table as table_module

    calls: list[str] = []
    field = fields.DateField(name="d")
    original = field.create_cell_reader

    def counting_reader() -> object:
        reader = original()

        def read(cell: object) -> object:
            calls.append(str(cell))
            return reader(cell)

        return read

    field.create_cell_reader = counting_reader  # type: ignore[method-assign]
    with frictionless_run.memoised_cell_readers():
        handler = table_module.create_cell_handlers([field])["d"]
    first = handler.reader("20/12/2024")
    second = handler.reader("20/12/2024")
    assert first == second == (None, {"type": 'type is "date/default"'})
    assert first[1] is not second[1]  # each row may pop its own notes
    assert handler.reader("2024-12-20")[0] is not None
    assert calls == ["20/12/2024", "2024-12-20"]


# -- Frictionless' rows read whole (frictionless_run.rows_read_whole) ---------------------------

# Rows with each kind of row error, as (id, year, result, note) and the cells to cut from
# the end of the line (missing cells) or to add to it (an extra cell).
_BAD_ROWS: list[tuple[tuple[str, ...], int, list[str]]] = [
    (("x", "2024", "dat", "ab"), 0, []),
    (("x", "2024", "dat", "ab"), 0, []),  # the same primary key
    (("y", "năm", "sai", "abcdef"), 0, []),  # a type error, an enum error, too long
    (("", "", "dat", "ab"), 0, []),  # the primary key all missing
    (("z", "2025", "dat", "ab"), 2, []),  # missing cells
    (("w", "2026", "dat", "ab"), 0, ["extra"]),  # an extra cell
    (("", "", "", ""), 0, []),  # a blank row
    (("v", "1999", "dat", "ab"), 0, []),  # below the minimum
]


def _lib_errors(tmp_path: Path, fields: list[str], whole: bool) -> list[dict[str, Any]]:
    """Frictionless' errors on `_BAD_ROWS` with these columns in this order (primary key:
    id, year), with or without `rows_read_whole`."""
    from frictionless import Resource

    spec = {
        "id": {"name": "id", "type": "string", "constraints": {"required": True}},
        "year": {"name": "year", "type": "integer", "constraints": {"minimum": 2000}},
        "result": {"name": "result", "type": "string", "constraints": {"enum": ["dat"]}},
        "note": {"name": "note", "type": "string", "constraints": {"maxLength": 3}},
    }
    order = ["id", "year", "result", "note"]
    lines = [",".join(fields)]
    for values, cut, extra in _BAD_ROWS:
        cells = [dict(zip(order, values, strict=True))[f] for f in fields]
        lines.append(",".join(cells[: len(cells) - cut] + extra))
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    descriptor = {
        "name": "t",
        "path": "t.csv",
        "encoding": "utf-8",
        "schema": {"fields": [spec[f] for f in fields], "primaryKey": ["id", "year"]},
    }
    resource = Resource(descriptor, basepath=str(tmp_path))
    context = (
        frictionless_run.rows_read_whole(["id", "year"]) if whole else contextlib.nullcontext()
    )
    with context:
        report = resource.validate()
    return [e.to_descriptor() for task in report.tasks for e in task.errors]


@pytest.mark.parametrize(
    "fields", [["id", "year", "result", "note"], ["result", "note", "id", "year"]]
)
def test_rows_read_whole_give_the_librarys_errors(tmp_path: Path, fields: list[str]) -> None:
    """The same errors, with the same fields, in the same order, on rows with each kind of
    row error; with the key's columns first (rows read whole) or not (the library's rows)."""
    plain = _lib_errors(tmp_path, fields, whole=False)
    assert {e["type"] for e in plain} >= {
        "primary-key",
        "type-error",
        "constraint-error",
        "missing-cell",
        "extra-cell",
        "blank-row",
    }
    assert _lib_errors(tmp_path, fields, whole=True) == plain


def test_rows_are_read_whole_only_when_the_order_is_kept(tmp_path: Path) -> None:
    """With the key's columns after others, a row read whole would give its errors in
    another order (the library reads the key's cells first): those rows stay the
    library's. (This is the control that the guard, `reads_in_order`, is needed.)"""
    fields = ["result", "note", "id", "year"]
    plain = _lib_errors(tmp_path, fields, whole=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frictionless_run, "reads_in_order", lambda *_: True)
        unguarded = _lib_errors(tmp_path, fields, whole=True)
    assert sorted(map(str, unguarded)) == sorted(map(str, plain))
    assert unguarded != plain


def test_rows_read_whole_are_in_effect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside `rows_read_whole`, no row reads its key's cells one by one (if the library
    stopped making rows where the shortcut hooks in, this fails, not the speed)."""
    from frictionless.table import Row

    partial: list[str] = []
    process = vars(Row)["_Row__process"]

    def counting(self: Any, key: str | None = None) -> Any:
        if key is not None:
            partial.append(key)
        return process(self, key)

    monkeypatch.setattr(Row, "_Row__process", counting)
    fields = ["id", "year", "result", "note"]
    _lib_errors(tmp_path, fields, whole=False)
    assert partial  # the library's rows: the key's cells one by one
    partial.clear()
    _lib_errors(tmp_path, fields, whole=True)
    assert partial == []


def test_rows_read_whole_end_with_their_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nested contexts each restore the one they found: after them, rows are the
    library's again (a leftover key would choose rows for another table's key)."""
    from frictionless.table import Row

    partial: list[str] = []
    process = vars(Row)["_Row__process"]

    def counting(self: Any, key: str | None = None) -> Any:
        if key is not None:
            partial.append(key)
        return process(self, key)

    monkeypatch.setattr(Row, "_Row__process", counting)
    with frictionless_run.rows_read_whole(["id"]):
        with frictionless_run.rows_read_whole(["id", "year"]):
            pass
        assert frictionless_run._ROWS.current[0] == ["id"]
    _lib_errors(tmp_path, ["id", "year", "result", "note"], whole=False)
    assert partial


# -- a whole table's row-level state, marshalled once (rowlevel._storable_state) ---------------


def _check_whole(package: Path, name: str, cache: Path, memory: bool = False) -> Any:
    spec_package, _found = load_package(package)
    checker = validate_mod._Checker(spec_package, MAX_FILE_MB, ValidationCache(cache))
    if memory:
        checker.memory = rowlevel.RowMemory()
    spec = spec_package.resource(name)
    assert spec is not None
    checker.check_whole(spec, "context")
    if memory:
        assert checker.memory is not None and checker.cache.directory is not None
        return checker.memory.get(checker.cache.directory, name)[1]
    data = ValidationCache(cache).get_rows(name)
    return rowlevel.RowState.load(data) if data else None


def test_a_whole_table_state_is_marshalled_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state written is the one held in memory (where it is not marshalled), and
    making and writing it marshals it once (and each row check's state once, to test it)."""
    package = lay_case(cases.Case({}, ()), tmp_path)
    held = _check_whole(package, "assessments", tmp_path / "memory", memory=True)
    assert held is not None and held.prepared
    calls: list[int] = []
    dumps = marshal.dumps

    def counting(value: Any, *args: Any) -> bytes:
        calls.append(1)
        return dumps(value, *args)

    monkeypatch.setattr(marshal, "dumps", counting)
    stored = _check_whole(package, "assessments", tmp_path / "cache")
    assert stored == held
    assert len(calls) == len(held.prepared) + 1


class _Unstorable:
    """A row check whose state `marshal` cannot store."""

    def prepare(self, checker: Any) -> object:
        return self

    def check(self, *args: Any) -> None:
        return None


class _Storable(_Unstorable):
    def prepare(self, checker: Any) -> object:
        return {"a": ("b", 1)}


def test_an_unstorable_check_state_is_stored_as_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When one part of a state cannot be marshalled, the state is still stored, with
    that row check's state as None (read again by the row path), as before the shortcut."""
    package = lay_case(cases.Case({}, ()), tmp_path)
    checks = validate_mod._Checks(_Storable(), _Unstorable())
    monkeypatch.setitem(validate_mod.ROW_CHECKS, "awards", checks)
    stored = _check_whole(package, "awards", tmp_path / "cache")
    held = _check_whole(package, "awards", tmp_path / "memory", memory=True)
    assert stored is not None and held is not None
    assert stored.prepared == [{"a": ("b", 1)}, None]
    assert stored == held


# -- the assessments' row checks answered from memory ------------------------------------------


def _repeated_findings(root: Path) -> Path:
    """The good package with every assessment decided long before its year, by a xã."""
    return _every_assessment(root, "2001-01-01", "UBND xã Tân Kỳ")


def test_a_row_check_finding_repeated_is_reported_on_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _repeated_findings(tmp_path)
    rows = len((package / "assessments.csv").read_text(encoding="utf-8").splitlines()) - 1
    result = validate_package(package, use_cache=False, grouped=False)
    codes = [p.code for p in result.problems if p.file.endswith("assessments.csv")]
    assert rows >= 3 and codes.count("assessment-date") == rows
    assert codes.count("legal-not-yet-in-force") >= 2  # (a law of after 2001)
    assert codes.count("tt124-xa-by-itself") >= 1
    _without_memos(monkeypatch)
    plain = validate_package(package, use_cache=False, grouped=False)
    assert [p.line() for p in plain.problems] == [p.line() for p in result.problems]


def test_a_whole_tables_duplicate_keys_counted_at_once() -> None:
    """`_all_dups` (a whole table's keys, counted by `Counter`) finds the keys `_dups` finds
    at every position whose key is not None, in the same order; a missing key (None) on
    many rows is no duplicate."""
    keys: list[Any] = [None, ("b",), ("a",), None, ("b",), ("c",), ("a",), ("b",), None]
    positions = [i for i, k in enumerate(keys) if k is not None]
    assert rowlevel._all_dups(keys) == rowlevel._dups(keys, positions) == [("b",), ("a",)]
    assert rowlevel._all_dups([]) == []


def _rows_read(tmp_path: Path, quick: bool) -> list[tuple[Any, ...]]:
    """Each row of `_BAD_ROWS` (and good rows repeating their values) as Frictionless reads
    it: its values, blank cells and errors; `quick`: with the memoised readers and rows read
    whole (`WholeRow`'s quick pass), else the library's rows."""
    from frictionless import Resource

    good = [f"g{n},{2000 + n % 3},dat,{'ab' if n % 2 else ''}" for n in range(6)]
    lines = ["id,year,result,note", *good]
    for values, cut, extra in _BAD_ROWS:
        lines.append(",".join(list(values)[: len(values) - cut] + extra))
    lines += good[:2]  # (read again: from the memo)
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fields = [
        {"name": "id", "type": "string", "constraints": {"required": True}},
        {"name": "year", "type": "integer", "constraints": {"minimum": 2000}},
        {"name": "result", "type": "string", "constraints": {"enum": ["dat"]}},
        {"name": "note", "type": "string", "constraints": {"maxLength": 3}},
    ]
    descriptor = {"name": "t", "path": "t.csv", "schema": {"fields": fields}}
    descriptor["schema"]["primaryKey"] = ["id", "year"]
    both = contextlib.ExitStack()
    if quick:
        both.enter_context(frictionless_run.memoised_cell_readers())
        both.enter_context(frictionless_run.rows_read_whole(["id", "year"]))
    with both, Resource(descriptor, basepath=str(tmp_path)) as resource:
        return [
            (dict(row), row.blank_cells, [e.to_descriptor() for e in row.errors])
            for row in resource.row_stream
        ]


@pytest.mark.parametrize("memo_max", [frictionless_run.MEMO_MAX, 1])
def test_quick_rows_give_the_librarys_values_blanks_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memo_max: int
) -> None:
    """`WholeRow`'s quick pass (a row without a note on any cell) gives each row the
    library's values, blank cells and errors, and the library's pass reads only the rows
    with an error of its own (or blank); so with a memo full from the first text on (the
    library's reader read each text not in it). Negative controls (run by hand: the test
    fails): the quick pass not marking blank cells (`blank[name] = source` removed); with
    memo_max=1, the memo's full branch taking the first cell's value for every text."""
    from frictionless.table import Row

    monkeypatch.setattr(frictionless_run, "MEMO_MAX", memo_max)
    plain = _rows_read(tmp_path, quick=False)
    library: list[int] = []
    process = vars(Row)["_Row__process"]

    def counting(self: Any, key: str | None = None) -> Any:
        library.append(1)
        return process(self, key)

    monkeypatch.setattr(Row, "_Row__process", counting)
    frictionless_run._whole_row.cache_clear()  # (its quick pass calls the counting one)
    try:
        quick = _rows_read(tmp_path, quick=True)
    finally:
        frictionless_run._whole_row.cache_clear()
    assert quick == plain
    assert any(blanks for _, blanks, _ in plain)
    # (a duplicate key is the row stream's error, not the row's pass)
    bad = sum(1 for _, _, errors in plain if {e["type"] for e in errors} - {"primary-key"})
    assert bad >= 5 and len(library) == bad
