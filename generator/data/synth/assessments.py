"""Assessments of places, each province's targets and the movement classes of wards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator.data.synth.context import Generator
from generator.data.synth.tables import _enum, _weights
from generator.data.synth.vocabulary import _BASIS_ASSESSMENT, _PROVINCIAL_PREFIXES


def assessments(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    rng = gen.rng("assessments")
    schema = gen.schemas["assessments"]
    results = _enum(schema, "result")
    result_w = _weights(results, {"dat": 0.92, "chua_dat": 0.08}, 0.02)
    passed = "dat" if "dat" in results else results[0]
    not_passed = next((r for r in results if r != passed), passed)
    basis = gen.basis(_BASIS_ASSESSMENT, "TT-BCA")
    total = sum(len(v) for kinds in gen.places_by_ward.values() for v in kinds.values())
    keep_p = min(1.0, gen.scale["assessments"] / max(total * len(gen.years), 1))
    columns = list(_ASSESSMENT_COLUMNS)

    # One recognition decision per ward and year (UBND cấp xã for residential areas,
    # agencies and schools), one per province and year for the wards themselves.
    prov_dec = {
        (p.code, y): (
            f"{rng.randint(1000, 4999)}/QĐ-UBND",
            gen.day(rng, date(y, 11, 20), date(y, 12, 31)),
            f"UBND {p.lname}",
        )
        for p in gen.provinces.values()
        for y in gen.years
    }

    def rows() -> Iterator[tuple[object, ...]]:
        for ward in gen.wards:
            decisions = {}
            for y in gen.years:
                ward_dec = (
                    f"{rng.randint(1, 999)}/QĐ-UBND",
                    gen.day(rng, date(y, 11, 16), date(y, 12, 31)),
                    f"UBND {ward.lname}",
                )
                decisions[y] = (ward_dec, prov_dec[(ward.province, y)])
            for kind, places in gen.places_by_ward[ward.code].items():
                for pid, name in places:
                    # Schools the province manages are recognised by the province (TT 124
                    # Điều 10: a xã recognises only what it manages).
                    provincial = name.startswith(_PROVINCIAL_PREFIXES)
                    level = 1 if kind == "xa" or provincial else 0
                    for y in gen.years:
                        if keep_p < 1.0 and rng.random() >= keep_p:
                            continue
                        result = rng.choices(results, result_w)[0]
                        first_site = gen.site_years.get(ward.code)
                        if kind == "xa" and (first_site is None or first_site > y):
                            result = not_passed
                        if result == passed:
                            no, when, issuer = decisions[y][level]
                            yield pid, y, result, no, when, issuer, basis
                        else:
                            yield pid, y, result, None, None, None, basis

    return columns, rows()


# --- targets ---


def targets(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """Each province's own "phấn đấu" targets for the latest year (its yearly plan)."""
    columns = ["unit_code", "legacy_unit_code", "year", "kind", "percent", "source"]
    columns.append("legal_basis")
    year = gen.years[-1]
    rows = [
        (prov.code, None, year, kind, percent, f"Kế hoạch năm {year} của {prov.lname}", None)
        for prov in gen.provinces.values()
        for kind, percent in (("xa", "100"), ("khu_dan_cu", "95"))
    ]
    return columns, iter(rows)


# --- movement classes ---


def movement_classes(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    rng = gen.rng("movement_classes")
    classes = _enum(gen.schemas["movement_classes"], "class")  # best first
    n = len(classes)
    # Score thresholds 90 / 70 / 50 for four classes; spread evenly for another count.
    cuts = [90 - 40 * i / (n - 2) for i in range(n - 1)] if n > 2 else [70.0][: n - 1]
    columns = ["unit_code", "year", "score", "class", "decision_no"]
    prov_no = {(p, y): f"{rng.randint(100, 999)}/QĐ-UBND" for p in gen.provinces for y in gen.years}

    def classify(score: float) -> str:
        for i, cut in enumerate(cuts):
            if score >= cut:
                return classes[i]
        return classes[-1]

    def rows() -> Iterator[tuple[object, ...]]:
        for ward in gen.wards:
            for y in gen.years:
                # Mostly good or fair; a few weak wards so that every class occurs.
                mean = 45.0 if rng.random() < 0.02 else 82.0
                score = round(min(100.0, max(20.0, rng.gauss(mean, 8))), 1)
                yield ward.code, y, f"{score:.1f}", classify(score), prov_no[(ward.province, y)]

    return columns, rows()


_ASSESSMENT_COLUMNS = (
    "place_id",
    "year",
    "result",
    "decision_no",
    "decision_date",
    "issuer",
    "legal_basis",
)
