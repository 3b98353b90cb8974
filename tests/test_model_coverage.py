"""generator.model's national hot spots made cheaper (issue 18) and still filing in the same
order: ward_coverage (a xã's coverage, its places' and its own results, each place's results
looked up once) and _models (a xã's models, each once, in the order of their first site)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from generator.data.records import Assessment, Model, ModelSite, Place, Unit
from generator.model import Province, Ward, _models, ward_coverage
from generator.textvi import sort_key


def _place(pid: str, kind: str) -> Place:
    return Place(pid, f"Nơi {pid}", kind, "X1", None, None, None, None)


def _result(pid: str, year: int, result: str) -> Assessment:
    return Assessment(pid, year, result, None, None, None, None)


def _unit(code: str, parent: str | None) -> Unit:
    kind = "xa" if parent else "tinh"
    return Unit(
        code, f"Đơn vị {code}", code, kind, parent, date(2025, 7, 1), None, None, None, None
    )


def test_ward_coverage_counts_and_orders_results_by_year_first() -> None:
    ward = Ward(_unit("X1", "P1"), "P1", "xa-mot", "/p/xa-mot/")
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
    # A year outside `years` is not counted nor filed (generator.warm passes the years it
    # keeps); no year: nothing at all.
    again = Ward(_unit("X1", "P1"), "P1", "xa-mot", "/p/xa-mot/", places=list(ward.places))
    ward_coverage(again, by_place, [2024])
    assert again.place_results == {"k2": {2024: "dat"}, "k1": {2024: "chua_dat"}}
    assert list(again.coverage) == [2024] and again.own_result == {2024: results[5]}
    empty = Ward(_unit("X1", "P1"), "P1", "xa-mot", "/p/xa-mot/", places=list(ward.places))
    ward_coverage(empty, by_place, [])
    assert (empty.place_results, empty.coverage, empty.own_result) == ({}, {}, {})


def test_a_wards_models_once_each_in_the_order_of_their_first_site() -> None:
    province = Province(_unit("P1", None), "p", "/p/")
    wards = {c: Ward(_unit(c, "P1"), "P1", c, f"/p/{c}/") for c in ("X1", "X2")}
    province.wards = list(wards.values())

    def model(mid: str, province_code: str = "P9") -> Model:
        return Model(mid, mid, "f", None, province_code, "r", None, None, None, "s", None)

    def site(sid: str, mid: str, unit: str) -> ModelSite:
        return ModelSite(sid, mid, unit, None, None, None, None, None, None, None)

    sites = [site("1", "B", "X1"), site("2", "A", "X1"), site("3", "B", "X1"),
             site("4", "A", "X2"), site("5", "C", "X1"), site("6", "B", "X9")]  # fmt: skip
    data: Any = SimpleNamespace(models=[model("A"), model("B"), model("C")], model_sites=sites)
    in_scope = _models(data, {"P1": province}, wards)
    assert wards["X1"].model_ids == ["B", "A", "C"]
    assert wards["X2"].model_ids == ["A"]
    assert [s.id for s in in_scope["B"].sites] == ["1", "3"]  # X9 is out of scope
    assert province.model_ids == ["A", "B", "C"]


def test_awards_and_teams_in_the_order_of_their_keys() -> None:
    """_awards (three stable sorts) files awards in `award_order`'s order, _security_teams
    (two) its tổ by (thôn name, id): ties on the year and the name, names told apart only
    by a tone or a letter's case, and ids that sort the other way."""
    from generator.data.records import Award, SecurityTeam
    from generator.model import _awards, _security_teams, award_order

    province = Province(_unit("P1", None), "p", "/p/")
    ward = Ward(_unit("X1", "P1"), "P1", "x", "/p/x/")
    names = ["Lê Văn An", "Lê Văn Án", "lê văn an", "Lê Văn An", "Đỗ Bình", "Do Binh", "An"]
    awards = [
        Award(f"a{9 - i}", 2023 + i % 2, "ca_nhan", name, "X1", "bk", None, None, None, None,
              None, None)
        for i, name in enumerate(names * 2)
    ]  # fmt: skip
    data: Any = SimpleNamespace(awards=awards)
    assert _awards(data, {"P1": province}, {"X1": ward}, {}) == sorted(awards, key=award_order)
    teams = [
        SecurityTeam(f"t{9 - i}", "X1", name, None, 5, None, None)
        for i, name in enumerate(names * 2)
    ]
    data = SimpleNamespace(security_teams=teams, security_team_ratings=[])
    _security_teams(data, {"X1": ward})
    expected = sorted(teams, key=lambda t: (sort_key(t.area_name), t.id))
    assert ward.security_teams == expected
