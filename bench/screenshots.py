"""Issue 16's screenshots for the integrator's note, at 360 px in Debian Chromium.

    .venv/bin/python bench/screenshots.py SITE [--data data] [--out bench/out/screenshots]

SITE is a build of the sample (`antq build --out SITE`); --data is the package whose lesson
library is exported as a ZIM for the third picture. Three pictures (bench/out/ is not kept
in git):

- `xa-da-luu-offline-360.png` (its top; `-hop-luu`: its box; `-full`): a xã page saved with "Lưu xã này để dùng khi
  không có mạng", then opened again with the server stopped and the browser offline;
- `bai-hoc-ban-hoc-sinh-360.png`: a lesson as printed for students (print media emulated,
  the whole page): the questions without their answers;
- `zim-tim-kiem-lua-dao-360.png`: the ZIM's own search page in Debian's kiwix-serve,
  answering "lừa đảo" typed with its marks.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.teach_bench import BOOK, served_zim  # noqa: E402
from tests.browser import StaticServer, block_external, launch  # noqa: E402

PHONE = {"width": 360, "height": 740}
XA = "/tinh/hai-phong/xa-tan-ky/"
LESSON = "/bai-hoc/lua-dao-qua-mang/"


def _until(page, script: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for: {script}")
        time.sleep(0.05)


def saved_xa(browser, site: Path, out: Path) -> None:
    server = StaticServer(site).start()
    context = browser.new_context(viewport=PHONE)
    block_external(context)
    page = context.new_page()
    page.goto(server.url + XA)
    _until(page, "navigator.serviceWorker.controller !== null")
    box = page.locator(".place-box[data-state=idle]")
    box.wait_for(timeout=30_000)
    box.get_by_role("button", name="Lưu xã này để dùng khi không có mạng").click()
    page.locator(".place-box[data-state=saved]").wait_for(timeout=60_000)
    context.set_offline(True)
    server.stop()
    response = page.goto(server.url + XA)
    assert response is not None and response.from_service_worker
    saved = page.locator(".place-box[data-state=saved]")
    saved.wait_for()
    page.screenshot(path=out / "xa-da-luu-offline-360.png")  # the top of the page
    saved.scroll_into_view_if_needed()
    page.screenshot(path=out / "xa-da-luu-offline-360-hop-luu.png")  # the box says "saved"
    page.screenshot(path=out / "xa-da-luu-offline-360-full.png", full_page=True)
    context.close()


def student_handout(browser, site: Path, out: Path) -> None:
    server = StaticServer(site).start()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + LESSON)
    page.emulate_media(media="print")
    page.screenshot(path=out / "bai-hoc-ban-hoc-sinh-360.png", full_page=True)
    context.close()
    server.stop()


def zim_search(browser, data: Path, out: Path) -> None:
    with served_zim(data) as (base, _zim):
        context = browser.new_context(viewport=PHONE)
        block_external(context, allowed=base)
        page = context.new_page()
        page.goto(f"{base}/{BOOK}/tim-kiem")
        page.fill("#q", "lừa đảo")
        page.locator("#ket-qua li:not([hidden]) a").first.wait_for()
        page.screenshot(path=out / "zim-tim-kiem-lua-dao-360.png", full_page=True)
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        saved_xa(browser, args.site.resolve(), args.out)
        student_handout(browser, args.site.resolve(), args.out)
        zim_search(browser, args.data.resolve(), args.out)
        browser.close()
    for path in sorted(args.out.glob("*.png")):
        print(path)


if __name__ == "__main__":
    main()
