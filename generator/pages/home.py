"""The home page: the movement in numbers for the site's scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator.data.records import Target
from generator.model import SiteModel
from generator.pages import Page, Source
from generator.pages.calendar import occurrences
from generator.pages.common import award_view, coverage_view, model_card

RANK = 10  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page]:
    yield from pages(source.model)


NEWEST = 6


def pages(model: SiteModel) -> Iterator[Page]:
    year = model.current_year
    cov = model.coverage.get(year, {}) if year else {}
    # The headline's target: the scope's own, when the site covers one province only.
    single = model.provinces[0].code if len(model.provinces) == 1 else None

    def goal(code: str | None, kind: str) -> Target | None:
        return model.target(code, year, kind) if code and year else None

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
        "xa": coverage_view(cov.get("xa"), goal(single, "xa")),
        "khu_dan_cu": coverage_view(cov.get("khu_dan_cu"), goal(single, "khu_dan_cu")),
        "provinces": [
            {
                "name": p.name,
                "url": p.url,
                "xa": coverage_view(p.coverage.get(year, {}).get("xa"), goal(p.code, "xa"))
                if year
                else None,
                "khu_dan_cu": coverage_view(
                    p.coverage.get(year, {}).get("khu_dan_cu"), goal(p.code, "khu_dan_cu")
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
