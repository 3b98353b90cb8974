"""Legal documents: a list, and one page per document with what cites it on the site."""

from __future__ import annotations

from collections.abc import Iterator

from generator import legal
from generator.lessons import Lesson
from generator.model import LegalEntry, SiteModel
from generator.pages import Page, Source, split_list
from generator.pages.common import legal_link

RANK = 50  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page]:
    yield from pages(source.model)


def pages(model: SiteModel) -> Iterator[Page]:
    yield Page(
        url="/van-ban/",
        templates=["van-ban-danh-sach.html"],
        context={"documents": [_row(model, e) for e in model.legal]},
        title="Văn bản pháp luật và văn bản chỉ đạo",
    )
    lessons = {lesson.slug: lesson for lesson in model.lessons}
    for entry in model.legal:
        yield from document_pages(model, entry, lessons)


# Models citing a document listed a page (2 elements each): a document cited by most of the
# national package's 2,500 models made a page of 5,096 elements (issue 15).
CITING_MODELS_ON_PAGE = 500


def document_pages(
    model: SiteModel, entry: LegalEntry, lessons: dict[str, Lesson]
) -> Iterator[Page]:
    """A document's page and, for one cited by more than CITING_MODELS_ON_PAGE models, the
    pages that list the rest of the models (heading, models and pager only)."""
    first = document_page(model, entry, lessons)
    citing = first.context["models"]
    yield from split_list(first, "models", citing, CITING_MODELS_ON_PAGE, ("document",))


def _row(model: SiteModel, entry: LegalEntry) -> dict[str, object]:
    d = entry.document
    return {
        "id": d.id,
        "url": entry.url,
        "title": d.title,
        "kind": model.label("legal_documents.kind", d.kind),
        "issued": d.issued,
        "system": model.label("legal_documents.system", d.system),
        "system_code": d.system,
        # Computed at the build's date (generator.legal); None for a Party document.
        "status": legal.status_label(d, model.today),
        "status_code": legal.status(d, model.today),
    }


def document_page(model: SiteModel, entry: LegalEntry, lessons: dict[str, Lesson]) -> Page:
    """A document's page; `lessons`: the model's, by slug."""
    d = entry.document
    documents = {e.document.id: e.document for e in model.legal}
    context = {
        "document": {
            **_row(model, entry),
            "issuer": d.issuer,
            "in_force_from": d.in_force_from,
            "out_of_force_from": d.out_of_force_from,
            "official_url": d.official_url,
            "replaced_by": legal_link(model, d.replaced_by),
            "amended_by": [
                link
                for a in legal.amendments(d, documents)
                if (link := legal_link(model, a)) is not None
            ],
        },
        "replaces": [legal_link(model, r) for r in entry.replaces],
        "amends": [legal_link(model, r) for r in entry.amends],
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
        "awards": entry.cited_by_awards,
        "exemplars": entry.cited_by_exemplars,
        # In the library's order, each once: `cited_by_lessons` is made in that order
        # (generator.model), so no pass over every lesson for each document (5,000 lessons
        # and 50 documents were 0.27 s of the pages stage: issue 18).
        "lessons": [
            {"title": lesson.title, "url": lesson.url}
            for slug in dict.fromkeys(entry.cited_by_lessons)
            if (lesson := lessons.get(slug)) is not None
        ],
    }
    return Page(
        url=entry.url,
        templates=[f"van-ban-{entry.slug}.html", "van-ban.html"],
        context=context,
        title=f"{d.id} — {d.title}",
    )
