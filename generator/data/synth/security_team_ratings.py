"""Xếp loại Tổ bảo vệ an ninh, trật tự (issue 14 item 2): one rating per tổ for 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator.data.synth.context import Generator

# The four-level scale came with Hướng dẫn 01/HD-BCA-V05 (2026, as the press reports it), so
# the synthetic package rates the tổ for that year only, whatever its assessment years.
YEAR = 2026


def security_team_ratings(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """Every tổ of security_teams() rated for YEAR (each was set up in 2024, so has worked
    nine months), mostly "hoàn thành tốt"; per xã at most 20% as many "hoàn thành xuất sắc"
    as "hoàn thành tốt", as the guide's quota asks. Needs places()."""
    rng = gen.rng("security_team_ratings")
    columns = ["team_id", "year", "rating", "decision_no", "decision_date"]
    start, end = date(YEAR, 11, 15), date(YEAR, 11, 30)

    def rows() -> Iterator[tuple[object, ...]]:
        for ward in gen.wards:
            areas = gen.places_by_ward.get(ward.code, {}).get("khu_dan_cu", [])
            if not areas:
                continue
            decided = gen.day(rng, start, end)
            decision = f"{rng.randint(10, 400)}/QĐ-UBND"
            ratings = [
                rng.choice(("hoan_thanh_tot",) * 6 + ("hoan_thanh",) * 2 + ("khong_hoan_thanh",))
                for _ in areas
            ]
            good = [i for i, r in enumerate(ratings) if r == "hoan_thanh_tot"]
            for i in good[: int(len(good) * 0.2 / 1.2)]:
                ratings[i] = "hoan_thanh_xuat_sac"
            for (place_id, _), rating in zip(areas, ratings, strict=True):
                yield (f"to-antt-{place_id}", YEAR, rating, decision, decided)

    return columns, rows()
