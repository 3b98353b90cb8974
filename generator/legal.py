"""Law in force, computed: a legal document's status at a date follows from its dates.

Nobody types "còn hiệu lực": `legal_documents.csv` records when a document comes into force
(`in_force_from`, the issue date when blank) and the first day it no longer is
(`out_of_force_from`), and what replaced or last amended it. The status is judged

    at the build's date (generator.revision) for what the site shows as current: a lesson,
                  a model's legal basis, a calendar item still recurring, the document pages;
    at the record's own date for a record of something done: an assessment or an award is
                  right to cite the law in force on its decision date (a 2023 award citing
                  2023 law stays right after that law lapses).

Systems (`system`): a legal normative document (quy_pham) has a legal status; an
administrative document (hanh_chinh) or a joint programme (lien_tich) is "applied" or not;
a Party document (dang) has no legal status at all and the site never shows one for it.

The daily scheduled build (.github/workflows/lich.yml) sets the build's date to the day in
Vietnam, so a law that takes effect on 01/7 flips that day without a commit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.data.messages_vi import problem, text
from generator.data.problems import Problem
from generator.data.records import LegalDocument
from generator.textvi import nfc

NOT_YET = "chua_hieu_luc"
IN_FORCE = "con_hieu_luc"
OUT = "het_hieu_luc"
PARTY = "dang"

# Warnings that appear or vanish with the build's date alone (no commit): see `--allow-lapsed-law`.
DATE_CODES = frozenset({"legal-out-of-force", "legal-not-yet-in-force"})


def starts(doc: LegalDocument) -> date:
    return doc.in_force_from or doc.issued


def status(doc: LegalDocument, on: date) -> str | None:
    """NOT_YET, IN_FORCE or OUT at `on`; None for a Party document (no legal status)."""
    if doc.system == PARTY:
        return None
    if on < starts(doc):
        return NOT_YET
    if doc.out_of_force_from is not None and on >= doc.out_of_force_from:
        return OUT
    return IN_FORCE


def applies(doc: LegalDocument, on: date) -> bool:
    """May a record dated `on` (or the site on that day) cite the document as current?"""
    if doc.out_of_force_from is not None and on >= doc.out_of_force_from:
        return False
    return doc.system == PARTY or on >= starts(doc)


def status_label(doc: LegalDocument, on: date) -> str | None:
    code = status(doc, on)
    if code is None:
        return None
    wording = "law" if doc.system == "quy_pham" else "applied"
    return text(f"legal-status-{wording}-{code.replace('_', '-')}")


def current_replacement(
    doc_id: str, documents: dict[str, LegalDocument], on: date
) -> LegalDocument | None:
    """The end of the replaced_by chain at `on` (24/2018 → 116/2025), if any; stops on a loop."""
    seen = {doc_id}
    doc = documents.get(doc_id)
    found: LegalDocument | None = None
    while doc is not None and doc.replaced_by and doc.replaced_by not in seen:
        seen.add(doc.replaced_by)
        doc = documents.get(doc.replaced_by)
        if doc is not None:
            found = doc
            if applies(doc, on):
                break
    return found


def amendments(doc: LegalDocument, documents: dict[str, LegalDocument]) -> list[str]:
    """The amended_by chain of a document, newest last (each row names its latest amendment)."""
    out: list[str] = []
    seen = {doc.id}
    current: LegalDocument | None = doc
    while current is not None and current.amended_by and current.amended_by not in seen:
        seen.add(current.amended_by)
        out.append(current.amended_by)
        current = documents.get(current.amended_by)
    return out


@dataclass(frozen=True)
class Finding:
    """One citation not in force at its date: code, the cited document, its replacement."""

    code: str
    doc: LegalDocument
    on: date
    replacement: LegalDocument | None

    def params(self) -> dict[str, Any]:
        repl = self.replacement
        if self.code == "legal-not-yet-in-force":
            since = starts(self.doc)
        else:
            since = self.doc.out_of_force_from or self.on
        return {
            "doc": self.doc.id,
            "since": since.strftime("%d/%m/%Y"),
            "on": self.on.strftime("%d/%m/%Y"),
            "replacement": repl.id if repl is not None else text("legal-no-replacement"),
        }


def judge(
    doc_id: str | None, documents: dict[str, LegalDocument], on: date, *, dated: bool
) -> Finding | None:
    """Is citing `doc_id` right at `on`? `dated`: the record has its own date (an award,
    an assessment), so a document out of force then is `legal-superseded`, not today's
    `legal-out-of-force`."""
    doc = documents.get(doc_id) if doc_id else None
    if doc is None or applies(doc, on):
        return None
    if doc.out_of_force_from is not None and on >= doc.out_of_force_from:
        code = "legal-superseded" if dated else "legal-out-of-force"
        return Finding(code, doc, on, current_replacement(doc.id, documents, on))
    return Finding("legal-not-yet-in-force", doc, on, None)


def cited_out_of_force(
    ids: Iterable[str], documents: dict[str, LegalDocument], on: date
) -> list[Finding]:
    """A lesson's (or page's) citations not in force at the build's date, in order, once each."""
    found: list[Finding] = []
    for doc_id in dict.fromkeys(ids):
        finding = judge(doc_id, documents, on, dated=False)
        if finding is not None:
            found.append(finding)
    return found


# -- reading the raw table (validation runs before the typed reader) ------------------------


def _date(cell: str) -> date | None:
    try:
        return date.fromisoformat(cell.strip()) if cell.strip() else None
    except ValueError:
        return None  # Frictionless reports the type error


def documents_from_text(csv_text: str, delimiter: str = ",") -> dict[str, LegalDocument]:
    """legal_documents rows as records, leniently (a bad cell is another check's error)."""
    reader = csv.DictReader(io.StringIO(nfc(csv_text)), delimiter=delimiter)
    docs: dict[str, LegalDocument] = {}
    for row in reader:
        doc_id = (row.get("id") or "").strip()
        issued = _date(row.get("issued") or "")
        if not doc_id or issued is None:
            continue
        docs[doc_id] = LegalDocument(
            id=doc_id,
            kind=(row.get("kind") or "").strip(),
            system=(row.get("system") or "").strip(),
            title=(row.get("title") or "").strip(),
            issuer=(row.get("issuer") or "").strip(),
            issued=issued,
            in_force_from=_date(row.get("in_force_from") or ""),
            out_of_force_from=_date(row.get("out_of_force_from") or ""),
            replaced_by=(row.get("replaced_by") or "").strip() or None,
            amended_by=(row.get("amended_by") or "").strip() or None,
            official_url=(row.get("official_url") or "").strip() or None,
        )
    return docs


def _rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a small table; line numbers as the other checks count them."""
    from generator.data.rawcsv import open_table

    table, _ = open_table(path, path.name, path.stem)
    if table is None:
        return
    header = table.header
    for number, cells in table.rows():
        yield number, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}


def undated_problems(
    documents: dict[str, LegalDocument],
    on: date,
    tables: dict[str, Path],
    lessons: Iterable[tuple[str, int, list[str]]],
) -> list[Problem]:
    """Citations judged at the build's date `on`: models' and still-recurring events'
    legal basis (`tables`: resource name → path), and lessons (file, front-matter line,
    ids cited)."""
    from generator.data.schema import display_path

    found: list[Problem] = []
    for name, field in (("models", "legal_basis"), ("events", "legal_basis")):
        path = tables.get(name)
        if path is None or not path.is_file():
            continue
        where = display_path(path)
        for number, row in _rows(path):
            until = _date(row.get("valid_until", ""))
            if until is not None and until < on:
                continue  # a dated plan's item that no longer recurs: history
            when = _date(row.get("date", ""))
            if row.get("recurrence", "").strip() == "khong" and when is not None and when < on:
                continue  # a one-off item already past: history, judged at its own date
            finding = judge(nfc(row.get(field, "").strip()), documents, on, dated=False)
            if finding is not None:
                column = list(row).index(field) + 1
                found.append(
                    problem(
                        finding.code,
                        where,
                        row=number,
                        column=column,
                        field=field,
                        **finding.params(),
                    )
                )
    for where, line, ids in lessons:
        for finding in cited_out_of_force(ids, documents, on):
            found.append(
                problem(finding.code, where, row=line, field="legal_documents", **finding.params())
            )
    return found
