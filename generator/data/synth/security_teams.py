"""Tổ bảo vệ an ninh, trật tự ở cơ sở (issue 14 item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator.data.synth.context import Generator


def security_teams(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """One tổ per thôn/tổ dân phố (khu dân cư place) of every xã, set up from 01/7/2024
    (Luật 30/2023/QH15); 3–8 members, as provincial criteria set them. Needs places()."""
    rng = gen.rng("security_teams")
    columns = [
        "id",
        "unit_code",
        "area_name",
        "place_id",
        "members",
        "established",
        "decision_no",
    ]
    start, end = date(2024, 7, 1), date(2024, 9, 30)

    def rows() -> Iterator[tuple[object, ...]]:
        for ward in gen.wards:
            areas = gen.places_by_ward.get(ward.code, {}).get("khu_dan_cu", [])
            if not areas:
                continue
            established = gen.day(rng, start, end)
            decision = f"{rng.randint(10, 400)}/QĐ-UBND"
            for place_id, name in areas:
                yield (
                    f"to-antt-{place_id}",
                    ward.code,
                    name,
                    place_id,
                    rng.choice((3, 3, 3, 4, 4, 5, 6, 8)),
                    established,
                    decision,
                )

    return columns, rows()
