"""A script-like model name stays text in a real browser (issue 3: XSS checked in Chromium)."""

from __future__ import annotations

import shutil
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from playwright.sync_api import sync_playwright

from generator.build import BuildOptions, build_site

from .browser import block_external, launch

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = "<img src=x onerror=alert(1)>"
MODEL_PAGE = "mo-hinh/tieng-keng-an-ninh/index.html"


def _plain_server(root: Path) -> ThreadingHTTPServer:
    """No CSP here: the check must stand on escaping alone (and the control must fire)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd


def _dialogs(url: str) -> tuple[list[str], str]:
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            context = browser.new_context()
            block_external(context)
            page = context.new_page()
            fired: list[str] = []
            page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
            page.goto(url)
            page.wait_for_timeout(300)
            return fired, page.locator("h1").inner_text()
        finally:
            browser.close()


@pytest.mark.browser
def test_script_in_a_model_name_is_inert_in_chromium(make_package, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    data = make_package()
    models = data / "models.csv"
    models.write_text(
        models.read_text(encoding="utf-8").replace(
            "Tiếng kẻng an ninh,", f'"Tiếng kẻng {PAYLOAD}",', 1
        ),
        encoding="utf-8",
    )
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=ROOT / "site"))
    # Negative control: the same payload written raw into a copy of the page does fire.
    raw = tmp_path / "raw"
    shutil.copytree(out, raw)
    page = raw / MODEL_PAGE
    page.write_text(
        page.read_text(encoding="utf-8").replace("</h1>", f"{PAYLOAD}</h1>", 1), encoding="utf-8"
    )
    httpd = _plain_server(tmp_path)
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        fired, heading = _dialogs(f"{base}/public/{MODEL_PAGE}")
        assert fired == []
        assert heading == f"Tiếng kẻng {PAYLOAD}"  # shown as text
        control, _ = _dialogs(f"{base}/raw/{MODEL_PAGE}")
        assert control == ["1"]
    finally:
        httpd.shutdown()
        httpd.server_close()
