"""The movement's vocabulary (issue 14 item 2): each xã's đăng ký thi đua, a few "điển hình",
and the movement class of its places, for the synthetic package."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator.data.synth.context import Generator

# Place kinds a class or a registration is made for besides the xã itself.
_PLACE_KINDS = ("khu_dan_cu", "co_quan", "doanh_nghiep", "co_so_giao_duc")


def emulation_registrations(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """Every xã registers in quý I of the latest year to reach "An toàn về ANTT" (TT 124
    Điều 5). Needs places()."""
    rng = gen.rng("emulation_registrations")
    year = gen.years[-1]
    columns = ["place_id", "year", "goal", "registered_on", "sent_to"]

    def rows() -> Iterator[tuple[object, ...]]:
        for ward in gen.wards:
            for place_id, _ in gen.places_by_ward.get(ward.code, {}).get("xa", []):
                day = gen.day(rng, date(year, 1, 15), date(year, 3, 31))
                yield (place_id, year, "an_toan_antt", day, None)

    return columns, rows()


def exemplar_recognitions(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """About one xã in fifty chosen to be built into a "điển hình" in the latest year, the
    first xã of each province always (so a small package has one). Needs places()."""
    rng = gen.rng("exemplar_recognitions")
    year = gen.years[-1]
    columns = ["place_id", "year", "kind", "status", "decision_no", "decision_date", "issuer"]
    columns.append("legal_basis")

    def rows() -> Iterator[tuple[object, ...]]:
        seen: set[str] = set()
        for ward in gen.wards:
            first = ward.province not in seen
            seen.add(ward.province)
            if not first and rng.random() >= 0.02:
                continue
            for place_id, _ in gen.places_by_ward.get(ward.code, {}).get("xa", []):
                yield (place_id, year, "phong_trao", "xay_dung", None, None, None, None)

    return columns, rows()


def place_classes(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """The places of about one xã in ten classed in the latest year, the first xã of each
    province always. Needs places()."""
    rng = gen.rng("place_classes")
    year = gen.years[-1]
    columns = ["place_id", "year", "score", "class", "decision_no"]

    def rows() -> Iterator[tuple[object, ...]]:
        seen: set[str] = set()
        for ward in gen.wards:
            first = ward.province not in seen
            seen.add(ward.province)
            if not first and rng.random() >= 0.1:
                continue
            decision = f"{rng.randint(10, 400)}/QĐ-UBND"
            for kind in _PLACE_KINDS:
                for place_id, _ in gen.places_by_ward.get(ward.code, {}).get(kind, []):
                    score = round(rng.uniform(70.0, 98.0), 1)
                    klass = "xuat_sac" if score >= 90 else "kha" if score >= 80 else "trung_binh"
                    yield (place_id, year, score, klass, decision)

    return columns, rows()
