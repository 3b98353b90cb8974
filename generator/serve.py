"""`antq serve`: build, serve the site on this machine, rebuild and reload pages on change.

The server reads `out_dir` by path on every request, never through a handle kept open. Its
first build (when no build cache describes the folder) swaps a new directory into place;
every rebuild after writes in place (`BuildOptions.in_place`, generator.output.InPlace):
each changed file renamed over its old version, /build.json last, the outputs gone
removed, so a one-row edit neither links 14,500 files into a new folder nor deletes one.

Live reload is development-only and never reaches the disk: HTML responses get a
`<script src="/__antq/reload.js">` tag inserted as they are sent. The script is an external
file because the published site runs under a CSP with `script-src 'self'`. It listens on
`/__antq/events` (Server-Sent Events) and reloads the page when the build it was served with
is no longer the current one.

A failed build never stops the server: while the data has errors every HTML request gets an
error page listing them (with the reload script, so it goes away once the data is fixed);
everything else is still served from the previous site, which the build left in place. Any
user error (`AntqError`: data, settings, a missing tool) gets that page; only a bug in antq
gets the page with a traceback.

Search follows the pages (issue 18 item 5): a rebuild whose pages change the search copies
swaps the pages in with the previous build's index (`BuildOptions.defer_search`), and a
background thread then makes the new index and swaps it in (`Builder.catch_up_search`), so an
edit's page is live without waiting for Pagefind. Until then the search page is sent with a
notice that the index is catching up (in the HTML, so without JavaScript too), and the event
stream says `"search": "pending"`; when the index is current the stream says so and an open
search page that showed the notice reloads. An edit saved meanwhile stops the index being
made (Pagefind is killed) and is built first. The server holds the output's lock for its
session: a build or a second server on the same output stops with a message naming it.

The server answers only requests addressed to itself: a `Host` other than 127.0.0.1, localhost
or [::1] with its port is refused (403). Otherwise a web page on another site could rebind its
own name to 127.0.0.1 (DNS rebinding) and read the unpublished preview as same-origin.
"""

from __future__ import annotations

import gc
import html
import json
import os
import secrets
import shutil
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import watchfiles

from generator.build import Builder, BuildOptions, BuildReport, build_site, output_lock
from generator.data.cache import default_cache_dir
from generator.data.messages_vi import problem, say, text
from generator.errors import AntqError, UsageError
from generator.headers import for_path
from generator.search import Cancelled
from generator.urlpath import INDEX
from generator.warm import Warm

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEV_PREFIX = "/__antq/"
EVENTS_PATH = "/__antq/events"
RELOAD_PATH = "/__antq/reload.js"
ERROR_CSS_PATH = "/__antq/error.css"
SEARCH_PAGE = "/tim-kiem/"  # the page that searches the index (site/static/js/tim-kiem.js)
SEARCH_NOTICE = "data-antq-search"  # marks the catching-up notice (reload.js looks for it)
DATA_ERROR_HEADING = text("serve-data-error-heading")
BUG_HEADING = text("serve-bug-heading")
CONSOLE_ERROR_LINES = 30  # the browser shows them all; the terminal should stay readable
KEEPALIVE_SECONDS = 15.0  # an SSE comment this often lets a dead client be noticed
WATCH_TICK_MS = 300  # how often the watcher wakes to report that it is running

RELOAD_JS = """\
// Served by `antq serve` only, never written to the built site. It reloads the page when a
// build finishes. An external file, not inline, because the site's CSP is script-src 'self'.
(function () {
  "use strict";
  var script = document.currentScript;
  // The build this page was served from; a different one means the page is out of date,
  // even if that build finished before this script connected.
  var served = script ? script.getAttribute("data-antq-build") : null;
  var delay = 500;
  function connect() {
    var source = new EventSource("/__antq/events");
    source.addEventListener("build", function (event) {
      delay = 500;
      var current, state;
      try {
        state = JSON.parse(event.data);
        current = state.version;
      } catch (error) {
        return;
      }
      // A search page served while the index was catching up reloads once it is current.
      if (state.search === "current" && document.querySelector("[data-antq-search]")) {
        source.close();
        window.location.reload();
        return;
      }
      if (served === null) {
        served = current;
      } else if (current !== served) {
        source.close();
        window.location.reload();
      }
    });
    source.onerror = function () {
      // Browsers disagree on whether they retry a refused connection (server stopped or
      // restarting), so always close and retry ourselves, backing off to 5 s.
      source.close();
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  connect();
})();
"""

ERROR_CSS = """\
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; color: #1b1b1b; background: #fff; }
h1 { color: #a4000f; font-size: 1.5rem; }
li { margin: .4rem 0; }
pre { white-space: pre-wrap; background: #f4f4f4; padding: 1rem; overflow-x: auto; }
@media (prefers-color-scheme: dark) {
  body { color: #eee; background: #161616; } h1 { color: #ff8a8a; } pre { background: #262626; }
}
"""

NOT_FOUND_PAGE = f"""\
<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>{text("serve-not-found")}</title></head>
<body><h1>{text("serve-not-found")}</h1><p><a href="/">{text("serve-home")}</a></p></body>
</html>
"""

# Types the stdlib does not know, or guesses differently from the production host.
EXTRA_TYPES = {
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".csv": "text/csv",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}
UTF8_TYPES = {
    "application/json",
    "application/manifest+json",
    "application/xml",
    "application/yaml",
    "image/svg+xml",
}


class HostError(UsageError):
    """The host is not a loopback address; the message is Vietnamese."""


def check_host(host: str) -> str:
    """Return the host to bind, refusing anything but this machine: the preview shows
    unpublished data and the server is not hardened for a network."""
    name = host.strip().strip("[]").lower()
    if name not in LOOPBACK_HOSTS:
        raise HostError(say("serve-host-not-loopback", host=host))
    return name


def inject_reload(page: bytes, version: str) -> bytes:
    """Insert the reload script tag before the last `</body>` (or at the end)."""
    tag = f'<script src="{RELOAD_PATH}" defer data-antq-build="{html.escape(version)}"></script>'
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page + tag.encode()
    return page[:at] + tag.encode() + page[at:]


def inject_search_notice(page: bytes) -> bytes:
    """The search page as sent while the index catches up: a notice after its heading."""
    notice = (
        f'<p class="search-status" role="status" {SEARCH_NOTICE}="catching-up">'
        f"{html.escape(text('serve-search-catching-up'))}</p>"
    ).encode()
    at = page.find(b"</h1>")
    if at >= 0:
        at += len(b"</h1>")
    else:
        at = page.lower().rfind(b"</body>")
        at = at if at >= 0 else len(page)
    return page[:at] + notice + page[at:]


def build_event(version: str, ok: bool, search_pending: bool = False) -> bytes:
    """One Server-Sent Event announcing a build (`version` is "<server id>-<counter>") and
    whether its search index is current or still being made."""
    data = json.dumps(
        {
            "version": version,
            "build": int(version.rsplit("-", 1)[1]),
            "ok": ok,
            "search": "pending" if search_pending else "current",
        },
        separators=(",", ":"),
    )
    return f"event: build\nid: {version}\ndata: {data}\n\n".encode()


def error_page(kind: str, lines: list[str]) -> bytes:
    """The page shown instead of every HTML page while the last build failed. Every line
    is escaped: they quote the user's cells."""
    if kind == "data":
        heading = DATA_ERROR_HEADING
        intro = text("serve-data-error-intro")
        body = "<ul>\n" + "".join(f"<li>{html.escape(line)}</li>\n" for line in lines) + "</ul>"
    else:
        heading = BUG_HEADING
        intro = text("serve-bug-intro")
        body = "<pre>" + html.escape("\n".join(lines)) + "</pre>"
    return (
        "<!doctype html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(heading)}</title>\n"
        f'<link rel="stylesheet" href="{ERROR_CSS_PATH}">\n'
        "</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(heading)}</h1>\n<p>{html.escape(intro)}</p>\n{body}\n"
        "</main>\n</body>\n</html>\n"
    ).encode()


def host_refused_page(host: str, url: str) -> bytes:
    """The short page for a request addressed to another name (DNS rebinding)."""
    title = problem("serve-host-refused", "", host=host, url=url).message
    line = say("serve-host-refused", host=host, url=url)
    return (
        '<!doctype html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f"<body><p>{html.escape(line)}</p></body>\n</html>\n"
    ).encode()


class _WatchFilter(watchfiles.DefaultFilter):
    """Ignore what the build itself writes, so a build never triggers the next one."""

    def __init__(self, ignored: list[Path], out_dir: Path) -> None:
        super().__init__()
        self._ignored = [str(p) for p in ignored]
        name = out_dir.name  # (output.Staging's folders, and output.skeleton's)
        self._staging = (f".{name}.new-", f".{name}.old-", f".{name}.skeleton")

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if any(path == p or path.startswith(p + os.sep) for p in self._ignored):
            return False
        if any(part.startswith(self._staging) for part in Path(path).parts):
            return False
        return bool(super().__call__(change, path))


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep the process alive

    def __init__(self, address: tuple[str, int], dev: DevServer) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.dev = dev
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the name up with getfqdn(), which can stall for
        # seconds on a machine without network; the name is never used.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a browser that closed the tab or navigated away mid-response
        super().handle_error(request, client_address)


class _Handler(SimpleHTTPRequestHandler):
    server: _Server
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}

    def __init__(self, request: Any, client_address: Any, server: _Server) -> None:
        # Re-read per request: a build replaces the directory behind this path.
        super().__init__(request, client_address, server, directory=str(server.dev.out_dir))

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one console line per build is the contract; requests would drown it

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    # -- routing -------------------------------------------------------------------------

    def _respond(self, *, head: bool) -> None:
        dev = self.server.dev
        if not self._host_is_ours():
            self._refuse_host(head)
            return
        path = urlsplit(self.path).path
        if path.startswith(DEV_PREFIX):
            self._dev_route(path, head=head)
            return
        # Read the state before the file: if a build lands in between, the page gets an
        # older build id than its content and reloads once more, instead of staying stale.
        version, error_kind, error_lines = dev.snapshot()
        search_pending = dev.search_pending
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                self._redirect(path + "/")
                return
            target = target / INDEX
        is_file = target.is_file()
        is_html = not is_file or target.suffix in (".html", ".htm")
        if error_kind is not None and is_html:
            page = inject_reload(error_page(error_kind, error_lines), version)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8", page, head)
            return
        if not is_file:
            self._not_found(version, head)
            return
        try:
            if is_html:
                page = target.read_bytes()
                if search_pending and path == SEARCH_PAGE:
                    page = inject_search_notice(page)
                page = inject_reload(page, version)
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", page, head)
            else:
                self._send_file(target, head)
        except FileNotFoundError:
            # Only in the instant of a non-atomic swap (filesystems without renameat2).
            self._not_found(version, head)

    def _host_is_ours(self) -> bool:
        hosts = self.headers.get_all("Host") or []
        return len(hosts) == 1 and hosts[0].strip().lower() in self.server.dev.own_hosts

    def _refuse_host(self, head: bool) -> None:
        host = (self.headers.get("Host") or "")[:100]
        dev = self.server.dev
        page = host_refused_page(host, dev.url)
        self._send(HTTPStatus.FORBIDDEN, "text/html; charset=utf-8", page, head)

    def _dev_route(self, path: str, *, head: bool) -> None:
        if path == EVENTS_PATH:
            self._events(head)
        elif path == RELOAD_PATH:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_JS.encode(), head)
        elif path == ERROR_CSS_PATH:
            self._send(HTTPStatus.OK, "text/css; charset=utf-8", ERROR_CSS.encode(), head)
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"", head)

    # -- responses -----------------------------------------------------------------------

    def _headers(self, status: HTTPStatus, content_type: str, length: int | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        # The published site's headers (CSP included), so a page that breaks the policy
        # breaks here too; but a preview must always show the latest build: no-store.
        for name, value in for_path(self.path.split("?", 1)[0]).items():
            if name != "Cache-Control":
                self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, head: bool) -> None:
        self._headers(status, content_type, len(body))
        if not head:
            self.wfile.write(body)

    def _send_file(self, target: Path, head: bool) -> None:
        content_type = self.guess_type(str(target))
        if content_type.startswith("text/") or content_type in UTF8_TYPES:
            content_type += "; charset=utf-8"  # every text file the build writes is UTF-8
        with target.open("rb") as f:  # held open: survives the swap deleting the old site
            self._headers(HTTPStatus.OK, content_type, os.fstat(f.fileno()).st_size)
            if not head:
                shutil.copyfileobj(f, self.wfile)

    def _not_found(self, version: str, head: bool) -> None:
        try:
            page = inject_reload((self.server.dev.out_dir / "404.html").read_bytes(), version)
        except OSError:  # a site without its own 404 page
            page = inject_reload(NOT_FOUND_PAGE.encode(), version)
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", page, head)

    def _redirect(self, location: str) -> None:
        query = urlsplit(self.path).query
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location + (f"?{query}" if query else ""))
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _events(self, head: bool) -> None:
        """Server-Sent Events: the current build at once, then each new one."""
        dev = self.server.dev
        self._headers(HTTPStatus.OK, "text/event-stream; charset=utf-8", None)
        if head:
            return
        seen: tuple[str, bool] | None = None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not dev.stopping:
                version, ok, pending = dev.wait_for_build(seen, KEEPALIVE_SECONDS)
                if dev.stopping:
                    break
                if (version, pending) == seen:
                    self.wfile.write(b": keepalive\n\n")
                else:
                    seen = (version, pending)
                    self.wfile.write(build_event(version, ok, pending))
                self.wfile.flush()
        except (ConnectionError, OSError):
            pass  # the page was closed or reloaded


class DevServer:
    """The build, the HTTP server thread and the watcher thread, with the shared state.

    `start()` builds once and returns when serving and watching; `stop()` ends both. The
    state (`build_count`, `error_kind`, `error_lines`) is what pages are served from.
    """

    def __init__(
        self,
        options: BuildOptions,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        watch_dirs: list[Path] | None = None,
        log: Callable[[str], None] = print,
        verbose: bool = False,
    ) -> None:
        # The pages first, the index after (see the module's docstring); the server holds
        # the output's lock for its session.
        # The records and model stay in memory between rebuilds (generator.warm).
        self.warm = Warm()
        self.options = replace(
            options,
            defer_search=True,
            lock=False,
            swapped=self._swapped,
            warm=self.warm,
            in_place=True,
        )
        self.host = check_host(host)
        self.port = port
        self.out_dir = options.out_dir.resolve()
        if watch_dirs is None:
            # pwa/ sits next to site/ in the repository.
            watch_dirs = [options.data_dir, options.site_dir, options.site_dir.parent / "pwa"]
        self.watch_dirs = [p.resolve() for p in watch_dirs if p.is_dir()]
        self.log = log
        self.verbose = verbose  # each rebuild's stages logged (wall and CPU seconds)
        # A fresh id per process: a page served by an earlier run reloads after a restart.
        self.server_id = secrets.token_hex(4)
        self.build_count = 0
        self.error_kind: str | None = None  # None (last build fine), "data" or "bug"
        self.error_lines: list[str] = []
        self.last_report: BuildReport | None = None
        self.search_pending = False  # the site holds an earlier build's search index
        self._search_wanted = threading.Event()  # the indexer thread has work
        self._rebuilds_waiting = 0  # rebuilds waiting for the build lock (stop the indexer)
        self._pages_live = 0.0  # when the pages of the pending index's build went live
        self._session = ExitStack()  # the output's lock, held until stop()
        self._warnings: list[str] = []
        self._state = threading.Condition()
        self._build_lock = threading.Lock()
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._httpd: _Server | None = None
        self._threads: list[threading.Thread] = []

    # -- state shared with the request threads ---------------------------------------------

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def own_hosts(self) -> frozenset[str]:
        """The `Host` values that name this server (lower case)."""
        names = ("127.0.0.1", "localhost", "[::1]")
        hosts = {f"{name}:{self.port}" for name in names}
        if self.port == 80:  # browsers leave the default port out
            hosts.update(names)
        return frozenset(hosts)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def version(self) -> str:
        return f"{self.server_id}-{self.build_count}"

    def snapshot(self) -> tuple[str, str | None, list[str]]:
        with self._state:
            return self.version, self.error_kind, list(self.error_lines)

    def wait_for_build(
        self, seen: tuple[str, bool] | None, timeout: float
    ) -> tuple[str, bool, bool]:
        """The current build id, whether it succeeded and whether its search index is still
        being made, once (id, pending) differs from `seen` (or on timeout or stop)."""
        with self._state:
            self._state.wait_for(
                lambda: (self.version, self.search_pending) != seen or self.stopping, timeout
            )
            return self.version, self.error_kind is None, self.search_pending

    # -- building ----------------------------------------------------------------------------

    def rebuild(self, reason: str = "") -> BuildReport | None:
        """Build once; never raises for a failed build (the server must outlive it). An
        index being made meanwhile is stopped: the edit's pages come first."""
        with self._state:
            self._rebuilds_waiting += 1
        try:
            self._build_lock.acquire()
        finally:
            with self._state:
                self._rebuilds_waiting -= 1
        first = self.build_count == 0
        try:
            return self._rebuild(reason)
        finally:
            settle_heap(collect=first)
            self._build_lock.release()

    def _rebuild(self, reason: str) -> BuildReport | None:
        clock = time.strftime("%H:%M:%S")
        prefix = f"{clock} {reason}: " if reason else f"{clock} "
        started = time.perf_counter()
        try:
            report = build_site(self.options, progress=False)
        except AntqError as exc:  # data, settings, a missing tool: the user can fix it
            self._set_state("data", list(exc.lines), changed=True)
            self.log(f"{prefix}{DATA_ERROR_HEADING}:")
            self._log_lines(exc.lines)
            return None
        except Exception:
            lines = traceback.format_exc().rstrip().splitlines()
            self._set_state("bug", lines, changed=True)
            self.log(f"{prefix}{BUG_HEADING}:")
            self._log_lines(lines, limit=len(lines))
            return None
        seconds = time.perf_counter() - started
        # Skipped (nothing changed) still counts when it clears an error page.
        changed = not report.skipped or self.error_kind is not None or self.build_count == 0
        # The index's state first: a page served with the new build's id says it right.
        if report.search_pending:
            self._set_search(True)
            self._search_wanted.set()
        elif not report.skipped:
            self._set_search(False)
        self._set_state(None, [], changed=changed)
        self.last_report = report
        if report.skipped:
            self.log(prefix + text("serve-unchanged", seconds=f"{seconds:.1f}"))
        else:
            built = text(
                "serve-built",
                pages=report.pages,
                written=report.written,
                linked=report.linked,
                seconds=f"{seconds:.1f}",
            )
            self.log(prefix + built)
        if self.verbose:
            self.log(stage_line(report))
        if report.warnings != self._warnings:
            self._log_lines(report.warnings)
            self._warnings = list(report.warnings)
        return report

    def _set_state(self, kind: str | None, lines: list[str], *, changed: bool) -> None:
        with self._state:
            self.error_kind = kind
            self.error_lines = lines
            if changed:
                self.build_count += 1
            self._state.notify_all()

    def _swapped(self, pending: bool) -> None:
        """A new site is live (from the build, in its thread): the search page says at once
        whether its index is still being made."""
        if pending:
            self._pages_live = time.perf_counter()
        self._set_search(pending)

    def _set_search(self, pending: bool) -> None:
        with self._state:
            if self.search_pending != pending:
                self.search_pending = pending
                self._state.notify_all()

    def _search_unwanted(self) -> bool:
        """Asked while Pagefind runs: stop it for an edit waiting to be built, or on stop."""
        return self.stopping or self._rebuilds_waiting > 0

    def _index_loop(self) -> None:
        """The indexer thread: make the index a rebuild deferred, one at a time, between
        rebuilds (it takes the build lock, and gives way to a rebuild waiting for it)."""
        while not self.stopping:
            if not self._search_wanted.wait(0.2):
                continue
            self._search_wanted.clear()
            with self._build_lock:
                if self._search_unwanted():
                    continue  # the rebuild that waits asks again if its index is deferred
                try:
                    # The index is said current after the work below, not at its swap: a
                    # client (or the bench) that saves the next edit once it is current
                    # finds the server idle, not flushing and collecting (issue 18: ~0.35
                    # CPU s of that work was counted in the next edit's rebuild).
                    quiet = replace(self.options, swapped=None)
                    done = Builder(quiet).catch_up_search(self._search_unwanted)
                except Cancelled:
                    continue
                except AntqError as exc:
                    self.log(DATA_ERROR_HEADING + ":")
                    self._log_lines(exc.lines)
                    continue
                except Exception:
                    self.log(BUG_HEADING + ":")
                    self._log_lines(traceback.format_exc().rstrip().splitlines(), limit=100)
                    continue
                if done and not self._search_unwanted():
                    # Before the search is said current (the catch-up's background work, no
                    # part of an edit's): the row-level validation states the rebuilds held
                    # in memory written (a rebuild reads them from memory, never from these
                    # files), and the garbage cycles they left collected (`settle_heap`).
                    # Left for the next catch-up when an edit waits.
                    self.warm.rows.flush()
                    self.warm.prepare()
                    settle_heap(collect=True)
                if done:
                    seconds = time.perf_counter() - self._pages_live
                    self._set_search(False)
                    clock = time.strftime("%H:%M:%S")
                    self.log(f"{clock} " + text("serve-search-caught-up", seconds=f"{seconds:.1f}"))

    def _log_lines(self, lines: list[str], limit: int = CONSOLE_ERROR_LINES) -> None:
        for line in lines[:limit]:
            self.log(f"  {line}")
        if len(lines) > limit:
            self.log("  " + text("serve-more-lines", count=len(lines) - limit))

    # -- threads -----------------------------------------------------------------------------

    def start(self) -> None:
        """Bind, build once, then serve and watch; returns once both threads are running."""
        # Bind first so a busy port fails before a build is spent on it.
        self._httpd = _Server((self.host, self.port), self)
        try:
            self.port = int(self._httpd.server_address[1])
            lock_path = Builder(self.options).lock_path
            self._session.enter_context(
                output_lock(lock_path, self.options.out_dir, holder="serve")
            )
            self.rebuild()
            self.warm.prepare()  # (what the first edit would make first: see Warm.prepare)
            settle_heap(collect=False)
            indexer = threading.Thread(target=self._index_loop, name="antq-serve-index")
            indexer.start()
            self._threads.append(indexer)
            server_thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},  # how long stop() waits for the loop to notice
                name="antq-serve-http",
                daemon=True,
            )
            server_thread.start()
            self._threads.append(server_thread)
            if self.watch_dirs:
                watcher = threading.Thread(target=self._watch, name="antq-serve-watch")
                watcher.start()
                self._threads.append(watcher)
                # Changes are only seen once the watcher is registered; wait for it so a
                # file saved right after start() is not missed.
                self._watching.wait(timeout=10)
        except BaseException:
            self.stop()
            raise
        self.log(text("serve-serving", url=self.url))

    def _watch(self) -> None:
        roots = self.watch_dirs
        cache_dir = self.options.cache_dir or default_cache_dir(self.options.data_dir)
        ignored = [self.out_dir, cache_dir.resolve()]
        try:
            for changes in watchfiles.watch(
                *roots,
                watch_filter=_WatchFilter(ignored, self.out_dir),
                stop_event=self._stop,
                rust_timeout=WATCH_TICK_MS,
                yield_on_timeout=True,  # the first (empty) yield says the watcher is live
                raise_interrupt=False,
            ):
                self._watching.set()
                if changes and not self.stopping:
                    self.rebuild(_describe(changes, roots))
        except Exception:
            # Serving goes on without automatic rebuilds rather than dying.
            self.log(text("serve-watch-failed"))
            self._log_lines(traceback.format_exc().rstrip().splitlines(), limit=100)
        finally:
            self._watching.set()

    def wait(self) -> None:
        """Block until stop() (or Ctrl+C in the calling thread)."""
        while not self._stop.wait(0.5):
            pass

    def stop(self) -> None:
        self._stop.set()
        with self._state:
            self._state.notify_all()  # wake event streams so they end
        if self._httpd is not None:
            if any(t.name == "antq-serve-http" for t in self._threads):
                self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            # The watcher may be mid-build: let it finish so no staging directory is left.
            thread.join()
        self._threads.clear()
        self.warm.rows.flush()
        self.warm.close()  # (its watches of the output)
        gc.unfreeze()  # (`settle_heap`) the process may go on without the server
        self._session.close()  # the output's lock


def settle_heap(collect: bool) -> None:
    """Move every object the process holds now (the records, the model, the pages the last
    build kept: hundreds of MB on the national package) out of the cyclic collector's reach
    (`gc.freeze`): a rebuild allocates enough to set off a full collection, which walked
    them all, ~0.7 CPU s of each one-row edit (issue 18). Objects still go as soon as
    nothing refers to them; only garbage cycles among the frozen ones wait for `collect`
    (the server asks after the first build and when the search has caught up: idle time)."""
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def _describe(changes: set[tuple[watchfiles.Change, str]], roots: list[Path]) -> str:
    """Name the changed files for the console line (at most three)."""
    # Editors and `sed -i` save through temporary files that are gone by now: leave them out
    # unless nothing else changed (a real deletion).
    paths = sorted(Path(raw) for _, raw in changes)
    paths = [p for p in paths if p.exists()] or paths
    names: list[str] = []
    for path in paths:
        for root in roots:
            if path.is_relative_to(root):
                path = Path(root.name) / path.relative_to(root)
                break
        if path.as_posix() not in names:
            names.append(path.as_posix())
    shown = ", ".join(names[:3])
    return shown + (text("serve-more-files", count=len(names) - 3) if len(names) > 3 else "")


def stage_line(report: BuildReport) -> str:
    """`--verbose`: each stage's wall seconds and, after the slash, its CPU seconds."""
    parts = [
        f"{name} {seconds:.2f}/{report.cpu.get(name, 0.0):.2f}"
        for name, seconds in report.timings.items()
    ]
    return "  " + ", ".join(parts) + " s"


def run(
    options: BuildOptions,
    *,
    host: str,
    port: int,
    log: Callable[[str], None],
    verbose: bool = False,
) -> int:
    """The `antq serve` command: serve until Ctrl+C; the exit code."""
    try:
        server = DevServer(options, host=host, port=port, log=log, verbose=verbose)
    except HostError as exc:
        for line in exc.lines:
            log(line)
        return 2
    try:
        server.start()
    except AntqError as exc:  # another build or server holds the output
        for line in exc.lines:
            log(line)
        return 1
    except OSError as exc:
        log(say("serve-port", port=port, host=host, detail=exc.strerror or exc))
        return 1
    except KeyboardInterrupt:
        log(text("serve-stopped"))
        return 0
    try:
        server.wait()
    except KeyboardInterrupt:
        log(text("serve-stopping"))
    finally:
        server.stop()
    log(text("serve-stopped"))
    return 0
