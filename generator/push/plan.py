"""Planning a notify run: data diff → topic items → one payload per subscriber.

A run is keyed by its range of full revisions. Its plan, every delivery as `pending`, is
written atomically (Store.plan_run) before the first send, so re-running the same range finds
the plan and only finishes what is still pending.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.data.messages_vi import say, text
from generator.errors import AntqError
from generator.push.store import Store
from generator.push.topics import Item, Vocabulary

MAX_LINES = 3  # a phone shows two to four lines of body
MAX_TITLE = 90
MAX_LINE = 160
MAX_PAYLOAD_BYTES = 3000  # push services take 4,096 encrypted bytes; keep a wide margin


class NotifyError(AntqError):
    """The run cannot start (Vietnamese message)."""


@dataclass
class NotifyOptions:
    data_dir: Path
    site_dir: Path
    db_path: Path | str  # a SQLite file or a database URL (generator/push/db.py)
    from_rev: str
    to_rev: str
    dry_run: bool = False
    concurrency: int = 16  # lanes: each sends one request at a time
    per_service: int = 16  # requests in flight to one push service, across all notifiers
    timeout: float = 10.0  # seconds per POST: pywebpush has no default
    ttl: int = 86400  # a phone offline for a day still gets the news
    max_attempts: int = 5
    retry_wait: float = 60.0  # how long a run may wait in total for a due retry
    progress: bool | None = None  # a progress bar: None = when stderr is a terminal


@functools.lru_cache(maxsize=64)  # asked for each message sent: one run, one tag
@functools.lru_cache(maxsize=64)
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
    # Planning's heavy imports, here: a notifier worker never plans (topics.py).
    from generator.data.schema import load_package
    from generator.diff import diff_revisions, repo_root
    from generator.errors import UsageError
    from generator.push.topics import load_model, topic_items, vocabulary

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
