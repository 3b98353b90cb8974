"""Offline maps with folium: self-hosted Leaflet, shared GeoJSON layers, stable output.

folium describes each map (the Leaflet map, its layers, the layer switcher, the initial view);
we keep only the JavaScript it generates and move it into a file of its own, because the
site's Content Security Policy allows no inline script or style. folium's full HTML document
is never used: the map div lives in our own template (site/templates/ban-do.html), which
already has `lang="vi"` and a zoomable viewport.

What folium would fetch from five CDNs is copied from the XStatic wheels instead (Leaflet
1.9.3 is the version folium targets), at versioned URLs so a file never changes under its
name. Bootstrap, Font Awesome and awesome-markers are not loaded at all: markers are
DivIcons drawn by our CSS. jQuery (also in the XStatic wheels) is not loaded either: only
folium.Popup and `GeoJson(embed=False)` need it, and we use neither — popups are built with
DOM calls by site/static/js/ban-do.js, which also fetches the layer data.

The data of each layer is a GeoJSON file of its own that every page showing it shares, so a
service worker caches it once; folium's script only names the files (`AntqMap.*` calls).

folium gives every element a random id (`map_3f2a…`); `_stable_ids` numbers them in tree
order before rendering, so the same data always builds the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

import generator
from generator import codeversion
from generator.data.cache import generation
from generator.output import content_tag

# Where the third-party files are published. Not under /static/: the build's verify stage
# scans every new text file there for phone and ID numbers, and minified Leaflet holds
# constants that look like both (85.0511287798, 6356752.314245179). The version in the path
# keeps each URL's content fixed all the same.
VENDOR_ROOT = "/vendor"
LEAFLET_DIR = f"{VENDOR_ROOT}/leaflet-{xs_leaflet.VERSION}"
CLUSTER_DIR = f"{VENDOR_ROOT}/leaflet.markercluster-{xs_cluster.VERSION}"
LEAFLET_JS = f"{LEAFLET_DIR}/leaflet.js"
LEAFLET_CSS = f"{LEAFLET_DIR}/leaflet.css"
CLUSTER_JS = f"{CLUSTER_DIR}/leaflet.markercluster.js"
CLUSTER_CSS = f"{CLUSTER_DIR}/MarkerCluster.css"
CLUSTER_DEFAULT_CSS = f"{CLUSTER_DIR}/MarkerCluster.Default.css"

# Generated per-map scripts and the basemap: content-hashed names under /static/, which the
# site's headers serve as immutable.
MAP_ASSETS = "/static/ban-do"
# Shared layer data, under stable names (the data changes, the URL does not).
DATA_ROOT = "/ban-do/du-lieu"

# Without a tile layer Leaflet has no zoom limits, and MarkerCluster refuses to start
# ("Map has no maxZoom specified"). 4 shows the whole country with its islands on a phone;
# beyond 17 the points only drift apart.
MIN_ZOOM = 4
MAX_ZOOM = 17
MAPS_CACHE = "maps"  # in the build's cache folder: each drawn map, by its spec and the code
COORD_DECIMALS = 4  # ~11 m: enough to place a village on a map, short files
_SOURCE_MAP = re.compile(rb"\n//# sourceMappingURL=\S+\s*$")


# -- vendor files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VendorFile:
    url: str
    source: Path

    def read(self) -> bytes:
        data = self.source.read_bytes()
        # The .map files are either missing from the wheels or developer-only (220 KB): drop
        # the reference rather than publish a link that cannot resolve.
        return _SOURCE_MAP.sub(b"\n", data) if self.source.suffix == ".js" else data


def vendor_files() -> list[VendorFile]:
    leaflet, cluster = Path(xs_leaflet.BASE_DIR), Path(xs_cluster.BASE_DIR)
    files = [
        VendorFile(LEAFLET_JS, leaflet / "leaflet.js"),
        VendorFile(LEAFLET_CSS, leaflet / "leaflet.css"),
        VendorFile(CLUSTER_JS, cluster / "leaflet.markercluster.js"),
        VendorFile(CLUSTER_CSS, cluster / "MarkerCluster.css"),
        VendorFile(CLUSTER_DEFAULT_CSS, cluster / "MarkerCluster.Default.css"),
    ]
    # leaflet.css points at these (layer switcher icon; default marker icons are unused but
    # referenced, and a checker should find every url() resolved).
    for image in sorted((leaflet / "images").glob("*.png")):
        files.append(VendorFile(f"{LEAFLET_DIR}/images/{image.name}", image))
    return files


def is_vendor_copy(rel: str, data: bytes) -> bool:
    """True when `rel` (a path in the built site) is one of the files above, byte for byte.

    For output scanners: minified Leaflet holds numbers that look like a phone and a citizen
    ID (85.0511287798, 6356752.314245179), which are constants of the library, not data. An
    exemption by content, not by path, cannot hide anything else put under /vendor/."""
    for vendor in vendor_files():
        if vendor.url.lstrip("/") == rel:
            return vendor.read() == data
    return False


# -- a map, described and rendered ----------------------------------------------------------


@dataclass(frozen=True)
class LayerSpec:
    factory: str  # the AntqMap function that builds it: wards, sites, exemplars, provinces
    name: str  # Vietnamese, shown in the layer switcher
    urls: tuple[str, ...]
    options: tuple[tuple[str, Any], ...] = ()
    show: bool = True
    cluster: bool = False


@dataclass(frozen=True)
class MapSpec:
    key: str  # names the script file: "tinh-hai-phong", "tong-quan"
    bounds: Box
    basemap_url: str | None
    basemap_options: tuple[tuple[str, Any], ...] = ()
    layers: tuple[LayerSpec, ...] = ()
    focus_layer: str | None = None  # factory name of the layer `#xa-<code>` looks in


@dataclass(frozen=True)
class RenderedMap:
    dom_id: str
    script: bytes
    script_url: str
    js: tuple[str, ...]
    css: tuple[str, ...]


def render_map(spec: MapSpec, cache_dir: Path | None = None) -> RenderedMap:
    """The map's script and what it loads, drawn by folium (generator.mapdraw) once per
    spec and code version: kept under `cache_dir` (the build's cache folder), so a build
    whose maps are unchanged neither draws them nor imports folium."""
    path = None
    if cache_dir is not None:
        key = hashlib.sha256(f"{_code()}|{spec!r}".encode()).hexdigest()
        path = generation(cache_dir / MAPS_CACHE) / f"{key}.json"
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            return RenderedMap(
                dom_id=kept["dom_id"],
                script=kept["script"].encode(),
                script_url=kept["script_url"],
                js=tuple(kept["js"]),
                css=tuple(kept["css"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # not drawn yet, or a damaged file: drawn again
    from generator import mapdraw  # folium: only when a map is drawn

    rendered = mapdraw.draw(spec)
    if path is not None:
        kept = {
            "dom_id": rendered.dom_id,
            "script": rendered.script.decode(),
            "script_url": rendered.script_url,
            "js": list(rendered.js),
            "css": list(rendered.css),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(kept), encoding="utf-8")
        temporary.replace(path)
    return rendered


@cache
def _code() -> str:
    return codeversion.code_version()


# -- GeoJSON ---------------------------------------------------------------------------------


def dump_geojson(features: list[dict[str, Any]], **members: Any) -> bytes:
    from generator.geo import dump_feature_collection

    return dump_feature_collection(features, **members)


def point(lon: float, lat: float) -> list[float]:
    return [round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS)]


Box = tuple[tuple[float, float], tuple[float, float]]  # (south, west), (north, east)


@dataclass(frozen=True)
class Basemap:
    data: bytes
    url: str
    # province code → the box of its largest polygon (the mainland, without far islands:
    # Khánh Hòa's box would otherwise reach Trường Sa and show the province as a speck)
    cores: dict[str, Box]
    extent: Box  # everything, Hoàng Sa and Trường Sa included


def _coords(value: Any) -> Iterator[tuple[float, float]]:
    if value and isinstance(value[0], (int, float)):
        yield float(value[0]), float(value[1])
    else:
        for item in value:
            yield from _coords(item)


def _ring_area(ring: list[list[float]]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2.0)


def bounds_of(points: Sequence[tuple[float, float]]) -> Box:
    """((south, west), (north, east)) of (lon, lat) points."""
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return (round(min(lats), 5), round(min(lons), 5)), (round(max(lats), 5), round(max(lons), 5))


def basemap_path(data_dir: Path) -> Path | None:
    """data/geo/provinces.geojson of the package being built; packages without one (the test
    fixtures, synthetic packages) use the copy committed with antq, when there is one."""
    for candidate in (
        data_dir / "geo" / "provinces.geojson",
        Path(generator.__file__).resolve().parents[1] / "data" / "geo" / "provinces.geojson",
    ):
        if candidate.is_file():
            return candidate
    return None


# The last basemap read, by its bytes: `antq serve` builds the maps family at each edit,
# and parsing the national basemap again was ~50 ms of each one (issue 18). A Basemap is
# never changed once made.
_BASEMAP: list[Basemap] = []


def load_basemap(data_dir: Path) -> Basemap | None:
    path = basemap_path(data_dir)
    if path is None:
        return None
    data = path.read_bytes()
    if _BASEMAP and _BASEMAP[0].data == data:
        return _BASEMAP[0]
    found = _parse_basemap(data)
    _BASEMAP[:] = [found]
    return found


def _parse_basemap(data: bytes) -> Basemap:
    collection = json.loads(data)
    cores: dict[str, Box] = {}
    everything: list[tuple[float, float]] = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        everything += _coords(geometry["coordinates"])
        if geometry["type"] == "Polygon":
            cores[feature["properties"]["code"]] = bounds_of(list(_coords(geometry["coordinates"])))
        elif geometry["type"] == "MultiPolygon":
            main = max(geometry["coordinates"], key=lambda poly: _ring_area(poly[0]))
            cores[feature["properties"]["code"]] = bounds_of(list(_coords(main)))
    digest = content_tag(data)
    return Basemap(
        data=data,
        url=f"{MAP_ASSETS}/tinh.{digest}.geojson",
        cores=cores,
        extent=bounds_of(everything),
    )
