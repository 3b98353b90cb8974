"""Page families behind one protocol: every module of generator.pages is a listed helper or
a family with `RANK` and `make(source: Source)`, and `collect` finds a new family file by
itself, in rank order, handing each what the lower ranks produced. Each check is run on
the package and on a small module that breaks it (its negative control)."""

from __future__ import annotations

import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import generator.pages as pages_pkg
from generator.pages import HELPERS, FileOutput, Page, collect, families, protocol_problem


def _module_names() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(pages_pkg.__path__))


def test_every_module_is_a_helper_or_follows_the_protocol() -> None:
    found = families()
    names = [module.__name__.rsplit(".", 1)[1] for module in found]
    assert sorted([*names, *HELPERS]) == _module_names()
    assert len(found) >= 15  # today's families, none silently skipped
    for module in found:
        assert protocol_problem(module) is None  # type: ignore[arg-type]
    ranks = [module.RANK for module in found]
    assert ranks == sorted(set(ranks))


def test_helpers_are_helpers() -> None:
    """A helper has no `make` (a family listed as a helper would never be collected), and every
    listed helper exists (a stale entry would hide a future module of that name)."""
    import importlib

    assert set(HELPERS) <= set(_module_names())
    for name in HELPERS:
        assert not hasattr(importlib.import_module(f"generator.pages.{name}"), "make"), name


def test_todays_order_is_kept() -> None:
    """The sitemap (misc) and the finder read what the families before them produced."""
    names = [module.__name__.rsplit(".", 1)[1] for module in families()]
    assert names == [
        "home",
        "units",
        "models",
        "news",
        "awards",
        "legal",
        "calendar",
        "guide",
        "lessons",
        "opendata",
        "about",
        "updates",
        "maps",
        "pwa",
        "finder",
        "misc",
    ]


# -- a family added at runtime, as a new file -------------------------------------------------

_FIRST = """
from collections.abc import Iterator

from generator.pages import FileOutput, Page, Source

RANK = 1


def make(source: Source) -> Iterator[Page | FileOutput]:
    yield Page(url="/dau/", templates=["x.html"], context={})
    yield FileOutput(url="/dau.json", inputs="dau", produce=lambda: b"{}")
"""

# Named so it sorts before the first family: only RANK may decide the order.
_SECOND = """
from collections.abc import Iterator

from generator.pages import Page, Source

RANK = 2


def make(source: Source) -> Iterator[Page]:
    seen = [p.url for p in source.pages] + [f.url for f in source.files]
    yield Page(url="/sau/", templates=["x.html"], context={"seen": seen})
"""


@pytest.fixture
def only_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Point generator.pages at a temp folder holding only the given modules: discovery runs
    unchanged over it; the modules are dropped from sys.modules afterwards."""
    written: list[str] = []

    def use(modules: dict[str, str]) -> None:
        for name, source in modules.items():
            (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
            written.append(f"generator.pages.{name}")
        monkeypatch.setattr(pages_pkg, "__path__", [str(tmp_path)])

    yield use
    for name in written:
        sys.modules.pop(name, None)


def test_a_new_family_file_is_collected(only_modules) -> None:  # noqa: ANN001
    only_modules({"zz_first_family": _FIRST, "aa_second_family": _SECOND})
    pages, files = collect(None, Path("."), None)  # type: ignore[arg-type]
    assert [p.url for p in pages] == ["/dau/", "/sau/"]
    assert [f.url for f in files] == ["/dau.json"]
    assert pages[1].context["seen"] == ["/dau/", "/dau.json"]
    assert all(isinstance(p, Page) for p in pages)
    assert all(isinstance(f, FileOutput) for f in files)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (_FIRST.replace("def make(source: Source)", "def make(model, package)"), "exactly one"),
        (_FIRST.replace("def make(source: Source)", "def make(model: Page)"), "annotated Source"),
        (_FIRST.replace("def make(source: Source)", "def make(*, source: Source)"), "exactly one"),
        (_FIRST.replace("def make(", "def pages("), "no make"),
        (_FIRST.replace("RANK = 1", "RANK = '1'"), "RANK must be an int"),
        (_FIRST.replace("RANK = 1", ""), "RANK must be an int"),
        (_FIRST.replace("RANK = 1", "RANK = 2"), "RANK 2 shared"),
    ],
)
def test_a_family_off_the_protocol_is_reported(only_modules, source: str, reason: str) -> None:  # noqa: ANN001
    """Negative controls: a family the build cannot call as a family stops the collection,
    naming the module, before any family runs."""
    only_modules({"bad_family": source, "aa_second_family": _SECOND})
    with pytest.raises(TypeError) as caught:
        collect(None, Path("."), None)  # type: ignore[arg-type]
    assert "generator.pages.bad_family" in str(caught.value)
    assert reason in str(caught.value)
