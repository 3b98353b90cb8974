"""Sending what the store holds: claims, retries, and the many notifiers that share the work.

Any number of notifiers (`antq push notify`, `antq push notify --worker`, on any machines that
reach the store) work through the same queue. Each runs `--concurrency` lanes; a lane claims
a slot of one push service (at most `--per-service` slots per service, across all notifiers),
then a claim (`CLAIM`) of that service's due deliveries, and sends them one after another
over one kept-alive connection, recording the outcomes of each batch of `BATCH` sends in one
transaction. So

- a delivery is sent by the lane that holds its lease, and recorded only while it holds it;
- a notifier has at most one batch (`BATCH`) per lane sent and not yet recorded: the most a
  SIGKILL can make go out twice is `--concurrency` × `BATCH` notifications (a stable `tag`
  and the Web Push `Topic` header make such a repeat replace the notification, not add
  one); one transaction per batch instead of one per send is a tenth of the CPU per message;
- a killed notifier's leases (deliveries and slots) expire, at most `claim_lease(timeout)`
  after the kill, and another notifier takes its unsent deliveries;
- a push service's 429 (too many requests) with Retry-After pauses that service for every
  notifier (`push_services.blocked_until`); the lane gives its batch back and takes another
  service. A 5xx with Retry-After delays only its own delivery (one endpoint's trouble).

A request is bounded by a total deadline (`--timeout`), and a lane sends a delivery only while
its lease outlives that deadline by `LEASE_MARGIN`, extending it first when needed, so a live
notifier's lease never runs out mid-send.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from generator.push.loop import Loop, Steps
from generator.push.plan import run_tag
from generator.push.report import NotifyReport, mask
from generator.push.send import Outcome, Sender
from generator.push.store import Delivery, Recorded, Slot, Store
from generator.push.wire import Connection

MIN_RETRY_DELAY = 1.0
MAX_RETRY_DELAY = 24 * 3600.0
# How long a lease outlives the end of the send it covers: room for a pause of the process
# and for the wait on the database's write lock to record the outcome. SQLite waits up to its
# busy_timeout (30 s, db.py) for that lock: with a shorter margin, four worker processes on
# one SQLite file on a loaded machine lost leases while recording (106 repeats in 20,000 in
# bench/push_bench.py); with 30 s none.
LEASE_MARGIN = 30.0
BATCH = 16  # sends a lane records at once (one transaction): the crash window per lane
# The most deliveries a lane claims at once (one transaction), sent in batches of BATCH. A
# lane's first claim is one batch, and each claim it fills doubles the next, up to CLAIM: a
# claim of 64 from the start cut the claims' share of the CPU by three quarters, but a job of
# 120 then kept two lanes busy instead of eight (each lane took half of it), parallelism that
# real push services' latency needs; growing only after full claims keeps small jobs spread
# over the lanes and long ones on few, large claims. Claimed and not yet sent is not in the
# crash window: a killed notifier's claims lapse, and another sends them once.
CLAIM = 4 * BATCH


def claim_lease(timeout: float) -> float:
    """How long a claim (on deliveries, and on the slot they are sent through) lasts: it is
    extended before any send that it might not outlive, so this only bounds how long a killed
    notifier's rows and slots wait to be taken again."""
    return 2 * timeout + LEASE_MARGIN


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
        per_service: int = 16,
        batch: int = BATCH,
        claim: int = CLAIM,
        first_claim: int | None = None,
        max_attempts: int = 5,
        retry_wait: float = 60.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.sender = sender
        self.concurrency = max(1, concurrency)
        self.per_service = max(1, per_service)
        self.batch = max(1, batch)
        self.claim = max(self.batch, claim)
        # A lane's first claim (then doubled after each full one, up to `claim`).
        self.first_claim = min(self.claim, max(1, first_claim or self.batch))
        self.max_attempts = max(1, max_attempts)
        self.retry_wait = retry_wait
        self.clock = clock
        self.sleep = sleep
        self.owner = worker_id()
        self._report_lock = threading.Lock()

    # -- outcomes ---------------------------------------------------------------------------

    def outcome_row(self, delivery: Delivery, outcome: Outcome) -> Recorded:
        """What to record for one send's outcome."""
        state, detail = outcome.state, outcome.detail
        if state == "retry" and delivery.attempts + 1 >= self.max_attempts:
            detail = f"gave up after {delivery.attempts + 1}: {detail}"
            return Recorded(delivery, "failed", outcome.status, detail)
        if state == "retry":
            when = _retry_time(outcome, delivery.attempts, self.clock())
            return Recorded(delivery, "retry", outcome.status, detail, when)
        if state == "sent":
            return Recorded(delivery, "sent", outcome.status)
        # gone (404/410) and refused endpoints will never take a message: forget them.
        return Recorded(delivery, state, outcome.status, detail, drop=state in ("gone", "refused"))

    def record(self, rows: list[Recorded], report: NotifyReport) -> None:
        """Write a lane's outcomes (one transaction), those whose lease this notifier holds."""
        if not rows:
            return
        kept = self.store.record(self.owner, rows)
        with self._report_lock:
            for row, held in zip(rows, kept, strict=True):
                report.outcomes[row.state if held else "lost"] += 1
                if row.state in ("failed", "refused"):
                    report.problems.append(
                        f"{mask(row.delivery.endpoint)}: {row.state} "
                        f"({row.status or '-'} {row.detail or ''})".rstrip()
                    )

    # -- the loop -----------------------------------------------------------------------------

    def process(self, report: NotifyReport) -> None:
        """Send every due delivery nobody else holds; wait for retries (and for leases of
        notifiers that died, and for paused services) due within the run's budget."""
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
        """Run the lanes, together on one event loop (loop.py), until none can claim
        anything; whether any did."""
        results = Loop().run([self._lane(report) for _ in range(self.concurrency)])
        for result in results:
            if isinstance(result, BaseException):
                raise result  # a bug: surface it
        return any(results)

    def _lane(self, report: NotifyReport) -> Steps[bool]:
        claimed_any = False
        lease = claim_lease(self.sender.timeout)
        slot_lease = lease  # extended with each claim and with each delivery's lease
        connections: dict[str, Connection] = {}  # this lane's, kept alive between sends
        size = self.first_claim  # this lane's next claim: doubled after each full one
        try:
            while True:
                slot = self.store.claim_slot(self.owner, self.clock(), slot_lease, self.per_service)
                if slot is None:
                    return claimed_any
                try:
                    while True:
                        claimed = self.store.claim(
                            self.owner, self.clock(), lease, size, slot, slot_lease
                        )
                        if not claimed:
                            break
                        claimed_any = True
                        full = len(claimed) == size
                        size = min(self.claim, 2 * size) if full else self.first_claim
                        sent = yield from self._send_claimed(slot, claimed, report, connections)
                        if not sent:
                            break
                finally:
                    self.store.release_slot(self.owner, slot)
        finally:
            for connection in connections.values():
                connection.close()

    def _send_claimed(
        self,
        slot: Slot,
        claimed: list[Delivery],
        report: NotifyReport,
        connections: dict[str, Connection],
    ) -> Steps[bool]:
        """Send a claim in order, recording the outcomes of each `batch` sends in one
        transaction (so a lane has at most one batch sent and not yet recorded: the crash
        window); False when its service asked to wait (the rest is given back, and the
        service paused for every notifier)."""
        done: list[Recorded] = []
        try:
            for index in range(len(claimed)):
                if index % self.batch == 0:  # encrypted a batch at a time, in a row
                    part = claimed[index : index + self.batch]
                    self.sender.prepare(part, [run_tag(d.run_key) for d in part])
                outcome = yield from self._deliver(claimed, index, report, done, slot, connections)
                if outcome is not None and outcome.status == 429 and outcome.retry_after:
                    until = self.clock() + min(MAX_RETRY_DELAY, outcome.retry_after)
                    detail = f"{outcome.status or '-'} Retry-After {outcome.retry_after:g} s"
                    self.record(done, report)
                    done = []
                    self.store.pause_service(slot.service, until, detail)
                    self.store.release(self.owner, claimed[index + 1 :])
                    return False
                if len(done) >= self.batch:
                    self.record(done, report)
                    done = []
        finally:
            self.sender.forget(claimed)
            self.record(done, report)
        return True

    def _deliver(
        self,
        claimed: list[Delivery],
        index: int,
        report: NotifyReport,
        done: list[Recorded],
        slot: Slot | None,
        connections: dict[str, Connection],
    ) -> Steps[Outcome | None]:
        """Send `claimed[index]`; its outcome joins `done`, recorded with the batch."""
        delivery = claimed[index]
        if delivery.p256dh is None or delivery.auth is None:
            # Unsubscribed since the run was planned: respect that.
            done.append(Recorded(delivery, "cancelled", None, "unsubscribed"))
            return None
        # Never start a send the lease might not outlive (a claim that waited long).
        needed = self.clock() + self.sender.timeout + LEASE_MARGIN
        if delivery.lease_expiry < needed:
            if not self.store.extend(self.owner, delivery, needed, slot):
                with self._report_lock:
                    report.outcomes["lost"] += 1  # another notifier took it over
                return None
            # The batch's sends still to record, and the rest of the claim, held as long;
            # a row of the claim another notifier took meanwhile keeps its old expiry, so
            # its turn finds it lost.
            rest = claimed[index + 1 :]
            held = self.store.extend_held(self.owner, [r.delivery for r in done] + rest, needed)
            for offset, kept in enumerate(held[len(done) :], start=index + 1):
                if kept:
                    claimed[offset] = replace(claimed[offset], lease_expiry=needed)
        try:
            outcome = yield from self.sender.steps(delivery, run_tag(delivery.run_key), connections)
        except Exception as exc:  # a bug must not strand the deliveries still in flight
            outcome = Outcome("failed", None, f"{type(exc).__name__}: {exc}"[:200])
        done.append(self.outcome_row(delivery, outcome))
        return outcome
