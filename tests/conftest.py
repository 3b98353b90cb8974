from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own validation cache, never the developer's."""
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(tmp_path_factory.mktemp("antq-cache")))


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[[str | None], Path]:
    """Copy the good fixture package, then lay a bad case's files over it.

    A case folder under tests/fixtures/bad/ holds only the files that differ from
    tests/fixtures/good/; a file named `_delete` lists files to remove.
    """

    made: list[Path] = []

    def build(case: str | None = None) -> Path:
        made.append(tmp_path / f"{case or 'good'}-{len(made)}")
        target = made[-1]
        shutil.copytree(FIXTURES / "good", target)
        if case:
            overlay = FIXTURES / "bad" / case
            shutil.copytree(overlay, target, dirs_exist_ok=True)
            delete = target / "_delete"
            if delete.exists():
                for name in delete.read_text().split():
                    (target / name).unlink()
                delete.unlink()
        return target

    return build
