"""What changed: the "Cập nhật" page and its Atom feed (from the data's git history), and
the iCalendar feed of the movement's calendar."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from generator.changes import ORDER, RESOURCE_NAMES, describe
from generator.codeversion import code_version
from generator.data.messages_vi import text
from generator.deps import table_key
from generator.diff import Commit, RecordChange, diff_revisions, history, short_revision
from generator.model import SiteModel
from generator.pages import FileOutput, Page, Source
from generator.textvi import format_number

RANK = 110  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    yield from pages(source.model, _history(source))
    # The calendar reads the events' rows (each maps to their table's key), the settings,
    # the units' names and the build's day (in the name it is kept under, `Source.reused`).
    model = source.model
    yield source.reused(
        f"updates:calendar:{model.today.isoformat()}",
        frozenset({table_key("events")}),
        lambda: calendar_file(model),
    )


DETAILS_PER_COMMIT = 25
# Each commit as its pages show it (`_short`: its changes counted, the first ones listed),
# kept in the build's cache folder by the pair of commits compared: a commit never changes,
# so a build diffs only the commits new since the last one. A repository's first commit
# adds every record: on the national package, while it was among the last 30 commits,
# each build parsed its 868,000 rows again (~8 s of a 20 s rebuild after a one-row commit:
# issue 18). A kept file's name holds the code's version, what the diff reads of the
# descriptor (each table's name, file and key) and the data's folder in the repository;
# only the files of the commits listed are kept. ANTQ_CHECK_DEPS=1 diffs anyway and
# compares.
HISTORY_DIR = "updates"


def _history(source: Source) -> list[Commit]:
    """`diff.history` of the data, each commit in short (`_short`) and kept (above)."""
    package = source.package
    folder = source.cache_dir / HISTORY_DIR if source.cache_dir is not None else None
    code = source.code or code_version()
    tables = [
        [s.name, s.rel_path, list(s.primary_key or ()), s.field_names[:1]]
        for s in package.resources
    ]
    used: set[str] = set()

    def commit(previous: str | None, revision: str, when: datetime, data_rel: str) -> Commit:
        key = json.dumps([code, tables, data_rel, previous, revision], ensure_ascii=False)
        path = None
        if folder is not None:
            path = folder / f"{hashlib.sha256(key.encode()).hexdigest()}.json"
            used.add(path.name)
        kept = _read_short(path) if path is not None else None
        if kept is None or source.check:
            made = _short(diff_revisions(package, previous, revision))
            if kept is not None and kept != made:
                raise RuntimeError(f"/cap-nhat/: {revision} kept, yet its changes differ")
            if path is not None and kept is None:
                _write_short(path, made)
            kept = made
        counts, first = kept
        changes = [
            RecordChange(r, tuple(k), kind, before, after, tuple(f))
            for r, k, kind, before, after, f in first
        ]
        return Commit(revision, when, changes, tuple((r, k, n) for r, k, n in counts))

    commits = history(package, log=source.log, commit=commit)
    if folder is not None and folder.is_dir():
        for old in folder.glob("*.json"):
            if old.name not in used:
                old.unlink(missing_ok=True)
    return commits


def _short(changes: list[RecordChange]) -> tuple[list[Any], list[Any]]:
    """A commit's changes as its pages show them, in JSON's terms: each kind of change of
    each table counted, and the first `DETAILS_PER_COMMIT` in the pages' order."""
    counts = Counter((c.resource, c.kind) for c in changes)
    first = [
        [c.resource, list(c.key), c.kind, c.before, c.after, list(c.fields)]
        for c in _ordered(changes)[:DETAILS_PER_COMMIT]
    ]
    return [[r, k, n] for (r, k), n in sorted(counts.items())], first


def _read_short(path: Path) -> tuple[list[Any], list[Any]] | None:
    """A kept commit (`_short`), or None when there is none or it is not whole."""
    try:
        counts, first = json.loads(path.read_bytes())
        whole = all(len(c) == 3 for c in counts) and all(len(c) == 6 for c in first)
    except (OSError, ValueError, TypeError):
        return None  # (none kept, or not JSON of that shape)
    return (counts, first) if whole else None


def _write_short(path: Path, short: tuple[list[Any], list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(short, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _ordered(changes: list[RecordChange]) -> list[RecordChange]:
    return sorted(changes, key=lambda c: (ORDER.get(c.resource, 99), c.key))


def _counted(commit: Commit) -> Counter[tuple[str, str]]:
    if commit.counts is not None:
        return Counter({(r, k): n for r, k, n in commit.counts})
    return Counter((c.resource, c.kind) for c in commit.changes)


def _summary(commit: Commit) -> list[str]:
    counts = _counted(commit)
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
        "more": max(0, sum(_counted(commit).values()) - DETAILS_PER_COMMIT),
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
