"""The lean push client (generator/push/wire.py, issue 20): its encryption read back by
http_ece (an independent implementation), TLS with a kept-alive connection, an https proxy from
the environment (CONNECT), and the framings a push service may answer with, each from a real
socket server on 127.0.0.1.

Negative controls: an untrusted certificate fails the send (and nothing arrives); with
no_proxy naming the host the proxy sees no tunnel; a tampered body does not decrypt; garbage
and over-long answers fail the send instead of being taken as sent.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from generator.push import wire
from generator.push.endpoints import EndpointPolicy
from generator.push.send import Outcome, Sender
from generator.push.store import Delivery
from generator.push.vapid import VapidKey
from tests import test_push as push
from tests.test_push import SUBJECT, Receiver, b64u

key_file = push.key_file
vapid_key = push.vapid_key
LOCAL = EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True)


@pytest.fixture(autouse=True)
def _clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "")
    monkeypatch.setenv("NO_PROXY", "")


def keys() -> tuple[ec.EllipticCurvePrivateKey, bytes, str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    point = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return key, auth, b64u(point), b64u(auth)


def delivery(endpoint: str, p256dh: str, auth: str, payload: str = '{"t":"x"}') -> Delivery:
    return Delivery("a" * 40 + ".." + "b" * 40, endpoint, payload, 0, p256dh, auth)


# -- encryption ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 300, wire.MAX_PAYLOAD])
def test_encrypt_is_read_by_http_ece(size: int) -> None:
    key, auth, p256dh, auth64 = keys()
    payload = os.urandom(size)
    body = wire.encrypt(payload, p256dh, auth64)
    assert http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm") == (
        payload
    )
    assert len(body) <= 4096
    again = wire.encrypt(payload, p256dh, auth64)
    assert again[:16] != body[:16] and again[21:86] != body[21:86]  # new salt, new key
    tampered = bytearray(body)
    tampered[-1] ^= 1
    with pytest.raises(Exception):  # noqa: B017 - InvalidTag or ECEException
        http_ece.decrypt(bytes(tampered), private_key=key, auth_secret=auth, version="aes128gcm")


def test_too_long_a_payload_or_bad_keys_fail_the_delivery(vapid_key: VapidKey) -> None:
    _, _, p256dh, auth64 = keys()
    with pytest.raises(ValueError, match="payload"):
        wire.encrypt(b"x" * (wire.MAX_PAYLOAD + 1), p256dh, auth64)
    sender = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=5)
    long = delivery("http://127.0.0.1:9/p", p256dh, auth64, "x" * (wire.MAX_PAYLOAD + 1))
    assert sender.send(long, "t").state == "failed"
    short_auth = delivery("http://127.0.0.1:9/p", p256dh, b64u(b"12345"))
    outcome = sender.send(short_auth, "t")
    assert outcome.state == "failed" and "16 bytes" in (outcome.detail or "")


# -- TLS, keep-alive, proxy ---------------------------------------------------------------------


def _certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the IP address 127.0.0.1 (in its subjectAltName)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "antq test push service")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls(tmp_path: Path, vapid_key: VapidKey) -> Iterator[tuple[Receiver, ssl.SSLContext]]:
    """The test push service over HTTPS (a self-signed certificate) and a client context that
    trusts that certificate only."""
    cert, key = _certificate(tmp_path)
    receiver = Receiver(vapid_key.public_key)
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    receiver.server.socket = server_side.wrap_socket(receiver.server.socket, server_side=True)
    receiver.origin = receiver.origin.replace("http://", "https://")
    ports: list[int] = []
    handle = receiver.handle

    def counting(request: Any, body: bytes) -> None:
        ports.append(request.client_address[1])
        handle(request, body)

    receiver.handle = counting  # type: ignore[method-assign]
    receiver.ports = ports  # type: ignore[attr-defined]
    client = ssl.create_default_context(cafile=str(cert))
    yield receiver, client
    receiver.close()


def test_tls_kept_alive_and_decrypted(
    tls: tuple[Receiver, ssl.SSLContext], vapid_key: VapidKey
) -> None:
    receiver, context = tls
    sender = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=5, context=context)
    subs = [receiver.subscription(f"/push/{n}") for n in range(3)]
    outcomes = [
        sender.send(delivery(s["endpoint"], s["keys"]["p256dh"], s["keys"]["auth"]), "t")
        for s in subs
    ]
    sender.close()
    assert [o.state for o in outcomes] == ["sent"] * 3, outcomes
    assert receiver.errors == [] and receiver.total() == 3
    assert len(set(receiver.ports)) == 1  # type: ignore[attr-defined]  # one connection
    # Negative control: the system's trust store does not know the self-signed certificate.
    plain = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=5)
    s = receiver.subscription("/push/untrusted")
    failed = plain.send(delivery(s["endpoint"], s["keys"]["p256dh"], s["keys"]["auth"]), "t")
    assert failed == Outcome("retry", None, "SSLError") and receiver.total() == 3


class ConnectProxy:
    """An https proxy on 127.0.0.1: answers CONNECT with 200 and pipes bytes both ways."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.tunnels: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            head += client.recv(4096)
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ")
        assert method == "CONNECT"
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(a: socket.socket, b: socket.socket) -> None:
            try:
                while data := a.recv(65536):
                    b.sendall(data)
            except OSError:
                pass
            finally:
                for s in (a, b):
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)

        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    def close(self) -> None:
        _stop(self.sock)


def test_https_proxy_from_the_environment(
    tls: tuple[Receiver, ssl.SSLContext], vapid_key: VapidKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver, context = tls
    proxy = ConnectProxy()
    try:
        monkeypatch.setenv("https_proxy", proxy.url)
        sender = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=5, context=context)
        s = receiver.subscription("/push/via-proxy")
        sent = sender.send(delivery(s["endpoint"], s["keys"]["p256dh"], s["keys"]["auth"]), "t")
        sender.close()
        assert sent.state == "sent" and receiver.errors == []
        port = receiver.origin.rsplit(":", 1)[1]
        assert proxy.tunnels == [f"127.0.0.1:{port}"]
        # Negative control: no_proxy names the host, so the same send goes direct.
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        direct = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=5, context=context)
        s = receiver.subscription("/push/direct")
        sent = direct.send(delivery(s["endpoint"], s["keys"]["p256dh"], s["keys"]["auth"]), "t")
        direct.close()
        assert sent.state == "sent" and len(proxy.tunnels) == 1
        assert receiver.total() == 2
    finally:
        proxy.close()


# -- framings -----------------------------------------------------------------------------------


class Scripted:
    """A raw HTTP server: each request read whole, answered with the next scripted bytes; a
    script item None closes the connection instead of answering."""

    def __init__(self, answers: list[bytes | None], *, close_after_each: bool = False) -> None:
        self.answers = answers
        self.close_after_each = close_after_each
        self.connections = 0
        self.requests = 0
        self.heads: list[bytes] = []  # each request's line and header fields
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.origin = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                length = int(
                    next(
                        line.split(b":")[1]
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    )
                )
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                buffer = buffer[length:]
                self.heads.append(head)
                self.requests += 1
                answer = self.answers.pop(0) if self.answers else None
                if answer is None:
                    return
                conn.sendall(answer)
                ends = b"Connection: close" in answer or answer.startswith(b"HTTP/1.0")
                if self.close_after_each or ends:
                    return

    def close(self) -> None:
        _stop(self.sock)


def _stop(listener: socket.socket) -> None:
    """Close a listening socket whose thread is blocked in accept(): shut it down first, which
    wakes that accept. Closed alone, the blocked thread kept the old socket and a later
    test's sockets could take its descriptor number (one lost request in test_push_scale)."""
    with contextlib.suppress(OSError):
        listener.shutdown(socket.SHUT_RDWR)
    listener.close()


def send_all(origin: str, count: int, key: VapidKey) -> list[Outcome]:
    sender = Sender(key, SUBJECT, policy=LOCAL, timeout=3)
    _, _, p256dh, auth = keys()
    try:
        return [sender.send(delivery(f"{origin}/p/{n}", p256dh, auth), "t") for n in range(count)]
    finally:
        sender.close()


CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


def test_chunked_and_sized_answers_keep_the_connection(vapid_key: VapidKey) -> None:
    server = Scripted(
        [
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n"
            b"0\r\nX-Trailer: 1\r\n\r\n",
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc",
            CREATED,
        ]
    )
    try:
        outcomes = send_all(server.origin, 3, vapid_key)
    finally:
        server.close()
    assert [o.state for o in outcomes] == ["sent"] * 3
    assert (server.connections, server.requests) == (1, 3)


def test_retry_after_close_and_to_the_end(vapid_key: VapidKey) -> None:
    server = Scripted(
        [
            b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nConnection: close\r\n"
            b"Content-Length: 0\r\n\r\n",
            b"HTTP/1.0 201 Created\r\n\r\nbody until the end",
            CREATED,
        ]
    )
    try:
        outcomes = send_all(server.origin, 3, vapid_key)
    finally:
        server.close()
    assert outcomes[0] == Outcome("retry", 429, "later", 7.0)
    assert [o.state for o in outcomes[1:]] == ["sent", "sent"]
    assert (server.connections, server.requests) == (3, 3)  # each answer ended its connection


def test_a_kept_alive_connection_closed_while_idle_is_opened_again(vapid_key: VapidKey) -> None:
    """The service's idle timeout closes the connection between two sends: the second goes out
    once, on a new connection (not a failure, not twice)."""
    server = Scripted([CREATED, CREATED, CREATED], close_after_each=True)
    try:
        first = send_all(server.origin, 1, vapid_key)
        sender = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=3)
        _, _, p256dh, auth = keys()
        outcomes = [
            sender.send(delivery(f"{server.origin}/p/{n}", p256dh, auth), "t") for n in (1, 2)
        ]
        sender.close()
    finally:
        server.close()
    assert first[0].state == "sent"
    assert [o.state for o in outcomes] == ["sent", "sent"]
    assert server.requests == 3 and server.connections == 3


def test_a_service_that_closes_a_new_connection_unanswered_is_retried(vapid_key: VapidKey) -> None:
    server = Scripted([None])
    try:
        (outcome,) = send_all(server.origin, 1, vapid_key)
    finally:
        server.close()
    assert outcome == Outcome("retry", None, "ConnectionError")
    assert server.requests == 1  # a new connection is not tried twice


@pytest.mark.parametrize(
    "answer",
    [
        b"FOO\r\n\r\n",
        b"HTTP/1.1 201 Created\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 201 Created\r\n" + b"X-Long: " + b"a" * (wire.MAX_HEAD + 10) + b"\r\n\r\n",
        b"HTTP/1.1 201 Created\r\nContent-Length: 99999999\r\n\r\n",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_garbage_answers_are_not_taken_as_sent(answer: bytes, vapid_key: VapidKey) -> None:
    server = Scripted([answer])
    try:
        (outcome,) = send_all(server.origin, 1, vapid_key)
    finally:
        server.close()
    assert outcome == Outcome("retry", None, "ProtocolError")


# -- one event loop (loop.py): deadlines from its timer, connections kept per lane ------------


class StallingTls:
    """An https push service that answers its first request on a connection (201) and then
    reads the next and never answers: a kept-alive TLS connection that stalls."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.origin = f"https://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        self.requests = 0
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
                tls = self.context.wrap_socket(conn, server_side=True)
            except OSError:
                return
            self.connections += 1
            self.held.append(tls)
            buffer = b""
            with contextlib.suppress(OSError):
                while True:
                    while b"\r\n\r\n" not in buffer:
                        chunk = tls.recv(65536)
                        if not chunk:
                            raise OSError("closed")
                        buffer += chunk
                    head, buffer = buffer.split(b"\r\n\r\n", 1)
                    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                    while len(buffer) < length:
                        buffer += tls.recv(65536)
                    buffer = buffer[length:]
                    self.requests += 1
                    if self.requests == 1:
                        tls.sendall(CREATED)

    def close(self) -> None:
        _stop(self.sock)
        for tls in self.held:
            with contextlib.suppress(OSError):
                tls.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked reading it
            tls.close()


def _lane(sender: Sender, origin: str, count: int, ended: dict[str, float]) -> Any:
    """A notifier's lane for the event loop: `count` deliveries to `origin` over its own
    kept-alive connections; `ended` gets the moment it ended, by origin."""
    _, _, p256dh, auth = keys()
    connections: dict[str, wire.Connection] = {}
    outcomes = []
    for n in range(count):
        d = delivery(f"{origin}/p/{n}", p256dh, auth)
        outcomes.append((yield from sender.steps(d, "t", connections)))
    ended[origin] = time.monotonic()
    for connection in connections.values():
        connection.close()
    return outcomes


def test_a_stalled_service_is_cut_by_the_loops_timer_without_a_thread(
    tmp_path: Path, vapid_key: VapidKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two lanes on one event loop: one sends twice over a kept-alive TLS connection whose
    second answer never comes, the other sends three times to another service. The stalled
    request ends at its deadline (the loop's timer: no watchdog thread, no dup of the TLS
    socket), the other lane is served meanwhile over one connection, and no thread starts.
    Negative controls: the thread counter counts a Timer started in the same window; the
    stalled service did take the second request (the stall is real)."""
    from generator.push.loop import Loop

    cert, key = _certificate(tmp_path)
    stalled = StallingTls(cert, key)
    healthy = Scripted([CREATED] * 3)
    context = ssl.create_default_context(cafile=str(cert))
    sender = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=1.5, context=context)
    ended: dict[str, float] = {}

    def lane(origin: str, count: int) -> Any:
        return _lane(sender, origin, count, ended)

    starts: list[str] = []
    real_start = threading.Thread.start

    def counting(thread: threading.Thread) -> None:
        if threading.current_thread() is threading.main_thread():
            starts.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", counting)
    try:
        began = time.monotonic()
        results = Loop().run([lane(stalled.origin, 2), lane(healthy.origin, 3)])
        elapsed = time.monotonic() - began
        assert starts == []
        timer = threading.Timer(60, lambda: None)  # negative control of the counter
        timer.start()
        timer.cancel()
        assert len(starts) == 1
    finally:
        monkeypatch.undo()
        stalled.close()
        healthy.close()
    cut, served = results
    assert isinstance(cut, list) and isinstance(served, list)
    assert [o.state for o in cut] == ["sent", "retry"] and cut[1].detail == "Deadline"
    assert 1.4 <= elapsed < 10, elapsed
    assert [o.state for o in served] == ["sent"] * 3
    assert ended[healthy.origin] < ended[stalled.origin]  # not held behind the stall
    assert (stalled.connections, stalled.requests) == (1, 2)  # kept alive, then stalled
    assert (healthy.connections, healthy.requests) == (1, 3)  # three endpoints, one connection


def test_prepared_messages_each_have_their_own_key(vapid_key: VapidKey) -> None:
    """A lane encrypts its claim in a row before sending (Sender.prepare): each message still
    gets its own ephemeral key and salt, and decrypts at the receiver. What was prepared and
    not sent is dropped by `forget` (negative control: until then it is held)."""
    receiver = Receiver(vapid_key.public_key)
    try:
        sender = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=5)
        subs = [receiver.subscription(f"/push/{n}") for n in range(4)]
        batch = [delivery(s["endpoint"], s["keys"]["p256dh"], s["keys"]["auth"]) for s in subs]
        sender.prepare(batch, ["t"] * 4)
        outcomes = [sender.send(d, "t") for d in batch[:3]]
        assert len(sender._ready) == 1  # the fourth, prepared and not sent
        sender.forget(batch)
        assert sender._ready == {}
        sender.close()
        receiver.quiesce()
    finally:
        receiver.close()
    assert [o.state for o in outcomes] == ["sent"] * 3 and receiver.errors == []
    bodies = [receiver.bodies[f"/push/{n}"] for n in range(3)]
    assert len({b[:16] for b in bodies}) == 3  # salts
    assert len({b[21:86] for b in bodies}) == 3  # the ephemeral public keys (key id)


@pytest.mark.parametrize("poller", ["epoll", "selectors"])
def test_the_loop_waits_again_on_a_socket_given_up_and_on_a_new_one_with_its_number(
    poller: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop keeps a socket in its epoll set between waits (one-shot, re-armed per
    wait). A wait given up at its deadline, a second wait on the same socket, then a new
    socket that got the closed one's number: each is served, once; the same without epoll
    (the selectors module). Negative control: the first wait really expired (nothing was
    written yet)."""
    import select

    from generator.push.loop import READ, Expired, Loop

    if poller == "selectors":
        monkeypatch.delattr(select, "epoll")

    a1, b1 = socket.socketpair()
    steps: list[str] = []

    def task() -> Any:
        try:
            yield a1, READ, time.monotonic() + 0.2
            steps.append("not expired")
        except Expired:
            steps.append("expired")
        b1.send(b"1")
        yield a1, READ, time.monotonic() + 5
        steps.append(a1.recv(1).decode())
        # The new socket takes the closed one's number through dup2, which closes the old
        # socket and reuses its number in one step: a plain close-then-open could hand the
        # number to another thread of the test process in between (CI saw "other number").
        number = a1.detach()
        b1.close()
        fresh, b2 = socket.socketpair()
        os.dup2(fresh.fileno(), number)
        fresh.close()
        a2 = socket.socket(fileno=number)
        try:
            steps.append("same number" if a2.fileno() == number else "other number")
            b2.send(b"2")
            yield a2, READ, time.monotonic() + 5
            steps.append(a2.recv(1).decode())
        finally:
            a2.close()
            b2.close()
        return "done"

    loop = Loop()
    began = time.monotonic()
    assert loop.run([task()]) == ["done"]
    assert steps == ["expired", "1", "same number", "2"]
    assert time.monotonic() - began < 4


def test_header_lines_are_reused_per_service_and_run_until_the_jwt_is_renewed(
    vapid_key: VapidKey,
) -> None:
    """A sender makes a request's header lines once per push service and run (the signed
    JWT and the Topic), and anew when the JWT is renewed or the run changes. Negative
    control: the JWTs of the first and the last request differ (the renewal is real)."""
    from generator.push.send import JWT_LIFETIME, JWT_RENEW

    now = [time.time()]
    server = Scripted([CREATED] * 4)
    sender = Sender(vapid_key, SUBJECT, policy=LOCAL, timeout=3, clock=lambda: now[0])
    _, _, p256dh, auth = keys()
    try:
        for n, tag in enumerate(["run-a", "run-a", "run-b"]):
            d = delivery(f"{server.origin}/p/{n}", p256dh, auth)
            assert sender.send(d, tag).state == "sent"
        now[0] += JWT_LIFETIME - JWT_RENEW + 1
        assert sender.send(delivery(f"{server.origin}/p/3", p256dh, auth), "run-a").state == "sent"
    finally:
        sender.close()
        server.close()

    def field(head: bytes, name: bytes) -> bytes:
        return next(
            line.split(b":", 1)[1].strip()
            for line in head.split(b"\r\n")
            if line.lower().startswith(name + b":")
        )

    jwts = [field(h, b"authorization") for h in server.heads]
    topics = [field(h, b"topic") for h in server.heads]
    assert topics == [b"run-a", b"run-a", b"run-b", b"run-a"]
    assert jwts[0] == jwts[1] == jwts[2] != jwts[3]
    assert sender.signatures == 2
    assert [h.split(b"\r\n")[0] for h in server.heads] == [
        f"POST /p/{n} HTTP/1.1".encode() for n in range(4)
    ]


def test_a_slow_name_lookup_holds_only_its_own_request(
    vapid_key: VapidKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two lanes on one event loop, each to a push service given by name: the DNS server of
    one never answers within its request's deadline, the other's answers at once. The slow
    lookup holds neither the loop nor the other lane (its request ends at its deadline, while
    the lookup is still hanging), and the answer that comes afterwards is dropped.
    Negative control: the lookup made in the loop's thread (`wire._lookup` calling
    getaddrinfo directly) blocks the loop until the hung lookup gives up: the hang has ended
    when the loop returns and the slow request fails with the lookup's error, not its
    deadline."""
    from generator.push.loop import Loop

    healthy = Scripted([CREATED] * 2)
    port = int(healthy.origin.rsplit(":", 1)[1])
    release = threading.Event()
    hung: list[str] = []
    real = socket.getaddrinfo

    def resolver(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "slow.push.test":
            hung.append("waiting")
            released = release.wait(5)
            hung.append("released" if released else "gave up")
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if host == "fast.push.test":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    policy = EndpointPolicy(hosts=("push.test",), allow_http=True, any_port=True)
    sender = Sender(vapid_key, SUBJECT, policy=policy, timeout=0.5)

    def lane(origin: str, count: int) -> Any:
        return _lane(sender, origin, count, {})

    try:
        slow, fast = Loop().run(
            [lane(f"http://slow.push.test:{port}", 1), lane(f"http://fast.push.test:{port}", 2)]
        )
        assert hung == ["waiting"]  # the loop returned while the lookup still hung
    finally:
        release.set()
        healthy.close()
    assert isinstance(slow, list) and isinstance(fast, list)
    assert [o.state for o in slow] == ["retry"] and slow[0].detail == "Deadline"
    assert [o.state for o in fast] == ["sent", "sent"]
    assert (healthy.connections, healthy.requests) == (1, 2)
