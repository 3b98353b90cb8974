"""Issue 18 item 7: the open-data files are kept whole in the cache by their keys
(generator.pages.opendata `_Store`) and linked by the next build, `--full` too; a code
change or a data change makes them again, ANTQ_CHECK_DEPS=1 checks a kept one, and the
build scans what it links."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import build as build_mod
from generator import limits
from generator.build import BuildOptions, build_site
from generator.errors import BuildError
from generator.pages import opendata
from tests.test_build_reliability import contents

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _split_and_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    monkeypatch.delenv("ANTQ_CHECK_DEPS", raising=False)
    monkeypatch.setattr(limits, "SPLIT_ABOVE", 1)  # the fixture's tables split per province
    # No split kept by an earlier test's serve builds in this process (`opendata._KEPT`:
    # the same fixture's tables have the same context): the edit below would patch it
    # instead of splitting the table, which this test counts.
    monkeypatch.setattr(opendata, "_KEPT", {})


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(ROOT / "site", target)
    return target


def _build(data: Path, out: Path, site: Path, cache: Path) -> None:
    build_site(
        BuildOptions(
            data_dir=data, out_dir=out, site_dir=site, cache_dir=cache, full=True, parallel=False
        )
    )


def _splits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables split by province from now on (what a kept file spares)."""
    calls: list[str] = []
    real = opendata._split_csv

    def counting(spec, index, column):  # type: ignore[no-untyped-def]
        calls.append(spec.name)
        return real(spec, index, column)

    monkeypatch.setattr(opendata, "_split_csv", counting)
    return calls


def _logged_splits(monkeypatch: pytest.MonkeyPatch, log: Path) -> Callable[[], list[str]]:
    """The tables split by province from now on, in this process or a forked one (the
    first build's `Memo.prefetch`, the render workers): read from `log` by the function
    returned."""
    real = opendata._split_csv

    def logged(spec, index, column):  # type: ignore[no-untyped-def]
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{spec.name}\n")
        return real(spec, index, column)

    monkeypatch.setattr(opendata, "_split_csv", logged)
    return lambda: log.read_text(encoding="utf-8").split() if log.is_file() else []


def _kept(cache: Path, suffix: str) -> list[Path]:
    return sorted(p for p in (cache / "opendata-files").rglob(f"*{suffix}~*") if p.is_file())


def test_full_build_links_kept_open_data_until_the_code_or_data_change(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    """After a row edit, `--full` on the same cache splits only the edited table again and
    equals a clean build on a new cache; so it does after a code change that changes the
    province files. A kept file tampered with: ANTQ_CHECK_DEPS=1 stops the build; without
    it the scan of the linked bytes does (a phone number put in). Negative controls (run
    by hand, each fails the test): a store shared by every code version (`generation`
    ignoring the code) serves the old files after the code change; a store key without
    `inputs` serves them after the row edit; without the check or the scan of a linked
    file the tampered build goes through."""
    data, cache = make_package(), tmp_path / "cache"
    _build(data, tmp_path / "a", site_dir, cache)
    assert _kept(cache, ".json")
    path = data / "assessments.csv"  # an issuer edited: its table split and made again
    text = path.read_text(encoding="utf-8")
    assert "UBND huyện Tứ Kỳ" in text
    edited = text.replace("UBND huyện Tứ Kỳ", "UBND huyện Tứ Kỳ cũ", 1)
    path.write_text(edited, encoding="utf-8")
    splits = _logged_splits(monkeypatch, tmp_path / "splits.log")
    _build(data, tmp_path / "d", site_dir, cache)
    assert sorted(set(splits())) == ["assessments"]
    _build(data, tmp_path / "d-clean", site_dir, tmp_path / "cache-d")
    assert contents(tmp_path / "d") == contents(tmp_path / "d-clean")

    real = opendata._province_json  # the new code: province JSON with a final newline

    def new_code(package, name, code, kept=True):  # type: ignore[no-untyped-def]
        return lambda: real(package, name, code, kept)() + b"\n"

    monkeypatch.setattr(opendata, "_province_json", new_code)
    monkeypatch.setattr(build_mod.codeversion, "code_version", lambda: "edited code")
    _build(data, tmp_path / "c", site_dir, cache)
    _build(data, tmp_path / "c-clean", site_dir, tmp_path / "cache-c")
    assert contents(tmp_path / "c") == contents(tmp_path / "c-clean")
    _tampered(data, site_dir, tmp_path, cache, monkeypatch)


def _tampered(data: Path, site: Path, tmp_path: Path, cache: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    kept = _kept(cache, ".json")[0]
    kept.write_bytes(kept.read_bytes().replace(b"[", b'["0912345678",', 1))
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
    with pytest.raises(RuntimeError, match="kept by its key"):
        _build(data, tmp_path / "t", site, cache)
    monkeypatch.delenv("ANTQ_CHECK_DEPS")
    with pytest.raises(BuildError, match="personal-data"):
        _build(data, tmp_path / "t", site, cache)


def test_produce_spans_group_consecutive_files_of_one_group() -> None:
    """A group's consecutive files are one produce job; other files one each (negative
    control: files without a group, every one its own job)."""
    from generator.pages import FileOutput

    def out(url: str, group: str = "") -> tuple[str, FileOutput]:
        return url, FileOutput(url, url, lambda: b"", group=group)

    files = [out("a"), out("b", "t1"), out("c", "t1"), out("d", "t2"), out("e"), out("f", "t1")]
    assert build_mod._produce_spans(files) == [(0, 1), (1, 3), (3, 4), (4, 5), (5, 6)]
    plain = [out(url) for url, _ in files]
    assert build_mod._produce_spans(plain) == [(i, i + 1) for i in range(6)]
    assert build_mod._produce_spans([]) == []


def test_parallel_build_splits_each_table_once_per_worker_and_equals_one_process(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    """Two forked workers produce the open data: each split table's province files are one
    job (`FileOutput.group`), so its rows are split by one worker, not by each; on a first
    build, by none: the forked process of `Memo.prefetch` that split a table for its
    digests kept its province files (`opendata._store_split`), which the render workers
    link. The files are the same bytes as a one-process build's. Negative control (run by
    hand: the test fails): without `_store_split`, each table is split twice."""
    names = _logged_splits(monkeypatch, tmp_path / "splits.log")
    monkeypatch.setattr(build_mod, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setenv("ANTQ_WORKERS", "2")
    data = make_package()
    forked = tmp_path / "forked"
    build_site(BuildOptions(data_dir=data, out_dir=forked, site_dir=site_dir))
    split = sorted(set(names()))
    assert split, "no table was split by province"
    # Once, by the forked process that made its digests (and its province files).
    assert sorted(names()) == split, names()
    single = tmp_path / "single"
    build_site(
        BuildOptions(
            data_dir=data,
            out_dir=single,
            site_dir=site_dir,
            cache_dir=tmp_path / "c2",
            parallel=False,
        )
    )
    assert contents(forked / "du-lieu") == contents(single / "du-lieu")
