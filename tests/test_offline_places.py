"""Offline that a reader controls (issue 16): versioned files and map layers remembered on
first use, "Lưu xã/tỉnh này để dùng khi không có mạng", the quota check, eviction, removal,
and the offline page at 360 px.

One build of the small fixture package (tests/fixtures/good) for the module, one Debian
Chromium; each browser test serves the site, visits pages as a reader would, then stops the
server *and* sets the context offline before opening pages again. Each has a negative
control. Set ANTQ_SHOTS=DIR to keep 360 px screenshots of a saved xã opened offline.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import pwa
from tests.browser import StaticServer, block_external, launch
from tests.test_pwa import controlled

PROVINCE = "/tinh/hai-phong/"
MAP = "/ban-do/hai-phong/"
XA = "/tinh/hai-phong/xa-lac-phuong/"  # saved in the tests
OTHER_XA = "/tinh/hai-phong/xa-tan-ky/"  # never visited
FAR_XA = "/tinh/ha-tinh/xa-truong-luu/"  # another province: never visited, never saved
OFFLINE_TITLE = "Không có kết nối mạng"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def site(fixture_site: Path) -> Path:
    """The golden test's site (built once for the run, tests/conftest.py): the fixture
    package and one lesson (the offline page then shows its hints). Served, never changed."""
    return fixture_site


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def server(site: Path) -> Iterator[StaticServer]:
    running = StaticServer(site).start()
    yield running
    if running.thread.is_alive():
        running.stop()


def reader(browser: Any, server: StaticServer, **options: Any) -> tuple[Any, Any]:
    """A fresh context and page whose service worker controls it."""
    context = browser.new_context(viewport=PHONE, **options)
    block_external(context)
    page = context.new_page()
    page.goto(server.url + "/")
    controlled(page)
    return context, page


def go_offline(context: Any, server: StaticServer) -> None:
    context.set_offline(True)
    server.stop()


def h1(page: Any) -> str:
    return str(page.locator("h1").first.inner_text())


def markers(page: Any) -> int:
    """The map's markers, once some are drawn or the map said it could not load a layer."""
    # Map pages load the map's code when the reader taps "Xem bản đồ" (issue 15).
    button = page.get_by_role("button", name="Xem bản đồ")
    if button.count() and button.is_enabled():
        button.click()
    # A locator, not wait_for_function: that evaluates a string, which the site's CSP forbids.
    page.locator(".leaflet-marker-icon, .bd-status:not(:empty)").first.wait_for(timeout=15_000)
    # The layers arrive one by one (a suite run once counted 5 of the 7 markers): the count
    # once it held still for four looks, a quarter of a second apart.
    counts = [int(page.locator(".leaflet-marker-icon").count())]
    while len(counts) < 60 and not (len(counts) >= 4 and len(set(counts[-4:])) == 1):
        page.wait_for_timeout(250)
        counts.append(int(page.locator(".leaflet-marker-icon").count()))
    return counts[-1]


def wait_state(page: Any, state: str) -> None:
    page.locator(f".place-box[data-state={state}]").wait_for(timeout=30_000)


# -- without a browser ---------------------------------------------------------------------


def test_place_lists_hold_a_place_its_map_and_layers(site: Path) -> None:
    listing = json.loads((site / "tinh/hai-phong/offline.json").read_text("utf-8"))
    urls = [f["url"] for f in listing["files"]]
    province = {urls[i] for i in listing["province"]["files"]}
    xa = {urls[i] for i in listing["wards"][XA]}
    map_files = {
        MAP,
        "/ban-do/du-lieu/hai-phong/xa.geojson",
        "/ban-do/du-lieu/hai-phong/diem-mo-hinh.geojson",
        "/vendor/leaflet-1.9.3/leaflet.js",
        "/vendor/leaflet-1.9.3/images/layers.png",  # loaded by leaflet.css
    }
    assert map_files <= xa and map_files <= province
    assert {PROVINCE, XA, OTHER_XA} <= province
    # Negative controls: a xã's copy holds no other xã, nor its province page; the app shell
    # (the worker's precache) is in no list.
    assert OTHER_XA not in xa and PROVINCE not in xa
    worker = (site / "sw.js").read_text("utf-8")
    shell = json.loads(worker.split("const BUILD = ", 1)[1].split(";\n", 1)[0])["precache"]
    assert not {url for url, _ in shell} & set(urls)
    sizes = {f["url"]: f["size"] for f in listing["files"]}
    assert sizes[XA] == (site / "tinh/hai-phong/xa-lac-phuong/index.html").stat().st_size
    assert pwa.PLACES_NAME == "offline.json"


def test_the_save_box_is_hidden_without_javascript(site: Path) -> None:
    for rel in ("tinh/hai-phong/index.html", "tinh/hai-phong/xa-lac-phuong/index.html"):
        html = (site / rel).read_text("utf-8")
        start = html.index('class="offline-box place-box"')
        tag = html[html.rindex("<", 0, start) : html.index(">", start)]
        assert " hidden" in tag, rel
    # Control: the home page, which offers no save, has no box at all.
    assert "place-box" not in (site / "index.html").read_text("utf-8")


# -- in Chromium -----------------------------------------------------------------------------


def test_a_map_opened_earlier_shows_its_markers_offline(browser: Any, server: StaticServer) -> None:
    context, page = reader(browser, server)
    page.goto(server.url + MAP)
    online = markers(page)
    assert online > 0
    go_offline(context, server)
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    response = page.goto(server.url + MAP)
    assert response.from_service_worker
    assert markers(page) == online, failed
    assert not failed
    # Negative control: a map never opened is not there offline.
    page.goto(server.url + "/ban-do/ha-tinh/")
    assert h1(page) == OFFLINE_TITLE
    context.close()


def test_a_saved_xa_opens_offline_with_its_map(browser: Any, server: StaticServer) -> None:
    context, page = reader(browser, server)
    page.goto(server.url + XA)
    box = page.locator(".place-box[data-state=idle]")
    box.wait_for()
    assert "MB" in box.locator("[data-role=status]").inner_text()  # the size, before saving
    box.get_by_role("button", name="Lưu xã này để dùng khi không có mạng").click()
    wait_state(page, "saved")
    name = h1(page)
    go_offline(context, server)
    response = page.goto(server.url + XA)
    assert response.from_service_worker and h1(page) == name
    page.locator(".place-box[data-state=saved]").wait_for()
    if os.environ.get("ANTQ_SHOTS"):
        page.screenshot(path=f"{os.environ['ANTQ_SHOTS']}/xa-da-luu-offline-360.png")
        page.screenshot(
            path=f"{os.environ['ANTQ_SHOTS']}/xa-da-luu-offline-360-full.png", full_page=True
        )
    page.goto(server.url + MAP)  # never opened: it came with the saved xã
    assert markers(page) > 0
    if os.environ.get("ANTQ_SHOTS"):
        page.screenshot(path=f"{os.environ['ANTQ_SHOTS']}/ban-do-da-luu-offline-360.png")
    # Negative control: a xã neither visited nor saved shows the offline page.
    page.goto(server.url + OTHER_XA)
    assert h1(page) == OFFLINE_TITLE
    context.close()


def test_a_saved_province_can_be_removed(browser: Any, server: StaticServer) -> None:
    context, page = reader(browser, server)
    page.goto(server.url + PROVINCE)
    page.locator(".place-box[data-state=idle]").wait_for()
    page.get_by_role("button", name="Lưu thành phố này để dùng khi không có mạng").click()
    wait_state(page, "saved")
    # Listed on the offline page (and next to the lesson library: the same list).
    page.goto(server.url + "/offline/")
    listed = page.locator("[data-role=saved-places]:not([hidden]) li")
    listed.first.wait_for()
    assert listed.count() == 1 and "Hải Phòng" in listed.first.inner_text()
    context.set_offline(True)  # the server stays up: removal happens online below
    response = page.goto(server.url + OTHER_XA)  # never visited: saved with its province
    assert response.from_service_worker and h1(page) != OFFLINE_TITLE
    context.set_offline(False)
    page.goto(server.url + PROVINCE)
    page.locator(".place-box[data-state=saved]").wait_for()
    page.get_by_role("button", name="Xóa bản lưu trên máy").click()
    wait_state(page, "idle")
    assert not page.evaluate("caches.has('antq-place-' + location.pathname)")
    page.goto(server.url + "/offline/")
    assert page.locator("[data-role=saved-places]").is_hidden()
    go_offline(context, server)
    page.goto(server.url + OTHER_XA)
    assert h1(page) == OFFLINE_TITLE  # removed: gone offline too
    context.close()


ESTIMATE = """
  navigator.storage.estimate = () => Promise.resolve({quota: %d, usage: %d});
"""


@pytest.mark.parametrize(
    ("quota", "usage", "full"),
    # 100 KB left; the control: a roomy phone
    [(2_000_000, 1_900_000, True), (10**12, 10**6, False)],
    ids=["phone-full", "control-room-left"],
)
def test_a_full_phone_is_told_before_saving(
    browser: Any, server: StaticServer, quota: int, usage: int, full: bool
) -> None:
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(ESTIMATE % (quota, usage))
    block_external(context)
    page = context.new_page()
    page.goto(server.url + "/")
    controlled(page)
    page.goto(server.url + XA)
    page.locator(".place-box[data-state=idle]").wait_for()
    page.locator(".place-box [data-action=save]").click()
    status = page.locator(".place-box [data-role=status]")
    if full:
        page.locator(".place-box[data-state=full]").wait_for()
        assert "Máy không còn đủ chỗ để lưu" in status.inner_text()
        assert not page.evaluate("caches.has('antq-place-' + location.pathname)")
    else:
        wait_state(page, "saved")
        assert "Đã lưu về máy" in status.inner_text()
    context.close()


def test_an_evicted_copy_is_explained(browser: Any, server: StaticServer) -> None:
    context, page = reader(browser, server)
    page.goto(server.url + XA)
    page.locator(".place-box[data-state=idle]").wait_for()
    page.locator(".place-box [data-action=save]").click()
    wait_state(page, "saved")
    # The browser evicts the site's caches (localStorage, where the reader's choice is
    # noted, is kept, as Chrome does): the page says so.
    page.evaluate("caches.delete('antq-place-' + location.pathname)")
    page.reload()
    wait_state(page, "evicted")
    assert "bị trình duyệt xóa" in page.locator(".place-box [data-role=status]").inner_text()
    # Control: removed by the reader, it is simply not saved.
    page.locator(".place-box [data-action=save]").click()
    wait_state(page, "saved")
    page.locator(".place-box [data-action=remove]").click()
    wait_state(page, "idle")
    page.reload()
    wait_state(page, "idle")
    context.close()


def test_the_offline_page_fits_a_360_px_phone(browser: Any, server: StaticServer) -> None:
    context, page = reader(browser, server)
    page.goto(server.url + "/offline/")
    width = "document.documentElement.scrollWidth"
    assert page.evaluate(width) <= PHONE["width"]
    hints = page.locator(".link-list small")
    for i in range(hints.count()):
        box = hints.nth(i).bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"]
    # Negative control: the hint kept on one line (as before) runs off the edge.
    page.evaluate(
        "document.querySelectorAll('.link-list .hint')"
        ".forEach((h) => { h.style.whiteSpace = 'nowrap'; })"  # CSSOM: allowed by the CSP
    )
    assert hints.count() == 2
    assert page.evaluate(width) > PHONE["width"]
    context.close()


# -- the lists kept between processes (issue 18) ---------------------------------------------


def test_a_new_process_takes_the_lists_kept_by_their_files_keys(
    make_package: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`antq build --full` in a new process (`_PLACES` empty) into a new folder takes each
    province's offline list from the build cache (`PlacesMemo`) while the keys of the files
    it read are the same: none is made again, the bytes are the same. Negative controls: an
    award renamed (its xã's page changes) makes its province's list again, and only it; a
    memo of other code is not taken."""
    import shutil

    from generator.build import BuildOptions, build_site
    from tests.test_warm import _award

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(pwa, "_PLACES", {})
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parents[1] / "site", site)
    out = tmp_path / "public"
    options = BuildOptions(data_dir=make_package(), out_dir=out, site_dir=site, full=True)
    build_site(options)
    lists = {p.relative_to(out): p.read_bytes() for p in out.glob("tinh/*/offline.json")}
    assert len(lists) > 1
    made: list[str] = []
    real = pwa._province_list

    def counted(out: Any, slug: str, *rest: Any) -> Any:
        made.append(slug)
        return real(out, slug, *rest)

    monkeypatch.setattr(pwa, "_province_list", counted)
    for edit in (None, _award):
        if edit is not None:
            edit(options.data_dir)
        pwa._PLACES.clear()  # (a new process)
        shutil.rmtree(out)
        build_site(options)
        now = {p.relative_to(out): p.read_bytes() for p in out.glob("tinh/*/offline.json")}
        if edit is None:
            assert made == [] and now == lists
        else:
            assert len(made) == 1 and made[0] in {str(rel).split("/")[1] for rel in lists}
            assert [rel for rel in now if now[rel] != lists[rel]] == [
                Path(f"tinh/{made[0]}/offline.json")
            ]
    memo = next((tmp_path / "cache" / "build").glob("*-places.json"))
    pwa._PLACES.clear()
    pwa.PlacesMemo(memo, "other code").load()
    assert pwa._PLACES == {}
