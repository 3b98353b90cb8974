"""/gioi-thieu/: who publishes the site, where its data comes from, how a citizen reports
an error, and the accessibility statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.data.schema import PackageSpec
from generator.model import SiteModel
from generator.pages import Page, Source

RANK = 100  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page]:
    yield from pages(source.model, source.package)


def pages(model: SiteModel, package: PackageSpec) -> Iterator[Page]:
    settings = model.settings
    licence = (package.descriptor.get("licenses") or [{}])[0]
    context: dict[str, Any] = {
        "publisher": {
            "organisation": settings.contact_organisation,
            "address": settings.contact_address,
            "email": settings.contact_email,
            "url": settings.contact_url,
        },
        "data": {
            "title": package.descriptor.get("title", ""),
            "description": package.descriptor.get("description", ""),
            "licence": licence.get("title", "") if isinstance(licence, dict) else "",
            "tables": [spec.title for spec in package.resources],
        },
    }
    yield Page(
        url="/gioi-thieu/",
        templates=["gioi-thieu.html"],
        context=context,
        title="Giới thiệu trang web",
    )
