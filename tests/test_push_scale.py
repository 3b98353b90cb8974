"""Web push past one machine (issue 20): the same store on SQLite and on a real PostgreSQL
server (tests/pgserver.py), migrations, copying a deployment, notifiers sharing one job, a
killed worker, Retry-After and the per-service cap across workers, and `--db` schemes.

Receivers are test_push's: real HTTP on 127.0.0.1, every message decrypted (aes128gcm) and
its VAPID JWT verified.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.push.db import StoreError, locate
from generator.push.notify import NotifyReport, Sender
from generator.push.store import SCHEMA_VERSION, Store
from generator.push.vapid import ENV_PRIVATE_KEY_FILE, ENV_SUBJECT, VapidKey
from generator.push.worker import BATCH, Notifier
from tests import test_push as push
from tests.pgserver import PgServer
from tests.test_push import LOCAL, ROOT, SUBJECT, FakeClock, Receiver, options

key_file = push.key_file
receiver = push.receiver
repo = push.repo
site = push.site
vapid_key = push.vapid_key


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def fill(url: str, receiver: Receiver, paths: list[str], topic: str = "xa:11140") -> None:
    store = Store(url)
    try:
        for path in paths:
            sub = receiver.subscription(path)
            store.subscribe(sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], [topic])
    finally:
        store.close()


def plan(repo: Path, site: Path, url: str, key: VapidKey) -> None:
    """Plan the fixture range's run, sending nothing (every lane finds the service paused)."""
    from generator.push.plan import make_plan

    store = Store(url)
    try:
        made = make_plan(options(repo, site, url), store)
        assert store.plan_run(made.run_key, made.from_rev, made.to_rev, made.payloads)
    finally:
        store.close()


def notifier(
    url: str, key: VapidKey, clock: Any = time.time, timeout: float = 30, **extra: Any
) -> Notifier:
    # A request's deadline far above a local receiver's answer where a test does not test the
    # deadline: under load (30+) a 5 s one dropped a send now and then. (The lease follows
    # the deadline: a test of leases running short gives its own.)
    sender = Sender(key, SUBJECT, policy=LOCAL, timeout=timeout, clock=clock)
    sleep = clock.sleep if isinstance(clock, FakeClock) else time.sleep
    return Notifier(Store(url), sender, clock=clock, sleep=sleep, **extra)


# -- schema -------------------------------------------------------------------------------------


def test_migrate_and_refuse_a_newer_schema(db_url: str) -> None:
    store = Store(db_url, migrate=False)
    assert store.migrate() == 0  # a new store: from nothing to the current version
    assert store.migrate() == SCHEMA_VERSION  # again: nothing to do
    assert store.schema_version() == SCHEMA_VERSION
    with store.transaction() as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    store.close()
    with pytest.raises(StoreError, match=f"phiên bản {SCHEMA_VERSION + 1}, mới hơn"):
        Store(db_url)
    result = CliRunner().invoke(app, ["push", "migrate", "--db", db_url])
    assert result.exit_code == 2 and "cập nhật antq" in result.output
    # Negative control: at the current version the same command succeeds.
    raw = Store(db_url, migrate=False)
    with raw.transaction() as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
    raw.close()
    result = CliRunner().invoke(app, ["push", "migrate", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert f"{SCHEMA_VERSION} → {SCHEMA_VERSION}" in result.output


def test_unknown_scheme_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["push", "migrate"], ["push", "status"]):
        result = CliRunner().invoke(app, [*command, "--db", "mysql://antq@db/push"])
        assert result.exit_code == 2
        assert "không biết loại cơ sở dữ liệu “mysql:”" in result.output
    with pytest.raises(StoreError, match="sqlite:///"):
        locate("sqlite://relative/file")
    assert list(tmp_path.iterdir()) == []  # no folder named after the URL
    # Negative controls: a path, a sqlite:/// URL and a postgresql:// URL are accepted.
    assert locate("push.sqlite3").dialect == "sqlite"
    assert locate(f"sqlite:///{tmp_path}/p.sqlite3").target == f"{tmp_path}/p.sqlite3"
    assert locate("postgresql://u@h/db").dialect == "postgresql"
    assert locate("postgres://u@h/db").dialect == "postgresql"
    result = CliRunner().invoke(app, ["push", "migrate", "--db", f"sqlite:///{tmp_path}/p.db"])
    assert result.exit_code == 0 and (tmp_path / "p.db").exists()


def test_copy_sqlite_to_postgresql(tmp_path: Path, pg: PgServer, receiver: Receiver) -> None:
    source = str(tmp_path / "push.sqlite3")
    fill(source, receiver, [f"/push/{n:03d}" for n in range(120)])
    target = pg.new_database()
    runner = CliRunner()
    result = runner.invoke(app, ["push", "copy", "--from", f"sqlite:///{source}", "--to", target])
    assert result.exit_code == 0, result.output
    assert "Đã chép 120 đăng ký (120 chủ đề)" in result.output
    with psycopg.connect(target) as conn:  # really in PostgreSQL, read by another client
        rows = conn.execute("SELECT count(*) FROM subscriptions").fetchone()
        topics = conn.execute("SELECT DISTINCT topic FROM topics").fetchall()
    assert rows == (120,) and topics == [("xa:11140",)]
    # Copying again into a store that has subscriptions is refused unless merging.
    again = runner.invoke(app, ["push", "copy", "--from", source, "--to", target])
    assert again.exit_code == 2 and "đã có 120 đăng ký" in again.output
    merged = runner.invoke(app, ["push", "copy", "--from", source, "--to", target, "--merge"])
    assert merged.exit_code == 0, merged.output


# -- workers ------------------------------------------------------------------------------------


def test_two_workers_on_one_job_send_each_once(
    repo: Path, site: Path, db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    paths = [f"/push/{n:03d}" for n in range(200)]
    fill(db_url, receiver, paths)
    plan(repo, site, db_url, vapid_key)
    receiver.delay = 0.002
    workers = [notifier(db_url, vapid_key, concurrency=4, retry_wait=0) for _ in range(2)]
    reports = [NotifyReport("") for _ in workers]
    threads = [
        threading.Thread(target=w.process, args=(r,)) for w, r in zip(workers, reports, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    receiver.quiesce()
    assert receiver.errors == []
    counts = Counter({p: len(receiver.delivered[p]) for p in paths})
    assert set(counts.values()) == {1}, counts.most_common(3)
    assert all(r.outcomes["sent"] > 0 for r in reports), [r.outcomes for r in reports]
    assert sum(r.outcomes["sent"] for r in reports) == 200
    for w in workers:
        w.store.close()


def test_retry_after_pauses_the_service_for_every_worker(
    repo: Path, site: Path, db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    paths = [f"/push/{n:02d}" for n in range(10)]
    fill(db_url, receiver, paths)
    plan(repo, site, db_url, vapid_key)
    receiver.script["/push/00"] = [(429, {"Retry-After": "30"})]
    clock = FakeClock()
    first = notifier(db_url, vapid_key, clock, concurrency=1, retry_wait=0)
    first.process(NotifyReport(""))
    assert receiver.hits.total() == 1  # the 429; the rest of the batch was given back
    paused = first.store.paused_services(clock())
    assert [p[0] for p in paused] == [receiver.origin]
    # Another worker (another owner, as on another machine) respects the pause.
    second = notifier(db_url, vapid_key, clock, concurrency=4, retry_wait=0)
    second.process(NotifyReport(""))
    assert receiver.hits.total() == 1
    # Negative control: once the pause is over, the second worker sends everything.
    clock.now += 31
    report = NotifyReport("")
    second.process(report)
    receiver.quiesce()
    assert report.outcomes["sent"] == 10 and receiver.total() == 10
    first.store.close()
    second.store.close()


def test_a_claim_outliving_its_lease_is_extended_but_a_row_taken_meanwhile_is_not_sent(
    db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    """A lane claims more than it records at once (`CLAIM`, `BATCH`). When the lease runs
    short, the rest of the claim is extended with the delivery about to go, except a row that
    another notifier took meanwhile: that one is counted lost and not sent (negative control:
    the rows still held are sent, each once)."""
    paths = [f"/push/{n}" for n in range(4)]
    fill(db_url, receiver, paths)
    store = Store(db_url)
    store.plan_run("r", "a", "b", {receiver.url(p): '{"title": "t"}' for p in paths})
    clock = FakeClock()
    worker = notifier(
        db_url,
        vapid_key,
        clock,
        timeout=5,
        concurrency=1,
        batch=2,
        claim=4,
        first_claim=4,
        retry_wait=0,
    )
    claims: list[list[Any]] = []
    claim, steps = worker.store.claim, worker.sender.steps

    def claiming(*args: Any, **kwargs: Any) -> Any:
        claims.append(claim(*args, **kwargs))
        return claims[-1]

    def sending(delivery: Any, tag: str, connections: Any) -> Any:
        if len(receiver.hits) == 0:  # the first send takes 15 s; meanwhile another notifier
            clock.now += 15  # takes the claim's last row (as if its lease had lapsed)
            with store.transaction() as db:
                db.execute(
                    "UPDATE deliveries SET lease_owner = 'other' WHERE endpoint = ?",
                    (claims[0][-1].endpoint,),
                )
        return steps(delivery, tag, connections)

    worker.store.claim = claiming  # type: ignore[method-assign]
    worker.sender.steps = sending  # type: ignore[method-assign]
    report = NotifyReport("")
    worker.process(report)
    receiver.quiesce()
    assert len(claims[0]) == 4
    taken = claims[0][-1].endpoint
    assert report.outcomes == Counter({"sent": 3, "lost": 1})
    assert sorted(receiver.url(p) for p in receiver.delivered) == sorted(
        d.endpoint for d in claims[0][:3]
    )
    assert receiver.total() == 3 and taken not in {receiver.url(p) for p in receiver.delivered}
    with store.transaction() as db:
        rows = db.execute("SELECT endpoint, state, lease_owner FROM deliveries").fetchall()
    assert (
        sorted((s, o) for _, s, o in rows) == [("pending", "other")] + [("sent", worker.owner)] * 3
    )
    store.close()
    worker.store.close()


class PeakReceiver(Receiver):
    """Also records the most requests it held at once."""

    def __init__(self, public_key: str) -> None:
        super().__init__(public_key)
        self.peak = 0

    def handle(self, request: Any, body: bytes) -> None:
        with self.lock:
            self.peak = max(self.peak, self.active)
        super().handle(request, body)


@pytest.mark.parametrize("per_service", [3, 16])
def test_per_service_cap_holds_across_workers(
    repo: Path, site: Path, db_url: str, vapid_key: VapidKey, per_service: int
) -> None:
    receiver = PeakReceiver(vapid_key.public_key)
    try:
        fill(db_url, receiver, [f"/push/{n:03d}" for n in range(120)])
        plan(repo, site, db_url, vapid_key)
        receiver.delay = 0.03
        workers = [
            notifier(db_url, vapid_key, concurrency=8, per_service=per_service, retry_wait=0)
            for _ in range(2)
        ]
        threads = [threading.Thread(target=w.process, args=(NotifyReport(""),)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        receiver.quiesce()
        assert receiver.total() == 120 and receiver.errors == []
        if per_service == 3:
            assert 1 <= receiver.peak <= 3, receiver.peak
        else:  # negative control: without the cap, two workers' 16 lanes overlap more
            assert receiver.peak > 3, receiver.peak
        for w in workers:
            w.store.close()
    finally:
        receiver.close()


class PortReceiver(Receiver):
    """Also records the client port of each request (one port: one connection)."""

    def __init__(self, public_key: str) -> None:
        super().__init__(public_key)
        self.ports: list[int] = []

    def handle(self, request: Any, body: bytes) -> None:
        with self.lock:
            self.ports.append(request.client_address[1])
        super().handle(request, body)


@pytest.mark.parametrize("close", [False, True])
def test_a_lane_sends_to_endpoints_of_one_service_over_one_connection(
    repo: Path, site: Path, db_url: str, vapid_key: VapidKey, close: bool
) -> None:
    """One lane (the event loop's task) keeps its connection to a push service between
    sends: five endpoints of one service, one connection. Negative control: a service that
    answers `Connection: close` gets a new connection for each."""
    receiver = PortReceiver(vapid_key.public_key)
    try:
        paths = [f"/push/{n}" for n in range(5)]
        fill(db_url, receiver, paths)
        plan(repo, site, db_url, vapid_key)
        if close:
            for path in paths:
                receiver.script[path] = [(201, {"Connection": "close"})]
        worker = notifier(db_url, vapid_key, concurrency=1, retry_wait=0)
        report = NotifyReport("")
        worker.process(report)
        worker.store.close()
        receiver.quiesce()
        assert report.outcomes["sent"] == 5 and receiver.hits.total() == 5
        assert len(set(receiver.ports)) == (5 if close else 1), receiver.ports
    finally:
        receiver.close()


WORKER = """
import sys
from pathlib import Path
from generator.push.endpoints import EndpointPolicy
import generator.push.worker
from generator.push.notify import NotifyOptions, work
from generator.push.vapid import load_private_key, load_subject

# A shorter lease (2 × 1 s + 8 s) so the survivor's takeover comes in 10 s, not 32 s:
# the takeover path is the same whatever the margin.
generator.push.worker.LEASE_MARGIN = 8.0
repo, site, db = sys.argv[1:4]
report = work(
    NotifyOptions(Path(repo) / "data", Path(site), db, "", "", concurrency=4, timeout=1,
                  retry_wait=60),
    key=load_private_key(),
    subject=load_subject(),
    policy=EndpointPolicy(hosts=("127.0.0.1",), allow_http=True, any_port=True),
    echo=lambda line: None,
)
print(dict(report.outcomes))
"""


def test_killed_worker_lease_is_taken_over(
    repo: Path,
    site: Path,
    tmp_path: Path,
    pg: PgServer,
    vapid_key: VapidKey,
    key_file: Path,
) -> None:
    """Two `--worker` processes on PostgreSQL; one is killed with SIGKILL half-way. The
    survivor takes over its leases once they expire; every message arrives, and the repeats
    are at most the killed worker's lanes (4) times a batch (sent, recorded together)."""
    url = pg.new_database()
    receiver = push.Receiver(vapid_key.public_key)
    try:
        # 600: a lane records a batch of 16 at once; the kill must land after one, before the end.
        paths = [f"/push/{n:03d}" for n in range(600)]
        fill(url, receiver, paths)
        plan(repo, site, url, vapid_key)
        receiver.delay = 0.01
        script = tmp_path / "worker.py"
        script.write_text(textwrap.dedent(WORKER), encoding="utf-8")
        env = {**os.environ, ENV_PRIVATE_KEY_FILE: str(key_file), ENV_SUBJECT: SUBJECT}
        env["NO_PROXY"] = "127.0.0.1"
        procs = [
            subprocess.Popen(
                [sys.executable, str(script), str(repo), str(site), url],
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
        mine = f"%:{victim.pid}:%"  # worker_id(): host, PID, random part
        with psycopg.connect(url, autocommit=True) as conn:
            # Half-way, once the victim has recorded a batch (lanes record a batch at once).
            while time.monotonic() < deadline and not (
                receiver.total() >= 100
                and conn.execute(
                    "SELECT 1 FROM deliveries WHERE state = 'sent' AND lease_owner LIKE %s",
                    (mine,),
                ).fetchone()
            ):
                assert victim.poll() is None, victim.communicate()
                time.sleep(0.01)
        assert receiver.total() < 550, "the kill came too late"
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        out, err = survivor.communicate(timeout=180)
        assert survivor.returncode == 0, err
        receiver.quiesce()
        counts = {p: len(receiver.delivered[p]) for p in paths}
        assert min(counts.values()) == 1, [p for p, n in counts.items() if n == 0]
        repeats = sum(n - 1 for n in counts.values())
        assert repeats <= 4 * BATCH, repeats
        with psycopg.connect(url) as conn:
            states = dict(conn.execute("SELECT state, count(*) FROM deliveries GROUP BY state"))
            owners = conn.execute("SELECT count(DISTINCT lease_owner) FROM deliveries").fetchone()
        assert states == {"sent": 600}
        assert owners == (2,)  # both sent: the test is about two at once
    finally:
        receiver.close()


def test_status_reads_a_job(
    repo: Path, site: Path, db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    fill(db_url, receiver, ["/push/a", "/push/b"])
    plan(repo, site, db_url, vapid_key)
    runner = CliRunner()
    listed = runner.invoke(app, ["push", "status", "--db", db_url])
    assert listed.exit_code == 0 and "đang chờ 2 / tổng 2" in listed.output
    job = listed.output.split(":", 1)[0]
    one = runner.invoke(app, ["push", "status", job, "--db", db_url])
    assert one.exit_code == 0 and one.output == listed.output
    unknown = runner.invoke(app, ["push", "status", "zzzz", "--db", db_url])
    assert unknown.exit_code == 2 and "không có lượt gửi “zzzz”" in unknown.output


def test_prune_keeps_the_counts_and_the_run(
    repo: Path, site: Path, db_url: str, receiver: Receiver, vapid_key: VapidKey
) -> None:
    """`antq push prune` deletes a finished run's delivery rows, keeps the run (never planned
    again) and its outcomes (status unchanged); a run with a delivery waiting is kept whole."""
    fill(db_url, receiver, ["/push/a", "/push/b", "/push/c"])
    plan(repo, site, db_url, vapid_key)
    runner = CliRunner()
    before = runner.invoke(app, ["push", "status", "--db", db_url]).output
    # Negative control: nothing sent yet (3 waiting): even --older-than 0 keeps every row.
    kept = runner.invoke(app, ["push", "prune", "--older-than", "0", "--db", db_url])
    assert kept.exit_code == 0 and "Đã dọn 0 lượt" in kept.output, kept.output
    worker = notifier(db_url, vapid_key, concurrency=2, retry_wait=0)
    worker.process(NotifyReport(""))
    worker.store.close()
    receiver.quiesce()
    sent = runner.invoke(app, ["push", "status", "--db", db_url]).output
    assert "đã gửi 3" in sent and "đang chờ 0 / tổng 3" in sent and sent != before
    # Negative control: the run is younger than 30 days.
    young = runner.invoke(app, ["push", "prune", "--db", db_url])
    assert young.exit_code == 0 and "Đã dọn 0 lượt" in young.output
    pruned = runner.invoke(app, ["push", "prune", "--older-than", "0", "--db", db_url])
    assert pruned.exit_code == 0 and "Đã dọn 1 lượt" in pruned.output, pruned.output
    assert "(3 dòng nhật ký)" in pruned.output
    store = Store(db_url)
    try:
        with store.transaction() as db:
            assert db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
        (run_key,) = store.runs()
        assert not store.plan_run(run_key, "a", "b", {"https://x/y": "{}"})  # kept: not again
    finally:
        store.close()
    assert runner.invoke(app, ["push", "status", "--db", db_url]).output == sent
    again = runner.invoke(app, ["push", "prune", "--older-than", "0", "--db", db_url])
    assert "Đã dọn 0 lượt" in again.output  # idempotent
    bad = runner.invoke(app, ["push", "prune", "--older-than", "-1", "--db", db_url])
    assert bad.exit_code == 2 and "từ 0 trở lên" in bad.output


# -- one description of changes (issue 19) ------------------------------------------------------


def test_push_reads_records_not_the_pages_prose(monkeypatch: pytest.MonkeyPatch) -> None:
    """push/topics takes `ChangeLine` records: rewording the change list's correction
    prefix cannot leak into a notification, and push imports neither build nor
    pages.updates."""
    import ast

    from generator.changes import ChangeLine

    line = ChangeLine("assessments", "changed", "Thôn A đạt", None, (0, ("a",)), True, True)
    assert line.page_line() == "Sửa kết quả: Thôn A đạt"
    assert line.news_line() == "Thôn A đạt"
    monkeypatch.setattr(ChangeLine, "page_line", lambda self: f"Đính chính — {self.text}")
    assert line.news_line() == "Thôn A đạt"  # nothing to strip, whatever the page says
    # Negative control: an edit that leaves the result alone is a correction in both.
    other = ChangeLine("assessments", "changed", "Thôn A đạt", None, (0, ("a",)), True, False)
    assert other.news_line() == "Đính chính — Thôn A đạt"
    for module in ("topics", "plan", "notify", "worker", "send", "report", "store"):
        tree = ast.parse((ROOT / f"generator/push/{module}.py").read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert not imported & {"generator.build", "generator.pages.updates"}, module


def test_notify_needs_a_range_unless_a_worker(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["push", "notify", "--db", str(tmp_path / "p.sqlite3")])
    assert result.exit_code == 2 and "thiếu --from và --to" in result.output
    # Negative control: with a range the command gets past this check (to the key).
    ranged = CliRunner().invoke(
        app, ["push", "notify", "--from", "a", "--to", "b", "--db", str(tmp_path / "p.sqlite3")]
    )
    assert "thiếu --from và --to" not in ranged.output


def test_the_service_on_either_store(repo: Path, site: Path, db_url: str) -> None:
    """The subscription service writes to the store its URL names (PostgreSQL included),
    and a second service process on the same store sees the same subscription."""
    from generator.push.service import ServiceConfig, create_app
    from generator.push.topics import load_model, vocabulary
    from tests.test_push import SITE_ORIGIN, TestClient, fake_subscription

    vocab = vocabulary(load_model(repo / "data", site))
    config = ServiceConfig(db_path=db_url, origin=SITE_ORIGIN, vocabulary=vocab, policy=LOCAL)
    sub = fake_subscription()
    with TestClient(create_app(config), base_url="http://push.test") as one:
        r = one.post("/subscriptions", json={"subscription": sub, "topics": ["xa:11140"]})
        assert r.status_code == 200, r.text
    store = Store(db_url)  # another process's view
    try:
        assert store.topics_of(sub["endpoint"]) == ["xa:11140"]
    finally:
        store.close()
    with TestClient(create_app(config), base_url="http://push.test") as two:
        r = two.request("DELETE", "/subscriptions", json={"endpoint": sub["endpoint"]})
        assert r.status_code == 200, r.text
    store = Store(db_url)
    try:
        assert store.count_subscriptions() == 0  # negative control of the first check
    finally:
        store.close()


@pytest.mark.parametrize("variant", ["grows", "fixed", "large-first"])
def test_claims_grow_after_full_ones_and_small_jobs_stay_spread(
    db_url: str, receiver: Receiver, vapid_key: VapidKey, variant: str
) -> None:
    """A lane's first claim is one batch (16), and each full claim doubles the next, up to
    CLAIM (64): few claim transactions on a long job, while a job of 120 still gives each of
    8 lanes a share. Negative controls: claims that never grow stay at 16 on the long job;
    claims of 64 from the start leave the job of 120 to two lanes."""
    from generator.push.worker import CLAIM

    paths = [f"/push/{n:03d}" for n in range(240)]
    fill(db_url, receiver, paths)
    store = Store(db_url)
    payload = '{"title": "t"}'
    store.plan_run("long", "a", "b", {receiver.url(p): payload for p in paths[:120]})
    extra: dict[str, Any] = {
        "fixed": {"claim": BATCH},
        "large-first": {"first_claim": CLAIM},
    }.get(variant, {})
    sizes: list[tuple[int, int]] = []  # (asked, got) of each claim

    def run(concurrency: int) -> Counter[str]:
        worker = notifier(db_url, vapid_key, concurrency=concurrency, retry_wait=0, **extra)
        claim = worker.store.claim

        def claiming(owner: str, now: float, lease: float, limit: int, *rest: Any) -> Any:
            got = claim(owner, now, lease, limit, *rest)
            if got:
                sizes.append((limit, len(got)))
            return got

        worker.store.claim = claiming  # type: ignore[method-assign]
        report = NotifyReport("")
        worker.process(report)
        worker.store.close()
        return report.outcomes

    assert run(1) == Counter({"sent": 120})
    long_job = list(sizes)
    sizes.clear()
    store.plan_run("short", "b", "c", {receiver.url(p): payload for p in paths[120:]})
    assert run(8) == Counter({"sent": 120})
    receiver.quiesce()
    assert receiver.total() == 240
    store.close()
    if variant == "grows":
        assert long_job == [(16, 16), (32, 32), (64, 64), (64, 8)]
        assert sizes == [(16, 16)] * 7 + [(16, 8)]  # each of the 8 lanes has a share
    elif variant == "fixed":
        assert [got for _, got in long_job] == [16] * 7 + [8]
    else:
        assert [got for _, got in sizes] == [64, 56]  # two lanes of eight


def test_record_keeps_only_the_rows_still_held(db_url: str) -> None:
    """A batch's outcomes (one UPDATE on PostgreSQL, one per row on SQLite) are recorded for
    the rows this owner still holds; a row another notifier took meanwhile is reported not
    kept and left to it, and its gone endpoint's subscription is not deleted. Negative
    control: the rows held are recorded, a gone one's subscription deleted."""
    from generator.push.store import Recorded

    store = Store(db_url)
    endpoints = [f"http://127.0.0.1:9/push/{n}" for n in range(5)]
    for endpoint in endpoints:
        store.subscribe(endpoint, "p", "a", ["xa:11140"])
    store.plan_run("r", "a", "b", {e: "{}" for e in endpoints})
    now = time.time()
    slot = store.claim_slot("me", now, 100, 16)
    claimed = {d.endpoint: d for d in store.claim("me", now, 100, 16, slot, 100)}
    taken = [endpoints[3], endpoints[4]]
    with store.transaction() as db:
        for endpoint in taken:
            db.execute(
                "UPDATE deliveries SET lease_owner = 'other' WHERE endpoint = ?", (endpoint,)
            )
    kept = store.record(
        "me",
        [
            Recorded(claimed[endpoints[0]], "sent", 201),
            Recorded(claimed[endpoints[1]], "cancelled", None, "unsubscribed"),
            Recorded(claimed[endpoints[2]], "gone", 410, "expired", drop=True),
            Recorded(claimed[endpoints[3]], "gone", 410, "expired", drop=True),
            Recorded(claimed[endpoints[4]], "sent", 201),
        ],
    )
    assert kept == [True, True, True, False, False]
    with store.transaction() as db:
        rows = db.execute(
            "SELECT endpoint, state, attempts, last_status, detail, lease_owner FROM deliveries "
            "ORDER BY endpoint"
        ).fetchall()
        subscribed = {r[0] for r in db.execute("SELECT endpoint FROM subscriptions").fetchall()}
    assert [tuple(r) for r in rows] == [
        (endpoints[0], "sent", 1, 201, None, "me"),
        (endpoints[1], "cancelled", 0, None, "unsubscribed", "me"),
        (endpoints[2], "gone", 1, 410, "expired", "me"),
        (endpoints[3], "pending", 0, None, None, "other"),
        (endpoints[4], "pending", 0, None, None, "other"),
    ]
    assert subscribed == {endpoints[0], endpoints[1], endpoints[3], endpoints[4]}
    store.close()
