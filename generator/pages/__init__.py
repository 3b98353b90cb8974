"""Page families. Each module yields `Page` objects: a URL, the templates to try, and a
context holding exactly what the page shows. The context *is* the page's declared input: the
build hashes it (with the templates it uses and the site-wide settings) to decide whether the
page must be rendered again, so a context must never carry more than the page displays.

Every module of this package but the helpers in `HELPERS` is one family and follows one
protocol (`Family`): a `RANK` int, its place in the collection, and `make(source: Source)`
yielding its `Page`s and `FileOutput`s. `collect` finds the families itself, so a new family
is one new file here.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import os
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, TypeVar, cast

from generator.data.messages_vi import say, text
from generator.data.schema import PackageSpec
from generator.errors import BuildError
from generator.model import SiteModel
from generator.revision import DataLog
from generator.urlpath import PAGE_SEGMENT, url_to_path


@dataclass
class Page:
    url: str  # site-relative, "/tinh/hai-phong/" or "/sitemap.xml"
    templates: list[str]  # tried in order: per-entity template first, then the family's
    context: dict[str, Any]
    title: str = ""
    in_sitemap: bool = True
    # Record-level dependencies (generator.deps): the keys of the records the context reads
    # beyond what the build's base covers; None: the page may read anything (always made).
    deps: frozenset[str] | None = None
    # Makes the context when the build needs it (`view`): a page the build reuses through
    # its `deps` never builds it. With it, `context` stays empty until `view`.
    later: Callable[[], dict[str, Any]] | None = None

    @property
    def output_path(self) -> str:
        return url_to_path(self.url)

    def view(self) -> dict[str, Any]:
        """The page's context, made once when it is made later."""
        if self.later is not None:
            self.context = self.later()
            self.later = None
        return self.context


@dataclass
class FileOutput:
    """A file produced without a template (data downloads); `inputs` identifies its content.
    `stored`: for a file kept whole elsewhere (an encoded photo, an open-data download in
    the cache), where its bytes lie once made: the build links that file into the output
    instead of writing them (`produce` gives the same bytes); a text file is read back and
    scanned."""

    url: str
    inputs: str
    produce: Callable[[], bytes]
    sources: list[Path] = field(default_factory=list)
    stored: Callable[[], Path] | None = None
    # Files of one group (consecutive in a family's output) are made by one render-stage job,
    # one after the other, in one process: they share a costly preparation kept in that
    # process (a large table split by province: generator.pages.opendata `_split`), which
    # each of two workers would otherwise make again (issue 18: the national yearly results,
    # ~2 s each time). "" for none.
    group: str = ""


@dataclass(frozen=True)
class Source:
    """What a page family is given: the model, the data folder, the package descriptor
    (loaded once per build), the data's commits (asked of git once per build) and what the
    families before it produced (the finder and the sitemap read them)."""

    model: SiteModel
    data_dir: Path
    package: PackageSpec
    log: DataLog | None = None
    pages: tuple[Page, ...] = ()
    files: tuple[FileOutput, ...] = ()
    # The build's cache folder (BuildOptions.cache_dir, else ANTQ_CACHE_DIR or the default
    # next to the data): where the encoded photos are kept (generator.pages.news).
    cache_dir: Path | None = None
    # A long-lived process (`antq serve`, generator.warm): the keys the changed leaf rows
    # feed since its last build (None: unknown, or any other input changed), what the
    # families kept of that build (`kept`, by their own names) and what they keep of this
    # one (`keep`): a family whose outputs read only records no changed key names gives
    # its kept outputs again (`reused`).
    changed: frozenset[str] | None = None
    kept: Mapping[str, Any] = field(default_factory=dict)
    keep: dict[str, Any] = field(default_factory=dict)
    # That process, on any of its builds (its first too): what a family keeps in memory
    # for the next edit is worth making now (generator.pages.opendata: the splits).
    warm: bool = False
    # What `reused` and `contained` handed back of the last build, as it was kept (the same
    # objects): the plan carries over the keys it made for those pages last time
    # (generator.build.PlanMemo) instead of making them again. Shared by every family.
    handed: list[Any] = field(default_factory=list)
    # The code's version the build keys its outputs with (`codeversion.code_version`, made
    # once a build); "": the family makes it when it needs it.
    code: str = ""
    # The digest of every input but the leaf tables' rows (`generator.build.Reuse.base`:
    # the other tables, site/, the code, SOURCE_DATE_EPOCH, the site's years; not the
    # data's last commit, which only the update pages and build.json read), made
    # once a build; "": unknown. What reads no leaf row may be cached across builds by it
    # (generator.pages.finder: the finder's index).
    base: str = ""
    # ANTQ_CHECK_DEPS=1, read once per family: `contained` is asked for each of the 2,500
    # national models, and `os.environ.get` was ~10 ms of each edit (issue 18).
    check: bool = field(default_factory=lambda: os.environ.get("ANTQ_CHECK_DEPS") == "1")

    def reused(self, name: str, keys: frozenset[str], make: Callable[[], T]) -> T:
        """`make()`, kept under `name` for the next build; the last build's instead when
        no changed row feeds `keys` (every input but the leaf rows being the same).
        ANTQ_CHECK_DEPS=1 makes it anyway: it must equal the kept one."""
        found: T
        if self.changed is not None and name in self.kept and not keys & self.changed:
            found = self.kept[name]
            if self.check and _outputs(make()) != _outputs(found):
                raise RuntimeError(f"{name}: kept by its keys, yet its outputs changed")
            self.handed.append(found)
        else:
            found = make()
        self.keep[name] = found
        return found

    def contained(
        self,
        name: str,
        container: frozenset[str],
        make: Callable[[], Sequence[Page | FileOutput]],
        with_deps: bool = True,
    ) -> Sequence[Page | FileOutput]:
        """The outputs of one container of a family (a province's pages, one list), `make()`,
        kept under `name` with the keys they read: `container` — the *container key*, which
        every row that adds a record to it, removes one or moves one within it maps to (a
        list page's `deps` name only the records it shows) — and, `with_deps`, each page's
        `deps`. In `antq serve` the last build's outputs are given again, their contexts not
        made, when no changed key meets those keys and the model is the same objects patched
        in place (generator.warm: a model built again would leave the kept pages reading the
        old one). A page without `deps` in a container reads only what `container` names
        (the family says so). ANTQ_CHECK_DEPS=1 makes them anyway: they must be equal."""
        kept = self.kept.get(f"{CONTAINED}{name}")
        objects = self.model.provinces  # the same list while the model is patched in place
        found: Sequence[Page | FileOutput]
        if (
            self.changed is not None
            and kept is not None
            and kept[0] is objects
            and not kept[1] & self.changed
        ):
            keys, found = kept[1], kept[2]
            if self.check:
                fresh = make()
                if _outputs(fresh) != _outputs(found) or _read(container, fresh, with_deps) != keys:
                    raise RuntimeError(f"{name}: kept by its container's keys, yet it changed")
            self.handed.append(found)
        else:
            found = make()
            keys = _read(container, found, with_deps)
        self.keep[f"{CONTAINED}{name}"] = (objects, keys, found)
        return found


def handed_pages(handed: Iterable[Any]) -> frozenset[int]:
    """The ids of the pages among what `Source.reused` and `Source.contained` handed back
    (`Source.handed`: lists of outputs, or one output)."""
    found: set[int] = set()
    for value in handed:
        for output in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(output, Page):
                found.add(id(output))
    return frozenset(found)


T = TypeVar("T")
# What `Source.contained` keeps is named with this prefix (`Source.reused`'s are not).
CONTAINED = "contained:"
# What `collect` keeps of its check of the outputs' paths (`check_outputs`), by this name.
CHECKED = "check:outputs"


def _read(
    container: frozenset[str], outputs: Sequence[Page | FileOutput], with_deps: bool
) -> frozenset[str]:
    """The keys a container's outputs read (`Source.contained`)."""
    if not with_deps:
        return container
    return container.union(*(o.deps for o in outputs if isinstance(o, Page) and o.deps))


def _outputs(value: Any) -> Any:
    """What a family's kept value says (a data file by its URL and key: its function to
    produce it is a new object each time)."""
    if isinstance(value, FileOutput):
        return (value.url, value.inputs)
    if isinstance(value, Page):
        return (value.url, value.templates, value.title, value.in_sitemap, value.view())
    if isinstance(value, (list, tuple)):
        return [_outputs(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_outputs(getattr(value, f.name)) for f in dataclasses.fields(value)]
    return value


class Family(Protocol):
    """A page family: a module of this package with a `RANK` (its place in the collection:
    a family sees what every family of a lower rank produced) and `make`."""

    RANK: int

    def make(self, source: Source) -> Iterable[Page | FileOutput]: ...


# Modules of this package that hold shared code, not a page family.
HELPERS = frozenset({"common"})


def protocol_problem(module: ModuleType) -> str | None:
    """Why `module` does not follow the family protocol (English: a programming error, never
    the data's), or None."""
    rank = getattr(module, "RANK", None)
    if not isinstance(rank, int) or isinstance(rank, bool):
        return f"{module.__name__}: RANK must be an int, found {rank!r}"
    make = getattr(module, "make", None)
    if not callable(make):
        return f"{module.__name__}: no make(source: Source) function"
    params = list(inspect.signature(make).parameters.values())
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if len(params) != 1 or params[0].kind not in positional:
        return f"{module.__name__}: make must take exactly one argument, make(source: Source)"
    if params[0].annotation not in ("Source", Source):
        return f"{module.__name__}: make's argument must be annotated Source"
    return None


def families() -> list[Family]:
    """Every page family of this package, in the order of their `RANK` (two families of one
    rank would leave the order to chance, so that stops too)."""
    found: list[ModuleType] = []
    problems: list[str] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in HELPERS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        problem = protocol_problem(module)
        if problem is None:
            found.append(module)
        else:
            problems.append(problem)
    ranks: dict[int, list[str]] = {}
    for module in found:
        ranks.setdefault(module.RANK, []).append(module.__name__)
    problems.extend(
        f"RANK {rank} shared by {', '.join(sorted(names))}"
        for rank, names in sorted(ranks.items())
        if len(names) > 1
    )
    if problems:
        raise TypeError("page families break the protocol: " + "; ".join(problems))
    return cast(list[Family], sorted(found, key=lambda module: module.RANK))


def collect(
    model: SiteModel,
    data_dir: Path,
    package: PackageSpec,
    log: DataLog | None = None,
    cache_dir: Path | None = None,
    warm: Source | None = None,
) -> tuple[list[Page], list[FileOutput]]:
    """Every page and file of the site (`package`: the descriptor, loaded once per build;
    `log`: the data's commits, asked of git once per build; `cache_dir`: the build's cache
    folder; `warm`: the changed keys and kept outputs, `Source.reused`): each family in
    rank order, given what the ones before it produced."""
    from generator.pages.common import SHARED

    SHARED.forget()  # (views shared by the last build's pages: this one makes its own)
    pages: list[Page] = []
    files: list[FileOutput] = []
    changed, kept, keep = (warm.changed, warm.kept, warm.keep) if warm else (None, {}, {})
    handed: list[Any] = warm.handed if warm else []
    for family in families():
        source = Source(
            model,
            data_dir,
            package,
            log,
            tuple(pages),
            tuple(files),
            cache_dir,
            changed,
            kept,
            keep,
            warm is not None and warm.warm,
            handed,
            warm.code if warm is not None else "",
            warm.base if warm is not None else "",
        )
        for output in family.make(source):
            if isinstance(output, Page):
                pages.append(output)
            else:
                files.append(output)
    # What the last rebuild's check found (`antq serve`): only new URLs are checked.
    held = kept.get(CHECKED)
    checked = check_outputs(pages, files, held if isinstance(held, CheckedOutputs) else None)
    if warm is not None:
        keep[CHECKED] = checked
    return pages, files


# One path segment of a published file: letters, digits, "-", "_", "." (never first, never
# "..") — the alphabet of slugify() and of our own fixed names. Anything else comes from data
# that did not slugify to a name and must not become a path.
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
# A URL every segment of which is one (`_path_problem` finds nothing): one match a URL, not a
# split and a match a segment (a national site has 8,400 outputs checked at each rebuild).
_GOOD_URL = re.compile(r"/(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*(?:[A-Za-z0-9_][A-Za-z0-9._-]*)?")


def _describe(output: Page | FileOutput) -> str:
    if isinstance(output, Page):
        return text("output-page", title=output.title or output.url, url=output.url)
    return text("output-file", url=output.url)


def _path_problem(url: str) -> str | None:
    """Why `url` cannot name an output (Vietnamese), or None."""
    if _GOOD_URL.fullmatch(url) and ".." not in url:  # (".." can only lie in a segment)
        return None
    if not url.startswith("/"):
        return text("output-path-no-slash")
    path = url[1:]
    segments = path.split("/")
    if path.endswith("/") or not path:
        segments = segments[:-1]  # the directory's index.html
    for segment in segments:
        if not segment:
            return text("output-path-empty-segment")
        if not _SEGMENT.fullmatch(segment) or ".." in segment:
            return text("output-path-bad-segment", segment=segment)
    return None


def check_outputs(
    pages: list[Page], files: list[FileOutput], checked: CheckedOutputs | None = None
) -> CheckedOutputs:
    """Every output has a well-formed path of its own: no empty or odd segment (an id that
    slugifies to nothing would write over its section's index.html), no two outputs on one
    file, even on a file system that ignores case, and no file where another output needs
    a folder. Stops the build naming both records; nothing is overwritten.

    The check reads the outputs' URLs alone. `checked`: what the last check that passed in
    this process found (`antq serve`, kept between rebuilds): then only the URLs not among
    its ones are checked, against it (`_checked_by_difference`), and whenever that finds
    anything, or the URLs differ by many, every output is checked as a whole build does,
    which says the problems. Returns what this check found, for the next one."""
    outputs: list[Page | FileOutput] = [*pages, *files]
    if checked is not None:
        found = _checked_by_difference(checked, outputs)
        if found is not None:
            return found
    return _check_all(outputs)


@dataclass(frozen=True)
class CheckedOutputs:
    """What a check of the outputs' paths that passed found: every URL (each well formed,
    each its own file), each file's case-folded path → its URL, and every folder those
    paths lie in (case-folded; a superset after removals, which only sends a later check
    to the whole road; made when first asked: a whole build never asks)."""

    urls: frozenset[str]
    files: dict[str, str]
    given_folders: frozenset[str] | None = None

    @functools.cached_property
    def folders(self) -> frozenset[str]:
        if self.given_folders is not None:
            return self.given_folders
        return frozenset(parent for rel in self.files for parent in _parents(rel))


# Beyond this many URLs added or removed since the last check, every output is checked.
CHECK_BY_DIFFERENCE = 500


def _checked_by_difference(
    checked: CheckedOutputs, outputs: list[Page | FileOutput]
) -> CheckedOutputs | None:
    """The check of `outputs` from the last one's (`check_outputs`): the URLs it did not
    hold are checked against its files and folders. None: a URL of two outputs, too many
    changes, or a possible problem (the whole check decides and words it)."""
    now = frozenset([output.url for output in outputs])
    # One output given twice (a family's kept list shared) is one file, as in `_check_all`.
    if len(now) != len(outputs) and len({id(output) for output in outputs}) != len(now):
        return None
    added, removed = now - checked.urls, checked.urls - now
    if not added and not removed:
        return checked
    if len(added) + len(removed) > CHECK_BY_DIFFERENCE:
        return None
    files = dict(checked.files)
    for url in removed:
        files.pop(url_to_path(url).casefold(), None)
    folders = set(checked.folders)
    for url in sorted(added):
        if _path_problem(url) is not None:
            return None
        rel = url_to_path(url).casefold()
        parents = _parents(rel)
        if rel in files or rel in folders or any(parent in files for parent in parents):
            return None
        files[rel] = url
        folders.update(parents)
    return CheckedOutputs(now, files, frozenset(folders))


def _parents(rel: str) -> list[str]:
    """The folders `rel` lies in: "a/b/c.html" → ["a/b", "a"]."""
    found = []
    parent = rel.rpartition("/")[0]
    while parent:
        found.append(parent)
        parent = parent.rpartition("/")[0]
    return found


def _check_all(outputs: list[Page | FileOutput]) -> CheckedOutputs:
    """`check_outputs` over every output (a whole build's check)."""
    lines: list[str] = []
    owners: dict[str, Page | FileOutput] = {}
    for output in outputs:
        reason = _path_problem(output.url)
        if reason is not None:
            what = _describe(output)
            lines.append(say("output-path-invalid", what=what, url=output.url, reason=reason))
            continue
        rel = _output_path(output)
        first = owners.setdefault(rel.casefold(), output)
        if first is not output:
            lines.append(_clash(first, output, _output_path(first)))
    if any(_in_a_file(rel, owners) for rel in owners):  # (sorted only to name them)
        for rel, output in sorted(owners.items()):
            parent = _in_a_file(rel, owners)
            if parent:
                lines.append(_clash(owners[parent], output, _output_path(owners[parent])))
    if lines:
        raise BuildError(lines)
    files = {rel: output.url for rel, output in owners.items()}
    return CheckedOutputs(frozenset(files.values()), files)


def _in_a_file(rel: str, owners: Mapping[str, Page | FileOutput]) -> str:
    """The output that is a folder of `rel`'s path, or ""."""
    parent = rel.rpartition("/")[0]
    while parent:
        if parent in owners:
            return parent
        parent = parent.rpartition("/")[0]
    return ""


def _output_path(output: Page | FileOutput) -> str:
    return url_to_path(output.url)


def _clash(first: Page | FileOutput, second: Page | FileOutput, rel: str) -> str:
    return say("output-path-clash", first=_describe(first), second=_describe(second), path=rel)


def paginate(items: list[Any], size: int) -> Iterator[tuple[int, int, list[Any]]]:
    """(page number from 1, page count, items) — always at least one page."""
    count = max(1, -(-len(items) // size))
    for number in range(1, count + 1):
        yield number, count, items[(number - 1) * size : number * size]


def page_url(url: str, number: int) -> str:
    """Page `number` of the list at `url`: page 1 at `url` itself (a list that grew past one
    page keeps its old URL), page n at `url`trang-n/ (`urlpath.is_later_page`)."""
    return url if number == 1 else f"{url}{PAGE_SEGMENT}{number}/"


def pager(
    url: str,
    number: int,
    count: int,
    link: Callable[[str, int], str] = page_url,
    pages: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """What macros.html's `pager` shows on page `number` of `count` of the list at `url`
    (page n at `link(url, n)`); None for a list on one page. `pages`: the links to every
    page, when the caller made them (`paged`: one list shared by the list's pages, read
    only; made a page at a time, a list of n pages made n² links: 15,000 for the year of
    a national award edit)."""
    if count == 1:
        return None
    return {
        "number": number,
        "count": count,
        "prev": link(url, number - 1) if number > 1 else None,
        "next": link(url, number + 1) if number < count else None,
        "pages": pages if pages is not None else _page_links(url, count, link),
    }


def _page_links(url: str, count: int, link: Callable[[str, int], str]) -> list[dict[str, Any]]:
    return [{"n": n, "url": link(url, n)} for n in range(1, count + 1)]


@dataclass(frozen=True)
class Slice:
    """One page of a long list: its URL, its items and the pager's view."""

    url: str
    number: int
    items: list[Any]
    pager: dict[str, Any] | None

    def title(self, title: str) -> str:
        return title if self.number == 1 else f"{title} — trang {self.number}"


def paged(
    url: str, items: list[Any], size: int, link: Callable[[str, int], str] = page_url
) -> Iterator[Slice]:
    """The one pagination of every long list of the site (issue 15: no page over ~1,500
    elements at national scale): `size` items a page, page 1 at `url`, page n at
    `link(url, n)`, each with its pager."""
    links: list[dict[str, Any]] | None = None
    for number, count, chunk in paginate(items, size):
        if links is None and count > 1:
            links = _page_links(url, count, link)
        yield Slice(link(url, number), number, chunk, pager(url, number, count, link, links))


def split_list(
    first: Page,
    key: str,
    items: list[Any],
    size: int,
    keep: tuple[str, ...],
    view: Callable[[Any], Any] | None = None,
) -> Iterator[Page]:
    """`first` with its list `key` cut to its first `size` items (each through `view`), then
    the pages holding the rest: the context keys in `keep`, the list, `<key>_total` and the
    pager only (a province's xã, a model's sites, the models citing a document)."""
    for part in paged(first.url, items, size):
        shown = [view(i) for i in part.items] if view else part.items
        listed = {key: shown, f"{key}_total": len(items), "pager": part.pager}
        if part.number == 1:
            first.context.update(listed)
            yield first
            continue
        context = {k: first.context[k] for k in keep} | listed
        yield Page(part.url, first.templates, context, title=part.title(first.title))
