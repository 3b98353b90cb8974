"""The home page: the movement in numbers for the site's scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator.model import SiteModel
from generator.pages import Page
from generator.pages.calendar import occurrences
from generator.pages.common import award_view, coverage_view, model_card

NEWEST = 6


def pages(model: SiteModel) -> Iterator[Page]:
    year = model.current_year
    cov = model.coverage.get(year, {}) if year else {}
    targets = model.settings.targets
    newest_models = sorted(
        model.models,
        key=lambda e: (e.model.decision_date or date.min, e.id),
        reverse=True,
    )[:NEWEST]
    context = {
        "year": year,
        "figures": {
            "provinces": len(model.provinces),
            "wards": len(model.ward_by_code),
            "places": len(model.place_by_id),
            "models": len(model.models),
            "sites": sum(len(e.sites) for e in model.models),
            "awards": len(model.awards),
        },
        "xa": coverage_view(cov.get("xa"), targets.xa_percent),
        "khu_dan_cu": coverage_view(cov.get("khu_dan_cu"), targets.khu_dan_cu_percent),
        "provinces": [
            {
                "name": p.name,
                "url": p.url,
                "xa": coverage_view(p.coverage.get(year, {}).get("xa"), targets.xa_percent)
                if year
                else None,
                "khu_dan_cu": coverage_view(
                    p.coverage.get(year, {}).get("khu_dan_cu"), targets.khu_dan_cu_percent
                )
                if year
                else None,
            }
            for p in model.provinces
        ],
        "models": [model_card(model, e) for e in newest_models],
        "awards": [award_view(model, a) for a in model.awards[:NEWEST]],
        "events": occurrences(model, upcoming=True)[:NEWEST],
    }
    yield Page(url="/", templates=["home.html"], context=context, title=model.settings.name)
