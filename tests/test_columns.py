"""Our own pass by columns (generator/data/columns.py) finds what the row loop finds.

A whole table's own pass looks at each column's distinct values and sends only the rows a
check flags through the row loop (`_Checker.row_pass`). On every bad-input fixture and
validation case, and on a yearly-results table where every check reports rows spread over
several chunks, it gives the same problems in the same order and the same facts
(`rowlevel.RowFacts`) as the row loop over every row. Negative controls: with one check's
flagging blinded, the comparison on that table fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.data import columns, rowlevel
from generator.data import validate as validate_mod
from generator.data.rawcsv import MAX_FILE_MB
from generator.data.schema import load_package
from tests import catalogue_cases as cases
from tests.test_catalogue_lines import make_package as lay_case
from tests.test_rowlevel import CASES


def _passes(package: Path, names: set[str] | None = None) -> dict[str, tuple[Any, Any]]:
    """Per table: (problems, facts) by columns and by the row loop, each with a checker of
    its own (a row check's state may remember what it reported)."""
    spec_package, _found = load_package(package)
    by_columns = validate_mod._Checker(spec_package, MAX_FILE_MB)
    by_rows = validate_mod._Checker(spec_package, MAX_FILE_MB)
    out: dict[str, tuple[Any, Any]] = {}
    for spec in spec_package.resources:
        if names is not None and spec.name not in names:
            continue
        table = by_columns.table(spec)[0]
        if table is None:
            continue
        fast_facts, slow_facts = rowlevel.RowFacts(), rowlevel.RowFacts()
        fast = columns.whole_pass(by_columns, spec, table, fast_facts)
        slow = by_rows.row_pass(spec, table.header, table.rows(), slow_facts)
        out[spec.name] = ((fast, fast_facts), (slow, slow_facts))
    return out


def _assert_same(passes: dict[str, tuple[Any, Any]]) -> None:
    for name, ((fast, fast_facts), (slow, slow_facts)) in passes.items():
        assert [p.line() for p in fast] == [p.line() for p in slow], name
        assert fast == slow, name
        assert fast_facts == slow_facts, name


def _edited_tables(name: str) -> set[str]:
    return {Path(rel).stem for rel in CASES[name].edits if rel.endswith(".csv")}


@pytest.mark.parametrize("name", sorted(n for n in CASES if _edited_tables(n)))
def test_columns_find_what_the_row_loop_finds(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    case.patch(monkeypatch)
    monkeypatch.setattr(columns, "CHUNK", 3)  # several chunks even in the small fixtures
    _assert_same(_passes(lay_case(case, tmp_path), _edited_tables(name)))


# Yearly results of the clean fixture package (tests/fixtures/good) on which each check of
# the assessments reports something, and the code each one gives: one check a row (the
# issuers are not a xã's but on the rows of the xã checks), so that a check blind to its
# row leaves the row unchecked.
_BAD_ASSESSMENTS = [
    ("tt124-xa-by-itself", "xa-11113,2022,dat,1/QĐ-UBND,2022-12-01,UBND xã Tân Kỳ,124/2021/TT-BCA"),
    (
        "tt124-xa-without-model",
        "xa-18436,2023,dat,2/QĐ-UBND,2023-12-01,UBND tỉnh Hà Tĩnh,124/2021/TT-BCA",
    ),
    (
        "assessment-date",
        "hp-tan-ky-thon-nghi-khe,2023,dat,3/QĐ-UBND,2022-06-05,UBND huyện Tứ Kỳ,124/2021/TT-BCA",
    ),
    (
        "legal-not-yet-in-force",
        "hp-tan-ky-thon-nghi-khe,2024,dat,4/QĐ-UBND,2024-10-20,UBND huyện Tứ Kỳ,48/2025/TT-BCA",
    ),
    (
        "personal-phone",
        "hp-tan-ky-thon-nghi-khe,"
        "2022,dat,5/QĐ-UBND,2022-10-20,UBND huyện Tứ Kỳ 0912345678,124/2021/TT-BCA",
    ),
    (
        "foreign-key",
        "khong-co-noi-nay,2024,dat,6/QĐ-UBND,2024-11-20,UBND tỉnh Hà Tĩnh,124/2021/TT-BCA",
    ),
    (
        "nfd-text",
        "ht-truong-luu-thon-kim-song,"
        "2024,dat,7/QĐ-UBND,2024-11-20,UBND huye\u0302\u0323n Can Lo\u0323\u0302c,124/2021/TT-BCA",
    ),
]


def _bad_assessments(root: Path) -> Path:
    """The clean package with `_BAD_ASSESSMENTS` between good rows, twice, a blank row and a
    row with a cell missing (its chunk goes by the row loop)."""
    package = lay_case(cases.Case({}, ()), root)
    path = package / "assessments.csv"
    header, *good = path.read_text(encoding="utf-8").splitlines()
    lines = [header]
    for _code, bad in _BAD_ASSESSMENTS * 2:
        lines += [good[len(lines) % len(good)], bad]
    lines[5:5] = [",,,,,,", "xa-02494,2024,dat,9/QĐ-UBND,2024-11-20,UBND tỉnh Tuyên Quang"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return package


def test_every_assessment_check_reports_its_rows_by_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns, "CHUNK", 4)
    passes = _passes(_bad_assessments(tmp_path), {"assessments"})
    _assert_same(passes)
    codes = [p.code for p in passes["assessments"][0][0]]
    for code, _row in _BAD_ASSESSMENTS:
        assert codes.count(code) >= 2, code


@pytest.mark.parametrize(
    "blinded",
    [
        (columns, "text_flagged", lambda values: set()),
        (validate_mod._AssessmentDates, "flagged", lambda *a: []),
        (validate_mod._LegalAtRecordDate, "flagged", lambda *a: []),
        (validate_mod._Tt124, "flagged", lambda *a: []),
        (columns, "_unknown_keys", lambda *a: []),
    ],
    ids=["text", "assessment-date", "legal", "tt124", "foreign-key"],
)
def test_negative_control_a_blind_check_misses_rows(
    blinded: tuple[Any, str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one check flagging no row, the pass by columns misses that check's problems
    and the comparison above fails: each check's flagging is what finds its rows."""
    monkeypatch.setattr(columns, "CHUNK", 4)
    monkeypatch.setattr(*blinded)
    with pytest.raises(AssertionError):
        _assert_same(_passes(_bad_assessments(tmp_path), {"assessments"}))


@pytest.mark.parametrize(
    "text", ["", "h", "h\n", "h\n\n", "h\na", "h\na\n", "h\na\nb", "h\na\n\nb\n", "h\r\na\r\n"]
)
def test_a_tables_lines_counted_without_making_them(text: str) -> None:
    """`rowlevel.line_count` (whether each record is one line, for a whole table's state) is
    the number of lines `split_lines` makes, a last line without a line feed included."""
    assert rowlevel.line_count(text) == len(rowlevel.split_lines(text)[1])


def test_the_build_date_comes_from_the_whole_table_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold validation notes each dated table's latest record date in its own pass
    (`columns.whole_pass`): the build's date is data_revision's, and the yearly results are
    opened once, not again for the date (negative control: without the noted dates,
    `_build_date` opens assessments.csv a second time and this fails)."""
    from generator.data.cache import ValidationCache
    from generator.revision import data_revision

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    package = lay_case(cases.Case({}, ()), tmp_path)
    path = package / "assessments.csv"
    path.write_text(path.read_text(encoding="utf-8") + _LATE_ROW, encoding="utf-8")
    opened: list[str] = []
    real = validate_mod.open_table

    def open_table(table_path: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(table_path).name)
        return real(table_path, *args, **kwargs)

    monkeypatch.setattr(validate_mod, "open_table", open_table)
    cache = tmp_path / "cache"
    result = validate_mod.validate_package(package, cache_dir=cache, jobs=1)
    assert not result.errors and result.checked
    monkeypatch.setattr(validate_mod, "open_table", real)
    held = ValidationCache(cache).get_dates()["assessments"]
    assert held[1] == "2031-01-02" == str(data_revision(package).date)
    assert opened.count("assessments.csv") == 1


_LATE_ROW = "xa-11113,2030,dat,8/QĐ-UBND,2031-01-02,UBND thành phố Hải Phòng,124/2021/TT-BCA\n"


def test_blank_rows_are_those_the_row_loop_calls_blank() -> None:
    """`columns._blank_rows` (a row whose first cell holds more than white space is not
    joined) says what `not "".join(cells).strip()` says of each row, whichever cell holds
    something (negative control: a row with only its last cell filled is not blank)."""
    rows = [
        ["a", "", ""],
        ["", "", ""],
        [" ", "\t", " "],
        ["", "", "x"],
        [" ", "y", ""],
        ["a", " ", ""],
        ["\u00a0", "", ""],
    ]
    chunk = [(n, cells) for n, cells in enumerate(rows, start=2)]
    cols = list(zip(*rows, strict=True))
    expected = [not "".join(cells).strip() for cells in rows]
    assert columns._blank_rows(chunk, cols) == expected
    assert expected == [False, True, True, False, False, False, True]


def test_a_year_date_refuses_beside_an_unknown_place_is_no_crash(tmp_path: Path) -> None:
    """`_AssessmentDates.flagged` judges each distinct (date, year) for each kind of place
    its chunk names before making the rows' triples: year "0" on the row of an unknown
    place (whose triple the row loop never judges) beside a known place's row is judged
    with that place's kind, which `date` refuses; the chunk then goes by the rows' triples,
    as the row loop does, and both passes give the same problems."""
    package = lay_case(cases.Case({}, ()), tmp_path)
    path = package / "assessments.csv"
    header, first, *rest = path.read_text(encoding="utf-8").splitlines()
    odd = "xa-99999,0,dat,1/QĐ-UBND,2022-12-01,UBND tỉnh Tuyên Quang,124/2021/TT-BCA"
    path.write_text("\n".join([header, first, odd, *rest]) + "\n", encoding="utf-8")
    passes = _passes(package, {"assessments"})
    _assert_same(passes)
    assert "foreign-key" in [p.code for p in passes["assessments"][0][0]]
