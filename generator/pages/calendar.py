"""The movement's calendar: upcoming and past items, yearly items repeated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from generator.model import SiteModel
from generator.pages import Page, Source
from generator.pages.common import legal_link

RANK = 60  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page]:
    yield from pages(source.model)


PAST_DAYS = 365


def occurrences(model: SiteModel, *, upcoming: bool) -> list[dict[str, Any]]:
    """Dated occurrences around the build date (never the wall clock: output is reproducible)."""
    today = model.today
    out = []
    for event in model.events:
        if event.recurrence == "hang_nam":
            dates = [_same_day(event.date, y) for y in (today.year - 1, today.year, today.year + 1)]
            # From its first date, until the last day it applies (a dated plan's deadlines do
            # not become every year's).
            last = event.valid_until or date.max
            dates = [d for d in dates if event.date <= d <= last]
        else:
            dates = [event.date]
        for when in dates:
            if (
                upcoming
                and today <= when <= date(today.year + 1, today.month, min(today.day, 28))
                or not upcoming
                and 0 < (today - when).days <= PAST_DAYS
            ):
                out.append(_view(model, event, when))
    out.sort(key=lambda v: (v["date"], v["title"]), reverse=not upcoming)
    return out


def _same_day(first: date, year: int) -> date:
    try:
        return first.replace(year=year)
    except ValueError:  # 29/2
        return date(year, 2, 28)


def _view(model: SiteModel, event: Any, when: date) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "date": when,
        "kind": model.label("events.kind", event.kind),
        "kind_code": event.kind,
        "yearly": event.recurrence == "hang_nam",
        "scope": model.unit_names.get(event.unit_code, "Toàn quốc")
        if event.unit_code
        else "Toàn quốc",
        "scope_url": model.unit_url(event.unit_code),
        "description": event.description,
        "legal": legal_link(model, event.legal_basis),
    }


def pages(model: SiteModel) -> Iterator[Page]:
    yield Page(
        url="/lich/",
        templates=["lich.html"],
        context={
            "today": model.today,
            "upcoming": occurrences(model, upcoming=True),
            "past": occurrences(model, upcoming=False),
        },
        title="Lịch phong trào",
    )
