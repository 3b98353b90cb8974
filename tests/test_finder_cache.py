"""The finder's index kept across builds in the build's cache (issue 18), keyed by the
build's base (every input but the leaf tables' rows): reused on the same base, made again
on another, checked against the kept one under ANTQ_CHECK_DEPS=1."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.data.load import read_package
from generator.data.schema import load_package
from generator.model import SiteModel, build_model
from generator.pages import FileOutput, Page, Source, finder
from generator.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "fixtures" / "good"


@pytest.fixture(scope="module")
def model() -> SiteModel:
    return build_model(read_package(GOOD), load_settings(ROOT / "site"), date(2025, 11, 21))


def _source(model: SiteModel, cache: Path, base: str, check: bool = False) -> Source:
    package, _ = load_package(GOOD)
    return Source(model, GOOD, package, cache_dir=cache, base=base, check=check)


def _shown(outputs: list[Page | FileOutput]) -> list[Any]:
    return [
        (o.url, o.inputs, o.produce()) if isinstance(o, FileOutput) else (o.url, o.view())
        for o in outputs
    ]


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    build_index = finder.build_index

    def counted(model: SiteModel) -> finder.FinderIndex:
        made.append(1)
        return build_index(model)

    monkeypatch.setattr(finder, "build_index", counted)
    return made


def test_the_index_is_reused_on_the_same_base_only(
    model: SiteModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _counting(monkeypatch)
    first = list(finder.make(_source(model, tmp_path, "base-1")))
    again = list(finder.make(_source(model, tmp_path, "base-1")))
    assert len(made) == 1 and _shown(again) == _shown(first)
    other = list(finder.make(_source(model, tmp_path, "base-2")))  # another base: made again
    assert len(made) == 2 and _shown(other) == _shown(first)
    list(finder.make(_source(model, tmp_path / "none", "")))  # no base: nothing kept
    assert len(made) == 3 and not (tmp_path / "none").exists()


def test_check_deps_makes_the_index_and_stops_on_a_difference(
    model: SiteModel, tmp_path: Path
) -> None:
    list(finder.make(_source(model, tmp_path, "base-1")))
    list(finder.make(_source(model, tmp_path, "base-1", check=True)))  # the same: passes
    kept = tmp_path / "finder-index.json"
    kept.write_bytes(kept.read_bytes().replace(b'"p":[[', b'"p":[["X",0,"x","/x/"],['))
    with pytest.raises(RuntimeError, match="kept by its base"):
        list(finder.make(_source(model, tmp_path, "base-1", check=True)))
