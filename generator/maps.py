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

import json
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.map import FitBounds
from folium.plugins import MarkerCluster
from folium.template import Template

import generator
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
COORD_DECIMALS = 4  # ~11 m: enough to place a village on a map, short files
_RANDOM_ID = re.compile(r"_[0-9a-f]{32}\b")
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


# -- folium elements ---------------------------------------------------------------------------


class OfflineMap(folium.Map):
    """folium.Map loading only Leaflet, from this site."""

    default_js = [("leaflet", LEAFLET_JS)]
    default_css = [("leaflet_css", LEAFLET_CSS)]


class DataLayer(folium.map.Layer):
    """A layer filled at run time from shared GeoJSON files by `AntqMap.<factory>`."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = AntqMap.{{ this.factory }}(
                {{ this.urls|tojson }},
                {{ this.options|tojson }}
            );
        {% endmacro %}
        """
    )

    def __init__(
        self,
        factory: str,
        urls: Sequence[str],
        name: str,
        options: dict[str, Any] | None = None,
        *,
        show: bool = True,
        control: bool = True,
    ) -> None:
        super().__init__(name=_layer_label(name), overlay=True, control=control, show=show)
        self._name = "DataLayer"
        self.factory = factory
        self.urls = list(urls)
        self.options = options or {}


class ClusterLayer(MarkerCluster):
    """folium's MarkerCluster plugin with its files from this site, filled from GeoJSON.

    Like FastMarkerCluster, markers are made in the browser; unlike it, the points are not
    inlined in the page but fetched from the shared file (5,000 sites stay a small page)."""

    default_js = [("markerclusterjs", CLUSTER_JS)]
    default_css = [
        ("markerclustercss", CLUSTER_CSS),
        ("markerclusterdefaultcss", CLUSTER_DEFAULT_CSS),
    ]
    _template = DataLayer._template

    def __init__(
        self, factory: str, urls: Sequence[str], name: str, options: dict[str, Any] | None = None
    ) -> None:
        super().__init__(name=_layer_label(name))
        self._name = "ClusterLayer"
        self.factory = factory
        self.urls = list(urls)
        self.options = options or {}


class Call(MacroElement):
    """`AntqMap.<function>(map, options, …layers)`: controls and behaviour from ban-do.js."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            AntqMap.{{ this.function }}({{ this._parent.get_name() }}, {{ this.options|tojson }}
            {%- for layer in this.layers %}, {{ layer.get_name() }}{% endfor %});
        {% endmacro %}
        """
    )

    def __init__(
        self, function: str, layers: Sequence[Element] = (), options: dict[str, Any] | None = None
    ) -> None:
        super().__init__()
        self._name = "Call"
        self.function = function
        self.layers = list(layers)
        self.options = options or {}


def _layer_label(name: str) -> str:
    # Leaflet's layer switcher inserts names as HTML.
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _stable_ids(root: Element) -> None:
    """Replace folium's random ids by their order in the tree: same map, same names."""
    for number, element in enumerate(_walk(root)):
        element._id = str(number)
    for element in _walk(root):
        element._children = OrderedDict(
            (child.get_name(), child) for child in element._children.values()
        )


def build_map(spec: MapSpec) -> OfflineMap:
    (south, west), (north, east) = spec.bounds
    fmap = OfflineMap(
        location=[round((south + north) / 2, 5), round((west + east) / 2, 5)],
        tiles=None,
        zoom_start=6,
        zoom_control=False,  # added by AntqMap.controls, with Vietnamese titles
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
        # Half steps: a province fits its box more closely on a phone than whole steps allow.
        zoomSnap=0.5,
    )
    if spec.basemap_url:
        # Always on (it carries Hoàng Sa and Trường Sa): not in the layer switcher.
        DataLayer(
            "basemap",
            [spec.basemap_url],
            "Ranh giới tỉnh",
            dict(spec.basemap_options),
            control=False,
        ).add_to(fmap)
    by_factory: dict[str, folium.map.Layer] = {}
    for layer in spec.layers:
        element: folium.map.Layer
        if layer.cluster:
            element = ClusterLayer(layer.factory, layer.urls, layer.name, dict(layer.options))
            element.show = layer.show
        else:
            element = DataLayer(
                layer.factory, layer.urls, layer.name, dict(layer.options), show=layer.show
            )
        element.add_to(fmap)
        by_factory[layer.factory] = element
    folium.LayerControl(collapsed=True).add_to(fmap)
    fit = FitBounds([list(spec.bounds[0]), list(spec.bounds[1])])
    # No zoom animation on load: an animation still running when `#xa-<code>` centres the
    # map would end by restoring this view.
    fit.options["animate"] = False
    fmap.add_child(fit)
    focus = [by_factory[spec.focus_layer]] if spec.focus_layer else []
    Call("controls", focus).add_to(fmap)
    return fmap


def render_map(spec: MapSpec) -> RenderedMap:
    fmap = build_map(spec)
    figure = fmap.get_root()
    assert isinstance(figure, Figure)
    _stable_ids(figure)
    figure.render()
    js: list[str] = []
    css: list[str] = []
    for child in figure.header._children.values():
        if isinstance(child, JavascriptLink):
            js.append(child.url)
        elif isinstance(child, CssLink):
            css.append(child.url)
        else:
            # folium's viewport meta, its inline <style> (map size, font size: restated in
            # site/static/css/ban-do.css) and the L_NO_TOUCH/L_DISABLE_3D globals (false by
            # default, which is also what Leaflet assumes when they are undefined).
            text = child.render()
            if not ("<style>" in text or "<meta" in text or "L_NO_TOUCH" in text):
                raise ValueError(f"folium emitted an unexpected header element: {text[:80]}")
    html = [c.render().strip() for c in figure.html._children.values()]
    if html != [f'<div class="folium-map" id="{fmap.get_name()}" ></div>']:
        raise ValueError(f"folium emitted unexpected HTML: {html}")
    body = "\n".join(
        line.rstrip() for line in figure.script.render().strip().splitlines() if line.strip()
    )
    if _RANDOM_ID.search(body):
        raise ValueError("a folium element kept its random id")
    for url in js + css:
        if not url.startswith("/"):
            raise ValueError(f"map asset not on this site: {url}")
    script = (
        f"// Bản đồ {spec.key}: tạo bởi antq {generator.__version__} với folium "
        f"{folium.__version__}; dữ liệu trong các tệp GeoJSON dùng chung.\n"
        "(function () {\n"
        '"use strict";\n'
        f"{body}\n"
        "})();\n"
    ).encode()
    digest = content_tag(script)
    return RenderedMap(
        dom_id=fmap.get_name(),
        script=script,
        script_url=f"{MAP_ASSETS}/{spec.key}.{digest}.js",
        js=tuple(js),
        css=tuple(css),
    )


# -- GeoJSON ---------------------------------------------------------------------------------


def dump_geojson(features: list[dict[str, Any]], **members: Any) -> bytes:
    from generator.geo import dump_feature_collection

    return dump_feature_collection(features, **members)


def point(lon: float, lat: float) -> list[float]:
    return [round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS)]


Box = tuple[tuple[float, float], tuple[float, float]]  # (south, west), (north, east)


@dataclass
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


def load_basemap(data_dir: Path) -> Basemap | None:
    path = basemap_path(data_dir)
    if path is None:
        return None
    data = path.read_bytes()
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
