"""Issue 18: the warm state of `antq serve` (generator.warm). One long-lived Builder process
(this one, holding a `Warm` as the server does) builds a sequence of edits — a row changed,
added, renamed and removed in every leaf table, then an award and a yearly result alone
(the model patched, not built) — each with ANTQ_CHECK_DEPS=1 (the patched records and model
are compared with a whole pass's), and each site equals a clean build made in a new process,
byte for byte. Negative control: an award patch that forgets the model is caught by the
check, and without it the site is stale. What cannot be patched falls back to the pass."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import limits, warm
from generator.build import Builder, BuildOptions, build_site
from generator.data.schema import load_package
from generator.pages import opendata
from tests.test_build_reliability import contents
from tests.test_record_deps import (
    CHANGE,
    EPOCH,
    _add_and_rename,
    _build,
    _change,
    _remove,
    _rows,
    _write,
)

ROOT = Path(__file__).resolve().parents[1]


def _award(data: Path) -> None:
    """One recipient's name changed (search text)."""
    header, rows = _rows(data / "awards.csv")
    rows[-1][header.index("recipient_name")] += " Sơn"
    _write(data / "awards.csv", header, rows)


def _result(data: Path) -> None:
    """One yearly result flipped, and one added for a place without that year's."""
    header, rows = _rows(data / "assessments.csv")
    i = header.index("result")
    rows[-1][i] = "chua_dat" if rows[-1][i] == "dat" else "dat"
    _write(data / "assessments.csv", header, rows)


class _Env:
    """The environment of the builds in this process (a module fixture cannot monkeypatch)."""

    def __init__(self, cache: Path) -> None:
        self.values = {
            "ANTQ_CACHE_DIR": str(cache),
            "SOURCE_DATE_EPOCH": EPOCH,
            "ANTQ_CHECK_DEPS": "1",
        }
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        for key, value in self.values.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value

    def __exit__(self, *exc: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module", autouse=True)
def _split_every_table() -> Iterator[None]:
    """Every table with a province split into province files (as the clean builds of
    tests.test_record_deps._build): the good fixture's tables are under the threshold."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(limits, "SPLIT_ABOVE", 1)
        yield


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BuildOptions, Path]]:
    """The good fixture package built once in this process with a warm holder (as `antq
    serve` builds: pages first, index caught up after; the lock held by the caller — here
    nobody else builds)."""
    root = tmp_path_factory.mktemp("warm")
    options = serve_options(root)
    with _Env(root / "cache"):
        build_site(options)
    yield options, root


def serve_options(root: Path) -> BuildOptions:
    """The good fixture package and the site copied under `root`, and the options `antq
    serve` builds them with (a warm holder, index deferred, writes in place)."""
    data, site_dir = root / "data", root / "site"
    shutil.copytree(ROOT / "tests" / "fixtures" / "good", data)
    shutil.copytree(ROOT / "site", site_dir)
    for table in CHANGE:  # written as the edits write them
        _write(data / f"{table}.csv", *_rows(data / f"{table}.csv"))
    return BuildOptions(
        data,
        root / "public",
        site_dir,
        parallel=False,
        defer_search=True,
        warm=warm.Warm(),
        in_place=True,
    )


def _award_and_result(data: Path) -> None:
    _award(data)
    _result(data)


# Each step, whether its model is patched (else built again from the records in memory),
# and whether the site is compared with a clean build in a new process after it (every
# step is checked against a whole pass in memory: ANTQ_CHECK_DEPS=1).
STEPS: list[tuple[Callable[[Path], None], bool, bool]] = [
    (_change, False, False),
    (_add_and_rename, False, False),
    (_award_and_result, True, True),
    (_remove, False, True),
]


def test_edits_in_memory_equal_a_clean_build(served, tmp_path) -> None:
    """One warm state through every step: a row changed, added, renamed and removed in
    every leaf table, then an award and a yearly result alone; each is patched in memory
    (checked against a whole pass) and the site equals a clean build in a new process."""
    options, root = served
    holder = options.warm
    assert holder is not None
    for number, (step, model_patched, compare) in enumerate(STEPS):
        before = contents(options.out_dir)
        inodes = _inodes(options.out_dir)
        step(options.data_dir)
        with _Env(root / "cache"):
            report = build_site(options)
        # Written in place (as `antq serve` writes): an unchanged file is the same inode,
        # not a link in a new folder swapped in, and no staging folder is left.
        now = _inodes(options.out_dir)
        assert sum(now.get(rel) == ino for rel, ino in inodes.items()) >= report.linked > 0
        assert [p.name for p in root.iterdir() if p.name.startswith(".public")] == []
        assert holder.patched, f"step {number}: the warm state was not used"
        assert holder.model_patched == model_patched
        assert report.kept > 0
        after = contents(options.out_dir)
        assert after != before
        if compare:
            with _Env(root / "cache"):
                Builder(options).catch_up_search()  # as the server does, after the pages
            after = contents(options.out_dir)
            clean, cache = tmp_path / f"clean-{number}", tmp_path / f"cache-{number}"
            _build(options.data_dir, clean, options.site_dir, cache, full=True)
            expected = contents(clean)
            assert sorted(k for k in expected if after.get(k) != expected[k]) == []
            assert after.keys() == expected.keys()
            assert _folders(options.out_dir) == _folders(clean)  # none left empty


def _inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*")}


def _folders(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())


def test_another_tables_edit_takes_the_whole_pass(served) -> None:
    """A place renamed (not a leaf table): the state is not used (the build checks every
    reused page); the state the pass leaves serves the next edit."""
    options, root = served
    holder = options.warm
    assert holder is not None
    header, rows = _rows(options.data_dir / "places.csv")
    rows[-1][header.index("name")] += " mới"
    _write(options.data_dir / "places.csv", header, rows)
    with _Env(root / "cache"):
        build_site(options)
        assert holder.patched == ()
        _award(options.data_dir)
        build_site(options)
        assert holder.patched == ("awards",)
    header, rows = _rows(options.data_dir / "awards.csv")
    name = rows[-1][header.index("recipient_name")].encode()
    assert any(name in p.read_bytes() for p in options.out_dir.rglob("*.html"))


def test_a_forgotten_model_patch_is_caught(served, monkeypatch) -> None:
    """Negative control: the award patch leaves the model alone. With the check the build
    stops; without it the site is stale: no page shows the new name."""
    options, root = served
    holder = options.warm
    assert holder is not None
    monkeypatch.setattr(warm, "_patch_awards", lambda model, removed, added: None)
    _award(options.data_dir)
    with _Env(root / "cache"), pytest.raises(warm.WarmMismatch, match="model patched"):
        build_site(options)
    with _Env(root / "cache"):
        build_site(options)  # the failed build left no state: the whole pass
        assert holder.patched == ()
        header, rows = _rows(options.data_dir / "awards.csv")
        name = rows[-1][header.index("recipient_name")] + " Sơn"
        _award(options.data_dir)
        os.environ["ANTQ_CHECK_DEPS"] = "0"
        build_site(options)
    assert holder.model_patched
    pages = [p.read_bytes() for p in options.out_dir.rglob("*.html")]
    assert not any(name.encode() in page for page in pages)
    holder.clear()  # what this test left is wrong on purpose


def test_lines_that_are_not_one_row_give_the_whole_pass() -> None:
    spec = next(
        s
        for s in load_package(ROOT / "tests" / "fixtures" / "good")[0].resources
        if s.name == "events"
    )
    data = (ROOT / "tests" / "fixtures" / "good" / "events.csv").read_bytes()
    header, rest = data.split(b"\n", 1)
    lines = [line for line in rest.split(b"\n") if line]
    from generator.data.load import read_resource, unit_converter

    records = tuple(read_resource(spec, unit_converter(ROOT / "tests" / "fixtures" / "good")))
    convert = unit_converter(ROOT / "tests" / "fixtures" / "good")
    same = warm.patch_table(spec, data, data, records, convert)
    assert same is not None and same[0] == records and same[1] == ((), ())
    last = lines[-1]
    edited = data.replace(last, last.replace(b",", b',"x\ny",', 1))  # a cell over two lines
    assert warm.patch_table(spec, data, edited, records, convert) is None
    assert warm.patch_table(spec, data, data + b"\n", records, convert) is None  # blank line
    assert warm.patch_table(spec, data, data.replace(b"\n", b"\r\n"), records, convert) is None
    assert warm.patch_table(spec, data, b"\xef\xbb\xbf" + data, records, convert) is None
    assert warm.patch_table(spec, data, header + b",x\n" + rest, records, convert) is None
    # Only the changed lines are decoded (rawcsv.line_span): one not UTF-8 is refused.
    assert (
        warm.patch_table(spec, data, data.replace(last, last + b"\xff"), records, convert) is None
    )


def test_an_award_rewrites_its_provinces_files_only(served) -> None:
    """An award renamed in one province: of the open data, the awards table's whole file
    and that province's two files are written again; every other file is linked from the
    last build (the same inode), their keys being the digests of their rows."""
    options, root = served
    out = options.out_dir
    header, rows = _rows(options.data_dir / "awards.csv")
    unit = rows[-1][header.index("unit_code")]
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")}
    _award(options.data_dir)
    with _Env(root / "cache"):
        build_site(options)
    written = sorted(
        rel
        for p in (out / "du-lieu").rglob("*.*")
        if before.get(rel := p.relative_to(out).as_posix()) != p.stat().st_ino
        and not rel.endswith(".html")
    )
    units, parents = _rows(options.data_dir / "units.csv")
    province = next(r[units.index("parent_code")] for r in parents if r[0] == unit) or unit
    expected = ["awards.csv.gz", f"awards/{province}.csv.gz", f"awards/{province}.json"]
    assert written == [f"du-lieu/{name}" for name in expected]


def test_a_forgotten_map_key_is_caught(served, monkeypatch) -> None:
    """Negative control for what the families keep in memory (`Source.reused`): province
    maps kept under a key no row maps to. A site added to a xã: the check stops the build;
    without it, after the site is removed again, the maps still count it (stale)."""
    from generator.pages import maps as map_pages

    options, root = served
    data, out = options.data_dir, options.out_dir
    monkeypatch.setattr(map_pages, "unit_key", lambda code: "u:-")
    header, rows = _rows(data / "model_sites.csv")
    added = list(rows[0])
    added[header.index("id")], added[header.index("place_id")] = "tka-ban-do", ""

    def maps_now() -> dict[str, bytes]:
        return {k: v for k, v in contents(out).items() if k.startswith("ban-do/")}

    with _Env(root / "cache"):
        _award(data)
        build_site(options)  # (a whole pass when an earlier test left no state)
        original = maps_now()
        _write(data / "model_sites.csv", header, [*rows, added])
        with pytest.raises(RuntimeError, match="kept by its keys"):
            build_site(options)
        os.environ["ANTQ_CHECK_DEPS"] = "0"
        build_site(options)  # the failed build left no state: the whole pass
        with_site = maps_now()
        _write(data / "model_sites.csv", header, rows)
        build_site(options)
        assert options.warm is not None and options.warm.patched == ("model_sites",)
    assert with_site != original
    assert maps_now() == with_site  # stale: the added site is still counted
    options.warm.clear()  # what this test left is wrong on purpose


def test_the_open_data_split_is_patched_and_a_stale_one_is_caught(served, monkeypatch) -> None:
    """The split of a table an edit changed is kept (generator.pages.opendata._Kept) and
    the next edit of a row in place patches it (checked against a whole split: the tests
    build with ANTQ_CHECK_DEPS=1; the site against a clean build in the first test).
    Negative control: a patch that leaves the rows as they were is caught."""
    options, root = served
    data = options.data_dir
    real = opendata._patch_split
    seen: list[dict[str, str] | None] = []

    def counted(kept: Any, new: bytes) -> dict[str, str] | None:
        seen.append(real(kept, new))
        return seen[-1]

    def stale(kept: Any, new: bytes) -> dict[str, str]:
        kept.data = new
        return dict(kept.digests)

    with _Env(root / "cache"):
        _award(data)
        build_site(options)  # a warm state to patch, whatever the tests before left
        _result(data)
        build_site(options)
        assert "assessments" in opendata._KEPT
        monkeypatch.setattr(opendata, "_patch_split", counted)
        _result(data)
        build_site(options)
        assert seen and seen[-1] is not None
        monkeypatch.setattr(opendata, "_patch_split", stale)
        _result(data)
        try:
            with pytest.raises(RuntimeError, match="split patched in memory differs"):
                build_site(options)
        finally:
            opendata._KEPT.clear()  # what this test left is wrong on purpose


def test_the_open_data_is_carried_over_and_a_stale_carry_is_caught(served, monkeypatch) -> None:
    """An edit of awards makes again only the awards table's open data (`opendata.Carried`:
    each other table's downloads and field reference are the last build's objects, handed
    back; the provinces not read again), checked against a whole make (ANTQ_CHECK_DEPS=1;
    the site against a clean build in the first test). Negative control: a carry keyed
    without the table's bytes is caught by the check, and without it the published
    awards.csv.gz is stale."""
    import gzip

    options, root = served
    holder = options.warm
    assert holder is not None
    data, out = options.data_dir, options.out_dir

    def carried() -> opendata.Carried:
        assert holder is not None and holder._state is not None
        found = holder._state.families[opendata.CARRIED]
        assert isinstance(found, opendata.Carried)
        return found

    with _Env(root / "cache"):
        _award(data)
        build_site(options)  # a warm state, whatever the tests before left
        before = carried()
        _award(data)
        build_site(options)
        assert holder.patched == ("awards",)
        after = carried()
        assert after.provinces is before.provinces
        same = {n for n in after.tables if after.tables[n][3] is before.tables[n][3]}
        assert same == set(after.tables) - {"awards"}
        assert after.index is not None and before.index is not None
        assert after.index[1] is not before.index[1]  # /du-lieu/ shows the new sizes
        monkeypatch.setattr(opendata, "_table_key", lambda spec, index, split: (split,))
        monkeypatch.setattr(opendata, "_split_current", lambda memo, spec: True)
        build_site(dataclasses.replace(options, full=True))  # a state keyed that way
        _award(data)
        try:
            with pytest.raises(RuntimeError, match="open data: carried over"):
                build_site(options)
            os.environ["ANTQ_CHECK_DEPS"] = "0"
            build_site(options)  # the failed build left no state: the whole pass
            _award(data)
            build_site(options)
            assert holder.patched == ("awards",)
            published = gzip.decompress((out / "du-lieu" / "awards.csv.gz").read_bytes())
            assert published != (data / "awards.csv").read_bytes()  # stale
        finally:
            holder.clear()  # what this test left is wrong on purpose


def test_a_second_rebuild_of_one_save_builds_nothing(served) -> None:
    """A save the watcher reports twice: the second rebuild of `antq serve` (the index
    deferred, still pending) stops as unchanged and says the index is pending; `antq
    build` from the same inputs does not stop early (it makes the index). Negative
    control: without the `SEARCH_PENDING` case of `Builder._unchanged` the second
    rebuild makes the site again."""
    options, root = served
    with _Env(root / "cache"):
        _award(options.data_dir)
        first = build_site(options)
        assert first.search_pending and not first.skipped
        second = build_site(options)
        assert second.skipped and second.search_pending
        assert second.written == 0
        whole = dataclasses.replace(options, defer_search=False, warm=None, in_place=False)
        third = build_site(whole)
        assert not third.skipped and not third.search_pending


def test_row_states_stay_in_memory_until_flushed(served) -> None:
    """`antq serve` keeps the row-level validation states in memory (Warm.rows): an edit's
    rebuild neither reads nor writes the cache's state file; `flush` writes the state the
    memory holds, which then validates the next edit as the stored one would. Negative
    control: a flush that writes nothing leaves the file stale (the test fails)."""
    from generator.data.rowlevel import RowState, state_path

    options, root = served
    holder = options.warm
    assert holder is not None
    stored = state_path(root / "cache" / "validate", "awards")
    with _Env(root / "cache"):
        _award(options.data_dir)
        build_site(options)  # (the state may come from disk the first time)
        before = stored.read_bytes() if stored.is_file() else b""
        _award(options.data_dir)
        build_site(options)
        assert holder.patched == ("awards",)
        assert (stored.read_bytes() if stored.is_file() else b"") == before
        held, state = holder.rows.get(root / "cache" / "validate", "awards")
        assert held and state is not None
        assert state.text == (options.data_dir / "awards.csv").read_text(encoding="utf-8")
        holder.rows.flush()
        on_disk = RowState.load(stored.read_bytes())
        assert on_disk is not None and on_disk.text == state.text
        assert on_disk == RowState.load(state.dump())


def test_the_place_index_goes_on_and_a_stale_one_is_caught(served, monkeypatch) -> None:
    """The place index the first yearly-result patch makes (400,000 rows on the national
    package) goes on to the next state, patched, instead of being made again each edit
    (`warm.carry_place_index`): the next patch makes none (the one made is the check's,
    ANTQ_CHECK_DEPS=1). Negative control: an index left unpatched (the model right) is
    caught by the check."""
    options, root = served
    holder = options.warm
    assert holder is not None
    data = options.data_dir
    made: list[int] = []
    real_index, real_patch = warm._place_index, warm._patch_assessments

    def counted(state: Any) -> None:
        made.append(1)
        real_index(state)

    def forgetful(state: Any, removed: Any, added: Any) -> None:
        real_patch(state, removed, added)
        state.by_place[added[0].place_id].pop(added[0].year)

    with _Env(root / "cache"):
        _award(data)
        build_site(options)  # a warm state to patch, whatever the tests before left
        _result(data)
        build_site(options)
        assert holder.model_patched and holder._state is not None
        index = holder._state.by_place
        assert index is not None
        monkeypatch.setattr(warm, "_place_index", counted)
        _result(data)
        build_site(options)
        assert holder.model_patched and holder._state.by_place is index
        assert made == [1]
        monkeypatch.setattr(warm, "_patch_assessments", forgetful)
        _result(data)
        try:
            with pytest.raises(warm.WarmMismatch, match="place index"):
                build_site(options)
        finally:
            holder.clear()  # what this test left is wrong on purpose


def test_the_first_edit_of_a_large_leaf_table_patches_a_split(served, monkeypatch) -> None:
    """A long-lived process keeps, from its first build, the splits of the largest leaf
    tables (`opendata._eager_splits`), their digests cached or not: the first edit of the
    yearly results after the server started patches the split (checked against a whole
    split, ANTQ_CHECK_DEPS=1) instead of splitting the table. Negative control: without
    the splits kept from the first build, that edit finds none to patch."""
    options, root = served
    data = options.data_dir
    real = opendata._patch_split
    patched: list[dict[str, str] | None] = []

    def counted(kept: Any, new: bytes) -> dict[str, str] | None:
        patched.append(real(kept, new))
        return patched[-1]

    monkeypatch.setattr(opendata, "_patch_split", counted)
    fresh = dataclasses.replace(options, warm=warm.Warm())  # a server just started
    opendata._KEPT.clear()
    with _Env(root / "cache"):
        _award(data)  # (an output already current would be left as it is: no build)
        build_site(fresh)
        assert fresh.warm is not None and fresh.warm.patched == ()  # its first build
        assert {"assessments", "awards"} <= set(opendata._KEPT)
        _result(data)
        build_site(fresh)
        assert fresh.warm.patched == ("assessments",)
    assert len(patched) == 1 and patched[0] is not None


def test_the_kept_tables_are_not_hashed_again(served, monkeypatch) -> None:
    """A rebuild compares the leaf tables the warm state holds with the fingerprint by the
    digests it remembers (`WarmState.leaf`, the fingerprint's own for those bytes), not by
    reading and hashing ~70 MB again (the national package): with the fingerprint the same,
    every kept table is given back as the very object held and no file is read; a table
    whose digest changed is read again.
    Negative control (run by hand): ignoring `WarmState.leaf` (always reading) fails this."""
    options, root = served
    holder = options.warm
    assert holder is not None
    with _Env(root / "cache"):
        _award(options.data_dir)
        build_site(options)
    state = holder._state
    assert state is not None and state.leaf
    read: list[Path] = []
    real = Path.read_bytes

    def spy(path: Path) -> bytes:
        read.append(path)
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", spy)
    found = warm.read_changed(state, state.leaf)
    assert found is not None
    assert read == []
    assert all(found[name] is data for name, data in state.tables.items())
    changed = {**state.leaf, "awards.csv": b"-" * 32}  # a digest the held bytes do not have
    assert warm.read_changed(state, changed) is None  # read again: not the fingerprint's
    assert [path.name for path in read] == ["awards.csv"]


def test_the_place_index_is_made_between_rebuilds(served, monkeypatch) -> None:
    """`Warm.prepare` (called by `antq serve` after its first build and when the search
    has caught up) makes the place index of the state held, so the next yearly-result
    patch does not: the one index made during that rebuild is the check's
    (ANTQ_CHECK_DEPS=1). Negative control (run by hand): a `prepare` that makes nothing
    leaves the patch to make it (two)."""
    options, root = served
    holder = options.warm
    assert holder is not None
    data = options.data_dir
    made: list[int] = []
    real_index = warm._place_index

    def counted(state: Any) -> None:
        made.append(1)
        real_index(state)

    with _Env(root / "cache"):
        _result(data)
        build_site(options)  # a warm state to patch, whatever the tests before left
        holder.clear()
        _award(data)
        build_site(options)  # the whole pass: a state without a place index
        assert holder.patched == () and holder._state is not None
        assert holder._state.by_place is None
        holder.prepare()
        assert holder._state.by_place is not None
        monkeypatch.setattr(warm, "_place_index", counted)
        _result(data)
        build_site(options)
        assert holder.patched == ("assessments",) and holder.model_patched
    assert made == [1]


def test_an_award_leaves_a_sorted_list_as_list_remove_takes_it() -> None:
    """`warm._remove_sorted` (bisection) leaves each list as `list.remove` does, on random
    lists sorted by `award_order` with names and years that repeat (ids are unique), and
    refuses an award not there — nor one with the same id and other fields — as it does.
    Negative control (run by hand): bisecting on the year alone fails this."""
    import random

    from generator.data.records import Award
    from generator.model import award_order

    rng = random.Random(18)
    names = ["Nguyễn Văn A", "Lê Thị Bình", "Đỗ Hùng", "đỗ hùng", "Ánh"]

    def award(number: int) -> Award:
        return Award(
            f"kt-{number:04d}", rng.choice([2023, 2024, 2025]), "ca_nhan", rng.choice(names),
            "42", "bang_khen", None, None, None, None, None, None,
        )  # fmt: skip

    for _ in range(300):
        target = sorted({award(n) for n in rng.sample(range(500), rng.randint(1, 40))},
                        key=award_order)  # fmt: skip
        expected = list(target)
        gone = rng.choice(target)
        expected.remove(gone)
        warm._remove_sorted(target, gone)
        assert target == expected
        for missing in (award(900), dataclasses.replace(rng.choice(target or [gone]), award="x")):
            if missing in target:
                continue
            with pytest.raises(ValueError):
                warm._remove_sorted(target, missing)
        assert [a.id for a in target] == [a.id for a in expected]


def test_an_edited_tables_download_is_compressed_beside_the_rebuild(served, monkeypatch) -> None:
    """`antq serve`: the whole-table gzip of the table an edit changed is made in the
    `antq-gzip` thread started as the rebuild begins (`opendata.compress_early`), not in the
    rebuild's own thread, and the published file is that table's gzip (its bytes equal a
    clean build's: the equality tests). Negative control (run by hand): the build not
    calling `compress_early` makes the gzip in the main thread and fails this."""
    import gzip
    import threading

    from generator import gzpieces

    options, root = served
    made: list[tuple[str, bytes]] = []

    def spy(real: Any, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            data = args[1] if name == "patch" else args[0]
            made.append((f"{threading.current_thread().name}:{name}", bytes(data)))
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(gzpieces, "compress", spy(gzpieces.compress, "compress"))
    monkeypatch.setattr(gzpieces, "patch", spy(gzpieces.patch, "patch"))
    with _Env(root / "cache"):
        _award(options.data_dir)
        build_site(options)
    table = (options.data_dir / "awards.csv").read_bytes()
    whole = [name for name, data in made if data == table]
    assert whole and all(name.startswith("antq-gzip") for name in whole), whole
    published = (options.out_dir / "du-lieu" / "awards.csv.gz").read_bytes()
    assert gzip.decompress(published) == table
    assert opendata._EARLY == {}  # taken


def test_an_early_gzip_is_of_the_fingerprints_bytes_in_the_published_form(tmp_path) -> None:
    """`opendata._early_gzip` gives `packed`'s gzip only for bytes whose digest is the one
    asked and already in the published form; else None (then `packed` makes it itself).
    Negative control (run by hand): dropping the digest comparison fails this."""
    import gzip
    import hashlib

    path = tmp_path / "awards.csv"
    data = b"id,year\nkt-1,2025\n"
    path.write_bytes(data)
    digest = hashlib.sha256(data).digest()
    expected = gzip.compress(data, compresslevel=opendata.GZIP_LEVEL, mtime=0)
    assert opendata._early_gzip(path, "awards", digest) == expected
    path.write_bytes(data + b"kt-2,2024\n")  # changed again after the fingerprint
    assert opendata._early_gzip(path, "awards", digest) is None
    crlf = data.replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    assert opendata._early_gzip(path, "awards", hashlib.sha256(crlf).digest()) is None


def test_an_edits_gzip_patches_the_kept_pieces_and_a_stale_piece_is_caught(
    served, monkeypatch
) -> None:
    """`antq serve`: the whole-table gzip of an edited table is patched from the pieces
    kept of its last one (`opendata._PACKED`, generator.gzpieces: here pieces of two lines,
    so the fixture's tables have several), the unchanged pieces reused, and the published
    file is the bytes a whole compression makes (checked in the build: ANTQ_CHECK_DEPS=1).
    Negative control: a patch that reuses every piece is caught by the check, and without
    it the published download is stale."""
    from generator import gzpieces

    options, root = served
    monkeypatch.setattr(gzpieces, "PIECE_LINES", 2)
    made: list[gzpieces.Packed | None] = []
    real = gzpieces.patch

    def spy(old: gzpieces.Packed, data: bytes) -> gzpieces.Packed | None:
        found = real(old, data)
        made.append(found)
        if found is not None:
            assert any(a is b for a, b in zip(found.pieces, old.pieces, strict=True))
        return found

    monkeypatch.setattr(gzpieces, "patch", spy)
    published = options.out_dir / "du-lieu" / "assessments.csv.gz"
    table = options.data_dir / "assessments.csv"
    opendata._PACKED.clear()
    options.warm.clear()  # type: ignore[union-attr]  # (what it carried has other pieces)
    try:
        with _Env(root / "cache"):
            for _ in range(3):  # the whole pass; the first edit compresses whole, the next patches
                _result(options.data_dir)
                build_site(options)
            assert made and made[-1] is not None
            expected = gzpieces.compress(table.read_bytes(), opendata.GZIP_LEVEL).gz
            assert published.read_bytes() == expected
            line_span = gzpieces.line_span
            monkeypatch.setattr(
                gzpieces,
                "line_span",
                lambda a, b, first=0: dataclasses.replace(
                    line_span(a, b, first), at=len(a), end_at_a=len(a)
                ),
            )
            _result(options.data_dir)
            with pytest.raises(RuntimeError, match="patched piece by piece differs"):
                build_site(options)
            os.environ["ANTQ_CHECK_DEPS"] = "0"
            build_site(options)  # the failed build left no state: the whole pass
            header, rows = _rows(table)  # (another row: the kept pieces are of the last bytes)
            rows[0][header.index("decision_no")] += "b"
            _write(table, header, rows)
            build_site(options)
            whole = gzpieces.compress(table.read_bytes(), opendata.GZIP_LEVEL).gz
            assert published.read_bytes() != whole  # stale (not even the table's length)
    finally:
        opendata._PACKED.clear()  # what this test left is wrong on purpose
        options.warm.clear()  # type: ignore[union-attr]
