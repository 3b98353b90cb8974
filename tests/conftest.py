"""Shared fixtures, and how the suite runs in parallel (pytest-xdist, `-n auto --dist
loadgroup` in the README's test command).

Every worker is its own process with its own temporary folders (`tmp_path_factory`), its own
validation cache and random ports, so tests share nothing across workers. What a worker must
not do twice is build the same thing: a test that uses a module- or session-scoped fixture of
its own module (a built site, a browser, a synthetic package) joins that module's xdist group,
so one worker runs all such tests of the module and builds the fixture once. Tests that use
none are spread over the workers one by one. A module may still name its own group
(`pytest.mark.xdist_group`); that mark is kept.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_SCOPES = {"module", "package", "session", "class"}


def _shares_a_costly_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a fixture of wider scope than one test, found in its own module
    (defined or imported there; pytest's own, such as tmp_path_factory, and this file's do
    not count)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    module_id = item.nodeid.split("::", 1)[0]
    for name in item.fixturenames:
        for fixturedef in info.name2fixturedefs.get(name, ()):
            owner = getattr(fixturedef, "node", None)  # where it was found (pytest >= 9)
            owner_id = owner.nodeid if owner is not None else fixturedef.baseid
            if fixturedef.scope in SHARED_SCOPES and owner_id == module_id:
                return True
    return False


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (its own hook, same name)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        shared = sorted(SHARED_BUILDS & set(item.fixturenames))
        if shared:  # every module reading it runs on the one worker that builds it
            item.add_marker(pytest.mark.xdist_group(shared[0]))
        elif _shares_a_costly_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


# Session-wide builds defined below, each shared by several modules (read only).
SHARED_BUILDS = {"fixture_site", "pg"}  # "pg": the PostgreSQL cluster, below


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good fixture package plus the sample lesson, built once at the golden site's fixed
    date: tests/test_golden.py compares it whole; test_check, test_scans and
    test_security_teams read it, and copy it before changing anything."""
    from tests.test_golden import build_fixture_site

    return build_fixture_site(tmp_path_factory.mktemp("fixture-site"))


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Module- and session-scoped fixtures run before the per-test cache below is set: they
    get one cache per worker, never one beside a package inside the repository (where two
    workers building tests/fixtures/good would write the same files)."""
    old = os.environ.get("ANTQ_CACHE_DIR")
    os.environ["ANTQ_CACHE_DIR"] = str(tmp_path_factory.mktemp("antq-session-cache"))
    yield
    if old is None:
        os.environ.pop("ANTQ_CACHE_DIR", None)
    else:
        os.environ["ANTQ_CACHE_DIR"] = old


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


# -- the push store on both databases (issue 20) ---------------------------------------------
# One throwaway PostgreSQL cluster for the session (tests/pgserver.py), started by the one
# worker that runs every PostgreSQL case: they all join the xdist group "pg".
PG_GROUP = pytest.mark.xdist_group("pg")


@pytest.fixture(scope="session")
def pg() -> Iterator[Any]:
    from tests.pgserver import pg_server

    with pg_server() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=PG_GROUP)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty push store of each kind: the tests that take it run on both."""
    if request.param == "sqlite":
        return str(tmp_path / "push.sqlite3")
    return str(request.getfixturevalue("pg").new_database())


@pytest.fixture
def new_db(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[str], str]:
    """Another fresh store of db_url's kind (`name` names the SQLite file)."""

    def make(name: str) -> str:
        if "://" in db_url:
            return str(request.getfixturevalue("pg").new_database())
        return str(tmp_path / f"{name}.sqlite3")

    return make
