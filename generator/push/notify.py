"""`antq push notify`: after a deploy, tell each follower what changed, once.

    diff(from, to) → topic items → one payload per subscriber → plan (one transaction)
                   → send with bounded concurrency → record each outcome (one transaction each)

A run is keyed by its range of full revisions. Its plan, every delivery as `pending`, is
written atomically before the first send, so re-running the same range finds the plan and only
finishes what is still pending: nothing is sent twice, a run killed half-way completes on the
next invocation. A delivery becomes `sent` only after the push service answered 2xx.

Notifiers running at once (two deploys, a cron job and a person) share the work through
claims: each takes small batches of due deliveries with a lease (owner, expiry) in one
transaction, sends only what it holds, and records an outcome only while it holds it. A
request is bounded by a total deadline (`--timeout`), and a notifier sends a delivery only
while its lease outlives that deadline by `LEASE_MARGIN`, so a live notifier's lease never
runs out mid-send. A killed notifier's leases expire (at most `claim_lease(timeout)` after the
kill) and its unsent deliveries are taken again. What may go out twice is what it had in
flight: at most one delivery per worker thread (`--concurrency`), the window between the push
service's 2xx and the commit of `sent`; a stable `tag` and the Web Push `Topic` header make such
a repeat replace the notification instead of adding one.

Every invocation also works through the retry queue of earlier runs (429 and 5xx answers,
network errors), each when its Retry-After time has come.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

import requests
from pywebpush import WebPushException, webpush

from generator.data.messages_vi import say, text
from generator.diff import diff_revisions, repo_root
from generator.errors import AntqError
from generator.push.deadline import Deadline, DeadlineAdapter
from generator.push.endpoints import DEFAULT_POLICY, EndpointPolicy
from generator.push.store import Delivery, Store
from generator.push.topics import Item, Vocabulary, load_model, topic_items, vocabulary
from generator.push.vapid import VapidKey

MAX_LINES = 3  # a phone shows two to four lines of body
MAX_TITLE = 90
MAX_LINE = 160
MAX_PAYLOAD_BYTES = 3000  # push services take 4,096 encrypted bytes; keep a wide margin
MIN_RETRY_DELAY = 1.0
MAX_RETRY_DELAY = 24 * 3600.0
# How long a lease outlives the end of the send it covers: room for a pause of the process
# and for the wait on the database's write lock to record the outcome.
LEASE_MARGIN = 10.0


def claim_lease(timeout: float) -> float:
    """How long a claim lasts: a claimed delivery waits for at most one send of each worker
    ahead of it, then is sent, each send ending by its deadline (`timeout`)."""
    return 2 * timeout + LEASE_MARGIN


class NotifyError(AntqError):
    """The run cannot start (Vietnamese message)."""


@dataclass
class NotifyOptions:
    data_dir: Path
    site_dir: Path
    db_path: Path
    from_rev: str
    to_rev: str
    dry_run: bool = False
    concurrency: int = 16
    timeout: float = 10.0  # seconds per POST: pywebpush has no default
    ttl: int = 86400  # a phone offline for a day still gets the news
    max_attempts: int = 5
    retry_wait: float = 60.0  # how long a run may wait in total for a due retry


@dataclass
class NotifyReport:
    run_key: str
    changes: int = 0
    topics: int = 0
    planned: int = 0  # deliveries planned by this invocation (0 when the run existed)
    already_planned: bool = False
    outcomes: Counter[str] = field(default_factory=Counter)  # this invocation's attempts
    run_states: Counter[str] = field(default_factory=Counter)  # the run's state afterwards
    problems: list[str] = field(default_factory=list)  # failures worth a line each


@dataclass(frozen=True)
class Outcome:
    state: Literal["sent", "gone", "retry", "refused", "failed", "cancelled"]
    status: int | None = None
    detail: str | None = None
    retry_after: float | None = None  # seconds, from the push service's Retry-After


# -- planning -----------------------------------------------------------------------------------


def run_tag(run_key: str) -> str:
    """Stable per run: the notification's `tag` (a repeat replaces, never stacks) and the Web
    Push `Topic` header (at most 32 base64url characters; the push service keeps one)."""
    return "antq-" + hashlib.sha256(run_key.encode()).hexdigest()[:16]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def compose(
    vocab: Vocabulary, followed: list[str], items: dict[str, list[Item]], tag: str
) -> dict[str, str] | None:
    """The one notification a subscriber gets for a run: what changed for the topics they
    follow, or None when nothing did."""
    hit = [t for t in followed if items.get(t)]
    if not hit:
        return None
    seen: set[tuple[str, str | None]] = set()
    lines: list[Item] = []
    for topic in hit:
        for item in items[topic]:
            if (item.text, item.url) not in seen:  # a xã and its province share changes
                seen.add((item.text, item.url))
                lines.append(item)
    lines.sort(key=lambda i: i.order)
    first = vocab.labels.get(hit[0], hit[0])
    more = len(hit) - 1
    title = text("push-payload-more-topics", first=first, count=more) if more else first
    body = [_clip(i.text, MAX_LINE) for i in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        body.append(text("push-payload-more-changes", count=len(lines) - MAX_LINES))
    if len(lines) == 1 and lines[0].url:
        url = lines[0].url
    elif len(hit) == 1:
        url = vocab.urls.get(hit[0], "/cap-nhat/")
    else:
        url = "/cap-nhat/"
    return {"title": _clip(title, MAX_TITLE), "body": "\n".join(body), "url": url, "tag": tag}


def encode_payload(payload: dict[str, str]) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # Bounded by construction (3 lines of 160 characters); checked so a change elsewhere
    # cannot make push services answer 413 to every subscriber.
    assert len(text.encode()) <= MAX_PAYLOAD_BYTES, len(text.encode())
    return text


def resolve_revision(repo: Path, rev: str) -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise NotifyError(say("push-git-failed", detail=exc)) from None
    if result.returncode != 0 or not result.stdout.strip():
        raise NotifyError(say("push-revision-unknown", rev=rev, repo=repo))
    return result.stdout.strip()


@dataclass
class Plan:
    run_key: str
    from_rev: str
    to_rev: str
    changes: int
    items: dict[str, list[Item]]
    payloads: dict[str, str]  # endpoint → JSON payload
    followed: dict[str, list[str]]  # endpoint → its topics that changed


def make_plan(options: NotifyOptions, store: Store) -> Plan:
    from generator.data.schema import load_package
    from generator.errors import UsageError

    try:
        package, problems = load_package(options.data_dir)
        repo, _ = repo_root(options.data_dir)
    except UsageError as exc:
        raise NotifyError(str(exc)) from None
    except Exception as exc:  # GitError, ValueError: not a repository
        line = say("push-not-in-git", path=options.data_dir, detail=exc)
        raise NotifyError(line) from None
    old = resolve_revision(repo, options.from_rev)
    new = resolve_revision(repo, options.to_rev)
    run_key = f"{old}..{new}"
    plan = Plan(run_key, old, new, 0, {}, {}, {})
    if store.run_exists(run_key):
        return plan
    changes = diff_revisions(package, old, new)
    plan.changes = len(changes)
    if not changes:
        return plan
    model = load_model(options.data_dir, options.site_dir)
    vocab = vocabulary(model)
    plan.items = topic_items(model, changes)
    tag = run_tag(run_key)
    for endpoint, followed in store.subscribers(plan.items).items():
        payload = compose(vocab, followed, plan.items, tag)
        if payload is not None:
            plan.payloads[endpoint] = encode_payload(payload)
            plan.followed[endpoint] = [t for t in followed if plan.items.get(t)]
    return plan


# -- sending ------------------------------------------------------------------------------------


class NoRedirectSession(requests.Session):
    """pywebpush posts through requests, which follows redirects: a 307 from an allowed host
    would re-POST to any URL it names, past the allow-list. Never follow one."""

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)


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
        self.claims = {"sub": subject}
        self.policy = policy
        self.timeout = timeout
        self.ttl = ttl
        self.clock = clock
        self._local = threading.local()

    def _session(self) -> requests.Session:
        # One session per worker thread: keep-alive per push service, no shared state.
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = NoRedirectSession()
            adapter = DeadlineAdapter(pool_connections=4, pool_maxsize=4, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._local.session = session
        return session

    def send(self, delivery: Delivery, tag: str) -> Outcome:
        # Checked again here: the row may predate a tighter allow-list, or not come from the
        # service at all.
        endpoint, refusal = self.policy.check(delivery.endpoint)
        if refusal is not None:
            return Outcome("refused", None, refusal.code)
        subscription = {
            "endpoint": endpoint,
            "keys": {"p256dh": delivery.p256dh, "auth": delivery.auth},
        }
        deadline = Deadline(self.timeout)
        try:
            with deadline:
                response = webpush(
                    subscription,
                    data=delivery.payload,
                    vapid_private_key=self.key.vapid,
                    # pywebpush writes aud and exp into this dict: a fresh copy per call, or
                    # every later call would carry the first endpoint's audience.
                    vapid_claims=dict(self.claims),
                    ttl=self.ttl,
                    timeout=self.timeout,
                    headers={"Topic": tag, "Urgency": "normal"},
                    requests_session=self._session(),
                )
        except WebPushException as exc:
            retry_after = None
            if exc.response is not None:
                retry_after = parse_retry_after(exc.retry_after, self.clock())
            return classify(exc.status_code, retry_after)
        except requests.RequestException as exc:
            # Timeouts and refused connections are not WebPushException: retry later.
            cut = deadline.expired and not isinstance(exc, requests.Timeout)
            return Outcome("retry", None, "Deadline" if cut else type(exc).__name__)
        except (ValueError, TypeError) as exc:  # keys that do not encrypt
            return Outcome("failed", None, f"{type(exc).__name__}: {exc}"[:200])
        except Exception:
            if deadline.expired:  # what a cut connection raised where requests does not wrap
                return Outcome("retry", None, "Deadline")
            raise
        status = getattr(response, "status_code", None)
        return classify(status if isinstance(status, int) else None)


def _retry_time(outcome: Outcome, attempts: int, now: float) -> float:
    if outcome.retry_after is not None:
        delay = outcome.retry_after
    else:
        delay = min(3600.0, 30.0 * 2**attempts)  # exponential, from 30 s to an hour
    return now + min(MAX_RETRY_DELAY, max(MIN_RETRY_DELAY, delay))


def worker_id() -> str:
    """Who holds a lease: host and process for the person reading the table, and a random
    part, so two notifiers never share an id."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Notifier:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        *,
        concurrency: int = 16,
        max_attempts: int = 5,
        retry_wait: float = 60.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.sender = sender
        self.concurrency = max(1, concurrency)
        self.max_attempts = max(1, max_attempts)
        self.retry_wait = retry_wait
        self.clock = clock
        self.sleep = sleep
        self.owner = worker_id()
        self._report_lock = threading.Lock()

    def record(self, delivery: Delivery, outcome: Outcome, report: NotifyReport) -> None:
        """Write one outcome (one transaction), if this notifier still holds the lease."""
        store = self.store
        state = outcome.state
        detail = outcome.detail
        owner = self.owner
        if state == "retry" and delivery.attempts + 1 >= self.max_attempts:
            state, detail = "failed", f"gave up after {delivery.attempts + 1}: {detail}"
            kept = store.finish(delivery, "failed", outcome.status, detail, owner=owner)
        elif state == "retry":
            when = _retry_time(outcome, delivery.attempts, self.clock())
            kept = store.retry_later(delivery, when, outcome.status, outcome.detail, owner=owner)
        elif state == "sent":
            kept = store.finish(delivery, "sent", outcome.status, owner=owner)
        else:
            # gone (404/410) and refused endpoints will never take a message: forget them.
            kept = store.finish(
                delivery,
                state,
                outcome.status,
                outcome.detail,
                owner=owner,
                drop_subscription=state in ("gone", "refused"),
            )
        with self._report_lock:
            report.outcomes[state if kept else "lost"] += 1
            if state in ("failed", "refused"):
                report.problems.append(
                    f"{mask(delivery.endpoint)}: {state} "
                    f"({outcome.status or '-'} {detail or ''})".rstrip()
                )

    def process(self, report: NotifyReport) -> None:
        """Send every due delivery nobody else holds; wait for retries (and for leases of
        notifiers that died) due within the run's budget."""
        budget = self.retry_wait
        while True:
            if self._drain(report):
                continue
            upcoming = self.store.next_retry()
            if upcoming is None:
                return
            pause = max(0.0, upcoming - self.clock())
            if pause > budget:
                return  # left in the queue for the next run
            budget -= pause
            self.sleep(pause)

    def _drain(self, report: NotifyReport) -> bool:
        """Claim and send batches until nothing is claimable; whether anything was."""
        lease = claim_lease(self.sender.timeout)
        claimed_any = False
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="push") as pool:
            running: set[Future[None]] = set()
            exhausted = False
            while True:
                # At most one batch waits behind the one being sent: a claimed delivery
                # starts within one send of each worker (what claim_lease allows for).
                if not exhausted and len(running) < self.concurrency:
                    batch = self.store.claim(self.owner, self.clock(), lease, self.concurrency)
                    exhausted = not batch
                    claimed_any = claimed_any or bool(batch)
                    running |= {pool.submit(self._deliver, d, report) for d in batch}
                if not running:
                    return claimed_any
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # _deliver catches what a send raises; this is a bug

    def _deliver(self, delivery: Delivery, report: NotifyReport) -> None:
        """Send one claimed delivery and record its outcome, in this worker thread: so a
        worker has at most one delivery sent and not yet recorded (the crash window)."""
        if delivery.p256dh is None or delivery.auth is None:
            # Unsubscribed since the run was planned: respect that.
            self.record(delivery, Outcome("cancelled", None, "unsubscribed"), report)
            return
        # Never start a send the lease might not outlive (a batch that waited long).
        needed = self.clock() + self.sender.timeout + LEASE_MARGIN
        if delivery.lease_expiry < needed and not self.store.extend(self.owner, delivery, needed):
            with self._report_lock:
                report.outcomes["lost"] += 1  # another notifier took it over
            return
        self.record(delivery, self._safe_send(delivery, run_tag(delivery.run_key)), report)

    def _safe_send(self, delivery: Delivery, tag: str) -> Outcome:
        try:
            return self.sender.send(delivery, tag)
        except Exception as exc:  # a bug must not strand the deliveries still in flight
            return Outcome("failed", None, f"{type(exc).__name__}: {exc}"[:200])


def mask(endpoint: str) -> str:
    """Endpoints are bearer capabilities: logs show the host and a short suffix only."""
    rest = endpoint.split("://", 1)[-1]
    host = rest.split("/", 1)[0]
    return f"{host}/…{endpoint[-8:]}"


def describe_revision(run_key: str) -> str:
    old, new = run_key.split("..")
    return f"{old[:10]}..{new[:10]}"


def run(
    options: NotifyOptions,
    *,
    key: VapidKey | None,
    subject: str | None,
    policy: EndpointPolicy = DEFAULT_POLICY,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    echo: Callable[[str], None] = print,
) -> NotifyReport:
    """Plan the run (unless planned before) and send what is due. `key` and `subject` may be
    None only for a dry run."""
    store = Store(options.db_path)
    try:
        plan = make_plan(options, store)
        report = NotifyReport(plan.run_key, changes=plan.changes, topics=len(plan.items))
        report.already_planned = store.run_exists(plan.run_key)
        if options.dry_run:
            _print_dry_run(plan, store, report, echo)
            return report
        if key is None or subject is None:
            raise NotifyError(say("push-no-key"))
        _check_key_matches_site(key, options.site_dir)
        if not report.already_planned:
            if store.plan_run(plan.run_key, plan.from_rev, plan.to_rev, plan.payloads):
                report.planned = len(plan.payloads)
            else:
                report.already_planned = True  # a concurrent invocation planned it first
        sender = Sender(
            key, subject, policy=policy, timeout=options.timeout, ttl=options.ttl, clock=clock
        )
        notifier = Notifier(
            store,
            sender,
            concurrency=options.concurrency,
            max_attempts=options.max_attempts,
            retry_wait=options.retry_wait,
            clock=clock,
            sleep=sleep,
        )
        notifier.process(report)
        report.run_states = store.run_states(plan.run_key)
        return report
    finally:
        store.close()


def _check_key_matches_site(key: VapidKey, site_dir: Path) -> None:
    """Browsers subscribed with site.toml's public key; signing with another private key
    gets every notification refused (403). Better to stop before the first send."""
    from generator.settings import SettingsError, load_settings

    try:
        settings = load_settings(site_dir)
    except SettingsError as exc:
        raise NotifyError("; ".join(exc.problems)) from None
    if settings.push and settings.push.vapid_public_key != key.public_key:
        raise NotifyError(say("push-key-mismatch", public_key=key.public_key))


def _print_dry_run(
    plan: Plan, store: Store, report: NotifyReport, echo: Callable[[str], None]
) -> None:
    where = describe_revision(plan.run_key)
    if report.already_planned:
        pending = store.pending_payloads(plan.run_key)
        rows: list[tuple[str, dict[str, str], list[str]]]
        echo(text("push-dry-run-planned", run=where, pending=len(pending)))
        rows = [(e, json.loads(p), []) for e, p in pending]
    else:
        echo(
            text(
                "push-dry-run",
                run=where,
                changes=plan.changes,
                topics=len(plan.items),
                recipients=len(plan.payloads),
            )
        )
        for topic, items in sorted(plan.items.items()):
            echo(text("push-dry-run-topic", topic=topic, changes=len(items)))
        rows = [(e, json.loads(p), plan.followed[e]) for e, p in sorted(plan.payloads.items())]
    for endpoint, payload, followed in rows:
        topics = f" [{', '.join(followed)}]" if followed else ""
        echo(f"  → {mask(endpoint)}{topics}")
        echo(f"    {payload['title']}")
        for line in payload["body"].splitlines():
            echo(f"    {line}")
        echo(f"    {payload['url']}")


def summary(report: NotifyReport) -> list[str]:
    """The Vietnamese lines `antq push notify` prints."""
    where = describe_revision(report.run_key)
    out = []
    if report.already_planned:
        out.append(text("push-run-planned", run=where))
    else:
        out.append(
            text(
                "push-run",
                run=where,
                changes=report.changes,
                topics=report.topics,
                recipients=report.planned,
            )
        )
    o = report.outcomes
    out.append(
        text(
            "push-run-outcomes",
            sent=o["sent"],
            retry=o["retry"],
            gone=o["gone"] + o["refused"],
            cancelled=o["cancelled"],
            failed=o["failed"],
        )
    )
    states = report.run_states
    if states:
        left = states["pending"] + states["retry"]
        code = "push-run-total-left" if left else "push-run-total"
        out.append(text(code, sent=states["sent"], total=sum(states.values()), left=left))
    out += [text("push-run-problem", line=line) for line in report.problems[:20]]
    if len(report.problems) > 20:
        out.append(text("push-run-more-problems", count=len(report.problems) - 20))
    return out
