"""Awards by year and by unit, and movement classes by year."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterator
from operator import attrgetter
from typing import Any

from generator.data.records import Award
from generator.deps import award_key, award_year_key, table_key, unit_key
from generator.model import Province, SiteModel
from generator.pages import FileOutput, Page, Slice, Source, paged
from generator.pages.common import award_view, shape

RANK = 40  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    """The index, then each list as one container (`Source.contained`): a year's list under
    its year's key (`award_year_key`: every award row maps to its year's), a province's
    under the province's key, the classification lists under their table's key (they show
    every xã's class rows and nothing else of a leaf table)."""
    model = source.model
    counts, index = _index(model)
    yield index
    by_year = _ByYear(model.awards)
    for year in sorted(counts, reverse=True):
        yield from source.contained(
            f"awards:{year}",
            frozenset({award_year_key(year)}),
            functools.partial(lambda y: _year_list(model, y, by_year.get(y)), year),
        )
    for province in model.provinces:
        yield from source.contained(
            f"awards:tinh:{province.code}",
            frozenset({unit_key(province.code)}),
            functools.partial(_province_list, model, province),
        )
    yield from source.contained(
        "awards:classes",
        frozenset({table_key("movement_classes")}),
        lambda: list(_classes(model)),
        with_deps=False,
    )


# Awards a list page (up to ~15 elements each; the national package: 200 made pages of
# ~3,000 elements, 100 of up to 1,619; 80 keep them under ~1,350).
PAGE_SIZE = 80
# Rows of a year's classification list (6 elements each): the whole country on one page had
# 20,016 elements; 200 keep a page near 1,400 (issue 15).
CLASSES_ON_PAGE = 200


def pages(model: SiteModel) -> Iterator[Page]:
    counts, index = _index(model)
    yield index
    by_year = _ByYear(model.awards)
    for year in sorted(counts, reverse=True):
        yield from _year_list(model, year, by_year.get(year))
    for province in model.provinces:
        yield from _province_list(model, province)
    yield from _classes(model)


class _ByYear:
    """The awards of a year, in the model's order: the lists of the years an edit changed
    are made (`Source.contained`), the others kept, so a year's awards are picked out when
    asked (one pass over the national 100,000 awards), and all grouped at once from the
    third year asked on (a whole build)."""

    def __init__(self, awards: list[Award]) -> None:
        self.awards = awards
        self.asked = 0
        self.groups: dict[int, list[Award]] | None = None

    def get(self, year: int) -> list[Award]:
        self.asked += 1
        if self.groups is None and self.asked > 2:
            self.groups = defaultdict(list)
            for award in self.awards:
                self.groups[award.year].append(award)
        if self.groups is not None:
            return self.groups[year]
        return [award for award in self.awards if award.year == year]


def _index(model: SiteModel) -> tuple[Counter[int], Page]:
    """The number of awards of each year, and /khen-thuong/ (their counts by year and by
    province)."""
    counts = Counter(map(attrgetter("year"), model.awards))
    years = sorted(counts, reverse=True)
    index = {
        "years": [{"year": y, "count": counts[y], "url": f"/khen-thuong/{y}/"} for y in years],
        "provinces": [
            {"name": p.name, "count": len(p.awards), "url": f"/khen-thuong/tinh/{p.slug}/"}
            for p in model.provinces
        ],
    }
    page = Page(
        url="/khen-thuong/", templates=["khen-thuong.html"], context=index, title="Khen thưởng"
    )
    return counts, page


def _year_list(model: SiteModel, year: int, awards: list[Award]) -> list[Page]:
    return list(_paged(model, f"/khen-thuong/{year}/", f"Khen thưởng năm {year}", awards))


def _province_list(model: SiteModel, province: Province) -> list[Page]:
    return list(
        _paged(
            model,
            f"/khen-thuong/tinh/{province.slug}/",
            f"Khen thưởng ở {province.name}",
            province.awards,
        )
    )


def _paged(model: SiteModel, url: str, title: str, awards: list[Award]) -> Iterator[Page]:
    """The list at `url`, PAGE_SIZE awards a page, each with the keys of the awards it
    shows and its list's total (`shape`), its context made only when needed."""
    total = shape(len(awards))
    for part in paged(url, awards, PAGE_SIZE):
        yield Page(
            url=part.url,
            templates=["khen-thuong-danh-sach.html"],
            context={},
            title=part.title(title),
            deps=frozenset({total, *(award_key(a.id) for a in part.items)}),
            later=functools.partial(_list_context, model, title, part, len(awards)),
        )


def _list_context(model: SiteModel, title: str, part: Slice, total: int) -> dict[str, Any]:
    return {
        "heading": title,
        "awards": [award_view(model, a) for a in part.items],
        "pager": part.pager,
        "total": total,
    }


def _classes(model: SiteModel) -> Iterator[Page]:
    years = model.years
    rows_by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for province in model.provinces:
        for ward in province.wards:
            for year, cls in ward.classes.items():
                rows_by_year[year].append(
                    {
                        "code": ward.code,
                        "unit": ward.name,
                        "url": ward.url,
                        "province": province.unit.short_name,
                        "class": model.label("movement_classes.class", cls.class_),
                        "class_code": cls.class_,
                        "score": cls.score,
                    }
                )
    with_rows = [y for y in sorted(years, reverse=True) if rows_by_year.get(y)]
    yield Page(
        url="/phan-loai/",
        templates=["phan-loai.html"],
        context={
            "years": [
                {"year": y, "url": f"/phan-loai/{y}/", "counts": _count_classes(rows_by_year[y])}
                for y in with_rows
            ],
            "labels": model.labels.get("movement_classes.class", {}),
        },
        title="Phân loại phong trào",
    )
    for year in with_rows:
        rows = rows_by_year[year]
        total = shape(len(rows))
        for part in paged(f"/phan-loai/{year}/", rows, CLASSES_ON_PAGE):
            # The keys of the xã it lists (their class rows map to them) and the total.
            keys = frozenset({total, *(unit_key(r["code"]) for r in part.items)})
            yield Page(
                url=part.url,
                templates=["phan-loai-nam.html"],
                context={
                    "year": year,
                    "rows": [{k: v for k, v in r.items() if k != "code"} for r in part.items],
                    "total": len(rows),
                    "pager": part.pager,
                },
                title=part.title(f"Phân loại phong trào năm {year}"),
                deps=keys,
            )


def _count_classes(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["class_code"]] += 1
    return dict(sorted(counts.items()))
