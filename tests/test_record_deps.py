"""Issue 18 item 2: record-level dependencies (generator.deps). After edits that change, add,
rename and remove rows of every leaf table, the incremental site equals a clean build byte
for byte, each build in a new process with ANTQ_CHECK_DEPS=1 (every page reused by its keys
is made anyway and must give the same key); pages are reused when only leaf rows changed,
none when another table did. Negative control: a xã page that forgets a model's key is
caught by the check, and without it serves a stale page."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from generator import deps
from generator.build import BuildOptions, build_site
from generator.data.load import read_package
from generator.model import build_model
from generator.pages import units
from generator.settings import load_settings
from tests.test_build_reliability import contents

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1763683200"

# Every table with a province is split into province files (the good fixture's tables are
# under limits.SPLIT_ABOVE): an edit's open-data files are checked too.
_SCRIPT = """
import sys
from pathlib import Path
from generator import limits
from generator.build import BuildOptions, build_site
limits.SPLIT_ABOVE = 1
data, out, site, mode = sys.argv[1:]
r = build_site(BuildOptions(Path(data), Path(out), Path(site), full=mode == "full"))
print(r.written, r.kept)
"""


def _build(
    data: Path, out: Path, site: Path, cache: Path, *, full: bool = False, epoch: bool = True
) -> int:
    """One build in a new process with the dependency check on; returns the pages kept.
    `epoch`: SOURCE_DATE_EPOCH fixes the build's date (else the data gives it)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH")}
    env.update(ANTQ_CACHE_DIR=str(cache), ANTQ_CHECK_DEPS="1")
    if epoch:
        env["SOURCE_DATE_EPOCH"] = EPOCH
    args = [str(data), str(out), str(site), "full" if full else "incremental"]
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *args],
        cwd=cache.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[1])


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


# A column per leaf table whose value its pages or data files show.
CHANGE = {
    "assessments": "result",
    "awards": "recipient_name",
    "movement_classes": "score",
    "targets": "percent",
    "model_sites": "members",
    "security_teams": "members",
    "security_team_ratings": "rating",
    "events": "title",
}
SWAP = {"dat": "chua_dat", "chua_dat": "dat", "hoan_thanh_tot": "hoan_thanh"}


def _change(data: Path) -> None:
    """One cell of the first row of every leaf table changed."""
    for table, column in CHANGE.items():
        header, rows = _rows(data / f"{table}.csv")
        i = header.index(column)
        value = rows[0][i]
        if value in SWAP:
            rows[0][i] = SWAP[value]
        elif value.replace(".", "").isdigit():
            rows[0][i] = str(int(float(value)) - 1)
        else:
            rows[0][i] = value + " mới"
        _write(data / f"{table}.csv", header, rows)


def _set(row: list[str], header: list[str], **cells: str) -> list[str]:
    out = list(row)
    for name, value in cells.items():
        out[header.index(name)] = value
    return out


# Per leaf table: a row added (a copy of the first under a new key) and a record renamed
# (its key changed), in years the site already shows (a new year changes every page).
ADD_RENAME = {
    "assessments": ({"place_id": "xa-11113"}, (-1, {"year": "2024"})),
    "movement_classes": ({"year": "2024"}, (1, {"year": "2024"})),
    "targets": ({"kind": "co_quan"}, (0, {"year": "2024"})),
    "awards": ({"id": "2025-moi"}, (1, {"id": "2024-doi-ten"})),
    "model_sites": ({"id": "tka-moi", "place_id": ""}, (1, {"id": "tka-doi-ten"})),
    "security_teams": (
        {"id": "to-antt-moi", "area_name": "Thôn Mới", "place_id": ""},
        (2, {"id": "to-antt-doi-ten"}),
    ),
    "security_team_ratings": ({"year": "2024"}, None),
    "events": ({"id": "su-kien-moi"}, (0, {"id": "ngay-hoi-doi-ten"})),
}


def _add_and_rename(data: Path) -> None:
    """A row added to every leaf table and a record renamed in each but the ratings (a tổ
    renamed takes its ratings with it, and none refers to the tổ renamed here)."""
    for table, (added, rename) in ADD_RENAME.items():
        header, rows = _rows(data / f"{table}.csv")
        new = _set(rows[0], header, **added)
        if rename is not None:
            index, cells = rename
            rows[index] = _set(rows[index], header, **cells)
        _write(data / f"{table}.csv", header, [*rows, new])


# Per leaf table: the row removed (one that no other row refers to).
REMOVE = {
    "assessments": 0,
    "movement_classes": 0,
    "targets": 0,
    "awards": 1,
    "model_sites": 0,
    "security_teams": 2,
    "security_team_ratings": 0,
    "events": 1,
}


def _remove(data: Path) -> None:
    """A row removed from every leaf table."""
    for table, index in REMOVE.items():
        header, rows = _rows(data / f"{table}.csv")
        _write(data / f"{table}.csv", header, rows[:index] + rows[index + 1 :])


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(ROOT / "site", target)
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path, Path]]:
    """The good fixture package built once (new process): its data, output, site, cache."""
    root = tmp_path_factory.mktemp("deps")
    data, site_dir = root / "data", root / "site"
    shutil.copytree(ROOT / "tests" / "fixtures" / "good", data)
    shutil.copytree(ROOT / "site", site_dir)
    for table in CHANGE:  # written as the edits write them: an edit's diff is its rows
        _write(data / f"{table}.csv", *_rows(data / f"{table}.csv"))
    out, cache = root / "public", root / "cache"
    _build(data, out, site_dir, cache)
    yield data, out, site_dir, cache


# The tests of the built package (`site`) build on each other's edits, in order: one worker
# runs them all (pytest-xdist, --dist loadgroup).
ONE_PACKAGE = pytest.mark.xdist_group("record-deps-one-package")


@ONE_PACKAGE
@pytest.mark.parametrize("step", [_change, _add_and_rename, _remove])
def test_leaf_edits_equal_a_clean_build_and_reuse_pages(site, step, tmp_path) -> None:
    """Runs in order on one package: change, add and rename, remove — each incremental
    build (keys checked) equals a clean build, and reuses the pages the edit did not touch."""
    data, out, site_dir, cache = site
    before = contents(out)
    step(data)
    kept = _build(data, out, site_dir, cache)
    _build(data, tmp_path / "clean", site_dir, tmp_path / "cache", full=True)
    after, expected = contents(out), contents(tmp_path / "clean")
    assert sorted(k for k in expected if after.get(k) != expected[k]) == []
    assert after.keys() == expected.keys()
    assert after != before
    assert kept > 0


@ONE_PACKAGE
def test_another_tables_edit_makes_every_page(site, tmp_path) -> None:
    """A place renamed (not a leaf table): the whole pass, no page reused, and the site
    equals a clean build."""
    data, out, site_dir, cache = site
    header, rows = _rows(data / "places.csv")
    rows[-1][header.index("name")] += " mới"
    _write(data / "places.csv", header, rows)
    assert _build(data, out, site_dir, cache) == 0
    _build(data, tmp_path / "clean", site_dir, tmp_path / "cache", full=True)
    assert contents(out) == contents(tmp_path / "clean")


def _commit(repo: Path, when: str, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    command = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args]
    subprocess.run(command, check=True, env=env, capture_output=True)


@pytest.mark.parametrize("epoch", [True, False], ids=["SOURCE_DATE_EPOCH", "commit-date"])
def test_a_committed_leaf_edit_reuses_the_pages_it_does_not_touch(epoch, tmp_path) -> None:
    """The data in a git repository, as officials publish it (each edit a commit): a leaf
    edit reuses the pages it does not touch, the new commit being no input of their keys,
    whether SOURCE_DATE_EPOCH or the commit gives the build's date. A commit on another day
    (without SOURCE_DATE_EPOCH) makes every page again: each shows the date. Every
    incremental site equals a clean build (dependency check on)."""
    data, site_dir = tmp_path / "data", tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "fixtures" / "good", data)
    shutil.copytree(ROOT / "site", site_dir)
    for table in CHANGE:
        _write(data / f"{table}.csv", *_rows(data / f"{table}.csv"))
    _commit(data, "2025-11-20T08:00:00+07:00", "init", "-q")
    _commit(data, "2025-11-20T08:00:00+07:00", "add", "-A")
    _commit(data, "2025-11-20T08:00:00+07:00", "commit", "-qm", "dữ liệu")
    out, cache = tmp_path / "public", tmp_path / "cache"
    _build(data, out, site_dir, cache, epoch=epoch)

    def same_as_clean(name: str) -> bool:
        clean = tmp_path / f"clean-{name}"
        _build(data, clean, site_dir, tmp_path / f"cache-{name}", full=True, epoch=epoch)
        return contents(out) == contents(clean)

    _change(data)
    _commit(data, "2025-11-20T15:30:00+07:00", "commit", "-qam", "sửa một dòng")
    kept = _build(data, out, site_dir, cache, epoch=epoch)
    assert kept > 0 and same_as_clean("edit")
    if not epoch:
        _remove(data)
        _commit(data, "2025-11-22T09:00:00+07:00", "commit", "-qam", "xóa một dòng")
        assert _build(data, out, site_dir, cache, epoch=epoch) == 0
        assert same_as_clean("next-day")


# -- the row mapping, and the negative control ---------------------------------------------------


def test_rows_that_cannot_be_mapped_give_the_whole_pass() -> None:
    header = "id,name"
    assert deps.parse_rows(header, ['a,"one', 'line",x']) is None  # a cell over two lines
    assert deps.parse_rows(header, ["a"]) is None  # a short row
    assert deps.parse_rows(header, ["a,b"]) == [{"id": "a", "name": "b"}]
    assert deps.changed_lines(b"id\n1\n2\n3\n", b"x\n1\n2\n3\n") is None  # another header
    assert deps.changed_lines(b"id\n1\n2\n3\n", b"id\n1\n9\n3\n") == (["2"], ["9"])
    assert deps.changed_lines(b"id\n1\n2\n", b"id\n1\n2\n3\n") == ([], ["3"])
    # An unchanged line between two changes is not a changed row; a moved one is.
    assert deps.changed_lines(b"id\n1\n2\n3\n", b"id\n9\n2\n3\n4\n") == (["1"], ["9", "4"])
    assert deps.changed_lines(b"id\n1\n2\n3\n", b"id\n2\n3\n1\n") == (["1"], ["1"])


def test_a_legacy_unit_code_is_not_mapped(make_package, tmp_path) -> None:
    """The loader resolves a legacy code to a successor: the mapping does not guess it."""
    data = make_package()
    dataset = read_package(data)
    model = build_model(dataset, load_settings(ROOT / "site"), date(2026, 1, 1))
    mapper = deps.RowMapper(model, dataset)
    assert mapper.keys("movement_classes", {"unit_code": "11113"}) == {
        "u:11113",
        "u:31",
        "t:movement_classes",
    }
    with pytest.raises(deps._Unmapped):
        mapper.keys("movement_classes", {"unit_code": "11122"})  # legacy: merged into 11113
    with pytest.raises(deps._Unmapped):
        mapper.keys("awards", {"unit_code": "", "model_id": ""})


def test_a_forgotten_key_is_caught(make_package, site_dir, tmp_path, monkeypatch) -> None:
    """Negative control: xã pages that forget the models their cards show. A site added to
    a model elsewhere changes the card's count on another xã's page; the check stops the
    build, and without it that page would be stale."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(units, "ward_deps", lambda ward: frozenset({deps.unit_key(ward.code)}))
    data, out = make_package(), tmp_path / "public"
    options = BuildOptions(data, out, site_dir)
    build_site(options)
    header, rows = _rows(data / "model_sites.csv")
    added = list(rows[0])  # tieng-keng-an-ninh in 11140; 11113's page shows its card too
    added[header.index("id")] = "tka-moi"
    added[header.index("place_id")] = ""
    _write(data / "model_sites.csv", header, [*rows, added])
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
    with pytest.raises(RuntimeError, match="reused by its deps"):
        build_site(options)
    monkeypatch.delenv("ANTQ_CHECK_DEPS")
    report = build_site(options)
    assert report.kept > 0
    build_site(BuildOptions(data, tmp_path / "clean", site_dir, full=True))
    assert contents(out) != contents(tmp_path / "clean")


def test_forgotten_list_and_file_keys_are_caught(make_package, site_dir, tmp_path) -> None:
    """Negative controls for the keyed lists and open-data files, built from the start with
    award lists whose pages forget their awards' keys and province files whose digest
    forgets their rows. An award renamed: the check stops the build at the list page, and
    with the lists' keys right, at the province's file; without it both are stale (a clean
    build differs)."""
    from generator import limits
    from generator.pages import awards, opendata

    data, out = make_package(), tmp_path / "public"
    _write(data / "awards.csv", *_rows(data / "awards.csv"))  # as the edit writes it
    options = BuildOptions(data, out, site_dir)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        mp.setenv("ANTQ_CACHE_DIR", str(tmp_path / "cache"))
        mp.setattr(limits, "SPLIT_ABOVE", 1)
        mp.setattr(opendata, "_rows_digest", lambda header, rows: "-")
        with pytest.MonkeyPatch.context() as forgetful:
            forgetful.setattr(awards, "award_key", lambda award_id: "a:-")
            build_site(options)
            header, rows = _rows(data / "awards.csv")
            rows[0][header.index("recipient_name")] += " mới"
            _write(data / "awards.csv", header, rows)
            mp.setenv("ANTQ_CHECK_DEPS", "1")
            with pytest.raises(RuntimeError, match="reused by its deps"):
                build_site(options)
        with pytest.raises(RuntimeError, match="kept by its key"):
            build_site(options)  # the list pages' keys changed: made again, not checked
        mp.delenv("ANTQ_CHECK_DEPS")
        with pytest.MonkeyPatch.context() as forgetful:
            forgetful.setattr(awards, "award_key", lambda award_id: "a:-")
            assert build_site(options).kept > 0
        mp.setenv("ANTQ_CACHE_DIR", str(tmp_path / "clean-cache"))
        build_site(BuildOptions(data, tmp_path / "clean", site_dir, full=True))
    after, expected = contents(out), contents(tmp_path / "clean")
    stale = sorted(k for k in expected if after.get(k) != expected[k])
    assert "khen-thuong/2025/index.html" in stale
    assert {"du-lieu/awards/31.csv.gz", "du-lieu/awards/31.json"} <= set(stale)
