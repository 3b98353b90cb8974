"""The order xdist's workers take the suite's work in (tests/conftest.py): the costliest
groups first by the recorded durations, then the single tests, their module's costliest first;
a group's tests stay together and in their order."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests import conftest


def _items(*nodeids: str) -> list[Any]:
    return [SimpleNamespace(nodeid=n) for n in nodeids]


ITEMS = (
    "tests/test_a.py::one",
    "tests/test_b.py::x@small",
    "tests/test_c.py::y@big",
    "tests/test_b.py::z@small",
    "tests/test_d.py::two",
    "tests/test_c.py::w@big",
    "tests/test_e.py::v@new",
)


def _order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: dict[str, float]) -> list[str]:
    path = tmp_path / "durations.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.setattr(conftest, "DURATIONS", path)
    items = _items(*ITEMS)
    conftest._heaviest_first(items)
    return [i.nodeid for i in items]


def test_costliest_groups_first_then_single_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = {"big": 120.0, "small": 5.0, "tests/test_a.py::*": 0.5, "tests/test_d.py::*": 9.0}
    assert _order(tmp_path, monkeypatch, record) == [
        "tests/test_c.py::y@big",
        "tests/test_c.py::w@big",
        "tests/test_e.py::v@new",  # unknown: UNKNOWN_GROUP (30 s)
        "tests/test_b.py::x@small",
        "tests/test_b.py::z@small",
        "tests/test_d.py::two",
        "tests/test_a.py::one",
    ]
    # Negative control: the record decides — swapped costs swap the groups.
    swapped = {**record, "big": 5.0, "small": 120.0}
    assert _order(tmp_path, monkeypatch, swapped)[:2] == [
        "tests/test_b.py::x@small",
        "tests/test_b.py::z@small",
    ]


def test_the_recorded_file_is_read_and_names_real_groups() -> None:
    """The committed record parses, and most of its groups still exist (a stale record only
    slows the suite down; this says when to record it again)."""
    record = json.loads(conftest.DURATIONS.read_text("utf-8"))
    assert record and all(isinstance(v, (int, float)) for v in record.values())
    modules = {k.split("::", 1)[0] for k in record if k.startswith("tests/")}
    here = Path(conftest.__file__).resolve().parents[1]
    missing = sorted(m for m in modules if not (here / m).is_file())
    assert len(missing) <= len(modules) // 5, missing
