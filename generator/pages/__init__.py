"""Page families. Each module yields `Page` objects: a URL, the templates to try, and a
context holding exactly what the page shows. The context *is* the page's declared input: the
build hashes it (with the templates it uses and the site-wide settings) to decide whether the
page must be rendered again, so a context must never carry more than the page displays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import SiteModel


@dataclass
class Page:
    url: str  # site-relative, "/tinh/hai-phong/" or "/sitemap.xml"
    templates: list[str]  # tried in order: per-entity template first, then the family's
    context: dict[str, Any]
    title: str = ""
    in_sitemap: bool = True

    @property
    def output_path(self) -> str:
        path = self.url.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path


@dataclass
class FileOutput:
    """A file produced without a template (data downloads); `inputs` identifies its content."""

    url: str
    inputs: str
    produce: Callable[[], bytes]
    sources: list[Path] = field(default_factory=list)


def collect(model: SiteModel, data_dir: Path) -> tuple[list[Page], list[FileOutput]]:
    from generator.data.schema import load_package
    from generator.diff import history
    from generator.pages import (
        about,
        awards,
        calendar,
        guide,
        home,
        legal,
        lessons,
        maps,
        misc,
        models,
        opendata,
        pwa,
        units,
        updates,
    )

    pages: list[Page] = []
    files: list[FileOutput] = []
    for family in (home, units, models, awards, legal, calendar, guide):
        pages.extend(family.pages(model))
    pages.extend(lessons.pages(model, data_dir))
    data_pages, data_files = opendata.outputs(model, data_dir)
    pages.extend(data_pages)
    files.extend(data_files)
    package, _ = load_package(data_dir)
    pages.extend(about.pages(model, package))
    pages.extend(updates.pages(model, history(package)))
    files.append(updates.calendar_file(model))
    map_pages, map_files = maps.outputs(model, data_dir)
    pages.extend(map_pages)
    files.extend(map_files)
    pages.extend(pwa.pages(model, data_dir))
    files.extend(pwa.files(model))
    pages.extend(misc.pages(model, pages))
    _check_unique(pages, files)
    return pages, files


def _check_unique(pages: list[Page], files: list[FileOutput]) -> None:
    seen: set[str] = set()
    for url in [p.url for p in pages] + [f.url for f in files]:
        if url in seen:
            raise ValueError(f"two outputs share the URL {url}")
        seen.add(url)


def paginate(items: list[Any], size: int) -> Iterator[tuple[int, int, list[Any]]]:
    """(page number from 1, page count, items) — always at least one page."""
    count = max(1, -(-len(items) // size))
    for number in range(1, count + 1):
        yield number, count, items[(number - 1) * size : number * size]
