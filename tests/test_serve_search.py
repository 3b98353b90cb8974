"""`antq serve`: an edit's pages go live before the search index, which follows in the
background (issue 18 item 5); the server holds the output's lock for its session.

Pagefind is held at a gate (an Event) while it makes the deferred index, so the state
"pages live, index catching up" is observed without timing; every wait polls."""

from __future__ import annotations

import http.client
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import generator.search as search_mod
from generator.build import BuildOptions, build_site
from generator.errors import BuildError
from generator.serve import SEARCH_NOTICE, DevServer

ROOT = Path(__file__).resolve().parents[1]
XA_TAN_KY = "/tinh/hai-phong/xa-tan-ky/"
SHARD = search_mod.index_dir("tinh/hai-phong/xa-tan-ky/index.html", library=True) or ""
OLD_NAME = "Công an xã Tân Kỳ"
NEW_NAME = "Công an xã Tân Kỳ Đổi Tên"
NOTICE = "Đang cập nhật chỉ mục tìm kiếm…"
TAIL = " Kết quả tìm kiếm có thể chưa có thay đổi vừa lưu."


def get(server: DevServer, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8")
    finally:
        conn.close()


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s")
        time.sleep(0.05)


def tree(out: Path, under: str = "") -> dict[str, bytes]:
    root = out / under
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


class Gate:
    """Holds every Pagefind run made for a deferred index until `open()`; the server's first
    build (no earlier index: made at once) passes."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.waiting = threading.Event()
        self.real = search_mod.run_pagefind

    def run(
        self,
        copies: Path,
        out: Path,
        cancel: Callable[[], bool] | None = None,
        spawned: threading.Event | None = None,
    ) -> None:
        if cancel is not None and not self.opened.is_set():
            self.waiting.set()
            while not self.opened.wait(0.05):
                if cancel():
                    raise search_mod.Cancelled()
        self.real(copies, out, cancel, spawned)


@pytest.fixture
def gated(
    make_package: Callable[[str | None], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[DevServer, Gate]]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    gate = Gate()
    data = make_package(None)
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    options = BuildOptions(data_dir=data, out_dir=tmp_path / "public", site_dir=site)
    server = DevServer(options, port=0, log=lambda line: None)
    server.start()  # the first build makes its index at once (there is none to keep)
    monkeypatch.setattr(search_mod, "run_pagefind", gate.run)
    try:
        yield server, gate
    finally:
        gate.opened.set()
        server.stop()


def edit_award(server: DevServer) -> None:
    """Rename an award's recipient (text the search indexes), saved in one step."""
    awards = server.options.data_dir / "awards.csv"
    text = awards.read_text(encoding="utf-8").replace(f",{OLD_NAME},", f",{NEW_NAME},")
    tmp = awards.parent.parent / ".awards.csv.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(awards)


def clean_build(server: DevServer, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "clean"
    o = server.options
    build_site(BuildOptions(o.data_dir, out, o.site_dir, cache_dir=tmp_path / "clean-cache"))
    return tree(out)


def test_edit_is_live_before_the_index_which_then_catches_up(
    gated: tuple[DevServer, Gate], tmp_path: Path
) -> None:
    dev, gate = gated
    out = dev.out_dir
    # Negative control: the index is current, the search page carries no notice.
    status, page = get(dev, "/tim-kiem/")
    assert status == 200 and SEARCH_NOTICE not in page and NOTICE not in page
    assert not dev.search_pending
    before = tree(out, SHARD)  # the shard of the site's index that holds the xã's page

    edit_award(dev)
    wait_until(lambda: dev.search_pending)  # set once the rebuild has swapped its pages in
    # The page is live while Pagefind has not run: the site still has the earlier index.
    assert NEW_NAME in get(dev, XA_TAN_KY)[1] and not gate.opened.is_set()
    assert tree(out, SHARD) == before
    status, page = get(dev, "/tim-kiem/")
    assert status == 200 and page.count(NOTICE) == 1 and f'{SEARCH_NOTICE}="catching-up"' in page
    # Only the search page says so; the files on disk never do.
    assert NOTICE not in get(dev, XA_TAN_KY)[1]
    assert NOTICE not in (out / "tim-kiem" / "index.html").read_text(encoding="utf-8")

    gate.waiting.wait(30)
    gate.opened.set()
    wait_until(lambda: not dev.search_pending)
    assert NOTICE not in get(dev, "/tim-kiem/")[1]
    caught_up = tree(out)
    assert {k: v for k, v in caught_up.items() if k.startswith(f"{SHARD}/")} != before
    # The caught-up site is the one a clean build makes from the same data, byte for byte
    # (and a build to another output runs while the server holds its own).
    assert caught_up == clean_build(dev, tmp_path)

    # The server holds its output for the session: a build, or a second server, stops.
    o = dev.options
    with pytest.raises(BuildError) as caught:
        build_site(BuildOptions(o.data_dir, o.out_dir, o.site_dir))
    line = caught.value.lines[0]
    # The message names the holder (a server is stopped by hand; a build ends by itself).
    assert "[build-busy-serve]" in line and f"“antq serve” (tiến trình {os.getpid()})" in line
    second = DevServer(BuildOptions(o.data_dir, o.out_dir, o.site_dir), port=0, log=print)
    with pytest.raises(BuildError):
        second.start()
    assert get(dev, "/tim-kiem/")[0] == 200  # the first one still serves
    # Negative control: once the server stops, the output is free (and current: skipped).
    dev.stop()
    assert build_site(BuildOptions(o.data_dir, o.out_dir, o.site_dir)).skipped


def test_a_newer_edit_stops_the_index_and_a_build_after_a_stop_makes_it(
    gated: tuple[DevServer, Gate], tmp_path: Path
) -> None:
    dev, gate = gated
    edit_award(dev)
    wait_until(gate.waiting.is_set)  # the indexer is inside "Pagefind", at the gate
    places = dev.options.data_dir / "places.csv"
    text = places.read_text(encoding="utf-8")
    tmp = places.parent.parent / ".places.csv.tmp"
    tmp.write_text(text.replace("Thôn Nghi Khê,", "Thôn Nghi Khê Mới,"), encoding="utf-8")
    tmp.replace(places)
    # The gate never opens: the pages of the second edit go live only because the rebuild
    # stopped the index being made (it waits for the build lock otherwise).
    wait_until(lambda: "Thôn Nghi Khê Mới" in get(dev, XA_TAN_KY)[1])
    assert dev.search_pending
    dev.stop()  # with the index still deferred: the lock is released, the cache says so
    report = build_site(BuildOptions(dev.options.data_dir, dev.out_dir, dev.options.site_dir))
    assert not report.skipped and not report.search_pending
    assert tree(dev.out_dir) == clean_build(dev, tmp_path)


@pytest.mark.browser
def test_the_search_page_in_a_browser_says_so_then_reloads(gated: tuple[DevServer, Gate]) -> None:
    """With JavaScript: the page opened while the index catches up shows the notice, and
    reloads without it once the index is current (reload.js, under the site's own CSP)."""
    from playwright import sync_api

    from .browser import launch

    dev, gate = gated
    edit_award(dev)
    wait_until(lambda: dev.search_pending)
    with sync_api.sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page()
            page.goto(dev.url + "tim-kiem/?q=tan%20ky")
            notice = page.locator(f"[{SEARCH_NOTICE}]")
            sync_api.expect(notice).to_have_text(NOTICE + TAIL)
            gate.opened.set()
            sync_api.expect(notice).to_have_count(0, timeout=60_000)
            # The reload kept the query, and searching works against the new index.
            sync_api.expect(page.locator("#tim-kiem-trang-thai")).to_contain_text(
                "Tìm thấy", timeout=30_000
            )
        finally:
            browser.close()
