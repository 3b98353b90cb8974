"""Output-side ceilings: what one table may make, and how large one published file may be.

Valid data can still be far larger than a site can publish (a table of 1,000,000 events once
built for 13 minutes and published a 243 MB calendar). The ceilings below are set from the
national synthetic package (`antq synth --scale national`, row counts in
`generator.data.synth.SCALES`, JSON sizes scaled from the small package's bytes per row), so
that it stays well inside them:

    rows in one table (= rows in its JSON download)   national largest: 400,000 assessments
    JSON download (per province for large tables)      national largest: see MAX_FILE
    events (the iCalendar file, the /lich/ page)        national: 200
    URLs in the sitemap                                 national: about 10,000 pages

Counts are checked from the loaded data before the model, the pages and the files are made
(`check_rows`, `check_sitemap`); sizes as each file is produced, before anything is
published (`check_size`). Per-table row ceilings of the data itself belong to the schemas.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.data.messages_vi import problem, say, text
from generator.textvi import format_number

# 2.5 times the national package's largest table.
MAX_ROWS_PER_OUTPUT = 1_000_000
# 50 times the national calendar; each event is one VEVENT and up to 3 dated items.
MAX_CALENDAR_EVENTS = 10_000
# The sitemap protocol's own limit for one file (5 times the national site's pages).
MAX_SITEMAP_URLS = 50_000

MB = 1024 * 1024
# No published file over 10 MB (issue 16): about 50 seconds on a 3G phone (1.6 Mbps). The
# national synthetic package's largest file was its assessments JSON, 70.6 MB, before the
# open data was split per province (generator.pages.opendata); checked as each output is
# made (`check_size`) and, for every file of the site, before it is published
# (`check_published`).
MAX_FILE = 10 * MB
# An open-data table whose CSV is larger is offered per province (and whole only as
# compressed CSV): its JSON (about 2.3 times the CSV) stays well below MAX_FILE.
SPLIT_ABOVE = 1 * MB
# Output kind by file suffix → (Vietnamese name, ceiling in bytes); any other file is
# held to MAX_FILE alone, and no kind above it.
SIZE_CEILINGS: dict[str, tuple[str, int]] = {
    # Atom feed (30 commits) and the sitemap (national: about 10,000 URLs, 2 MB).
    ".xml": (text("part-kind-xml"), MAX_FILE),
    ".ics": (text("part-kind-ics"), MAX_FILE),  # national: about 0.1 MB
    ".json": (text("part-kind-json"), MAX_FILE),  # national largest: a province's assessments
    ".geojson": (text("part-kind-geojson"), MAX_FILE),  # national: a few MB per province
}


def check_rows(tables: dict[str, tuple[str, int]]) -> list[str]:
    """Lines for the tables (name → (its file as shown, row count)) beyond their output
    ceilings."""
    lines = []
    for name, (file, rows) in sorted(tables.items()):
        if rows > MAX_ROWS_PER_OUTPUT:
            limit = _n(MAX_ROWS_PER_OUTPUT)
            found = problem("output-too-many-rows", file, table=name, rows=_n(rows), limit=limit)
            lines.append(found.line())
        if name == "events" and rows > MAX_CALENDAR_EVENTS:
            limit = _n(MAX_CALENDAR_EVENTS)
            found = problem("calendar-too-many-events", file, rows=_n(rows), limit=limit)
            lines.append(found.line())
    return lines


def check_sitemap(urls: int) -> list[str]:
    if urls <= MAX_SITEMAP_URLS:
        return []
    return [say("sitemap-too-many-urls", urls=_n(urls), limit=_n(MAX_SITEMAP_URLS))]


def check_size(rel: str, size: int) -> str | None:
    """The line refusing output `rel` of `size` bytes, or None when within its ceiling:
    its kind's, and MAX_FILE for every file."""
    kind, ceiling = text("part-kind-file"), MAX_FILE
    for suffix, (name, limit) in SIZE_CEILINGS.items():
        if rel.endswith(suffix):
            kind, ceiling = name, min(limit, MAX_FILE)
            break
    if size > ceiling:
        return say("output-too-large", path=rel, kind=kind, size=_size(size), limit=_size(ceiling))
    return None


def site_files(root: Path) -> list[tuple[str, os.stat_result]]:
    """Every file under `root` as (its path relative to `root`, its `stat`), in path order:
    one walk with strings (a site with 2,000 photos has 15,000 files: Path objects cost
    seconds there). Symbolic links to folders are not followed."""
    found: list[tuple[str, os.stat_result]] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found.append((prefix + entry.name, entry.stat()))

    if root.is_dir():
        walk(str(root), "")
    found.sort(key=lambda item: item[0].split("/"))
    return found


def check_published(root: Path, files: list[tuple[str, os.stat_result]] | None = None) -> list[str]:
    """Lines for every file under `root` (the site about to be published) beyond its
    ceiling: also the files no job made (theme assets, the search index, map layers).
    `files`: `site_files(root)` when the caller has it."""
    lines = []
    for rel, info in site_files(root) if files is None else files:
        line = check_size(rel, info.st_size)
        if line is not None:
            lines.append(line)
    return lines


def _n(value: int) -> str:
    return format_number(value)


def _size(size: int) -> str:
    if size >= MB:
        return f"{format_number(size / MB, 1)} MB"
    return f"{format_number(size)} byte"
