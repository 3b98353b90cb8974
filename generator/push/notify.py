"""`antq push notify`: after a deploy, tell each follower what changed, once.

    plan.py    diff(from, to) → topic items → one payload per subscriber → plan (one transaction)
    worker.py  claims (slots per push service, batches of deliveries), retries, outcomes
    send.py    encrypt, sign, POST over a kept-alive connection, classify the answer
    report.py  the summary, the dry run, the progress bar, `antq push status`

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
flight: at most a batch (16, worker.BATCH) per lane (`--concurrency`), sent and their outcomes
not yet committed; a stable `tag` and the Web Push `Topic` header make such
a repeat replace the notification instead of adding one.

Every invocation also works through the retry queue of earlier runs (429 and 5xx answers,
network errors), each when its Retry-After time has come.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from generator.data.messages_vi import say, text
from generator.push.endpoints import DEFAULT_POLICY, EndpointPolicy
from generator.push.plan import (
    MAX_LINE,
    MAX_LINES,
    MAX_PAYLOAD_BYTES,
    MAX_TITLE,
    NotifyError,
    NotifyOptions,
    Plan,
    compose,
    encode_payload,
    make_plan,
    run_tag,
)
from generator.push.report import (
    NotifyReport,
    ProgressBar,
    _print_dry_run,
    describe_revision,
    mask,
    summary,
)
from generator.push.send import Outcome, Sender, classify, parse_retry_after
from generator.push.store import Store
from generator.push.vapid import VapidKey
from generator.push.worker import LEASE_MARGIN, Notifier, claim_lease, worker_id

__all__ = [
    "LEASE_MARGIN",
    "MAX_LINE",
    "MAX_LINES",
    "MAX_PAYLOAD_BYTES",
    "MAX_TITLE",
    "NotifyError",
    "NotifyOptions",
    "NotifyReport",
    "Outcome",
    "Plan",
    "Sender",
    "classify",
    "claim_lease",
    "compose",
    "describe_revision",
    "encode_payload",
    "make_plan",
    "mask",
    "parse_retry_after",
    "run",
    "run_tag",
    "summary",
    "work",
    "worker_id",
]


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
        notifier = _notifier(store, sender, options, clock, sleep)
        with ProgressBar(store, plan.run_key, enabled=options.progress):
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


def work(
    options: NotifyOptions,
    *,
    key: VapidKey,
    subject: str,
    policy: EndpointPolicy = DEFAULT_POLICY,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    echo: Callable[[str], None] = print,
) -> NotifyReport:
    """`antq push notify --worker`: plan nothing, send what any run has due, with the other
    workers; stop when nothing is due within --retry-wait."""
    store = Store(options.db_path)
    try:
        _check_key_matches_site(key, options.site_dir)
        sender = Sender(
            key, subject, policy=policy, timeout=options.timeout, ttl=options.ttl, clock=clock
        )
        notifier = _notifier(store, sender, options, clock, sleep)
        report = NotifyReport("")
        echo(
            text(
                "push-worker-started",
                worker=notifier.owner,
                concurrency=notifier.concurrency,
                per_service=notifier.per_service,
            )
        )
        notifier.process(report)
        return report
    finally:
        store.close()


def _notifier(
    store: Store,
    sender: Sender,
    options: NotifyOptions,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> Notifier:
    return Notifier(
        store,
        sender,
        concurrency=options.concurrency,
        per_service=options.per_service,
        max_attempts=options.max_attempts,
        retry_wait=options.retry_wait,
        clock=clock,
        sleep=sleep,
    )
