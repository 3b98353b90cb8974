"""Issue 18: the build's typed stages and caches. Incremental == clean byte for byte after edits
to every table (a row changed, added, removed, a record renamed), each build in a new process;
the parsed-table and Markdown caches are keyed by the code's version (negative controls: a
key without it serves stale output and the equality fails)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from generator import build as build_mod
from generator.build import BuildCache, BuildError, BuildOptions, Inputs, build_site
from generator.data import load as load_mod
from generator.data import tablecache
from generator.data.load import read_package
from generator.data.schema import load_package
from generator.data.tablecache import TableCache
from generator.model import SiteModel
from generator.pages import lessons as lesson_pages
from tests.test_build_reliability import _build_in_new_process, contents

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1763683200"
LESSON = ROOT / "tests/fixtures/lessons/mau.md"


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(ROOT / "site", target)
    return target


@pytest.fixture
def package(make_package) -> Path:
    data: Path = make_package()
    (data / "lessons").mkdir()
    shutil.copy(LESSON, data / "lessons" / "mau.md")
    return data


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


# A field per table whose edit its pages or data files show (unit_changes, which says which
# new unit a legacy code defaults to, is left alone: the fixture's defaults are pinned).
EDITS = {
    "units": "name",
    "legacy_units": "full_name",
    "places": "name",
    "assessments": "issuer",
    "movement_classes": "score",
    "targets": "percent",
    "models": "name",
    "model_sites": "members",
    "security_teams": "area_name",
    "awards": "recipient_name",
    "legal_documents": "title",
    "events": "title",
}


def _edit_every_table(data: Path) -> list[str]:
    """One cell changed in the last row of every table that has one of EDITS' fields."""
    edited = []
    for table, name in EDITS.items():
        path = data / f"{table}.csv"
        header, rows = _rows(path)
        if name not in header:
            continue
        i = header.index(name)
        value = rows[-1][i]
        try:
            rows[-1][i] = str(float(value) - 1).removesuffix(".0")
        except ValueError:
            rows[-1][i] = value + " mới"
        _write(path, header, rows)
        edited.append(table)
    return edited


def _add_remove_rename(data: Path) -> None:
    """An award added, an event removed, a model renamed (its id, and its sites', awards'
    and news articles' references to it), a news article with a photo added."""
    header, rows = _rows(data / "awards.csv")
    new = list(rows[-1])
    new[header.index("id")] = "2025-ca-nhan-moi"
    new[header.index("recipient_kind")] = "ca_nhan"
    new[header.index("recipient_name")] = "Nguyễn Văn Mới"
    new[header.index("model_id")] = ""
    _write(data / "awards.csv", header, [*rows, new])
    header, rows = _rows(data / "events.csv")
    _write(data / "events.csv", header, rows[:-1])
    old, renamed = "tieng-keng-an-ninh", "keng-an-ninh"
    for table in ("models", "model_sites", "awards"):
        path = data / f"{table}.csv"
        header, rows = _rows(path)
        column = header.index("id" if table == "models" else "model_id")
        for row in rows:
            if row[column] == old:
                row[column] = renamed
        _write(path, header, rows)
    for article in sorted((data / "news").glob("*/*/index.md")):
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace(old, renamed), encoding="utf-8")
    # A news article added with a new photo (issue 21: its listings, feeds, the pages of
    # its places and model, the photo's sizes encoded during the incremental build).
    added = data / "news/2025/bai-moi-co-anh"
    shutil.copytree(data / "news/2025/ngay-hoi-xa-tan-ky", added)
    photo = added / "san-khau.jpg"
    old_bytes = photo.read_bytes()
    photo.write_bytes(old_bytes[:2] + b"\xff\xfe\x00\x05moi" + old_bytes[2:])
    index = added / "index.md"
    text = index.read_text(encoding="utf-8").replace("date: 2025-08-19", "date: 2025-09-02")
    index.write_text(text.replace('title: "Ngày hội', 'title: "Tin mới: Ngày hội'), "utf-8")


def test_incremental_equals_clean_after_edits_to_every_table(package, site_dir, tmp_path) -> None:
    """Each build in a new process: the first, then after one cell of every table and a
    lesson changed, then after records added, removed and renamed; each incremental site
    equals a clean build of the same data byte for byte."""
    out, cache = tmp_path / "public", tmp_path / "cache"
    _build_in_new_process(None, package, out, site_dir, cache, full=False)
    first = contents(out)
    edited = _edit_every_table(package)
    assert len(edited) == len(EDITS), edited
    lesson = package / "lessons" / "mau.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nMột đoạn mới.\n", "utf-8")
    for step, change in enumerate((None, _add_remove_rename)):
        if change is not None:
            change(package)
        _build_in_new_process(None, package, out, site_dir, cache, full=False)
        clean = tmp_path / f"clean-{step}"
        _build_in_new_process(None, package, clean, site_dir, tmp_path / f"c{step}", full=True)
        after, expected = contents(out), contents(clean)
        assert sorted(k for k in expected if after.get(k) != expected[k]) == []
        assert after.keys() == expected.keys()
        assert after != first
    assert "Nguyễn Văn Mới" in "".join(v.decode(errors="replace") for v in after.values())
    assert "tin-tuc/2025/bai-moi-co-anh/san-khau-360.webp" in after


# -- the parsed-table cache --------------------------------------------------------------------


def test_unchanged_tables_come_from_the_cache_equal_to_a_parse(package, tmp_path) -> None:
    spec, _ = load_package(package)
    first = TableCache(tmp_path / "cache")
    parsed = read_package(package, spec, first)
    assert first.hits == []
    again = TableCache(tmp_path / "cache")
    assert read_package(package, spec, again) == parsed == read_package(package, spec)
    assert sorted(again.hits) == sorted(r.name for r in spec.resources)
    header, rows = _rows(package / "awards.csv")  # one table edited: only it is parsed
    rows[0][header.index("recipient_name")] = "Tên khác"
    _write(package / "awards.csv", header, rows)
    third = TableCache(tmp_path / "cache")
    edited = read_package(package, spec, third)
    assert "awards" not in third.hits and len(third.hits) == len(spec.resources) - 1
    assert edited.awards[0].recipient_name == "Tên khác"


def test_a_table_edited_after_its_hash_is_not_cached_under_the_old_bytes(
    package, tmp_path, monkeypatch
) -> None:
    """Every file changes between its hashing and its reading (an official saves during a
    build): what was read is used, but not kept under the older bytes' key, where undoing
    the edit would bring it back. The negative control trusts the hashed key."""
    spec, _ = load_package(package)
    real_read, real_parse = load_mod._read, load_mod._parse
    names = sorted(r.name for r in spec.resources)

    def trusting(spec, convert, units_key):
        rows, _ = real_parse(spec, convert, units_key)
        hashed = load_mod.file_sha256(spec.path)
        return rows, load_mod.table_key(spec.descriptor_hash(), hashed, units_key)

    for parse, cache, kept in ((real_parse, "cache", []), (trusting, "control", names)):
        monkeypatch.setattr(load_mod, "_read", lambda r: real_read(r) + b"\n")
        monkeypatch.setattr(load_mod, "_parse", parse)
        read_package(package, spec, TableCache(tmp_path / cache))
        monkeypatch.undo()
        again = TableCache(tmp_path / cache)
        read_package(package, spec, again)
        assert sorted(again.hits) == kept, cache


def _parse_upper(real):  # a code change: the reader now upper-cases award recipients
    def parse(spec, convert, units_key):
        rows, key = real(spec, convert, units_key)
        if spec.name != "awards":
            return rows, key
        from dataclasses import replace

        return tuple(replace(r, recipient_name=r.recipient_name.upper()) for r in rows), key

    return parse


@pytest.mark.parametrize("keyed_by_code", [True, False])
def test_table_cache_key_holds_the_code_version(
    package, tmp_path, monkeypatch, keyed_by_code
) -> None:
    """Records cached by one code are not served to another; the negative control drops the
    code's version from the key, and the stale records come back."""
    spec, _ = load_package(package)
    if not keyed_by_code:
        real_key = tablecache.table_key
        monkeypatch.setattr(
            load_mod, "table_key", lambda d, b, u, code=None: real_key(d, b, u, code="fixed")
        )
    read_package(package, spec, TableCache(tmp_path / "cache"))
    monkeypatch.setattr(tablecache, "_code", lambda: "edited code")
    monkeypatch.setattr(load_mod, "_parse", _parse_upper(load_mod._parse))
    cached = read_package(package, spec, TableCache(tmp_path / "cache"))
    fresh = read_package(package, spec)
    assert (cached == fresh) is keyed_by_code


# -- the Markdown cache ----------------------------------------------------------------------------


def _build(data: Path, out: Path, site: Path, cache: Path, **options: object):
    return build_site(
        BuildOptions(data_dir=data, out_dir=out, site_dir=site, cache_dir=cache, **options)  # type: ignore[arg-type]
    )


def test_a_lesson_is_converted_once(package, site_dir, tmp_path) -> None:
    cache = lesson_pages.MARKDOWN_CACHE
    _build(package, tmp_path / "a", site_dir, tmp_path / "cache", parallel=False)
    made = cache.converted
    assert made >= 1
    _build(package, tmp_path / "b", site_dir, tmp_path / "cache", parallel=False, full=True)
    assert cache.converted == made  # a second site, every page rendered: no conversion
    assert contents(tmp_path / "a") == contents(tmp_path / "b")


@pytest.mark.parametrize("shared", [True, False])
def test_a_cold_build_converts_a_lesson_once(package, site_dir, tmp_path, monkeypatch, shared):
    """Validation converts the lesson (to name what the filters drop) and the render uses
    that conversion (issue 18 item 6); the page is the same. Negative control: without
    the shared conversion the render converts it a second time."""
    from generator import lessons as lessons_module

    calls: list[str] = []
    real_body = lessons_module.LessonRenderer.body

    def counting(self, lesson):
        calls.append(lesson.body[:20])
        return real_body(self, lesson)

    monkeypatch.setattr(lessons_module.LessonRenderer, "body", counting)
    if not shared:
        monkeypatch.setattr(lesson_pages, "take_converted", lambda body, quiz: None)
    _build(package, tmp_path / "a", site_dir, tmp_path / "cache", parallel=False)
    assert len(calls) == (1 if shared else 2)
    page = (tmp_path / "a" / "bai-hoc/mau/index.html").read_bytes()
    clean = tmp_path / "clean"  # converted by the render alone (validation's verdict is kept)
    _build(package, clean, site_dir, tmp_path / "cache-clean", parallel=False)
    assert (clean / "bai-hoc/mau/index.html").read_bytes() == page


@pytest.mark.parametrize("keyed_by_code", [True, False])
def test_markdown_cache_key_holds_the_code_version(
    package, site_dir, tmp_path, monkeypatch, keyed_by_code
) -> None:
    """A code change that changes the lesson HTML: the incremental build equals a clean one
    made by the new code. Negative control: a key without the code's version, in a folder
    shared by every version, serves the old HTML and the equality fails."""
    if not keyed_by_code:
        monkeypatch.setattr(build_mod, "generation", lambda folder, code=None: folder / "any")
        real_key = lesson_pages.MarkdownCache.key

        def key_without_code(self, source):
            code, self.code = self.code, ""
            try:
                return real_key(self, source)
            finally:
                self.code = code

        monkeypatch.setattr(lesson_pages.MarkdownCache, "key", key_without_code)
    out = tmp_path / "public"
    _build(package, out, site_dir, tmp_path / "cache", parallel=False)
    real_convert = lesson_pages.convert

    def edited(source):  # the new code: another rendering of the same Markdown
        found = real_convert(source)
        return lesson_pages.Converted(
            found.body + "<!-- v2 -->", found.toc, found.words, found.quiz
        )

    monkeypatch.setattr(lesson_pages, "convert", edited)
    monkeypatch.setattr(build_mod.codeversion, "code_version", lambda: "edited code")
    _build(package, out, site_dir, tmp_path / "cache", parallel=False)
    clean = tmp_path / "clean"
    _build(package, clean, site_dir, tmp_path / "cache-clean", parallel=False, full=True)
    page = "bai-hoc/mau/index.html"
    assert "<!-- v2 -->" in (clean / page).read_text(encoding="utf-8")
    assert (contents(out) == contents(clean)) is keyed_by_code


def test_caches_keyed_by_the_code_keep_only_its_generation(
    package, site_dir, tmp_path, monkeypatch
) -> None:
    """Converted lessons and compiled templates, whose keys hold the code's version, are kept
    in one folder per version, and a build by another version removes the others' (each
    upgrade would leave a whole library's conversions behind); a second build by the same
    version still converts nothing. Negative control: without the removal the old
    generation stays (the last assertion on the folders)."""
    cache = tmp_path / "cache"
    _build(package, tmp_path / "out", site_dir, cache, parallel=False)
    first = {d: sorted(p.name for p in (cache / d).iterdir()) for d in ("markdown", "templates")}
    assert all(len(names) == 1 for names in first.values()), first
    (cache / "markdown" / "left-by-an-old-antq.msgpack").write_bytes(b"old layout")
    monkeypatch.setattr(build_mod.codeversion, "code_version", lambda: "edited code")
    _build(package, tmp_path / "out", site_dir, cache, parallel=False)
    lesson_pages.MARKDOWN_CACHE.converted = 0
    _build(package, tmp_path / "out2", site_dir, cache, parallel=False, full=True)
    assert lesson_pages.MARKDOWN_CACHE.converted == 0  # the new generation is read
    for folder, names in first.items():
        now = sorted(p.name for p in (cache / folder).iterdir())
        assert len(now) == 1 and now != names, (folder, now, names)
        assert any((cache / folder / now[0]).iterdir())


def test_a_generation_removes_other_entries_but_no_link_target(tmp_path) -> None:
    """Other generations, loose files and links go; what a link points to stays. Negative
    control: a second folder with another name is not the current one."""
    from generator.data.cache import generation

    folder, outside = tmp_path / "cache" / "maps", tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("x")
    (folder / "0123456789abcdef").mkdir(parents=True)
    (folder / "0123456789abcdef" / "old.json").write_text("{}")
    (folder / "loose.json").write_text("{}")
    (folder / "link").symlink_to(outside, target_is_directory=True)
    current = generation(folder, "version one")
    current.mkdir()
    assert sorted(p.name for p in folder.iterdir()) == [current.name]
    assert (outside / "keep.txt").exists()
    assert generation(folder, "version two") != current


# -- the typed stages --------------------------------------------------------------------------


def test_stage_values_are_frozen_and_the_cache_round_trips(package, site_dir, tmp_path) -> None:
    options = BuildOptions(data_dir=package, out_dir=tmp_path / "out", site_dir=site_dir)
    inputs = build_mod.read_inputs(options, "code")
    assert isinstance(inputs, Inputs)
    with pytest.raises(FrozenInstanceError):
        inputs.fingerprint = "x"  # type: ignore[misc]
    cache = BuildCache(code="c", fingerprint="f", outputs={"a.html": "k"}, pages=("/a/",))
    cache.write(tmp_path / "cache.json")
    assert BuildCache.read(tmp_path / "cache.json", "c") == cache
    assert BuildCache.read(tmp_path / "cache.json", "other code") == BuildCache()
    (tmp_path / "cache.json").write_text('{"code": "c"}', encoding="utf-8")  # damaged
    assert BuildCache.read(tmp_path / "cache.json", "c") == BuildCache()


def test_git_log_and_basemap_are_read_once_per_build(
    package, site_dir, tmp_path, monkeypatch
) -> None:
    from generator import maps

    calls = {"git": 0, "basemap": 0}
    real_log, real_basemap = build_mod.git_log, maps.load_basemap

    def counted_log(*args, **kwargs):
        calls["git"] += 1
        return real_log(*args, **kwargs)

    def counted_basemap(*args, **kwargs):
        calls["basemap"] += 1
        return real_basemap(*args, **kwargs)

    monkeypatch.setattr(build_mod, "git_log", counted_log)
    monkeypatch.setattr(maps, "load_basemap", counted_basemap)
    for module in ("generator.diff", "generator.revision"):
        monkeypatch.setattr(f"{module}.git_log", counted_log)
    _build(package, tmp_path / "out", site_dir, tmp_path / "cache", parallel=False)
    assert calls == {"git": 1, "basemap": 1}


def test_no_collection_while_records_model_and_pages_are_made(
    make_package, site_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collector is paused from validation to the pages stage, and what those stages
    made is frozen while the pages are written (full passes walked the national site's
    records to free nothing: issue 18); the collector's state is restored after, nothing
    left frozen, also when the build fails. Negative control: without the pause the pages
    were planned with the collector on (and with no freeze, written with none)."""
    import gc

    seen: list[tuple[str, bool, int]] = []
    real_plan, real_write = build_mod.plan_pages, build_mod.Builder._render_and_write

    def planned(*args, **kwargs):
        seen.append(("plan", gc.isenabled(), gc.get_freeze_count()))
        return real_plan(*args, **kwargs)

    def written(*args, **kwargs):
        seen.append(("write", gc.isenabled(), gc.get_freeze_count()))
        return real_write(*args, **kwargs)

    monkeypatch.setattr(build_mod, "plan_pages", planned)
    monkeypatch.setattr(build_mod.Builder, "_render_and_write", written)
    options = BuildOptions(data_dir=make_package(), out_dir=tmp_path / "out", site_dir=site_dir)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    build_site(options)
    assert seen[0] == ("plan", False, 0)
    assert seen[1][:2] == ("write", True) and seen[1][2] > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()  # a caller's own choice stays
    try:
        build_site(dataclasses.replace(options, full=True))
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()

    def fails(*args, **kwargs):
        raise RuntimeError("stop")

    monkeypatch.setattr(build_mod.Builder, "_render_and_write", fails)
    with pytest.raises(RuntimeError, match="stop"):
        build_site(dataclasses.replace(options, full=True))
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_model_and_pages_are_freed_for_pagefind_else_left_to_the_process(
    package, site_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`leave_heap` (`antq build`): the model and the pages are freed, and the collector
    thawed, only when Pagefind runs (it needs the memory); a build that keeps every index
    (a warm --full build) leaves them to its process's end, still frozen (a full
    collection walking them cost ~0.8 s of the national build). A build without it (a
    test, `antq serve`) frees them as before. Negative controls: with the release before
    Pagefind never called, the first build left them alive; with it called whatever the
    index, the --full build left nothing."""
    import gc

    released: list[int] = []
    real = build_mod._release_memory

    def counted() -> None:
        released.append(gc.get_freeze_count())
        real()

    monkeypatch.setattr(build_mod, "_release_memory", counted)
    monkeypatch.setattr(build_mod, "LEFT", [])
    cache = tmp_path / "cache"
    _build(package, tmp_path / "a", site_dir, cache, parallel=False, leave_heap=True)
    assert released == [0]  # Pagefind ran: freed, thawed first
    assert build_mod.LEFT == []
    saved: list[int] = []
    real_save = build_mod.Builder._save

    def saving(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        saved.append(gc.get_freeze_count())
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(build_mod.Builder, "_save", saving)
    options = {"parallel": False, "leave_heap": True, "full": True}
    shutil.rmtree(tmp_path / "a")  # (the benches' warm --full: the same output, removed)
    _build(package, tmp_path / "a", site_dir, cache, **options)
    assert released == [0]  # every index kept: nothing freed
    model, planned = build_mod.LEFT
    assert isinstance(model, SiteModel) and isinstance(planned, build_mod.Planned)
    assert saved[0] > 0 and gc.get_freeze_count() == 0  # frozen to the end, then thawed
    build_mod.LEFT.clear()
    _build(package, tmp_path / "c", site_dir, cache, parallel=False, full=True)
    assert build_mod.LEFT == []


_MAIN_WATCHED = """
import atexit, runpy, sys
atexit.register(lambda: print("teardown"))
sys.argv = ["antq", *sys.argv[1:]]
runpy.run_module("generator", run_name="__main__")
"""


def test_antq_build_ends_its_process_without_the_teardown(package, site_dir, tmp_path) -> None:
    """`python -m generator build` (and the `antq` script) ends with `os._exit` after a
    build that succeeded: no interpreter teardown (no exit handler runs: freeing the model
    object by object cost ~0.65 s of the national build); its lines reach the pipe, its
    exit code is 0. A build that fails exits 1 with its lines, through the teardown as
    before. Negative control: with `sys.exit(0)` for `os._exit(0)`, "teardown" printed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(ANTQ_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    out = tmp_path / "out"
    args = ["build", "--data", str(package), "--out", str(out), "--site", str(site_dir)]
    command = [sys.executable, "-c", _MAIN_WATCHED, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Đã xây dựng ") and (out / "index.html").is_file()
    assert "teardown" not in done.stdout
    (package / "units.csv").write_text("ma,ten\n", encoding="utf-8")
    failed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "units.csv" in failed.stdout + failed.stderr
    assert failed.stdout.endswith("teardown\n")


def test_a_process_with_its_heap_frozen_is_not_asked_to_count_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`antq serve` keeps its heap frozen (serve.settle_heap): the collector's pause does
    not count the frozen objects (`gc.get_freeze_count` walks them all: ~0.12 s of each
    one-row edit of the national package) nor freeze; a build's own collector does.
    Negative control: the build's collector (`frozen_heap` False) asks, and freezes."""
    import gc

    asked: list[int] = []
    real = gc.get_freeze_count

    def counting() -> int:
        asked.append(1)
        return real()

    monkeypatch.setattr(gc, "get_freeze_count", counting)
    served = build_mod._Collector(frozen_heap=True)
    with served.paused():
        pass_through = gc.isenabled()
    assert asked == [] and not served.frozen and not pass_through and gc.isenabled()
    built = build_mod._Collector()
    with built.paused():
        assert not gc.isenabled()
    try:
        assert asked == [1] and built.frozen
    finally:
        built.thaw()
    assert real() == 0


# -- the scan memo (generator.scanmemo) ------------------------------------------------------


def _plant_phone(site: Path) -> None:
    """A phone number in the site's settings (data validation refuses one in a cell): in
    every page's footer."""
    settings = site / "site.toml"
    text = settings.read_text(encoding="utf-8")
    old = 'organisation = "Nhóm phát triển antq (trang mẫu, dữ liệu minh họa)"'
    assert old in text
    settings.write_text(text.replace(old, old[:-1] + ', gọi 0912 345 678"'), "utf-8")


def _refused(data: Path, out: Path, site: Path, cache: Path, **options: object) -> list[str]:
    with pytest.raises(BuildError) as caught:
        _build(data, out, site, cache, parallel=False, **options)
    return caught.value.lines


def test_a_planted_phone_number_fails_every_warm_full_build(package, site_dir, tmp_path) -> None:
    """The memo keeps what a build scanned clean, by the bytes: a phone number planted after
    a clean build fails the warm --full build as it fails a cold one, with the same lines,
    and again the next time (a failed build leaves no entry that could hide it). Negative
    control (run by hand): a memo asked by the page's path alone lets the build through."""
    cache = tmp_path / "cache"
    _build(package, tmp_path / "public", site_dir, cache, parallel=False)
    _plant_phone(site_dir)
    cold = _refused(package, tmp_path / "cold", site_dir, tmp_path / "cache-cold")
    assert any("[personal-data]" in line and "091…78" in line for line in cold)
    for _ in range(2):
        assert _refused(package, tmp_path / "public", site_dir, cache, full=True) == cold


def _found_on_home_page(real):  # a new scan rule: the home page's bytes now hold a finding
    from generator.scan import make_problem

    def scan(rel: str, data: bytes):
        found = real(rel, data)
        if rel == "index.html":
            found.append(make_problem(rel, 1, "output-control-character.nul", count=1))
        return found

    return scan


def test_the_scan_memo_is_dropped_for_other_code(package, site_dir, tmp_path, monkeypatch) -> None:
    """Bytes scanned clean by one code are scanned again by another (the memo is tagged
    with the code's version): a scan rule the new code adds finds the unchanged home page.
    Negative control (run by hand): a memo read whatever code wrote it lets it through."""
    from generator import scan

    cache = tmp_path / "cache"
    _build(package, tmp_path / "public", site_dir, cache, parallel=False)
    monkeypatch.setattr(scan, "scan_published", _found_on_home_page(scan.scan_published))
    monkeypatch.setattr(build_mod.codeversion, "code_version", lambda: "edited code")
    lines = _refused(package, tmp_path / "public", site_dir, cache, full=True)
    assert any(line.startswith("index.html:1:") for line in lines)


def test_a_build_updates_the_kept_search_copies_in_place(package, site_dir, tmp_path) -> None:
    """`antq build` updates the search copies the cache keeps in place
    (`Builder._copies_for_search`): a second build, its output folder removed first, keeps every
    folder of them (no new tree of folders and links, no old one removed) and rewrites the
    copy of an edited lesson only; the copies and the site equal a clean build's.
    Negative control (run by hand): copies staged in a new folder as the site is
    (`_staging(..., o.in_place)`) make the folders anew, and the inodes differ."""
    cache, out = tmp_path / "cache", tmp_path / "public"
    _build(package, out, site_dir, cache, parallel=False)
    shutil.rmtree(out)
    kept = next((cache / "build").glob("*-search"))
    folders = {p: p.stat().st_ino for p in [kept, *kept.rglob("*")] if p.is_dir()}
    files = {p: p.stat().st_ino for p in kept.rglob("*.html")}
    lesson = package / "lessons" / "mau.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("## Dấu hiệu", "Câu thêm về Khánh Hoà.\n\n## Dấu hiệu"), "utf-8")
    _build(package, out, site_dir, cache, parallel=False, full=True)
    assert {p: p.stat().st_ino for p in [kept, *kept.rglob("*")] if p.is_dir()} == folders
    changed = [p for p, ino in files.items() if p.stat().st_ino != ino]
    assert len(changed) == 1 and "Khánh Hoà" in changed[0].read_text(encoding="utf-8")
    assert sorted(p.name for p in (cache / "build").iterdir() if p.name.startswith(".")) == []
    clean, clean_cache = tmp_path / "clean", tmp_path / "cache-clean"
    _build(package, clean, site_dir, clean_cache, parallel=False)
    assert contents(out) == contents(clean)
    assert contents(kept) == contents(next((clean_cache / "build").glob("*-search")))


def test_pages_kept_in_the_store_are_linked_once_checked(package, site_dir, tmp_path) -> None:
    """A build keeps each page it writes in the pages' store (`build._put_page`: the build
    cache's, each file named by the digest of its bytes). A --full build into a new output
    folder links the unchanged pages from it (the same inode: no file made); a stored file
    whose bytes are not its name's is not published (the page is written, the stored file
    replaced); the store then holds exactly the pages the site holds, and the site equals a
    clean build's. Negative control (run by hand): a stored file linked unread (`same =
    True`) publishes the damaged bytes."""
    import hashlib

    cache, out = tmp_path / "cache", tmp_path / "public"
    _build(package, out, site_dir, cache, parallel=False)
    store = next((cache / "build").glob("*-pages"))
    home, lesson_page = out / "index.html", out / "bai-hoc" / "mau" / "index.html"
    by_inode = {p.stat().st_ino: p for p in store.iterdir()}
    assert home.stat().st_ino in by_inode and lesson_page.stat().st_ino in by_inode
    damaged = by_inode[home.stat().st_ino]
    good = damaged.read_bytes()
    damaged.unlink()
    damaged.write_bytes(good.replace(b"</main>", b"<p>0912345678</p></main>"))
    old_lesson = lesson_page.read_bytes()
    lesson = package / "lessons" / "mau.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("## Dấu hiệu", "Câu thêm về Khánh Hoà.\n\n## Dấu hiệu"), "utf-8")
    kept = {p: p.stat().st_ino for p in out.rglob("*.html") if p not in (home, lesson_page)}
    shutil.rmtree(out)
    _build(package, out, site_dir, cache, parallel=False, full=True)
    assert home.read_bytes() == good and damaged.read_bytes() == good
    assert home.stat().st_ino == damaged.stat().st_ino
    assert lesson_page.read_bytes() != old_lesson
    relinked = [p for p, ino in kept.items() if p.stat().st_ino == ino]
    assert len(relinked) > 0.9 * len(kept)  # (a page that reads the lesson's text changed)
    published = {p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    for stored in store.iterdir():
        assert stored.name == hashlib.sha256(stored.read_bytes()).digest()[:16].hex()
        assert stored.stat().st_ino in published
    clean, clean_cache = tmp_path / "clean", tmp_path / "cache-clean"
    _build(package, clean, site_dir, clean_cache, parallel=False)
    assert contents(out) == contents(clean)


def test_search_copies_reused_give_the_index_fresh_ones_give(
    package, site_dir, tmp_path, monkeypatch
) -> None:
    """A warm --full build makes no search copy and scans no page again (the memo knows
    their bytes), links each copy it made last time (one tampered with since is made again)
    and Pagefind, run over them, makes the index a build with a fresh cache makes: the same
    site and copies, byte for byte; ANTQ_CHECK_DEPS=1 makes and scans them all and agrees.
    Negative control (run by hand): a kept copy linked unread makes the copies differ."""
    from generator import scan, search

    cache, out = tmp_path / "cache", tmp_path / "public"
    _build(package, out, site_dir, cache, parallel=False)
    kept = next((cache / "build").glob("*-search"))
    tampered = next(kept.rglob("*.html"))
    tampered.write_bytes(tampered.read_bytes().replace(b"<main", b"<main data-x"))
    for index in (cache / "build").glob("*-index"):
        shutil.rmtree(index)  # the kept index: Pagefind runs over the copies
    calls: dict[str, list[str]] = {"copies": [], "scans": [], "pagefind": []}
    for name, module, attr in (
        ("copies", search, "search_copy"),
        ("scans", scan, "scan_published"),
        ("pagefind", search, "run_pagefind"),
    ):
        real = getattr(module, attr)

        def noted(first, *rest, _real=real, _calls=calls[name]):
            _calls.append(str(getattr(first, "name", first))[:60])
            return _real(first, *rest)

        monkeypatch.setattr(module, attr, noted)
    _build(package, out, site_dir, cache, parallel=False, full=True)
    assert len(calls["copies"]) == 1 and calls["pagefind"]  # the tampered copy only
    assert not any(rel.endswith(".html") for rel in calls["scans"])
    clean, clean_cache = tmp_path / "clean", tmp_path / "cache-clean"
    _build(package, clean, site_dir, clean_cache, parallel=False)
    assert contents(out) == contents(clean)
    assert contents(kept) == contents(next((clean_cache / "build").glob("*-search")))
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
    _build(package, out, site_dir, cache, parallel=False, full=True)
    assert contents(out) == contents(clean)
