"""Sending one notification: encrypt (pywebpush, aes128gcm), sign (VAPID), POST over a
kept-alive connection to its push service, and classify the answer.

Per message only what must be new is computed: the encryption (an ephemeral ECDH key and salt
each time, by pywebpush's `WebPusher.encode`). The VAPID JWT depends only on the push service's
origin (`aud`) and an expiry, so it is signed once per service and reused until an hour
before it expires (12 h). Each sending thread keeps one connection per push service
(HTTP/1.1 keep-alive, urllib3), bounded by the total `Deadline` of deadline.py, and never
follows a redirect (a 307 would re-POST past the allow-list).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

import urllib3
from pywebpush import WebPusher
from urllib3.exceptions import HTTPError as Urllib3Error

from generator.push.deadline import Deadline, connection_pool
from generator.push.endpoints import DEFAULT_POLICY, EndpointPolicy
from generator.push.store import Delivery, service_of
from generator.push.vapid import VapidKey

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


def classify(status: int | None, retry_after: float | None = None) -> Outcome:
    if status is None:
        return Outcome("failed", None, "no-response")
    if 200 <= status < 300:
        return Outcome("sent", status)
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


# urllib3's exceptions under the names requests gave them (the names the log has shown).
_ERROR_NAMES = {
    "ReadTimeoutError": "ReadTimeout",
    "ConnectTimeoutError": "ConnectTimeout",
    "NewConnectionError": "ConnectionError",
    "NameResolutionError": "ConnectionError",
    "ProtocolError": "ConnectionError",
    "SSLError": "SSLError",
}


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
    ) -> None:
        self.key = key
        self.subject = subject
        self.policy = policy
        self.timeout = timeout
        self.ttl = ttl
        self.clock = clock
        self._local = threading.local()
        self._jwt: dict[str, tuple[str, float]] = {}  # service → (Authorization, its expiry)
        self._jwt_lock = threading.Lock()
        self.signatures = 0  # how many JWTs were signed (the bench reports it)

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

    def _pool(self, service: str) -> urllib3.HTTPConnectionPool:
        pools: dict[str, urllib3.HTTPConnectionPool] | None = getattr(self._local, "pools", None)
        if pools is None:
            pools = self._local.pools = {}
        pool = pools.get(service)
        if pool is None:
            pool = pools[service] = connection_pool(service, self.timeout)
        return pool

    def close(self) -> None:
        """Close this thread's connections."""
        for pool in getattr(self._local, "pools", {}).values():
            pool.close()
        self._local.pools = {}

    def send(self, delivery: Delivery, tag: str) -> Outcome:
        # Checked again here: the row may predate a tighter allow-list, or not come from the
        # service at all.
        endpoint, refusal = self.policy.check(delivery.endpoint)
        if refusal is not None or endpoint is None:
            return Outcome("refused", None, refusal.code if refusal else "endpoint-invalid")
        subscription = {
            "endpoint": endpoint,
            "keys": {"p256dh": delivery.p256dh, "auth": delivery.auth},
        }
        try:
            body = WebPusher(subscription).encode(delivery.payload.encode(), "aes128gcm")["body"]
        except Exception as exc:  # keys that do not decode or encrypt
            return Outcome("failed", None, f"{type(exc).__name__}: {exc}"[:200])
        service = service_of(endpoint)
        parts = urlsplit(str(endpoint))
        target = str(parts.path) + (f"?{parts.query}" if parts.query else "")
        headers = {
            "Authorization": self.authorization(service),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(self.ttl),
            "Topic": tag,
            "Urgency": "normal",
        }
        deadline = Deadline(self.timeout)
        try:
            with deadline:
                response = self._pool(service).urlopen(
                    "POST",
                    target or "/",
                    body=body,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    assert_same_host=False,
                    preload_content=True,
                )
        except Urllib3Error as exc:
            # Timeouts and refused or cut connections: retry later.
            name = type(exc).__name__
            cut = deadline.expired and name != "ReadTimeoutError"
            return Outcome("retry", None, "Deadline" if cut else _ERROR_NAMES.get(name, name))
        except OSError as exc:
            return Outcome("retry", None, "Deadline" if deadline.expired else type(exc).__name__)
        status = int(response.status)
        if status == 429 or 500 <= status < 600:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self.clock())
            return classify(status, retry_after)
        return classify(status)
