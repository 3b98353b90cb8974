"""A cold validation's tables checked in worker processes (issue 18: validate._Checker.run
→ `_run_in_workers`, each table's `check_whole` in a worker: the raw reader, Frictionless,
our own pass and the row-level state of that table beside each other) give exactly what one
process gives: the same problems of each table in the same order, the same row counts, and
the same row-level states in the cache (or, for antq serve, held in memory). The states are
compared as `marshal` reads them back: its bytes are not a function of the value alone (a
string shared by two references is written once, then referred to, by reference count, and
a set's order follows the process's string hashes), in one process or in several.
Compared on every bad-input fixture and on a generated package with bad cells in several
tables (references, unit codes, text, types, keys)."""

from __future__ import annotations

import csv
import io
import marshal
from pathlib import Path
from typing import Any

import pytest

from generator.data import rowlevel, synth
from generator.data import validate as validate_mod
from generator.data.cache import ValidationCache
from generator.data.rawcsv import MAX_FILE_MB
from generator.data.schema import load_package
from tests.test_catalogue_lines import make_package as lay_case
from tests.test_rowlevel import bad_case

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The fixtures whose descriptor stops validation before any table is checked: nothing for
# the workers to do (the test below fails on any other such fixture rather than skip it).
STOPS_AT_THE_DESCRIPTOR = {"descriptor-error"}
BAD = sorted(p.name for p in (FIXTURES / "bad").iterdir() if p.name not in STOPS_AT_THE_DESCRIPTOR)
TABLES = {p.stem for p in (FIXTURES / "good").glob("*.csv")}

Checked = tuple[list[tuple[str, str, list[dict[str, Any]], int]], dict[str, Any]]


def _check(
    package: Path,
    cache: Path,
    jobs: int,
    memory: rowlevel.RowMemory | None = None,
    names: set[str] | None = None,
) -> Checked:
    """The tables of `package` (those in `names`, or every one) checked whole by
    `_Checker.run` with `jobs` processes: what it yields, in order, and the row-level states
    it wrote to `cache`."""
    spec_package, found = load_package(package)
    assert not [p for p in found if p.level == "error"]
    checker = validate_mod._Checker(spec_package, MAX_FILE_MB, ValidationCache(cache))
    checker.memory = memory
    stale = [
        (spec, f"key-{spec.name}", f"context-{spec.name}")
        for spec in spec_package.resources
        if names is None or spec.name in names
    ]
    done = [
        (spec.name, key, [p.to_dict() for p in problems], rows)
        for spec, key, problems, rows in checker.run(stale, jobs, None)
    ]
    states = sorted((cache / "validate").glob("*.rows")) if (cache / "validate").is_dir() else []
    return done, {p.name: marshal.loads(p.read_bytes()) for p in states}


@pytest.fixture
def workers_always(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Worker processes for any size of package; the number of runs that used them."""
    monkeypatch.setattr(validate_mod, "PARALLEL_MIN_BYTES", 0)
    used: list[int] = []
    original = validate_mod._Checker._run_in_workers

    def spy(self: Any, *args: Any) -> Any:
        used.append(1)
        return original(self, *args)

    monkeypatch.setattr(validate_mod._Checker, "_run_in_workers", spy)
    return used


def _same(package: Path, tmp_path: Path, used: list[int], names: set[str] | None = None) -> Checked:
    alone = _check(package, tmp_path / "one", 1, names=names)
    assert not used  # one process: the workers are not used
    in_workers = _check(package, tmp_path / "two", 2, names=names)
    assert used  # …and two processes: they are
    assert in_workers[0] == alone[0]
    assert in_workers[1] == alone[1]
    return alone


@pytest.mark.parametrize("name", BAD)
def test_workers_find_what_one_process_finds_on_each_bad_fixture(
    name: str, tmp_path: Path, workers_always: list[int]
) -> None:
    package = lay_case(bad_case(name), tmp_path / "case")
    spec_package, found = load_package(package)
    assert not any(p.level == "error" for p in found), "add it to STOPS_AT_THE_DESCRIPTOR"
    # The tables the fixture edits, and one it leaves (two tables: the workers are used).
    edited = {Path(rel).stem for rel in bad_case(name).edits if "/" not in rel}
    _same(package, tmp_path, workers_always, (edited & TABLES) | {"targets"})


def _edit_column(path: Path, column: str, edit: Any) -> None:
    """`edit(row index, cell) → cell` on every data row of one column."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = rows[0].index(column)
    for k, row in enumerate(rows[1:]):
        row[i] = edit(k, row[i])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _bad_generated(root: Path) -> Path:
    """The small synthetic package with bad cells spread over the rows of several tables:
    dates typed dd/mm/yyyy, phone numbers, text in NFD and with a zero-width space, unknown
    places, unit codes that lost their zero or are legacy codes, an unknown enum value."""
    package = root / "gen"
    synth.write_package(package, scale="small", seed=7)
    legacy = next(csv.DictReader(io.StringIO((package / "legacy_units.csv").read_text())))
    assessments = package / "assessments.csv"
    _edit_column(assessments, "decision_date", lambda k, c: "20/12/2024" if k % 97 == 5 else c)
    _edit_column(assessments, "issuer", lambda k, c: c + " 0912345678" if k % 89 == 3 else c)
    _edit_column(assessments, "place_id", lambda k, c: "khong-co" if k % 211 == 7 else c)
    places = package / "places.csv"
    _edit_column(places, "name", lambda k, c: c.replace("ư", "u\u031b") if k % 13 == 1 else c)
    _edit_column(places, "name", lambda k, c: c + "\u200b" if k % 173 == 2 else c)
    _edit_column(places, "unit_code", lambda k, c: c.lstrip("0") if k % 101 == 4 else c)
    awards = package / "awards.csv"
    _edit_column(awards, "unit_code", lambda k, c: legacy["code"] if k % 41 == 6 else c)
    _edit_column(awards, "award", lambda k, c: "bang_khen_sai" if k % 53 == 8 else c)
    return package


def test_workers_find_what_one_process_finds_on_a_generated_package_with_bad_cells(
    tmp_path: Path, workers_always: list[int]
) -> None:
    package = _bad_generated(tmp_path)
    tables = {"assessments", "places", "awards", "targets", "legacy_units"}
    done, states = _same(package, tmp_path, workers_always, tables)
    codes = {p["code"] for _name, _key, problems, _rows in done for p in problems}
    # Not a vacuous comparison: the bad cells were found, by each kind of check, and the
    # large tables left their row-level states.
    expected = {"date-dmy", "personal-phone", "foreign-key", "nfd-text", "enum"}
    expected |= {"zero-width-character", "lost-leading-zero", "legacy-unit"}
    assert expected <= codes
    assert {"assessments.rows", "awards.rows", "places.rows"} <= set(states)


def test_workers_hand_the_states_back_to_antq_serves_memory(
    tmp_path: Path, workers_always: list[int]
) -> None:
    """With the states held in memory (antq serve), the workers write none and the parent
    holds the same states as one process does."""
    package = lay_case(bad_case("nfd-text"), tmp_path / "case")
    one, two = rowlevel.RowMemory(), rowlevel.RowMemory()
    tables = {"places", "assessments"}
    alone = _check(package, tmp_path / "one", 1, one, tables)
    in_workers = _check(package, tmp_path / "two", 2, two, tables)
    assert workers_always and in_workers == alone and alone[1] == {}
    held = {name: state for (_dir, name), state in one._held.items()}
    assert held.keys() == tables and all(s is not None for s in held.values())
    assert {name: state for (_dir, name), state in two._held.items()} == held


def test_antq_workers_decides_whether_validation_forks(
    tmp_path: Path, workers_always: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ANTQ_WORKERS=1` (one process, e.g. to profile a build) keeps a cold validation in
    this process as it keeps the render stage; `ANTQ_WORKERS=2` forks. Control: the setting
    ignored (`os.cpu_count()` instead) → the first run forks on this 2-core machine."""
    good = FIXTURES / "good"
    monkeypatch.setenv("ANTQ_WORKERS", "1")
    _check(good, tmp_path / "one", 0)
    assert not workers_always
    monkeypatch.setenv("ANTQ_WORKERS", "2")
    _check(good, tmp_path / "two", 0)
    assert workers_always
