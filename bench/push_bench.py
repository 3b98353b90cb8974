"""Web push benchmark (issues 6 and 20), loopback only. Prints figures; asserts nothing but
correctness (zero losses, zero duplicates, counted by the receiver).

1. fan-out: one job to N subscribers (default 50,000) whose endpoints are on a local push
   service stand-in (a uvicorn process on 127.0.0.1 that decrypts every message with its
   subscription's key and verifies its VAPID JWT, then counts it per endpoint), sent by 1, 2
   and 4 `antq push notify --worker` processes, on SQLite and on PostgreSQL (a throwaway
   cluster, tests/pgserver.py). Reports sends/s and the workers' CPU per message, their peak
   memory, and the store's size; `--kill` also SIGKILLs one of two workers half-way.
   `--main` runs main's notifier (extracted with `git archive main`) on the same machine
   in the same run, for the ratio.
2. subscribe: the subscription service under uvicorn (its own process), C concurrent clients
   (default 50) POSTing new subscriptions for S seconds (default 30). Reports requests/s,
   p50/p99 latency, errors, and that the database holds exactly one row per 200 answer.
3. `--rows 1000000`: that many subscription rows loaded into PostgreSQL with COPY, planned
   into one job; reports load and plan times and the store's size per million.
4. `--million --rows 1000000`: fan-out runs on one store of that many PostgreSQL rows (see
   `million()`); `--sample 100` makes the receiver decrypt and verify one message in 100 while
   it still counts every one (decrypting each costs it about as much CPU as the worker).
   Prints the COPY rate and store size per million, then for each run the fan-out time and
   rate, the workers' CPU per message, each worker's peak RSS and PSS, the receiver's counts
   of losses and duplicates (the kill run: against the stated window), each step's time and
   the minutes since the start; then the subscribe run on that store. On a quiet 2-core
   machine about 25 minutes:

    .venv/bin/python bench/push_bench.py --million --rows 1000000 --subscribers 200000 \
        --workers 1,2,4 --kill-job 1000000 --sample 100 --skip-fanout --clients 20

    .venv/bin/python bench/push_bench.py --subscribers 50000 --workers 1,2,4 \
        --stores sqlite,postgresql --main 10000 --kill --skip-subscribe
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
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
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.push.endpoints import EndpointPolicy  # noqa: E402
from generator.push.notify import NotifyOptions, make_plan  # noqa: E402
from generator.push.store import Store  # noqa: E402
from generator.push.vapid import generate_keys  # noqa: E402
from generator.push.worker import BATCH  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from _pss import _tree_pss_kb  # noqa: E402

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

# A push service stand-in: decrypts each message (aes128gcm) with the subscription's key,
# verifies the VAPID JWT (ES256 signature, aud, exp), answers 201 and counts per path;
# GET /count → totals (and the receiver's own CPU seconds), GET /reset → zero. argv: port,
# browser private key (PEM hex), auth secret (hex), sample: decrypt and verify one message in
# this many (by the endpoint's number; 1 = every one), count every one by its endpoint.
RECEIVER = r"""
import asyncio, base64, json, resource, sys, time
from collections import Counter
import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

port, pem, auth = int(sys.argv[1]), bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
sample = int(sys.argv[4])
checked = [0]
key = serialization.load_pem_private_key(pem, None)
origin = f"http://127.0.0.1:{port}"
hits, errors = Counter(), Counter()

def b64d(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

def check(header):
    scheme, _, params = header.partition(" ")
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    head, claims, sig = parts["t"].split(".")
    raw = b64d(sig)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(parts["k"]))
    public.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    c = json.loads(b64d(claims))
    assert scheme == "vapid" and c["aud"] == origin and time.time() < c["exp"] <= time.time() + 86400

def handle(method, path, headers, body):
    if method == "GET" and path == "/reset":
        hits.clear(), errors.clear()
        checked[0] = 0
        return 200, b"{}"
    if method == "GET":
        use = resource.getrusage(resource.RUSAGE_SELF)
        return 200, json.dumps({"endpoints": len(hits), "deliveries": sum(hits.values()),
                                "max": max(hits.values(), default=0), "errors": dict(errors),
                                "checked": checked[0],
                                "cpu": use.ru_utime + use.ru_stime}).encode()
    try:
        assert headers["content-encoding"] == "aes128gcm"
        if int(path.rsplit("/", 1)[1]) % sample == 0:
            check(headers["authorization"])
            json.loads(http_ece.decrypt(body, private_key=key, auth_secret=auth,
                                        version="aes128gcm"))
            checked[0] += 1
        hits[path] += 1
        return 201, b""
    except Exception as exc:
        errors[type(exc).__name__] += 1
        return 400, b""

# A minimal HTTP/1.1 server (keep-alive, Content-Length bodies): uvicorn with h11 cost the
# receiver 0.7 ms of CPU a message, on the same two cores as the notifiers it measures.
class Http(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            size = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + size:
                return
            body = self.buffer[end + 4 : end + 4 + size]
            self.buffer = self.buffer[end + 4 + size :]
            method, path, _ = lines[0].split(" ", 2)
            status, answer = handle(method, path, headers, body)
            self.transport.write(b"HTTP/1.1 %d X\r\ncontent-length: %d\r\n\r\n%s"
                                 % (status, len(answer), answer))

async def serve():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Http, "127.0.0.1", port, backlog=2048)
    await server.serve_forever()

asyncio.run(serve())
"""

# One notifier worker process: `antq push notify --worker`'s engine.
WORKER = """
import resource, sys, time
from pathlib import Path
from generator.push.endpoints import EndpointPolicy
from generator.push.notify import NotifyOptions, work
from generator.push.vapid import load_private_key

data, site, db, concurrency, wait = sys.argv[1:6]
start = resource.getrusage(resource.RUSAGE_SELF)  # after the imports: the sending's own CPU
options = NotifyOptions(Path(data), Path(site), db, "", "", concurrency=int(concurrency),
                        per_service=64, retry_wait=float(wait), progress=False)
report = work(options, key=load_private_key(), subject="mailto:bcd138@antq.example.vn",
              policy=EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True),
              echo=lambda line: None)
use = resource.getrusage(resource.RUSAGE_SELF)
# Peak RSS of this process's own memory: VmHWM, not ru_maxrss, which Linux carries over
# exec from the parent that started it (the bench, holding a million endpoints: 389 MB).
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(report.outcomes["sent"], use.ru_utime + use.ru_stime, peak,
      report.outcomes["lost"], use.ru_utime + use.ru_stime - start.ru_utime - start.ru_stime,
      flush=True)
"""

# main's notifier, from `git archive main` (PYTHONPATH set by the caller): plan and send.
MAIN_NOTIFIER = """
import resource, sys, time
from pathlib import Path
import generator
assert "main-code" in generator.__file__, generator.__file__  # main's code, not this branch's
from generator.push.endpoints import EndpointPolicy
from generator.push.notify import NotifyOptions, run
from generator.push.vapid import load_private_key

data, site, db = sys.argv[1:4]
began = time.perf_counter()
report = run(NotifyOptions(Path(data), Path(site), Path(db), "HEAD~1", "HEAD", concurrency=16),
             key=load_private_key(), subject="mailto:bcd138@antq.example.vn",
             policy=EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True),
             echo=lambda line: None)
wall = time.perf_counter() - began
use = resource.getrusage(resource.RUSAGE_SELF)
print(report.outcomes["sent"], use.ru_utime + use.ru_stime, use.ru_maxrss, wall, flush=True)
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
config = ServiceConfig(db if "://" in db else Path(db), "https://antq.example", vocab, rate=1e9, burst=10**9)
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


class Browser:
    """One browser key pair for every subscriber: each message still gets its own ephemeral
    ECDH key and salt, and the receiver decrypts each with this key."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        point = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        self.p256dh = b64u(point)
        pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.args = (pem.hex(), self.auth.hex())


def public_point() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64u(key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


def load_subscribers(db: str, endpoints: list[str], browser: Browser) -> float:
    """Subscription rows straight into the store (COPY on PostgreSQL); seconds taken."""
    stamp = datetime.now(tz=UTC).isoformat()
    store = Store(db)
    began = time.perf_counter()
    auth = b64u(browser.auth)
    if store.dialect == "postgresql":
        import psycopg

        with psycopg.connect(db) as conn, conn.cursor() as cur:
            with cur.copy("COPY subscriptions FROM STDIN") as copy:
                for e in endpoints:
                    copy.write_row((e, browser.p256dh, auth, stamp, stamp))
            with cur.copy("COPY topics FROM STDIN") as copy:
                for e in endpoints:
                    copy.write_row((e, "xa:11140"))
    else:
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?)",
                [(e, browser.p256dh, auth, stamp, stamp) for e in endpoints],
            )
            conn.executemany(
                "INSERT INTO topics VALUES (?, ?)", [(e, "xa:11140") for e in endpoints]
            )
    took = time.perf_counter() - began
    store.close()
    return took


def plan_job(db: str, data: Path, site: Path) -> tuple[int, float]:
    """Plan the fixture's one change for every subscriber (antq push notify's first half)."""
    store = Store(db)
    began = time.perf_counter()
    plan = make_plan(NotifyOptions(data, site, db, "HEAD~1", "HEAD"), store)
    store.plan_run(plan.run_key, plan.from_rev, plan.to_rev, plan.payloads)
    took = time.perf_counter() - began
    store.close()
    return len(plan.payloads), took


def store_size(db: str) -> int:
    if db.startswith("postgresql"):
        import psycopg

        with psycopg.connect(db) as conn:
            return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])
    return sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*"))


class Job:
    """A receiver, N subscribers in a fresh store, one planned job."""

    def __init__(
        self,
        tmp: Path,
        db: str,
        data: Path,
        site: Path,
        n: int,
        env: dict[str, str],
        sample: int = 1,
    ):
        self.browser = Browser()
        self.port = free_port()
        self.receiver = start(RECEIVER, str(self.port), *self.browser.args, str(sample))
        wait_ready(f"http://127.0.0.1:{self.port}/count", self.receiver)
        self.endpoints = [f"http://127.0.0.1:{self.port}/push/{i:07d}" for i in range(n)]
        self.db, self.data, self.site, self.env = db, data, site, env
        self.load = load_subscribers(db, self.endpoints, self.browser)
        self.planned, self.plan_time = plan_job(db, data, site)

    def counts(self) -> dict[str, int]:
        return dict(requests.get(f"http://127.0.0.1:{self.port}/count", timeout=30).json())

    def close(self) -> None:
        self.receiver.terminate()
        self.receiver.wait(10)


def _vm_hwm_kb(pid: int) -> int:
    """A live process's peak resident memory (VmHWM), kB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(figures: dict[str, float]) -> str:
    """Each worker's peak RSS (VmHWM) and peak PSS (sampled every 0.5 s), MB."""
    rss = "/".join(f"{v:.0f}" for v in figures["rss_each"])  # type: ignore[attr-defined]
    pss = "/".join(f"{v:.0f}" for v in figures["pss_each"])  # type: ignore[attr-defined]
    return f"peak RSS per worker {rss} MB, peak PSS {pss} MB (target < 300)"


def run_workers(
    job: Job, workers: int, kill: bool = False, code: Path | None = None
) -> dict[str, float]:
    """Start `workers` worker processes on the job (with another revision's `generator`
    from `code`, extracted by `extract`); wait; their figures."""
    env = job.env if code is None else {**job.env, "PYTHONPATH": str(code)}
    procs = [
        subprocess.Popen(
            # A worker outlives a killed one's leases (30 s) only when waiting for them.
            [
                sys.executable,
                "-c",
                WORKER,
                str(job.data),
                str(job.site),
                job.db,
                "16",
                "60" if kill else "0",
            ],
            cwd=ROOT if code is None else code,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    began = time.perf_counter()
    killed_cpu = 0.0
    # Each worker's peak PSS (its pages shared with others divided among them), sampled.
    pss = {proc.pid: 0 for proc in procs}
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            for pid in pss:
                pss[pid] = max(pss[pid], _tree_pss_kb(pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    peaks: list[float] = []  # VmHWM of each worker, MB (the killed one's read before the kill)
    killed_at = 0.0
    if kill:
        while job.counts()["deliveries"] < len(job.endpoints) // 2:
            time.sleep(0.2)
        victim = procs.pop(0)
        peaks.append(_vm_hwm_kb(victim.pid) / 1024)
        os.kill(victim.pid, signal.SIGKILL)
        killed_at = time.perf_counter() - began
        _, status, usage = os.wait4(victim.pid, 0)
        killed_cpu = usage.ru_utime + usage.ru_stime
    sent = cpu = rss = lost = sending = 0.0
    for proc in procs:
        out, err = proc.communicate(timeout=7200)
        if proc.returncode != 0:
            raise SystemExit(err)
        s, c, r, x, w = out.split()
        sent, cpu, rss = sent + int(s), cpu + float(c), max(rss, float(r))
        peaks.append(float(r) / 1024)
        lost += int(x)
        sending += float(w)
    wall = time.perf_counter() - began
    sampling.set()
    sampler.join()
    store = Store(job.db)
    with store.transaction() as conn:
        # Sent again after a deadline or an error: the push service may have taken the first.
        again = conn.execute("SELECT count(*) FROM deliveries WHERE attempts > 1").fetchone()[0]
    store.close()
    return {
        "wall": wall,
        "sent": sent,
        "cpu": cpu + killed_cpu,
        "sending": sending,  # the survivors' CPU after their imports
        "rss_mb": max(peaks),
        "rss_each": peaks,  # type: ignore[dict-item]
        "pss_each": [v / 1024 for v in pss.values()],  # type: ignore[dict-item]
        "killed_at": killed_at,
        "lost": lost,
        "again": again,
    }


def fanout(
    tmp: Path, data: Path, site: Path, args: argparse.Namespace, env: dict[str, str]
) -> None:
    stores = args.stores.split(",")
    pg = None
    try:
        if "postgresql" in stores:
            from tests.pgserver import pg_server

            pg = pg_server()
            server = pg.__enter__()
        runs = [
            (store, int(w), False, code)
            for store in stores
            for w in args.workers.split(",")
            for code in ([None, extract(tmp, args.peer)] if args.peer else [None])
        ]
        if args.kill:
            runs += [(store, 2, True, None) for store in stores]
        for number, (kind, workers, kill, code) in enumerate(runs):
            db = (
                server.new_database()
                if kind == "postgresql"
                else str(tmp / f"fanout-{number}.sqlite3")
            )
            job = Job(tmp, db, data, site, args.subscribers, env, args.sample)
            try:
                figures = run_workers(job, workers, kill, code)
                counts = job.counts()
            finally:
                job.close()
            n = len(job.endpoints)
            ok = counts["endpoints"] == n and not counts["errors"]
            dup = counts["deliveries"] - counts["endpoints"]
            label = f"{kind:10s} workers {workers}{' (one SIGKILLed half-way)' if kill else ''}"
            label += f" [{args.peer}'s worker]" if code is not None else ""
            print(
                f"fan-out {label}: {n:,} in {figures['wall']:.1f} s = "
                f"{n / figures['wall']:,.0f} sends/s; workers' CPU {figures['cpu']:.1f} s = "
                f"{figures['cpu'] * 1000 / n:.2f} ms/msg (after start-up "
                f"{figures['sending'] * 1000 / n:.2f}); {memory(figures)}; losses "
                f"{n - counts['endpoints']}, duplicates {dup}"
                f"{'' if ok else ' ERRORS ' + str(counts['errors'])}; receiver CPU "
                f"{counts['cpu'] * 1000 / n:.2f} ms/msg, decrypted and verified "
                f"{counts['checked']:,} (sent again after a timeout "
                f"{figures['again']}, leases lost {figures['lost']:.0f}); "
                f"load {job.load:.1f} s, plan {job.plan_time:.1f} s, store "
                f"{store_size(db) / 1e6:.0f} MB",
                flush=True,
            )
    finally:
        if pg is not None:
            pg.__exit__(None, None, None)


def extract(tmp: Path, rev: str) -> Path:
    """`generator` of another revision, in a folder of its own (once)."""
    code = tmp / f"code-{rev}"
    if not code.exists():
        code.mkdir()
        archive = subprocess.run(
            ["git", "archive", rev, "generator"], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
    return code


def main_ratio(
    tmp: Path, data: Path, site: Path, n: int, env: dict[str, str], base: str = "main"
) -> None:
    """main's notifier and this one, same N, same receiver kind, same machine, same run."""
    code = tmp / "main-code"
    code.mkdir()
    archive = subprocess.run(
        ["git", "archive", base, "generator"], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
    figures = {}
    for name in ("main", "this"):
        db = str(tmp / f"ratio-{name}.sqlite3")
        browser = Browser()
        port = free_port()
        receiver = start(RECEIVER, str(port), *browser.args, "1")
        try:
            wait_ready(f"http://127.0.0.1:{port}/count", receiver)
            endpoints = [f"http://127.0.0.1:{port}/push/{i:07d}" for i in range(n)]
            if name == "main":
                old_env = {**env, "PYTHONPATH": str(code)}
                subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "import sys; sys.path.insert(0, sys.argv[1])\n"
                        "from generator.push.store import Store; Store(sys.argv[2]).close()",
                        str(code),
                        db,
                    ],
                    cwd=tmp,
                    env=old_env,
                    check=True,
                )
                raw = sqlite3.connect(db)
                stamp = datetime.now(tz=UTC).isoformat()
                auth = b64u(browser.auth)
                raw.executemany(
                    "INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?)",
                    [(e, browser.p256dh, auth, stamp, stamp) for e in endpoints],
                )
                raw.executemany(
                    "INSERT INTO topics VALUES (?, ?)", [(e, "xa:11140") for e in endpoints]
                )
                raw.commit()
                raw.close()
                out = subprocess.run(
                    [sys.executable, "-c", MAIN_NOTIFIER, str(data), str(site), db],
                    cwd=tmp,
                    env=old_env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
                sent, cpu, wall = int(out[0]), float(out[1]), float(out[3])
            else:
                load_subscribers(db, endpoints, browser)
                began = time.perf_counter()
                plan_job(db, data, site)
                job = argparse.Namespace(data=data, site=site, db=db, env=env, endpoints=endpoints)
                f = run_workers(job, 1)  # type: ignore[arg-type]
                wall = time.perf_counter() - began
                sent, cpu = int(f["sent"]), f["cpu"]
                print(
                    f"ratio this: the worker's CPU after start-up "
                    f"{f['sending'] * 1000 / n:.2f} ms/msg, {f['cpu'] * 1000 / n:.2f} with it"
                )
            counts = requests.get(f"http://127.0.0.1:{port}/count", timeout=30).json()
        finally:
            receiver.terminate()
            receiver.wait(10)
        figures[name] = (wall, cpu)
        print(
            f"ratio {name:4s}: {sent:,}/{n:,} sent in {wall:.1f} s = {n / wall:,.0f} sends/s; "
            f"CPU {cpu * 1000 / n:.2f} ms/msg; receiver: {counts['endpoints']:,} endpoints, "
            f"{counts['deliveries']:,} deliveries, errors {counts['errors']}",
            flush=True,
        )
    print(
        f"ratio this/main: {figures['main'][0] / figures['this'][0]:.1f}× faster, "
        f"{figures['main'][1] / figures['this'][1]:.1f}× less CPU per message (planning included)"
    )


def million_rows(tmp: Path, data: Path, site: Path, rows: int) -> None:
    from tests.pgserver import pg_server

    with pg_server() as server:
        db = server.new_database()
        browser = Browser()
        endpoints = [f"https://fcm.googleapis.com/fcm/send/bench-{i:08d}" for i in range(rows)]
        load = load_subscribers(db, endpoints, browser)
        subs_size = store_size(db)
        planned, plan_time = plan_job(db, data, site)
        size = store_size(db)
    print(
        f"rows: {rows:,} subscriptions COPYed into PostgreSQL in {load:.1f} s "
        f"({rows / load:,.0f} rows/s); store {subs_size / 1e9 * 1e6 / rows:.2f} GB per million "
        f"subscriptions; one job planned for {planned:,} in {plan_time:.1f} s; with the job's "
        f"deliveries {size / 1e9 * 1e6 / rows:.2f} GB per million",
        flush=True,
    )


def million(
    tmp: Path, data: Path, site: Path, args: argparse.Namespace, env: dict[str, str]
) -> None:
    """`--million`: `--rows` real subscription rows in one PostgreSQL store, loaded once; on
    it the scaling runs (jobs to the first `--subscribers` rows, 1, 2, 4 workers), then one
    job to every row (or the first `--kill-job`) with two workers, one SIGKILLed half-way;
    then subscribe requests against the service on that store. Between runs the deliveries
    are deleted and the receiver's counts reset; the receiver decrypts and verifies one
    message in `--sample` and counts every one. Each step prints its own time."""
    from tests.pgserver import pg_server

    started = time.perf_counter()
    with pg_server() as server:
        db = server.new_database()
        rows = args.rows
        job = Job(tmp, db, data, site, 0, env, args.sample)
        try:
            job.endpoints = [f"http://127.0.0.1:{job.port}/push/{i:07d}" for i in range(rows)]
            job.load = load_subscribers(db, job.endpoints, job.browser)
            size = store_size(db)
            print(
                f"million: {rows:,} subscription rows COPYed into PostgreSQL in {job.load:.1f} s "
                f"({rows / job.load:,.0f} rows/s); store {size / 1e9 * 1e6 / rows:.2f} GB per "
                f"million subscriptions (with their topics and indexes)",
                flush=True,
            )
            import psycopg

            runs = [(int(w), False, min(rows, args.subscribers)) for w in args.workers.split(",")]
            if not args.no_kill:
                runs.append((2, True, min(rows, args.kill_job or rows)))
            for workers, kill, n in runs:
                began = time.perf_counter()
                with psycopg.connect(db, autocommit=True) as conn:
                    conn.execute("DELETE FROM deliveries")
                    conn.execute("DELETE FROM runs")
                    conn.execute("DELETE FROM push_slots")
                    conn.execute(
                        "UPDATE topics SET topic = CASE WHEN endpoint <= %s THEN 'xa:11140' "
                        "ELSE 'tinh:99' END",
                        (job.endpoints[n - 1],),
                    )
                    conn.execute("VACUUM ANALYZE")
                reset = time.perf_counter() - began
                requests.get(f"http://127.0.0.1:{job.port}/reset", timeout=30)
                cpu0 = job.counts()["cpu"]
                planned, job.plan_time = plan_job(db, data, site)
                sized = store_size(db)
                full = job.endpoints
                job.endpoints = full[:n]
                try:
                    figures = run_workers(job, workers, kill)
                finally:
                    job.endpoints = full
                counts = job.counts()
                dup = counts["deliveries"] - counts["endpoints"]
                label = f"workers {workers}{' (one SIGKILLed half-way)' if kill else ''}"
                window = ""
                if kill:
                    # What may go out twice: the killed worker's sent and unrecorded sends,
                    # at most a batch per lane (worker.py); the worker here runs 16 lanes.
                    window = (
                        f"; killed at {figures['killed_at']:.1f} s; duplicates {dup} against "
                        f"the stated window of 16 lanes × {BATCH} = {16 * BATCH}"
                        f"{'' if dup <= 16 * BATCH else ' EXCEEDED'}"
                    )
                print(
                    f"million: {rows:,} rows, job to {planned:,} ({label}): sent in "
                    f"{figures['wall']:.1f} s = {n / figures['wall']:,.0f} sends/s; workers' CPU "
                    f"{figures['cpu'] * 1000 / n:.2f} ms/msg (after start-up "
                    f"{figures['sending'] * 1000 / n:.2f}), load average "
                    f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, receiver CPU "
                    f"{(counts['cpu'] - cpu0) * 1000 / n:.2f} ms/msg (decrypted and verified "
                    f"{counts['checked']:,}); {memory(figures)}; losses "
                    f"{n - counts['endpoints']}, duplicates {dup}, errors {counts['errors']} "
                    f"(sent again after a timeout {figures['again']}, leases lost "
                    f"{figures['lost']:.0f}){window}; reset {reset:.1f} s, plan "
                    f"{job.plan_time:.1f} s; store with the job {sized / 1e9:.2f} GB; "
                    f"{(time.perf_counter() - started) / 60:.1f} min since the start",
                    flush=True,
                )
        finally:
            job.close()
        if not args.skip_subscribe:
            subscribe_load(tmp, data, site, args.clients, args.seconds, db)
    print(f"million: done in {(time.perf_counter() - started) / 60:.1f} min", flush=True)


def subscribe_load(
    tmp: Path, data: Path, site: Path, clients: int, seconds: float, db: str = ""
) -> None:
    """Subscribe requests against the service; `db`: its store (a new SQLite file if empty;
    a PostgreSQL URL may already hold rows, only the new ones are counted)."""
    db = db or str(tmp / "service.sqlite3")
    before = Store(db)
    rows_before = before.count_subscriptions()
    before.close()
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
    after = Store(db)
    rows = after.count_subscriptions() - rows_before
    mode = after.journal_mode()
    after.close()
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
        f"({'no lost write' if rows == sum(ok) else 'MISMATCH'}); store {mode}, "
        f"{rows_before:,} rows before"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--main", type=int, default=0, help="subscribers for the ratio to main")
    parser.add_argument("--base", default="main", help="the git revision --main compares with")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--million", action="store_true", help="the --rows runs (see million)")
    parser.add_argument("--kill-job", type=int, default=0, help="--million's kill run's job size")
    parser.add_argument("--peer", help="fan-out runs also with this revision's worker")
    parser.add_argument("--no-kill", action="store_true", help="--million without its kill run")
    parser.add_argument("--sample", type=int, default=1, help="receiver verifies 1 in this")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--skip-fanout", action="store_true")
    parser.add_argument("--skip-subscribe", action="store_true")
    args = parser.parse_args()
    print(f"push bench: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="antq-push-bench-") as name:
        tmp = Path(name)
        data, site = make_repo(tmp / "repo")
        key_path, _ = generate_keys(tmp / "keys")
        env = {**os.environ, "NO_PROXY": "127.0.0.1", "ANTQ_VAPID_PRIVATE_KEY_FILE": str(key_path)}
        if args.main:
            main_ratio(tmp, data, site, args.main, env, args.base)
        if not args.skip_fanout:
            fanout(tmp, data, site, args, env)
        if args.million:
            million(tmp, data, site, args, env)
            return
        if args.rows:
            million_rows(tmp, data, site, args.rows)
        if not args.skip_subscribe:
            subscribe_load(tmp, data, site, args.clients, args.seconds)


if __name__ == "__main__":
    main()
