"""What changed: the "Cập nhật" page and its Atom feed (from the data's git history), and
the iCalendar feed of the movement's calendar."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from generator.data.messages_vi import text
from generator.diff import Commit, RecordChange, short_revision
from generator.model import SiteModel
from generator.pages import FileOutput, Page
from generator.textvi import format_number

DETAILS_PER_COMMIT = 25
VERBS = {kind: text(f"update-verb-{kind}") for kind in ("added", "changed", "removed")}


def describe(model: SiteModel, change: RecordChange) -> dict[str, Any]:
    """One plain Vietnamese line for a record change, with a link when the page exists."""
    row = change.row
    verb = VERBS[change.kind]
    resource = change.resource
    kind = change.kind
    url: str | None = None
    if resource == "assessments":
        place = model.place_by_id.get(row.get("place_id", ""))
        name = place.name if place else row.get("place_id", "")
        outcome = row.get("result", "")
        result = text(f"update-result-{outcome}") if outcome in ("dat", "chua_dat") else ""
        where = ""
        if place and place.unit_code in model.ward_by_code:
            ward = model.ward_by_code[place.unit_code]
            where, url = f" ({ward.name})", ward.url
        year = row.get("year")
        if kind == "removed":
            line = text("update-assessment-removed", year=year, name=name, where=where)
        else:
            line = text("update-assessment", name=name, where=where, result=result, year=year)
            if kind == "changed":
                line = text("update-assessment-changed", line=line)
    elif resource == "models":
        entry = model.model_by_id.get(row.get("id", ""))
        url = entry.url if entry and kind != "removed" else None
        line = text(f"update-model-{kind}", name=row.get("name"))
    elif resource == "awards":
        award = model.label("awards.award", row.get("award"))
        url = model.unit_url(row.get("unit_code"))
        line = text(
            "update-award",
            verb=verb,
            recipient=row.get("recipient_name"),
            award=award,
            year=row.get("year"),
        )
    elif resource == "places":
        home = model.ward_by_code.get(row.get("unit_code", ""))
        url = home.url if home else None
        place_kind = model.label("places.kind", row.get("kind")).lower()
        line = text("update-place", verb=verb, kind=place_kind, name=row.get("name"))
        if home:
            line += f" ({home.name})"
    elif resource == "lessons":
        slug = change.key[0]
        url = f"/bai-hoc/{slug}/" if kind != "removed" else None
        line = text(f"update-lesson-{kind}", title=row.get("title") or slug)
    elif resource == "legal_documents":
        document = model.legal_by_id.get(row.get("id", ""))
        url = document.url if document else None
        line = text("update-legal", verb=verb, id=row.get("id"))
    elif resource == "events":
        url = "/lich/"
        line = text("update-event", verb=verb, title=row.get("title"))
    elif resource == "model_sites":
        site_model = model.model_by_id.get(row.get("model_id", ""))
        url = site_model.url if site_model else None
        site_name = site_model.model.name if site_model else row.get("model_id")
        line = text("update-model-site", verb=verb, name=site_name)
    elif resource == "movement_classes":
        url = model.unit_url(row.get("unit_code"))
        unit = model.unit_names.get(row.get("unit_code", ""), row.get("unit_code"))
        line = text("update-class", verb=verb, year=row.get("year"), unit=unit)
    else:
        what = RESOURCE_NAMES.get(resource, resource)
        line = text("update-other", verb=verb, what=what, key=" ".join(change.key))
    return {"text": line, "url": url, "kind": kind}


# Most interesting first: what citizens follow, then reference tables.
ORDER = {
    name: i
    for i, name in enumerate(
        (
            "assessments",
            "models",
            "awards",
            "lessons",
            "movement_classes",
            "model_sites",
            "places",
            "events",
            "legal_documents",
            "units",
            "legacy_units",
            "unit_changes",
        )
    )
}

# The name of each table (and of the lessons) in a summary line.
RESOURCE_NAMES = {name: text(f"update-resource-{name}") for name in ORDER}


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
        "details": [describe(model, c) for c in _ordered(commit.changes)[:DETAILS_PER_COMMIT]],
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
