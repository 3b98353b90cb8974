"""What changed: the "Cập nhật" page and its Atom feed (from the data's git history), and
the iCalendar feed of the movement's calendar."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from generator.diff import Commit, RecordChange, short_revision
from generator.model import SiteModel
from generator.pages import FileOutput, Page
from generator.textvi import format_number

DETAILS_PER_COMMIT = 25
RESOURCE_NAMES = {
    "units": "đơn vị hành chính",
    "legacy_units": "đơn vị hành chính cũ",
    "unit_changes": "dòng quy đổi mã đơn vị",
    "places": "nơi được đánh giá",
    "assessments": "kết quả “An toàn về an ninh, trật tự”",
    "movement_classes": "kết quả phân loại phong trào",
    "models": "mô hình",
    "model_sites": "điểm mô hình",
    "awards": "khen thưởng",
    "legal_documents": "văn bản",
    "events": "mục lịch",
    "lessons": "bài học",
}
VERBS = {"added": "Thêm", "changed": "Sửa", "removed": "Xóa"}


def describe(model: SiteModel, change: RecordChange) -> dict[str, Any]:
    """One plain Vietnamese line for a record change, with a link when the page exists."""
    row = change.row
    verb = VERBS[change.kind]
    resource = change.resource
    url: str | None = None
    if resource == "assessments":
        place = model.place_by_id.get(row.get("place_id", ""))
        name = place.name if place else row.get("place_id", "")
        result = {"dat": "đạt", "chua_dat": "chưa đạt"}.get(row.get("result", ""), "")
        where = ""
        if place and place.unit_code in model.ward_by_code:
            ward = model.ward_by_code[place.unit_code]
            where, url = f" ({ward.name})", ward.url
        if change.kind == "removed":
            text = f"Xóa kết quả năm {row.get('year')} của {name}{where}"
        else:
            text = f"{name}{where} {result} “An toàn về an ninh, trật tự” năm {row.get('year')}"
            if change.kind == "changed":
                text = f"Sửa kết quả: {text}"
    elif resource == "models":
        entry = model.model_by_id.get(row.get("id", ""))
        url = entry.url if entry and change.kind != "removed" else None
        text = {
            "added": f"Ghi nhận mô hình “{row.get('name')}”",
            "changed": f"Cập nhật mô hình “{row.get('name')}”",
            "removed": f"Gỡ mô hình “{row.get('name')}”",
        }[change.kind]
    elif resource == "awards":
        award = model.label("awards.award", row.get("award"))
        url = model.unit_url(row.get("unit_code"))
        text = f"{verb} khen thưởng: {row.get('recipient_name')} — {award} ({row.get('year')})"
    elif resource == "places":
        home = model.ward_by_code.get(row.get("unit_code", ""))
        url = home.url if home else None
        text = f"{verb} {model.label('places.kind', row.get('kind')).lower()} “{row.get('name')}”"
        if home:
            text += f" ({home.name})"
    elif resource == "lessons":
        slug = change.key[0]
        title = row.get("title") or slug
        url = f"/bai-hoc/{slug}/" if change.kind != "removed" else None
        text = {"added": "Bài học mới", "changed": "Cập nhật bài học", "removed": "Gỡ bài học"}[
            change.kind
        ] + f": “{title}”"
    elif resource == "legal_documents":
        document = model.legal_by_id.get(row.get("id", ""))
        url = document.url if document else None
        text = f"{verb} văn bản {row.get('id')}"
    elif resource == "events":
        url = "/lich/"
        text = f"{verb} lịch: {row.get('title')}"
    elif resource == "model_sites":
        site_model = model.model_by_id.get(row.get("model_id", ""))
        url = site_model.url if site_model else None
        text = (
            f"{verb} điểm mô hình “{site_model.model.name if site_model else row.get('model_id')}”"
        )
    elif resource == "movement_classes":
        url = model.unit_url(row.get("unit_code"))
        unit = model.unit_names.get(row.get("unit_code", ""), row.get("unit_code"))
        text = f"{verb} phân loại phong trào năm {row.get('year')} của {unit}"
    else:
        text = f"{verb} {RESOURCE_NAMES.get(resource, resource)} {' '.join(change.key)}"
    return {"text": text, "url": url, "kind": change.kind}


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


def _ordered(changes: list[RecordChange]) -> list[RecordChange]:
    return sorted(changes, key=lambda c: (ORDER.get(c.resource, 99), c.key))


def _summary(commit: Commit) -> list[str]:
    counts = Counter((c.resource, c.kind) for c in commit.changes)
    parts = []
    for (resource, kind), n in sorted(
        counts.items(), key=lambda i: (ORDER.get(i[0][0], 99), i[0][1])
    ):
        verb = {"added": "thêm", "changed": "sửa", "removed": "xóa"}[kind]
        parts.append(f"{verb} {format_number(n)} {RESOURCE_NAMES.get(resource, resource)}")
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
        title="Cập nhật dữ liệu",
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
        title="Cập nhật dữ liệu",
        in_sitemap=False,
    )


def calendar_file(model: SiteModel) -> FileOutput:
    """The movement's calendar as iCalendar, for officials' phone calendars."""
    from icalendar import Calendar, Event

    host = model.settings.base_url.split("://", 1)[-1].split("/", 1)[0]
    stamp = datetime.combine(model.today, datetime.min.time())
    cal = Calendar()
    cal.add("prodid", "-//antq//Lịch phong trào toàn dân bảo vệ ANTQ//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Lịch phong trào — {model.settings.short_name}")
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
