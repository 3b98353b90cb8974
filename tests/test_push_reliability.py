"""Web push under stress (issue 12): concurrent notifiers and a killed one, an endpoint that
trickles its answer, hostile JSON bodies, and the many spellings of one endpoint.

Everything runs against real servers on 127.0.0.1: the counting receiver of test_push (real
HTTP, real aes128gcm encryption and VAPID checks), a raw-socket trickling endpoint, and the
subscription service under a real uvicorn whose log is read.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from generator.push.endpoints import DEFAULT_POLICY
from generator.push.notify import LEASE_MARGIN, claim_lease
from generator.push.service import MAX_JSON_DEPTH, ServiceConfig, create_app
from generator.push.store import MIGRATIONS, SCHEMA_VERSION, Store
from generator.push.topics import load_model, vocabulary
from generator.push.vapid import ENV_PRIVATE_KEY_FILE, ENV_SUBJECT, VapidKey
from generator.push.worker import BATCH
from tests import test_push as push
from tests.test_push import (
    LOCAL,
    ROOT,
    SITE_ORIGIN,
    SUBJECT,
    Receiver,
    TestClient,
    fake_subscription,
    notify,
    subscribe,
)

# test_push's fixtures, under the same names.
key_file = push.key_file
receiver = push.receiver
repo = push.repo
site = push.site
vapid_key = push.vapid_key


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


# -- two notifiers, one killed ------------------------------------------------------------------

NOTIFIER = """
import sys
from pathlib import Path
import generator.push.worker
# A killed notifier's claims lapse 2 x timeout + the margin after the kill: the survivor
# waits that long for them. 8 s instead of 30 (as test_push_scale's kill test) makes this
# test 22 s shorter; a shorter margin only makes a live lease likelier to lapse, which the
# repeat count below would catch.
generator.push.worker.LEASE_MARGIN = 8.0
from generator.push.endpoints import EndpointPolicy
from generator.push.notify import NotifyOptions, run
from generator.push.vapid import load_private_key, load_subject

repo, site, db = map(Path, sys.argv[1:4])
report = run(
    NotifyOptions(repo / "data", site, db, "HEAD~1", "HEAD", concurrency=4, timeout=2,
                  retry_wait=60),
    key=load_private_key(),
    subject=load_subject(),
    policy=EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True),
)
print(dict(report.outcomes))
"""
CONCURRENCY = 4  # of each notifier: a killed one has at most this many batches in flight


class KillAwareReceiver(Receiver):
    """A request cut short by the kill (its body shorter than its Content-Length) is what a
    push service drops: not a delivery, and not a decryption error."""

    def __init__(self, public_key: str) -> None:
        super().__init__(public_key)
        self.cut = 0

    def handle(self, request: Any, body: bytes) -> None:
        if len(body) < int(request.headers.get("Content-Length", "0")):
            with self.lock:
                self.cut += 1
            return
        super().handle(request, body)


def test_two_notifiers_one_killed_send_each_once(
    repo: Path, site: Path, tmp_path: Path, vapid_key: VapidKey, key_file: Path
) -> None:
    """Two `notify` processes on one store and one range at once; one is killed with
    SIGKILL half-way. Together they deliver every notification, and the only repeats are
    what the killed one had sent and not recorded (at most a batch per lane). Before leases the two
    sent most notifications twice."""
    receiver = KillAwareReceiver(vapid_key.public_key)
    try:
        killed_half_way(repo, site, tmp_path, receiver, key_file)
    finally:
        receiver.close()


def killed_half_way(
    repo: Path, site: Path, tmp_path: Path, receiver: KillAwareReceiver, key_file: Path
) -> None:
    db = tmp_path / "push.sqlite3"
    paths = [f"/push/{n:03d}" for n in range(300)]
    for path in paths:
        subscribe(db, receiver.subscription(path), "xa:11140")
    receiver.delay = 0.01  # a push service takes a little while: the runs overlap
    script = tmp_path / "notifier.py"
    script.write_text(textwrap.dedent(NOTIFIER), encoding="utf-8")
    env = {**os.environ, ENV_PRIVATE_KEY_FILE: str(key_file), ENV_SUBJECT: SUBJECT}
    env["NO_PROXY"] = "127.0.0.1"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(repo), str(site), str(db)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    victim, survivor = procs
    deadline = time.monotonic() + 60
    watch = sqlite3.connect(db, timeout=30)

    def victim_recorded() -> bool:  # lanes record a batch at once: wait for one of its
        row = watch.execute(
            "SELECT 1 FROM deliveries WHERE state = 'sent' AND lease_owner LIKE ?",
            (f"%:{victim.pid}:%",),
        )
        return row.fetchone() is not None

    while time.monotonic() < deadline and not (receiver.total() >= 120 and victim_recorded()):
        assert victim.poll() is None, victim.communicate()
        time.sleep(0.01)
    watch.close()
    assert victim.poll() is None and receiver.total() < 250, "the kill came too late"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    out, err = survivor.communicate(timeout=180)
    assert survivor.returncode == 0, err
    receiver.quiesce()

    assert receiver.errors == []
    counts = {path: len(receiver.delivered[path]) for path in paths}
    assert min(counts.values()) == 1, [p for p, n in counts.items() if n == 0]
    repeats = sum(n - 1 for n in counts.values())
    assert repeats <= CONCURRENCY * BATCH, repeats
    reader = sqlite3.connect(db)
    states = dict(reader.execute("SELECT state, count(*) FROM deliveries GROUP BY state"))
    assert states == {"sent": 300}
    # Both notifiers did send: the test is about two at once, not one after the other.
    owners = reader.execute("SELECT count(DISTINCT lease_owner) FROM deliveries").fetchone()
    assert owners[0] == 2
    reader.close()


def test_lease_window_is_what_the_readme_states() -> None:
    readme = " ".join((ROOT / "generator/push/README.md").read_text(encoding="utf-8").split())
    assert claim_lease(10) == 2 * 10 + LEASE_MARGIN == 50
    assert "2 × `--timeout` + 30 s (50 s with the defaults)" in readme
    assert BATCH == 16
    assert "at most `--concurrency` × 16 notifications (256 by default)" in readme


def test_claims_are_exclusive_and_expire(tmp_path: Path) -> None:
    """Two store connections: a claim hides rows from the other until the lease expires;
    the outcome of a lost lease is not recorded."""
    db = tmp_path / "push.sqlite3"
    one, two = Store(db), Store(db)
    one.subscribe("https://fcm.googleapis.com/a", "k", "a", ["bai-hoc"])
    one.plan_run("r", "a", "b", {f"https://fcm.googleapis.com/{n}": "{}" for n in range(5)})
    now = 1_000.0
    mine = one.claim("one", now, 30, limit=3)
    theirs = two.claim("two", now, 60, limit=10)
    assert len(mine) == 3 and len(theirs) == 2
    assert not {d.endpoint for d in mine} & {d.endpoint for d in theirs}
    assert two.claim("two", now + 29, 30, limit=10) == []
    assert two.next_retry() == now + 30  # when the first lease frees a row
    taken = two.claim("two", now + 30, 30, limit=10)  # "one" died: its rows are taken
    assert sorted(d.endpoint for d in taken) == sorted(d.endpoint for d in mine)
    assert not one.extend("one", mine[0], now + 100)
    assert not one.finish(mine[0], "sent", 201, owner="one")
    assert two.finish(taken[0], "sent", 201, owner="two")
    assert one.run_states("r") == Counter({"pending": 4, "sent": 1})


# -- a trickling endpoint -----------------------------------------------------------------------


class Trickler:
    """An endpoint on 127.0.0.1 that reads the request, then answers one byte a second for a
    minute: in the status line (`where="head"`) or in the body (`where="body"`)."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.requests = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += conn.recv(65536)
            self.requests += 1
            if self.where == "head":  # the status line, then a long header, byte by byte
                opening = b""
                slow = b"HTTP/1.1 201 Created\r\nX-Slow: " + b"a" * 80 + b"\r\n\r\n"
            else:  # the headers at once, then the body byte by byte
                opening = b"HTTP/1.1 201 Created\r\nContent-Length: 80\r\n\r\n"
                slow = b"x" * 80
            try:
                conn.sendall(opening)
                for byte in slow:
                    if self.stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(1)
            except OSError:
                return  # the client gave up: what the deadline is for

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


@pytest.fixture(params=["head", "body"])
def trickler(request: pytest.FixtureRequest) -> Iterator[Trickler]:
    t = Trickler(request.param)
    yield t
    t.close()


def test_trickling_endpoint_is_cut_at_the_timeout(
    repo: Path,
    site: Path,
    tmp_path: Path,
    receiver: Receiver,
    vapid_key: VapidKey,
    trickler: Trickler,
) -> None:
    """One byte a second keeps every read under a 5 s read timeout for a minute; the total
    deadline ends the request at 5 s, and the other subscriber of the batch is served."""
    db = tmp_path / "push.sqlite3"
    slow = receiver.subscription("/push/slow")
    slow["endpoint"] = trickler.url("/push/slow")
    subscribe(db, slow, "xa:11140")
    subscribe(db, receiver.subscription("/push/ok"), "xa:11140")
    started = time.monotonic()
    # A 5 s deadline: long enough for the healthy subscriber on a loaded machine, far below
    # the minute the trickler keeps every read alive.
    report = notify(repo, site, db, vapid_key, timeout=5, retry_wait=0, concurrency=1)
    elapsed = time.monotonic() - started
    assert trickler.requests == 1
    assert elapsed < 25, elapsed  # without the deadline: 60 s or more
    assert report.run_states == Counter({"sent": 1, "retry": 1})
    row = (
        sqlite3.connect(db)
        .execute("SELECT detail FROM deliveries WHERE state = 'retry'")
        .fetchone()
    )
    assert row[0] == "Deadline"
    assert len(receiver.delivered["/push/ok"]) == 1


# -- hostile JSON bodies ------------------------------------------------------------------------

SERVICE = """
import sys
from pathlib import Path
import uvicorn
from generator.push.endpoints import EndpointPolicy
from generator.push.service import ServiceConfig, create_app
from generator.push.topics import load_model, vocabulary

repo, site, db, port = sys.argv[1:5]
vocab = vocabulary(load_model(Path(repo) / "data", Path(site)))
policy = EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True)
config = ServiceConfig(Path(db), "https://antq.example", vocab, policy=policy,
                       max_body=int(sys.argv[5]), burst=1000)
uvicorn.run(create_app(config), host="127.0.0.1", port=int(port), log_level="info")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def service(repo: Path, site: Path, tmp_path: Path, log: list[str]) -> Iterator[str]:
    """`antq push serve`'s app under a real uvicorn in its own process, with a 2 MB body
    limit so that depth, not size, is what a 100,000-deep body meets; yields its URL and
    fills `log` with what the server printed once it has stopped."""
    script = tmp_path / "service.py"
    script.write_text(textwrap.dedent(SERVICE), encoding="utf-8")
    port = free_port()
    args = [str(repo), str(site), str(tmp_path / "push.sqlite3"), str(port), "2000000"]
    proc = subprocess.Popen(
        [sys.executable, str(script), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}/health", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        log.extend(out.splitlines())


def test_hostile_json_bodies_get_400_without_a_traceback(
    repo: Path, site: Path, tmp_path: Path
) -> None:
    good = fake_subscription()
    cases: list[tuple[bytes, str, str]] = [
        (b"[" * 100_000 + b"]" * 100_000, "too-deep", "quá sâu"),
        (b"[" * 2_000 + b"]" * 2_000, "too-deep", "quá sâu"),  # fits in 4 KB too
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "too-deep", "quá sâu"),
        (b"1" * 100_000, "bad-json", "không phải JSON"),
        (b'{"topics": [' + b"9" * 5_000 + b"]}", "bad-json", "không phải JSON"),
        (b'{"topics": [1e999999]}', "bad-json", "không phải JSON"),
        (b'{"topics": [NaN, -Infinity]}', "bad-json", "không phải JSON"),
        (
            json.dumps({"subscription": good, "topics": ["\ud800"]}).encode(),
            "bad-json",
            "không phải JSON",
        ),
        (json.dumps({"\udfff": 1}).encode(), "bad-json", "không phải JSON"),
        (b"\xff\xfe{}", "bad-json", "không phải JSON"),
    ]
    log: list[str] = []
    with service(repo, site, tmp_path, log) as base:
        for body, code, words in cases:
            r = requests.post(
                f"{base}/subscriptions",
                data=body,
                headers={"content-type": "application/json"},
                timeout=30,
            )
            assert r.status_code == 400, (body[:40], r.status_code, r.text[:200])
            assert r.json()["error"] == code and words in r.json()["message"], body[:40]
        r = requests.post(
            f"{base}/subscriptions",
            data=b"[" * 2_000 + b"]" * 2_000,
            headers={"content-type": "application/json"},
            timeout=30,
        )
        assert r.json() == {
            "error": "too-deep",
            "message": f"Nội dung gửi lên lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp).",
        }
        # Brackets inside strings are not nesting; a real subscription still goes through.
        body = {"subscription": good, "topics": ["bai-hoc"], "action": "add"}
        r = requests.post(f"{base}/subscriptions", json=body, timeout=10)
        assert r.status_code == 200, r.text
        body["topics"] = ['[[[[[[[[[[[[[[[[[[[[{"' * 5]
        r = requests.post(f"{base}/subscriptions", json=body, timeout=10)
        assert r.status_code == 422 and r.json()["problems"][0]["code"] == "topic-invalid"
    text = "\n".join(log)
    assert "Traceback" not in text and " 500 " not in text, text[-3000:]
    assert text.count('"POST /subscriptions HTTP/1.1" 400') == len(cases) + 1, text[-3000:]


# -- one canonical endpoint ---------------------------------------------------------------------

CANONICAL = "https://fcm.googleapis.com/fcm/send/abc:APA91b"
SPELLINGS = [
    CANONICAL,
    "HTTPS://fcm.googleapis.com/fcm/send/abc:APA91b",
    "https://FCM.GoogleAPIs.COM/fcm/send/abc:APA91b",
    "https://fcm.googleapis.com:443/fcm/send/abc:APA91b",
    "https://fcm.googleapis.com:0443/fcm/send/abc:APA91b",
    "https://fcm.googleapis.com./fcm/send/abc:APA91b",
    "hTTpS://Fcm.Googleapis.Com.:00443/fcm/send/abc:APA91b",
    "https://fcm.googleapis.com/fcm/send/%61bc:APA91b",  # requests sends "abc"
    "https://fcm.googleapis.com/%66cm/send/abc:APA91b",
]
REFUSED_SPELLINGS = {
    CANONICAL + "\n": "endpoint-invalid",  # "$" let this through
    CANONICAL + "\r\n": "endpoint-invalid",
    " " + CANONICAL: "endpoint-invalid",
    CANONICAL + " ": "endpoint-invalid",
    CANONICAL.replace("send", "se\tnd"): "endpoint-invalid",
    CANONICAL.replace("send", "se\x00nd"): "endpoint-invalid",
    CANONICAL.replace("send", "sénd"): "endpoint-invalid",
    CANONICAL.replace("fcm.g", "fсm.g"): "endpoint-invalid",  # a Cyrillic "с"
    CANONICAL.replace(".com", ".com:65536"): "endpoint-invalid",
    CANONICAL.replace(".com", ".com:+443"): "endpoint-invalid",
    CANONICAL.replace(".com", ".com:"): "endpoint-invalid",
    CANONICAL.replace(".com", ".com.."): "endpoint-invalid",
    CANONICAL.replace("/send/", "/x/../send/"): "endpoint-invalid",
    CANONICAL.replace("/send/", "/%2e%2E/send/"): "endpoint-invalid",
    CANONICAL.replace("/send/", "/./send/"): "endpoint-invalid",
    CANONICAL.replace("abc", "a%zzbc"): "endpoint-invalid",
    CANONICAL.replace("abc", "abc%"): "endpoint-invalid",
    CANONICAL + "#frag": "endpoint-invalid",
    "https://fcm.googleapis.com%2eevil.example/x": "endpoint-invalid",
    "https://fcm.googleapis.com:443@evil.example/x": "endpoint-userinfo",
    "https://evil.example#@fcm.googleapis.com/x": "endpoint-host",
    "https://142.250.0.1/fcm/send/abc": "endpoint-host",
    "https://2130706433/fcm/send/abc": "endpoint-host",
    "https://0x7f000001/fcm/send/abc": "endpoint-host",
    "https://[::ffff:127.0.0.1]/x": "endpoint-invalid",
    "https://" + "a" * 64 + ".fcm.googleapis.com/x": "endpoint-invalid",
    "https://fcm.googleapis.com:80/x": "endpoint-port",
}


def test_one_canonical_form() -> None:
    for spelling in SPELLINGS:
        assert DEFAULT_POLICY.check(spelling) == (CANONICAL, None), spelling
    for spelling, code in REFUSED_SPELLINGS.items():
        canonical, refusal = DEFAULT_POLICY.check(spelling)
        assert canonical is None and refusal is not None, spelling
        assert refusal.code == code, spelling
    # Percent-escapes of other characters keep their meaning, written in upper case.
    assert DEFAULT_POLICY.check("https://fcm.googleapis.com/a%2fb%7e")[0] == (
        "https://fcm.googleapis.com/a%2Fb~"
    )
    # The test receiver's form: http's default port goes too; other ports stay.
    assert LOCAL.check("HTTP://127.0.0.1:80/p")[0] == "http://127.0.0.1/p"
    assert LOCAL.check("http://127.0.0.1:08123/p")[0] == "http://127.0.0.1:8123/p"
    refusal = DEFAULT_POLICY.refusal(CANONICAL + "\n")
    assert refusal is not None and refusal.message == "Địa chỉ nhận thông báo không hợp lệ."


def test_every_spelling_is_one_subscription(repo: Path, site: Path, tmp_path: Path) -> None:
    db = tmp_path / "push.sqlite3"
    vocab = vocabulary(load_model(repo / "data", site))
    topics = sorted(vocab.labels)[: len(SPELLINGS)]
    config = ServiceConfig(db_path=db, origin=SITE_ORIGIN, vocabulary=vocab, burst=100)
    good = fake_subscription(CANONICAL)
    with TestClient(create_app(config)) as client:
        for spelling, topic in zip(SPELLINGS, topics, strict=True):
            sub = {**good, "endpoint": spelling}
            r = client.post(
                "/subscriptions", json={"subscription": sub, "topics": [topic], "action": "add"}
            )
            assert r.status_code == 200, (spelling, r.text)
        for spelling, code in REFUSED_SPELLINGS.items():
            sub = {**good, "endpoint": spelling}
            r = client.post("/subscriptions", json={"subscription": sub, "topics": topics[:1]})
            assert r.status_code == 422, spelling
            assert r.json()["problems"][0]["code"] == code, spelling
        store = Store(db)
        assert store.count_subscriptions() == 1
        assert store.topics_of(CANONICAL) == topics
        # Unsubscribing by another spelling removes the one subscription.
        r = client.request("DELETE", "/subscriptions", json={"endpoint": SPELLINGS[-3]})
        assert r.json() == {"ok": True, "removed": True}
        assert store.count_subscriptions() == 0


def test_migration_merges_spellings_stored_before(tmp_path: Path) -> None:
    """A store of version 2 (before canonical keys) holding one endpoint in three spellings,
    with pending deliveries for two of them in one run: one subscription afterwards, its
    topics united, one delivery left to send."""
    db = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    raw.execute("INSERT INTO schema_version VALUES (2)")
    for steps in MIGRATIONS[:2]:
        for sql in steps:
            assert isinstance(sql, str)
            raw.execute(sql)
    rows = [
        ("HTTPS://FCM.googleapis.com:443/x", "old", "1", "2025-01-01"),
        ("https://fcm.googleapis.com./x", "new", "2", "2025-06-01"),
        ("https://fcm.googleapis.com/x", "mid", "3", "2025-03-01"),
        ("https://fcm.googleapis.com/y", "other", "4", "2025-01-01"),
    ]
    for endpoint, p256dh, topic, stamp in rows:
        raw.execute(
            "INSERT INTO subscriptions VALUES (?, ?, 'a', ?, ?)", (endpoint, p256dh, stamp, stamp)
        )
        raw.execute("INSERT INTO topics VALUES (?, ?)", (endpoint, f"xa:{topic}"))
    raw.execute("INSERT INTO runs VALUES ('r', 'a', 'b', 't')")
    for endpoint in (rows[0][0], rows[1][0], rows[3][0]):
        raw.execute(
            "INSERT INTO deliveries (run_key, endpoint, payload, state, updated) "
            "VALUES ('r', ?, '{}', 'pending', 't')",
            (endpoint,),
        )
    raw.close()
    store = Store(db)
    assert store.schema_version() == SCHEMA_VERSION == 5
    with store.transaction() as db:
        subs = dict(db.execute("SELECT endpoint, p256dh FROM subscriptions").fetchall())
    assert subs == {"https://fcm.googleapis.com/x": "new", "https://fcm.googleapis.com/y": "other"}
    assert store.topics_of("https://fcm.googleapis.com/x") == ["xa:1", "xa:2", "xa:3"]
    due = store.claim("me", time.time(), 30, limit=10)
    assert sorted(d.endpoint for d in due) == [
        "https://fcm.googleapis.com/x",
        "https://fcm.googleapis.com/y",
    ]
    assert store.run_states("r") == Counter({"pending": 2, "cancelled": 1})
