"""Legal documents: a list, and one page per document with what cites it on the site."""

from __future__ import annotations

from collections.abc import Iterator

from generator.model import LegalEntry, SiteModel
from generator.pages import Page
from generator.pages.common import legal_link


def pages(model: SiteModel) -> Iterator[Page]:
    yield Page(
        url="/van-ban/",
        templates=["van-ban-danh-sach.html"],
        context={"documents": [_row(model, e) for e in model.legal]},
        title="Văn bản pháp luật và văn bản chỉ đạo",
    )
    for entry in model.legal:
        yield document_page(model, entry)


def _row(model: SiteModel, entry: LegalEntry) -> dict[str, object]:
    d = entry.document
    return {
        "id": d.id,
        "url": entry.url,
        "title": d.title,
        "kind": model.label("legal_documents.kind", d.kind),
        "issued": d.issued,
        "status": model.label("legal_documents.status", d.status),
        "status_code": d.status,
    }


def document_page(model: SiteModel, entry: LegalEntry) -> Page:
    d = entry.document
    context = {
        "document": {
            **_row(model, entry),
            "issuer": d.issuer,
            "effective": d.effective,
            "official_url": d.official_url,
            "replaced_by": legal_link(model, d.replaced_by),
        },
        "replaces": [legal_link(model, r) for r in entry.replaces],
        "models": [
            {"name": model.model_by_id[m].model.name, "url": model.model_by_id[m].url}
            for m in entry.cited_by_models
        ],
        "events": [
            {"title": e.title, "url": "/lich/"}
            for e in model.events
            if e.id in entry.cited_by_events
        ],
        "assessments": entry.cited_by_assessments,
        "lessons": [
            {"title": lesson.title, "url": lesson.url}
            for lesson in model.lessons
            if lesson.slug in entry.cited_by_lessons
        ],
    }
    return Page(
        url=entry.url,
        templates=[f"van-ban-{entry.slug}.html", "van-ban.html"],
        context=context,
        title=f"{d.id} — {d.title}",
    )
