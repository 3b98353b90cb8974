"""`antq serve`: serving, live reload, rebuild on change, and the error page for bad data."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

import generator.serve as serve_mod
from generator.build import BuildOptions
from generator.cli import app
from generator.serve import DATA_ERROR_HEADING, DevServer, HostError, check_host

if TYPE_CHECKING:
    from playwright.sync_api import Route

ROOT = Path(__file__).resolve().parents[1]
RELOAD_TAG = '<script src="/__antq/reload.js" defer'
XA_TAN_KY = "/tinh/hai-phong/xa-tan-ky/"


@pytest.fixture
def dev(
    make_package: Callable[[str | None], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DevServer]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    data = make_package(None)
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    options = BuildOptions(data_dir=data, out_dir=tmp_path / "public", site_dir=site)
    server = DevServer(options, port=0, log=lambda line: None)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def get(server: DevServer, path: str) -> tuple[int, http.client.HTTPMessage, str]:
    # http.client, not urllib: no proxy settings, no redirects followed, no raise on 404/500.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8")
    finally:
        conn.close()


def wait_until(predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s")
        time.sleep(0.05)


def read_event(resp: http.client.HTTPResponse) -> dict[str, object]:
    """The data of the next Server-Sent Event that has data (skips retry and comments)."""
    fields: dict[str, str] = {}
    while True:
        raw = resp.readline()
        if not raw:
            raise EOFError("event stream closed")
        line = raw.decode("utf-8").rstrip("\n")
        if not line:
            if "data" in fields:
                data: dict[str, object] = json.loads(fields["data"])
                return data
            fields = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            fields[key] = value


def save(path: Path, text: str) -> None:
    """Replace a file in one step, as editors do, so no build sees it half written."""
    tmp = path.parent.parent / f".{path.name}.tmp"  # outside the watched folder
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def site_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_serves_site_with_reload_script_only_in_responses(dev: DevServer) -> None:
    status, headers, body = get(dev, "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert 'lang="vi"' in body
    assert body.count(RELOAD_TAG) == 1 and body.index(RELOAD_TAG) < body.index("</body>")
    # The built site stays clean: the tag exists only in what the server sends.
    assert "__antq" not in (dev.out_dir / "index.html").read_text(encoding="utf-8")

    status, headers, script = get(dev, "/__antq/reload.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert "EventSource" in script and "/__antq/events" in script

    status, _, body = get(dev, "/khong-co/")
    assert status == 404
    assert "Không tìm thấy trang" in body and RELOAD_TAG in body

    status, headers, _ = get(dev, "/tinh/hai-phong")
    assert status == 301 and headers["Location"] == "/tinh/hai-phong/"

    (dev.out_dir / "manifest.webmanifest").write_text('{"name": "antq"}', encoding="utf-8")
    status, headers, body = get(dev, "/manifest.webmanifest")
    assert status == 200 and json.loads(body) == {"name": "antq"}
    assert headers["Content-Type"].startswith("application/manifest+json")

    status, headers, body = get(dev, "/du-lieu/places.csv")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert RELOAD_TAG not in body  # only HTML gets the script

    # Nothing outside out_dir is reachable.
    assert get(dev, "/../site/site.toml")[0] == 404
    assert get(dev, "/%2e%2e/site/site.toml")[0] == 404


def test_rebuilds_on_change_and_notifies_pages(dev: DevServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", dev.port, timeout=15)
    try:
        conn.request("GET", "/__antq/events")
        events = conn.getresponse()
        assert events.headers["Content-Type"].startswith("text/event-stream")
        first = read_event(events)
        assert first["build"] == dev.build_count and first["ok"] is True
        status, _, page = get(dev, XA_TAN_KY)
        assert status == 200 and "Thôn Nghi Khê Đổi Tên" not in page
        # The page carries the build it was served from, so its script can tell it is stale.
        assert f'data-antq-build="{first["version"]}"' in page

        places = dev.options.data_dir / "places.csv"
        text = places.read_text(encoding="utf-8")
        save(places, text.replace("Thôn Nghi Khê,", "Thôn Nghi Khê Đổi Tên,"))

        second = read_event(events)  # times out (socket timeout 15 s) if no build is announced
        assert isinstance(second["build"], int) and isinstance(first["build"], int)
        assert second["build"] > first["build"] and second["ok"] is True
        assert second["version"] == dev.version
        status, _, page = get(dev, XA_TAN_KY)
        assert status == 200 and "Thôn Nghi Khê Đổi Tên" in page
        assert dev.last_report is not None and dev.last_report.linked > 0  # incremental

        # Stopping ends open streams (else a browser tab would hold the process).
        dev.stop()
        assert events.read() == b""  # end of stream, not the 15 s socket timeout
    finally:
        conn.close()


def test_data_error_is_shown_escaped_and_clears_when_fixed(dev: DevServer) -> None:
    before = site_files(dev.out_dir)
    count = dev.build_count
    assessments = dev.options.data_dir / "assessments.csv"
    good = assessments.read_text(encoding="utf-8")
    bad = good.replace(
        ",2024,dat,2156/QĐ-UBND,2024-11-20,", ",2024,<b>Đạt,2156/QĐ-UBND,2024-11-20,"
    )
    bad = bad.replace(",2025,dat,318/QĐ-UBND,2025-11-18,", ",2025,dat,318/QĐ-UBND,18/11/2025,")
    assert bad.count("<b>Đạt") == 1 and "18/11/2025" in bad
    save(assessments, bad)

    wait_until(lambda: dev.error_kind == "data")
    assert dev.build_count > count
    for path in (XA_TAN_KY, "/", "/khong-co/"):
        status, headers, body = get(dev, path)
        assert status == 500 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert DATA_ERROR_HEADING in body and 'lang="vi"' in body
        assert "[enum]" in body and "[date-dmy]" in body
        assert "&lt;b&gt;Đạt" in body and "<b>" not in body  # the user's cell is escaped
        assert RELOAD_TAG in body  # so the page comes back by itself once fixed
    # Data files still come from the previous site, which the failed build left untouched.
    assert get(dev, "/du-lieu/places.csv")[0] == 200
    assert site_files(dev.out_dir) == before

    count = dev.build_count
    save(assessments, good)
    wait_until(lambda: dev.error_kind is None)
    assert dev.build_count > count  # pages showing the error reload even if nothing was rebuilt
    status, _, body = get(dev, XA_TAN_KY)
    assert status == 200 and DATA_ERROR_HEADING not in body and "Xã Tân Kỳ" in body


def test_program_error_is_caught_and_escaped(
    dev: DevServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(options: BuildOptions, *, progress: bool = False) -> None:
        raise RuntimeError("<script>alert(1)</script>")

    real = serve_mod.build_site
    monkeypatch.setattr(serve_mod, "build_site", broken)
    assert dev.rebuild() is None
    assert dev.error_kind == "bug"
    status, _, body = get(dev, "/")
    assert status == 500 and "RuntimeError" in body and "Traceback" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body

    monkeypatch.setattr(serve_mod, "build_site", real)
    assert dev.rebuild() is not None
    assert dev.error_kind is None and get(dev, "/")[0] == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    assert check_host(host) in ("127.0.0.1", "localhost", "::1")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org", ""])
def test_other_hosts_are_refused(host: str) -> None:
    with pytest.raises(HostError):
        check_host(host)


def test_cli_refuses_remote_host(tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = CliRunner().invoke(
        app,
        ["serve", "--host", "0.0.0.0", "--data", str(ROOT / "tests/fixtures/good")]
        + ["--out", str(out), "--site", str(ROOT / "site"), "--port", "0"],
    )
    assert result.exit_code == 2
    assert "0.0.0.0" in result.output and "127.0.0.1" in result.output
    assert not out.exists()  # refused before building anything


@pytest.mark.browser
def test_browser_reloads_under_the_site_csp(dev: DevServer) -> None:
    """The real script in a real browser, under the production CSP (script-src 'self')."""
    from playwright import sync_api

    from .browser import launch

    csp = "default-src 'self'; script-src 'self'; style-src 'self'"
    violations: list[str] = []

    def with_csp(route: Route) -> None:
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": csp}
        )

    with sync_api.sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page()
            # Only documents: fetching the event stream through a route would never finish.
            page.route(lambda url: "/__antq/" not in url, with_csp)
            page.on(
                "console",
                lambda msg: (
                    violations.append(msg.text) if "Content Security Policy" in msg.text else None
                ),
            )
            page.goto(dev.url + XA_TAN_KY.lstrip("/"))
            heading = page.locator("h1")
            sync_api.expect(heading).to_contain_text("Xã Tân Kỳ")

            places = dev.options.data_dir / "places.csv"
            good = places.read_text(encoding="utf-8")
            save(places, good.replace("Thôn Nghi Khê,", "Thôn Nghi Khê Đổi Tên,"))
            sync_api.expect(page.locator("main")).to_contain_text(
                "Thôn Nghi Khê Đổi Tên", timeout=15_000
            )

            save(places, good.replace("xa-11113,Xã Tân Kỳ,xa,11113,", "xa-11113,Xã Tân Kỳ,xa,1x,"))
            sync_api.expect(heading).to_have_text(DATA_ERROR_HEADING, timeout=15_000)

            save(places, good)
            sync_api.expect(heading).to_contain_text("Xã Tân Kỳ", timeout=15_000)
        finally:
            browser.close()
    assert violations == []


def test_serve_sends_the_published_security_headers(dev: DevServer) -> None:
    from generator.headers import content_security_policy

    status, headers, _ = get(dev, "/")
    assert status == 200
    assert headers["Content-Security-Policy"] == content_security_policy()
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"  # a preview always shows the latest build


def test_the_heap_is_frozen_between_rebuilds_and_collected_when_idle(dev: DevServer) -> None:
    """The server's heap is frozen after each rebuild (serve.settle_heap: a full collection
    walking the national model cost ~0.7 CPU s of each edit); a garbage cycle frozen with
    it is collected when the server is idle (`collect=True`). Negative control: a settle
    that does not unfreeze first leaves the cycle for ever (the last assert fails)."""
    import gc
    import weakref

    class Node:
        pass

    assert gc.get_freeze_count() > 0
    node = Node()
    node.self = node  # type: ignore[attr-defined]
    alive = weakref.ref(node)
    del node
    gc.disable()  # (a young collection during the rebuild would take the cycle first)
    try:
        dev.rebuild("test")  # nothing changed: the heap is frozen again, the cycle with it
    finally:
        gc.enable()
    gc.collect()
    assert alive() is not None
    serve_mod.settle_heap(collect=True)
    assert alive() is None
