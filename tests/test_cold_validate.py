"""A cold validation's memos (issue 18): Frictionless' cell readers answer a text they have
read before from memory (frictionless_run.memoised_cell_readers), and our text checks too
(validate.TextMemo). Neither may change a problem: every bad-input fixture and validation
case of the catalogue gives the same lines, in the same order, with the memos as without,
and a bad value repeated on many rows is reported on each of them."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from generator.data import frictionless_run
from generator.data import validate as validate_mod
from generator.data.checks import text_checks
from generator.data.problems import Problem
from generator.data.rawcsv import MAX_FILE_MB
from generator.data.schema import load_package
from generator.data.validate import validate_package
from tests import catalogue_cases as cases
from tests.test_catalogue_lines import make_package as lay_case
from tests.test_rowlevel import CASES


def _without_memos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frictionless_run, "memoised_cell_readers", contextlib.nullcontext)
    monkeypatch.setattr(validate_mod, "TextMemo", lambda: text_checks)


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
    for target, value in case.setup.items():
        module, attr = str(target).rsplit(".", 1)
        monkeypatch.setattr(module + "." + attr, value)
    package = lay_case(case, tmp_path)
    tables = _edited_tables(name)
    with_memos = _table_lines(package, tables)
    _without_memos(monkeypatch)
    assert _table_lines(package, tables) == with_memos


def _repeated_bad_values(root: Path) -> Path:
    """The good package with one bad date and one phone number on every assessment."""
    package = lay_case(cases.Case({}, ()), root)
    path = package / "assessments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    d, issuer = header.index("decision_date"), header.index("issuer")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[d] = "20/12/2024"
        cells[issuer] = "UBND xã Tân Kỳ 0912345678"
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return package


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
