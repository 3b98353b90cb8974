"""Shared helpers for browser tests in Debian Chromium (see shared recipes BROWSER-TESTS).

The README's test command installs Debian's `chromium`; tests never download a browser.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generator.headers import for_path

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    assert path, "Debian Chromium is missing: run the README's test command (it installs it)"
    return path


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".webmanifest": "application/manifest+json",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".geojson": "application/geo+json",
    }
    requests: list[str]

    def end_headers(self) -> None:
        # The published site's headers, CSP included, so a violation shows in the browser.
        for name, value in for_path(self.path.split("?", 1)[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class StaticServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        handler = type("Handler", (_Handler,), {"requests": self.requests})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> StaticServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def serve(root: Path) -> Iterator[StaticServer]:
    server = StaticServer(root).start()
    try:
        yield server
    finally:
        server.stop()


def block_external(context: Any, allowed: str = "http://127.0.0.1") -> list[str]:
    """Abort every request that would leave 127.0.0.1; return the list of attempts."""
    attempts: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(allowed) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            attempts.append(url)
            route.abort()

    context.route("**/*", handle)
    return attempts


def axe_options(tags: list[str]) -> dict[str, Any]:
    """axe-core's options for the rules of `tags`. `resultTypes: ["violations"]` has axe
    report every violating node, as before, but only one node of each passed, incomplete or
    inapplicable rule: it no longer builds and sends back a selector and an HTML excerpt for
    every element that passed (half of each run's time on a long page). The rules that run,
    and what counts as a violation, are the same."""
    return {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}


# Counts the page's number formatting through Intl: the first such call of a page loads the
# ICU locale data (40-200 ms of main thread on this machine), the lesson library page's long
# task after load (issue 16).
INTL_PROBE = """
window.__intl = 0;
(function () {
  var own = Number.prototype.toLocaleString;
  Number.prototype.toLocaleString = function () {
    window.__intl += 1;
    return own.apply(this, arguments);
  };
  var Format = Intl.NumberFormat;
  Intl.NumberFormat = function () {
    window.__intl += 1;
    return Format.apply(this, arguments);
  };
})();
"""
