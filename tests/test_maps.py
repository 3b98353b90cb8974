"""Offline maps (issue 4): the basemap, the GeoJSON layers, stable bytes, pages that work
without JavaScript, and the province map in Debian Chromium under the site's CSP with the
network blocked (plus a negative control with Leaflet deleted)."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import geo, maps
from generator.build import BuildOptions, build_site

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOPOJSON = FIXTURES / "geo" / "vnm.topo.json"
BASEMAP = ROOT / "data" / "geo" / "provinces.geojson"
EPOCH = "1763683200"  # 21/11/2025
PROVINCE = "/ban-do/hai-phong/"


def _build(tmp: Path, name: str) -> Path:
    """The good fixture package (as `make_package` copies it) with the repository's theme."""
    data, site, out = tmp / f"{name}-data", tmp / f"{name}-site", tmp / name
    if not data.exists():
        shutil.copytree(FIXTURES / "good", data)
        shutil.copytree(ROOT / "site", site)
    build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=site, full=True))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("maps")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        mp.setenv("ANTQ_CACHE_DIR", str(tmp / "cache"))
        yield _build(tmp, "public")


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _html(out: Path, url: str) -> str:
    return (out / url.lstrip("/") / "index.html").read_text(encoding="utf-8")


def _units(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the basemap ------------------------------------------------------------------------------


def test_basemap_has_34_provinces_and_both_archipelagos() -> None:
    assert BASEMAP.stat().st_size <= 100_000
    features = _json(BASEMAP)["features"]
    polygons = [f for f in features if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]
    units = _units(ROOT / "data" / "units.csv")
    provinces = {u["code"]: u["name"] for u in units if not u["parent_code"]}
    assert len(provinces) == 34
    assert {f["properties"]["code"]: f["properties"]["name"] for f in polygons} == provinces
    # 63 old provinces, each in exactly one new one
    legacy = [name for f in polygons for name in f["properties"]["legacy"]]
    assert len(legacy) == len(set(legacy)) == 63
    points = {f["properties"]["name"]: f for f in features if f["geometry"]["type"] == "Point"}
    assert set(points) == {"Đặc khu Hoàng Sa", "Đặc khu Trường Sa"}
    for unit in units:
        if unit["name"] in points:
            lon, lat = points[unit["name"]]["geometry"]["coordinates"]
            assert (lat, lon) == (float(unit["lat"]), float(unit["lon"]))
            assert lon > 111  # east of anything Natural Earth draws


def test_basemap_command_reproduces_the_committed_file(tmp_path: Path) -> None:
    import shapely  # noqa: F401  (in the test extra: an ImportError fails the test)
    from typer.testing import CliRunner

    from generator.cli import app

    out = tmp_path / "provinces.geojson"
    result = CliRunner().invoke(
        app,
        [
            "geo",
            "basemap",
            "--topojson",
            str(TOPOJSON),
            "--out",
            str(out),
            "--data",
            str(ROOT / "data"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == BASEMAP.read_bytes()


@pytest.mark.parametrize(
    "change",
    [
        {"Đông Bắc": "Thái Nguyên"},  # a region name mapped to the wrong province
        {"Đông Nam Bộ": "Bình Dương"},
        {"Ð?ng Tháp": None},  # the broken name left unmapped
    ],
)
def test_a_wrong_alias_stops_the_command(
    change: dict[str, str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shapely  # noqa: F401  (in the test extra: an ImportError fails the test)

    aliases = dict(geo.ALIASES)
    for name, target in change.items():
        if target is None:
            del aliases[name]
        else:
            aliases[name] = target
    monkeypatch.setattr(geo, "ALIASES", aliases)
    with pytest.raises(geo.GeoError):
        geo.build_basemap(TOPOJSON, ROOT / "data")


# -- layers and pages -------------------------------------------------------------------------


def test_province_layers_hold_what_the_data_says(built: Path) -> None:
    wards = _json(built / "ban-do/du-lieu/hai-phong/xa.geojson")
    by_code = {f["properties"]["code"]: f for f in wards["features"]}
    assert set(by_code) == {"11113", "11140", "11146"}
    tan_ky = by_code["11113"]
    assert tan_ky["geometry"] == {"type": "Point", "coordinates": [106.344, 20.8232]}
    assert tan_ky["properties"] == {
        "code": "11113",
        "name": "Xã Tân Kỳ",
        "url": "/tinh/hai-phong/xa-tan-ky/",
        "year": 2025,
        "result": "dat",
        "model_sites": 2,
        "exemplars_recognised": 1,  # its "điển hình" recognitions (exemplar_recognitions)
    }
    assert by_code["11140"]["properties"]["result"] is None  # a thôn's result is not the xã's
    for feature in wards["features"]:
        assert (built / feature["properties"]["url"].lstrip("/") / "index.html").is_file()

    sites = _json(built / "ban-do/du-lieu/hai-phong/diem-mo-hinh.geojson")
    # One MultiPoint per model; the site without coordinates (ttq-nghi-khe) is left out.
    (feature,) = sites["features"]
    assert feature["geometry"] == {
        "type": "MultiPoint",
        "coordinates": [[106.4502, 20.7851], [106.3571, 20.8301]],
    }
    props = feature["properties"]
    assert props["url"] == "/mo-hinh/tieng-keng-an-ninh/"
    assert props["unit_codes"] == ["11140", "11113"] and props["exemplar"] == [0]
    assert (built / "mo-hinh/tieng-keng-an-ninh/index.html").is_file()

    summary = {
        f["properties"]["code"]: f["properties"]
        for f in _json(built / "ban-do/du-lieu/tinh.geojson")["features"]
    }
    assert summary["31"]["map_url"] == PROVINCE
    assert (summary["31"]["wards"], summary["31"]["dat"], summary["31"]["sites"]) == (3, 1, 3)


def test_map_pages_have_no_inline_code_and_load_only_this_site(built: Path) -> None:
    for url in ("/ban-do/", PROVINCE):
        html = _html(built, url)
        assert '<html lang="vi">' in html and "user-scalable" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
        assert "<style" not in html and " style=" not in html
        for ref in re.findall(r'(?:src|href)="([^"#]*)', html):
            assert not ref.startswith(("http:", "https:", "//")) or ref.startswith(
                ("https://antq.netlify.app/", "https://www.naturalearthdata.com/")
            ), ref
        for ref in re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"', html):
            assert (built / ref.lstrip("/")).is_file(), ref
    scripts = list((built / "static/ban-do").glob("*.js"))
    assert len(scripts) == 4  # 3 provinces + the overview
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        assert "L.map(" in text and "maxZoom" in text and "minZoom" in text
        assert not re.search(r"_[0-9a-f]{32}\b", text)  # no random folium ids
        assert "http" not in text


def test_map_page_says_everything_without_javascript(built: Path) -> None:
    html = _html(built, PROVINCE)
    # Without JavaScript the map's place says so (ban-do-tai.js swaps the line for the
    # "Xem bản đồ" button; ban-do.js removes both).
    assert '<p class="bd-khong-js">' in html and "data-ban-do hidden" not in html
    assert '<button type="button" class="bd-mo" hidden>Xem bản đồ</button>' in html
    for code, name, url in (
        ("11113", "Xã Tân Kỳ", "/tinh/hai-phong/xa-tan-ky/"),
        ("11140", "Xã Lạc Phượng", "/tinh/hai-phong/xa-lac-phuong/"),
    ):
        row = re.search(rf'<tr id="xa-{code}">(.*?)</tr>', html)
        assert row, code
        assert f'<a href="{url}">{name}</a>' in row.group(1)
    tan_ky = re.search(r'<tr id="xa-11113">(.*?)</tr>', html)
    assert tan_ky and "Đạt" in tan_ky.group(1) and "(1 điển hình)" in tan_ky.group(1)
    lac = re.search(r'<tr id="xa-11140">(.*?)</tr>', html)
    assert lac and "Chưa có dữ liệu" in lac.group(1)
    assert "1 điểm mô hình chưa có tọa độ" in html
    overview = _html(built, "/ban-do/")
    assert f'<a href="{PROVINCE}">Thành phố Hải Phòng</a>' in overview
    # Each xã page links to its province map, centred on it; the province page too.
    ward = _html(built, "/tinh/hai-phong/xa-tan-ky/")
    assert f'href="{PROVINCE}#xa-11113"' in ward
    assert f'href="{PROVINCE}"' in _html(built, "/tinh/hai-phong/")


def test_same_data_builds_the_same_map_bytes(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = _build(tmp_path, "again")

    def map_files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for top in ("ban-do", "static/ban-do", "vendor")
            for p in sorted((root / top).rglob("*"))
            if p.is_file()
        }

    first, second = map_files(built), map_files(again)
    assert len(first) > 15 and first == second


def test_vendor_files_are_the_wheels_own(built: Path) -> None:
    for vendor in maps.vendor_files():
        data = vendor.read()
        rel = vendor.url.lstrip("/")
        assert (built / rel).read_bytes() == data and maps.is_vendor_copy(rel, data)
        assert not maps.is_vendor_copy(rel, data + b"\n// 0912345678")
        assert vendor.url.startswith(("/vendor/leaflet-1.9.3/", "/vendor/leaflet.markercluster-"))
        assert (
            data.rstrip() == vendor.source.read_bytes().split(b"\n//# sourceMappingURL")[0].rstrip()
        )


# -- in the browser ---------------------------------------------------------------------------

CSP_PROBE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _collect_errors(page: Any, errors: list[str]) -> None:
    """Console errors and uncaught exceptions, except Chromium's own request for
    /favicon.ico (the site has no favicon; no page asks for one)."""

    def on_console(message: Any) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))


def _check_map(browser: Any, root: Path, path: str, timeout: float = 5000) -> dict[str, Any]:
    """Open a map page with the network blocked and the site's headers (CSP included); fail
    unless outlines and markers render with no console error, CSP violation or outside
    request. Returns the page's popup link after clicking a model site."""
    from tests.browser import block_external, serve

    with serve(root) as server:
        context = browser.new_context(viewport={"width": 360, "height": 740})
        try:
            outside = block_external(context)
            context.add_init_script(CSP_PROBE)
            page = context.new_page()
            errors: list[str] = []
            _collect_errors(page, errors)
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            assert errors == [], errors
            figure = page.locator("[data-ban-do]")
            assert figure.is_visible(), "map figure still hidden"
            page.get_by_role("button", name="Xem bản đồ").click()
            # The map drawn, or the line that says it could not be loaded.
            page.locator(
                ".leaflet-overlay-pane path.bd-tinh--chon, .bd-status:not(:empty)"
            ).first.wait_for(timeout=timeout)
            said = page.locator(".bd-status").inner_text()
            assert errors == [] and said == "", (errors, said)
            page.wait_for_selector(".leaflet-overlay-pane path.bd-tinh--chon", timeout=timeout)
            assert page.locator(".leaflet-overlay-pane path").count() >= 30  # the basemap
            page.wait_for_selector(".leaflet-bdxa-pane .bd-xa", timeout=timeout)
            assert page.locator(".leaflet-bdxa-pane .bd-xa").count() == 3
            # Model sites: a cluster at first; a click zooms in to the single markers.
            cluster = page.locator(".leaflet-marker-pane .marker-cluster")
            if cluster.count():
                cluster.first.click()
            site = page.locator(".leaflet-marker-pane .bd-diem").first
            site.wait_for(timeout=timeout)
            site.click()
            popup = page.locator(".leaflet-popup-content h3 a")
            popup.wait_for(timeout=timeout)
            href = popup.get_attribute("href")
            name = popup.inner_text()
            popup.click()
            page.wait_for_url(f"{server.url}{href}", timeout=timeout)
            heading = page.locator("h1").inner_text()
            csp = page.evaluate("window.__csp")
            assert errors == [] and csp == [], (errors, csp)
            assert outside == [], outside
            assert all(r.startswith("/") for r in server.requests)
            return {"href": href, "name": name, "heading": heading, "requests": server.requests}
        finally:
            context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    import playwright.sync_api as playwright_api  # in the test extra: never skipped

    from tests.browser import launch

    with playwright_api.sync_playwright() as pw:
        instance = launch(pw)
        yield instance
        instance.close()


@pytest.mark.browser
def test_province_map_works_offline_under_the_csp(browser: Any, built: Path) -> None:
    seen = _check_map(browser, built, PROVINCE)
    assert seen["href"] == "/mo-hinh/tieng-keng-an-ninh/"
    assert seen["name"] == "Tiếng kẻng an ninh" and seen["heading"].startswith("Tiếng kẻng")
    assert "/ban-do/du-lieu/hai-phong/diem-mo-hinh.geojson" in seen["requests"]


@pytest.mark.browser
def test_negative_control_map_fails_without_leaflet(
    browser: Any, built: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(built, broken)
    (broken / maps.LEAFLET_JS.lstrip("/")).unlink()
    with pytest.raises(AssertionError) as failure:
        _check_map(browser, broken, PROVINCE, timeout=1500)
    # Only Leaflet was removed: its 404 (the console line names no URL), the script refused,
    # or what follows from it.
    said = str(failure.value)
    assert any(w in said for w in ("leaflet", "Leaflet", "L is not defined", "status of 404"))


@pytest.mark.browser
def test_xa_link_centres_the_map_and_overview_renders(browser: Any, built: Path) -> None:
    from tests.browser import block_external, serve

    with serve(built) as server:
        context = browser.new_context(viewport={"width": 360, "height": 740})
        outside = block_external(context)
        page = context.new_page()
        errors: list[str] = []
        _collect_errors(page, errors)
        page.goto(f"{server.url}{PROVINCE}#xa-11140")
        popup = page.locator(".leaflet-popup-content h3 a")
        popup.wait_for(timeout=5000)
        assert popup.inner_text() == "Xã Lạc Phượng"
        # Shown in its province (issue 15), not in a close-up: the scale bar reads kilometres,
        # and the xã's marker is highlighted.
        scale = page.locator(".leaflet-control-scale-line").inner_text().split()
        assert scale[1] == "km" and int(scale[0]) >= 5, scale
        assert "Lạc Phượng" in (page.locator(".bd-xa--chon").get_attribute("title") or "")
        assert page.evaluate("document.querySelector('.bd-status').textContent") == ""
        page.goto(f"{server.url}/ban-do/")
        page.get_by_role("button", name="Xem bản đồ").click()
        # A province in scope opens its figures and a link to its map.
        page.wait_for_selector(".leaflet-overlay-pane path.bd-tinh--co", timeout=5000)
        assert page.locator(".leaflet-overlay-pane path.bd-tinh--co").count() == 3
        province = page.locator(".leaflet-overlay-pane path.bd-tinh--co").first
        box = province.bounding_box()
        assert box
        # Dispatched: at country zoom xã points sit on top of the outline.
        centre = {"clientX": box["x"] + box["width"] / 2, "clientY": box["y"] + box["height"] / 2}
        province.dispatch_event("click", centre)
        link = page.locator(".leaflet-popup-content h3 a")
        link.wait_for(timeout=5000)
        href = link.get_attribute("href")
        assert href in ("/ban-do/ha-tinh/", PROVINCE, "/ban-do/tuyen-quang/")
        assert (built / href.lstrip("/") / "index.html").is_file()
        page.locator(".leaflet-marker-pane .bd-dao").first.wait_for(timeout=5000)
        labels = page.locator(".leaflet-marker-pane .bd-dao").all_inner_texts()
        assert any("Hoàng Sa" in t for t in labels) and any("Trường Sa" in t for t in labels)
        # The country's xã are dots on one canvas, not an element each (issue 15).
        assert page.locator(".leaflet-bdxa-pane canvas").count() == 1
        assert page.locator(".leaflet-bdxa-pane .bd-xa").count() == 0
        context.close()
    assert errors == [] and outside == []


# -- the map's code, loaded when the map is shown (issue 15) ---------------------------------

MAP_CODE = ("/vendor/leaflet", "/static/ban-do/", "/ban-do/du-lieu/", ".geojson", "/js/ban-do.")


def _map_code_requests(browser: Any, root: Path) -> tuple[list[str], list[str]]:
    """The map code's requests of a province map page, network blocked: before "Xem bản đồ"
    (after the page's load and its network falling idle), and after the tap (the map drawn)."""
    from tests.browser import block_external, serve

    with serve(root) as server:
        context = browser.new_context(viewport={"width": 360, "height": 740})
        try:
            outside = block_external(context)
            page = context.new_page()
            errors: list[str] = []
            _collect_errors(page, errors)
            page.goto(server.url + PROVINCE)
            page.wait_for_load_state("networkidle")
            before = [r for r in server.requests if any(m in r for m in MAP_CODE)]
            button = page.get_by_role("button", name="Xem bản đồ")
            tapped = button.count() == 1  # an eagerly drawn map has removed it
            if tapped:
                button.click()
            page.wait_for_selector(".leaflet-bdxa-pane .bd-xa", timeout=5000)
            # Focus moves to the map the button gave way to.
            assert not tapped or page.evaluate("document.activeElement.id") == "map_1"
            assert errors == [], errors
            after = [r for r in server.requests if any(m in r for m in MAP_CODE)]
            assert outside == [], outside
            return before, after
        finally:
            context.close()


@pytest.mark.browser
def test_map_code_loads_only_when_the_map_is_shown(browser: Any, built: Path) -> None:
    before, after = _map_code_requests(browser, built)
    assert before == []
    assert maps.LEAFLET_JS in after and maps.CLUSTER_JS in after
    assert "/ban-do/du-lieu/hai-phong/xa.geojson" in after


@pytest.mark.browser
def test_negative_control_eager_map_code_is_seen(browser: Any, built: Path, tmp_path: Path) -> None:
    # The same page with its map code out of the <template> (as it was before issue 15:
    # loaded with the page) must be caught by the check above.
    eager = tmp_path / "eager"
    shutil.copytree(built, eager)
    page = eager / PROVINCE.lstrip("/") / "index.html"
    html = page.read_text(encoding="utf-8")
    assert html.count('<template class="bd-tep">') == 1
    html = html.replace('<template class="bd-tep">', '<div class="bd-tep" hidden>')
    page.write_text(html.replace("</template>", "</div>"), encoding="utf-8")
    before, _ = _map_code_requests(browser, eager)
    assert maps.LEAFLET_JS in before


@pytest.mark.browser
def test_map_page_without_javascript_shows_the_list(browser: Any, built: Path) -> None:
    from tests.browser import serve

    with serve(built) as server:
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, java_script_enabled=False
        )
        try:
            page = context.new_page()
            page.goto(server.url + PROVINCE)
            assert page.locator(".bd-khong-js").is_visible()
            assert not page.locator(".bd-mo").is_visible()
            assert page.locator("#xa-11140 a").inner_text() == "Xã Lạc Phượng"
            assert not any(m in r for r in server.requests for m in MAP_CODE)
        finally:
            context.close()


def test_a_drawn_map_is_kept_and_folium_is_left_unimported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: a build whose maps did not change (a new article) reads each map as drawn
    before, from the cache folder, and never imports folium (0.6 s of CPU). Controls: another
    spec is drawn again; without a cache folder every call draws."""
    import subprocess
    import sys

    from generator import mapdraw

    spec = maps.MapSpec(
        key="thu",
        bounds=((20.0, 105.0), (21.0, 106.0)),
        basemap_url=None,
        layers=(maps.LayerSpec("wards", "Xã", ("/ban-do/du-lieu/x.geojson",)),),
    )
    drawn = maps.render_map(spec, tmp_path)
    assert drawn == mapdraw.draw(spec) and b"AntqMap.wards" in drawn.script

    def refuse(_: maps.MapSpec) -> maps.RenderedMap:
        raise AssertionError("drawn again")

    monkeypatch.setattr(mapdraw, "draw", refuse)
    assert maps.render_map(spec, tmp_path) == drawn
    with pytest.raises(AssertionError, match="drawn again"):
        maps.render_map(dataclasses.replace(spec, key="khac"), tmp_path)
    with pytest.raises(AssertionError, match="drawn again"):
        maps.render_map(spec)
    # The modules a build imports to plan its pages do not import folium themselves.
    check = "import sys, generator.build, generator.pages.maps; print('folium' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert found.stdout.strip() == "False", found.stderr
    drawing = check.replace("generator.pages.maps", "generator.mapdraw")  # control
    found = subprocess.run([sys.executable, "-c", drawing], capture_output=True, text=True)
    assert found.stdout.strip() == "True", found.stderr


def test_the_basemap_is_parsed_again_only_when_its_bytes_change(tmp_path: Path) -> None:
    """`maps.load_basemap` gives the basemap it parsed last while the file's bytes are the
    same (`antq serve` builds the maps at each edit), and parses a changed file again.
    Negative control (run by hand): keyed by the file's path alone, the edited basemap's
    province box is the old one and this fails."""
    committed = maps.basemap_path(tmp_path)  # (no geo/ here: the copy committed with antq)
    assert committed is not None
    collection = json.loads(committed.read_bytes())
    geo_dir = tmp_path / "geo"
    geo_dir.mkdir()
    path = geo_dir / "provinces.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    first = maps.load_basemap(tmp_path)
    assert first is not None and maps.load_basemap(tmp_path) is first
    feature = collection["features"][0]
    code = feature["properties"]["code"]
    feature["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[105, 20], [106, 20], [106, 21], [105, 20]]],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")
    second = maps.load_basemap(tmp_path)
    assert second is not None and second is not first
    assert second.cores[code] == ((20.0, 105.0), (21.0, 106.0)) != first.cores[code]
    assert second.url != first.url
