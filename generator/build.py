"""`antq build`: the pipeline as named, timed stages, each a function with typed inputs and
outputs (frozen dataclasses), run in order by `Builder._run`:

    inputs → validate → load → limits → model → deps → pages → render+write → search → pwa
    → verify → swap

    read_inputs(options, code) → Inputs          settings, the git log, the fingerprint
    validate(options, inputs) → warnings          stops on errors (generator.data.validate);
                                                  a large package's runs in a forked process
                                                  beside load → pages (`Builder._beside`)
    load(options, cache root) → Loaded            descriptor, records (cached), lessons
    check_limits(loaded)                          a table too large for its outputs
    make_model(options, inputs, loaded) → Modelled
    Builder._reuse(…) → Reuse                     what changed rows feed (generator.deps)
    plan_pages(options, inputs, loaded, modelled) → Planned
    Builder._render_and_write(…) → Written        pages and files into staging
    BuildCache                                    what the next build reuses, typed

Read once per build and passed down: the package's descriptor (validation reads its own: it
reports the descriptor's problems), the data's git history (`Inputs.log`, one `git log`),
the basemap (generator.pages.maps, once), each table's bytes (parsed only when not in the
table cache: generator.data.tablecache), each lesson's Markdown (converted only when not in
the Markdown cache: generator.pages.lessons.MarkdownCache).

Incremental: every page's declared inputs (its context, the templates it uses, the site-wide
settings and assets, and the code that renders: see `code_version`) are hashed; a page whose
hash is unchanged is hard-linked from the previous build instead of rendered. A build whose
every input file is unchanged stops after hashing them. Every key is a content hash; an
input file's hash is kept under what `stat` says of it and not computed again while that
is unchanged (generator.filehash, git's trade-off; `--full` hashes every file again).
A page that declares the records it reads (`Page.deps`, generator.deps) is not even made
when only rows of other records changed: its last key is kept. `antq serve` keeps the
records and the model in memory between its builds (`BuildOptions.warm`, generator.warm):
for leaf rows changed, `Builder._patch` stands in for the load and model stages. One build
(or `antq serve`) at a time per output folder (`output_lock`); output ceilings in
`generator.limits`; the data's revision and the build's date in `generator.revision`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import generator
from generator import codeversion, deps, limits, pwa, search, workers
from generator.data.cache import default_cache_dir, generation
from generator.data.messages_vi import say, text
from generator.derived import Derived
from generator.errors import BuildError
from generator.filehash import HASHES
from generator.headers import headers_file
from generator.output import InPlace, Staging, content_tag
from generator.revision import (
    DataLog,
    DataRevision,
    combine,
    data_revision,
    file_digests,
    git_log,
    hash_files,
    source_date_epoch,
    tree_files,
)
from generator.settings import Settings, SettingsError, load_settings
from generator.urlpath import url_to_path

# The stages' own modules (the data, the model, the pages, the templates, the scan) are
# imported where each stage runs: a build that finds nothing changed (`Builder._unchanged`)
# stops after reading the inputs' hashes, and importing them all took most of its time.
if TYPE_CHECKING:
    from generator.data.load import Dataset
    from generator.data.schema import PackageSpec
    from generator.lessons import Lesson
    from generator.model import SiteModel
    from generator.news import Article
    from generator.pages import FileOutput, Page, Source
    from generator.render import Renderer
    from generator.scanmemo import Entry, ScanMemo
    from generator.warm import Warm, WarmState

    # A page to render: its path in the site, its template, the page, its search copy's path.
    RenderJob = tuple[str, str, Page, str | None]


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    written: int = 0
    linked: int = 0
    kept: int = 0  # pages reused by their record-level keys, their context never made
    vouched: int = 0  # kept files the watch of the output vouched for (generator.treewatch)
    skipped: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # each stage's CPU seconds (process)
    warnings: list[str] = field(default_factory=list)
    inbox: list[str] = field(default_factory=list)  # what data/nhap/ brought in (issue 17)
    search_pending: bool = False  # the site holds the previous index (`defer_search`)


@dataclass
class BuildOptions:
    data_dir: Path
    out_dir: Path
    site_dir: Path = Path("site")
    cache_dir: Path | None = None
    full: bool = False  # ignore the build cache: render every page
    # Worker processes are forked for big builds; `antq serve` turns this off because forking
    # a process that runs server threads can deadlock the child on a lock held elsewhere.
    parallel: bool = True
    strict: bool = False  # warnings are errors (CI): nothing is built
    inbox: bool = True  # import the workbooks of data/nhap/ first (issue 17)
    # With strict: warnings the build's date alone brings (a law lapsed at midnight) stay
    # warnings, so the scheduled build still publishes (generator.legal.DATE_CODES).
    allow_lapsed_law: bool = False
    # `antq serve` (issue 18 item 5): the pages go live before a changed search index, which
    # `Builder.catch_up_search` makes afterwards; and the server holds the output's lock for
    # its whole session (`lock=False`: the caller holds it).
    defer_search: bool = False
    lock: bool = True
    # Called the moment the new site is live, with whether its index is still to be made
    # (before the cache is saved and the previous site removed, which take a while).
    swapped: Callable[[bool], None] | None = None
    # `antq serve`: the records and model of the last build, kept in memory and patched for
    # an edit of a few leaf rows (generator.warm); None: every build reads the tables.
    warm: Warm | None = None
    # `antq serve`: a rebuild writes its changed files into the served folder and removes
    # the ones gone, instead of a new folder of links swapped in (generator.output.InPlace).
    in_place: bool = False
    # `antq build`: the process ends after this build (cli.main, with `os._exit`): the
    # model and the pages are left to it (`LEFT`) rather than freed one object at a time.
    leave_heap: bool = False


# What the last build with `BuildOptions.leave_heap` left to its process's end: its model
# and pages. Freeing them cost a warm --full build of the national site ~0.35 s, and its
# interpreter's teardown ~0.3 s more; the command line's process ends without either.
LEFT: list[Any] = []
# Ends the saved fingerprint of a build whose index was deferred (`defer_search`).
SEARCH_PENDING = "+search-pending"
# From this many bytes of tables on, validation runs beside the load, model and pages stages
# (`Builder._start_validation`); a smaller package is validated first, in this process.
ALONGSIDE_MIN_BYTES = 2_000_000
T = TypeVar("T")
# The leaf tables' bytes the warm state held and their bytes now (`Builder._patch`), or None.
Previous = tuple[Mapping[str, bytes], Mapping[str, bytes]] | None


@contextmanager
def output_lock(lock_path: Path, out_dir: Path, holder: str = "build") -> Iterator[None]:
    """One build at a time per output directory (and its cache): a second one started
    meanwhile (a build, or `antq serve`, which holds it for its session) stops at once with
    a message naming the holder's process, rather than wait for an unknown time or write the
    same files. The lock is the kernel's (flock) and goes with the process, even if it is
    killed: a crash leaves no stale lock, only a file with the dead process's number, which
    the next holder overwrites."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner, _, kind = handle.read().strip().partition(" ")
            code = "build-busy-serve" if kind == "serve" else "build-busy"
            raise BuildError(say(code, out=str(out_dir), pid=owner or "?")) from None
        handle.seek(0)
        handle.truncate()
        # The holder's kind lets the message say what to stop (a build ends by itself;
        # `antq serve` holds the folder until it is stopped).
        handle.write(f"{os.getpid()} {holder}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- what the stages hand on ---------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """What the build reads before deciding anything: the settings, the data's git history
    (the build's one `git log`), the build's date when fixed, and the fingerprint of every
    input (data, theme, service worker, code, commit, date)."""

    settings: Settings
    log: DataLog
    epoch: datetime | None
    data_hash: str
    fingerprint: str
    # The fingerprint without the leaf tables' bytes (generator.deps): when it is unchanged,
    # only leaf rows changed and the pages' record-level keys decide what is made.
    base: str = ""
    leaf: Mapping[str, bytes] = field(default_factory=dict)  # the leaf tables' digests


@dataclass(frozen=True)
class Loaded:
    """The package read: its descriptor, its records, its lessons, its news articles."""

    package: PackageSpec
    dataset: Dataset
    lessons: tuple[Lesson, ...]
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Modelled:
    revision: DataRevision
    model: SiteModel


@dataclass(frozen=True)
class Planned:
    """Every page and data file the site will have."""

    pages: tuple[Page, ...]
    files: tuple[FileOutput, ...]
    # The ids of the pages the families handed back as the last build kept them (`antq
    # serve`: generator.pages.Source.handed): the plan may carry their entries over.
    handed: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Reuse:
    """What record-level dependencies (generator.deps) let the plan reuse: the base the
    pages' keys are made on now, the keys the changed rows feed (None: every page is made)
    and the leaf tables' bytes this build read (None: not kept for the next build)."""

    base: str = ""
    changed: frozenset[str] | None = None
    tables: Mapping[str, bytes] | None = None


@dataclass(frozen=True)
class Written:
    """What the render-and-write stage put into staging: each output's key (the search and
    service-worker stages add theirs), the pages' URLs, the search copies' hashes, and what
    the render jobs scanned as they wrote it."""

    outputs: dict[str, str]
    pages: tuple[str, ...]
    copies: dict[str, str]
    scanned: frozenset[str]
    deps: dict[str, str] = field(default_factory=dict)  # each keyed page's (BuildCache.deps)
    # The scan memo to save (generator.scanmemo); None: this build did not read it (it
    # rendered and produced nothing), and the last one stays.
    memo: dict[str, Entry] | None = None


@dataclass(frozen=True)
class BuildCache:
    """What a build leaves for the next one (one JSON file per output folder): the code and
    the fingerprint it was made with, each output's key, the pages' URLs, the search copies'
    hashes, the search stage's own entry (generator.search.build_index) and the files the
    stages after the pages emitted (`derived`: the index, the service worker, the offline
    lists), which `Builder.catch_up_search` makes again."""

    code: str = ""
    fingerprint: str = ""
    outputs: Mapping[str, str] = field(default_factory=dict)
    pages: tuple[str, ...] = ()
    copies: Mapping[str, str] = field(default_factory=dict)
    search: Mapping[str, Any] = field(default_factory=dict)
    derived: tuple[str, ...] = ()
    # Record-level dependencies (generator.deps): the base the pages' keys were made on, and
    # each page's that declares its keys: the hash of its keys, URL, title and templates.
    deps_base: str = ""
    deps: Mapping[str, str] = field(default_factory=dict)
    # The data's warnings as the build printed them: a build of the same inputs that stops
    # as unchanged prints them again (they still stand), and a `strict` one does not stop.
    warnings: tuple[str, ...] = ()

    @classmethod
    def read(cls, path: Path, code: str) -> BuildCache:
        """The cache at `path`; an empty one when missing, damaged or written by other code
        (an older antq, an edited generator, other libraries: it describes pages that code
        made)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("code") != code:
            return cls()
        try:
            return cls(
                code=str(data["code"]),
                fingerprint=str(data["fingerprint"]),
                outputs=dict(data["outputs"]),
                pages=tuple(data["pages"]),
                copies=dict(data["copies"]),
                search=dict(data["search"]),
                derived=tuple(data.get("derived", ())),
                deps_base=str(data["deps_base"]),
                deps=dict(data["deps"]),
                warnings=tuple(str(line) for line in data["warnings"]),
            )
        except (KeyError, TypeError, ValueError):
            return cls()

    def write(self, path: Path) -> None:
        data = {
            "code": self.code,
            "fingerprint": self.fingerprint,
            "outputs": dict(self.outputs),
            "pages": list(self.pages),
            "copies": dict(self.copies),
            "search": dict(self.search),
            "derived": list(self.derived),
            "deps_base": self.deps_base,
            "deps": dict(self.deps),
            "warnings": list(self.warnings),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        tmp.replace(path)


# -- the stages ------------------------------------------------------------------------------------


def read_inputs(o: BuildOptions, code: str) -> Inputs:
    """The settings, the git log and the fingerprint of every input file."""
    try:
        settings = load_settings(o.site_dir)
    except SettingsError as exc:
        raise BuildError(exc.problems) from None
    pwa_dir = pwa.source_dir(o.site_dir)  # the service worker's source
    digests = file_digests(tree_files(o.data_dir), o.data_dir)
    data_hash = combine(digests)
    log = git_log(o.data_dir)  # the one git query of the build, passed down
    epoch = source_date_epoch()
    rest = (
        hash_files(tree_files(o.site_dir), o.site_dir),
        hash_files(tree_files(pwa_dir), pwa_dir),
        code,
        repr(epoch),
    )
    fingerprint = hashlib.sha256("|".join((data_hash, *rest, repr(log.last))).encode())
    leaf = deps.leaf_files()
    # The base of the record-level keys leaves out the data's last commit: each data commit
    # changes it, and in a git repository (the way officials publish) a one-row commit would
    # then make and hash every page. No keyed page reads the commit (the update pages and
    # build.json, which do, are made whole); the build's date it gives is in every page's
    # record-level entry (`site.built`, in the site's hash: `_deps_entry`).
    base = deps.base_digest([combine([d for d in digests if d[0] not in leaf]), *rest])
    return Inputs(
        settings,
        log,
        epoch,
        data_hash,
        fingerprint.hexdigest(),
        base,
        {r: d for r, d in digests if r in leaf},
    )


def validate(o: BuildOptions, inputs: Inputs) -> list[str]:
    """Validate the package (generator.data.validate, with its own cache); stop on errors
    (and, with `strict`, on warnings). Returns the warnings' lines."""
    # A UsageError (no package there) propagates: exit 2, not a data error.
    # The date citations are judged at, when known without reading the data (else
    # validation finds it: data outside git, no SOURCE_DATE_EPOCH).
    from generator import legal
    from generator.data.validate import validate_package

    commit = inputs.log.last
    known = inputs.epoch or (commit[1] if commit else None)
    result = validate_package(
        o.data_dir,
        jobs=None if o.parallel else 1,
        on=known.date() if known else None,
        cache_dir=o.cache_dir,
        row_states=o.warm.rows if o.warm is not None else None,
    )
    blocking = [
        p for p in result.warnings if not (o.allow_lapsed_law and p.code in legal.DATE_CODES)
    ]
    if result.errors or (o.strict and blocking):
        lines = [p.line() for p in result.problems]
        last = text("build-data-errors" if result.errors else "build-data-warnings-strict")
        raise BuildError([*lines, last])
    return [p.line() for p in result.warnings]


def load(o: BuildOptions, cache_root: Path | None) -> Loaded:
    """The descriptor, read once here and passed on; every table's records (from the table
    cache under `cache_root` when its bytes are unchanged); the lessons."""
    from generator.data.load import read_package
    from generator.data.schema import load_package
    from generator.data.tablecache import TableCache
    from generator.lessons import load_lessons
    from generator.news import dataset_refs, load_news

    package, _ = load_package(o.data_dir)
    tables = TableCache(cache_root) if cache_root is not None else None
    dataset = read_package(o.data_dir, package, tables)
    lessons, _ = load_lessons(o.data_dir, {d.id for d in dataset.legal_documents})
    articles, _ = load_news(o.data_dir, dataset_refs(dataset, lessons), cache_dir=cache_root)
    return Loaded(package, dataset, tuple(lessons), tuple(articles))


def check_limits(loaded: Loaded) -> None:
    """Before any page or file is made: a table too large for its outputs."""
    too_many = limits.check_rows(_row_counts(loaded.package, loaded.dataset))
    if too_many:
        raise BuildError(too_many)


def make_model(o: BuildOptions, inputs: Inputs, loaded: Loaded) -> Modelled:
    from generator.model import build_model
    from generator.news import labels as news_labels

    lessons = list(loaded.lessons)
    revision = data_revision(
        o.data_dir, loaded.dataset, lessons, data_hash=inputs.data_hash, log=inputs.log
    )
    model = build_model(
        loaded.dataset,
        inputs.settings,
        revision.date,
        lessons,
        labels={**loaded.package.labels(), **news_labels(o.data_dir)},
        revision=revision.revision,
        news=list(loaded.articles),
    )
    return Modelled(revision, model)


def plan_pages(
    o: BuildOptions, inputs: Inputs, loaded: Loaded, modelled: Modelled, warm: Source | None = None
) -> Planned:
    """Every page and file (generator.pages), the site files, the sitemap's ceiling (`warm`:
    the changed keys and what the families kept of the last build, `Source.reused`)."""
    from generator.pages import collect, handed_pages

    cache_dir = o.cache_dir or default_cache_dir(o.data_dir)
    package = loaded.package
    pages, files = collect(modelled.model, o.data_dir, package, inputs.log, cache_dir, warm)
    push = inputs.settings.push
    files += _site_files(modelled.revision, push.origin if push else None)
    too_many = limits.check_sitemap(sum(1 for p in pages if p.in_sitemap))
    if too_many:
        raise BuildError(too_many)
    handed = handed_pages(warm.handed) if warm is not None else frozenset()
    return Planned(tuple(pages), tuple(files), handed)


def site_globals(settings: Settings, model: SiteModel, assets: dict[str, str]) -> dict[str, Any]:
    """What every template sees: the site's settings, the build's date, the assets' URLs."""
    return {
        "site": {
            "name": settings.name,
            "short_name": settings.short_name,
            "description": settings.description,
            "base_url": settings.base_url,
            "contact_organisation": settings.contact_organisation,
            "contact_url": settings.contact_url,
            "national": settings.national,
            "built": model.today,
            "push": {
                "service_url": settings.push.service_url,
                "vapid_public_key": settings.push.vapid_public_key,
            }
            if settings.push
            else None,
        },
        "assets": assets,
    }


class _Timer:
    def __init__(self, report: BuildReport, verbose: bool) -> None:
        self.report = report
        self.verbose = verbose

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), time.process_time()
        yield
        self.report.timings[name] = time.perf_counter() - start
        self.report.cpu[name] = time.process_time() - cpu


class Builder:
    def __init__(self, options: BuildOptions, *, progress: bool = False) -> None:
        self.o = options
        self.progress = progress
        self.report = BuildReport()
        self.timer = _Timer(self.report, False)
        cache_root = options.cache_dir or default_cache_dir(options.data_dir)
        self.cache_root = cache_root
        key = hashlib.sha256(str(options.out_dir.resolve()).encode()).hexdigest()[:16]
        self.cache_path = cache_root / "build" / f"{key}.json"
        # The pages' search copies (see generator.search), kept from build to build.
        self.copies_path = cache_root / "build" / f"{key}-search"
        # The last search index made of each index folder (generator.search.Store).
        self.index_path = cache_root / "build" / f"{key}-index"
        # The offline lists of the provinces (generator.pwa.PlacesMemo).
        self.places_path = cache_root / "build" / f"{key}-places.json"
        self.lock_path = cache_root / "build" / f"{key}.lock"
        # The leaf tables as the last build read them (generator.deps).
        self.kept_path = cache_root / "build" / f"{key}-tables"
        # What the render jobs need not scan or copy again (generator.scanmemo).
        self.memo_path = cache_root / "build" / f"{key}-scanned.msgpack"
        # The pages the last builds wrote, each named by its bytes' digest (`_put_page`).
        self.pages_path = cache_root / "build" / f"{key}-pages"
        if options.warm is not None and options.in_place:
            # What changed in the folders written in place behind the server's back
            # (generator.treewatch): watched from the server's next idle moment on.
            options.warm.watch(options.out_dir)
            options.warm.watch(self.copies_path)
        self.code = codeversion.code_version()
        self._check = os.environ.get("ANTQ_CHECK_DEPS") == "1"  # (asked of 7,800 pages)
        self._cancel: Callable[[], bool] | None = None  # asked while Pagefind runs
        # Paused while the pages are planned; `antq serve` (warm) keeps its heap frozen.
        self._collector = _Collector(frozen_heap=self.o.warm is not None)
        self._kept_families: dict[str, Any] = {}  # the warm state's (`_families`)
        # The warm state's unit converter (`_warm_state`): the unit tables are in the base.
        self._convert: Callable[[str], str | None] | None = None

    def _read_memo(self) -> ScanMemo:
        """The scan memo the last build left (generator.scanmemo), `--full` too: it holds
        facts about bytes, each checked against the bytes at hand, not about the inputs."""
        from generator.scanmemo import ScanMemo

        return ScanMemo.read(self.memo_path, self.code)

    def _load_cache(self) -> BuildCache:
        if self.o.full or not self.o.out_dir.is_dir():
            return BuildCache()
        return BuildCache.read(self.cache_path, self.code)

    def run(self) -> BuildReport:
        # Each input hashed once in this build (generator.filehash's pass); `antq serve`
        # keeps the leaf tables' bytes it hashed for the build's later reads of them.
        HASHES.begin_pass(self._leaf_paths() if self.o.warm is not None else None)
        try:
            return self._run_locked()
        finally:
            self._collector.thaw()  # (a build stopped before its search stage)
            HASHES.end_pass()

    def _leaf_paths(self) -> Callable[[str], bool]:
        root = self.o.data_dir
        paths = frozenset(os.path.abspath(root / rel) for rel in deps.leaf_files())
        return paths.__contains__

    def _run_locked(self) -> BuildReport:
        if not self.o.lock:  # the caller holds it (`antq serve`, for its session)
            return self._run()
        with self._lock():
            # Input files' hashes kept by `stat` or vouched for by git's index
            # (generator.filehash); `--full` trusts neither.
            HASHES.configure(self.cache_root, trust=not self.o.full, git_root=self.o.data_dir)
            try:
                return self._run()
            finally:
                HASHES.save()

    def _lock(self) -> AbstractContextManager[None]:
        return output_lock(self.lock_path, self.o.out_dir)

    def _import_inbox(self) -> None:
        """Workbooks an official uploaded into data/nhap/ become rows of the tables, with
        `antq import --fix`'s rules, before anything else reads the data; one that cannot
        be imported stops the build with its problems (nothing in data/ changed)."""
        from generator.inbox import inbox_files

        if not inbox_files(self.o.data_dir):
            return
        from generator.importer import import_inbox

        report = import_inbox(self.o.data_dir)
        if not report.ok:
            raise BuildError([*report.lines, *(p.line() for p in report.problems)])
        self.report.inbox = report.lines

    def _run(self) -> BuildReport:
        """The stages in order, each timed, each able to stop the build; the data passes
        from one to the next as the typed values above.
        Long because it is the one place that orders the stages and undoes a failed build's
        staging, copies and early search (`_early`)."""
        o, stage = self.o, self.timer.stage
        if o.inbox:
            with stage("inbox"):
                self._import_inbox()
        with stage("settings"):
            inputs = read_inputs(o, self.code)
        cache = self._load_cache()
        if self._unchanged(cache, inputs):
            return self.report
        if o.warm is not None:  # an edit's whole-table download compressed meanwhile
            from generator.pages import opendata

            opendata.compress_early(o.data_dir, o.warm.changed_leaf(inputs.leaf))
        with self._collector.paused():
            checking = self._start_validation(inputs)
            made = self._beside(checking, functools.partial(self._prepare, inputs, cache))
        model, planned, reuse, previous, keep = made
        del made  # (the model stays referenced until the search stage)
        page_count, file_count = len(planned.pages), len(planned.files)
        # The search copies are the build cache's, never published: every build updates them
        # in place (`_copies_for_search`), as `antq serve` does its site.
        kept_copies = self._kept_copies(cache)
        staging = self._staging(o.out_dir, cache.outputs, o.in_place)
        copies = self._staging(self.copies_path, kept_copies, True)
        early = self._early(copies, cache)
        try:
            written = self._render_and_write(
                staging, copies, inputs.settings, model, planned, cache, reuse, early
            )
            # The data and the pages are no longer needed: their memory is given back when
            # Pagefind runs (the national site's model is hundreds of MB: `_post`).
            heap: list[Any] = [model, planned]
            del model, planned
            copies_dir = self._copies_for_search(copies, kept_copies, written)
            emitted, index = self._post(
                staging, copies_dir, written, cache, defer=o.defer_search, heap=heap, early=early
            )
            with stage("swap"):
                self._swap(staging, copies, cache, written)
            if o.swapped is not None:
                o.swapped(bool(index.get("pending")))
        except BaseException:
            staging.abort()
            copies.abort()
            raise
        finally:
            if early is not None:
                early.close()
        try:
            self._save(inputs.fingerprint, written, index, emitted, reuse, previous)
        finally:
            staging.finish()
            copies.finish()
        if o.warm is not None and keep is not None:
            o.warm.keep(keep)
        if o.leave_heap:
            LEFT[:] = heap  # (one build's at most: a test's builds do not pile up)
        self.report.search_pending = bool(index.get("pending"))
        self.report.pages = page_count
        self.report.files = file_count + len(emitted)
        return self._counted(staging, copies)

    def _start_validation(self, inputs: Inputs) -> workers.Beside[list[str]] | None:
        """Validate the package now (the warnings into the report), or, for a large package
        on several cores, start its validation in a forked process beside the load, model
        and pages stages (`_beside`), whose serial work left a core idle (issue 18). None:
        validated already."""
        o = self.o
        if not self._alongside():
            with self.timer.stage("validate"):
                self.report.warnings = validate(o, inputs)
            return None
        return workers.Beside(validate, o, inputs)

    def _early(self, copies: Staging, cache: BuildCache) -> search.Early | None:
        """Pagefind begun as soon as every search copy is written (`search.Early`): in a
        build that makes its index before its swap (not `antq serve`'s, which defers it),
        into a new copies folder (a first build, the one Pagefind reads whole; in place, the
        copies folder is put in order after the render stage: `_copies_for_search`)."""
        if self.o.defer_search or isinstance(copies, InPlace):
            return None
        return search.Early(cache.search, search.Store(self.index_path, self.code))

    def _alongside(self) -> bool:
        """Whether validation runs beside the stages after it: worker processes allowed,
        no warm state (`antq serve` keeps the row states in memory, and forks nothing), two
        cores or more, and at least `ALONGSIDE_MIN_BYTES` of tables."""
        o = self.o
        if not o.parallel or o.warm is not None or workers.count() < 2:
            return False
        tables = [p for p in tree_files(o.data_dir) if p.suffix == ".csv"]
        return sum(p.stat().st_size for p in tables) >= ALONGSIDE_MIN_BYTES

    def _beside(self, checking: workers.Beside[list[str]] | None, work: Callable[[], T]) -> T:
        """`work()` while the validation `checking` runs (None: it ran already), then its
        result: the build stops on the data's problems as when validation ran first, even
        when the work failed meanwhile (data that validation refuses may break it; then
        its problems are what the official reads). Nothing of the site is written before
        validation passed; the work writes only caches keyed by their contents."""
        try:
            made = work()
        except Exception:
            self._validated(checking)  # raises the data's problems, when there are any
            raise
        except BaseException:  # stopped (Ctrl-C): the validation stops too
            if checking is not None:
                checking.stop()
            raise
        self._validated(checking)
        return made

    def _validated(self, checking: workers.Beside[list[str]] | None) -> None:
        if checking is not None:
            with self.timer.stage("validate"):
                self.report.warnings = checking.result()

    def _prepare(
        self, inputs: Inputs, cache: BuildCache
    ) -> tuple[SiteModel, Planned, Reuse, Previous, WarmState | None]:
        """The load, model, deps and pages stages: the model, every page and file planned,
        what the record-level keys reuse, the leaf tables' bytes the warm state held and
        now (or None) and what this build leaves the next in memory (`antq serve`)."""
        o, stage = self.o, self.timer.stage
        loaded, modelled, previous = self._load_and_model(inputs)
        with stage("deps"):
            reuse = self._reuse(inputs, cache, loaded, modelled, previous)
        families = self._families(loaded, modelled, reuse, previous)
        keep = self._warm_state(inputs, loaded, modelled, reuse, families.keep)
        with stage("pages"):
            planned = plan_pages(o, inputs, loaded, modelled, families)
        return modelled.model, planned, reuse, previous, keep

    def _counted(self, staging: Staging, copies: Staging) -> BuildReport:
        """The report with what the build wrote, linked and took on the watch's word."""
        self.report.written = staging.written
        self.report.linked = staging.linked
        self.report.vouched = sum(getattr(s, "vouched", 0) for s in (staging, copies))
        return self.report

    def _kept_copies(self, cache: BuildCache) -> Mapping[str, str]:
        """The search copies the copies folder holds: the last build's cache lists them. A
        `--full` build, or one into a missing output folder, renders every page (`_load_cache`
        gave it an empty cache), yet the copies it makes again are mostly the ones kept
        (linked by the scan memo's word: `_copy_once`), so it reads the list all the same."""
        if cache.code:  # (read: `_load_cache` read the file)
            return cache.copies
        return BuildCache.read(self.cache_path, self.code).copies

    def _copies_for_search(
        self, copies: Staging, kept: Mapping[str, str], written: Written
    ) -> Path:
        """The folder Pagefind reads the search copies from. In place (every build after the
        first) it reads the whole copies folder: the new copies go in first, and the cache that
        described the old ones goes (a build that fails from here is followed by a whole
        one). In place, a warm --full build of the national site makes no folder and no link
        for its 6,000 unchanged copies: a new folder of them cost 6,000 `mkdir`s, 6,000 links
        and as many removals of the old ones, and on this project's machines (ext4 without a
        journal, which skips inodes freed in the last minutes when it allocates one) a
        `mkdir` where many were just removed costs up to ~0.6 ms."""
        if not isinstance(copies, InPlace):
            return copies.dir
        self.cache_path.unlink(missing_ok=True)
        copies.retire(kept, written.copies)
        copies.commit()
        return copies.target

    def _swap(self, staging: Staging, copies: Staging, cache: BuildCache, written: Written) -> None:
        """Publish the staged outputs (and copies, when not already in place)."""
        # Until the new cache is saved, the old one would describe the wrong site.
        self.cache_path.unlink(missing_ok=True)
        if isinstance(staging, InPlace):
            staging.retire(cache.outputs, written.outputs)
        staging.commit()
        if not isinstance(copies, InPlace):
            copies.commit()

    def _staging(self, target: Path, kept: Mapping[str, str], in_place: bool) -> Staging:
        """Where this build writes `target`: in place (`in_place`) when the last build's
        cache lists what the folder holds (`kept`), else a new folder."""
        if in_place and kept and target.is_dir():
            warm = self.o.warm
            return InPlace(target, warm.watch(target) if warm is not None else None)
        return Staging(target, hand_off=self.o.leave_heap)

    def _unchanged(self, cache: BuildCache, inputs: Inputs) -> bool:
        """Whether the last build was made from these very inputs and its output is intact
        (then this build stops: nothing to do)."""
        pending = cache.fingerprint == inputs.fingerprint + SEARCH_PENDING
        # `antq serve` (`defer_search`): a build whose index is still to be made left the
        # pages these inputs make; its index is the indexer's work (`catch_up_search`), so
        # a second rebuild for the same save (the watcher reports a file more than once)
        # builds nothing. `antq build` makes the index: it does not stop here.
        if pending and not self.o.defer_search:
            return False
        # A `strict` build after one that published warnings: validation (from its cache)
        # decides, and refuses them as it would with any edit; it must not pass unchanged.
        if self.o.strict and cache.warnings:
            return False
        if (cache.fingerprint == inputs.fingerprint or pending) and self._output_intact(cache):
            self.report.warnings = list(cache.warnings)  # they still stand: said again
            self.report.skipped = True
            self.report.search_pending = pending
            self.report.pages = len(cache.pages)
            return True
        return False

    def _reuse(
        self,
        inputs: Inputs,
        cache: BuildCache,
        loaded: Loaded,
        modelled: Modelled,
        previous: tuple[Mapping[str, bytes], Mapping[str, bytes]] | None = None,
    ) -> Reuse:
        """The base of the pages' record-level keys and, when only leaf rows changed since
        the build `cache` describes, the keys they feed (generator.deps). `previous`: the
        leaf tables' bytes the warm state held and their bytes now (not read again)."""
        model = modelled.model
        base = deps.base_digest(
            # Not the data's revision: outside git it is the data's hash (any edit changes
            # it), and no keyed page reads it (the update pages and build.json, made whole).
            [inputs.base, repr(model.years), repr(model.current_year)]
        )
        if previous is not None:
            tables: dict[str, bytes] | None = dict(previous[1])
        else:
            tables = deps.snapshot(self.o.data_dir, loaded.package, inputs.leaf)
        if tables is None or not cache.deps_base or cache.deps_base != base:
            return Reuse(base, None, tables)
        old = previous[0] if previous is not None else self.kept_path
        changed = deps.changed_keys(old, tables, model, loaded.dataset)
        return Reuse(base, changed, tables)

    def _families(
        self, loaded: Loaded, modelled: Modelled, reuse: Reuse, previous: object
    ) -> Source:
        """What the page families reuse of the last build in this process (`antq serve`:
        `Source.reused`, when its state was patched, `previous`) and keep of this one."""
        from generator.pages import Source

        warm_ = previous is not None and reuse.changed is not None
        return Source(
            modelled.model,
            self.o.data_dir,
            loaded.package,
            changed=reuse.changed if warm_ else None,
            kept=self._kept_families if warm_ else {},
            warm=self.o.warm is not None,
            code=self.code,
            base=reuse.base,
        )

    def _load_and_model(
        self, inputs: Inputs
    ) -> tuple[Loaded, Modelled, tuple[Mapping[str, bytes], Mapping[str, bytes]] | None]:
        """The load, limits and model stages, or the warm state patched in their stead
        (`_patch`; then with the leaf tables' bytes before and now)."""
        o, stage = self.o, self.timer.stage
        hot = o.warm.take(inputs.base) if o.warm is not None else None
        self._kept_families = hot.families if hot is not None else {}
        self._convert = hot.convert if hot is not None else None
        found = self._patch(inputs, hot) if hot is not None else None
        if found is not None:
            return found
        with stage("load"):
            loaded = load(o, self.cache_root)
        with stage("limits"):
            check_limits(loaded)
        with stage("model"):
            modelled = make_model(o, inputs, loaded)
        return loaded, modelled, None

    def _patch(
        self, inputs: Inputs, hot: WarmState
    ) -> tuple[Loaded, Modelled, tuple[Mapping[str, bytes], Mapping[str, bytes]]] | None:
        """The records and model of the last build patched for the leaf rows changed since
        (generator.warm), or None (the whole pass). Returns them with the leaf tables'
        bytes before and now."""
        from generator import warm

        o = self.o
        assert o.warm is not None
        with self.timer.stage("patch"):
            tables = warm.read_changed(hot, inputs.leaf)
            found = warm.patch_dataset(hot, tables) if tables is not None else None
            if tables is None or found is None:
                return None
            dataset, changes = found
            loaded = Loaded(hot.package, dataset, hot.lessons, hot.articles)
            check_limits(loaded)
            lessons = list(hot.lessons)
            revision = data_revision(
                o.data_dir, dataset, lessons, data_hash=inputs.data_hash, log=inputs.log
            )
            if revision.date == hot.revision.date and warm.patch_model(hot, dataset, changes):
                model = dataclasses.replace(hot.model, revision=revision.revision)
                modelled = Modelled(revision, model)
                o.warm.model_patched = True
            else:
                modelled = make_model(o, inputs, loaded)
            o.warm.patched = tuple(sorted(changes))

            def whole() -> tuple[Dataset, SiteModel]:
                fresh = load(o, None)
                return fresh.dataset, make_model(o, inputs, fresh).model

            warm.check(dataset, modelled.model, whole)
        return loaded, modelled, (hot.tables, tables)

    def _warm_state(
        self,
        inputs: Inputs,
        loaded: Loaded,
        modelled: Modelled,
        reuse: Reuse,
        families: dict[str, Any],
    ) -> WarmState | None:
        """What this build leaves in memory for the next (`BuildOptions.warm`); `families`:
        what the page families keep (filled as they are made)."""
        from generator.data.load import unit_converter
        from generator.warm import WarmState

        if self.o.warm is None or reuse.tables is None:
            return None
        return WarmState(
            base=inputs.base,
            package=loaded.package,
            dataset=loaded.dataset,
            lessons=loaded.lessons,
            articles=loaded.articles,
            revision=modelled.revision,
            model=modelled.model,
            tables=dict(reuse.tables),
            # The last state's, when made under the same base (its unit tables read once,
            # not on each rebuild's first patched row).
            convert=self._convert or unit_converter(self.o.data_dir),
            families=families,
            leaf=dict(inputs.leaf),
        )

    def _save(
        self,
        fingerprint: str,
        written: Written,
        index: dict[str, Any],
        derived: list[str],
        reuse: Reuse | None,
        previous: tuple[Mapping[str, bytes], Mapping[str, bytes]] | None = None,
        carry: BuildCache | None = None,
    ) -> None:
        """Write the build cache. `reuse`: the record-level keys (None: forgotten);
        `previous`: the kept tables' bytes known (generator.warm: not read again); `carry`:
        the cache whose record-level keys and kept tables stay (the search caught up)."""
        # With the index deferred the site is not yet what these inputs make: a build from
        # them must not stop early as "unchanged" (it makes the index).
        # The kept tables first: a cache saved with them describes them.
        if carry is not None:
            deps_base, keyed = carry.deps_base, carry.deps
        else:
            keyed = written.deps if reuse is not None else {}
            deps_base = reuse.base if reuse is not None and reuse.tables is not None else ""
        if carry is not None:
            pass  # the search caught up: the kept tables stay as the edit's build left them
        elif reuse is None or reuse.tables is None:
            deps.forget_tables(self.kept_path)
        else:
            known = previous[0] if previous is not None else None
            deps.keep_tables(self.kept_path, reuse.tables, known)
        BuildCache(
            code=self.code,
            fingerprint=fingerprint + (SEARCH_PENDING if index.get("pending") else ""),
            outputs=written.outputs,
            pages=written.pages,
            copies=written.copies,
            search=index,
            derived=tuple(sorted(derived)),
            deps_base=deps_base,
            deps=keyed,
            warnings=carry.warnings if carry is not None else tuple(self.report.warnings),
        ).write(self.cache_path)
        if written.memo is not None:  # (this build's: the render jobs read the last one)
            from generator import scanmemo

            scanmemo.write(self.memo_path, self.code, written.memo)
            _prune_store(self.pages_path, written.memo)

    def _post(
        self,
        staging: Staging,
        copies_dir: Path,
        written: Written,
        cache: BuildCache,
        defer: bool = False,
        heap: list[Any] | None = None,
        early: search.Early | None = None,
    ) -> tuple[list[str], dict[str, Any]]:
        """Made from the written pages' bytes: the search index, then the service worker and
        the lesson library list (which name the index's files); then every file not scanned
        yet is. Returns the files these stages emitted and the search cache entry. `heap`:
        the model and pages, emptied (and the memory given back) only when Pagefind runs;
        `early`: the indexes begun in the render stage (`Builder._early`)."""
        stage = self.timer.stage
        derived = Derived(staging, dict(cache.outputs), written.outputs)
        with stage("search"):

            def release() -> None:
                """Pagefind runs: give it the memory. Not when every index is kept (a
                warm --full build: freeing and collecting the national site's objects cost
                ~0.6 s), nor when deferred (linked; collecting costs a second: issue 18).
                Until then the model and pages stay frozen (`_Collector`): thawed and
                alive, each full collection walked them (~0.8 s in saving the cache)."""
                self._collector.thaw()  # the pages are written: their objects may go
                if heap is not None:
                    heap.clear()
                _release_memory()

            later = search.Later(defer, self._cancel)
            store = search.Store(self.index_path, self.code)
            index = search.build_index(
                derived,
                copies_dir,
                written.copies,
                dict(cache.search),
                later,
                store,
                None if (defer and cache.search) else release,
                early,
            )
        with stage("pwa"):
            try:
                memo = pwa.PlacesMemo(self.places_path, self.code)
                pwa.write_worker(derived, self.o.site_dir, search.library_files(index), memo)
            except pwa.PwaError as exc:
                raise BuildError(exc.lines) from None
        with stage("verify"):
            self._verify(staging, written.scanned, derived.fresh)
        return derived.emitted, index

    def catch_up_search(self, cancel: Callable[[], bool] | None = None) -> bool:
        """Make the search index a `defer_search` build left for later, and swap it in with
        the files that name it (the service worker, the offline lists): every other file is
        hard-linked from the site as it is, so the swap is one step as in a build. False when
        there was nothing to catch up (or the output changed under it); raises
        `search.Cancelled` when `cancel` said stop while Pagefind ran (nothing changed)."""
        if self.o.lock:
            with self._lock():
                return self._catch_up(cancel)
        return self._catch_up(cancel)

    def _catch_up(self, cancel: Callable[[], bool] | None) -> bool:
        cache = BuildCache.read(self.cache_path, self.code)
        if not cache.search.get("pending") or not self.o.out_dir.is_dir():
            return False
        derived = set(cache.derived)
        outputs = {rel: key for rel, key in cache.outputs.items() if rel not in derived}
        staging = self._staging(self.o.out_dir, cache.outputs, self.o.in_place)
        self._cancel = cancel
        try:
            if not all(staging.link(rel) for rel in outputs):
                staging.abort()
                return False  # the site is not the one the cache describes: a build mends it
            written = Written(outputs, cache.pages, dict(cache.copies), frozenset())
            emitted, index = self._post(staging, self.copies_path, written, cache)
            self.cache_path.unlink(missing_ok=True)
            if isinstance(staging, InPlace):
                staging.retire(cache.outputs, written.outputs)
            staging.commit()
            if self.o.swapped is not None:
                self.o.swapped(False)
        except BaseException:
            staging.abort()
            raise
        finally:
            self._cancel = None
        try:
            fingerprint = cache.fingerprint.removesuffix(SEARCH_PENDING)
            # The pages, their record-level keys and the kept tables are the build's that
            # deferred the index: carried over as they are.
            self._save(fingerprint, written, index, emitted, None, carry=cache)
        finally:
            staging.finish()
        return True

    def _output_intact(self, cache: BuildCache) -> bool:
        # Strings, not Path objects: a national site has 15,000 files, and this check is
        # most of what a build with nothing changed does.
        out = os.fspath(self.o.out_dir)
        isfile = os.path.isfile
        return all(isfile(os.path.join(out, rel)) for rel in cache.outputs)

    def _render_and_write(
        self,
        staging: Staging,
        copies: Staging,
        settings: Settings,
        model: SiteModel,
        planned: Planned,
        cache: BuildCache,
        reuse: Reuse,
        early: search.Early | None = None,
    ) -> Written:
        """Render every page and file whose key changed into staging; hard-link the others
        from the previous build. `early`: begun once every search copy is written.
        Long because the plan's and the render jobs' outputs, copies and keys meet here, in
        the `Written` the later stages read."""
        stage = self.timer.stage
        outputs: dict[str, str] = {}
        with stage("assets"):
            assets = self._assets(staging, cache.outputs, outputs)
        renderer, site_hash = self._renderer(settings, model, assets)
        with stage("plan"):
            to_render, to_produce, copy_hashes, keyed, deferred = self._plan(
                staging,
                copies,
                renderer,
                site_hash,
                planned,
                cache,
                outputs,
                reuse,
                (bool(model.lessons), bool(model.news)),
            )
        with stage("render+write"):
            memo, store = self._memo_and_store(staging, len(to_render) + len(to_produce))

            def copies_done(hashes: dict[str, str]) -> None:
                if early is not None:
                    early.start(copies.dir, {**copy_hashes, **hashes})

            problems, new_copies, keys, made = _run_jobs(
                renderer,
                staging,
                copies,
                to_render,
                to_produce,
                self.progress,
                self.o.parallel,
                (site_hash, deferred),
                memo,
                store,
                copies_done,
            )
            copy_hashes.update(new_copies)
            if keys.keys() != deferred.keys():
                raise RuntimeError("a render job did not make the key of every page it had")
            outputs.update(keys)
            if self.o.warm is not None:
                self.o.warm.entries.fill(keys)
            staging.written += len(to_render) + len(to_produce)
        if problems:
            raise BuildError([*problems, say("output-refused")])
        return Written(
            outputs=outputs,
            pages=tuple(p.url for p in planned.pages),
            copies=dict(sorted(copy_hashes.items())),
            scanned=frozenset({rel for rel, *_ in to_render} | {rel for rel, _ in to_produce}),
            deps=keyed,
            memo=_memo_entries(memo, made, outputs) if memo is not None else None,
        )

    def _memo_and_store(self, staging: Staging, jobs: int) -> tuple[ScanMemo | None, str | None]:
        """The scan memo for `jobs` render and produce jobs (generator.scanmemo; None: not
        read, nor saved: the last one stays) and the pages' store (`_put_page`; None: none,
        as in a build in place, which writes only the pages that changed)."""
        if jobs < MEMO_MIN:
            return None, None
        memo = self._read_memo()
        if isinstance(staging, InPlace):
            return memo, None
        self.pages_path.mkdir(parents=True, exist_ok=True)
        return memo, str(self.pages_path)

    def _renderer(
        self, settings: Settings, model: SiteModel, assets: dict[str, str]
    ) -> tuple[Renderer, str]:
        """The pages' renderer, and the site's hash (what every page's key holds)."""
        from generator.pages.lessons import MARKDOWN_CACHE, LessonDoc
        from generator.render import Renderer

        globals_ = site_globals(settings, model, assets)
        # `lesson_doc` turns a lesson's Markdown (part of its page context) into HTML at
        # render time, in the render workers, through the Markdown cache.
        MARKDOWN_CACHE.configure(generation(self.cache_root / "markdown", self.code), self.code)
        compiled = generation(self.cache_root / "templates", self.code)  # Jinja's bytecode
        renderer = Renderer(
            self.o.site_dir / "templates", {**globals_, "lesson_doc": LessonDoc}, compiled
        )
        site_hash = hashlib.sha256(pickle.dumps((globals_, self.code), protocol=5)).hexdigest()
        return renderer, site_hash

    def _plan(
        self,
        staging: Staging,
        copies: Staging,
        renderer: Renderer,
        site_hash: str,
        planned: Planned,
        cache: BuildCache,
        outputs: dict[str, str],
        reuse: Reuse,
        split: tuple[bool, bool],
    ) -> tuple[
        list[tuple[str, str, Page, str | None]],
        list[tuple[str, FileOutput]],
        dict[str, str],
        dict[str, str],
        dict[str, str],
    ]:
        """Each page's and file's key (into `outputs`; a page without a previous key gets
        it from its render job); link the unchanged ones from the previous build (and their
        search copies). Returns the pages to render (rel path, template, page, path of its
        search copy or None), the files to produce, the linked copies' hashes, each keyed
        page's record-level entry (BuildCache.deps) and the template hash of each page
        whose key its render job makes.
        `split`: the lessons, the news articles get their own index. A page with record-level keys
        (`Page.deps`) untouched by the changed rows keeps its last key (`_kept_key`); a page
        a kept container handed back keeps its whole last plan (`_Planner`)."""
        old_outputs, old_copies = cache.outputs, cache.copies
        copy_hashes: dict[str, str] = {}
        keyed: dict[str, str] = {}
        to_render: list[RenderJob] = []
        deferred: dict[str, str] = {}  # rel → template hash: keys the render job makes
        entries = self.o.warm.entries if self.o.warm is not None else PlanMemo()
        entries.begin()
        planner = _Planner(self, renderer, (site_hash, split), entries, (cache, reuse))
        handed = planned.handed
        for page in planned.pages:
            plan = planner.plan(page, id(page) in handed)
            rel, name, template_hash, key, entry, copy, kept = plan
            outputs[rel] = key
            if entry is not None:
                keyed[rel] = entry
            self.report.kept += kept
            if not key:
                deferred[rel] = template_hash
            elif old_outputs.get(rel) == key and _link_page(staging, copies, plan, old_copies):
                if copy is not None:
                    copy_hashes[copy] = old_copies[copy]
                continue
            to_render.append((rel, name, page, copy))
        # The pages with a search copy first, so that Pagefind can begin while the others
        # render (`search.Early`); otherwise in the pages' order.
        to_render.sort(key=lambda job: job[3] is None)
        to_produce = self._plan_files(staging, planned, old_outputs, outputs)
        return to_render, to_produce, copy_hashes, keyed, deferred

    def _key_of(
        self,
        page: Page,
        how: tuple[str, str, str],
        entries: PlanMemo,
        given: tuple[BuildCache, Reuse],
    ) -> tuple[str, str | None, bool]:
        """`page`'s key (`how`: the site's hash, its template's hash and name), its
        record-level entry (None without `Page.deps`) and whether the key is its last one,
        kept because its record-level keys are untouched by the changed rows (`_kept_key`).
        The key is "" when its render job makes it, else made here."""
        cache, reuse = given
        rel = page.output_path
        site_hash, template_hash, name = how
        key = entry = None
        if page.deps is not None:
            entry = entries.entry(reuse.base, site_hash, template_hash, name, page)
            key = self._kept_key(page, entry, cache, reuse, how)
        if key is not None:
            return key, entry, True
        if rel not in cache.outputs:
            # Nothing to compare its key with: the page is rendered whatever it is, so
            # the render job makes the key (its context, pickled) in the workers rather
            # than this process one page after another (`--full`, a first build).
            return "", entry, False  # (filled in after the render: `_run_jobs`)
        return _page_key(site_hash, template_hash, name, page), entry, False

    def _plan_files(
        self,
        staging: Staging,
        planned: Planned,
        old_outputs: Mapping[str, str],
        outputs: dict[str, str],
    ) -> list[tuple[str, FileOutput]]:
        """Each data file's key (into `outputs`); link the unchanged ones from the previous
        build (ANTQ_CHECK_DEPS=1: produced anyway, `_check_kept_file`). Returns the files
        to produce."""
        to_produce: list[tuple[str, FileOutput]] = []
        check = os.environ.get("ANTQ_CHECK_DEPS") == "1"
        entries = self.o.warm.entries if self.o.warm is not None else PlanMemo()
        for output in planned.files:
            rel = url_to_path(output.url)
            key = entries.file_key(self.code, output.inputs)
            outputs[rel] = key
            if not (old_outputs.get(rel) == key and staging.link(rel)):
                to_produce.append((rel, output))
            elif check:
                _check_kept_file(staging, rel, output)
        return to_produce

    def _kept_key(
        self, page: Page, entry: str, cache: BuildCache, reuse: Reuse, how: tuple[str, str, str]
    ) -> str | None:
        """The last build's key of a page whose recorded records no changed row feeds
        (generator.deps), else None. ANTQ_CHECK_DEPS=1 makes its context anyway: it must
        give that key."""
        rel = page.output_path
        if (
            reuse.changed is None
            or cache.deps.get(rel) != entry
            or rel not in cache.outputs
            or (page.deps is not None and not page.deps.isdisjoint(reuse.changed))
        ):
            return None
        key = cache.outputs[rel]
        if self._check and _page_key(*how, page) != key:
            raise RuntimeError(f"{page.url}: reused by its deps, yet its context changed")
        return key

    def _assets(
        self, staging: Staging, old_outputs: Mapping[str, str], outputs: dict[str, str]
    ) -> dict[str, str]:
        """Copy site/static/ with a content hash in each name; return name → URL."""
        static = self.o.site_dir / "static"
        mapping: dict[str, str] = {}
        for path in tree_files(static):
            rel = path.relative_to(static).as_posix()
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            stem, dot, suffix = path.name.rpartition(".")
            tag = content_tag(data)
            hashed_name = f"{stem}.{tag}.{suffix}" if dot else f"{path.name}.{tag}"
            out_rel = f"static/{Path(rel).parent.as_posix()}/{hashed_name}".replace("/./", "/")
            outputs[out_rel] = digest
            if not (old_outputs.get(out_rel) == digest and staging.link(out_rel)):
                staging.write(out_rel, data)
            mapping[rel] = "/" + out_rel
        return mapping

    def _verify(self, staging: Staging, scanned: AbstractSet[str], fresh: AbstractSet[str]) -> None:
        """Scan every other file this build wrote (assets, the search index, the service
        worker, the lesson library list): every published byte is scanned, by the build
        that writes it or, for the bytes of a page or data file an earlier build by this
        code wrote and scanned clean, by that build (generator.scanmemo). `scanned`: what
        the render and produce jobs published (and scanned, or found in the memo); `fresh`:
        the files linked from a cache rather than from the previous build's site
        (`Derived.fresh`: the search index Pagefind made or the index store kept, which a
        build that then refused it may have filled), scanned although hard-linked. Any
        other hard-linked file is the previous build's, scanned by that build when it wrote
        it: this holds across versions only while a new antq never reuses an older one's
        outputs (issue 12: the incremental keys include the code)."""
        from generator.scan import is_text

        files = limits.site_files(staging.dir)
        too_large = limits.check_published(staging.dir, files)
        if too_large:
            raise BuildError(too_large)
        problems: list[str] = []
        for rel, info in files:
            if rel in scanned or not is_text(rel) or (info.st_nlink > 1 and rel not in fresh):
                continue
            problems += _scan(rel, (staging.dir / rel).read_bytes())
        if problems:
            raise BuildError([*problems, say("output-refused")])


def _memo_entries(
    memo: ScanMemo, made: dict[str, Entry], outputs: Mapping[str, str]
) -> dict[str, Entry]:
    """The scan memo a build leaves: the entries its jobs made, and the last build's of the
    outputs it linked (the same bytes: an entry is checked against the bytes anyway)."""
    kept = {rel: memo.entries[rel] for rel in outputs if rel in memo.entries}
    return {**kept, **made}


def _link_page(
    staging: Staging, copies: Staging, plan: PagePlan, old_copies: Mapping[str, str]
) -> bool:
    """Link a page whose key is unchanged, and its search copy, from the last build, when
    both are there (in place, a copy's link is the check that it is there: one `stat`)."""
    rel, copy = plan[0], plan[5]
    if copy is None:
        return staging.link(rel)
    if copy not in old_copies:
        return False
    if copies.link_checks_only:
        return copies.link(copy) and staging.link(rel)
    # (strings: 7,800 pages)
    if not os.path.isfile(f"{copies.target}/{copy}") or not staging.link(rel):
        return False
    copies.link(copy)
    return True


def _check_kept_file(staging: Staging, rel: str, output: FileOutput) -> None:
    """ANTQ_CHECK_DEPS=1: a data file linked from the last build because its key is the
    same (an open-data province file's is the digest of its rows) is produced anyway and
    must give the same bytes."""
    if output.produce() != staging.find(rel).read_bytes():
        raise RuntimeError(f"{output.url}: kept by its key, yet its bytes changed")


# A page's plan (`_Planner`): its output path, template, template hash, key ("" when its
# render job makes it), record-level entry (None without `Page.deps`), search copy's path
# (None: not indexed), and whether the key is its last one, kept by its record-level keys.
PagePlan = tuple[str, str, str, str, str | None, str | None, bool]


class _Planner:
    """Each page's plan for `Builder._plan`. A page a kept container handed back as the last
    build kept it (`Planned.handed`: the same object, whose records no changed row meets)
    gets the plan the last plan in this process made for it (`PlanMemo.carried`), when made
    the same way (the site, the base of the record-level keys, its template, the search
    split); ANTQ_CHECK_DEPS=1 makes it again anyway and stops on a difference."""

    def __init__(
        self,
        builder: Builder,
        renderer: Renderer,
        site: tuple[str, tuple[bool, bool]],
        entries: PlanMemo,
        given: tuple[BuildCache, Reuse],
    ) -> None:
        self.builder, self.renderer, self.entries, self.given = builder, renderer, entries, given
        self.site_hash, self.split = site
        # A family's pages share their template list: chosen and hashed once per list, and
        # in `antq serve` once while the base is the same (`PlanMemo.templates`).
        self.check = os.environ.get("ANTQ_CHECK_DEPS") == "1"
        self.chosen = entries.templates(given[1].base)

    def plan(self, page: Page, handed: bool) -> PagePlan:
        names = tuple(page.templates)
        found = self.chosen.get(names)
        if found is None or self.check:
            chosen = self.renderer.choose(page.templates)
            choice = (chosen, self.renderer.template_hash(chosen))
            if found is not None and found != choice:
                raise RuntimeError(f"{page.url}: its template kept, yet it changed")
            found = self.chosen[names] = choice
        name, template_hash = found
        how = (self.site_hash, self.given[1].base, name, template_hash, self.split)
        carried = self.entries.carried(page, how) if handed else None
        if carried is not None and not self.check:
            self.entries.carry(page, how, carried)
            return (*carried[:6], True)  # (its key reused, its context not made: `kept`)
        made = self._make(page, name, template_hash)
        if carried is not None and made[:6] != carried[:6]:
            raise RuntimeError(f"{page.url}: its plan carried over, yet it changed")
        self.entries.carry(page, how, made)  # (a key its render job makes: `PlanMemo.fill`)
        return made

    def _make(self, page: Page, name: str, template_hash: str) -> PagePlan:
        rel = page.output_path
        how = (self.site_hash, template_hash, name)
        key, entry, kept = self.builder._key_of(page, how, self.entries, self.given)
        where = search.index_dir(rel, *self.split)
        copy = f"{where}/{rel}" if where else None
        return rel, name, template_hash, key, entry, copy, kept


class PlanMemo:
    """The plan's keys that are pure functions of what they hash, remembered by a long-lived
    process (`antq serve`: `Warm.entries`) from one rebuild to the next: a keyed page's
    record-level entry (`_deps_entry`) by everything it hashes, a data file's key by the
    code and its `inputs`. A one-row edit leaves all but a few of them as they were, and
    7,800 entries (sorting and hashing each page's keys) were a third of the plan stage.
    Only what the last plan used is kept (`begin`)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[Any, ...], str]] = {}
        self._used: dict[str, tuple[tuple[Any, ...], str]] = {}
        self._files: dict[str, str] = {}
        self._files_used: dict[str, str] = {}
        # Each page's whole plan (`_Planner`) by the page object (held: its id stays its
        # own) with how it was made; carried over for the same object made the same way.
        self._pages: dict[int, tuple[Page, tuple[Any, ...], PagePlan]] = {}
        self._pages_used: dict[int, tuple[Page, tuple[Any, ...], PagePlan]] = {}
        self.carries = 0  # the pages whose plan the last plan found carried over (tests)
        # Each template list's choice and its template's hash, under the base they were
        # made in: it covers site/ (the templates) and the code (`Reuse.base`).
        self._templates: tuple[str, dict[tuple[str, ...], tuple[str, str]]] = ("", {})

    def templates(self, base: str) -> dict[tuple[str, ...], tuple[str, str]]:
        """The template choices made under `base` so far (a new base: none)."""
        if not base or self._templates[0] != base:
            self._templates = (base, {})
        return self._templates[1]

    def begin(self) -> None:
        """A new plan: what the last one used is what this one may find."""
        if self._used:
            self._entries, self._used = self._used, {}
        if self._files_used:
            self._files, self._files_used = self._files_used, {}
        self._pages, self._pages_used = self._pages_used, {}
        self.carries = 0

    def forget_pages(self) -> None:
        """Drop the pages' plans (and the pages they hold, with the model they read): the
        next build makes a new model (generator.warm.Warm.take)."""
        self._pages, self._pages_used = {}, {}

    def carried(self, page: Page, how: tuple[Any, ...]) -> PagePlan | None:
        """The plan the last plan made for this very page object, made as `how` says."""
        found = self._pages.get(id(page))
        if found is None or found[0] is not page or found[1] != how or not found[2][3]:
            return None
        self.carries += 1
        return found[2]

    def carry(self, page: Page, how: tuple[Any, ...], plan: PagePlan) -> None:
        self._pages_used[id(page)] = (page, how, plan)

    def fill(self, keys: Mapping[str, str]) -> None:
        """The keys the render jobs made (by output path) for the pages whose plan left
        them to the jobs (a first build: `antq serve`'s first edit carries them over)."""
        if not keys:
            return
        for ident, (page, how, plan) in self._pages_used.items():
            rel, name, template_hash, key, entry, copy, kept = plan
            if not key and rel in keys:
                plan = (rel, name, template_hash, keys[rel], entry, copy, kept)
                self._pages_used[ident] = (page, how, plan)

    def entry(self, base: str, site_hash: str, template_hash: str, name: str, page: Page) -> str:
        rel = page.output_path
        ident = (base, site_hash, template_hash, name, page.url, page.title, page.deps)
        found = self._entries.get(rel)
        if found is None or found[0] != ident:
            found = (ident, _deps_entry(base, site_hash, template_hash, name, page))
        self._used[rel] = found
        return found[1]

    def file_key(self, code: str, inputs: str) -> str:
        ident = f"{code}|{inputs}"
        key = self._files.get(ident)
        if key is None:
            key = hashlib.sha256(ident.encode()).hexdigest()
        self._files_used[ident] = key
        return key


def _page_key(
    site_hash: str,
    template_hash: str,
    name: str,
    page: Page,
    view: dict[str, Any] | None = None,
) -> str:
    """A page's key: what it shows (its context, URL, title), its template, the site.
    `view`: the page's context when the caller made it (else `page.view()`)."""
    digest = hashlib.sha256()
    digest.update(site_hash.encode())
    digest.update(template_hash.encode())
    context = page.view() if view is None else view
    # Pickled straight into the hash, without the pickler's memo (`fast`: an object met
    # twice is written twice, a cycle raises ValueError; the contexts are trees of plain
    # values): pickling the national site's 7,800 contexts took 1.26 CPU s with the memo,
    # 0.77 without, and hashing the larger stream costs less than that. (The key is the
    # same in the plan and in the render jobs: both make it here.)
    pickler = pickle.Pickler(_Hashing(digest), protocol=5)
    pickler.fast = True
    pickler.dump((page.url, name, page.title, context))
    return digest.hexdigest()


class _Hashing:
    """A file whose writes go into `digest` (what `_page_key` pickles into)."""

    __slots__ = ("write",)

    def __init__(self, digest: Any) -> None:
        self.write = digest.update


def _deps_entry(base: str, site_hash: str, template_hash: str, name: str, page: Page) -> str:
    """What a keyed page's reuse requires unchanged besides its records: the base (every
    input but the leaf tables' rows), the site, its template, URL, title and keys."""
    assert page.deps is not None
    parts = [base, site_hash, template_hash, name, page.url, page.title, *sorted(page.deps)]
    return deps.base_digest(parts)


def _row_counts(package: PackageSpec, dataset: Dataset) -> dict[str, tuple[str, int]]:
    """Each table's file (as shown in messages) and row count."""
    from generator.data.schema import display_path

    return {
        spec.name: (display_path(spec.path), len(getattr(dataset, spec.name, ())))
        for spec in package.resources
    }


def _site_files(revision: DataRevision, push_origin: str | None) -> list[FileOutput]:
    """/build.json (what was built from which data) and _headers (for static hosts)."""
    from generator.pages import FileOutput

    info = {
        "data_revision": revision.revision,
        "data_time": revision.time.isoformat().replace("+00:00", "Z"),
        "generator": f"antq {generator.__version__}",
    }
    info_bytes = (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode()
    headers_bytes = headers_file(push_origin).encode()
    return [
        FileOutput("/build.json", f"build:{info_bytes.hex()}", lambda: info_bytes),
        FileOutput("/_headers", f"headers:{headers_bytes.hex()}", lambda: headers_bytes),
    ]


def _scan(rel: str, data: bytes) -> list[str]:
    """The lines for what `data`, about to be published at `rel`, must not hold: the scan
    `antq check` makes (generator.scan), with the same lines."""
    from generator.scan import scan_published  # (imported once: then a dictionary look-up)

    return [p.line() for p in scan_published(rel, data)]


def _scan_once(
    rel: str, data: bytes, made: dict[str, Entry], copy: str = ""
) -> tuple[list[str], Entry | None]:
    """`_scan`'s lines for a file a job publishes, unless the memo (`_JOB["memo"]`,
    generator.scanmemo) says these very bytes at `rel` were scanned clean by this code:
    then none, and the memo's entry (else None). A clean file's entry goes into `made` (for
    the next build: `copy`, its search copy's path). ANTQ_CHECK_DEPS=1 scans anyway and
    stops when the memo was wrong."""
    from generator import scanmemo

    memo: ScanMemo = _JOB["memo"]
    key = scanmemo.digest(data)
    known = memo.known(rel, key)
    lines = _scan(rel, data) if known is None or _JOB["check"] else []
    if known is not None and lines:
        raise RuntimeError(f"{rel}: kept as scanned clean, yet the scan finds {lines[0]}")
    if not lines:
        made[rel] = (key, copy, "")
    return lines, known


def _copy_once(rel: str, text: str, copy: str, known: Entry | None, made: dict[str, Entry]) -> str:
    """The SHA-256 of `rel`'s search copy, written (or linked) at `copy`; "" when the page
    has nothing to index. The copy an earlier build made of these very bytes (`known`: the
    memo's entry) is linked from the copies' folder when it is still those bytes; else
    `search.search_copy` makes it. Recorded in the page's entry in `made`, when it has one
    (scanned clean). ANTQ_CHECK_DEPS=1 makes it anyway: it must be the kept one."""
    from generator import scanmemo

    copies: Staging = _JOB["copies"]
    sha256 = None
    if known is not None and known[1] == copy:
        kept = known[2]
        if not kept or (scanmemo.kept_copy(str(copies.target), copy, kept) and copies.link(copy)):
            sha256 = kept
    if sha256 is None or _JOB["check"]:
        found = search.search_copy(text, rel)
        data = found.encode("utf-8") if found is not None else None
        fresh = hashlib.sha256(data).hexdigest() if data is not None else ""
        if sha256 is not None and fresh != sha256:
            raise RuntimeError(f"{rel}: its search copy kept, yet it changed")
        if data is not None and sha256 is None:
            copies.put(copy, data)
        sha256 = fresh
    if rel in made:
        made[rel] = (made[rel][0], copy, sha256)
    return sha256


# Rendering and data files run in forked worker processes on large builds. The job is a
# module global so that the forked workers inherit it instead of receiving it pickled.
_JOB: dict[str, Any] = {}
PARALLEL_MIN_PAGES = 400
# A build with fewer pages and files to render and produce (an edit's, in `antq serve`:
# they changed) neither reads nor saves the scan memo (generator.scanmemo): it would find
# none of them there, and reading and saving the national site's cost ~20 ms. The memo left
# is then an older build's, which is safe: each entry is checked against the bytes at hand.
MEMO_MIN = 100
CHUNK = 200


# What a render or produce job hands back: the scan's lines, the search copies' hashes, the
# keys it made, what the service-worker stage will read of the pages it wrote (`pwa.facts`,
# put into that stage's memo by `pwa.learn`) and the scan memo's entries of the files it
# published (generator.scanmemo: for the next build).
JobResult = tuple[
    list[str], dict[str, str], dict[str, str], list[tuple[Any, Any]], dict[str, "Entry"]
]


def _render_job(start: int, stop: int) -> JobResult:
    """Render pages [start, stop) of the job; write each and its search copy. Returns the
    lines of what the scan found in the pages, the copies' hashes, the keys of the pages
    whose key the plan left to the job (`Builder._plan`), the service worker's facts of
    the pages it reads (`pwa.facts`: found here, where the page's text is at hand, by the
    workers side by side, not by reading 5,000 lessons again after the search stage) and
    the scan memo's entries (generator.scanmemo: a page whose bytes an earlier build by
    this code scanned clean is not scanned again, and its search copy is linked).
    (A search copy is not published: it holds a part of its page, which is scanned.)"""
    renderer: Renderer = _JOB["renderer"]
    staging: Staging = _JOB["staging"]
    site_hash: str = _JOB["site_hash"]
    deferred: dict[str, str] = _JOB["deferred"]
    problems: list[str] = []
    hashes: dict[str, str] = {}
    keys: dict[str, str] = {}
    facts: list[tuple[Any, Any]] = []
    made: dict[str, Entry] = {}
    forked = _JOB.get("forked", False)
    for rel, name, page, copy in _JOB["to_render"][start:stop]:
        # A forked worker makes a page's context without keeping it on the page (`Page.view`
        # keeps it): nothing in the worker reads it again, and the contexts of every page
        # it rendered, kept, made each of its full garbage collections longer (issue 18).
        view = page.later() if forked and page.later is not None else page.view()
        if rel in deferred:  # before rendering, which may fill caches the context holds
            keys[rel] = _page_key(site_hash, deferred[rel], name, page, view)
        context = {"page": {"url": page.url, "title": page.title}, **view}
        text = renderer.render(name, context)
        data = text.encode("utf-8")
        _check_size(rel, data)
        found, known = _scan_once(rel, data, made, copy or "")
        problems += found
        written = _put_page(staging, rel, data, made.get(rel), known is not None)
        if pwa.reads(rel):
            facts += pwa.facts(os.stat(written), text, data)
        if copy is not None and (sha256 := _copy_once(rel, text, copy, known, made)):
            hashes[copy] = sha256
    return problems, hashes, keys, facts, made


def _prune_store(store: Path, memo: Mapping[str, Entry]) -> None:
    """Remove from the pages' store (`_put_page`) each file no published page holds:
    the memo `memo` names the digest of every file the build published."""
    try:
        names = os.listdir(store)
    except OSError:
        return
    live = {entry[0].hex() for entry in memo.values()}
    for name in names:
        if name not in live:
            with contextlib.suppress(OSError):
                os.unlink(store / name)


def _put_page(staging: Staging, rel: str, data: bytes, entry: Entry | None, known: bool) -> str:
    """`staging.put` of a rendered page, or a hard link to a file of the pages' store
    (`_JOB["store"]`, in the build cache: each page the last builds wrote, named by the
    digest of its bytes, `entry[0]`) when that file holds these very bytes (read and
    compared: a changed or damaged one is replaced). A page written is linked into the
    store for the next build. `entry`: the page's scan memo entry (None: it was not scanned
    clean, and the build stops); `known`: the last build's memo has it (else the store,
    pruned to the memo's digests, has not: it is not asked, as on a first build).
    A `--full` build into a new output folder (a fresh checkout with its cache kept, as in
    CI) then makes no new file for an unchanged page: on this project's machines (ext4
    without a journal, which skips the inodes freed in the last minutes when it allocates
    one) making a file where many were just removed costs up to ~0.6 ms, and the national
    site's 7,800 pages were ~15 % of a warm --full build's CPU."""
    store: str | None = _JOB.get("store")
    if store is None or entry is None:
        return staging.put(rel, data)
    kept = f"{store}/{entry[0].hex()}"
    try:
        handle = os.open(kept, os.O_RDONLY | os.O_CLOEXEC) if known else -1
    except OSError:
        handle = -1
    if handle >= 0:
        try:
            same = os.read(handle, len(data) + 1) == data
        finally:
            os.close(handle)
        if same:
            return os.fspath(staging.place(rel, Path(kept)))
        with contextlib.suppress(OSError):
            os.unlink(kept)  # (other bytes under the name of these: not kept)
    name = staging.put(rel, data)
    with contextlib.suppress(OSError):  # (another process linked the same bytes first)
        os.link(name, kept)
    return name


def _produce_job(index: int) -> JobResult:
    from generator.scan import is_text  # (imported once: then a dictionary look-up)

    rel, output = _JOB["to_produce"][index]
    made: dict[str, Entry] = {}
    if output.stored is not None:  # kept whole in the cache: linked, not written
        source = output.stored()
        line = limits.check_size(rel, source.stat().st_size)
        if line is not None:
            raise BuildError([line])
        placed = _JOB["staging"].place(rel, source)
        # A text file is read back and scanned (the open data: generator.pages.opendata
        # `_Store`), unless an earlier build by this code scanned these very bytes clean
        # (its digest in the scan memo); a binary one (a photo, a .csv.gz) has nothing to
        # scan.
        if not is_text(rel):
            return [], {}, {}, [], made
        return _scan_once(rel, placed.read_bytes(), made)[0], {}, {}, [], made
    data = output.produce()
    _check_size(rel, data)
    _JOB["staging"].path(rel).write_bytes(data)
    found = _scan_once(rel, data, made)[0] if is_text(rel) else []
    return found, {}, {}, [], made


def _produce_jobs(start: int, stop: int) -> JobResult:
    """`_produce_job` of files [start, stop) of the job, in order, in this process (a group
    of files: `FileOutput.group`)."""
    problems: list[str] = []
    made: dict[str, Entry] = {}
    for index in range(start, stop):
        found, _, _, _, entries = _produce_job(index)
        problems += found
        made.update(entries)
    return problems, {}, {}, [], made


def _produce_spans(files: list[tuple[str, FileOutput]]) -> list[tuple[int, int]]:
    """The produce jobs: each run of consecutive files of one group as one span, every
    other file on its own."""
    spans: list[tuple[int, int]] = []
    for index, (_, output) in enumerate(files):
        if spans and output.group and files[spans[-1][0]][1].group == output.group:
            spans[-1] = (spans[-1][0], index + 1)
        else:
            spans.append((index, index + 1))
    return spans


def _check_size(rel: str, data: bytes) -> None:
    """Refuse an output beyond its size ceiling (generator.limits) before it is written."""
    line = limits.check_size(rel, len(data))
    if line is not None:
        raise BuildError([line])


# What `_run_jobs` hands back: the scan's lines, the search copies' hashes, the keys the
# jobs made and the scan memo's entries of the files they published.
JobsResult = tuple[list[str], dict[str, str], dict[str, str], dict[str, "Entry"]]


def _run_jobs(
    renderer: Renderer,
    staging: Staging,
    copies: Staging,
    to_render: list[tuple[str, str, Page, str | None]],
    to_produce: list[tuple[str, FileOutput]],
    progress: bool,
    parallel: bool = True,
    keyed: tuple[str, dict[str, str]] = ("", {}),
    memo: ScanMemo | None = None,
    store: str | None = None,
    copies_done: Callable[[dict[str, str]], None] | None = None,
) -> JobsResult:
    """Render `to_render` and produce `to_produce` into staging, in `workers.count()`
    forked processes when there are enough pages (`parallel`: allowed at all). Every output
    is the same bytes whichever process makes it. Returns the scan's lines (sorted: the
    same in any order the jobs finish), the search copies' hashes, the pages' keys left
    to the jobs (`keyed`: the site's hash and those pages' template hashes) and the scan
    memo's entries (`memo`: the last build's, generator.scanmemo; None: none); `store`: the
    pages' store (`_put_page`; None: none). `copies_done`: called with the copies' hashes
    once every page with a search copy is rendered (the pages with one come first), before
    the others are, when they are rendered in several processes. An error in a worker (a
    `BuildError`, or a bug) is raised here as it was raised there."""
    from generator.scanmemo import ScanMemo

    _JOB.update(
        renderer=renderer,
        staging=staging,
        copies=copies,
        to_render=to_render,
        to_produce=to_produce,
        site_hash=keyed[0],
        deferred=keyed[1],
        memo=memo if memo is not None else ScanMemo(),
        store=store,
        check=os.environ.get("ANTQ_CHECK_DEPS") == "1",
    )
    try:
        count = workers.count() if parallel else 1
        if count < 2 or len(to_render) < PARALLEL_MIN_PAGES:
            problems, hashes, keys, facts, made = _render_job(0, len(to_render))
            pwa.learn(facts)
            for index in range(len(to_produce)):
                found, _, _, _, entries = _produce_job(index)
                problems += found
                made.update(entries)
            return sorted(problems), hashes, keys, made
        indexed = sum(1 for job in to_render if job[3] is not None)
        problems, hashes, keys, made = _run_in_pool(
            count, (len(to_render), len(to_produce)), progress, (indexed, copies_done)
        )
        return sorted(problems), hashes, keys, made
    finally:
        _JOB.clear()


def _run_in_pool(
    count: int,
    jobs: tuple[int, int],
    progress: bool,
    copies: tuple[int, Callable[[dict[str, str]], None] | None] = (0, None),
) -> JobsResult:
    """`_run_jobs` in `count` forked processes: `jobs` = (pages to render, files to
    produce) of `_JOB`; `copies`: how many pages, the first ones, have a search copy, and
    what to call with the copies' hashes once they are all rendered (no job failed).
    Returns the scan's lines (unsorted), the copies' hashes, the keys and the scan memo's
    entries.
    Long because the jobs' results are gathered as they end, in any order, while the
    failure raised is the first in the jobs' order and the copies' end is told once."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pages, files = jobs
    # `antq serve` keeps its heap frozen between rebuilds (serve.settle_heap): left so.
    frozen = gc.get_freeze_count() > 0
    gc.freeze()  # keep the collector from touching (and so copying) inherited objects
    try:
        context = multiprocessing.get_context("fork")
        _JOB["forked"] = True  # (read by the workers only: the parent clears _JOB)
        problems: list[str] = []
        hashes: dict[str, str] = {}
        keys: dict[str, str] = {}
        made: dict[str, Entry] = {}
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            # The data files first (the largest jobs start early), then the pages.
            spans = _produce_spans(_JOB["to_produce"])
            assert spans[-1][1] == files if spans else not files
            produce = [pool.submit(_produce_jobs, a, b) for a, b in spans]
            render = [
                pool.submit(_render_job, i, min(i + CHUNK, pages)) for i in range(0, pages, CHUNK)
            ]
            # The order one process meets the jobs in (`_run_jobs`' own loop): of several
            # failed jobs, the first in it is the one whose error is raised, so that the
            # official reads the same line whichever worker finished first.
            order = {future: i for i, future in enumerate([*render, *produce])}
            failed: dict[int, BaseException] = {}
            indexed, copies_done = copies
            waiting = set(render[: -(-indexed // CHUNK)])  # the jobs of the copied pages
            for future in _track(as_completed(order), len(order), progress):
                if future.cancelled():
                    continue
                try:
                    found, made_hashes, made_keys, facts, entries = future.result()
                except Exception as exc:  # raised below (the first in that order)
                    failed[order[future]] = exc
                    for other, place in order.items():
                        if place > order[future]:
                            other.cancel()  # (not needed: an earlier one decides)
                    continue
                problems += found
                hashes.update(made_hashes)
                keys.update(made_keys)
                made.update(entries)
                pwa.learn(facts)
                waiting.discard(future)
                if not waiting and copies_done is not None and not failed:
                    copies_done(dict(hashes))
                    copies_done = None
        if failed:
            raise failed[min(failed)]
    finally:
        if not frozen:
            gc.unfreeze()  # also when a worker failed: the objects must be collectable
    return problems, hashes, keys, made


class _Collector:
    """No automatic garbage collection while the records, the model and the pages are made
    (`paused`: validation to the pages stage), and those objects frozen after (`gc.freeze`)
    until Pagefind runs (`thaw`, `Builder._post`) or the build ends (a warm --full build
    keeps every index: its model and pages live to its end, `LEFT`): they live that long,
    and each full collection walked them all to free next to nothing (a warm --full build
    of the national site: 10 full collections, about 2 s of its load, model and pages
    stages' 5.4, one more in the plan stage, 0.5 s, and one in saving the cache, 0.8 s;
    peak memory the same). Garbage made meanwhile is collected once thawed. A heap frozen
    already (`antq serve`'s: serve.settle_heap) is left as it is."""

    def __init__(self, frozen_heap: bool = False) -> None:
        self.frozen = False
        # The process keeps its heap frozen itself (`antq serve`): asking is not needed, and
        # `gc.get_freeze_count` walks every frozen object (~0.12 s of each one-row edit of
        # the national package in `antq serve`).
        self.frozen_heap = frozen_heap

    @contextmanager
    def paused(self) -> Iterator[None]:
        import gc

        was = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if not self.frozen_heap and not gc.get_freeze_count():
                gc.freeze()
                self.frozen = True
            if was:
                gc.enable()

    def thaw(self) -> None:
        import gc

        if self.frozen:
            gc.unfreeze()
            self.frozen = False


def _release_memory() -> None:
    """Collect garbage and hand freed heap back to the system (glibc keeps it otherwise),
    so that the processes started next (Pagefind) have the memory."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return  # not glibc: the memory is reused by this process instead


def _track(items: Any, total: int, progress: bool) -> Any:
    if not progress:
        return items
    from rich.progress import track

    return track(items, total=total, description=text("build-progress"), transient=True)


def build_site(options: BuildOptions, *, progress: bool = False) -> BuildReport:
    return Builder(options, progress=progress).run()
