"""The folium half of generator.maps: the elements and the drawing of a map's script. Kept
apart so that only a build that draws a map imports folium (0.6 s of CPU with the templates
its classes compile): `maps.render_map` keeps what it drew in the build's cache folder, and
a build whose maps did not change reads them from there (issue 21: a new article draws no
map)."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.map import FitBounds
from folium.plugins import MarkerCluster
from folium.template import Template

import generator
from generator.maps import (
    CLUSTER_CSS,
    CLUSTER_DEFAULT_CSS,
    CLUSTER_JS,
    LEAFLET_CSS,
    LEAFLET_JS,
    MAP_ASSETS,
    MAX_ZOOM,
    MIN_ZOOM,
    MapSpec,
    RenderedMap,
)
from generator.output import content_tag

_RANDOM_ID = re.compile(r"_[0-9a-f]{32}\b")

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


def draw(spec: MapSpec) -> RenderedMap:
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
