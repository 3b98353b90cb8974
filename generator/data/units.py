"""Reference administrative units: the map since 01/7/2025, the legacy map, and old→new codes.

`refresh` regenerates `units.csv`, `legacy_units.csv` and `unit_changes.csv` from the data files
shipped inside the `vietnamadminunits` package (MIT). We read its SQLite database and converter
JSON directly instead of calling its converter: the converter geocodes street addresses online
and, for an unknown ward, silently falls back to the province alone.

How the converter JSON joins to the SQLite codes (checked against vietnamadminunits 2025 data):

* legacy keys look like ``thanhphocantho_quanninhkieu_phuongcaikhe``, i.e.
  ``f"{provinceKey}_{districtKey}_{wardKey}"`` of a row of ``admin_units_legacy``; the five island
  districts that have no ward rows appear with an empty ward part (``..._huyenlyson_``);
* new keys are ``(new provinceKey, newWardKey)`` and match ``(provinceKey, wardKey)`` of
  ``admin_units``; both key pairs are unique in their tables;
* ``DICT_PROVINCE_WARD_NO_DIVIDED[new_province][new_ward]`` lists the legacy keys that went wholly
  into that new ward; ``DICT_PROVINCE_WARD_DIVIDED[new_province][legacy_key]`` lists the new wards
  a split legacy ward was divided among, exactly one flagged ``isDefaultNewWard``.

Counts obtained from the package data (vietnamadminunits as installed, July 2025 map):
34 provinces and 3,321 wards; 63 legacy provinces, 696 districts, 10,035 legacy wards; every
legacy ward maps (10,597 ward rows, 471 split wards) plus 5 island-district rows, i.e. 10,602
rows in unit_changes.csv. No legacy ward was left unmapped. Districts get a `replaced_by` only
when all their wards went to one unit (14 do: the island districts, Mường Lay, Quảng Trị town,
Ngũ Hành Sơn). All coordinates lie inside the schema's bounds; two Quảng Trị communes (Thượng
Trạch 19147, Đông Trạch 19159) have no area, so Quảng Trị's area is left empty.

`unit_tables` indexes the three tables as the raw reader (rawcsv) opened them, for validation;
`load_unit_tables` opens them itself, for the typed loader.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.data.rawcsv import Table, open_table
from generator.data.schema import display_path
from generator.errors import AntqError

UNITS_FILE = "units.csv"
LEGACY_FILE = "legacy_units.csv"
CHANGES_FILE = "unit_changes.csv"

VALID_FROM = "2025-07-01"
LEGACY_VALID_TO = "2025-06-30"

# Column order must equal the field order of data/schemas/*.yaml.
UNITS_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent_code",
    "valid_from",
    "valid_to",
    "lat",
    "lon",
    "area_km2",
)
LEGACY_FIELDS = (
    "code",
    "name",
    "kind",
    "parent_code",
    "full_name",
    "valid_to",
    "replaced_by",
    "split",
    "lat",
    "lon",
)
CHANGES_FIELDS = ("legacy_code", "new_code", "is_default")

# The schemas bound coordinates to Vietnam's extent (including the offshore archipelagos).
LAT_RANGE = (8.0, 23.5)
LON_RANGE = (102.0, 117.9)

WARD_KINDS = {"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"}
LEGACY_DISTRICT_KINDS = {
    "Quận": "quan",
    "Huyện": "huyen",
    "Thị xã": "thi_xa",
    "Thành phố": "thanh_pho",
}
LEGACY_WARD_KINDS = {"Xã": "xa", "Phường": "phuong", "Thị trấn": "thi_tran"}


def _name_and_kind(name: str, unit_type: str | None, kinds: dict[str, str]) -> tuple[str, str]:
    """Official name (type prefix in canonical case) and kind of a unit.

    The package's type column disagrees with the name in a few rows (e.g. "Phường Việt Hòa"
    typed Xã, "Thị trấn Ngọc Lặc" typed Xã, "Phường 5" of Phú Nhuận typed Xã), while the name
    matches the resolutions; the name's prefix wins. A few names also capitalise the prefix
    ("Thị Xã Buôn Hồ", "Thành Phố Đồng Hới", "Thị Trấn Óc Eo"); official spelling is
    "Thị xã", "Thành phố", "Thị trấn", so only that prefix is re-cased.
    """
    lowered = name.casefold()
    for prefix in sorted(kinds, key=len, reverse=True):
        if lowered.startswith(prefix.casefold() + " "):
            return prefix + name[len(prefix) :], kinds[prefix]
    kind = kinds.get(unit_type or "")
    if kind is None:
        raise RuntimeError(f"cannot tell the kind of {name!r} (type {unit_type!r})")
    return name, kind


# --------------------------------------------------------------------------------------------
# Reading the package data
# --------------------------------------------------------------------------------------------


def _package_data_dir() -> Path:
    # find_spec locates the package without importing it: its __init__ loads the parser and the
    # converter (and their geocoding dependencies), none of which we need.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the vietnamadminunits package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_table(db: Path, table: str) -> list[dict[str, Any]]:
    # Read-only URI so a refresh can never modify the installed package.
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        con.row_factory = sqlite3.Row
        # Fixed row order keeps float sums (province areas) byte-identical between runs.
        return [dict(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY rowid")]
    finally:
        con.close()


def _coord(lat: float | None, lon: float | None) -> tuple[str, str]:
    # A point outside the country's extent is a geocoding error; leave it empty rather than
    # publish a wrong location.
    if lat is None or lon is None:
        return "", ""
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        return "", ""
    return _num(lat), _num(lon)


def _num(x: float | None, digits: int = 6) -> str:
    return "" if x is None else repr(round(float(x), digits))


def _bool(b: bool) -> str:
    return "true" if b else "false"


def _check_code(code: Any, width: int, what: str) -> str:
    # Codes are identifiers, not numbers: they must stay zero-padded strings.
    if not isinstance(code, str) or len(code) != width or not code.isdigit():
        raise RuntimeError(f"unexpected {what} code {code!r} in vietnamadminunits data")
    return code


# --------------------------------------------------------------------------------------------
# Building the three tables
# --------------------------------------------------------------------------------------------


def _build_current(
    current: list[dict[str, Any]],
) -> tuple[list[list[str]], dict[tuple[str, str], str]]:
    """Rows of units.csv and the (provinceKey, wardKey) → ward code index."""
    provinces: dict[str, dict[str, Any]] = {}
    areas: dict[str, list[float | None]] = defaultdict(list)
    wards: list[list[str]] = []
    key_to_code: dict[tuple[str, str], str] = {}
    for r in current:
        pcode = _check_code(r["provinceCode"], 2, "province")
        wcode = _check_code(r["wardCode"], 5, "ward")
        provinces.setdefault(pcode, r)
        areas[pcode].append(r["wardAreaKm2"])
        key = (r["provinceKey"], r["wardKey"])
        if key in key_to_code:
            raise RuntimeError(f"duplicate ward key {key} in admin_units")
        key_to_code[key] = wcode
        name, kind = _name_and_kind(r["ward"], r["wardType"], WARD_KINDS)
        lat, lon = _coord(r["wardLat"], r["wardLon"])
        wards.append(
            [wcode, name, r["wardShort"], kind, pcode, VALID_FROM, "", lat, lon]
            + [_num(r["wardAreaKm2"])]
        )
    if len({w[0] for w in wards}) != len(wards):
        raise RuntimeError("duplicate ward codes in admin_units")

    rows: list[list[str]] = []
    for pcode in sorted(provinces):
        p = provinces[pcode]
        kind = "thanh_pho_tw" if p["province"].startswith("Thành phố") else "tinh"
        ward_areas = areas[pcode]
        # A partial sum would understate the province (Quảng Trị lacks two large communes'
        # areas in the package), so the province area is left empty unless every ward has one.
        area = (
            ""
            if any(a is None for a in ward_areas)
            else _num(sum(a for a in ward_areas if a is not None), 2)
        )
        lat, lon = _coord(p["provinceLat"], p["provinceLon"])
        rows.append(
            [pcode, p["province"], p["provinceShort"], kind, "", VALID_FROM, "", lat, lon, area]
        )
    rows.extend(sorted(wards, key=lambda w: w[0]))
    return rows, key_to_code


def _build_changes(
    converter: dict[str, Any],
    legacy_keys: dict[str, str],
    new_key_to_code: dict[tuple[str, str], str],
) -> dict[str, list[tuple[str, bool]]]:
    """legacy code → [(new code, is_default)], from the converter JSON."""
    changes: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    unknown: list[str] = []

    def add(legacy_key: str, new_province: str, new_ward: str, default: bool) -> None:
        old = legacy_keys.get(legacy_key)
        new = new_key_to_code.get((new_province, new_ward))
        if old is None or new is None:
            unknown.append(f"{legacy_key} → {new_province}/{new_ward}")
            return
        changes[old].append((new, default))

    for new_province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, legacy_list in wards.items():
            for legacy_key in legacy_list:
                add(legacy_key, new_province, new_ward, True)
    for new_province, split_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for legacy_key, targets in split_wards.items():
            for t in targets:
                add(legacy_key, new_province, t["newWardKey"], bool(t["isDefaultNewWard"]))
    if unknown:
        raise RuntimeError("converter keys not found in dataset.db: " + "; ".join(unknown[:20]))

    for old, lst in changes.items():
        if len({n for n, _ in lst}) != len(lst):
            raise RuntimeError(f"legacy unit {old} maps twice to the same new unit")
        if sum(d for _, d in lst) != 1:
            raise RuntimeError(f"legacy unit {old} has {sum(d for _, d in lst)} default successors")
    return changes


def _build(pkg_data: Path) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    db = pkg_data / "dataset.db"
    current = _read_table(db, "admin_units")
    legacy = _read_table(db, "admin_units_legacy")
    converter = json.loads((pkg_data / "converter_2025.json").read_text(encoding="utf-8"))

    unit_rows, new_key_to_code = _build_current(current)
    new_kind = {r[0]: r[3] for r in unit_rows}
    new_province_code = {
        r["provinceKey"]: _check_code(r["provinceCode"], 2, "province") for r in current
    }

    # Legacy key → legacy code. Ward rows key by ward code; the island districts (no ward rows,
    # their key ends in "_") key by district code, because the district itself became a đặc khu.
    legacy_keys: dict[str, str] = {}
    island_districts: list[str] = []
    for r in legacy:
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if r["wardCode"] is None:
            code = _check_code(r["districtCode"], 3, "district")
            island_districts.append(code)
        else:
            code = _check_code(r["wardCode"], 5, "legacy ward")
        if key in legacy_keys:
            raise RuntimeError(f"duplicate legacy key {key}")
        legacy_keys[key] = code

    changes = _build_changes(converter, legacy_keys, new_key_to_code)

    unmapped = sorted(set(legacy_keys.values()) - set(changes))
    if unmapped:
        raise RuntimeError("legacy units without a successor: " + ", ".join(unmapped))
    for code in island_districts:
        # These districts had no wards and must land on a single đặc khu, not on a province.
        targets = changes[code]
        if len(targets) != 1 or new_kind[targets[0][0]] != "dac_khu":
            raise RuntimeError(
                f"island district {code} does not map to one special zone (dac_khu): {targets}"
            )

    # Legacy province → current province it merged into.
    province_successor: dict[str, str] = {}
    for new_pkey, old_pkeys in converter["DICT_PROVINCE"].items():
        for old_pkey in old_pkeys:
            province_successor[old_pkey] = new_province_code[new_pkey]

    legacy_rows = _build_legacy(legacy, changes, province_successor)
    change_rows = [
        [old, new, _bool(default)] for old, lst in changes.items() for new, default in lst
    ]
    change_rows.sort(key=lambda r: (r[0], r[1]))
    return unit_rows, legacy_rows, change_rows


def _build_legacy(
    legacy: list[dict[str, Any]],
    changes: dict[str, list[tuple[str, bool]]],
    province_successor: dict[str, str],
) -> list[list[str]]:
    """The legacy (pre-merger) units as rows: provinces, districts and wards with their successors.

    Long because it walks the legacy list once, filling provinces, districts and their successor
    targets together, then writes the rows in one pass.
    """
    provinces: dict[str, dict[str, Any]] = {}
    districts: dict[str, dict[str, Any]] = {}
    district_targets: dict[str, set[str]] = defaultdict(set)
    rows: list[list[str]] = []

    for r in legacy:
        pcode, dcode = r["provinceCode"], r["districtCode"]
        provinces.setdefault(pcode, r)
        districts.setdefault(dcode, r)
        wcode = r["wardCode"]
        if wcode is None:  # island district: its own change row, handled below
            district_targets[dcode].update(n for n, _ in changes[dcode])
            continue
        targets = changes[wcode]
        district_targets[dcode].update(n for n, _ in targets)
        name, kind = _name_and_kind(r["ward"], r["wardType"], LEGACY_WARD_KINDS)
        district, _ = _name_and_kind(r["district"], r["districtType"], LEGACY_DISTRICT_KINDS)
        default = next(n for n, d in targets if d)
        lat, lon = _coord(r["wardLat"], r["wardLon"])
        rows.append(
            [
                wcode,
                name,
                kind,
                dcode,
                f"{name}, {district}, {r['province']}",
                LEGACY_VALID_TO,
                default,
                _bool(len(targets) > 1),
                lat,
                lon,
            ]
        )

    for dcode, r in districts.items():
        district, kind = _name_and_kind(r["district"], r["districtType"], LEGACY_DISTRICT_KINDS)
        # Districts were abolished rather than merged; only when every ward (all candidates,
        # not just defaults) went to one new unit is there a single successor to name.
        successors = district_targets[dcode]
        replaced_by = next(iter(successors)) if len(successors) == 1 else ""
        lat, lon = _coord(r["districtLat"], r["districtLon"])
        # `split` mirrors unit_changes (more than one row for the code); districts have rows only
        # for the islands, each with exactly one target, so it is false at this level.
        rows.append(
            [
                dcode,
                district,
                kind,
                r["provinceCode"],
                f"{district}, {r['province']}",
                LEGACY_VALID_TO,
                replaced_by,
                _bool(len(changes.get(dcode, ())) > 1),
                lat,
                lon,
            ]
        )

    for pcode, r in provinces.items():
        kind = "thanh_pho_tw" if r["province"].startswith("Thành phố") else "tinh"
        successor = province_successor.get(r["provinceKey"])
        if successor is None:
            raise RuntimeError(f"legacy province {pcode} missing from DICT_PROVINCE")
        lat, lon = _coord(r["provinceLat"], r["provinceLon"])
        # Provinces merged whole (each old province is in exactly one new one): never split.
        rows.append(
            [
                pcode,
                r["province"],
                kind,
                "",
                r["province"],
                LEGACY_VALID_TO,
                successor,
                "false",
                lat,
                lon,
            ]
        )

    rows.sort(key=lambda row: (len(row[0]), row[0]))
    return rows


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    # Write to a sibling temp file and rename, so a failed refresh never leaves a half file.
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    os.replace(tmp, path)
    return n


def refresh(data_dir: Path) -> dict[str, int]:
    """Regenerate the three unit CSVs in `data_dir`; return the row count of each file."""
    unit_rows, legacy_rows, change_rows = _build(_package_data_dir())
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        UNITS_FILE: _write_csv(data_dir / UNITS_FILE, UNITS_FIELDS, unit_rows),
        LEGACY_FILE: _write_csv(data_dir / LEGACY_FILE, LEGACY_FIELDS, legacy_rows),
        CHANGES_FILE: _write_csv(data_dir / CHANGES_FILE, CHANGES_FIELDS, change_rows),
    }


# --------------------------------------------------------------------------------------------
# Fast, dependency-free reader
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitTables:
    """The three unit tables, indexed for lookups during validation."""

    # code → (name, kind, parent_code)
    current: dict[str, tuple[str, str, str]]
    # legacy code → (full_name, replaced_by)
    legacy: dict[str, tuple[str, str]]
    # legacy code → [(new_code, is_default), ...], default first
    changes: dict[str, list[tuple[str, bool]]]

    def resolve_legacy(self, code: str) -> list[tuple[str, bool]]:
        return resolve_legacy(self, code)


class UnitTablesError(AntqError):
    """A unit table could not be read (its lines are the raw reader's, as validation says)."""


def load_unit_tables(data_dir: Path) -> UnitTables:
    data_dir = Path(data_dir)
    tables: list[Table] = []
    problems: list[str] = []
    for name in (UNITS_FILE, LEGACY_FILE, CHANGES_FILE):
        path = data_dir / name
        table, found = open_table(path, display_path(path), name.removesuffix(".csv"))
        problems += [p.line() for p in found]
        if table is not None:
            tables.append(table)
    if problems:
        raise UnitTablesError(problems)
    return unit_tables(*tables)


# The last index made, by the three tables' digests: a long-lived process (`antq serve`)
# validates the national package again on every edit, and indexing 10,000 units and their
# changes took ~0.075 s of each rebuild. The index is read, never changed, by its users.
_LAST_INDEX: dict[tuple[str, str, str], UnitTables] = {}


def unit_tables(units_table: Table, legacy_table: Table, changes_table: Table) -> UnitTables:
    """Index the three tables; columns by name, in any order (validation checked them)."""
    key = (units_table.sha256, legacy_table.sha256, changes_table.sha256)
    if key not in _LAST_INDEX:
        _LAST_INDEX.clear()
        _LAST_INDEX[key] = _index(units_table, legacy_table, changes_table)
    return _LAST_INDEX[key]


def _index(units_table: Table, legacy_table: Table, changes_table: Table) -> UnitTables:
    current = {
        r["code"].strip(): (r["name"], r["kind"], r["parent_code"].strip())
        for r in units_table.records()
    }
    legacy = {
        r["code"].strip(): (r["full_name"], r["replaced_by"].strip())
        for r in legacy_table.records()
    }
    changes: dict[str, list[tuple[str, bool]]] = {}
    for r in changes_table.records():
        changes.setdefault(r["legacy_code"].strip(), []).append(
            (r["new_code"].strip(), r["is_default"].strip().lower() == "true")
        )
    for lst in changes.values():
        if len(lst) > 1:
            lst.sort(key=lambda t: (not t[1], t[0]))
    return UnitTables(current=current, legacy=legacy, changes=changes)


def resolve_legacy(tables: UnitTables, code: str) -> list[tuple[str, bool]]:
    """Current units that replaced legacy unit `code`, default first; [] if unknown.

    Wards (and the island districts) resolve through unit_changes. Legacy provinces, and
    districts whose wards all went to one unit, have no change rows but a `replaced_by`, which is
    returned as the single default candidate. Other districts were divided among many new wards
    and resolve to [] because no single successor exists.
    """
    found = tables.changes.get(code)
    if found:
        return list(found)
    entry = tables.legacy.get(code)
    if entry is not None and entry[1]:
        return [(entry[1], True)]
    return []
