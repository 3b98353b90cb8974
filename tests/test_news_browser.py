"""A news article at 360 px in Debian Chromium (issue 21): its photo shows, from the 360 px
WebP, and the page does not move when it arrives (cumulative layout shift 0, read from a
PerformanceObserver). Negative control: the same page without the img's width and height
does shift. The photos are served late on purpose, so the page is laid out before they come.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from generator.build import BuildOptions, build_site

from .browser import block_external, launch, serve

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "tin-tuc/2025/ngay-hoi-xa-tan-ky/index.html"
# Installed before the page's own scripts: every layout shift, as Chromium reports them.
OBSERVER = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  }
}).observe({type: "layout-shift", buffered: true});
"""


def _measure(url: str) -> dict[str, Any]:
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            context = browser.new_context(viewport={"width": 360, "height": 740})
            block_external(context)

            def late(route: Any) -> None:
                time.sleep(0.6)  # after the first layout: a box without a size would grow
                route.continue_()

            context.route(re.compile(r".*\.(webp|jpg)$"), late)
            context.add_init_script(OBSERVER)
            page = context.new_page()
            page.goto(url)
            page.wait_for_function(
                "() => { const i = document.querySelector('main img');"
                " return i && i.complete && i.naturalWidth > 0; }",
                timeout=15000,
            )
            page.wait_for_timeout(400)  # let the observer deliver the last entries
            result: dict[str, Any] = page.evaluate(
                """() => {
                  const img = document.querySelector('main img');
                  const box = img.getBoundingClientRect();
                  return {cls: window.__shifts.reduce((a, b) => a + b, 0),
                          src: img.currentSrc, width: box.width, height: box.height,
                          natural: img.naturalWidth};
                }"""
            )
            return result
        finally:
            browser.close()


@pytest.mark.browser
def test_an_article_shows_its_photo_without_layout_shift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests/fixtures/good", data)
    out = tmp_path / "public"
    build_site(BuildOptions(data, out, ROOT / "site", parallel=False))
    # The control: the same page, the img without its intrinsic size.
    page = out / "tin-tuc/2025/ngay-hoi-xa-tan-ky/khong-kich-thuoc.html"
    page.write_text(
        re.sub(r' width="\d+" height="\d+"', "", (out / ARTICLE).read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    with serve(out) as server:
        shown = _measure(f"{server.url}/{ARTICLE.removesuffix('index.html')}")
        assert shown["natural"] == 360 and shown["src"].endswith("san-khau-360.webp")
        assert shown["width"] > 300 and abs(shown["width"] / shown["height"] - 800 / 500) < 0.02
        assert shown["cls"] == 0
        control = _measure(f"{server.url}/tin-tuc/2025/ngay-hoi-xa-tan-ky/khong-kich-thuoc.html")
        assert control["natural"] == 360
        assert control["cls"] > 0.05
