"""Map pages: one for the site's scope (/ban-do/) and one per province (/ban-do/<slug>/).

Each map page also lists, as a plain table, what its map shows (xã with their result, model
sites per xã, links), so the page says everything with JavaScript off. The layers' data are
GeoJSON files shared by the pages that show them:

    /ban-do/du-lieu/<slug>/xa.geojson            xã/phường/đặc khu points with this year's result
    /ban-do/du-lieu/<slug>/diem-mo-hinh.geojson  one MultiPoint feature per model: its sites
    /ban-do/du-lieu/tinh.geojson                 per province: centre, counts, links
    /static/ban-do/tinh.<hash>.geojson           the basemap (data/geo/provinces.geojson)

The scope map loads the provinces' xa.geojson files (the same ones the province maps use)
but not their model sites: 124,000 points would weigh megabytes, so it shows one marker per
province with its number of sites, linking to the province map where they are clustered.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import maps
from generator.deps import unit_key
from generator.model import Province, SiteModel
from generator.pages import FileOutput, Page, Source

RANK = 120  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    map_pages, map_files = outputs(source.model, source.data_dir, source)
    yield from map_pages
    yield from map_files


OVERVIEW_URL = "/ban-do/"
RESULT_KEYS = ("dat", "chua_dat", "none")


def _file(url: str, data: bytes) -> FileOutput:
    digest = hashlib.sha256(data).hexdigest()
    return FileOutput(url, f"map:{digest}", lambda: data)


def map_url(province: Province) -> str:
    return f"{OVERVIEW_URL}{province.slug}/"


def _data_url(province: Province, name: str) -> str:
    return f"{maps.DATA_ROOT}/{province.slug}/{name}"


def _ward_rows(model: SiteModel, province: Province) -> list[dict[str, Any]]:
    year = model.current_year
    rows = []
    for ward in province.wards:
        own = ward.own_result.get(year) if year else None
        sites = [s for s in ward.sites if s.model_id in model.model_by_id]
        rows.append(
            {
                "code": ward.code,
                "name": ward.name,
                "url": ward.url,
                "result": own.result if own else None,
                "sites": len(sites),
                "exemplars": sum(1 for s in sites if s.exemplar),
                # "điển hình" recognised in the xã (the xã itself or its places), any year
                "recognised": sum(1 for e in ward.exemplars if e.status == "cong_nhan"),
                "located": ward.unit.lat is not None and ward.unit.lon is not None,
                "lat": ward.unit.lat,
                "lon": ward.unit.lon,
            }
        )
    return rows


def _wards_geojson(model: SiteModel, rows: list[dict[str, Any]]) -> bytes:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": maps.point(r["lon"], r["lat"])},
            "properties": {
                "code": r["code"],
                "name": r["name"],
                "url": r["url"],
                "year": model.current_year,
                "result": r["result"],
                "model_sites": r["sites"],
                "exemplars_recognised": r["recognised"],
            },
        }
        for r in rows
        if r["located"]
    ]
    return maps.dump_geojson(features)


def _sites_geojson(model: SiteModel, province: Province) -> tuple[bytes, int]:
    """One MultiPoint feature per model; `unit_codes[i]` is the xã of point i, `exemplar`
    lists the indexes of exemplary sites. Parallel arrays keep 5,000 sites near 150 KB where
    a Feature per site would pass 550 KB."""
    by_model: dict[str, list[Any]] = {}
    for ward in province.wards:
        for site in ward.sites:
            if site.lat is None or site.lon is None or site.model_id not in model.model_by_id:
                continue
            by_model.setdefault(site.model_id, []).append(site)
    features = []
    located = 0
    for model_id in sorted(by_model):
        entry = model.model_by_id[model_id]
        sites = sorted(by_model[model_id], key=lambda s: s.id)
        located += len(sites)
        marked = [i for i, s in enumerate(sites) if s.exemplar]
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "MultiPoint",
                    "coordinates": [maps.point(s.lon, s.lat) for s in sites],
                },
                "properties": {
                    "id": model_id,
                    "name": entry.model.name,
                    "url": entry.url,
                    "unit_codes": [s.unit_code for s in sites],
                    "exemplar": marked,
                },
            }
        )
    return maps.dump_geojson(features), located


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counter = Counter(r["result"] or "none" for r in rows)
    return {key: counter.get(key, 0) for key in RESULT_KEYS}


def _map_view(rendered: maps.RenderedMap, label: str) -> dict[str, Any]:
    return {
        "id": rendered.dom_id,
        "label": label,
        "script": rendered.script_url,
        "js": list(rendered.js),
        "css": list(rendered.css),
    }


# xã points this far (degrees) outside a province's mainland box still widen the first view;
# farther ones (Bạch Long Vĩ, Trường Sa) are reached by panning or by their #xa- link.
NEAR = 0.25


def _bounds(basemap: maps.Basemap | None, code: str | None, rows: list[dict[str, Any]]) -> maps.Box:
    """The first view: a province's mainland and its nearby xã, or the whole country."""
    located = [(r["lon"], r["lat"]) for r in rows if r["located"]]
    core = None
    if basemap is not None:
        core = basemap.extent if code is None else basemap.cores.get(code)
    if core is None:
        return maps.bounds_of(located or [(102.1, 8.4), (114.5, 23.4)])
    (s, w), (n, e) = core
    near = [
        (lon, lat)
        for lon, lat in located
        if s - NEAR <= lat <= n + NEAR and w - NEAR <= lon <= e + NEAR
    ]
    return maps.bounds_of([(w, s), (e, n), *near])


def outputs(
    model: SiteModel, data_dir: Path, source: Source | None = None
) -> tuple[list[Page], list[FileOutput]]:
    """Every map page and the files they load: vendor scripts, the basemap, one map per
    province (with its GeoJSON layers), then the overview that draws on all of them. In
    `antq serve` a province's map whose records no changed row feeds is the last build's
    (`Source.reused`: it reads its province's and xã's rows, `u:` the province)."""
    basemap = maps.load_basemap(data_dir)
    files = [FileOutput(v.url, f"vendor:{v.url}:{_hash(v)}", v.read) for v in maps.vendor_files()]
    if basemap is not None:
        files.append(_file(basemap.url, basemap.data))
    provinces = [
        source.reused(
            f"maps:{province.code}",
            frozenset({unit_key(province.code)}),
            functools.partial(_province_map, model, province, basemap),
        )
        if source is not None
        else _province_map(model, province, basemap)
        for province in model.provinces
    ]
    for built in provinces:
        files += built.files
    overview, overview_files = _overview_map(model, basemap, provinces)
    return [p.page for p in provinces] + [overview], files + overview_files


@dataclass
class _ProvinceMap:
    """One province's map page, its files, and what the overview needs from it."""

    page: Page
    files: list[FileOutput]
    rows: list[dict[str, Any]]  # its xã (for the overview's fallback bounds)
    wards_url: str  # its xa.geojson, also a layer of the overview
    summary: dict[str, Any]  # its line in tinh.geojson and the overview's table


def _province_map(
    model: SiteModel, province: Province, basemap: maps.Basemap | None
) -> _ProvinceMap:
    """The province's GeoJSON layers, its rendered map script and its page.

    Long because it builds the province's layers, the folium map and the page together, sharing the
    layer data.
    """
    rows = _ward_rows(model, province)
    wards_url = _data_url(province, "xa.geojson")
    sites_url = _data_url(province, "diem-mo-hinh.geojson")
    sites_data, located = _sites_geojson(model, province)
    spec = maps.MapSpec(
        key=f"tinh-{province.slug}",
        bounds=_bounds(basemap, province.code, rows),
        basemap_url=basemap.url if basemap else None,
        basemap_options=(("current", province.code),),
        layers=(
            maps.LayerSpec("wards", "Xã, phường, đặc khu", (wards_url,)),
            maps.LayerSpec(
                "sites", "Điểm mô hình (gom nhóm)", (sites_url, wards_url), cluster=True
            ),
            maps.LayerSpec(
                "exemplars", "Điểm mô hình điển hình", (sites_url, wards_url), show=False
            ),
        ),
        focus_layer="wards",
    )
    rendered = maps.render_map(spec)
    files = [
        _file(wards_url, _wards_geojson(model, rows)),
        _file(sites_url, sites_data),
        _file(rendered.script_url, rendered.script),
    ]
    counts = _counts(rows)
    total_sites = sum(r["sites"] for r in rows)
    page = Page(
        url=map_url(province),
        templates=[f"ban-do-{province.code}.html", "ban-do.html"],
        context={
            "map": _map_view(rendered, f"Bản đồ {province.name}"),
            "province": {"code": province.code, "name": province.name, "url": province.url},
            "overview_url": OVERVIEW_URL,
            "year": model.current_year,
            "counts": counts,
            "sites": {
                "total": total_sites,
                "located": located,
                "exemplars": sum(r["exemplars"] for r in rows),
            },
            "wards": [{k: r[k] for k in _WARD_KEYS} for r in rows],
            "downloads": [
                {"label": "Xã, phường, đặc khu", "url": wards_url},
                {"label": "Điểm mô hình", "url": sites_url},
            ],
        },
        title=f"Bản đồ {province.name}",
    )
    summary = {
        "code": province.code,
        "name": province.name,
        "url": province.url,
        "map_url": map_url(province),
        "wards": len(rows),
        **counts,
        "sites": total_sites,
        "lat": province.unit.lat,
        "lon": province.unit.lon,
    }
    return _ProvinceMap(page, files, rows, wards_url, summary)


_WARD_KEYS = ("code", "name", "url", "result", "sites", "exemplars", "located")


def _overview_map(
    model: SiteModel, basemap: maps.Basemap | None, provinces: list[_ProvinceMap]
) -> tuple[Page, list[FileOutput]]:
    """The scope's map: every province's xã layer and one summary marker per province."""
    summary = [p.summary for p in provinces]
    all_rows = [row for p in provinces for row in p.rows]
    provinces_url = f"{maps.DATA_ROOT}/tinh.geojson"
    spec = maps.MapSpec(
        key="tong-quan",
        # The whole country, Hoàng Sa and Trường Sa included, whatever the scope.
        bounds=_bounds(basemap, None, [] if basemap else all_rows),
        basemap_url=basemap.url if basemap else None,
        basemap_options=(("summary", provinces_url),),
        layers=(
            maps.LayerSpec(
                "wards",
                "Xã, phường, đặc khu",
                tuple(p.wards_url for p in provinces),
                # Thousands of xã: canvas dots, not one element each (AntqMap.wards).
                (("keyboard", False), ("dots", True)),
            ),
            # Off at first: 34 labels crowd a phone-sized country view; tapping a
            # province shows the same figures (AntqMap.basemap, `summary`).
            maps.LayerSpec("provinces", "Số điểm mô hình theo tỉnh", (provinces_url,), show=False),
        ),
    )
    rendered = maps.render_map(spec)
    files = [
        _file(provinces_url, _provinces_geojson(summary)),
        _file(rendered.script_url, rendered.script),
    ]
    totals = {key: sum(p[key] for p in summary) for key in (*RESULT_KEYS, "wards", "sites")}
    title = "Bản đồ cả nước" if model.settings.national else "Bản đồ"
    page = Page(
        url=OVERVIEW_URL,
        templates=["ban-do-tong-quan.html"],
        context={
            "map": _map_view(rendered, title),
            "year": model.current_year,
            "provinces": [{k: v for k, v in p.items() if k not in ("lat", "lon")} for p in summary],
            "totals": totals,
            "downloads": [{"label": "Tổng hợp theo tỉnh", "url": provinces_url}]
            + ([{"label": "Ranh giới tỉnh", "url": basemap.url}] if basemap else []),
        },
        title=title,
    )
    return page, files


def _hash(vendor: maps.VendorFile) -> str:
    return hashlib.sha256(vendor.read()).hexdigest()


def _provinces_geojson(summary: list[dict[str, Any]]) -> bytes:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": maps.point(p["lon"], p["lat"])},
            "properties": {k: v for k, v in p.items() if k not in ("lat", "lon")},
        }
        for p in summary
        if p["lat"] is not None and p["lon"] is not None
    ]
    return maps.dump_geojson(features)
