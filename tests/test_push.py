"""Web push (issue 6): the subscription service, the notifier, the SSRF guard, VAPID keys.

End to end against a local receiver on 127.0.0.1 that does what a push service does with our
requests: it checks the VAPID JWT (ES256 signature, aud, exp, sub) and decrypts the aes128gcm
body with the test subscriber's own private key. The receiver is reachable only because these
tests inject an allow-list with 127.0.0.1 and plain http; the production allow-list refuses
it (tested too).

The tests that take `db_url` (or `api`) run on both stores: SQLite and a throwaway PostgreSQL
cluster (tests/conftest.py, one per session). SQLite only, by design: the rate limit (per
process), the migration from a version-1 SQLite file and the kill -9 of `notify` (both on
PostgreSQL in test_push_scale.py), the receiver's own checks, the JWT per push service, the
redirect, uvicorn and Chromium.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
import pytest
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pywebpush import WebPushException, webpush
from typer.testing import CliRunner

from generator.cli import app as cli_app
from generator.push.endpoints import DEFAULT_POLICY, EndpointPolicy, key_refusals
from generator.push.notify import NotifyOptions, claim_lease, parse_retry_after, run, run_tag
from generator.push.service import ServiceConfig, TokenBuckets, create_app
from generator.push.store import SCHEMA_VERSION, Store, StoreError
from generator.push.topics import load_model, vocabulary
from generator.push.vapid import (
    ENV_PRIVATE_KEY,
    ENV_PRIVATE_KEY_FILE,
    ENV_SUBJECT,
    PushConfigError,
    VapidKey,
    generate_keys,
    load_private_key,
    load_subject,
)
from generator.push.worker import BATCH
from generator.settings import SettingsError, load_settings
from tests.test_feeds import git

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient; httpx is what the project installs.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
SUBJECT = "mailto:bcd138@antq.example.vn"
SITE_ORIGIN = "https://antq.example"
# The test-only allow-list: the local receiver over plain http on any port.
LOCAL = EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True)
SITE_TOML = """\
name = "ANTQ thử nghiệm"
short_name = "ANTQ"
description = "Trang thử nghiệm."
base_url = "https://antq.example"

[scope]
provinces = "national"

"""
XA_LAC_PHUONG = "/tinh/hai-phong/xa-lac-phuong/"


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# -- the local push service ---------------------------------------------------------------------


def verify_vapid(header: str, aud: str, public_key: str) -> dict[str, Any]:
    """What a push service checks: `vapid t=<JWT>,k=<key>`, ES256 over the JWT's first two
    parts with the raw r‖s signature, aud = the endpoint's origin, exp in the future (and
    no more than 24 h ahead, RFC 8292), sub a contact URL."""
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid", header
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert parts["k"] == public_key, "signed with another key"
    head, claims_part, signature = parts["t"].split(".")
    assert json.loads(b64d(head)) == {"typ": "JWT", "alg": "ES256"}
    raw = b64d(signature)
    assert len(raw) == 64
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(parts["k"]))
    key.verify(der, f"{head}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256()))
    claims: dict[str, Any] = json.loads(b64d(claims_part))
    assert claims["aud"] == aud, f"aud {claims['aud']} != {aud}"
    assert time.time() < claims["exp"] <= time.time() + 86400
    assert claims["sub"] == SUBJECT
    return claims


class Receiver:
    """A push service on 127.0.0.1: verifies, decrypts, counts deliveries per endpoint.

    `script[path]` is a list of (status, headers) answered first, before any check (429,
    410, 307…). `stall_after` holds every request after that many deliveries until
    `release` is set, then answers 503 without counting it (the crash test)."""

    def __init__(self, public_key: str) -> None:
        self.public_key = public_key
        self.keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self.script: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
        self.delivered: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.hits: Counter[str] = Counter()
        self.errors: list[str] = []
        self.bodies: dict[str, bytes] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.delay = 0.0
        self.stall_after: int | None = None
        self.release = threading.Event()
        self.active = 0  # requests being handled right now
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, status: int, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                with receiver.lock:
                    receiver.active += 1
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                    body = self.rfile.read(length)
                    if len(body) < length:
                        # The sender went away mid-request (the crash test kills it): no push
                        # service takes a cut request, and it says nothing of our encoding.
                        self.close_connection = True
                        return
                    receiver.handle(self, body)
                finally:
                    with receiver.lock:
                        receiver.active -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.origin + path

    def subscription(self, path: str) -> dict[str, Any]:
        """A browser's PushSubscription.toJSON() for an endpoint on this receiver."""
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.keys[path] = (key, auth)
        point = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {
            "endpoint": self.url(path),
            "expirationTime": None,
            "keys": {"p256dh": b64u(point), "auth": b64u(auth)},
        }

    def quiesce(self, quiet: float = 0.5, timeout: float = 10.0) -> None:
        """Wait until no request has been in hand for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        calm_since = time.monotonic()
        while time.monotonic() < deadline:
            with self.lock:
                busy, seen = self.active, self.hits.total()
            time.sleep(0.05)
            with self.lock:
                if busy or self.active or self.hits.total() != seen:
                    calm_since = time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                return
        raise AssertionError("the receiver never went quiet")

    def total(self) -> int:
        with self.lock:
            return sum(len(v) for v in self.delivered.values())

    def handle(self, request: Any, body: bytes) -> None:
        path = request.path
        with self.lock:
            self.hits[path] += 1
            scripted = self.script[path].pop(0) if self.script[path] else None
        if scripted is not None:
            request.answer(*scripted)
            return
        if self.delay:
            time.sleep(self.delay)
        try:
            assert request.headers["Content-Encoding"] == "aes128gcm"
            assert int(request.headers["TTL"]) > 0
            verify_vapid(request.headers["Authorization"], self.origin, self.public_key)
            key, auth = self.keys[path]
            plain = http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")
            payload = json.loads(plain)
        except Exception as exc:  # recorded and answered 400, the test then fails on it
            with self.lock:
                self.errors.append(f"{path}: {type(exc).__name__}: {exc}")
            request.answer(400)
            return
        with self.lock:
            stall = self.stall_after is not None and self.total_unlocked() >= self.stall_after
            if not stall:
                self.delivered[path].append(payload)
                self.bodies[path] = body
                self.headers[path] = {k.lower(): v for k, v in request.headers.items()}
        if stall:
            self.release.wait(120)  # close() and the crash test set it long before
            with contextlib.suppress(OSError):  # the notifier was killed: nobody listens
                request.answer(503)
            return
        request.answer(201)

    def total_unlocked(self) -> int:
        return sum(len(v) for v in self.delivered.values())


# How long a test waits for what a busy machine may delay (a server starting, the browser's
# service worker, a notification): generous, since waiting ends as soon as it happens. The
# whole suite runs on two cores in parallel (pytest-xdist), beside other work.
PATIENCE = 60.0


def wait_started(server: Any) -> None:
    """Until uvicorn listens; fails (instead of letting a request fail later) if it never does."""
    deadline = time.monotonic() + PATIENCE
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = generate_keys(tmp_path_factory.mktemp("keys") / "antq")
    return path


@pytest.fixture(scope="module")
def vapid_key(key_file: Path) -> VapidKey:
    return load_private_key({ENV_PRIVATE_KEY_FILE: str(key_file)})


@pytest.fixture
def receiver(vapid_key: VapidKey) -> Iterator[Receiver]:
    r = Receiver(vapid_key.public_key)
    yield r
    r.close()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture package committed, then one change (as in test_feeds): Thôn Cộng Lạc
    (xã Lạc Phượng, 11140) now "đạt"; a new award in xã Tân Kỳ (11113)."""
    root = tmp_path_factory.mktemp("repo")
    import shutil

    shutil.copytree(ROOT / "tests/fixtures/good", root / "data")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Dữ liệu ban đầu", when="2025-08-01T08:00:00+07:00")
    awards = root / "data/awards.csv"
    awards.write_text(
        awards.read_text(encoding="utf-8")
        + "2025-thon-nghi-khe,2025,tap_the,Nhân dân thôn Nghi Khê,11113,giay_khen_ubnd_xa,"
        ",20/QĐ-UBND,2025-08-19,UBND xã Tân Kỳ,\n",
        encoding="utf-8",
    )
    assessments = root / "data/assessments.csv"
    assessments.write_text(
        assessments.read_text(encoding="utf-8").replace(
            "hp-lac-phuong-thon-cong-lac,2025,chua_dat,,,,",
            "hp-lac-phuong-thon-cong-lac,2025,dat,77/QĐ-UBND,2025-11-25,UBND xã Lạc Phượng,"
            "124/2021/TT-BCA",
        ),
        encoding="utf-8",
    )
    git(root, "commit", "-q", "-am", "Kết quả và khen thưởng", when="2025-08-20T09:00:00+07:00")
    return root


def options(repo: Path, site: Path, db: Path, **extra: Any) -> NotifyOptions:
    return NotifyOptions(
        data_dir=repo / "data",
        site_dir=site,
        db_path=db,
        from_rev="HEAD~1",
        to_rev="HEAD",
        **extra,
    )


class FakeClock:
    """Wall time that only moves when the notifier sleeps: retries without waiting."""

    def __init__(self) -> None:
        self.now = time.time()
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def notify(
    repo: Path, site: Path, db: Path, key: VapidKey, clock: FakeClock | None = None, **extra: Any
) -> Any:
    clock = clock or FakeClock()
    return run(
        options(repo, site, db, **extra),
        key=key,
        subject=SUBJECT,
        policy=LOCAL,
        clock=clock,
        sleep=clock.sleep,
        echo=lambda line: None,
    )


def subscribe(db: Path | str, sub: dict[str, Any], *topics: str) -> None:
    with closing(Store(db)) as store:
        store.subscribe(sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], topics)


def count_subscriptions(db: Path | str) -> int:
    with closing(Store(db)) as store:
        return store.count_subscriptions()


def query(db: Path | str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one SQL statement on a store of either kind."""
    with closing(Store(db)) as store, store.transaction() as conn:
        return [tuple(row) for row in conn.execute(sql).fetchall()]


# -- settings -----------------------------------------------------------------------------------


def test_push_settings_table(site: Path, vapid_key: VapidKey) -> None:
    path = site / "site.toml"
    assert load_settings(site).push is None  # optional
    path.write_text(
        SITE_TOML + f'\n[push]\nservice_url = "https://push.antq.example/"\n'
        f'vapid_public_key = "{vapid_key.public_key}"\n',
        encoding="utf-8",
    )
    push = load_settings(site).push
    assert push is not None and push.service_url == "https://push.antq.example"
    assert push.origin == "https://push.antq.example"
    # Every problem at once, unknown keys included.
    path.write_text(
        SITE_TOML + '\n[push]\nservice_url = "http://push.antq.example"\n'
        'vapid_public_key = "BAAAA"\nsecret = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(SettingsError) as caught:
        load_settings(site)
    text = "\n".join(caught.value.problems)
    assert len(caught.value.problems) == 3, text
    assert "khóa không hợp lệ “push.secret”" in text
    assert "service_url phải là địa chỉ https" in text
    assert "vapid_public_key phải là khóa công khai VAPID" in text
    # A 65-byte string that is not a point on P-256 is refused too; a missing key is named.
    off_curve = b64u(b"\x04" + b"\x01" * 64)
    path.write_text(SITE_TOML + f'\n[push]\nvapid_public_key = "{off_curve}"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(site)
    assert len(caught.value.problems) == 2
    assert "[push] thiếu “service_url”" in caught.value.problems[0]


# -- the SSRF guard -----------------------------------------------------------------------------

REFUSED = {
    "http://fcm.googleapis.com/fcm/send/abc": "endpoint-not-https",
    "https://fcm.googleapis.com:8443/fcm/send/abc": "endpoint-port",
    "https://127.0.0.1/fcm/send/abc": "endpoint-host",
    "https://user@fcm.googleapis.com/fcm/send/abc": "endpoint-userinfo",
    "https://user:pw@fcm.googleapis.com/fcm/send/abc": "endpoint-userinfo",
    "https://evil.example/fcm/send/abc": "endpoint-host",
    "https://fcm.googleapis.com.evil.example/x": "endpoint-host",
    "https://evilfcm.googleapis.com.example/x": "endpoint-host",
    "https://push.apple.com/x": "endpoint-host",  # only subdomains of push.apple.com
    "https://fcm.googleapis.com\\@evil.example/x": "endpoint-userinfo",
    "https://[::1]/x": "endpoint-invalid",
    "https://fcm.googleapis.com": "endpoint-invalid",
    "ftp://fcm.googleapis.com/x": "endpoint-not-https",
    "https://fcm.googleapis.com/x y": "endpoint-invalid",
}
ACCEPTED = [
    "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
    "https://fcm.googleapis.com:443/wp/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAAB",
    "https://web.push.apple.com/QGu4b8tXaPSr",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
    "https://FCM.googleapis.com/fcm/send/x",
]


def test_production_allow_list() -> None:
    for endpoint, code in REFUSED.items():
        refusal = DEFAULT_POLICY.refusal(endpoint)
        assert refusal is not None and refusal.code == code, endpoint
    for endpoint in ACCEPTED:
        assert DEFAULT_POLICY.refusal(endpoint) is None, endpoint
    # The test switch lets the local receiver in; production refuses the very same URL.
    local = "http://127.0.0.1:8123/push/a"
    assert LOCAL.refusal(local) is None
    refusal = DEFAULT_POLICY.refusal(local)
    assert refusal is not None and refusal.code == "endpoint-not-https"
    assert DEFAULT_POLICY.refusal("https://127.0.0.1:443/push/a") is not None
    # Even the test list keeps refusing userinfo and other hosts.
    assert LOCAL.refusal("http://user@127.0.0.1:8123/push/a") is not None
    assert LOCAL.refusal("http://localhost:8123/push/a") is not None


def test_key_checks() -> None:
    point = ec.generate_private_key(ec.SECP256R1()).public_key()
    good = b64u(point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
    compressed = b64u(point.public_bytes(Encoding.X962, PublicFormat.CompressedPoint))
    assert key_refusals({"p256dh": good, "auth": b64u(os.urandom(16))}) == []
    assert key_refusals({"p256dh": good + "==", "auth": b64u(os.urandom(16))}) == []
    for p256dh in (compressed, b64u(b"\x04" + b"\x01" * 64), good[:-4], "not base64!", 12):
        codes = [r.code for r in key_refusals({"p256dh": p256dh, "auth": b64u(os.urandom(16))})]
        assert codes == ["keys-p256dh"], p256dh
    for auth in (b64u(os.urandom(15)), b64u(os.urandom(17)), "", None):
        codes = [r.code for r in key_refusals({"p256dh": good, "auth": auth})]
        assert codes == ["keys-auth"], auth


# -- the subscription service -------------------------------------------------------------------


@pytest.fixture
def api(repo: Path, site: Path, db_url: str) -> Iterator[tuple[TestClient, str]]:
    """The service on a store of each kind (SQLite, PostgreSQL)."""
    db = db_url
    vocab = vocabulary(load_model(repo / "data", site))
    config = ServiceConfig(db_path=db, origin=SITE_ORIGIN, vocabulary=vocab, policy=LOCAL)
    with TestClient(create_app(config), base_url="http://push.test") as client:
        yield client, db


def fake_subscription(endpoint: str = "http://127.0.0.1:9/push/a") -> dict[str, Any]:
    point = ec.generate_private_key(ec.SECP256R1()).public_key()
    return {
        "endpoint": endpoint,
        "keys": {
            "p256dh": b64u(point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)),
            "auth": b64u(os.urandom(16)),
        },
    }


def test_subscribe_update_unsubscribe(api: tuple[TestClient, str]) -> None:
    client, db = api
    sub = fake_subscription()
    r = client.post("/subscriptions", json={"subscription": sub, "topics": ["xa:11140"]})
    assert r.status_code == 200 and r.json() == {"ok": True, "topics": ["xa:11140"]}
    r = client.post(
        "/subscriptions",
        json={"subscription": sub, "topics": ["tinh:31", "bai-hoc"], "action": "add"},
    )
    assert r.json()["topics"] == ["bai-hoc", "tinh:31", "xa:11140"]
    r = client.post(
        "/subscriptions", json={"subscription": sub, "topics": ["bai-hoc"], "action": "remove"}
    )
    assert r.json()["topics"] == ["tinh:31", "xa:11140"]
    r = client.post(
        "/subscriptions",
        json={"subscription": sub, "topics": ["mo-hinh:tieng-keng-an-ninh"]},
    )
    assert r.json()["topics"] == ["mo-hinh:tieng-keng-an-ninh"]  # replace is the default
    store = Store(db)
    assert store.count_subscriptions() == 1
    r = client.request("DELETE", "/subscriptions", json={"endpoint": sub["endpoint"]})
    assert r.json() == {"ok": True, "removed": True}
    assert store.count_subscriptions() == 0 and store.topics_of(sub["endpoint"]) == []
    r = client.request("DELETE", "/subscriptions", json={"endpoint": sub["endpoint"]})
    assert r.status_code == 200 and r.json()["removed"] is False
    # WAL on SQLite, and the schema the app created.
    assert store.journal_mode() == ("postgresql" if "://" in db else "wal")
    assert query(db, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    store.close()
    assert client.get("/health").json() == {"status": "ok", "schema": SCHEMA_VERSION}


def test_subscribe_validation(api: tuple[TestClient, str]) -> None:
    client, db = api
    bad = fake_subscription()
    bad["keys"]["p256dh"] = bad["keys"]["p256dh"][:40]
    bad["keys"]["auth"] = b64u(os.urandom(8))
    r = client.post(
        "/subscriptions",
        json={"subscription": bad, "topics": ["xa:99999", "tinh:<script>"], "extra": 1},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["message"] == "Yêu cầu không hợp lệ."
    codes = sorted(p["code"] for p in body["problems"])
    assert codes == [
        "keys-auth",
        "keys-p256dh",
        "topic-invalid",
        "topic-unknown",
        "unknown-field",
    ]
    assert "Không có chủ đề “xa:99999” trong dữ liệu." in r.text
    for payload in (
        {"subscription": fake_subscription(), "topics": []},
        {"subscription": fake_subscription(), "topics": "xa:11140"},
        {"subscription": fake_subscription(), "topics": ["xa:11140"], "action": "drop"},
        {"topics": ["xa:11140"]},
        ["not", "an", "object"],
    ):
        assert client.post("/subscriptions", json=payload).status_code == 422, payload
    r = client.post(
        "/subscriptions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["error"] == "bad-json"
    r = client.post("/subscriptions", content=b"{}", headers={"content-type": "text/plain"})
    assert r.status_code == 415
    assert client.get("/nowhere").json()["message"] == "Không có địa chỉ này."
    assert client.get("/subscriptions").status_code == 405
    assert count_subscriptions(db) == 0


def test_ssrf_refused_at_subscribe_time(repo: Path, site: Path, db_url: str) -> None:
    """With the production allow-list: the receiver-style URL, and every SSRF shape."""
    db = db_url
    vocab = vocabulary(load_model(repo / "data", site))
    config = ServiceConfig(db_path=db, origin=SITE_ORIGIN, vocabulary=vocab, burst=100)
    with TestClient(create_app(config)) as client:
        for endpoint in [*REFUSED, "http://127.0.0.1:8123/push/a"]:
            r = client.post(
                "/subscriptions",
                json={"subscription": fake_subscription(endpoint), "topics": ["xa:11140"]},
            )
            assert r.status_code == 422, endpoint
            assert r.json()["problems"][0]["field"] == "subscription.endpoint"
        good = fake_subscription("https://fcm.googleapis.com/fcm/send/abc")
        r = client.post("/subscriptions", json={"subscription": good, "topics": ["xa:11140"]})
        assert r.status_code == 200  # positive control: the same request with a real host
    assert count_subscriptions(db) == 1


def test_body_limit_and_rate_limit(repo: Path, site: Path, tmp_path: Path) -> None:
    vocab = vocabulary(load_model(repo / "data", site))
    config = ServiceConfig(
        db_path=tmp_path / "p.sqlite3",
        origin=SITE_ORIGIN,
        vocabulary=vocab,
        policy=LOCAL,
        burst=3,
        rate=0.1,
    )
    with TestClient(create_app(config)) as client:
        big = {"subscription": fake_subscription(), "topics": ["xa:11140"], "pad": "x" * 5000}
        r = client.post("/subscriptions", json=big)
        assert r.status_code == 413 and "quá lớn" in r.json()["message"]
        # Chunked, with no Content-Length: still cut off at the limit.
        r = client.post(
            "/subscriptions",
            content=iter([b"{" + b" " * 3000, b" " * 3000 + b"}"]),
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 413
        statuses = [
            client.post(
                "/subscriptions",
                json={"subscription": fake_subscription(), "topics": ["xa:11140"]},
            ).status_code
            for _ in range(3)
        ]
        assert statuses == [200, 429, 429]  # 2 tokens went on the 413s
        r = client.post("/subscriptions", json={"subscription": fake_subscription()})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["message"].startswith("Bạn thao tác quá nhanh")
        assert client.get("/health").status_code == 200  # health is not rate-limited


def test_token_bucket_refills() -> None:
    now = [0.0]
    buckets = TokenBuckets(rate=2.0, burst=2, clock=lambda: now[0], max_keys=2)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.5]
    now[0] += 0.5
    assert buckets.take("a") == 0.0
    assert buckets.take("b") == 0.0 and buckets.take("c") == 0.0
    assert "a" not in buckets.buckets  # bounded: the least recent key went first


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # not about the store
def test_cors_only_for_the_site(api: tuple[TestClient, str]) -> None:
    client, _ = api
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    r = client.options("/subscriptions", headers={"origin": SITE_ORIGIN, **preflight})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == SITE_ORIGIN
    assert "POST" in r.headers["access-control-allow-methods"]
    r = client.options("/subscriptions", headers={"origin": "https://evil.example", **preflight})
    assert r.status_code == 400 and "access-control-allow-origin" not in r.headers
    body = {"subscription": fake_subscription(), "topics": ["xa:11140"]}
    r = client.post("/subscriptions", json=body, headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and "access-control-allow-origin" not in r.headers
    r = client.post("/subscriptions", json=body, headers={"origin": SITE_ORIGIN})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == SITE_ORIGIN


def test_store_migrates_and_refuses_newer(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    raw.execute("INSERT INTO schema_version VALUES (1)")
    from generator.push.store import MIGRATIONS

    for sql in MIGRATIONS[0]:
        raw.execute(sql)
    raw.execute("INSERT INTO subscriptions VALUES ('https://x/1', 'k', 'a', 't', 't')")
    raw.execute("INSERT INTO topics VALUES ('https://x/1', 'xa:1')")
    raw.close()
    store = Store(db)  # version 1 → current: the subscription survives
    assert store.schema_version() == SCHEMA_VERSION and store.count_subscriptions() == 1
    assert store.journal_mode() == "wal"
    store.close()
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("UPDATE schema_version SET version = 99")
    raw.close()
    with pytest.raises(StoreError, match="mới hơn"):
        Store(db)


# -- notifying ----------------------------------------------------------------------------------


def test_topic_mapping_from_a_data_change(
    repo: Path, site: Path, db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    """Through the service's API, then the notifier: the follower of xã Lạc Phượng gets one
    notification saying Thôn Cộng Lạc now "đạt"; the province's follower gets both changes
    in one notification; a follower of another province gets nothing."""
    db = db_url
    vocab = vocabulary(load_model(repo / "data", site))
    config = ServiceConfig(db_path=db, origin=SITE_ORIGIN, vocabulary=vocab, policy=LOCAL)
    follows = {
        "/push/xa": ["xa:11140"],
        "/push/tinh": ["tinh:31", "xa:11140"],
        "/push/other": ["tinh:08", "mo-hinh:tieng-keng-an-ninh"],
    }
    with TestClient(create_app(config)) as client:
        for path, topics in follows.items():
            body = {"subscription": receiver.subscription(path), "topics": topics}
            assert client.post("/subscriptions", json=body).status_code == 200

    lines: list[str] = []
    dry = run(options(repo, site, db, dry_run=True), key=None, subject=None, echo=lines.append)
    assert dry.changes == 2 and receiver.hits == Counter()  # a dry run sends nothing
    text = "\n".join(lines)
    assert "2 người nhận" in text and "Thôn Cộng Lạc (Xã Lạc Phượng) đạt" in text
    assert "127.0.0.1" in text and receiver.url("/push/xa") not in text  # masked

    report = notify(repo, site, db, vapid_key)
    assert receiver.errors == []
    assert report.outcomes == Counter({"sent": 2})
    assert sorted(receiver.delivered) == ["/push/tinh", "/push/xa"]
    [xa] = receiver.delivered["/push/xa"]
    assert xa["title"] == "Xã Lạc Phượng"
    assert xa["body"] == (
        "Thôn Cộng Lạc (Xã Lạc Phượng) đạt “An toàn về an ninh, trật tự” năm 2025"
    )
    assert xa["url"] == XA_LAC_PHUONG
    assert xa["tag"] == run_tag(report.run_key)
    [province] = receiver.delivered["/push/tinh"]
    assert province["title"] == "Thành phố Hải Phòng và 1 mục theo dõi khác"
    assert province["body"].splitlines() == [
        "Thôn Cộng Lạc (Xã Lạc Phượng) đạt “An toàn về an ninh, trật tự” năm 2025",
        "Thêm khen thưởng: Nhân dân thôn Nghi Khê — Giấy khen của Chủ tịch UBND xã/phường (2025)",
    ]
    assert province["url"] == "/cap-nhat/"
    assert receiver.headers["/push/xa"]["topic"] == xa["tag"]
    assert len(receiver.bodies["/push/xa"]) < 4096

    # Idempotent: the same range again sends nothing, even through the CLI's own path.
    again = notify(repo, site, db, vapid_key)
    assert again.already_planned and again.outcomes == Counter()
    assert receiver.hits["/push/xa"] == 1 and receiver.hits["/push/tinh"] == 1


def test_tampered_body_and_forged_jwt_fail(
    repo: Path, site: Path, tmp_path: Path, receiver: Receiver, vapid_key: VapidKey
) -> None:
    """Negative controls for the receiver's own checks: they do catch a bad body and a bad
    token, so their passing above means something."""
    db = tmp_path / "push.sqlite3"
    subscribe(db, receiver.subscription("/push/a"), "xa:11140")
    notify(repo, site, db, vapid_key)
    body = receiver.bodies["/push/a"]
    key, auth = receiver.keys["/push/a"]
    assert json.loads(
        http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")
    )
    tampered = bytearray(body)
    tampered[-5] ^= 0x01
    with pytest.raises(Exception):  # noqa: B017 - http_ece raises InvalidTag or ECEException
        http_ece.decrypt(bytes(tampered), private_key=key, auth_secret=auth, version="aes128gcm")
    other_key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(Exception):  # noqa: B017
        http_ece.decrypt(body, private_key=other_key, auth_secret=auth, version="aes128gcm")
    header = receiver.headers["/push/a"]["authorization"]
    verify_vapid(header, receiver.origin, vapid_key.public_key)
    token = header.split("t=", 1)[1].split(",", 1)[0]
    head, claims, sig = token.split(".")
    forged_claims = json.loads(b64d(claims)) | {"aud": "http://127.0.0.1:1"}
    forged = header.replace(claims, b64u(json.dumps(forged_claims).encode()))
    with pytest.raises(InvalidSignature):
        verify_vapid(forged, "http://127.0.0.1:1", vapid_key.public_key)
    with pytest.raises(AssertionError, match="aud"):
        verify_vapid(header, "http://127.0.0.1:1", vapid_key.public_key)


def test_claims_copy_per_call(
    repo: Path, site: Path, tmp_path: Path, vapid_key: VapidKey, receiver: Receiver
) -> None:
    """Two push services in one run: each must see its own `aud`. pywebpush writes aud into
    the claims dict it is given, so a shared dict would carry the first origin to the second
    (shown directly below)."""
    second = Receiver(vapid_key.public_key)
    try:
        db = tmp_path / "push.sqlite3"
        for n in range(6):
            target = receiver if n % 2 else second
            subscribe(db, target.subscription(f"/push/{n}"), "xa:11140")
        report = notify(repo, site, db, vapid_key)
        assert report.outcomes == Counter({"sent": 6})
        assert receiver.errors == [] and second.errors == []
        assert receiver.total() == 3 and second.total() == 3

        # The pitfall itself, without our Sender.
        shared = {"sub": SUBJECT}
        first = receiver.subscription("/push/shared")
        webpush(first, "{}", vapid_private_key=vapid_key.vapid, vapid_claims=shared, ttl=60)
        assert shared["aud"] == receiver.origin
        with pytest.raises(WebPushException, match="400"):
            sub = second.subscription("/push/shared")
            webpush(sub, "{}", vapid_private_key=vapid_key.vapid, vapid_claims=shared, ttl=60)
        assert any("aud" in e for e in second.errors)
    finally:
        second.close()


def test_ssrf_refused_at_send_time(
    repo: Path,
    site: Path,
    db_url: str,
    new_db: Callable[[str], str],
    receiver: Receiver,
    vapid_key: VapidKey,
) -> None:
    """Rows that did not come through the service (or predate a tighter list) are checked
    again before sending: with the production list nothing reaches the receiver."""
    db = db_url
    endpoints = [
        receiver.url("/push/plain-http"),  # http:// and 127.0.0.1 and another port
        receiver.url("/push/b").replace("http://", "https://"),
        receiver.url("/push/c").replace("http://", "http://user@"),
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://evil.example/push/x",
    ]
    for endpoint in endpoints:
        sub = receiver.subscription("/unused")
        subscribe(db, sub | {"endpoint": endpoint}, "xa:11140")
    report = run(
        options(repo, site, db),
        key=vapid_key,
        subject=SUBJECT,
        policy=DEFAULT_POLICY,
        echo=lambda line: None,
    )
    assert report.outcomes == Counter({"refused": 5})
    assert receiver.hits == Counter()
    assert count_subscriptions(db) == 0  # refused endpoints are dropped
    # Userinfo is refused by the test list as well, with the receiver reachable.
    db2 = new_db("again")
    subscribe(db2, receiver.subscription("/push/d") | {"endpoint": endpoints[2]}, "xa:11140")
    report = notify(repo, site, db2, vapid_key)
    assert report.outcomes == Counter({"refused": 1}) and receiver.hits == Counter()


def test_redirect_is_not_followed(
    repo: Path, site: Path, tmp_path: Path, receiver: Receiver, vapid_key: VapidKey
) -> None:
    db = tmp_path / "push.sqlite3"
    receiver.script["/push/redirect"] = [(307, {"Location": receiver.url("/second")})]
    subscribe(db, receiver.subscription("/push/redirect"), "xa:11140")
    report = notify(repo, site, db, vapid_key)
    assert receiver.hits == Counter({"/push/redirect": 1})  # /second never got a request
    assert report.outcomes == Counter({"failed": 1})
    assert "307" in report.problems[0] and "redirect-not-followed" in report.problems[0]
    # Negative control: plain requests (what pywebpush uses by default) would follow it.
    receiver.script["/push/redirect"] = [(307, {"Location": receiver.url("/second")})]
    requests.post(receiver.url("/push/redirect"), data=b"x", timeout=5)
    assert receiver.hits["/second"] == 1


def test_expired_subscription_removed(
    repo: Path, site: Path, db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    db = db_url
    receiver.script["/push/gone"] = [(410, {})]
    receiver.script["/push/missing"] = [(404, {})]
    for path in ("/push/gone", "/push/missing", "/push/ok"):
        subscribe(db, receiver.subscription(path), "xa:11140")
    report = notify(repo, site, db, vapid_key)
    assert report.outcomes == Counter({"gone": 2, "sent": 1})
    with closing(Store(db)) as store:
        assert store.count_subscriptions() == 1
        assert store.topics_of(receiver.url("/push/ok")) == ["xa:11140"]
        assert store.topics_of(receiver.url("/push/gone")) == []  # topics went with it


def test_429_retried_after_retry_after(
    repo: Path, site: Path, db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    db = db_url
    receiver.script["/push/soon"] = [(429, {"Retry-After": "2"})]
    receiver.script["/push/later"] = [(503, {"Retry-After": "3600"})]
    subscribe(db, receiver.subscription("/push/soon"), "xa:11140")
    subscribe(db, receiver.subscription("/push/later"), "xa:11140")
    clock = FakeClock()
    report = notify(repo, site, db, vapid_key, clock=clock, retry_wait=30)
    # Within the run: waited the 2 s asked for, then delivered. The hour is left queued.
    assert clock.slept == [2.0]
    assert receiver.hits["/push/soon"] == 2 and len(receiver.delivered["/push/soon"]) == 1
    assert report.run_states == Counter({"sent": 1, "retry": 1})
    early = notify(repo, site, db, vapid_key, clock=clock, retry_wait=0)
    assert early.outcomes == Counter() and receiver.hits["/push/later"] == 1  # not yet due
    clock.now += 3600
    later = notify(repo, site, db, vapid_key, clock=clock, retry_wait=0)
    assert later.outcomes == Counter({"sent": 1})
    assert len(receiver.delivered["/push/later"]) == 1
    assert later.run_states == Counter({"sent": 2})


def test_retries_are_bounded_and_timeouts_caught(
    repo: Path,
    site: Path,
    db_url: str,
    new_db: Callable[[str], str],
    receiver: Receiver,
    vapid_key: VapidKey,
) -> None:
    db = db_url
    receiver.script["/push/down"] = [(500, {"Retry-After": "1"})] * 10
    receiver.delay = 0.0
    subscribe(db, receiver.subscription("/push/down"), "xa:11140")
    clock = FakeClock()
    report = notify(repo, site, db, vapid_key, clock=clock, max_attempts=3, retry_wait=60)
    assert receiver.hits["/push/down"] == 3
    assert report.run_states == Counter({"failed": 1}) and "gave up" in report.problems[0]

    db2 = new_db("slow")
    receiver.delay = 2.0  # longer than the timeout: requests raises, not WebPushException
    subscribe(db2, receiver.subscription("/push/slow"), "xa:11140")
    report = notify(repo, site, db2, vapid_key, timeout=0.3, retry_wait=0)
    assert report.run_states == Counter({"retry": 1})
    [row] = query(db2, "SELECT detail FROM deliveries")
    # The total deadline and the read timeout are equal here: whichever cuts first.
    assert row[0] in ("Deadline", "ReadTimeout")


def test_parse_retry_after() -> None:
    now = 1_760_000_000.0
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Thu, 09 Oct 2025 08:55:00 GMT", now) == pytest.approx(100.0)
    assert parse_retry_after("soon", now) is None and parse_retry_after(None, now) is None


def test_unsubscribed_after_planning_is_not_sent(
    repo: Path, site: Path, db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    db = db_url
    receiver.script["/push/a"] = [(503, {"Retry-After": "3600"})]
    subscribe(db, receiver.subscription("/push/a"), "xa:11140")
    notify(repo, site, db, vapid_key, retry_wait=0)
    with closing(Store(db)) as store:
        store.unsubscribe(receiver.url("/push/a"))
    clock = FakeClock()
    clock.now += 7200
    report = notify(repo, site, db, vapid_key, clock=clock)
    assert report.outcomes == Counter({"cancelled": 1}) and receiver.hits["/push/a"] == 1


CRASH_SCRIPT = """
import sys, time
from pathlib import Path
from generator.push.endpoints import EndpointPolicy
from generator.push.notify import NotifyOptions, run
from generator.push.vapid import load_private_key, load_subject

repo, site, db = map(Path, sys.argv[1:4])
timeout = float(sys.argv[4])
report = run(
    NotifyOptions(
        repo / "data", site, db, "HEAD~1", "HEAD", concurrency=1, retry_wait=0, timeout=timeout
    ),
    key=load_private_key(),
    subject=load_subject(),
    policy=EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True),
)
print(dict(report.outcomes))
"""


def test_crash_mid_run_then_rerun_without_duplicates(
    repo: Path,
    site: Path,
    tmp_path: Path,
    receiver: Receiver,
    vapid_key: VapidKey,
    key_file: Path,
) -> None:
    """kill -9 the notifier after some deliveries: no subscription lost; the re-run sends
    the rest; only what was sent and not yet recorded goes twice (a lane records its batch
    of `BATCH` at once; the stable tag makes the repeat a replacement on the phone). One lane,
    so the window is exact: the receiver holds requests after 20 deliveries, when the first
    batch (16) is recorded and 4 of the second were sent but not recorded."""
    db = tmp_path / "push.sqlite3"
    paths = [f"/push/{n:02d}" for n in range(60)]
    for path in paths:
        subscribe(db, receiver.subscription(path), "xa:11140")
    receiver.delay = 0.01
    receiver.stall_after = 20
    script = tmp_path / "crash.py"
    script.write_text(textwrap.dedent(CRASH_SCRIPT), encoding="utf-8")
    env = {
        **os.environ,
        ENV_PRIVATE_KEY_FILE: str(key_file),
        ENV_SUBJECT: SUBJECT,
        "NO_PROXY": "127.0.0.1",
    }
    # The held requests must still be in flight at the kill, however slow this machine is:
    # a timeout far beyond the wait below, else they would end as retries before it.
    timeout = 4 * PATIENCE
    proc = subprocess.Popen(
        [sys.executable, str(script), str(repo), str(site), str(db), str(timeout)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader = sqlite3.connect(db, timeout=10)
    deadline = time.monotonic() + PATIENCE
    sent = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            sent = reader.execute(
                "SELECT count(*) FROM deliveries WHERE state = 'sent'"
            ).fetchone()[0]
        except sqlite3.OperationalError:
            sent = 0  # the notifier has not created its tables yet
        if sent >= BATCH and receiver.hits.total() > 20:
            break
        time.sleep(0.02)
    assert proc.poll() is None, proc.communicate()
    assert sent == BATCH
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    recorded = {
        row[0].rsplit("/push/", 1)[1]
        for row in reader.execute("SELECT endpoint FROM deliveries WHERE state = 'sent'")
    }
    unrecorded = {p for p in paths if receiver.delivered[p] and p.rsplit("/", 1)[1] not in recorded}
    assert len(unrecorded) == 20 - BATCH  # sent, their batch not yet recorded
    # Requests in flight at the kill (held, or still in socket buffers) are answered 503:
    # the push service did not take them. One it had taken, with its answer lost to the
    # kill, would be shown again; the stable tag and Topic header make that a replacement.
    receiver.release.set()
    receiver.quiesce(timeout=PATIENCE)

    assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert reader.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 60
    states = dict(reader.execute("SELECT state, count(*) FROM deliveries GROUP BY state"))
    assert states == {"sent": BATCH, "pending": 60 - BATCH}
    reader.close()

    receiver.stall_after = None
    # The killed notifier's leases (claim_lease(timeout)) expire on the fake clock first.
    wait = claim_lease(timeout) + PATIENCE
    report = notify(repo, site, db, vapid_key, concurrency=8, timeout=PATIENCE, retry_wait=wait)
    assert report.already_planned and report.outcomes == Counter({"sent": 60 - BATCH})
    assert receiver.errors == []
    got = {path: len(receiver.delivered[path]) for path in paths}
    assert got == {path: 2 if path in unrecorded else 1 for path in paths}
    assert Store(db).count_subscriptions() == 60
    # Negative control: without the delivery log a re-run does send twice, and the receiver
    # does count it.
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE deliveries SET state = 'pending' WHERE endpoint LIKE '%/push/00'")
    notify(repo, site, db, vapid_key, timeout=PATIENCE, retry_wait=wait)  # leases as above
    assert len(receiver.delivered["/push/00"]) == 2


# -- keys and the command line ------------------------------------------------------------------


def test_keys_command(tmp_path: Path) -> None:
    runner = CliRunner()
    out_dir = tmp_path / "keys"
    result = runner.invoke(cli_app, ["push", "keys", "--out-dir", str(out_dir)])
    assert result.exit_code == 0, result.output
    path = out_dir / "vapid_private.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    public = result.output.split('vapid_public_key = "', 1)[1].split('"', 1)[0]
    key = load_private_key({ENV_PRIVATE_KEY_FILE: str(path)})
    assert key.public_key == public and len(b64d(public)) == 65
    # The printed key is valid for site.toml.
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text(
        SITE_TOML + f'[push]\nservice_url = "https://push.antq.example"\n'
        f'vapid_public_key = "{public}"\n',
        encoding="utf-8",
    )
    assert load_settings(site).push is not None
    # No silent rotation; no key written inside a git work tree.
    again = runner.invoke(cli_app, ["push", "keys", "--out-dir", str(out_dir)])
    assert again.exit_code == 2 and path.read_text() == key.vapid.private_pem().decode()
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    inside = runner.invoke(cli_app, ["push", "keys", "--out-dir", str(repo / "secrets")])
    assert inside.exit_code == 2 and not (repo / "secrets").exists()


def test_private_key_sources(tmp_path: Path, key_file: Path) -> None:
    loose = tmp_path / "loose.pem"
    loose.write_bytes(key_file.read_bytes())
    loose.chmod(0o644)
    with pytest.raises(PushConfigError, match="chmod 600"):
        load_private_key({ENV_PRIVATE_KEY_FILE: str(loose)})
    loose.chmod(0o600)
    from_file = load_private_key({ENV_PRIVATE_KEY_FILE: str(loose)})
    inline = load_private_key({ENV_PRIVATE_KEY: key_file.read_text()})
    raw = from_file.vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    from_raw = load_private_key({ENV_PRIVATE_KEY: b64u(raw)})
    assert from_file.public_key == inline.public_key == from_raw.public_key
    with pytest.raises(PushConfigError, match="Chỉ đặt một"):
        load_private_key({ENV_PRIVATE_KEY: b64u(raw), ENV_PRIVATE_KEY_FILE: str(loose)})
    with pytest.raises(PushConfigError, match="Chưa có khóa"):
        load_private_key({})
    with pytest.raises(PushConfigError, match="không đọc được"):
        load_private_key({ENV_PRIVATE_KEY: "garbage"})
    assert load_subject({ENV_SUBJECT: SUBJECT}) == SUBJECT
    assert load_subject({ENV_SUBJECT: "https://antq.example.vn/lien-he"})
    for bad in ("mailto:admin@localhost", "admin@antq.vn", "http://antq.vn", ""):
        with pytest.raises(PushConfigError):
            load_subject({ENV_SUBJECT: bad})


def test_notify_command(
    repo: Path,
    site: Path,
    tmp_path: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    key_file: Path,
) -> None:
    db = db_url
    subscribe(db, fake_subscription("https://fcm.googleapis.com/fcm/send/abcdefgh"), "xa:11140")
    runner = CliRunner()
    base = ["push", "notify", "--from", "HEAD~1", "--to", "HEAD", "--data", str(repo / "data")]
    base += ["--site", str(site)]
    monkeypatch.delenv(ENV_PRIVATE_KEY_FILE, raising=False)
    monkeypatch.delenv(ENV_PRIVATE_KEY, raising=False)
    monkeypatch.setenv("ANTQ_PUSH_DB", str(db))
    dry = runner.invoke(cli_app, [*base, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Thử (không gửi)" in dry.output and "fcm.googleapis.com/…abcdefgh" in dry.output
    with closing(Store(db)) as store:
        assert store.run_states("x") == Counter()
    assert query(db, "SELECT count(*) FROM runs") == [(0,)]
    missing = runner.invoke(cli_app, base)
    assert missing.exit_code == 2 and "Chưa có khóa bí mật VAPID" in missing.output
    # A key that is not the one site.toml gives browsers: stop before the first send.
    monkeypatch.setenv(ENV_PRIVATE_KEY_FILE, str(key_file))
    monkeypatch.setenv(ENV_SUBJECT, SUBJECT)
    other, _ = generate_keys(tmp_path / "other")
    other_public = load_private_key({ENV_PRIVATE_KEY_FILE: str(other)}).public_key
    (site / "site.toml").write_text(
        SITE_TOML + f'[push]\nservice_url = "https://push.antq.example"\n'
        f'vapid_public_key = "{other_public}"\n',
        encoding="utf-8",
    )
    mismatch = runner.invoke(cli_app, base)
    assert mismatch.exit_code == 2 and "không khớp" in mismatch.output
    bad_rev = runner.invoke(cli_app, [*base[:3], "nowhere", *base[4:], "--dry-run"])
    assert bad_rev.exit_code == 2 and "không tìm thấy phiên bản “nowhere”" in bad_rev.output


def test_real_uvicorn_serves(repo: Path, site: Path, tmp_path: Path) -> None:
    """The service under a real uvicorn on loopback (what `antq push serve` runs)."""
    import socket

    import uvicorn

    vocab = vocabulary(load_model(repo / "data", site))
    config = ServiceConfig(tmp_path / "p.sqlite3", SITE_ORIGIN, vocab, policy=LOCAL)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_started(server)
        base = f"http://127.0.0.1:{port}"
        assert requests.get(f"{base}/health", timeout=5).json()["status"] == "ok"
        body = {"subscription": fake_subscription(), "topics": ["bai-hoc"]}
        r = requests.post(f"{base}/subscriptions", json=body, timeout=5)
        assert r.status_code == 200 and r.json()["topics"] == ["bai-hoc"]
        r = requests.post(
            f"{base}/subscriptions",
            data=b"x" * 10_000,
            headers={"content-type": "application/json"},
            timeout=5,
        )
        assert r.status_code == 413
    finally:
        server.should_exit = True
        thread.join(10)


# -- in the browser: the follow button and the worker's handlers --------------------------------

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Xã Lạc Phượng</title>
<meta name="antq-push-service" content="{service}">
<meta name="antq-push-key" content="{key}">
<script src="/register.js" defer></script>
<script src="/push.js" defer></script>
</head><body>
<p><button type="button" class="follow" data-follow="xa:11140" data-follow-name="Xã Lạc Phượng"
aria-pressed="false" hidden>Theo dõi</button> <span class="follow-status" role="status"
aria-live="polite"></span></p>
</body></html>
"""
# No push service is reachable from the test browser: PushManager gives a subscription for an
# endpoint on the receiver-style address the test allow-list accepts.
FAKE_PUSH_MANAGER = """
function fakeSubscription(key) {
  return {
    endpoint: window.__FAKE.endpoint,
    options: { applicationServerKey: new Uint8Array(key).buffer },
    toJSON() {
      return { endpoint: this.endpoint, expirationTime: null, keys: window.__FAKE.keys };
    },
    async unsubscribe() { sessionStorage.removeItem("fake-sub"); return true; },
  };
}
PushManager.prototype.getSubscription = async function () {
  const key = sessionStorage.getItem("fake-sub");
  return key ? fakeSubscription(JSON.parse(key)) : null;
};
PushManager.prototype.subscribe = async function (options) {
  const key = Array.from(new Uint8Array(options.applicationServerKey));
  sessionStorage.setItem("fake-sub", JSON.stringify(key));  // survives reloads, like the real one
  return fakeSubscription(key);
};
"""


@pytest.fixture
def browser_site(
    tmp_path: Path, repo: Path, site: Path, vapid_key: VapidKey
) -> Iterator[dict[str, Any]]:
    """A page with a follow button served under the published CSP (with the push service's
    origin in connect-src, or without it), and the service under uvicorn on another port."""
    import socket
    from functools import partial
    from http.server import SimpleHTTPRequestHandler

    import uvicorn

    from generator.headers import for_path

    root = tmp_path / "www"
    root.mkdir()
    (root / "push.js").write_bytes((ROOT / "site/static/js/push.js").read_bytes())
    (root / "sw.js").write_bytes((ROOT / "pwa/sw-push.js").read_bytes())
    (root / "register.js").write_text('navigator.serviceWorker.register("/sw.js");\n')
    state: dict[str, Any] = {"push_origin": None}

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def end_headers(self) -> None:
            for name, value in for_path(self.path, state["push_origin"]).items():
                self.send_header(name, value)
            super().end_headers()

    pages = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    page_origin = f"http://127.0.0.1:{pages.server_address[1]}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service_origin = f"http://127.0.0.1:{port}"
    db = tmp_path / "push.sqlite3"
    vocab = vocabulary(load_model(repo / "data", site))
    config = ServiceConfig(db, page_origin, vocab, policy=LOCAL)
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_started(server)
    (root / "index.html").write_text(
        PAGE.format(service=service_origin, key=vapid_key.public_key), encoding="utf-8"
    )
    state.update(page_origin=page_origin, service_origin=service_origin, db=db)
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(10)
        pages.shutdown()
        pages.server_close()


@pytest.mark.browser
def test_follow_button_and_worker_in_chromium(
    browser_site: dict[str, Any], vapid_key: VapidKey
) -> None:
    from playwright import sync_api

    from .browser import launch

    fake = fake_subscription("http://127.0.0.1:9/push/browser")
    origin = browser_site["page_origin"]
    # Playwright's expect() gives up after 5 s by default: too short on a busy machine.
    sync_api.expect.set_options(timeout=PATIENCE * 1000)
    with sync_api.sync_playwright() as pw:
        browser = launch(pw)
        try:
            context = browser.new_context()
            context.set_default_timeout(PATIENCE * 1000)
            context.grant_permissions(["notifications"], origin=origin)
            context.add_init_script(f"window.__FAKE = {json.dumps(fake)};\n{FAKE_PUSH_MANAGER}")
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            # 1. Under a CSP without the push service in connect-src the request is blocked:
            #    the integration needs headers_file(settings.push.origin).
            page.goto(f"{origin}/index.html")
            button = page.locator("button.follow")
            sync_api.expect(button).to_be_visible()
            sync_api.expect(button).to_have_text("Theo dõi Xã Lạc Phượng")
            button.click()
            sync_api.expect(page.locator(".follow-status")).to_have_text(
                "Không kết nối được dịch vụ thông báo. Vui lòng thử lại sau."
            )
            assert button.get_attribute("aria-pressed") == "false"
            assert Store(browser_site["db"]).count_subscriptions() == 0

            # 2. With it: follow, then unfollow, through the real service.
            browser_site["push_origin"] = browser_site["service_origin"]
            page.goto(f"{origin}/index.html?csp=push")
            button.click()
            sync_api.expect(button).to_have_attribute("aria-pressed", "true")
            sync_api.expect(page.locator(".follow-status")).to_contain_text(
                "Bạn sẽ nhận thông báo khi Xã Lạc Phượng có cập nhật."
            )
            store = Store(browser_site["db"])
            assert store.topics_of(fake["endpoint"]) == ["xa:11140"]
            # Subscribed (in step 1) with the site's application server key.
            key = json.loads(page.evaluate("sessionStorage.getItem('fake-sub')"))
            assert bytes(key) == b64d(vapid_key.public_key)
            assert page.evaluate("localStorage.getItem('antq-push-topics')") == '["xa:11140"]'
            page.reload()  # the state survives a reload
            sync_api.expect(button).to_have_attribute("aria-pressed", "true")
            button.click()
            sync_api.expect(button).to_have_attribute("aria-pressed", "false")
            assert store.count_subscriptions() == 0
            assert page.evaluate("sessionStorage.getItem('fake-sub')") is None  # unsubscribed

            # A subscription the browser dropped (data cleared) shows as not followed.
            button.click()
            sync_api.expect(button).to_have_attribute("aria-pressed", "true")
            page.evaluate("sessionStorage.removeItem('fake-sub')")
            page.reload()
            sync_api.expect(button).to_have_attribute("aria-pressed", "false")

            # 3. The worker shows what a push carries; links only to this site.
            cdp = context.new_cdp_session(page)
            registrations: list[dict[str, Any]] = []
            cdp.on(
                "ServiceWorker.workerRegistrationUpdated",
                lambda event: registrations.extend(event["registrations"]),
            )
            cdp.send("ServiceWorker.enable")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            deadline = time.monotonic() + PATIENCE
            while not registrations and time.monotonic() < deadline:
                page.wait_for_timeout(50)
            assert registrations, "the service worker never registered"
            registration_id = registrations[0]["registrationId"]
            for data in (
                {
                    "title": "Xã Lạc Phượng",
                    "body": "Thôn Cộng Lạc đạt",
                    "url": XA_LAC_PHUONG,
                    "tag": "antq-1",
                },
                {"title": "Lừa", "body": "x", "url": "https://evil.example/", "tag": "antq-2"},
            ):
                cdp.send(
                    "ServiceWorker.deliverPushMessage",
                    {"origin": origin, "registrationId": registration_id, "data": json.dumps(data)},
                )
            shown: list[dict[str, Any]] = []
            deadline = time.monotonic() + PATIENCE
            while len(shown) < 2 and time.monotonic() < deadline:
                page.wait_for_timeout(100)
                shown = page.evaluate(
                    """async () => (await (await navigator.serviceWorker.ready)
                        .getNotifications()).map(n => ({title: n.title, body: n.body,
                        tag: n.tag, url: n.data.url}))"""
                )
            by_tag = {n["tag"]: n for n in shown}
            assert by_tag["antq-1"] == {
                "title": "Xã Lạc Phượng",
                "body": "Thôn Cộng Lạc đạt",
                "tag": "antq-1",
                "url": origin + XA_LAC_PHUONG,
            }
            assert by_tag["antq-2"]["url"] == origin + "/cap-nhat/"
            assert errors == []
        finally:
            browser.close()
            sync_api.expect.set_options(timeout=5_000)  # Playwright's default, for other tests
