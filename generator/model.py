"""The domain as the pages need it: provinces, xã, places and their yearly results, models,
awards, classes, legal documents and events, with the derived coverage figures.

Built once per build from the typed records (generator.data.load), filtered to the site's
scope. Everything is plain data; pages read it, nothing writes to it after `build_model`
(`SiteModel` is frozen: assigning one of its fields raises).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from generator.data.load import Dataset
from generator.data.records import (
    Assessment,
    Award,
    EmulationRegistration,
    Event,
    ExemplarRecognition,
    LegacyUnit,
    LegalDocument,
    Model,
    ModelSite,
    MovementClass,
    Place,
    PlaceClass,
    SecurityTeam,
    SecurityTeamRating,
    Target,
    Unit,
    UnitChange,
)
from generator.lessons import Lesson
from generator.news import Article
from generator.settings import Settings
from generator.textvi import slugify, sort_text

ASSESSED_KINDS = ("khu_dan_cu", "co_quan", "doanh_nghiep", "co_so_giao_duc")


@dataclass
class Coverage:
    """How many units of one kind were assessed "đạt" in a year, out of how many registered."""

    registered: int = 0
    assessed: int = 0
    passed: int = 0

    @property
    def failed(self) -> int:
        return self.assessed - self.passed

    @property
    def missing(self) -> int:
        """Registered but with no result that year: unknown, never counted as a failure."""
        return self.registered - self.assessed

    @property
    def percent(self) -> float | None:
        """The share "đạt" among the units assessed (not among all registered: a unit with
        no data yet is not a failure); None when none was assessed."""
        return 100.0 * self.passed / self.assessed if self.assessed else None

    def add(self, other: Coverage) -> None:
        self.registered += other.registered
        self.assessed += other.assessed
        self.passed += other.passed


@dataclass
class Ward:
    unit: Unit
    province_code: str
    slug: str
    url: str
    legacy_names: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    # year → kind → coverage of the places of that kind
    coverage: dict[int, dict[str, Coverage]] = field(default_factory=dict)
    # place id → year → its own result ("dat" / "chua_dat"), for the places listed on the page
    place_results: dict[str, dict[int, str]] = field(default_factory=dict)
    own_result: dict[int, Assessment] = field(default_factory=dict)  # the xã's own assessment
    classes: dict[int, MovementClass] = field(default_factory=dict)
    model_ids: list[str] = field(default_factory=list)
    sites: list[ModelSite] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    # Tổ bảo vệ an ninh, trật tự ở cơ sở, in the order of their thôn/tổ dân phố's name
    security_teams: list[SecurityTeam] = field(default_factory=list)
    # tổ id → its newest yearly rating (security_team_ratings)
    team_ratings: dict[str, SecurityTeamRating] = field(default_factory=dict)
    # The movement's vocabulary (issue 14 item 2), newest year first, then by place name:
    # each place's đăng ký thi đua, its "điển hình", and its own movement class.
    registrations: list[EmulationRegistration] = field(default_factory=list)
    exemplars: list[ExemplarRecognition] = field(default_factory=list)
    place_classes: list[PlaceClass] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def name(self) -> str:
        return self.unit.name


@dataclass
class Province:
    unit: Unit
    slug: str
    url: str
    legacy_names: list[str] = field(default_factory=list)
    wards: list[Ward] = field(default_factory=list)
    # year → "xa" (wards whose own result is đạt) and the assessed kinds
    coverage: dict[int, dict[str, Coverage]] = field(default_factory=dict)
    classes: dict[int, MovementClass] = field(default_factory=dict)
    model_ids: list[str] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def exemplars(self) -> list[ExemplarRecognition]:
        """Every "điển hình" of its xã, newest year first."""
        found = [e for w in self.wards for e in w.exemplars]
        return sorted(found, key=lambda e: -e.year)


@dataclass
class ModelEntry:
    model: Model
    url: str
    sites: list[ModelSite] = field(default_factory=list)
    province_codes: list[str] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.model.id


@dataclass
class LegalEntry:
    document: LegalDocument
    slug: str
    url: str
    cited_by_models: list[str] = field(default_factory=list)
    cited_by_events: list[str] = field(default_factory=list)
    cited_by_assessments: int = 0
    cited_by_awards: int = 0
    cited_by_exemplars: int = 0  # "điển hình" decisions (exemplar_recognitions)
    cited_by_lessons: list[str] = field(default_factory=list)  # lesson slugs
    replaces: list[str] = field(default_factory=list)
    amends: list[str] = field(default_factory=list)  # documents this one amended


@dataclass(frozen=True)
class SiteModel:
    settings: Settings
    today: date
    years: list[int]
    current_year: int | None
    provinces: list[Province]
    province_by_code: dict[str, Province]
    ward_by_code: dict[str, Ward]
    place_by_id: dict[str, Place]
    models: list[ModelEntry]
    model_by_id: dict[str, ModelEntry]
    awards: list[Award]
    legal: list[LegalEntry]
    legal_by_id: dict[str, LegalEntry]
    events: list[Event]
    coverage: dict[int, dict[str, Coverage]]  # the whole scope
    unit_names: dict[str, str]  # every current unit code in scope → name
    # "resource.field" → code → Vietnamese label, from the schemas' categories
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    lessons: list[Lesson] = field(default_factory=list)
    # News articles (generator.news), newest first, and what each is about: the codes of
    # the provinces and xã (a xã's article is also its province's) and the model ids.
    news: list[Article] = field(default_factory=list)
    news_by_unit: dict[str, list[Article]] = field(default_factory=dict)
    news_by_model: dict[str, list[Article]] = field(default_factory=dict)
    revision: str | None = None  # the data's git revision, when the data is in git
    # (current unit code, year, kind) → the target that unit set itself; a target set by a
    # unit before 01/7/2025 applies to no current unit and is only published as data.
    targets: dict[tuple[str, int, str], Target] = field(default_factory=dict)
    # Tổ bảo vệ an ninh, trật tự of the xã in scope, by id (their ratings' change lines)
    security_team_by_id: dict[str, SecurityTeam] = field(default_factory=dict)

    def target(self, unit_code: str, year: int, kind: str) -> Target | None:
        return self.targets.get((unit_code, year, kind))

    # Units before 01/7/2025 and the reform's old→new pairs, whole (not cut to the scope):
    # the xã finder (generator/pages/finder.py) matches every old name to its successors.
    legacy_units: tuple[LegacyUnit, ...] = ()
    unit_changes: tuple[UnitChange, ...] = ()

    def label(self, key: str, code: str | None) -> str:
        if code is None:
            return ""
        labels = self.labels.get(key)  # (asked ~650,000 times a national build)
        return code if labels is None else labels.get(code, code)

    def unit_url(self, code: str | None) -> str | None:
        if code is None:
            return None
        if code in self.ward_by_code:
            return self.ward_by_code[code].url
        if code in self.province_by_code:
            return self.province_by_code[code].url
        return None


def _unique_slug(base: str, code: str, taken: set[str]) -> str:
    slug = base or code
    if slug in taken:
        slug = f"{slug}-{code}"
    candidate, number = slug, 2
    while candidate in taken:  # "a-1" may already be another record's own slug
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def build_model(
    data: Dataset,
    settings: Settings,
    today: date,
    lessons: list[Lesson] | None = None,
    *,
    labels: dict[str, dict[str, str]] | None = None,
    revision: str | None = None,
    news: list[Article] | None = None,
) -> SiteModel:
    """The model, whole: `labels` are the schemas' category labels (`PackageSpec.labels`),
    `revision` the data's git revision; nothing is set on it afterwards.

    Long because it assembles the model's parts in dependency order and freezes it once.
    """
    provinces, wards = _units(data, settings)
    _legacy_names(data, provinces, wards)

    place_by_id = {p.id: p for p in data.places if p.unit_code in wards}
    for place in sorted(place_by_id.values(), key=lambda p: sort_text(p.name)):
        wards[place.unit_code].places.append(place)

    years = sorted({a.year for a in data.assessments} | {c.year for c in data.movement_classes})
    # The newest assessed year is "this year" until the next results are published.
    current_year = max((y for y in years if y <= today.year), default=None)
    _coverage(data, wards, provinces, place_by_id)
    for cls in data.movement_classes:
        if cls.unit_code in wards:
            wards[cls.unit_code].classes[cls.year] = cls
        elif cls.unit_code in provinces:
            provinces[cls.unit_code].classes[cls.year] = cls

    in_scope_models = _models(data, provinces, wards)
    teams = _security_teams(data, wards)
    _vocabulary(data, wards, place_by_id)
    model_list = sorted(in_scope_models.values(), key=lambda e: sort_text(e.model.name))
    awards = _awards(data, provinces, wards, in_scope_models)
    legal = _legal(data, in_scope_models, place_by_id)
    legal_by_id = {e.document.id: e for e in legal}
    events = sorted(
        (e for e in data.events if e.unit_code is None or _in_scope(e.unit_code, wards, provinces)),
        key=lambda e: (e.date.month, e.date.day, sort_text(e.title)),
    )
    unit_names = {c: w.name for c, w in wards.items()} | {c: p.name for c, p in provinces.items()}
    lessons = sorted(lessons or [], key=lambda lesson: sort_text(lesson.title))
    for lesson in lessons:
        for doc_id in lesson.legal_documents:
            if doc_id in legal_by_id:
                legal_by_id[doc_id].cited_by_lessons.append(lesson.slug)
    news_list, news_by_unit, news_by_model = _news(news or [], provinces, wards, in_scope_models)
    return SiteModel(
        labels=labels or {},
        revision=revision,
        lessons=lessons,
        news=news_list,
        news_by_unit=news_by_unit,
        news_by_model=news_by_model,
        settings=settings,
        today=today,
        years=years,
        current_year=current_year,
        provinces=list(provinces.values()),
        province_by_code=provinces,
        ward_by_code=wards,
        place_by_id=place_by_id,
        models=model_list,
        model_by_id=in_scope_models,
        awards=awards,
        legal=legal,
        legal_by_id=legal_by_id,
        events=events,
        coverage=total_coverage(provinces),
        unit_names=unit_names,
        legacy_units=data.legacy_units,
        unit_changes=data.unit_changes,
        targets={
            (t.unit_code, t.year, t.kind): t
            for t in data.targets
            if t.unit_code in provinces or t.unit_code in wards
        },
        security_team_by_id=teams,
    )


def _news(
    articles: list[Article],
    provinces: dict[str, Province],
    wards: dict[str, Ward],
    models: dict[str, ModelEntry],
) -> tuple[list[Article], dict[str, list[Article]], dict[str, list[Article]]]:
    """The articles in scope (about at least one province in it), newest first, by the
    province and xã codes and the models each is about."""
    kept: list[Article] = []
    by_unit: dict[str, list[Article]] = defaultdict(list)
    by_model: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        codes = about_units(article, wards, models)
        if not any(code in provinces for code in codes):
            continue
        kept.append(article)
        for code in codes:
            if code in provinces or code in wards:
                by_unit[code].append(article)
        for model_id in dict.fromkeys(article.models):
            if model_id in models:
                by_model[model_id].append(article)
    return kept, dict(by_unit), dict(by_model)


def about_units(
    article: Article, wards: Mapping[str, Ward], models: Mapping[str, ModelEntry]
) -> list[str]:
    """The unit codes an article is about, each once: its units, each xã's province, the
    provinces of its models and of the unit that wrote it."""
    codes: list[str] = []
    for code in [*article.units, article.author_unit]:
        codes.append(code)
        if code in wards:
            codes.append(wards[code].province_code)
    for model_id in article.models:
        if model_id in models:
            codes.append(models[model_id].model.province_code)
    return list(dict.fromkeys(codes))


def _security_teams(data: Dataset, wards: dict[str, Ward]) -> dict[str, SecurityTeam]:
    """Each xã's tổ in the order of their thôn's name, with each tổ's newest rating."""
    teams: dict[str, SecurityTeam] = {}
    # By (thôn name, id) as two stable sorts, id first: strings compared, not tuples
    # (0.065 s against 0.027 s for the national 70,000 tổ).
    ordered = sorted(data.security_teams, key=attrgetter("id"))
    ordered.sort(key=lambda t: sort_text(t.area_name))
    for team in ordered:
        if team.unit_code in wards:
            wards[team.unit_code].security_teams.append(team)
            teams[team.id] = team
    for rating in sorted(data.security_team_ratings, key=lambda r: r.year):
        rated = teams.get(rating.team_id)
        if rated is not None:
            wards[rated.unit_code].team_ratings[rated.id] = rating
    return teams


def _vocabulary(data: Dataset, wards: dict[str, Ward], places: dict[str, Place]) -> None:
    """Each xã's đăng ký thi đua, "điển hình" and places' movement classes, through the
    place each row names; newest year first, then in the order of the place's name."""

    def order(row: EmulationRegistration | ExemplarRecognition | PlaceClass) -> tuple[int, Any]:
        return (-row.year, sort_text(places[row.place_id].name))

    for rows, attr in (
        (data.emulation_registrations, "registrations"),
        (data.exemplar_recognitions, "exemplars"),
        (data.place_classes, "place_classes"),
    ):
        for row in sorted((r for r in rows if r.place_id in places), key=order):
            getattr(wards[places[row.place_id].unit_code], attr).append(row)


def _units(data: Dataset, settings: Settings) -> tuple[dict[str, Province], dict[str, Ward]]:
    """The provinces in scope and their xã, each with a slug unique among its siblings."""
    scope = set(settings.provinces) if settings.provinces else None
    province_units = sorted(
        (u for u in data.units if not u.parent_code and (scope is None or u.code in scope)),
        key=lambda u: sort_text(u.short_name),
    )
    provinces: dict[str, Province] = {}
    taken: set[str] = set()
    for unit in province_units:
        slug = _unique_slug(slugify(unit.short_name), unit.code, taken)
        provinces[unit.code] = Province(unit, slug, f"/tinh/{slug}/")
    wards: dict[str, Ward] = {}
    taken_in: dict[str, set[str]] = defaultdict(set)
    for unit in sorted(
        (u for u in data.units if u.parent_code in provinces), key=lambda u: sort_text(u.name)
    ):
        assert unit.parent_code is not None
        prov = provinces[unit.parent_code]
        slug = _unique_slug(slugify(unit.name), unit.code, taken_in[prov.code])
        ward = Ward(unit, prov.code, slug, f"{prov.url}{slug}/")
        wards[unit.code] = ward
        prov.wards.append(ward)
    return provinces, wards


def _models(
    data: Dataset, provinces: dict[str, Province], wards: dict[str, Ward]
) -> dict[str, ModelEntry]:
    """The models with a site (or their own province) in scope, linked to their sites'
    xã and provinces."""
    models: dict[str, ModelEntry] = {}
    for m in data.models:
        models[m.id] = ModelEntry(m, f"/mo-hinh/{m.id}/")
    linked: set[tuple[str, str]] = set()  # (xã, model): a set, not a search of the list
    for site in data.model_sites:
        entry = models.get(site.model_id)
        if entry is None or site.unit_code not in wards:
            continue
        entry.sites.append(site)
        ward = wards[site.unit_code]
        ward.sites.append(site)
        if (site.unit_code, site.model_id) not in linked:
            linked.add((site.unit_code, site.model_id))
            ward.model_ids.append(site.model_id)
    in_scope_models: dict[str, ModelEntry] = {}
    for mid, entry in models.items():
        codes = {wards[s.unit_code].province_code for s in entry.sites}
        if entry.model.province_code in provinces:
            codes.add(entry.model.province_code)
        if not codes:
            continue
        entry.province_codes = sorted(codes, key=lambda c: sort_text(provinces[c].unit.short_name))
        in_scope_models[mid] = entry
        for code in entry.province_codes:
            provinces[code].model_ids.append(mid)
    for ward in wards.values():
        ward.model_ids = [m for m in ward.model_ids if m in in_scope_models]
    return in_scope_models


def _awards(
    data: Dataset,
    provinces: dict[str, Province],
    wards: dict[str, Ward],
    models: dict[str, ModelEntry],
) -> list[Award]:
    """The awards in scope, newest first, also filed under their xã, province and model."""
    # Sort once; every per-unit list is then filled in that order: `award_order`'s, as
    # three stable sorts from its last part to its first (the national 50,000 awards:
    # 0.13 s against 0.10 s).
    ordered = sorted(data.awards, key=attrgetter("id"))
    ordered.sort(key=lambda a: sort_text(a.recipient_name))
    ordered.sort(key=lambda a: -a.year)
    awards = []
    for award in ordered:
        if award.unit_code in wards:
            wards[award.unit_code].awards.append(award)
            provinces[wards[award.unit_code].province_code].awards.append(award)
        elif award.unit_code in provinces:
            provinces[award.unit_code].awards.append(award)
        else:
            continue
        awards.append(award)
        if award.model_id in models:
            models[award.model_id].awards.append(award)
    return awards


def total_coverage(provinces: dict[str, Province]) -> dict[int, dict[str, Coverage]]:
    """Coverage of the whole scope: year → kind → the provinces' figures added up."""
    coverage: dict[int, dict[str, Coverage]] = defaultdict(lambda: defaultdict(Coverage))
    for prov in provinces.values():
        for year, kinds in prov.coverage.items():
            for kind, cov in kinds.items():
                coverage[year][kind].add(cov)
    return {y: dict(k) for y, k in coverage.items()}


def award_order(award: Award) -> tuple[int, str, str]:
    return (-award.year, sort_text(award.recipient_name), award.id)


def _in_scope(code: str, wards: dict[str, Ward], provinces: dict[str, Province]) -> bool:
    return code in wards or code in provinces


def _legacy_names(data: Dataset, provinces: dict[str, Province], wards: dict[str, Ward]) -> None:
    """Names people knew before 01/7/2025, shown as "trước 01/7/2025: …"."""
    legacy = {u.code: u for u in data.legacy_units}
    for change in data.unit_changes:
        ward = wards.get(change.new_code)
        old = legacy.get(change.legacy_code)
        if ward is None or old is None:
            continue
        if old.full_name not in ward.legacy_names:
            ward.legacy_names.append(old.full_name)
    for old in data.legacy_units:
        if old.parent_code is None and old.replaced_by in provinces:
            provinces[old.replaced_by].legacy_names.append(old.name)
    name_lists = [w.legacy_names for w in wards.values()]
    name_lists += [p.legacy_names for p in provinces.values()]
    for names in name_lists:
        names.sort(key=sort_text)


def _coverage(
    data: Dataset,
    wards: dict[str, Ward],
    provinces: dict[str, Province],
    place_by_id: dict[str, Place],
) -> None:
    by_place: dict[str, dict[int, Assessment]] = defaultdict(dict)
    for a in data.assessments:
        place_id = a.place_id
        if place_id in place_by_id:
            by_place[place_id][a.year] = a
    years: set[int] = set()
    for results in by_place.values():  # (100,000 places, not 400,000 results)
        years.update(results)
    ordered = sorted(years)
    for ward in wards.values():
        ward_coverage(ward, by_place, ordered)
    for prov in provinces.values():
        province_coverage(prov, ordered)


def ward_coverage(
    ward: Ward, by_place: Mapping[str, Mapping[int, Assessment]], years: list[int]
) -> None:
    """The xã's own results, its places' results and its coverage for each of `years`
    (sorted), from its places' results by year (`by_place`). Each place's results are
    looked up once, not once a year, its kind's coverage of a year found once and the
    places registered counted once for every year (issue 18: the national model's second
    cost: 400,000 place-years, 0.29 s, then 0.26 s without a new dict and a count each)."""
    if not years:
        return
    none: Mapping[int, Assessment] = {}
    own = [by_place.get(p.id, none) for p in ward.places if p.kind == "xa"]
    for year in years:
        for results in own:
            result = results.get(year)
            if result is not None:
                ward.own_result[year] = result
    coverage = {year: {k: Coverage() for k in ASSESSED_KINDS} for year in years}
    registered = dict.fromkeys(ASSESSED_KINDS, 0)
    # A place's results go in at the first year it has one, then by the places' order.
    found: list[tuple[int, str, dict[int, str]]] = []
    for place in ward.places:
        kind = place.kind
        if kind == "xa":
            continue
        registered[kind] += 1  # (KeyError for another kind, as a year's figures raised)
        held = by_place.get(place.id)
        if not held:
            continue
        mine: dict[int, str] = {}
        for year in years:
            result = held.get(year)
            if result is not None:
                cov = coverage[year][kind]
                cov.assessed += 1
                cov.passed += result.result == "dat"
                mine[year] = result.result
        if mine:
            found.append((next(iter(mine)), place.id, mine))
    if len({first for first, _, _ in found}) > 1:
        found.sort(key=lambda item: item[0])  # (stable: the places' order within a year)
    for _, place_id, mine in found:
        ward.place_results.setdefault(place_id, {}).update(mine)
    for year, kinds in coverage.items():
        for kind, cov in kinds.items():
            cov.registered = registered[kind]
        ward.coverage[year] = kinds


def province_coverage(prov: Province, years: list[int]) -> None:
    """The province's coverage for each of `years` (sorted), from its xã's."""
    for year in years:
        totals: dict[str, Coverage] = {k: Coverage() for k in ("xa", *ASSESSED_KINDS)}
        for ward in prov.wards:
            for kind, cov in ward.coverage.get(year, {}).items():
                totals[kind].add(cov)
            own = ward.own_result.get(year)
            totals["xa"].registered += 1
            if own is not None:
                totals["xa"].assessed += 1
                totals["xa"].passed += own.result == "dat"
        prov.coverage[year] = totals


def _legal(
    data: Dataset, models: dict[str, ModelEntry], place_by_id: dict[str, Place]
) -> list[LegalEntry]:
    entries: dict[str, LegalEntry] = {}
    taken: set[str] = set()
    for doc in sorted(data.legal_documents, key=lambda d: (d.issued, d.id)):
        slug = _unique_slug(slugify(doc.id), slugify(doc.id), taken)
        entries[doc.id] = LegalEntry(doc, slug, f"/van-ban/{slug}/")
    for entry in models.values():
        basis = entry.model.legal_basis
        if basis in entries:
            entries[basis].cited_by_models.append(entry.id)
    for event in data.events:
        if event.legal_basis in entries:
            entries[event.legal_basis].cited_by_events.append(event.id)
    for a in data.assessments:
        if a.legal_basis in entries and a.place_id in place_by_id:
            entries[a.legal_basis].cited_by_assessments += 1
    for award in data.awards:
        if award.legal_basis in entries:
            entries[award.legal_basis].cited_by_awards += 1
    for row in data.exemplar_recognitions:
        if row.legal_basis in entries and row.place_id in place_by_id:
            entries[row.legal_basis].cited_by_exemplars += 1
    for doc in data.legal_documents:
        if doc.replaced_by in entries:
            entries[doc.replaced_by].replaces.append(doc.id)
        if doc.amended_by in entries:
            entries[doc.amended_by].amends.append(doc.id)
    return sorted(entries.values(), key=lambda e: (-e.document.issued.toordinal(), e.document.id))
