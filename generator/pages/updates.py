"""What changed: the "Cập nhật" page and its Atom feed (from the data's git history), and
the iCalendar feed of the movement's calendar."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from generator.changes import ORDER, RESOURCE_NAMES, describe
from generator.data.messages_vi import text
from generator.deps import table_key
from generator.diff import Commit, RecordChange, history, short_revision
from generator.model import SiteModel
from generator.pages import FileOutput, Page, Source
from generator.textvi import format_number

RANK = 110  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    yield from pages(source.model, history(source.package, log=source.log))
    # The calendar reads the events' rows (each maps to their table's key), the settings,
    # the units' names and the build's day (in the name it is kept under, `Source.reused`).
    model = source.model
    yield source.reused(
        f"updates:calendar:{model.today.isoformat()}",
        frozenset({table_key("events")}),
        lambda: calendar_file(model),
    )


DETAILS_PER_COMMIT = 25


def _ordered(changes: list[RecordChange]) -> list[RecordChange]:
    return sorted(changes, key=lambda c: (ORDER.get(c.resource, 99), c.key))


def _summary(commit: Commit) -> list[str]:
    counts = Counter((c.resource, c.kind) for c in commit.changes)
    parts = []
    for (resource, kind), n in sorted(
        counts.items(), key=lambda i: (ORDER.get(i[0][0], 99), i[0][1])
    ):
        what = RESOURCE_NAMES.get(resource, resource)
        parts.append(text(f"update-count-{kind}", count=format_number(n), what=what))
    return parts


def commit_view(model: SiteModel, commit: Commit) -> dict[str, Any]:
    return {
        "revision": short_revision(commit.revision),
        "time": commit.time,
        "date": commit.time.date(),
        "summary": _summary(commit),
        "details": [
            describe(model, c).view() for c in _ordered(commit.changes)[:DETAILS_PER_COMMIT]
        ],
        "more": max(0, len(commit.changes) - DETAILS_PER_COMMIT),
        "id": f"urn:antq:{commit.revision}",
    }


def pages(model: SiteModel, commits: list[Commit]) -> Iterator[Page]:
    views = [commit_view(model, c) for c in commits if c.changes]
    yield Page(
        url="/cap-nhat/",
        templates=["cap-nhat.html"],
        context={"commits": views},
        title=text("update-title"),
    )
    yield Page(
        url="/cap-nhat/atom.xml",
        templates=["atom.xml"],
        context={
            "commits": views,
            "updated": views[0]["time"]
            if views
            else datetime.combine(model.today, datetime.min.time()),
        },
        title=text("update-title"),
        in_sitemap=False,
    )


def calendar_file(model: SiteModel) -> FileOutput:
    """The movement's calendar as iCalendar, for officials' phone calendars."""
    from icalendar import Calendar, Event

    host = model.settings.base_url.split("://", 1)[-1].split("/", 1)[0]
    stamp = datetime.combine(model.today, datetime.min.time())
    cal = Calendar()
    cal.add("prodid", text("calendar-product"))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", text("calendar-name", site=model.settings.short_name))
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for event in model.events:
        item = Event()
        item.add("uid", f"{event.id}@{host}")
        item.add("dtstamp", stamp)
        item.add("summary", event.title)
        item.add("dtstart", event.date)
        item.add("dtend", event.date + timedelta(days=1))
        if event.recurrence == "hang_nam":
            rule: dict[str, Any] = {"freq": "yearly"}
            if event.valid_until is not None:
                rule["until"] = event.valid_until
            item.add("rrule", rule)
        description = event.description or ""
        scope = model.unit_names.get(event.unit_code or "", "")
        if scope:
            description = f"{description} ({scope})".strip()
        if description:
            item.add("description", description)
        item.add("categories", [model.label("events.kind", event.kind)])
        item.add("url", f"{model.settings.base_url}/lich/")
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)
    data = cal.to_ical()
    # Its hash, not its bytes, identifies it (a large calendar would be held twice).
    return FileOutput("/lich/lich.ics", f"ics:{hashlib.sha256(data).hexdigest()}", lambda: data)
