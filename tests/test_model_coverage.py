"""generator.model.ward_coverage: a xã's coverage, its places' results and its own result,
each place's results looked up once (issue 18) yet filled in the same order as before."""

from __future__ import annotations

from datetime import date

from generator.data.records import Assessment, Place, Unit
from generator.model import Ward, ward_coverage


def _place(pid: str, kind: str) -> Place:
    return Place(pid, f"Nơi {pid}", kind, "X1", None, None, None, None)


def _result(pid: str, year: int, result: str) -> Assessment:
    return Assessment(pid, year, result, None, None, None, None)


def test_ward_coverage_counts_and_orders_results_by_year_first() -> None:
    unit = Unit("X1", "Xã Một", "Một", "xa", "P1", date(2025, 7, 1), None, None, None, None)
    ward = Ward(unit, "P1", "xa-mot", "/p/xa-mot/")
    ward.places = [
        _place("xa1", "xa"),
        _place("k1", "khu_dan_cu"),
        _place("k2", "khu_dan_cu"),
        _place("c1", "co_quan"),
        _place("xa2", "xa"),
    ]
    results = [
        _result("k2", 2023, "dat"),
        _result("k1", 2024, "chua_dat"),
        _result("k2", 2024, "dat"),
        _result("xa1", 2023, "dat"),
        _result("xa1", 2024, "chua_dat"),
        _result("xa2", 2024, "dat"),
    ]
    by_place: dict[str, dict[int, Assessment]] = {}
    for r in results:
        by_place.setdefault(r.place_id, {})[r.year] = r
    ward_coverage(ward, by_place, [2023, 2024])
    # Places' results are filed year by year: k2 (its 2023 result) before k1.
    assert list(ward.place_results) == ["k2", "k1"]
    assert ward.place_results == {"k2": {2023: "dat", 2024: "dat"}, "k1": {2024: "chua_dat"}}
    # The xã's own result: the last "xa" place with a result that year.
    assert ward.own_result == {2023: results[3], 2024: results[5]}
    assert list(ward.coverage) == [2023, 2024]
    dan_cu, co_quan = ward.coverage[2024]["khu_dan_cu"], ward.coverage[2024]["co_quan"]
    assert (dan_cu.registered, dan_cu.assessed, dan_cu.passed) == (2, 2, 1)
    assert (co_quan.registered, co_quan.assessed, co_quan.passed) == (1, 0, 0)
    assert ward.coverage[2023]["khu_dan_cu"].passed == 1
