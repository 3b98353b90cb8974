"""Row-level validation (issue 18 item 3, generator/data/rowlevel.py).

Each bad-input fixture (tests/fixtures/bad/ and every validation case of
tests/catalogue_cases.py) is taken as an edit of the clean fixture package whose validation
is cached: the problems found by the changed rows (the row path) must be exactly those a
whole-table check finds. The whole-table side runs with the same cache minus the row-level
states: only the edited tables are checked again, in full, by Frictionless and our pass (the
untouched tables' cached results are the existing cache's business, tested elsewhere).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from generator.data import frictionless_run, rowlevel
from generator.data import validate as validate_mod
from generator.data.validate import validate_package
from tests import catalogue_cases as cases
from tests.test_catalogue_lines import make_package as lay_case

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _validation_cases() -> dict[str, cases.Case]:
    found: dict[str, cases.Case] = {}
    for name in dir(cases):
        table = getattr(cases, name)
        if name.endswith("_CASES") and isinstance(table, dict):
            for key, case in table.items():
                if isinstance(case, cases.Case):
                    found[f"{name}:{key}"] = case
    for folder in sorted((FIXTURES / "bad").iterdir()):
        found[f"bad:{folder.name}"] = bad_case(folder.name)
    return found


def bad_case(name: str) -> cases.Case:
    """The bad-input fixture tests/fixtures/bad/`name` as a case: its files, and the files
    its `_delete` names removed."""
    folder = FIXTURES / "bad" / name
    edits: dict[str, cases.Edit] = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "_delete":
            edits[str(path.relative_to(folder))] = path.read_bytes()
    if (folder / "_delete").exists():
        for rel in (folder / "_delete").read_text().split():
            edits[rel] = None
    return cases.Case(edits, ())


CASES = _validation_cases()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The clean package and its validation cache (whole tables and row-level states)."""
    root = tmp_path_factory.mktemp("rowlevel")
    package = lay_case(cases.Case({}, ()), root)
    cache = root / "cache"
    result = validate_package(package, cache_dir=cache)
    assert not result.errors and result.checked and not result.by_rows
    assert (cache / "validate" / "assessments.rows").exists()
    return package, cache


def _lines(package: Path, cache: Path) -> tuple[list[str], list[str]]:
    result = validate_package(package, cache_dir=cache)
    return [p.line() for p in result.problems], result.by_rows


def _compare(
    name: str, clean: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> bool:
    """Lay case `name` over the clean package; assert both paths print the same lines;
    whether the row path was taken."""
    case = CASES[name]
    case.patch(monkeypatch)
    shutil.copytree(clean[0], tmp_path / "pkg")
    package = tmp_path / "pkg"
    shutil.copytree(clean[1], tmp_path / "rows")
    shutil.copytree(clean[1], tmp_path / "whole")
    for state in (tmp_path / "whole" / "validate").glob("*.rows"):
        state.unlink()
    edited = lay_case(case, tmp_path / "edit")
    shutil.rmtree(package)
    shutil.copytree(edited, package, symlinks=True)
    by_rows, tables = _lines(package, tmp_path / "rows")
    whole, whole_tables = _lines(package, tmp_path / "whole")
    assert not whole_tables  # the whole-table side never takes the row path
    assert by_rows == whole
    return bool(tables)


ROW_EDITS = ["ROW_CASES:other-rows", "bad:foreign-key", "bad:duplicate-key"]
ROW_EDITS += ["bad:unknown-enum", "bad:wrong-type"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_row_path_finds_what_the_whole_table_check_finds(
    name: str, clean: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a vacuous comparison either: the cases that edit rows (ROW_EDITS) went by the row
    path (asserted on the same run, not a second one)."""
    taken = _compare(name, clean, tmp_path, monkeypatch)
    if name in ROW_EDITS:
        assert taken, f"{name}: the row path was not taken"


def test_the_row_cases_are_compared() -> None:
    """Every case named in ROW_EDITS is one of the compared cases (a renamed case would
    otherwise drop its row-path assertion silently)."""
    assert sorted(set(ROW_EDITS) - set(CASES)) == []


@pytest.fixture
def edited(clean: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(clean[0], tmp_path / "pkg")
    shutil.copytree(clean[1], tmp_path / "cache")
    return tmp_path / "pkg", tmp_path / "cache"


def test_a_duplicate_key_from_a_one_row_edit_is_caught_by_the_key_index(
    edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    package, cache = edited
    seen: list[str] = []
    real = frictionless_run.run

    def run(task):  # type: ignore[no-untyped-def]
        seen.append(task["text"])
        return real(task)

    monkeypatch.setattr(frictionless_run, "run", run)
    read: list[str] = []
    real_open = validate_mod.open_table

    def open_table(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.append(Path(path).name)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(validate_mod, "open_table", open_table)
    # The last assessment takes the key (place, year) of the first: only row 2 and the
    # edited row hold it, and Frictionless is given the edited row alone.
    text = (package / "assessments.csv").read_text(encoding="utf-8").split("\n")
    last = len(text) - (2 if text[-1] == "" else 1)
    first = text[1].split(",")
    cells = text[last].split(",")
    text[last] = ",".join(first[:2] + cells[2:])
    (package / "assessments.csv").write_text("\n".join(text), encoding="utf-8")
    result = validate_package(package, cache_dir=cache)
    assert result.by_rows == ["assessments"] and not result.checked
    assert [(p.code, p.row) for p in result.errors] == [("duplicate-key", last + 1)]
    assert len(seen) == 1 and seen[0].count("\n") == 2  # the header and the edited row
    # The key sets and the row checks' indexes came from the cache: the referenced tables
    # are not read again (the small legal_documents table is: its index is not stored).
    assert "places.csv" not in read and "model_sites.csv" not in read


def test_without_the_key_index_the_duplicate_is_missed(
    edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control of the test above: the index is what finds the duplicate."""
    package, cache = edited
    text = (package / "assessments.csv").read_text(encoding="utf-8").split("\n")
    last = len(text) - (2 if text[-1] == "" else 1)
    first, cells = text[1].split(","), text[last].split(",")
    text[last] = ",".join(first[:2] + cells[2:])
    (package / "assessments.csv").write_text("\n".join(text), encoding="utf-8")
    monkeypatch.setattr(rowlevel, "_positions", lambda keys, affected, *held: [])
    result = validate_package(package, cache_dir=cache)
    assert result.by_rows == ["assessments"]
    assert not result.errors


def test_a_broken_reference_from_a_one_row_edit_is_caught_by_the_stored_key_set(
    edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    package, cache = edited
    text = (package / "assessments.csv").read_text(encoding="utf-8").split("\n")
    cells = text[2].split(",")
    cells[0] = "khong-co-noi-nay"
    text[2] = ",".join(cells)
    (package / "assessments.csv").write_text("\n".join(text), encoding="utf-8")
    result = validate_package(package, cache_dir=cache)
    assert result.by_rows == ["assessments"]
    assert [(p.code, p.row, p.field) for p in result.errors] == [("foreign-key", 3, "place_id")]
    # (places.csv is read for the error's "có phải là …?" suggestion only)
    # Negative control: with the stored key set not consulted, the reference is missed.
    text[2] = ",".join(cells).replace("khong-co-noi-nay", "khong-co-noi-khac")
    (package / "assessments.csv").write_text("\n".join(text), encoding="utf-8")
    monkeypatch.setattr(validate_mod._Checker, "keys", lambda self, resource, fields: None)
    state = rowlevel.RowState.load((cache / "validate" / "assessments.rows").read_bytes())
    assert state is not None
    state.keys = {}
    (cache / "validate" / "assessments.rows").write_bytes(state.dump())
    result = validate_package(package, cache_dir=cache)
    assert result.by_rows == ["assessments"] and not result.errors


def test_no_cache_checks_whole_tables(edited: tuple[Path, Path]) -> None:
    package, _ = edited
    result = validate_package(package, use_cache=False)
    assert not result.by_rows and "assessments" in result.checked


def test_the_build_date_is_found_without_reading_the_whole_data(
    edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate._build_date gives revision.data_revision's date (outside git, no
    SOURCE_DATE_EPOCH) from each dated table's column, cached by the table's hash; a later
    decision date in an edited row moves it."""
    from generator.data.cache import ValidationCache
    from generator.data.rawcsv import file_sha256
    from generator.data.schema import load_package
    from generator.revision import data_revision

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    package, cache_dir = edited
    spec, _ = load_package(package)
    cache = ValidationCache(cache_dir)

    def dates() -> tuple[object, object]:
        hashes = {r.name: file_sha256(r.path) for r in spec.resources}
        return validate_mod._build_date(spec, cache, hashes), data_revision(package).date

    ours, theirs = dates()
    assert ours == theirs
    path = package / "awards.csv"
    text = path.read_text(encoding="utf-8")
    header = text.split("\n", 1)[0].split(",")
    lines = text.split("\n")
    cells = lines[1].split(",")
    cells[header.index("decision_date")] = "2030-12-31"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    ours, theirs = dates()
    assert str(ours) == str(theirs) == "2030-12-31"
    # Control: the cache is what answers for an unchanged table (another date stored under
    # the table's current hash is believed), so the table's column was not read again.
    held = cache.get_dates()
    assert held["awards"][1] == "2030-12-31"
    held["awards"] = (file_sha256(path), "2000-01-01")
    cache.put_dates(held)
    assert str(dates()[0]) != "2030-12-31"


def test_the_build_date_follows_a_row_edit(
    edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """By rows: a later date added moves the build's date; removing the latest date again
    (the stored one is gone) finds the previous latest, as data_revision does."""
    from generator.data.cache import ValidationCache
    from generator.revision import data_revision

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    package, cache_dir = edited
    path = package / "assessments.csv"
    original = path.read_text(encoding="utf-8")
    lines = original.split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("decision_date")] = "2031-01-02"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    result = validate_package(package, cache_dir=cache_dir)
    assert result.by_rows == ["assessments"]
    assert ValidationCache(cache_dir).get_dates()["assessments"][1] == "2031-01-02"
    assert str(data_revision(package).date) == "2031-01-02"
    path.write_text(original, encoding="utf-8")
    result = validate_package(package, cache_dir=cache_dir)
    assert result.by_rows == ["assessments"]
    column = header.index("decision_date")
    expected = max(row.split(",")[column] for row in original.split("\n")[1:] if row)
    assert ValidationCache(cache_dir).get_dates()["assessments"][1] == expected


def test_a_hidden_character_in_a_changed_row_is_found_without_searching_the_table(
    edited: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row path searches the stored text for hidden characters once (then knows it in
    memory) and the new text only in its changed lines (`rowlevel._hidden`): a zero-width
    space typed into one yearly result is reported as the whole-table check reports it.
    Negative control (run by hand): `_hidden` answering "none" fails this test."""
    package, cache = edited
    path = package / "assessments.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",", ",\u200b", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    shutil.copytree(cache, tmp_path / "whole")
    for state in (tmp_path / "whole" / "validate").glob("*.rows"):
        state.unlink()
    by_rows, tables = _lines(package, cache)
    whole, _ = _lines(package, tmp_path / "whole")
    assert "assessments" in tables
    assert by_rows == whole
    assert any("U+200B" in line for line in by_rows)


def test_edits_on_a_state_held_in_memory_find_what_the_whole_check_finds(
    edited: tuple[Path, Path], tmp_path: Path
) -> None:
    """`antq serve` holds the row states in memory (`RowMemory`) and each edit splices the
    held state's facts in place: a chain of edits (a row given the key of another, a row
    added with that key too, the first row removed, every row of that key removed) each
    finds by rows exactly what a whole-table check finds."""
    package, cache = edited
    memory = rowlevel.RowMemory()
    path = package / "assessments.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = lines[:-1] if lines[-1] == "" else lines
    first = lines[1].split(",")

    def keyed(line: str) -> str:
        return ",".join(first[:2] + line.split(",")[2:])

    edits = [
        lambda t: [*t[:3], keyed(t[3]), *t[4:]],
        lambda t: [*t, keyed(t[-1])],
        lambda t: [t[0], *t[2:]],
        lambda t: [t[0], *(x for x in t[1:] if not x.startswith(",".join(first[:2]) + ","))],
    ]
    found: list[list[tuple[str, int | None]]] = []
    for edit in edits:
        lines = edit(lines)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = validate_package(package, cache_dir=cache, row_states=memory)
        assert result.by_rows == ["assessments"]
        whole = validate_package(package, use_cache=False)
        assert [p.line() for p in result.problems] == [p.line() for p in whole.problems]
        found.append([(p.code, p.row) for p in result.errors])
    assert all(found[:3]) and found[3] == []  # not vacuous: duplicates found, then none


def _held_after_an_edit(
    package: Path, cache: Path
) -> tuple[rowlevel.RowMemory, Path, list[str], rowlevel.RowState | None]:
    """assessments.csv edited once (a row added) and validated with its row state held in
    memory: the memory, the table's path, its lines before the edit and the held state."""
    memory = rowlevel.RowMemory()
    path = package / "assessments.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join([*lines, lines[-1].replace(",2024,", ",2019,", 1)]) + "\n")
    assert validate_package(package, cache_dir=cache, row_states=memory).by_rows
    return memory, path, lines, memory.get(cache / "validate", "assessments")[1]


@pytest.mark.parametrize("check", [False, True])
def test_stale_key_counts_miss_a_duplicate_and_the_check_catches_them(
    check: bool, edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Negative control of `RowState.counts`: counts that forget the rows holding a key
    (as if an edit had not moved them) make a new duplicate of that key look alone, and it
    is missed; ANTQ_CHECK_DEPS=1 counts again after each edit and stops the build."""
    monkeypatch.delenv("ANTQ_CHECK_DEPS", raising=False)  # (a run of the suite with it set)
    package, cache = edited
    memory, path, lines, state = _held_after_an_edit(package, cache)
    assert state is not None and state.counts is not None
    state.counts = {"pk": Counter(), "nfc": Counter()}  # forgotten
    first = lines[1].split(",")
    cells = lines[-1].split(",")
    path.write_text("\n".join([*lines, ",".join(first[:2] + cells[2:])]) + "\n")
    if check:
        monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
        with pytest.raises(RuntimeError, match="key counts"):
            validate_package(package, cache_dir=cache, row_states=memory)
        return
    result = validate_package(package, cache_dir=cache, row_states=memory)
    assert result.by_rows == ["assessments"] and not result.errors  # stale: missed
    assert validate_package(package, use_cache=False).errors  # the duplicate is there


@pytest.mark.parametrize("stale", [False, True])
def test_a_held_states_bytes_find_the_next_edit(
    stale: bool, edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state held in memory keeps the bytes its text was decoded from (`RowState.data`):
    the next edit's lines are found by comparing bytes (the span the warm patch and the
    open data's split find made), and the row path finds what a whole check finds. Negative
    control (`stale`): held bytes that are not the state's (here the table's next bytes
    already) hide the edit, and the row path misses the duplicate it makes."""
    package, cache = edited
    memory, path, lines, state = _held_after_an_edit(package, cache)
    assert state is not None and state.data == path.read_bytes()
    compared: list[type] = []
    real = rowlevel._edit_lines

    def spy(old, new):  # type: ignore[no-untyped-def]
        compared.append(type(old))
        return real(old, new)

    monkeypatch.setattr(rowlevel, "_edit_lines", spy)
    first, cells = lines[1].split(","), lines[-1].split(",")
    edit = "\n".join([*lines, ",".join(first[:2] + cells[2:])]) + "\n"  # a duplicate key
    if stale:
        state.data = edit.encode()
    path.write_text(edit, encoding="utf-8")
    result = validate_package(package, cache_dir=cache, row_states=memory)
    assert result.by_rows == ["assessments"] and compared == [bytes]
    whole = validate_package(package, use_cache=False)
    assert whole.errors
    lines_found = [p.line() for p in result.problems]
    if stale:
        assert lines_found != [p.line() for p in whole.problems]  # stale: missed
        return
    assert lines_found == [p.line() for p in whole.problems]


@pytest.mark.parametrize("check", [False, True])
def test_the_row_ceiling_counts_the_lines_from_the_held_bytes(
    check: bool, edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a row state held in memory, the table's row ceiling (`validate._ceiling`) takes
    the line count from the span between the held bytes and the new ones (`_known_lines`),
    which the row path finds anyway, instead of counting the text. Negative control: the
    held bytes' count taken for the new ones is stale, and a table over its ceiling
    passes; ANTQ_CHECK_DEPS=1 counts the text too and stops."""
    monkeypatch.delenv("ANTQ_CHECK_DEPS", raising=False)
    package, cache = edited
    memory, path, lines, state = _held_after_an_edit(package, cache)
    assert state is not None and state.data is not None
    schema = package / "schemas" / "assessments.yaml"
    rows = len(lines)  # (the header and the rows before the edit, plus the row it added)
    text = schema.read_text(encoding="utf-8").replace(
        "x-antq-max-rows: 1000000", "x-antq-max-rows: 0"
    )
    schema.write_text(text.replace("x-antq-max-rows: 0", f"x-antq-max-rows: {rows}"))
    path.write_text("\n".join([*lines, lines[-1], lines[-1]]) + "\n")  # one row too many
    assert any(p.code == "too-many-rows" for p in validate_package(package).errors)
    import generator.data.validate as validate

    real = validate.line_span  # stale: the held bytes' lines, not the new ones'
    monkeypatch.setattr(validate, "line_span", lambda a, b, first=0: real(a, a, first))
    if check:
        monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
        with pytest.raises(RuntimeError, match="lines found from the held bytes differ"):
            validate_package(package, cache_dir=cache, row_states=memory)
        return
    found = validate_package(package, cache_dir=cache, row_states=memory)
    assert not any(p.code == "too-many-rows" for p in found.errors)  # stale: missed
