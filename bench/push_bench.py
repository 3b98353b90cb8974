"""Web push benchmark (issue 6), loopback only. Prints figures; asserts nothing but correctness.

1. fan-out: `antq push notify`'s engine sends one encrypted, VAPID-signed notification to each
   of N subscribers (default 10,000) whose endpoints are on a local receiver (a uvicorn
   process on 127.0.0.1 that counts deliveries per endpoint, without decrypting). Reports
   sends/s and checks every endpoint got exactly one.
2. subscribe: the subscription service under uvicorn (its own process), C concurrent clients
   (default 50) POSTing new subscriptions for S seconds (default 30). Reports requests/s,
   p50/p99 latency, errors, and that the database holds exactly one row per 200 answer.

    .venv/bin/python bench/push_bench.py [--subscribers 10000] [--clients 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.push.endpoints import EndpointPolicy  # noqa: E402
from generator.push.notify import NotifyOptions, run  # noqa: E402
from generator.push.store import Store  # noqa: E402
from generator.push.vapid import generate_keys, load_private_key  # noqa: E402

SUBJECT = "mailto:bcd138@antq.example.vn"
LOCAL = EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True)
SITE_TOML = """\
name = "ANTQ đo hiệu năng"
short_name = "ANTQ"
description = "Đo hiệu năng."
base_url = "https://antq.example"

[scope]
provinces = "national"

"""

# A push service stand-in: answers 201 and counts per path. GET /count → totals.
RECEIVER = """
import sys
from collections import Counter
import uvicorn

hits = Counter()

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    if scope["method"] == "GET":
        body = ('{"endpoints": %d, "deliveries": %d, "max": %d}' % (
            len(hits), sum(hits.values()), max(hits.values(), default=0))).encode()
        status = 200
    else:
        hits[scope["path"]] += 1
        body, status = b"", 201
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False, backlog=2048)
"""

# The subscription service with the rate limit lifted (every client here is 127.0.0.1).
SERVICE = """
import sys
from pathlib import Path
import uvicorn
from generator.push.service import ServiceConfig, create_app
from generator.push.topics import load_model, vocabulary

data, site, db, port = sys.argv[1:5]
vocab = vocabulary(load_model(Path(data), Path(site)))
config = ServiceConfig(Path(db), "https://antq.example", vocab, rate=1e9, burst=10**9)
uvicorn.run(create_app(config), host="127.0.0.1", port=int(port), log_level="warning",
            access_log=False, backlog=2048)
"""


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def git(repo: Path, *args: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def make_repo(root: Path) -> tuple[Path, Path]:
    """The fixture package, then one change: Thôn Cộng Lạc (xã 11140) now đạt."""
    shutil.copytree(ROOT / "tests/fixtures/good", root / "data")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    path = root / "data/assessments.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "hp-lac-phuong-thon-cong-lac,2025,chua_dat,,,,",
            "hp-lac-phuong-thon-cong-lac,2025,dat,77/QĐ-UBND,2025-11-25,UBND xã Lạc Phượng,"
            "124/2021/TT-BCA",
        ),
        encoding="utf-8",
    )
    git(root, "commit", "-q", "-am", "v2")
    site = root / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    return root / "data", site


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(script: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={**os.environ, "NO_PROXY": "127.0.0.1"},
        stderr=subprocess.PIPE,
    )


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(proc.stderr.read().decode() if proc.stderr else "server died")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def public_point() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64u(key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


def fanout(tmp: Path, data: Path, site: Path, n: int) -> None:
    key_path, _ = generate_keys(tmp / "keys")
    key = load_private_key({"ANTQ_VAPID_PRIVATE_KEY_FILE": str(key_path)})
    port = free_port()
    receiver = start(RECEIVER, str(port))
    try:
        wait_ready(f"http://127.0.0.1:{port}/count", receiver)
        db = tmp / "fanout.sqlite3"
        store = Store(db)
        stamp = datetime.now(tz=UTC).isoformat()
        # One browser key for all: each message still gets its own ephemeral ECDH key and salt.
        p256dh, auth = public_point(), b64u(os.urandom(16))
        endpoints = [f"http://127.0.0.1:{port}/push/{i:05d}" for i in range(n)]
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?)",
                [(e, p256dh, auth, stamp, stamp) for e in endpoints],
            )
            conn.executemany(
                "INSERT INTO topics VALUES (?, ?)", [(e, "xa:11140") for e in endpoints]
            )
        store.close()
        options = NotifyOptions(data, site, db, "HEAD~1", "HEAD", concurrency=16)
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        start_time = time.perf_counter()
        report = run(options, key=key, subject=SUBJECT, policy=LOCAL, echo=lambda line: None)
        wall = time.perf_counter() - start_time
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        counts = requests.get(f"http://127.0.0.1:{port}/count", timeout=5).json()
    finally:
        receiver.terminate()
        receiver.wait(10)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    sent = report.outcomes["sent"]
    print(
        f"fan-out: {sent:,} notifications in {wall:.1f} s = {sent / wall:,.0f} sends/s "
        f"(concurrency 16; notifier CPU {cpu:.1f} s; planning and diff included)"
    )
    print(
        f"  receiver: {counts['endpoints']:,} endpoints, {counts['deliveries']:,} deliveries, "
        f"max {counts['max']} per endpoint; outcomes {dict(report.outcomes)}"
    )
    ok = sent == n and counts["endpoints"] == n and counts["deliveries"] == n
    print(
        f"  exactly one per subscriber: {'yes' if ok else 'NO'}; target <= 60 s: "
        f"{'met' if wall <= 60 else 'MISSED'}"
    )


def subscribe_load(tmp: Path, data: Path, site: Path, clients: int, seconds: float) -> None:
    db = tmp / "service.sqlite3"
    port = free_port()
    server = start(SERVICE, str(data), str(site), str(db), str(port))
    base = f"http://127.0.0.1:{port}"
    points = [public_point() for _ in range(64)]
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    ok = [0] * clients
    try:
        wait_ready(f"{base}/health", server)
        deadline = time.monotonic() + seconds

        def client(index: int) -> None:
            session = requests.Session()
            i = 0
            while time.monotonic() < deadline:
                body = {
                    "subscription": {
                        "endpoint": f"https://fcm.googleapis.com/fcm/send/bench-{index}-{i}",
                        "keys": {"p256dh": points[i % len(points)], "auth": b64u(os.urandom(16))},
                    },
                    "topics": ["xa:11140", "tinh:31"],
                }
                began = time.perf_counter()
                try:
                    r = session.post(
                        f"{base}/subscriptions",
                        data=json.dumps(body),
                        headers={"content-type": "application/json"},
                        timeout=30,
                    )
                    latencies[index].append(time.perf_counter() - began)
                    if r.status_code == 200:
                        ok[index] += 1
                    else:
                        failures.append(f"{r.status_code} {r.text[:80]}")
                except requests.RequestException as exc:
                    failures.append(type(exc).__name__)
                i += 1

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM subscriptions").fetchone()[0]
    mode = sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0]
    every = sorted(x for per in latencies for x in per)
    total = len(every)
    p50 = statistics.median(every) * 1000
    p99 = every[min(total - 1, int(total * 0.99))] * 1000
    print(
        f"subscribe: {clients} clients for {wall:.1f} s: {total:,} requests = "
        f"{total / wall:,.0f} req/s; latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {every[-1] * 1000:.0f} ms"
    )
    print(
        f"  errors {len(failures)}{' ' + str(failures[:3]) if failures else ''}; "
        f"200 answers {sum(ok):,}, rows in the database {rows:,} "
        f"({'no lost write' if rows == sum(ok) else 'MISMATCH'}); journal_mode {mode}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--skip-fanout", action="store_true")
    parser.add_argument("--skip-subscribe", action="store_true")
    args = parser.parse_args()
    print(f"push bench: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="antq-push-bench-") as name:
        tmp = Path(name)
        data, site = make_repo(tmp / "repo")
        if not args.skip_fanout:
            fanout(tmp, data, site, args.subscribers)
        if not args.skip_subscribe:
            subscribe_load(tmp, data, site, args.clients, args.seconds)


if __name__ == "__main__":
    main()
