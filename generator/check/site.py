"""The whole site: one file's checks, and the files split into batches over worker
processes for the national site."""

from __future__ import annotations

import os
import posixpath
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.check.assets import _css_urls, _js_requests, _scan_manifest
from generator.check.budgets import _gzip_bound, _gzip_size
from generator.check.config import DEFAULT_BUDGETS, DEFAULT_LINK_HOSTS, _Config, glob_regex
from generator.check.head import _scan_html
from generator.check.links import _Context, _host, _Links, _Result
from generator.data.messages_vi import text
from generator.data.problems import Problem
from generator.scan import BINARY_SUFFIXES, make_problem, scan_published
from generator.textvi import format_number
from generator.workers import count as worker_count

# -- the per-file scan (runs in worker processes) ----------------------------------------------

_STATE: dict[str, _Context] = {}  # "context": the run's _Context, for forked workers


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    files: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        pages, files = format_number(self.pages), format_number(self.files)
        if not self.problems:
            return text("check-passed", pages=pages, files=files)
        counts: dict[str, int] = {}
        for p in self.problems:
            counts[p.code] = counts.get(p.code, 0) + 1
        detail = ", ".join(f"{code} {format_number(n)}" for code, n in sorted(counts.items()))
        count = format_number(len(self.problems))
        return text("check-total", count=count, detail=detail, pages=pages, files=files)


def _check_file(rel: str, context: _Context) -> _Result:
    config = context.config
    path = context.root / rel
    data = path.read_bytes()
    suffix = posixpath.splitext(rel)[1].lower()
    result = _Result()
    budget = config.budget(rel)
    if budget and _gzip_bound(len(data)) > budget[1]:
        size = _gzip_size(data)
        if size > budget[1]:
            kind = "trang" if suffix == ".html" else text("part-file")
            result.problems.append(
                make_problem(
                    rel,
                    0,
                    "size-budget",
                    kind=kind,
                    size=format_number(size),
                    budget=format_number(budget[1]),
                    pattern=budget[0],
                )
            )
    if suffix in BINARY_SUFFIXES:
        return result
    # The build's own scan, on every byte: a NUL byte is reported, never a reason to skip.
    result.problems += scan_published(rel, data)
    if suffix in (".html", ".htm"):
        page = _scan_html(rel, data, context)
        result.problems += page.problems
        result.ids = page.ids
        result.anchors = page.anchors
    elif suffix in (".css", ".js", ".mjs", ".webmanifest"):
        links = _Links(rel, context)
        if suffix == ".css":
            _css_urls(data, 1, links)
        elif suffix == ".webmanifest":
            _scan_manifest(rel, data, links)
        else:
            _js_requests(data, 1, links)
        links.finish(frozenset(), result)
    return result


def _check_batch(rels: list[str]) -> list[tuple[str, _Result]]:
    context = _STATE["context"]
    return [(rel, _check_file(rel, context)) for rel in rels]


# -- the whole site ----------------------------------------------------------------------------

PARALLEL_MIN_BYTES = 16 << 20  # below this, forking costs more than it saves
BATCH_BYTES = 4 << 20


def _walk(root: Path) -> list[tuple[str, int]]:
    """Every file under root as (relative path, size), dot files included: a stray .env is
    exactly where a secret would hide."""
    found: list[tuple[str, int]] = []
    stack = [("", str(root))]
    while stack:
        prefix, directory = stack.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir():
                    stack.append((rel + "/", entry.path))
                elif entry.is_file():
                    found.append((rel, entry.stat().st_size))
    return found


def _batches(files: list[tuple[str, int]]) -> list[list[str]]:
    """Largest files first, grouped to ~4 MB, so two workers finish at about the same time."""
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for rel, n in sorted(files, key=lambda item: -item[1]):
        current.append(rel)
        size += n
        if size >= BATCH_BYTES or len(current) >= 400:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def check_site(
    root: Path,
    base_url: str,
    *,
    link_hosts: Sequence[str] = DEFAULT_LINK_HOSTS,
    budgets: Mapping[str, int] | None = None,
    workers: int | None = None,
) -> CheckReport:
    """Check a built site; problems come sorted by file and line."""
    started = time.perf_counter()
    base_url = base_url.rstrip("/")
    config = _Config(
        base_url=base_url,
        base_host=_host(base_url),
        link_hosts=tuple(h.lower() for h in link_hosts),
        budgets=tuple(
            (pattern, glob_regex(pattern), int(limit))
            for pattern, limit in (DEFAULT_BUDGETS if budgets is None else budgets).items()
        ),
    )
    files = _walk(root)
    names = frozenset(rel for rel, _ in files)
    batches = _batches(files)
    total = sum(n for _, n in files)
    workers = workers if workers is not None else min(2, worker_count())
    _STATE["context"] = _Context(config, root, names)
    try:
        if workers < 2 or total < PARALLEL_MIN_BYTES or len(batches) < 2:
            results = [item for batch in batches for item in _check_batch(batch)]
        else:
            results = _run_parallel(batches, workers)
    finally:
        _STATE.clear()
    report = CheckReport(files=len(files))
    ids: dict[str, frozenset[str]] = {}
    for rel, result in results:
        report.problems += result.problems
        if result.ids is not None:
            ids[rel] = result.ids
    report.pages = len(ids)
    for _, result in results:
        for source, line, url, target, anchor in result.anchors:
            if anchor not in ids.get(target, frozenset()):
                report.problems.append(
                    make_problem(
                        source, line, "broken-link.anchor", url=url, target=target, anchor=anchor
                    )
                )
    report.problems.sort(key=lambda p: (*p.sort_key(), p.message))
    report.seconds = time.perf_counter() - started
    return report


def _run_parallel(batches: list[list[str]], workers: int) -> list[tuple[str, _Result]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers inherit _STATE (the file list) instead of receiving it pickled.
    context = multiprocessing.get_context("fork")
    results: list[tuple[str, _Result]] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch_result in pool.map(_check_batch, batches):
            results += batch_result
    return results
