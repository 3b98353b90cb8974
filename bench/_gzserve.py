"""The built site served as a static host would (Netlify): the published headers (CSP
included) and gzip for text files, from 127.0.0.1 on a free port, in a thread."""

from __future__ import annotations

import gzip
import io
import sys
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser import StaticServer, _Handler  # noqa: E402

TEXT = (".html", ".css", ".js", ".json", ".geojson", ".webmanifest", ".svg", ".xml", ".txt")


class _Counted(io.RawIOBase):
    """The socket's writer, counting what goes through it (headers and bodies)."""

    def __init__(self, raw: Any, sent: list[int]) -> None:
        self.raw, self.sent = raw, sent

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.raw.write(data)
        self.sent[0] += len(data)
        return len(data)

    def flush(self) -> None:
        self.raw.flush()


class GzipHandler(_Handler):
    # (path, bytes written for it: status line, headers and body), one per request, in the
    # order the requests ended: what went over the wire, seen by the server (a browser's own
    # account may miss the requests of a worker).
    sent: list[tuple[str, int]]

    def handle_one_request(self) -> None:
        count = [0]
        real = self.wfile
        self.wfile = _Counted(real, count)  # type: ignore[assignment]
        try:
            super().handle_one_request()
        finally:
            self.wfile = real
            if count[0] and getattr(self, "path", None):
                self.sent.append((self.path, count[0]))

    def send_head(self) -> Any:  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and path.suffix in TEXT):
            return super().send_head()
        if not self.path.split("?", 1)[0].endswith("/") and path.name == "index.html":
            return super().send_head()  # the redirect to the folder's URL
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class GzipServer(StaticServer):
    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.httpd.server_close()
        self.sent: list[tuple[str, int]] = []
        handler = type("Handler", (GzipHandler,), {"requests": self.requests, "sent": self.sent})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
