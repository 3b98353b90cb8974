"""What a notify run prints: the summary, the dry run, the progress bar, `antq push status`."""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from generator.data.messages_vi import text
from generator.push.plan import Plan
from generator.push.store import Store


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


def mask(endpoint: str) -> str:
    """Endpoints are bearer capabilities: logs show the host and a short suffix only."""
    rest = endpoint.split("://", 1)[-1]
    host = rest.split("/", 1)[0]
    return f"{host}/…{endpoint[-8:]}"


def describe_revision(run_key: str) -> str:
    old, new = run_key.split("..")
    return f"{old[:10]}..{new[:10]}"


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


def job_counts(states: Counter[str]) -> dict[str, int]:
    """A run's deliveries as `antq push status` shows them."""
    return {
        "sent": states["sent"],
        "gone": states["gone"] + states["refused"],
        "failed": states["failed"],
        "waiting": states["pending"] + states["retry"],
        "cancelled": states["cancelled"],
        "total": sum(states.values()),
    }


def find_job(store: Store, job: str) -> str | None:
    """A run by its full key, its short form (as printed) or a prefix of its key."""
    runs = store.runs()
    if job in runs:
        return job
    hits = [r for r in runs if describe_revision(r) == job or r.startswith(job)]
    return hits[-1] if len(hits) == 1 else None


def status_lines(store: Store, run_keys: list[str], now: float) -> list[str]:
    out = []
    for run_key in run_keys:
        counts = job_counts(store.run_states(run_key))
        out.append(text("push-job-line", job=describe_revision(run_key), **counts))
    for service, until, detail in store.paused_services(now):
        when = datetime.fromtimestamp(until, tz=UTC).strftime("%H:%M:%S UTC")
        out.append(text("push-service-blocked", service=service, until=when, detail=detail))
    return out


class ProgressBar:
    """A rich progress bar of one run, read from the store (so it counts every worker's
    sends), refreshed by a thread; only on a terminal."""

    def __init__(self, store: Store, run_key: str, *, enabled: bool | None = None) -> None:
        self.store = store
        self.run_key = run_key
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        label = text("push-progress", job=describe_revision(self.run_key))
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(label, total=None)
            while True:
                counts = job_counts(self.store.run_states(self.run_key))
                bar.update(
                    task, total=counts["total"], completed=counts["total"] - counts["waiting"]
                )
                if self._stop.wait(0.5):
                    return


def follow(store: Store, run_key: str, echo: Callable[[str], None], *, poll: float = 1.0) -> None:
    """`antq push status JOB --follow`: a bar until nothing of the run is waiting."""
    import time

    with ProgressBar(store, run_key):
        while job_counts(store.run_states(run_key))["waiting"]:
            time.sleep(poll)
    for line in status_lines(store, [run_key], time.time()):
        echo(line)
