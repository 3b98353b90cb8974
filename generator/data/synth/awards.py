"""Awards (khen thưởng) to people and collectives."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from generator.data.synth.context import Generator, Model, Province, Ward
from generator.data.synth.tables import _enum, _lower_first, _weights
from generator.data.synth.vocabulary import (
    _AWARD_ISSUER,
    _AWARD_REASON_KNC,
    _AWARD_REASON_MODEL,
    _AWARD_REASONS,
    _COLLECTIVES_PLACE,
    _COLLECTIVES_PROVINCE,
    _COLLECTIVES_WARD,
    _FAMILY,
    _GIVEN_F,
    _GIVEN_M,
    _MIDDLE_F,
    _MIDDLE_M,
)


def awards(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    rng = gen.rng("awards")
    schema = gen.schemas["awards"]
    kinds = _enum(schema, "recipient_kind")
    person = "ca_nhan" if "ca_nhan" in kinds else kinds[0]
    group = "tap_the" if "tap_the" in kinds else kinds[-1]
    awards = _enum(schema, "award")
    award_w = _weights(awards, _AWARD_WEIGHTS, 5)
    models_by_prov: dict[str, list[Model]] = {}
    for m in gen.models:
        models_by_prov.setdefault(m.province, []).append(m)
    seq: dict[int, int] = {}
    # The award law in force on the decision date (Luật Thi đua, khen thưởng 2003 until
    # 31/12/2023, 2022 from 01/01/2024), when the package's legal_documents has it.
    old_law = "15/2003/QH11" if "15/2003/QH11" in gen.legal_ids else None
    new_law = "06/2022/QH15" if "06/2022/QH15" in gen.legal_ids else None

    def rows() -> Iterator[tuple[object, ...]]:
        for _ in range(gen.scale["awards"]):
            year = gen.years[rng.randrange(len(gen.years))]
            seq[year] = seq.get(year, 0) + 1
            award = rng.choices(awards, award_w)[0]
            ward = gen.wards[rng.randrange(len(gen.wards))]
            province = gen.provinces[ward.province]
            # Commune-level awards go to the ward; higher ones sometimes to the province.
            at_province = award != "giay_khen_ubnd_xa" and rng.random() < 0.15
            unit = province.code if at_province else ward.code
            if award == "ky_niem_chuong_bvantq" or rng.random() < 0.15:
                kind, name = person, _person_name(rng)
            else:
                kind = group
                name = collective(gen, rng, ward, province, at_province)
            reason, model_id = _reason(rng, award, year, models_by_prov.get(province.code))
            suffix, issuer = _AWARD_ISSUER.get(award, ("QĐ-UBND", "UBND {province}"))
            # Most awards follow the Ngày hội (19/8) or the year-end review.
            if rng.random() < 0.4:
                when = gen.day(rng, date(year, 8, 1), date(year, 8, 31))
            else:
                when = gen.day(rng, date(year, 11, 15), date(year, 12, 31))
            yield (
                f"kt-{year}-{seq[year]:05d}",
                year,
                kind,
                name,
                unit,
                award,
                reason,
                f"{rng.randint(1, 4999)}/{suffix}",
                when,
                issuer.format(province=province.lname, ward=ward.lname),
                model_id,
                old_law if str(when) < "2024-01-01" else new_law,
            )

    return list(_COLUMNS), rows()


def collective(
    gen: Generator, rng: random.Random, ward: Ward, province: Province, at_province: bool
) -> str:
    if at_province:
        return _COLLECTIVES_PROVINCE[rng.randrange(len(_COLLECTIVES_PROVINCE))].format(
            province=province.lname
        )
    r = rng.random()
    places = gen.places_by_ward[ward.code]
    if r < 0.5 and places.get("khu_dan_cu"):
        lst = places["khu_dan_cu"]
        place = _lower_first(lst[rng.randrange(len(lst))][1])
        template = _COLLECTIVES_PLACE[rng.randrange(len(_COLLECTIVES_PLACE))]
        return template.format(place=place, ward=ward.lname)
    if r < 0.65:
        for kind in ("co_so_giao_duc", "doanh_nghiep", "co_quan"):
            if places.get(kind):
                lst = places[kind]
                return lst[rng.randrange(len(lst))][1]
    return _COLLECTIVES_WARD[rng.randrange(len(_COLLECTIVES_WARD))].format(ward=ward.lname)


def _person_name(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_M)} {rng.choice(_GIVEN_M)}"
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_F)} {rng.choice(_GIVEN_F)}"


def _reason(
    rng: random.Random, award: str, year: int, candidates: list[Model] | None
) -> tuple[str, str | None]:
    """The award's reason and, for some, the model it was earned with (started by `year`)."""
    if award == "ky_niem_chuong_bvantq":
        return _AWARD_REASON_KNC, None
    reason = _AWARD_REASONS[rng.randrange(len(_AWARD_REASONS))].format(year=year)
    if candidates and rng.random() < 0.2:
        model = candidates[rng.randrange(len(candidates))]
        if model.started <= year:
            return _AWARD_REASON_MODEL.format(model=model.title), model.id
    return reason, None


_AWARD_WEIGHTS: dict[str, float] = {
    "giay_khen_ubnd_xa": 40,
    "giay_khen_cong_an_tinh": 25,
    "bang_khen_ubnd_tinh": 20,
    "bang_khen_bo_truong": 8,
    "ky_niem_chuong_bvantq": 5,
    "bang_khen_thu_tuong": 2,
}
_COLUMNS = (
    "id",
    "year",
    "recipient_kind",
    "recipient_name",
    "unit_code",
    "award",
    "reason",
    "decision_no",
    "decision_date",
    "issuer",
    "model_id",
    "legal_basis",
)
