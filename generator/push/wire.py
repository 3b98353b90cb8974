"""The two costs every push message pays, made lean: its encryption (RFC 8291, aes128gcm) and
one HTTP/1.1 POST over a kept-alive connection to its push service.

Why our own code here, not pywebpush's `WebPusher`, http_ece or urllib3 (CPU per message on a
2-core machine, measured in one run with the bench's payloads):

- encryption: `WebPusher(...).encode` 0.36 ms, `http_ece.encrypt` 0.34 ms, this 0.24 ms. The
  same primitives of `cryptography` (an ephemeral P-256 key and ECDH, HKDF-SHA-256, AES-128-GCM)
  without building objects, copying the subscription and parsing keys each time. Nearly all of
  what is left is the ECDH itself. The test and bench receivers decrypt every message with
  http_ece, an independent implementation, so a wrong byte here fails them.
- HTTP: urllib3 (with http.client's header parser) 0.6 ms a request, h11 0.19 ms; a push
  request has one fixed shape and antq reads only the status, Retry-After and the framing of
  the answer, which this does in a few hundredths of a millisecond. Issue 20 asked for 0.5 ms
  a message in all.

The HTTP side is deliberately small: no redirects (a 307 would re-POST past the allow-list), no
compression, answers read and discarded with a size cap, `Connection: close` and HTTP/1.0
honoured, chunked bodies decoded; anything else unexpected closes the connection and raises
`WireError`, which the sender turns into a retry. An `https_proxy` from the environment (and
`no_proxy`) is honoured for https push services with a CONNECT tunnel. Sockets are
non-blocking and a request is a generator of its waits (loop.py): one event loop drives every
lane's requests, and each wait, from the name lookup (in a thread of its own: the system's
resolver has no non-blocking form) and the connection to the last byte of the answer, is
bounded by the request's total deadline.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hmac
import ipaddress
import os
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from generator.push.loop import READ, WRITE, Expired, Steps, WireError, run_one

__all__ = ["Connection", "Expired", "Reply", "WireError", "encrypt", "header_lines", "proxy_for"]

RECORD_SIZE = 4096  # the header's record size: one record holds the whole message
# Push services take at most 4096 bytes of body: the header (salt 16, record size 4, key id
# length 1, key id 65), the record's delimiter and the AEAD tag (16) leave this much.
MAX_PAYLOAD = 4096 - 86 - 1 - 16
MAX_HEAD = 64 * 1024  # status line and headers of an answer
MAX_BODY = 1024 * 1024  # an answer's body (read and dropped)
_CURVE = ec.SECP256R1()
_KEY_INFO = b"WebPush: info\x00"
_CEK_INFO = b"Content-Encoding: aes128gcm\x00\x01"
_NONCE_INFO = b"Content-Encoding: nonce\x00\x01"
_AddrInfos = Sequence[tuple[Any, ...]]  # what socket.getaddrinfo returns


_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _b64(value: str) -> bytes:
    """base64url, padded or not (base64.urlsafe_b64decode's reading, without its layers of
    type checks: twice a message)."""
    data = value.encode("ascii").translate(_URLSAFE)
    return binascii.a2b_base64(data + b"=" * (-len(data) % 4))


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """The aes128gcm body of one push message (RFC 8291 with RFC 8188's header): a new
    ephemeral key and salt each time, one record."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes, more than {MAX_PAYLOAD}")
    ua_public = _b64(p256dh)
    auth_secret = _b64(auth)
    if len(ua_public) != 65 or len(auth_secret) != 16:
        raise ValueError("p256dh must be 65 bytes and auth 16 bytes")
    peer = ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, ua_public)
    ephemeral = ec.generate_private_key(_CURVE)
    as_public = ephemeral.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    shared = ephemeral.exchange(ec.ECDH(), peer)
    # HKDF-SHA-256 with outputs of at most one hash length: extract, then one expand round.
    prk_key = hmac.digest(auth_secret, shared, "sha256")
    ikm = hmac.digest(prk_key, _KEY_INFO + ua_public + as_public + b"\x01", "sha256")
    salt = os.urandom(16)
    prk = hmac.digest(salt, ikm, "sha256")
    cek = hmac.digest(prk, _CEK_INFO, "sha256")[:16]
    nonce = hmac.digest(prk, _NONCE_INFO, "sha256")[:12]
    sealed = AESGCM(cek).encrypt(nonce, payload + b"\x02", None)
    return salt + RECORD_SIZE.to_bytes(4, "big") + b"\x41" + as_public + sealed


def header_lines(headers: list[tuple[str, str]]) -> bytes:
    """Header fields as the lines of a request (each ended by CRLF); a value that would
    start another line is refused."""
    out = []
    for name, value in headers:
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            raise WireError("InvalidHeader", name)
        out.append(f"{name}: {value}\r\n")
    return "".join(out).encode("latin-1")


@dataclass(frozen=True)
class Reply:
    status: int
    retry_after: str | None


def proxy_for(origin: str) -> str | None:
    """The https proxy the environment names for this push service, unless no_proxy exempts
    it (urllib's reading of the usual variables)."""
    parts = urlsplit(origin)
    if parts.scheme != "https":
        return None
    proxy = urllib.request.getproxies().get("https")
    if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxy


def _is_address(host: str) -> bool:
    """Whether `host` is an IP address written in digits (no name to look up)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _lookup(host: str, port: int, failure: str, when: float) -> Steps[_AddrInfos]:
    """The addresses of `host`, looked up without blocking the event loop. The system's
    resolver (getaddrinfo: /etc/hosts, nsswitch, the configured DNS servers) has no
    non-blocking form, so a name is looked up in a thread of its own, which wakes the
    loop through a socket pair; a slow or dead DNS server then holds only this request,
    until its deadline (the loop throws `Expired` in here; the thread ends on its own and
    its answer is dropped). An address given as digits needs no lookup and no thread."""
    if _is_address(host):
        try:
            return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise WireError(failure, str(exc)) from exc
    ready, done = socket.socketpair()
    answer: list[_AddrInfos | OSError] = []

    def look() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            answer.append(exc)
        with contextlib.suppress(OSError), done:  # the request may have given up
            done.send(b"!")

    try:
        threading.Thread(target=look, name=f"antq-dns-{host}", daemon=True).start()
        yield ready, READ, when
    finally:
        ready.close()
    found = answer[0]
    if isinstance(found, OSError):
        raise WireError(failure, str(found)) from found
    return found


class Connection:
    """One kept-alive HTTP/1.1 connection to one push service (scheme://host[:port]), used by
    one task at a time. Its socket is non-blocking: `request` is a generator of the waits
    (loop.py) a request goes through, each bounded by the request's deadline `when`; `post`
    runs one request to its end in the calling thread."""

    def __init__(
        self,
        origin: str,
        timeout: float,
        *,
        context: ssl.SSLContext | None = None,
        proxy: str | None = None,
    ) -> None:
        parts = urlsplit(origin)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.https else 80)
        default_port = 443 if self.https else 80
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.authority = shown if self.port == default_port else f"{shown}:{self.port}"
        self.timeout = timeout
        self.context = context
        self.proxy = proxy
        self.sock: socket.socket | None = None
        self._buffer = b""
        self._when = 0.0  # the deadline of the request being made (time.monotonic)
        self.opened = 0  # connections opened (tests read it)

    # -- connecting ----------------------------------------------------------------------------

    def _connect(self) -> Steps[socket.socket]:
        if self.proxy is not None:
            sock = yield from self._tunnel(self.proxy)
        else:
            sock = yield from self._open(self.host, self.port, "ConnectionError")
        self.opened += 1
        if not self.https:
            return sock
        context = self.context or _default_context()
        try:
            tls = context.wrap_socket(
                sock, server_hostname=self.host, do_handshake_on_connect=False
            )
        except OSError as exc:
            sock.close()
            raise _wire_error(exc) from exc
        try:
            while True:
                try:
                    tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    yield tls, READ, self._when
                except ssl.SSLWantWriteError:
                    yield tls, WRITE, self._when
        except WireError:
            tls.close()
            raise
        except OSError as exc:
            tls.close()
            raise _wire_error(exc) from exc
        except BaseException:
            tls.close()
            raise
        return tls

    def _open(self, host: str, port: int, failure: str) -> Steps[socket.socket]:
        """A connected non-blocking TCP socket; the name lookup and the connection are both
        bounded by the deadline, and neither holds the loop's other tasks."""
        infos = yield from _lookup(host, port, failure, self._when)
        problem = "no address"
        for family, kind, proto, _, address in infos:
            sock = socket.socket(family, kind, proto)
            try:
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                code = sock.connect_ex(address)
                if code in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
                    yield sock, WRITE, self._when
                    code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            except BaseException:
                sock.close()
                raise
            if code == 0:
                return sock
            sock.close()
            problem = os.strerror(code)
        raise WireError(failure, problem)

    def _tunnel(self, proxy: str) -> Steps[socket.socket]:
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if parts.scheme != "http":
            raise WireError("ProxyError", f"unsupported proxy scheme {parts.scheme}")
        sock = yield from self._open(parts.hostname or "", parts.port or 80, "ProxyError")
        target = f"{self.host}:{self.port}"
        head = f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n"
        if parts.username:
            user = f"{parts.username}:{parts.password or ''}".encode()
            head += f"Proxy-Authorization: Basic {base64.b64encode(user).decode()}\r\n"
        self.sock, self._buffer = sock, b""
        try:
            yield from self._send((head + "\r\n").encode())
            status, _ = yield from self._read_head()
        except WireError:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            raise WireError("ProxyError", str(exc)) from exc
        except BaseException:
            sock.close()
            raise
        finally:
            self.sock = None
        if status != 200:
            sock.close()
            raise WireError("ProxyError", f"CONNECT answered {status}")
        return sock

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None
                self._buffer = b""

    # -- one request ---------------------------------------------------------------------------

    def post(self, target: str, headers: list[tuple[str, str]], body: bytes) -> Reply:
        """One request, in this thread, within `timeout` seconds in all."""
        when = time.monotonic() + self.timeout
        return run_one(self.request(target, headers, body, when))

    def request(
        self, target: str, headers: list[tuple[str, str]] | bytes, body: bytes, when: float
    ) -> Steps[Reply]:
        """POST `body` to `target` (path and query) by `when` (time.monotonic), else
        `Expired`; one new connection if a kept-alive one was closed by the service before
        any byte of its answer (its idle timeout). `headers`: name and value pairs, or the
        lines `header_lines` made of them (a sender reuses them for a push service)."""
        if "\r" in target or "\n" in target or " " in target or not target.startswith("/"):
            raise WireError("InvalidURL", "request target")
        lines = headers if isinstance(headers, bytes) else header_lines(headers)
        request = b"POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Length: %d\r\n\r\n%s" % (
            target.encode("latin-1"),
            self.authority.encode("latin-1"),
            lines,
            len(body),
            body,
        )
        self._when = when
        reused = self.sock is not None
        try:
            return (yield from self._exchange(request, reused))
        except _Stale:
            self.close()
            if not reused:
                raise WireError("ConnectionError", "closed before answering") from None
            return (yield from self._exchange(request, False))  # once, on a new connection

    def _exchange(self, request: bytes, reused: bool) -> Steps[Reply]:
        try:
            if self.sock is None:
                self.sock = yield from self._connect()
                self._buffer = b""
            try:
                yield from self._send(request)
            except (ConnectionResetError, BrokenPipeError) as exc:
                if reused:
                    raise _Stale from exc
                raise
            sock = self.sock
            if not self._buffer and not (isinstance(sock, ssl.SSLSocket) and sock.pending()):
                # The answer is hardly there the moment the request left: wait for it first
                # instead of a read that fails (a system call and an exception a message).
                yield sock, READ, self._when
            status, fields = yield from self._read_head(reused)
            while 100 <= status < 200:  # interim answers (none is asked for): skip them
                status, fields = yield from self._read_head()
            keep = yield from self._read_body(status, fields)
        except _Stale:
            raise
        except WireError:
            self.close()
            raise
        except OSError as exc:
            self.close()
            raise _wire_error(exc) from exc
        except BaseException:  # the task was closed mid-request
            self.close()
            raise
        if not keep:
            self.close()
        return Reply(status, fields.get("retry-after"))

    def _send(self, data: bytes) -> Steps[None]:
        sock = self.sock
        assert sock is not None
        view = memoryview(data)
        while view:
            try:
                sent = sock.send(view)
            except (BlockingIOError, ssl.SSLWantWriteError):
                yield sock, WRITE, self._when
                continue
            except ssl.SSLWantReadError:
                yield sock, READ, self._when
                continue
            view = view[sent:]

    def _recv(self) -> Steps[bytes]:
        sock = self.sock
        assert sock is not None
        while True:
            try:
                return sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError):
                yield sock, READ, self._when
            except ssl.SSLWantWriteError:
                yield sock, WRITE, self._when

    def _read_head(self, reused: bool = False) -> Steps[tuple[int, dict[str, str]]]:
        """The status and header fields of an answer; `_Stale` when a reused connection
        ends before its first byte."""
        buffer = self._buffer
        first = reused and not buffer
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end > MAX_HEAD:
                raise WireError("ProtocolError", "headers too long")
            if end >= 0:
                break
            if len(buffer) > MAX_HEAD:
                raise WireError("ProtocolError", "headers too long")
            try:
                chunk = yield from self._recv()
            except (ConnectionResetError, BrokenPipeError) as exc:
                if first and not buffer:
                    raise _Stale from exc
                raise
            if not chunk:
                if first and not buffer:
                    raise _Stale
                if not buffer:
                    raise WireError("ConnectionError", "closed before answering")
                raise WireError("ProtocolError", "connection closed in the headers")
            buffer += chunk
        head, self._buffer = buffer[:end], buffer[end + 4 :]
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise WireError("ProtocolError", "status line")
        fields: dict[str, str] = {"": parts[0]}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise WireError("ProtocolError", "header line")
            key = name.strip().lower()
            value = value.strip()
            fields[key] = f"{fields[key]}, {value}" if key in fields else value
        return int(parts[1]), fields

    def _read_body(self, status: int, fields: dict[str, str]) -> Steps[bool]:
        """Read and drop the answer's body; whether the connection may be used again."""
        keep = "close" not in fields.get("connection", "").lower()
        if fields[""] == "HTTP/1.0" and "keep-alive" not in fields.get("connection", "").lower():
            keep = False
        if status in (204, 304):
            return keep
        if "chunked" in fields.get("transfer-encoding", "").lower():
            yield from self._read_chunked()
            return keep
        length = fields.get("content-length")
        if length is None:
            yield from self._drain_to_close()
            return False
        if not length.isdigit() or int(length) > MAX_BODY:
            raise WireError("ProtocolError", "content-length")
        yield from self._read_exactly(int(length))
        return keep

    def _read_exactly(self, size: int) -> Steps[None]:
        while len(self._buffer) < size:
            chunk = yield from self._recv()
            if not chunk:
                raise WireError("ProtocolError", "connection closed in the body")
            self._buffer += chunk
        self._buffer = self._buffer[size:]

    def _read_line(self) -> Steps[bytes]:
        while True:
            end = self._buffer.find(b"\r\n")
            if end >= 0:
                line, self._buffer = self._buffer[:end], self._buffer[end + 2 :]
                return line
            if len(self._buffer) > MAX_HEAD:
                raise WireError("ProtocolError", "chunk line too long")
            chunk = yield from self._recv()
            if not chunk:
                raise WireError("ProtocolError", "connection closed in the body")
            self._buffer += chunk

    def _read_chunked(self) -> Steps[None]:
        total = 0
        while True:
            line = yield from self._read_line()
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise WireError("ProtocolError", "chunk size") from None
            total += size
            if total > MAX_BODY:
                raise WireError("ProtocolError", "body too long")
            if size == 0:
                while (yield from self._read_line()):  # trailers, up to the empty line
                    pass
                return
            yield from self._read_exactly(size + 2)

    def _drain_to_close(self) -> Steps[None]:
        total = len(self._buffer)
        while True:
            chunk = yield from self._recv()
            if not chunk:
                return
            total += len(chunk)
            if total > MAX_BODY:
                raise WireError("ProtocolError", "body too long")


def _wire_error(exc: OSError) -> WireError:
    """A socket or TLS error under the name the delivery log shows."""
    if isinstance(exc, ssl.SSLError):
        return WireError("SSLError", str(exc))
    return WireError("ConnectionError", str(exc))


class _Stale(Exception):
    """A kept-alive connection closed before any byte of the answer."""


_CONTEXT: ssl.SSLContext | None = None


def _default_context() -> ssl.SSLContext:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = ssl.create_default_context()
    return _CONTEXT
