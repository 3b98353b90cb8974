"""Sending one notification: encrypt (RFC 8291 aes128gcm), sign (VAPID), POST over a
kept-alive connection to its push service, and classify the answer.

Per message only what must be new is computed: the encryption (an ephemeral ECDH key and salt
each time, wire.encrypt). The VAPID JWT depends only on the push service's origin (`aud`) and
an expiry, so it is signed once per service and reused until an hour before it expires (12 h).
Each lane (worker.py) keeps one connection per push service (HTTP/1.1 keep-alive, wire.py: why
not urllib3 is said there); a request is bounded by a total deadline, the event loop's timer
(loop.py), and never follows a redirect (a 307 would re-POST past the allow-list). An
`https_proxy` in the environment is used for https push services, except those `no_proxy`
names.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Literal, NamedTuple

from generator.push.endpoints import DEFAULT_POLICY, EndpointPolicy
from generator.push.loop import Steps, run_one
from generator.push.store import Delivery
from generator.push.vapid import VapidKey
from generator.push.wire import Connection, WireError, encrypt, header_lines, proxy_for

JWT_LIFETIME = 12 * 3600  # push services accept at most 24 h
JWT_RENEW = 3600  # sign a new one this long before the old one expires


@dataclass(frozen=True)
class Outcome:
    state: Literal["sent", "gone", "retry", "refused", "failed", "cancelled"]
    status: int | None = None
    detail: str | None = None
    retry_after: float | None = None  # seconds, from the push service's Retry-After


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait: Retry-After is either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


_SENT = {status: Outcome("sent", status) for status in range(200, 300)}  # immutable: shared


def classify(status: int | None, retry_after: float | None = None) -> Outcome:
    if status is None:
        return Outcome("failed", None, "no-response")
    if 200 <= status < 300:
        return _SENT[status]
    if status in (404, 410):
        return Outcome("gone", status, "expired")
    if status == 429 or 500 <= status < 600:
        return Outcome("retry", status, "later", retry_after)
    if 300 <= status < 400:
        return Outcome("failed", status, "redirect-not-followed")
    if status == 413:
        return Outcome("failed", status, "payload-too-large")
    if status in (401, 403):
        return Outcome("failed", status, "vapid-rejected")
    return Outcome("failed", status, "rejected")


class Prepared(NamedTuple):
    """One notification's request, encrypted and signed (Sender.prepare)."""

    service: str
    target: str
    headers: bytes  # the header lines (wire.header_lines), the same for a service and run
    body: bytes


class Sender:
    def __init__(
        self,
        key: VapidKey,
        subject: str,
        *,
        policy: EndpointPolicy = DEFAULT_POLICY,
        timeout: float = 10.0,
        ttl: int = 86400,
        clock: Callable[[], float] = time.time,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.key = key
        self.context = context  # None: the system's trusted certificates
        self.subject = subject
        self.policy = policy
        self.timeout = timeout
        self.ttl = ttl
        self.clock = clock
        self._local = threading.local()
        self._jwt: dict[str, tuple[str, float]] = {}  # service → (Authorization, its expiry)
        self._jwt_lock = threading.Lock()
        self.signatures = 0  # how many JWTs were signed (the bench reports it)
        self._ready: dict[tuple[str, str], Prepared | Outcome] = {}  # prepare's, by delivery
        self._lines: dict[tuple[str, str], tuple[str, bytes]] = {}  # _header_lines'

    def authorization(self, service: str) -> str:
        """The VAPID Authorization header for a push service, signed once per service."""
        now = self.clock()
        with self._jwt_lock:
            cached = self._jwt.get(service)
            if cached is not None and cached[1] - now > JWT_RENEW:
                return cached[0]
            expiry = int(now) + JWT_LIFETIME
            claims = {"sub": self.subject, "aud": service, "exp": expiry}
            header = self.key.vapid.sign(claims)["Authorization"]
            self._jwt[service] = (header, float(expiry))
            self.signatures += 1
            return header

    def connection(self, connections: dict[str, Connection], service: str) -> Connection:
        """The kept-alive connection of `connections` (one task's) to a push service."""
        connection = connections.get(service)
        if connection is None:
            connection = connections[service] = Connection(
                service, self.timeout, context=self.context, proxy=proxy_for(service)
            )
        return connection

    def close(self) -> None:
        """Close this thread's connections (those of `send`)."""
        for connection in getattr(self._local, "connections", {}).values():
            connection.close()
        self._local.connections = {}

    def send(self, delivery: Delivery, tag: str) -> Outcome:
        """Send one notification in this thread (over its kept-alive connections)."""
        connections: dict[str, Connection] | None = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        return run_one(self.steps(delivery, tag, connections))

    def prepare(self, deliveries: list[Delivery], tags: list[str]) -> None:
        """Check and encrypt these deliveries now, one after another, for `steps` to send
        later: the same work, but in a row the code and tables of the encryption stay in the
        processor's caches (0.44 → 0.3 ms a message in bench/push_bench.py's worker).
        Each message still gets its own ephemeral key and salt (RFC 8291)."""
        for delivery, tag in zip(deliveries, tags, strict=True):
            if delivery.p256dh is not None and delivery.auth is not None:
                key = (delivery.run_key, delivery.endpoint)
                self._ready[key] = self._request(delivery, tag)

    def forget(self, deliveries: list[Delivery]) -> None:
        """Drop what `prepare` made for deliveries that were not sent."""
        for delivery in deliveries:
            self._ready.pop((delivery.run_key, delivery.endpoint), None)

    def _request(self, delivery: Delivery, tag: str) -> Prepared | Outcome:
        """The service, target, headers and body of one notification's request, or the
        outcome that it cannot be sent."""
        # Checked again here: the row may predate a tighter allow-list, or not come from the
        # service at all.
        endpoint, refusal = self.policy.check(delivery.endpoint)
        if refusal is not None or endpoint is None:
            return Outcome("refused", None, refusal.code if refusal else "endpoint-invalid")
        try:
            body = encrypt(delivery.payload.encode(), delivery.p256dh or "", delivery.auth or "")
        except Exception as exc:  # keys that do not decode, a payload over one record
            return Outcome("failed", None, f"{type(exc).__name__}: {exc}"[:200])
        # The canonical form is scheme://host[:port] then the path (EndpointPolicy.check):
        # the service and the request target are cut from it (service_of's answer).
        cut = endpoint.find("/", endpoint.index("://") + 3)
        service, target = (endpoint, "/") if cut < 0 else (endpoint[:cut], endpoint[cut:])
        return Prepared(service, target, self._header_lines(service, tag), body)

    def _header_lines(self, service: str, tag: str) -> bytes:
        """The request's header lines: one push service's Authorization and one run's Topic,
        so made once for the two (while the signed JWT lasts), not per message."""
        authorization = self.authorization(service)
        cached = self._lines.get((service, tag))
        if cached is not None and cached[0] == authorization:
            return cached[1]
        lines = header_lines(
            [
                ("Authorization", authorization),
                ("Content-Encoding", "aes128gcm"),
                ("Content-Type", "application/octet-stream"),
                ("TTL", str(self.ttl)),
                ("Topic", tag),
                ("Urgency", "normal"),
            ]
        )
        if len(self._lines) > 1000:  # services × runs: a long-running worker stays small
            self._lines.clear()
        self._lines[(service, tag)] = (authorization, lines)
        return lines

    def steps(
        self, delivery: Delivery, tag: str, connections: dict[str, Connection]
    ) -> Steps[Outcome]:
        """Send one notification over `connections` (the caller's, one per push service):
        a generator of the request's waits (loop.py), bounded in all by `timeout`."""
        made = self._ready.pop((delivery.run_key, delivery.endpoint), None)
        if made is None:
            made = self._request(delivery, tag)
        if isinstance(made, Outcome):
            return made
        service, target, headers, body = made
        when = time.monotonic() + self.timeout
        try:
            reply = yield from self.connection(connections, service).request(
                target, headers, body, when
            )
        except WireError as exc:
            # The deadline ("Deadline"), refused or cut connections: retry later.
            return Outcome("retry", None, exc.name)
        except OSError as exc:
            return Outcome("retry", None, type(exc).__name__)
        status = reply.status
        if status == 429 or 500 <= status < 600:
            return classify(status, parse_retry_after(reply.retry_after, self.clock()))
        return classify(status)
