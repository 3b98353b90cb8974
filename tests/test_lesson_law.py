"""Lessons cite law in force (issue 14, item 3).

Every document a lesson cites — in its front matter and in its `legal:` links — is a row
of legal_documents, and none is out of force (or not yet in force) at the build's date.
A document is out of force from the day its replacement takes effect; one marked out of
force with no replacement (or a replacement without a date) is out of force on any date.
This reads the table's columns (in_force_from/out_of_force_from, or the older effective,
status, replaced_by); the site's own law-in-force logic is another area's, so this test
keeps its rule small and explicit.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.data.load import read_package
from generator.lessons import LEGAL_LINK, load_lessons
from generator.revision import data_revision

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# The "today": the lessons were brought up to the law in force in December 2026.
DECEMBER_2026 = date(2026, 12, 1)
OUT = "het_hieu_luc"


def cited(data_dir: Path) -> dict[str, set[str]]:
    """Lesson slug -> every document id it cites (front matter and body links)."""
    dataset = read_package(data_dir)
    lessons, problems = load_lessons(data_dir, {d.id for d in dataset.legal_documents})
    assert not [p.line() for p in problems if p.level == "error"]
    found: dict[str, set[str]] = {}
    for lesson in lessons:
        text = lesson.path.read_text(encoding="utf-8")
        found[lesson.slug] = set(lesson.legal_documents) | set(LEGAL_LINK.findall(text))
    return found


def _from(doc: Any) -> date | None:
    """The day a document takes effect: `in_force_from`, or `effective` in the older
    column set (both are read so this test holds before and after the table's columns
    change; the table's own logic belongs to the law-in-force area)."""
    value: date | None = getattr(doc, "in_force_from", getattr(doc, "effective", None))
    return value


def _until(doc: Any, documents: dict[str, Any]) -> tuple[bool, date | None]:
    """(out of force at some point, first day out of force or None when unknown)."""
    if hasattr(doc, "out_of_force_from"):
        return doc.out_of_force_from is not None, doc.out_of_force_from
    if doc.status != OUT:
        return False, None
    successor = documents.get(doc.replaced_by or "")
    return True, _from(successor) if successor is not None else None


def not_in_force(data_dir: Path, on: date) -> list[str]:
    """One line per citation of a document that is not in force on `on`."""
    documents = {d.id: d for d in read_package(data_dir).legal_documents}
    lines = []
    for slug, ids in sorted(cited(data_dir).items()):
        for doc_id in sorted(ids):
            doc = documents.get(doc_id)
            if doc is None:
                lines.append(f"{slug}: {doc_id} không có trong legal_documents")
                continue
            start = _from(doc)
            if start is not None and start > on:
                lines.append(f"{slug}: {doc_id} chưa có hiệu lực ({start})")
            lapses, until = _until(doc, documents)
            if lapses and (until is None or until <= on):
                lines.append(f"{slug}: {doc_id} hết hiệu lực, thay bằng {doc.replaced_by}")
    return lines


def build_date(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return data_revision(DATA).time.date()


def test_every_citation_is_a_row_of_legal_documents() -> None:
    ids = {d.id for d in read_package(DATA).legal_documents}
    citations = cited(DATA)
    assert citations and all(citations.values())
    assert {d for docs in citations.values() for d in docs} <= ids


def test_sample_lessons_cite_only_law_in_force(monkeypatch: pytest.MonkeyPatch) -> None:
    on = build_date(monkeypatch)
    assert on >= DECEMBER_2026  # the sample data's own date: December 2026 or later
    assert not_in_force(DATA, on) == []
    assert not_in_force(DATA, DECEMBER_2026) == []


def copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def cite(data: Path, slug: str, old: str, new: str) -> None:
    path = data / "lessons" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_negative_control_a_lesson_citing_the_2018_cybersecurity_law(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    cite(data, "an-ninh-mang", "116/2025/QH15", "24/2018/QH14")
    assert not_in_force(data, DECEMBER_2026) == [
        "an-ninh-mang: 24/2018/QH14 hết hiệu lực, thay bằng 116/2025/QH15"
    ]
    # Before 01/7/2026 the 2018 law was the one in force, and the 2025 law not yet.
    assert "an-ninh-mang: 24/2018/QH14" not in " ".join(not_in_force(data, date(2026, 6, 30)))


def test_negative_control_an_unknown_or_not_yet_effective_document(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    cite(data, "ma-tuy", "120/2025/QH15", "73/2021/QH14")
    assert not_in_force(data, DECEMBER_2026) == [
        "ma-tuy: 73/2021/QH14 hết hiệu lực, thay bằng 120/2025/QH15"
    ]
    assert "an-ninh-mang: 116/2025/QH15 chưa có hiệu lực (2026-07-01)" in not_in_force(
        DATA, date(2025, 11, 21)
    )
