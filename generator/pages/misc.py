"""404 page, sitemap.xml and robots.txt."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.model import SiteModel
from generator.pages import Page, Source

RANK = 150  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page]:
    yield from pages(source.model, source.pages)


def pages(model: SiteModel, pages_so_far: Iterable[Page]) -> Iterator[Page]:
    yield Page(
        url="/404.html",
        templates=["404.html"],
        context={},
        title="Không tìm thấy trang",
        in_sitemap=False,
    )
    urls = sorted(p.url for p in pages_so_far if p.in_sitemap and p.url.endswith("/"))
    yield Page(
        url="/sitemap.xml", templates=["sitemap.xml"], context={"urls": urls}, in_sitemap=False
    )
    yield Page(url="/robots.txt", templates=["robots.txt"], context={}, in_sitemap=False)
