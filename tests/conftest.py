"""Shared fixtures, and how the suite runs in parallel (pytest-xdist, `-n auto --dist
loadgroup` in the README's test command).

Every worker is its own process with its own temporary folders (`tmp_path_factory`), its own
validation cache and random ports, so tests share nothing across workers. What a worker must
not do twice is build the same thing: a test that uses a module- or session-scoped fixture of
its own module (a built site, a browser, a synthetic package) joins that module's xdist group,
so one worker runs all such tests of the module and builds the fixture once. Tests that use
none are spread over the workers one by one. A module may still name its own group
(`pytest.mark.xdist_group`); that mark is kept. A build read by several modules (the
fixture site, the sample site) is made once per run by whichever worker needs it first
(`built_once`), so the modules reading it need not share one worker.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
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


# A wrapper: the marks are put before xdist's worker reads them (its own hook, same name),
# and checked after it has put the groups into the node ids.
@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Generator[None, None, None]:
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        shared = sorted(SHARED_BUILDS & set(item.fixturenames))
        if shared:  # every module reading it runs on the one worker that builds it
            item.add_marker(pytest.mark.xdist_group(shared[0]))
        elif _shares_a_costly_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
    yield
    # Stop when `--dist loadgroup` did not take: pytest 9.2 keeps node ids where
    # pytest-xdist 3.8 cannot add the group, and every module's tests were silently spread
    # over both workers (module fixtures built twice, ordered steps split).
    if getattr(config.option, "loadgroup", False):
        lost = [i.nodeid for i in items if i.get_closest_marker("xdist_group")]
        lost = [nodeid for nodeid in lost if "@" not in nodeid]
        if lost:
            raise pytest.UsageError(f"xdist groups not applied ({len(lost)}, e.g. {lost[0]})")
        _heaviest_first(items)


# -- the order the workers take the work in ---------------------------------------------------
# xdist hands the groups out in collection order (its default reorder, by number of tests, is
# turned off below: it put the costly groups of few tests — a browser module, the exports, the
# PostgreSQL cases — last, so one worker ran them alone at the end). The suite ends when the
# busier worker ends: the costliest groups go first, the single tests after them fill the gaps
# (longest-first scheduling). The costs are a past run's, recorded by
# `ANTQ_RECORD_DURATIONS=tests/durations.json` with the test command; a stale or missing entry
# only changes the order, never what runs. Why our own: pytest-split orders by recorded
# durations too, but splits the suite across CI jobs, not between xdist workers with groups.
DURATIONS = Path(__file__).with_name("durations.json")
UNKNOWN_GROUP = 30.0  # seconds assumed for a group the record does not know (a new module)


def _scope(nodeid: str) -> str:
    """The unit xdist schedules: the group after "@", else the test itself."""
    return nodeid.rsplit("@", 1)[1] if "@" in nodeid else nodeid


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _heaviest_first(items: list[pytest.Item]) -> None:
    costs = json.loads(DURATIONS.read_text("utf-8")) if DURATIONS.is_file() else {}
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        groups.setdefault(_scope(item.nodeid), []).append(item)

    def cost(entry: tuple[str, list[pytest.Item]]) -> tuple[int, float]:
        scope, members = entry
        if "@" in members[0].nodeid:
            return (0, -float(costs.get(scope, UNKNOWN_GROUP)))
        return (1, -float(costs.get(_module(scope) + "::*", 0.0)))  # a single test: after

    items[:] = [item for _, members in sorted(groups.items(), key=cost) for item in members]


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False  # keep the order above


_spent: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if os.environ.get("ANTQ_RECORD_DURATIONS") and not os.environ.get("PYTEST_XDIST_WORKER"):
        _spent[report.nodeid] = _spent.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With ANTQ_RECORD_DURATIONS=FILE (the controller of a whole run): each group's seconds,
    and for single tests their module's mean a test ("module::*")."""
    target = os.environ.get("ANTQ_RECORD_DURATIONS")
    if not target or os.environ.get("PYTEST_XDIST_WORKER") or not _spent:
        return
    record: dict[str, float] = {}
    singles: dict[str, list[float]] = {}
    for nodeid, seconds in _spent.items():
        if "@" in nodeid:
            record[_scope(nodeid)] = record.get(_scope(nodeid), 0.0) + seconds
        else:
            singles.setdefault(_module(nodeid) + "::*", []).append(seconds)
    record.update({key: sum(s) / len(s) for key, s in singles.items()})
    ordered = {key: round(record[key], 1) for key in sorted(record)}
    Path(target).write_text(json.dumps(ordered, indent=1) + "\n", encoding="utf-8")


# Session-wide fixtures that must put every test reading them on one worker: "pg", the
# PostgreSQL cluster below (the builds are made once per run by built_once, read by both).
SHARED_BUILDS = {"pg"}


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]
) -> Path:
    """The folder `name`, made by make(folder) once for the whole run, not once per worker
    and not in one xdist group (which would put every module reading it on one worker): the
    first worker to need it makes it in the run's shared temporary folder under a lock; the
    other waits for it and reads the same files. Read only: copy it before changing anything."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / f"{name}.done").exists():
            shutil.rmtree(root, ignore_errors=True)  # what a failed attempt left
            root.mkdir()
            make(root)
            (shared / f"{name}.done").touch()
    return root


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good fixture package plus the sample lesson, built once at the golden site's fixed
    date: tests/test_golden.py compares it whole; test_check, test_scans and
    test_security_teams read it, and copy it before changing anything."""
    from tests.test_golden import build_fixture_site

    return built_once(tmp_path_factory, "fixture-site", build_fixture_site) / "public"


@dataclass(frozen=True)
class SampleSite:
    data: Path  # snapshots of the repository's data/ and site/
    site: Path
    public: Path  # the site built from them


SAMPLE_EPOCH = "1763683200"  # 21/11/2025


def _build_sample(root: Path) -> None:
    from generator.build import BuildOptions, build_site

    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "site", root / "site")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        mp.setenv("ANTQ_CACHE_DIR", str(root / "cache"))
        build_site(
            BuildOptions(data_dir=root / "data", out_dir=root / "public", site_dir=root / "site")
        )


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> SampleSite:
    """The repository's sample data/ and site/ built once for the run at 21/11/2025:
    test_find_ui, test_finder and test_export read it."""
    root = built_once(tmp_path_factory, "sample-site", _build_sample)
    return SampleSite(root / "data", root / "site", root / "public")


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
    """Every test gets its own validation cache, never the developer's; and no check mode
    from the developer's shell: `ANTQ_CHECK_DEPS=1` makes every reused output anyway, so
    the tests that count what a build reused or tamper with what it kept would fail (11
    did). A test of that mode sets it itself."""
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(tmp_path_factory.mktemp("antq-cache")))
    monkeypatch.delenv("ANTQ_CHECK_DEPS", raising=False)


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
