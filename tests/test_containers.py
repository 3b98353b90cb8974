"""Issue 18: the page objects `antq serve` keeps between rebuilds, by container
(generator.pages.Source.contained). A long-lived Builder process (this one, with a `Warm`
holder as the server has) edits awards: a record added to a container list, renamed (its
id and year changed: it moves between two year lists) and removed, each build checked with
ANTQ_CHECK_DEPS=1 (every kept container made anyway and compared), the last site against a
clean build in a new process. The containers no changed key meets keep their very objects;
the hit ones are made again; a model built again (not patched) makes every one again.
Negative control: a year list kept under a container key no row maps to is caught by the
check, and without it the list is stale.
The plan carries over the entries (keys, record-level entries, search copies) of the pages a
kept container handed back (generator.build._Planner): with the check each carried entry is
made again and compared; without it the carried entries make the site a clean build makes.
Negative control: entries carried by a page's address, not by the very page object a kept
container handed back, carry a hit container's stale keys: the check stops the build, and
without it the edited page is never written."""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import deps, limits, pages
from generator.build import Builder, BuildOptions, PlanMemo, build_site
from generator.pages import CONTAINED
from generator.pages import awards as award_pages
from generator.pages import models as model_pages
from tests.test_build_reliability import contents
from tests.test_line_span import _by_lists
from tests.test_record_deps import _build, _rows, _write
from tests.test_warm import _award, _Env, _result, serve_options

ROOT = Path(__file__).resolve().parents[1]
NAME = "Tập thể Thôn Mới Thêm"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BuildOptions, Path]]:
    """The good fixture built once in this process with a warm holder (as `antq serve`)."""
    root = tmp_path_factory.mktemp("containers")
    options = serve_options(root)
    with pytest.MonkeyPatch.context() as mp, _Env(root / "cache"):
        mp.setattr(limits, "SPLIT_ABOVE", 1)  # as the clean builds (test_record_deps._build)
        build_site(options)
        yield options, root


def _kept(options: BuildOptions) -> dict[str, Any]:
    """Each container's outputs the warm state holds, by name."""
    assert options.warm is not None
    state = options.warm._state
    assert state is not None
    return {
        name.removeprefix(CONTAINED): value[2]
        for name, value in state.families.items()
        if name.startswith(CONTAINED)
    }


def _warm_up(options: BuildOptions) -> None:
    """One recipient renamed and built: a warm state afterwards, whatever the tests before
    left (none: the whole pass)."""
    _award(options.data_dir)
    build_site(options)


def _awards(data: Path, edit: Any) -> None:
    header, rows = _rows(data / "awards.csv")
    _write(data / "awards.csv", header, edit(header, rows))


def _added(header: list[str], rows: list[list[str]], **cells: str) -> list[list[str]]:
    new = list(rows[0])
    values = {"id": "2025-moi-them", "unit_code": "18436", "model_id": "", **cells}
    values["recipient_name"] = cells.get("recipient_name", NAME)
    for column, value in values.items():
        new[header.index(column)] = value
    return [*rows, new]


def _html(out: Path, folder: str) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (out / folder).rglob("index.html"))


def test_a_record_added_renamed_and_removed_in_a_container_list(served, tmp_path) -> None:
    """An award added to Hà Tĩnh's list (year 2025), renamed (another id, year 2024: it
    moves from one year's list to the other) and removed: each rebuild patched in memory and
    checked (ANTQ_CHECK_DEPS=1); every list shows it exactly where a clean build does. The
    containers no edit meets keep their objects (Tuyên Quang's pages and lists, the class
    lists); Hà Tĩnh's pages and lists and the years' lists the award was in are made again."""
    options, root = served
    data, out = options.data_dir, options.out_dir
    with _Env(root / "cache"):
        _warm_up(options)
        before = _kept(options)
        _awards(data, _added)
        build_site(options)
        assert options.warm is not None and options.warm.model_patched
        assert options.warm.entries.carries > 0  # (each made again and compared: the check)
        after = _kept(options)
        models = sorted(name for name in before if name.startswith("models:"))
        assert models  # (the award names no model: every model's pages are kept)
        for name in ("units:08", "awards:tinh:08", "awards:2024", "awards:classes", *models):
            assert after[name] is before[name], name
        for name in ("units:42", "awards:tinh:42", "awards:2025"):
            assert after[name] is not before[name], name
        assert NAME in _html(out, "khen-thuong/2025") and NAME in _html(out, "tinh/ha-tinh")
        _awards(data, lambda h, r: _added(h, r[:-1], id="2024-doi-ten", year="2024"))
        build_site(options)
        assert NAME in _html(out, "khen-thuong/2024") and NAME not in _html(out, "khen-thuong/2025")
        Builder(options).catch_up_search()
        clean, cache = tmp_path / "clean", tmp_path / "clean-cache"
        _build(data, clean, options.site_dir, cache, full=True)
        expected, found = contents(clean), contents(out)
        assert sorted(k for k in expected if found.get(k) != expected[k]) == []
        assert found.keys() == expected.keys()
        _awards(data, lambda h, r: [row for row in r if row[0] != "2024-doi-ten"])
        build_site(options)
        assert NAME not in _html(out, "khen-thuong") and NAME not in _html(out, "tinh")


def _same_as_clean(options: BuildOptions, tmp_path: Path) -> None:
    """The served site (its index caught up) equals a clean build in a new process."""
    Builder(options).catch_up_search()
    tmp_path.mkdir(exist_ok=True)
    clean, cache = tmp_path / "clean", tmp_path / "clean-cache"
    _build(options.data_dir, clean, options.site_dir, cache, full=True)
    expected, found = contents(clean), contents(options.out_dir)
    assert sorted(k for k in expected if found.get(k) != expected[k]) == []
    assert found.keys() == expected.keys()


def test_carried_plan_entries_make_the_clean_site(served, tmp_path) -> None:
    """Without the check (the carried entries are used, not made again): an award added,
    renamed into another year and removed; each rebuild carries the plan of the pages its
    kept containers handed back, the lists show the award where it is, and the site ends
    equal to a clean build."""
    options, root = served
    data = options.data_dir
    assert options.warm is not None
    header, rows = _rows(data / "awards.csv")
    edits = [  # (the award's year lists: where it shows, where it does not)
        (lambda h, r: _added(h, r, id="2025-mang-theo"), "2025", "2024"),
        (lambda h, r: _added(h, r, id="2024-mang-theo", year="2024"), "2024", "2025"),
        (lambda h, r: r, "", "2024"),
    ]
    try:
        with _Env(root / "cache"):
            os.environ["ANTQ_CHECK_DEPS"] = "0"
            _warm_up(options)
            for edit, shown, gone in edits:
                _awards(data, lambda h, r, edit=edit: edit(h, rows))
                build_site(options)
                assert options.warm.model_patched and options.warm.entries.carries > 0
                assert not shown or NAME in _html(options.out_dir, f"khen-thuong/{shown}")
                assert NAME not in _html(options.out_dir, f"khen-thuong/{gone}")
            _same_as_clean(options, tmp_path)
    finally:
        _write(data / "awards.csv", header, rows)


def test_a_first_builds_render_keys_are_carried_to_the_first_edit(served) -> None:
    """A build into an empty folder leaves each page's key to its render job; the plan
    memo takes those keys (`PlanMemo.fill`), so the first edit already carries the plans
    of its kept containers over (each made again and compared: the check)."""
    options, root = served
    assert options.warm is not None
    with _Env(root / "cache"):
        options.warm.clear()
        shutil.rmtree(options.out_dir)
        build_site(options)  # (no output: every key made by the render jobs)
        _warm_up(options)
        assert options.warm.model_patched and options.warm.entries.carries > 0


class _Everything(frozenset[int]):
    def __contains__(self, item: object) -> bool:
        return True


def test_entries_carried_by_address_are_caught(served, monkeypatch) -> None:
    """Negative control for the carry: every page taken as handed back and its last entry
    found by its address (not by the page object) carries the stale key of the year list a
    new award joins: the check stops the build; without it the list is never written."""
    options, root = served
    data, out = options.data_dir, options.out_dir
    assert options.warm is not None

    def carried(self: PlanMemo, page: Any, how: Any) -> Any:
        found = self._pages.get(page.url)  # type: ignore[call-overload]
        if found is None or found[1] != how:
            return None
        self.carries += 1
        return found[2]

    def carry(self: PlanMemo, page: Any, how: Any, plan: Any) -> None:
        self._pages_used[page.url] = (page, how, plan)  # type: ignore[index]

    monkeypatch.setattr(pages, "handed_pages", lambda handed: _Everything())
    monkeypatch.setattr(PlanMemo, "carried", carried)
    monkeypatch.setattr(PlanMemo, "carry", carry)
    header, rows = _rows(data / "awards.csv")
    try:
        with _Env(root / "cache"):
            options.warm.clear()
            _warm_up(options)
            _awards(data, lambda h, r: _added(h, rows, id="2025-sai"))
            with pytest.raises(RuntimeError, match="its plan carried over, yet it changed"):
                build_site(options)
            os.environ["ANTQ_CHECK_DEPS"] = "0"
            build_site(options)  # the failed build left no state: the whole pass
            second = {"id": "2025-sai-nua", "recipient_name": "Tổ Mới Nữa"}
            _awards(data, lambda h, r: _added(h, r, **second))
            build_site(options)
            assert options.warm.model_patched and options.warm.entries.carries > 0
        assert "Tổ Mới Nữa" not in _html(out, "khen-thuong/2025")  # stale: the old key carried
    finally:
        _write(data / "awards.csv", header, rows)
        options.warm.clear()  # what this test left is wrong on purpose


def test_a_model_built_again_makes_every_container_again(served) -> None:
    """Control for the kept objects: a site added to a model (its table's change is not
    patched into the model: the model is built again from the records) leaves no container
    kept, since the kept pages would read the old model's objects."""
    options, root = served
    data = options.data_dir
    header, rows = _rows(data / "model_sites.csv")
    added = list(rows[0])
    added[header.index("id")], added[header.index("place_id")] = "tka-them", ""
    with _Env(root / "cache"):
        _warm_up(options)
        before = _kept(options)
        _write(data / "model_sites.csv", header, [*rows, added])
        try:
            build_site(options)
            assert options.warm is not None and options.warm.patched == ("model_sites",)
            assert not options.warm.model_patched
            after = _kept(options)
        finally:
            _write(data / "model_sites.csv", header, rows)
    assert after.keys() == before.keys()
    assert [name for name in after if after[name] is before[name]] == []


def test_a_forgotten_container_key_is_caught(served, monkeypatch) -> None:
    """Negative control: the year lists kept under a container key no award row maps to.
    An award added to 2024 (in Hà Tĩnh, whose list is met by its province's key): the
    check stops the build; without it the 2024 list never shows the award (stale)."""
    options, root = served
    data, out = options.data_dir, options.out_dir
    monkeypatch.setattr(award_pages, "award_year_key", lambda year: "ay:-")
    header, rows = _rows(data / "awards.csv")
    try:
        with _Env(root / "cache"):
            assert options.warm is not None
            options.warm.clear()
            _warm_up(options)  # the whole pass: every container made under the forgotten key
            _awards(data, lambda h, r: _added(h, r, id="2024-quen", year="2024"))
            with pytest.raises(RuntimeError, match="kept by its container's keys"):
                build_site(options)
            os.environ["ANTQ_CHECK_DEPS"] = "0"
            build_site(options)  # the failed build left no state: the whole pass
            assert NAME in _html(out, "khen-thuong/2024")
            second = {"id": "2024-quen-nua", "year": "2024", "recipient_name": "Tổ Mới Nữa"}
            _awards(data, lambda h, r: _added(h, r, **second))
            build_site(options)
            assert options.warm.patched == ("awards",)
        assert "Tổ Mới Nữa" in _html(out, "khen-thuong/tinh/ha-tinh")
        assert "Tổ Mới Nữa" not in _html(out, "khen-thuong/2024")  # stale
    finally:
        _write(data / "awards.csv", header, rows)
        assert options.warm is not None
        options.warm.clear()  # what this test left is wrong on purpose


def _model_award(data: Path, suffix: str = " Hai") -> None:
    """The recipient of the award given to a model renamed (its model's page shows it)."""
    header, rows = _rows(data / "awards.csv")
    row = next(r for r in rows if r[header.index("model_id")])
    row[header.index("recipient_name")] += suffix
    _write(data / "awards.csv", header, rows)


def test_a_yearly_result_keeps_the_model_directory(served) -> None:
    """The model directory is one container whose keys are its models' (issue 18: the
    national package's ~3,000 model pages were made again for each yearly result): a
    yearly result leaves it as it was (its very objects), its xã's province is made again;
    an award of a model makes it again (checked against a whole pass: ANTQ_CHECK_DEPS=1)."""
    options, root = served
    with _Env(root / "cache"):
        _warm_up(options)
        before = _kept(options)
        _result(options.data_dir)
        build_site(options)
        assert options.warm is not None and options.warm.patched == ("assessments",)
        assert options.warm.model_patched
        after = _kept(options)
        assert after["models"] is before["models"]
        assert [n for n in after if n.startswith("units:") and after[n] is not before[n]]
        _model_award(options.data_dir)
        build_site(options)
        assert options.warm.patched == ("awards",) and options.warm.model_patched
        assert _kept(options)["models"] is not after["models"]


def test_a_yearly_result_moved_between_xa_and_years_equals_a_clean_build(served, tmp_path) -> None:
    """A yearly result moved to a xã of another province, then to another year: each
    rebuild patched in memory (ANTQ_CHECK_DEPS=1: every kept container made anyway and
    compared); both provinces' pages are made again, the model directory kept; the site
    equals a clean build in a new process."""
    options, root = served
    data = options.data_dir
    header, rows = _rows(data / "assessments.csv")
    place, year = header.index("place_id"), header.index("year")
    moved = [list(r) for r in rows]
    assert moved[-1][place] == "ht-truong-luu-thon-kim-song"  # Hà Tĩnh (42)
    try:
        with _Env(root / "cache"):
            _warm_up(options)
            before = _kept(options)
            moved[-1][place] = "xa-02494"  # Tuyên Quang (08)
            _write(data / "assessments.csv", header, moved)
            build_site(options)
            assert options.warm is not None and options.warm.patched == ("assessments",)
            assert options.warm.model_patched
            after = _kept(options)
            assert after["models"] is before["models"]
            assert after["units:42"] is not before["units:42"]
            assert after["units:08"] is not before["units:08"]
            moved[-1][year] = "2024"
            _write(data / "assessments.csv", header, moved)
            build_site(options)
            assert options.warm.patched == ("assessments",) and options.warm.model_patched
            Builder(options).catch_up_search()
        clean, cache = tmp_path / "clean", tmp_path / "clean-cache"
        _build(data, clean, options.site_dir, cache, full=True)
        expected, found = contents(clean), contents(options.out_dir)
        assert sorted(k for k in expected if found.get(k) != expected[k]) == []
        assert found.keys() == expected.keys()
    finally:
        _write(data / "assessments.csv", header, rows)


def test_a_forgotten_model_key_in_the_directory_is_caught(served, monkeypatch) -> None:
    """Negative control: the model directory's pages declared under a key no row maps to.
    An award of a model renamed: the check stops the build (the kept directory would show
    the old name)."""
    options, root = served
    monkeypatch.setattr(model_pages, "model_key", lambda model_id: "m:-")
    try:
        with _Env(root / "cache"):
            assert options.warm is not None
            options.warm.clear()
            _warm_up(options)  # the whole pass: the directory made under the forgotten key
            _model_award(options.data_dir, " Ba")
            with pytest.raises(RuntimeError, match="kept by its container's keys"):
                build_site(options)
    finally:
        assert options.warm is not None
        options.warm.clear()  # what this test left is wrong on purpose


def test_the_bisected_changed_span_equals_a_line_by_line_scan() -> None:
    """`changed_span` (bisected, the patch, the keys and the open-data split ask it) gives
    what a scan line by line gives, for random edits of short files over a small alphabet
    (repeated lines: the hard case)."""
    rnd = random.Random(18)
    for _ in range(5000):
        a = [rnd.choice("xyz") for _ in range(rnd.randint(0, 12))]
        b = list(a)
        for _ in range(rnd.randint(0, 3)):
            op = rnd.random()
            if op < 0.4 and b:
                b[rnd.randrange(len(b))] = rnd.choice("xyzw")
            elif op < 0.7:
                b.insert(rnd.randint(0, len(b)), rnd.choice("xyzw"))
            elif b:
                del b[rnd.randrange(len(b))]
        assert deps.changed_span(a, b) == _by_lists(a, b, 1), (a, b)


def _gone_behind_the_back(options: BuildOptions) -> tuple[list[Path], Path]:
    """Tuyên Quang's province page, one of its xã folders and the province page's search
    copy removed out of band (no edit meets them: each would be kept)."""
    out = options.out_dir
    copies = Builder(options).copies_path
    page = out / "tinh" / "tuyen-quang" / "index.html"
    ward = next(p for p in sorted((out / "tinh" / "tuyen-quang").iterdir()) if p.is_dir())
    copy = next(copies.rglob("tinh/tuyen-quang/index.html"))
    gone = [page, ward / "index.html", copy]
    page.unlink()
    copy.unlink()
    shutil.rmtree(ward)
    return gone, ward


@pytest.mark.parametrize("watched", [True, False], ids=["watched", "control-events-unread"])
def test_a_file_deleted_behind_the_servers_back_is_made_again(
    served, tmp_path, monkeypatch, watched
) -> None:
    """The watch of the output (generator.treewatch) vouches for the kept files, so a
    one-row edit checks none of them by `stat`; a page, a xã's folder and a search copy
    removed behind the server's back are made again by the next edit, and the site equals a
    clean build. Negative control: a watch that reads no event (its kernel queue unread)
    vouches for the removed files: they stay missing."""
    from generator.treewatch import TreeWatch

    options, root = served
    assert options.warm is not None
    with _Env(root / "cache"):
        _warm_up(options)
        options.warm.close()  # (whatever the tests before left)
        options.warm.prepare()  # (between rebuilds: the watches start)
        assert options.warm.watches and all(not w.lost for w in options.warm.watches.values())
        _model_award(options.data_dir, " Ba")
        first = build_site(options)
        assert first.vouched == 0  # (fresh: every kept file checked once, by `stat`)
        _model_award(options.data_dir, " Bốn")
        second = build_site(options)
        assert second.vouched > 0.9 * second.linked  # (the copies too)
        if not watched:
            monkeypatch.setattr(TreeWatch, "_drain", lambda self: None)
        gone, ward = _gone_behind_the_back(options)
        _model_award(options.data_dir, " Năm")
        if not watched:  # the xã page is not made again: the offline lists find it missing
            with pytest.raises(FileNotFoundError, match=ward.name):
                build_site(options)
            assert not any(path.exists() for path in gone)
            options.warm.clear()
            shutil.rmtree(options.out_dir)  # (wrong on purpose: the next test starts anew)
            return
        build_site(options)
    assert all(path.is_file() for path in gone)
    with _Env(root / "cache"):
        _same_as_clean(options, tmp_path)


@pytest.mark.parametrize("keyed", [True, False], ids=["by-keys", "control-keys-ignored"])
def test_offline_lists_are_kept_by_their_files_keys(served, monkeypatch, keyed) -> None:
    """A province's offline list (generator.pwa) is kept from the last rebuild while the
    keys of the files it read are the same: an award renamed remakes its province's list
    only (each kept one made again and compared: ANTQ_CHECK_DEPS=1). Negative control: a
    list kept whatever its files' keys (only its pages' addresses compared) is caught by
    the check."""
    from generator import pwa

    options, root = served
    with _Env(root / "cache"):
        _warm_up(options)
        if not keyed:
            monkeypatch.setattr(pwa, "_kept_list", _kept_by_address)
        _award(options.data_dir)
        if not keyed:
            with pytest.raises(RuntimeError, match="offline.json: kept, yet its files changed"):
                build_site(options)
            return
        build_site(options)  # (each kept list made again and compared)
        os.environ["ANTQ_CHECK_DEPS"] = "0"  # (the kept lists used as they are)
        build_site(options)
        before = {slug: kept[3] for slug, kept in pwa._PLACES.items()}
        assert len(before) > 1
        _award(options.data_dir)
        build_site(options)
    after = {slug: kept[3] for slug, kept in pwa._PLACES.items()}
    remade = sorted(slug for slug in after if after[slug] is not before.get(slug))
    assert len(remade) == 1, remade  # (the award's xã's province: the others kept)


def _kept_by_address(out: Any, slug: str, made_of: Any) -> Any:
    from generator import pwa

    kept = pwa._PLACES.get(slug)
    return kept[3] if kept is not None and kept[0] == made_of else None


@pytest.mark.parametrize("by_base", [True, False], ids=["by-base", "control-base-ignored"])
def test_a_template_added_is_chosen_again(served, monkeypatch, by_base) -> None:
    """The plan keeps each template list's choice between rebuilds while the base (site/,
    the code) is the same (`PlanMemo.templates`): a province's own template added
    (`tinh-08.html`) is chosen by the next rebuild. Negative control: choices kept whatever
    the base: the check (ANTQ_CHECK_DEPS=1) stops the build, and without it the province
    page keeps the shared template."""
    options, root = served
    own = options.site_dir / "templates" / "tinh-08.html"
    marker = "Trang riêng của Tuyên Quang."
    own.write_text(
        '{% extends "tinh.html" %}{% block description %}' + marker + "{% endblock %}\n",
        encoding="utf-8",
    )
    if not by_base:
        memo: dict[tuple[str, ...], tuple[str, str]] = {}
        monkeypatch.setattr(PlanMemo, "templates", lambda self, base: memo)
    page = options.out_dir / "tinh" / "tuyen-quang" / "index.html"
    try:
        with _Env(root / "cache"):
            own.rename(own.with_suffix(".off"))
            _warm_up(options)
            own.with_suffix(".off").rename(own)
            if not by_base:
                with pytest.raises(RuntimeError, match="its template kept, yet it changed"):
                    build_site(options)
                os.environ["ANTQ_CHECK_DEPS"] = "0"
            build_site(options)
            assert (marker in page.read_text(encoding="utf-8")) is by_base
    finally:
        own.unlink(missing_ok=True)
        own.with_suffix(".off").unlink(missing_ok=True)
        assert options.warm is not None
        options.warm.clear()
