"""Reference administrative units: the generated CSVs, the loader and the old→new resolution."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.data import units
from generator.data.units import UnitTables, load_unit_tables, resolve_legacy

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = (units.UNITS_FILE, units.LEGACY_FILE, units.CHANGES_FILE)


@pytest.fixture(scope="module")
def tables() -> UnitTables:
    return load_unit_tables(DATA)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(
    ("legacy_code", "legacy_full_name", "new_code", "new_name", "province", "province_name"),
    [
        (
            "11113",
            "Xã Tân Kỳ, Huyện Tứ Kỳ, Tỉnh Hải Dương",
            "11113",
            "Xã Tân Kỳ",
            "31",
            "Thành phố Hải Phòng",
        ),
        (
            "11140",
            "Xã Lạc Phượng, Huyện Tứ Kỳ, Tỉnh Hải Dương",
            "11140",
            "Xã Lạc Phượng",
            "31",
            "Thành phố Hải Phòng",
        ),
        (
            "02494",
            "Xã Thái Bình, Huyện Yên Sơn, Tỉnh Tuyên Quang",
            "02494",
            "Xã Thái Bình",
            "08",
            "Tỉnh Tuyên Quang",
        ),
        (
            "18436",
            "Xã Kim Song Trường, Huyện Can Lộc, Tỉnh Hà Tĩnh",
            "18436",
            "Xã Trường Lưu",
            "42",
            "Tỉnh Hà Tĩnh",
        ),
    ],
)
def test_expected_mappings(
    tables: UnitTables,
    legacy_code: str,
    legacy_full_name: str,
    new_code: str,
    new_name: str,
    province: str,
    province_name: str,
) -> None:
    assert tables.legacy[legacy_code] == (legacy_full_name, new_code)
    candidates = resolve_legacy(tables, legacy_code)
    assert candidates[0] == (new_code, True)
    assert tables.current[new_code] == (new_name, "xa", province)
    assert tables.current[province][0] == province_name


def test_split_ward_02494(tables: UnitTables) -> None:
    legacy = {r["code"]: r for r in _rows(units.LEGACY_FILE)}
    assert legacy["02494"]["split"] == "true"
    assert legacy["11113"]["split"] == "false"
    candidates = tables.resolve_legacy("02494")
    assert len(candidates) > 1
    assert candidates[0] == ("02494", True)
    assert [d for _, d in candidates[1:]] == [False] * (len(candidates) - 1)


def test_counts(tables: UnitTables) -> None:
    kinds = [kind for _, kind, _ in tables.current.values()]
    assert sum(k in ("tinh", "thanh_pho_tw") for k in kinds) == 34
    assert sum(k in ("xa", "phuong", "dac_khu") for k in kinds) == 3321
    assert kinds.count("dac_khu") == 13
    assert kinds.count("thanh_pho_tw") == 6
    assert sum(len(c) == 2 for c in tables.legacy) == 63


def test_every_legacy_ward_maps_once_by_default(tables: UnitTables) -> None:
    wards = [c for c in tables.legacy if len(c) == 5]
    assert len(wards) == 10035
    for code in wards:
        candidates = tables.changes.get(code)
        assert candidates, code
        assert [d for _, d in candidates].count(True) == 1, code
        assert candidates[0][1] is True, code
        assert all(new in tables.current for new, _ in candidates), code
    assert sum(len(tables.changes[c]) for c in wards) == 10597
    assert sum(len(tables.changes[c]) > 1 for c in wards) == 471


def test_island_districts_map_to_dac_khu(tables: UnitTables) -> None:
    islands = {
        "318": "Đặc khu Bạch Long Vĩ",
        "471": "Đặc khu Cồn Cỏ",
        "498": "Đặc khu Hoàng Sa",
        "536": "Đặc khu Lý Sơn",
        "755": "Đặc khu Côn Đảo",
    }
    assert {c for c in tables.changes if len(c) == 3} == set(islands)
    for district, name in islands.items():
        [(new, default)] = tables.changes[district]
        assert default is True
        assert tables.current[new][:2] == (name, "dac_khu")
        assert tables.legacy[district][1] == new


def test_resolve_legacy_other_levels(tables: UnitTables) -> None:
    assert resolve_legacy(tables, "30") == [("31", True)]  # Hải Dương merged into Hải Phòng
    assert resolve_legacy(tables, "99999") == []
    assert resolve_legacy(tables, "") == []


def test_codes_keep_leading_zeros() -> None:
    text = (DATA / units.UNITS_FILE).read_text(encoding="utf-8")
    assert "\n01,Thành phố Hà Nội," in text
    current = _rows(units.UNITS_FILE)
    assert all(r["code"].isdigit() and len(r["code"]) in (2, 5) for r in current)
    assert all(len(r["parent_code"]) in (0, 2) for r in current)
    legacy = _rows(units.LEGACY_FILE)
    assert all(r["code"].isdigit() and len(r["code"]) in (2, 3, 5) for r in legacy)
    assert {"00001", "001", "01", "02"} <= {r["code"] for r in legacy}
    changes = _rows(units.CHANGES_FILE)
    assert changes[0]["legacy_code"] == "00001"
    assert all(len(r["new_code"]) == 5 for r in changes)


def test_columns_follow_schema_order() -> None:
    for name, schema in (
        (units.UNITS_FILE, "units.yaml"),
        (units.LEGACY_FILE, "legacy_units.yaml"),
        (units.CHANGES_FILE, "unit_changes.yaml"),
    ):
        fields = yaml.safe_load((DATA / "schemas" / schema).read_text(encoding="utf-8"))["fields"]
        header = (DATA / name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.split(",") == [f["name"] for f in fields], name


def test_refresh_is_deterministic_and_matches_committed_data(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    counts = units.refresh(a)
    assert counts == units.refresh(b)
    assert counts == {units.UNITS_FILE: 3355, units.LEGACY_FILE: 10794, units.CHANGES_FILE: 10602}
    for name in FILES:
        raw = (a / name).read_bytes()
        assert raw == (b / name).read_bytes(), name
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw, name
        # The committed CSVs must be what the installed package produces ("do not edit by hand").
        assert raw == (DATA / name).read_bytes(), f"{name} is stale: run `antq units refresh`"


def test_the_unit_index_is_made_again_when_any_of_its_tables_changes() -> None:
    """`units.unit_tables` keeps its last index by the three tables' digests (`antq serve`
    validates again on every edit): the same tables give the same index object, and a
    change to any one of them a new index of the new rows.
    Negative control (run by hand): a key without the changes table's digest fails this."""
    from generator.data.rawcsv import read_table

    def table(text: str) -> Any:
        found, problems = read_table(text.encode(), "t.csv")
        assert found is not None, problems
        return found

    current = table("code,name,kind,parent_code\n42,Hà Tĩnh,tinh,\n18262,Xã Mới,xa,42\n")
    legacy = table("code,full_name,replaced_by\n18263,Xã Cũ,18262\n")
    changes = table("legacy_code,new_code,is_default\n18263,18262,true\n")
    first = units.unit_tables(current, legacy, changes)
    assert units.unit_tables(current, legacy, changes) is first
    moved = table("legacy_code,new_code,is_default\n18263,42,true\n")
    again = units.unit_tables(current, legacy, moved)
    assert again is not first and again.changes == {"18263": [("42", True)]}
    renamed = table("code,name,kind,parent_code\n42,Hà Tĩnh,tinh,\n18262,Xã Mới Tên,xa,42\n")
    assert units.unit_tables(renamed, legacy, moved).current["18262"][0] == "Xã Mới Tên"
