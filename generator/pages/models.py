"""The model directory (pre-built filter pages by field and by province, no JS needed) and
one page per model."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from generator.data.records import ModelSite
from generator.deps import model_key
from generator.model import ModelEntry, SiteModel
from generator.pages import FileOutput, Page, Slice, Source, paged, split_list
from generator.pages.common import (
    award_view,
    later_parts,
    legal_link,
    model_card,
    shape,
    site_view,
)
from generator.pages.news import latest
from generator.textvi import slugify

RANK = 30  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    """The lists as one container (`Source.contained`), its keys those its pages declare:
    every model's key, which each row that changes a list (a model's site or award) maps to;
    then each model's pages as one container, keyed by its model's key. A yearly result or
    a class row (a xã's key) leaves every page of the directory as it was."""
    model = source.model
    yield from source.contained("models", frozenset(), lambda: list(_lists(model)))
    for entry in model.models:
        yield from source.contained(
            f"models:{entry.id}",
            frozenset({model_key(entry.id)}),
            functools.partial(lambda e: list(_model_parts(model, e)), entry),
        )


# Sites a model page shows (~9 elements each); the rest on the model's pages trang-n/
# (a model of the national package has up to ~450 sites: 500 a page made ~4,200 elements).
SITES_ON_PAGE = 100
# Models per list page: the national list (2,500 models, ~6 elements each) on one page had
# 15,387 elements; 120 keep a page under ~1,000 (issue 15).
MODELS_ON_PAGE = 120


def pages(model: SiteModel) -> Iterator[Page]:
    yield from _lists(model)
    for entry in model.models:
        yield from _model_parts(model, entry)


def _lists(model: SiteModel) -> Iterator[Page]:
    """The directory's lists: every model, by field, by province."""
    fields = model.labels.get("models.field", {})
    used_fields = [f for f in fields if any(e.model.field == f for e in model.models)]
    filters = {
        "fields": [
            {"code": f, "label": fields[f], "url": f"/mo-hinh/linh-vuc/{slugify(f)}/"}
            for f in used_fields
        ],
        "provinces": [
            {"code": p.code, "label": p.unit.short_name, "url": f"/mo-hinh/tinh/{p.slug}/"}
            for p in model.provinces
            if p.model_ids
        ],
    }
    yield from _listing(model, "/mo-hinh/", "Mô hình tự quản về ANTT", model.models, filters, None)
    for f in filters["fields"]:
        chosen = [e for e in model.models if e.model.field == f["code"]]
        yield from _listing(
            model, f["url"], f"Mô hình lĩnh vực “{f['label']}”", chosen, filters, f["url"]
        )
    position = {e.id: i for i, e in enumerate(model.models)}
    for p in filters["provinces"]:
        province = model.province_by_code[p["code"]]
        chosen = sorted(
            (model.model_by_id[m] for m in province.model_ids), key=lambda e: position[e.id]
        )
        yield from _listing(
            model, p["url"], f"Mô hình ở {province.name}", chosen, filters, p["url"]
        )


def _model_parts(model: SiteModel, entry: ModelEntry) -> Iterator[Page]:
    """A model's pages: its record-level key (its sites and awards map to it), its contexts
    made later."""
    yield from later_parts(
        entry.url,
        entry.model.name,
        [f"mo-hinh-{entry.id}.html", "mo-hinh.html"],
        len(entry.sites),
        SITES_ON_PAGE,
        frozenset({model_key(entry.id)}),
        functools.partial(lambda e: list(model_pages(model, e)), entry),
    )


def _listing(
    model: SiteModel,
    url: str,
    title: str,
    entries: list[ModelEntry],
    filters: dict[str, list[dict[str, str]]],
    active: str | None,
) -> Iterator[Page]:
    """The list at `url`, MODELS_ON_PAGE models a page (page n at `url`trang-n/), each
    with the keys of the models it shows and its list's total and filters (`shape`), its
    context made only when needed."""
    around = shape(len(entries), filters)
    for part in paged(url, entries, MODELS_ON_PAGE):
        context = functools.partial(_list_context, model, title, part, len(entries), filters)
        yield Page(
            url=part.url,
            templates=["mo-hinh-danh-sach.html"],
            context={},
            title=part.title(title),
            deps=frozenset({around, *(model_key(e.id) for e in part.items)}),
            later=functools.partial(context, active),
        )


def _list_context(
    model: SiteModel,
    title: str,
    part: Slice,
    total: int,
    filters: dict[str, list[dict[str, str]]],
    active: str | None,
) -> dict[str, object]:
    return {
        "heading": title,
        "models": [model_card(model, e) for e in part.items],
        "total": total,
        "pager": part.pager,
        "filters": filters,
        "active": active,
    }


def model_pages(model: SiteModel, entry: ModelEntry) -> Iterator[Page]:
    """A model's page and, for a model with more than SITES_ON_PAGE sites, the pages that
    list the rest of them (heading, sites and pager only)."""
    m = entry.model
    sites = sorted(
        entry.sites, key=lambda s: (not s.exemplar, s.started or m.decision_date or s.id, s.id)
    )
    first = model_page(model, entry, sites)
    view = functools.partial(site_view, model)
    yield from split_list(first, "sites", sites, SITES_ON_PAGE, ("model",), view)


def model_page(model: SiteModel, entry: ModelEntry, sites: list[ModelSite]) -> Page:
    """A model's own page, `sites` in the order its pages list them: `model_pages` puts the
    views of its first SITES_ON_PAGE in it (`split_list`), and makes the pages of the rest."""
    m = entry.model
    context = {
        "model": {
            "id": m.id,
            "name": m.name,
            "field": model.label("models.field", m.field),
            "description": m.description,
            "recognised_by": model.label("models.recognised_by", m.recognised_by),
            "decision_no": m.decision_no,
            "decision_date": m.decision_date,
            "legal": legal_link(model, m.legal_basis),
            "status": model.label("models.status", m.status),
            "status_code": m.status,
            "started": m.started,
            "province": model.unit_names.get(m.province_code, m.province_code),
            "province_url": model.unit_url(m.province_code),
        },
        "sites": [],  # (`split_list`: viewed once, not here and again there)
        "sites_total": len(sites),
        "pager": None,
        "members_total": sum(s.members or 0 for s in sites),
        "awards": [award_view(model, a) for a in entry.awards],
        "news": latest(model, model.news_by_model.get(entry.id, [])),
    }
    return Page(
        url=entry.url,
        templates=[f"mo-hinh-{m.id}.html", "mo-hinh.html"],
        context=context,
        title=m.name,
    )
