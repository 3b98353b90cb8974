"""Small view builders shared by page families: plain dicts, only what a page shows."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from generator.data.records import Award, ModelSite, Target
from generator.model import Coverage, ModelEntry, SiteModel
from generator.pages import Page, page_url


def coverage_view(cov: Coverage | None, goal: Target | None = None) -> dict[str, Any] | None:
    """A coverage as pages show it; `goal` is the target the unit set itself for that year
    and kind (none: no verdict at all, never a target borrowed from elsewhere)."""
    if cov is None or cov.registered == 0:
        return None
    target = goal.percent if goal else None
    percent = cov.percent
    # A target is judged only when every registered unit has a result: with units still
    # missing, neither "đạt" nor "chưa đạt" the target can honestly be said.
    verdict = None
    if target is not None:
        verdict = "incomplete"
        if cov.missing == 0 and percent is not None:
            verdict = "met" if percent >= target else "unmet"
    return {
        "passed": cov.passed,
        "failed": cov.failed,
        "missing": cov.missing,
        "registered": cov.registered,
        "assessed": cov.assessed,
        "percent": percent,
        # Shares of all registered units, for the bar: đạt, chưa đạt, then no data.
        "passed_share": 100.0 * cov.passed / cov.registered,
        "failed_share": 100.0 * cov.failed / cov.registered,
        "target": target,
        "target_source": goal.source if goal else None,
        "verdict": verdict,
    }


def award_view(model: SiteModel, award: Award) -> dict[str, Any]:
    return {
        "id": award.id,
        "year": award.year,
        "recipient": award.recipient_name,
        "kind": model.label("awards.recipient_kind", award.recipient_kind),
        "award": model.label("awards.award", award.award),
        "reason": award.reason,
        "decision_no": award.decision_no,
        "decision_date": award.decision_date,
        "issuer": award.issuer,
        "unit": model.unit_names.get(award.unit_code, award.unit_code),
        "unit_url": model.unit_url(award.unit_code),
        "model": _model_link(model, award.model_id),
        "legal": legal_link(model, award.legal_basis),
    }


def _model_link(model: SiteModel, model_id: str | None) -> dict[str, str] | None:
    entry = model.model_by_id.get(model_id or "")
    return {"name": entry.model.name, "url": entry.url} if entry else None


class _Shared:
    """Views the pages of one build share, each made once per build and process: a model's
    card, the same on each of the ~24 xã pages (~81,000 cards a national build, 2,500
    models). Kept for one model object and one build: `forget` when a build lists its pages
    (`generator.pages.collect`), since `antq serve` patches its model in place between
    builds (generator.warm: the same entry objects may then hold other values; a card read
    from the last build would be stale); another model forgets them too. The model and its
    entries are held weakly: kept alive here, a national model's ~600,000 objects made the
    search stage's collection 0.6 s longer and its memory not Pagefind's. A view is never
    changed once made (pages read it)."""

    def __init__(self) -> None:
        self.model: weakref.ref[SiteModel] | None = None
        self.cards: dict[int, tuple[weakref.ref[ModelEntry], dict[str, Any]]] = {}

    def forget(self, _gone: object = None) -> None:
        self.model = None
        self.cards = {}

    def card(self, model: SiteModel, entry: ModelEntry) -> dict[str, Any]:
        if self.model is None or self.model() is not model:
            self.forget()
            self.model = weakref.ref(model, self.forget)  # (forgotten when it is)
        kept = self.cards.get(id(entry))
        if kept is None or kept[0]() is not entry:  # (another entry may have its id now)
            kept = self.cards[id(entry)] = (weakref.ref(entry), _card(model, entry))
        return kept[1]


SHARED = _Shared()


def model_card(model: SiteModel, entry: ModelEntry) -> dict[str, Any]:
    """A model's card (a list's item): shared by the build's pages (`SHARED`)."""
    return SHARED.card(model, entry)


def _card(model: SiteModel, entry: ModelEntry) -> dict[str, Any]:
    return {
        "name": entry.model.name,
        "url": entry.url,
        "field": model.label("models.field", entry.model.field),
        "field_code": entry.model.field,
        "status": model.label("models.status", entry.model.status),
        "status_code": entry.model.status,
        "sites": len(entry.sites),
        "provinces": [model.province_by_code[c].unit.short_name for c in entry.province_codes],
    }


def site_view(model: SiteModel, site: ModelSite) -> dict[str, Any]:
    ward = model.ward_by_code.get(site.unit_code)
    place = model.place_by_id.get(site.place_id or "")
    return {
        "id": site.id,
        "place": place.name if place else None,
        "unit": ward.name if ward else site.unit_code,
        "unit_url": ward.url if ward else None,
        "province": model.province_by_code[ward.province_code].unit.short_name if ward else "",
        "teams": site.teams,
        "members": site.members,
        "started": site.started,
        "exemplar": bool(site.exemplar),
    }


def legal_link(model: SiteModel, doc_id: str | None) -> dict[str, str] | None:
    entry = model.legal_by_id.get(doc_id or "")
    if entry is None:
        return None
    return {"id": entry.document.id, "title": entry.document.title, "url": entry.url}


def later(make: Callable[..., Page], *args: Any, deps: frozenset[str]) -> Page:
    """`make(*args)`'s page with its record-level keys (generator.deps) and its context made
    only when the build asks (`Page.view`): `make(*args, with_context=False)` gives its URL,
    templates and title now (the sitemap and the finder read them)."""
    page = make(*args, with_context=False)
    page.deps = deps
    page.later = lambda: make(*args).context
    return page


def later_parts(
    url: str,
    title: str,
    templates: list[str],
    items: int,
    size: int,
    deps: frozenset[str],
    make: Callable[[], list[Page]],
) -> Iterator[Page]:
    """The pages of a list of `items` cut `size` a page (`split_list`'s or `paged`'s URLs
    and titles) with their record-level keys `deps`, each context made only when the build
    asks: `make()` gives every page of the list with its context, once."""
    made: list[Page] = []

    def context(index: int) -> dict[str, Any]:
        if not made:
            made.extend(make())
        return made[index].context

    for number in range(1, max(1, -(-items // size)) + 1):  # `paginate`'s count
        yield Page(
            page_url(url, number),
            templates,
            {},
            title=title if number == 1 else f"{title} — trang {number}",
            deps=deps,
            later=functools.partial(context, number - 1),
        )


def shape(*values: Any) -> str:
    """A key naming what a list page shows besides its records' own rows (its total, its
    filters): `deps` holds it so that the page's entry changes when it does (an item
    added elsewhere in the list changes every page's total and pager). No changed row
    maps to it."""
    import hashlib
    import pickle

    return "=" + hashlib.sha256(pickle.dumps(values, protocol=5)).hexdigest()[:32]
