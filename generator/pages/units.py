"""One page per province and per current xã/phường/đặc khu in scope."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from generator.data.messages_vi import text
from generator.data.records import ExemplarRecognition, SecurityTeam, SecurityTeamRating
from generator.deps import model_key, unit_key
from generator.model import ASSESSED_KINDS, Province, SiteModel, Ward
from generator.pages import FileOutput, Page, Source, split_list
from generator.pages.common import (
    award_view,
    coverage_view,
    later,
    later_parts,
    legal_link,
    model_card,
)
from generator.pages.news import latest
from generator.textvi import format_number

RANK = 20  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    """Each province's pages and its xã pages, one container (`Source.contained`): every
    leaf row of the province or of one of its xã maps to the province's key."""
    model = source.model
    for province in model.provinces:
        yield from source.contained(
            f"units:{province.code}",
            frozenset({unit_key(province.code)}),
            functools.partial(lambda p: list(_province_outputs(model, p)), province),
        )


KIND_TITLES = {
    "xa": "Xã, phường, đặc khu",
    "khu_dan_cu": "Khu dân cư",
    "co_quan": "Cơ quan",
    "doanh_nghiep": "Doanh nghiệp",
    "co_so_giao_duc": "Cơ sở giáo dục",
}
# What a province's page holds, so that it stays under ~1,500 elements at national scale
# (issue 15: Thành phố Hồ Chí Minh's page had 2,870): its xã list 100 rows a page (~9
# elements each; the rest on /tinh/<slug>/trang-n/), its first models and awards, each with
# a link to the whole list (/mo-hinh/tinh/<slug>/, /khen-thuong/tinh/<slug>/).
WARDS_ON_PAGE = 100
MODELS_ON_PAGE = 12
AWARDS_ON_PAGE = 10


def pages(model: SiteModel) -> Iterator[Page]:
    for province in model.provinces:
        yield from _province_outputs(model, province)


def _province_outputs(model: SiteModel, province: Province) -> Iterator[Page]:
    """The province's pages, then its xã pages."""
    # Its record-level keys, its contexts made only when needed (`province_deps`).
    yield from later_parts(
        province.url,
        province.name,
        [f"tinh-{province.code}.html", "tinh.html"],
        len(province.wards),
        WARDS_ON_PAGE,
        province_deps(province),
        functools.partial(lambda p: list(province_pages(model, p)), province),
    )
    for ward in province.wards:
        # Its record-level keys (generator.deps), its context made only when needed.
        yield later(ward_page, model, province, ward, deps=ward_deps(ward))


def ward_deps(ward: Ward) -> frozenset[str]:
    """What a xã page reads beyond the build's base: its own records (every leaf row of
    the xã maps to its key) and the models its cards, sites and awards name."""
    models = {*ward.model_ids, *(s.model_id for s in ward.sites)}
    models |= {a.model_id for a in ward.awards if a.model_id}
    return frozenset({unit_key(ward.code), *(model_key(m) for m in models)})


def province_deps(province: Province) -> frozenset[str]:
    """What a province's pages read beyond the build's base: the records of the province
    and its xã (each leaf row of a xã maps to the province's key too) and the models whose
    cards the first page shows (their sites elsewhere change the cards)."""
    models = {model_key(m) for m in province.model_ids[:MODELS_ON_PAGE]}
    return frozenset({unit_key(province.code), *models})


def _coverage_rows(
    model: SiteModel, unit_code: str, coverage: dict[int, dict[str, Any]], kinds: tuple[str, ...]
) -> list[dict[str, Any]]:
    rows = []
    for year in sorted(coverage, reverse=True):
        cells = {
            k: coverage_view(coverage[year].get(k), model.target(unit_code, year, k)) for k in kinds
        }
        if any(cells.values()):
            rows.append({"year": year, "cells": cells})
    return rows


def _class_rows(model: SiteModel, classes: dict[int, Any]) -> list[dict[str, Any]]:
    return [
        {
            "year": year,
            "class": model.label("movement_classes.class", c.class_),
            "class_code": c.class_,
            "score": c.score,
            "decision_no": c.decision_no,
        }
        for year, c in sorted(classes.items(), reverse=True)
    ]


def _team_count(groups: Iterable[list[SecurityTeam]]) -> str | None:
    """ "N tổ, M thành viên", or None when there is none."""
    teams = [t for group in groups for t in group]
    if not teams:
        return None
    return text(
        "security-team-count",
        count=format_number(len(teams)),
        members=format_number(sum(t.members for t in teams)),
    )


def _rating(model: SiteModel, rating: SecurityTeamRating | None) -> str | None:
    """ "Hoàn thành tốt nhiệm vụ (2026)": a tổ's newest yearly rating, or None."""
    if rating is None:
        return None
    return _rating_text(model.label("security_team_ratings.rating", rating.rating), rating.year)


@functools.lru_cache(maxsize=4096)  # (a few ratings × years, on ~70,000 tổ of the country)
def _rating_text(rating: str, year: int) -> str:
    return text("security-team-rating-latest", rating=rating, year=year)


def exemplar_view(model: SiteModel, row: ExemplarRecognition) -> dict[str, Any]:
    """One "điển hình" as the xã and province pages show it."""
    place = model.place_by_id[row.place_id]
    ward = model.ward_by_code[place.unit_code]
    return {
        "year": row.year,
        "place": place.name,
        "place_kind": model.label("places.kind", place.kind),
        "ward": ward.name,
        "ward_url": ward.url,
        "kind": model.label("exemplar_recognitions.kind", row.kind),
        "status": model.label("exemplar_recognitions.status", row.status),
        "recognised": row.status == "cong_nhan",
        "decision_no": row.decision_no,
        "decision_date": row.decision_date,
        "issuer": row.issuer,
        "legal": legal_link(model, row.legal_basis),
    }


def vocabulary_view(model: SiteModel, ward: Ward) -> dict[str, Any]:
    """The xã page's đăng ký thi đua, "điển hình" and places' movement classes (issue 14)."""
    names = {p.id: p.name for p in ward.places}
    return {
        "registrations": [
            {
                "year": r.year,
                "place": names[r.place_id],
                "goal": model.label("emulation_registrations.goal", r.goal),
                "registered_on": r.registered_on,
                "sent_to": r.sent_to,
            }
            for r in ward.registrations
        ],
        "exemplars": [exemplar_view(model, e) for e in ward.exemplars],
        "place_classes": [
            {
                "year": c.year,
                "place": names[c.place_id],
                "class": model.label("place_classes.class", c.class_),
                "score": c.score,
                "decision_no": c.decision_no,
            }
            for c in ward.place_classes
        ],
    }


def province_pages(model: SiteModel, province: Province) -> Iterator[Page]:
    """A province's page, and the pages with the rest of its xã list (heading, list and
    pager only) when it has more than WARDS_ON_PAGE units."""
    first = province_page(model, province)
    keep = ("province", "year", "finder_url")
    yield from split_list(first, "wards", first.context["wards"], WARDS_ON_PAGE, keep)


def province_page(model: SiteModel, province: Province) -> Page:
    """A province's page, every xã in its list (`province_pages` splits the list)."""
    year = model.current_year
    wards = []
    for ward in province.wards:
        own = ward.own_result.get(year) if year else None
        kdc = coverage_view(ward.coverage.get(year, {}).get("khu_dan_cu")) if year else None
        wards.append(
            {
                "name": ward.name,
                "url": ward.url,
                "result": own.result if own else None,
                "kdc": kdc,
                "models": len(ward.model_ids),
                "teams": len(ward.security_teams),
            }
        )
    # Units with a result this year first, then the rest, each in Vietnamese order (the
    # order of province.wards; the sort is stable).
    wards.sort(key=lambda w: w["result"] is None)
    context = {
        "province": {
            "code": province.code,
            "name": province.name,
            "url": province.url,
            "short_name": province.unit.short_name,
            "legacy_names": province.legacy_names,
            "area_km2": province.unit.area_km2,
        },
        "year": year,
        "kinds": ("xa", *ASSESSED_KINDS),
        "kind_titles": KIND_TITLES,
        "coverage": _coverage_rows(
            model, province.code, province.coverage, ("xa", *ASSESSED_KINDS)
        ),
        "classes": _class_rows(model, province.classes),
        "wards": wards,
        "teams": _team_count(w.security_teams for w in province.wards),
        "exemplars": [exemplar_view(model, e) for e in province.exemplars],
        "models": [
            model_card(model, model.model_by_id[m]) for m in province.model_ids[:MODELS_ON_PAGE]
        ],
        "models_total": len(province.model_ids),
        "models_url": f"/mo-hinh/tinh/{province.slug}/",
        "finder_url": f"/tim-xa/{province.slug}/",
        "awards": [award_view(model, a) for a in province.awards[:AWARDS_ON_PAGE]],
        "awards_total": len(province.awards),
        "awards_url": f"/khen-thuong/tinh/{province.slug}/",
        "news": latest(model, model.news_by_unit.get(province.code, [])),
        "news_url": f"/tin-tuc/tinh/{province.slug}/",
    }
    return Page(
        url=province.url,
        templates=[f"tinh-{province.code}.html", "tinh.html"],
        context=context,
        title=province.name,
    )


def ward_page(model: SiteModel, province: Province, ward: Ward, with_context: bool = True) -> Page:
    """The ward's page: its results by year, its teams and its place in the province
    (`with_context` False: without its context, made later).

    Long because it gathers every section of the ward page's context (results, teams, changes) for
    one template.
    """
    if not with_context:
        return Page(
            url=ward.url,
            templates=[f"xa-{ward.code}.html", "xa.html"],
            context={},
            title=f"{ward.name}, {province.name}",
        )
    year = model.current_year
    results = []
    for y in sorted(ward.own_result, reverse=True):
        a = ward.own_result[y]
        results.append(
            {
                "year": y,
                "result": a.result,
                "decision_no": a.decision_no,
                "decision_date": a.decision_date,
                "issuer": a.issuer,
                "legal": legal_link(model, a.legal_basis),
            }
        )
    places = [
        {
            "name": p.name,
            "kind": model.label("places.kind", p.kind),
            "legacy": p.legacy_unit_name,
            # Its own result in the page's year; None (no data) is shown as such.
            "result": ward.place_results.get(p.id, {}).get(year) if year else None,
        }
        for p in ward.places
        if p.kind != "xa"
    ]
    # No list of the ward's model sites: xa.html shows its models (`model_card`), never
    # their sites, and every page's context is pickled into its key (`build._page_key`):
    # the sites of 3,300 wards cost the render workers ~0.4 CPU s in a whole build.
    context = {
        "ward": {
            "code": ward.code,
            "name": ward.name,
            "kind": model.label("units.kind", ward.unit.kind),
            "legacy_names": ward.legacy_names,
            "area_km2": ward.unit.area_km2,
            "lat": ward.unit.lat,
            "lon": ward.unit.lon,
        },
        "province": {
            "name": province.name,
            "url": province.url,
            "short_name": province.unit.short_name,
        },
        "year": year,
        "kinds": ASSESSED_KINDS,
        "kind_titles": KIND_TITLES,
        "own_results": results,
        "coverage": _coverage_rows(model, ward.code, ward.coverage, ASSESSED_KINDS),
        "classes": _class_rows(model, ward.classes),
        "places": places,
        "models": [model_card(model, model.model_by_id[m]) for m in ward.model_ids],
        "teams": [
            {
                "area": t.area_name,
                "members": t.members,
                "established": t.established,
                "decision_no": t.decision_no,
                "rating": _rating(model, ward.team_ratings.get(t.id)),
            }
            for t in ward.security_teams
        ],
        "teams_rated": bool(ward.team_ratings),
        "teams_total": _team_count([ward.security_teams]),
        "awards": [award_view(model, a) for a in ward.awards],
        "news": latest(model, model.news_by_unit.get(ward.code, [])),
        **vocabulary_view(model, ward),
    }
    return Page(
        url=ward.url,
        templates=[f"xa-{ward.code}.html", "xa.html"],
        context=context,
        title=f"{ward.name}, {province.name}",
    )
