"""`antq serve` (issue 12): only requests addressed to the server itself are answered (DNS
rebinding), and every user error of a build is shown as such, not as a bug in antq."""

from __future__ import annotations

import html
import http.client
import socket

import pytest

import generator.serve as serve_mod
from generator.build import BuildOptions
from generator.errors import AntqError, UsageError
from generator.serve import BUG_HEADING, DATA_ERROR_HEADING, DevServer
from generator.settings import SettingsError, load_settings
from tests import test_serve
from tests.test_serve import read_event

dev = test_serve.dev  # the fixture: a DevServer on 127.0.0.1 with a fresh build

REFUSED_TITLE = "máy chủ xem trước không trả lời yêu cầu gửi tới “{host}”"
REFUSED_LINE = (
    "lỗi: máy chủ xem trước không trả lời yêu cầu gửi tới “{host}” [serve-host-refused] — "
    "Cách sửa: mở bản xem trước tại {url} (chỉ địa chỉ 127.0.0.1, localhost hoặc [::1] của "
    "máy này)"
)


def raw_get(port: int, path: str, host_lines: list[str], method: str = "GET") -> tuple[int, str]:
    """A request with exactly these Host header lines (none, one or two), as an attacker's
    page or a script sends it; the status and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = [f"{method} {path} HTTP/1.1", *host_lines, "Connection: close", "", ""]
        sock.sendall("\r\n".join(head).encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status_line, _, rest = data.partition(b"\r\n")
    _, _, body = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), body.decode("utf-8")


def test_forged_host_is_refused(dev: DevServer) -> None:
    port = dev.port
    for host in ("127.0.0.1", "localhost", "LocalHost", "[::1]"):
        status, body = raw_get(port, "/", [f"Host: {host}:{port}"])
        assert status == 200 and "<html" in body, host
    for host in (
        f"evil.example:{port}",  # the attacker's name, rebound to 127.0.0.1
        "evil.example",
        "127.0.0.1",  # not our port: another server's name
        f"127.0.0.1:{port + 1}",
        f"localhost.:{port}",
        f"127.0.0.1.evil.example:{port}",
        f"127.1:{port}",
        f"0.0.0.0:{port}",
        "",
    ):
        status, body = raw_get(port, "/", [f"Host: {host}"])
        assert status == 403, host
        title = html.escape(REFUSED_TITLE.format(host=host))
        line = html.escape(REFUSED_LINE.format(host=host, url=dev.url))
        assert f"<title>{title}</title>" in body and f"<p>{line}</p>" in body, body
        assert "Xã" not in body and "__antq" not in body
    # No Host at all, or two: refused too.
    assert raw_get(port, "/", [])[0] == 403
    assert raw_get(port, "/", [f"Host: 127.0.0.1:{port}", "Host: evil.example"])[0] == 403
    # Every path: pages, data files, the dev routes, HEAD.
    for path in ("/du-lieu/places.csv", "/__antq/reload.js", "/khong-co/", "/tinh/hai-phong"):
        assert raw_get(port, path, ["Host: evil.example"])[0] == 403, path
    assert raw_get(port, "/", ["Host: evil.example"], method="HEAD")[0] == 403


def test_live_reload_stream_refuses_a_forged_host(dev: DevServer) -> None:
    status, body = raw_get(dev.port, "/__antq/events", [f"Host: evil.example:{dev.port}"])
    assert status == 403 and "event:" not in body
    # Addressed to the server itself, the stream opens (positive control).
    conn = http.client.HTTPConnection("localhost", dev.port, timeout=10)
    try:
        conn.request("GET", "/__antq/events")
        resp = conn.getresponse()
        assert resp.status == 200
        assert read_event(resp)["version"] == dev.version
    finally:
        conn.close()


def test_settings_error_is_shown_as_user_error(dev: DevServer) -> None:
    """site.toml with an unknown key: the page lists the setting's line under the data
    heading, not a traceback under the program-error heading."""
    toml = dev.options.site_dir / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\nthem_moi = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(dev.options.site_dir)
    assert dev.rebuild() is None
    assert dev.error_kind == "data" and dev.error_lines == caught.value.lines
    status, _, body = test_serve.get(dev, "/")
    assert status == 500 and DATA_ERROR_HEADING in body and BUG_HEADING not in body
    for line in caught.value.lines:
        assert f"<li>{html.escape(line)}</li>" in body
    assert "Traceback" not in body


@pytest.mark.parametrize("error", [UsageError, AntqError])
def test_any_user_error_of_the_build_is_shown_as_such(
    dev: DevServer, monkeypatch: pytest.MonkeyPatch, error: type[AntqError]
) -> None:
    """A user error raised anywhere in the build (a Pagefind that cannot run, a second build
    on the same cache…) is one the user can fix."""
    line = "lỗi: không chạy được Pagefind [pagefind] — Cách sửa: cài lại antq"

    def failing(options: BuildOptions, *, progress: bool = False) -> None:
        raise error([line])

    monkeypatch.setattr(serve_mod, "build_site", failing)
    assert dev.rebuild() is None
    assert dev.error_kind == "data" and dev.error_lines == [line]
    status, _, body = test_serve.get(dev, "/")
    assert status == 500 and DATA_ERROR_HEADING in body and html.escape(line) in body
