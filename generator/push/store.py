"""The push store: one SQLite file in WAL mode, shared by the service and the notifier.

WAL lets the notifier read subscribers and write delivery states while the service keeps
accepting subscriptions. Each change is one short transaction, so a process killed at any
point leaves every committed subscription in place (SQLite's journal guarantees it) and
every delivery either recorded as sent or still pending.

The schema is versioned: `schema_version` holds the number of migrations applied; opening the
store applies the missing ones in one transaction. A file from a newer antq is refused.

Deliveries are claimed before they are sent: a notifier takes a batch of due deliveries in one
BEGIN IMMEDIATE transaction, writing its owner id and a lease expiry on each row, and only
the lease's owner records an outcome. Concurrent notifiers thus never take the same row; a
killed one's rows are taken again once its lease has expired. (On PostgreSQL the same claim is
`SELECT … FOR UPDATE SKIP LOCKED` then the same UPDATE.)
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from generator.data.messages_vi import problem
from generator.errors import AntqError
from generator.push.endpoints import EndpointPolicy

MAX_TOPICS = 50  # per subscription: every xã of a province would already be silly

# Every stored row in its canonical form, whatever the allow-list: rows are migrated, not judged.
_ANY_ENDPOINT = EndpointPolicy(hosts=(), allow_http=True, any_port=True, any_host=True)


def _canonical_endpoints(db: sqlite3.Connection) -> None:
    """Store each subscription under its endpoint's canonical form, merging spellings of one
    endpoint (the newest keys win, topics are united); pending deliveries follow, and a
    second delivery of one run to one endpoint is cancelled."""
    rows = db.execute("SELECT endpoint FROM subscriptions ORDER BY endpoint")
    for (endpoint,) in rows.fetchall():
        canonical, _ = _ANY_ENDPOINT.check(endpoint)
        if canonical is None or canonical == endpoint:
            continue  # an unusable row is refused, and deleted, at its next send
        db.execute(
            "INSERT INTO subscriptions (endpoint, p256dh, auth, created, updated) "
            "SELECT ?, p256dh, auth, created, updated FROM subscriptions WHERE endpoint = ? "
            "ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, "
            "auth = excluded.auth, updated = excluded.updated "
            "WHERE excluded.updated > subscriptions.updated",
            (canonical, endpoint),
        )
        db.execute(
            "INSERT OR IGNORE INTO topics (endpoint, topic) "
            "SELECT ?, topic FROM topics WHERE endpoint = ?",
            (canonical, endpoint),
        )
        db.execute("DELETE FROM subscriptions WHERE endpoint = ?", (endpoint,))
        db.execute(
            "UPDATE deliveries SET state = 'cancelled', detail = 'duplicate' "
            "WHERE endpoint = ? AND state IN ('pending', 'retry') AND run_key IN "
            "(SELECT run_key FROM deliveries WHERE endpoint = ?)",
            (endpoint, canonical),
        )
        db.execute(
            "UPDATE deliveries SET endpoint = ? "
            "WHERE endpoint = ? AND state IN ('pending', 'retry')",
            (canonical, endpoint),
        )


Migration = str | Callable[[sqlite3.Connection], None]

# Each entry migrates version n-1 → n. Never edit one that has shipped: append a new one.
MIGRATIONS: tuple[tuple[Migration, ...], ...] = (
    (
        """CREATE TABLE subscriptions (
            endpoint TEXT PRIMARY KEY,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
        """CREATE TABLE topics (
            endpoint TEXT NOT NULL REFERENCES subscriptions(endpoint) ON DELETE CASCADE,
            topic TEXT NOT NULL,
            PRIMARY KEY (endpoint, topic)
        ) WITHOUT ROWID""",
        "CREATE INDEX topics_by_topic ON topics(topic)",
    ),
    (
        # One row per notifier run (a data range); its deliveries are planned in the same
        # transaction, so a run either exists with its whole plan or not at all.
        """CREATE TABLE runs (
            run_key TEXT PRIMARY KEY,
            from_rev TEXT NOT NULL,
            to_rev TEXT NOT NULL,
            created TEXT NOT NULL
        )""",
        # No foreign key to subscriptions: the log outlives an expired subscription.
        """CREATE TABLE deliveries (
            run_key TEXT NOT NULL REFERENCES runs(run_key),
            endpoint TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN
                ('pending', 'retry', 'sent', 'gone', 'refused', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt REAL NOT NULL DEFAULT 0,
            last_status INTEGER,
            detail TEXT,
            updated TEXT NOT NULL,
            PRIMARY KEY (run_key, endpoint)
        ) WITHOUT ROWID""",
        "CREATE INDEX deliveries_due ON deliveries(state, next_attempt)",
    ),
    (
        # The claim on a delivery: who is sending it, and until when nobody else may.
        "ALTER TABLE deliveries ADD COLUMN lease_owner TEXT",
        "ALTER TABLE deliveries ADD COLUMN lease_expiry REAL NOT NULL DEFAULT 0",
        # One key per subscription: endpoints stored before they were canonicalised.
        _canonical_endpoints,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

Action = Literal["replace", "add", "remove"]
FinalState = Literal["sent", "gone", "refused", "failed", "cancelled"]


class StoreError(AntqError):
    """The database cannot be used (Vietnamese message)."""


class TooManyTopics(Exception):
    pass


@dataclass(frozen=True)
class Delivery:
    run_key: str
    endpoint: str
    payload: str
    attempts: int
    p256dh: str | None  # None: the subscription is gone since the run was planned
    auth: str | None
    lease_expiry: float = 0.0  # until when this notifier holds the claim (wall clock)


def _now() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Store:
    """Thread-safe: one connection, one lock. SQLite serialises writers anyway, and every
    operation here is a few rows, so a pool would buy nothing but busy errors."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is
            # exactly what the code says (the sqlite3 module's implicit ones are not).
            self.db = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=30
            )
            self.db.execute("PRAGMA busy_timeout = 30000")
            mode = self.db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(problem("push-store-wal", str(self.path), mode=mode).line())
            # NORMAL in WAL mode: a killed process loses nothing committed; only a power cut
            # may drop the last transactions (the notifier then sends those again, same tag).
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            line = problem("push-store-open", str(self.path), detail=exc).line()
            raise StoreError(line) from None
        self.lock = threading.Lock()
        self.migrate()

    def close(self) -> None:
        with self.lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: take the write lock up front, so two processes never both read
        and then both try to upgrade (which SQLite answers with SQLITE_BUSY at once)."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")

    # -- schema -----------------------------------------------------------------------------

    def migrate(self) -> int:
        with self.transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if row is None:
                db.execute("INSERT INTO schema_version (version) VALUES (0)")
            if version > SCHEMA_VERSION:
                raise StoreError(
                    problem(
                        "push-store-newer", str(self.path), version=version, known=SCHEMA_VERSION
                    ).line()
                )
            for steps in MIGRATIONS[version:]:
                for step in steps:
                    if isinstance(step, str):
                        db.execute(step)
                    else:
                        step(db)
            db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
        return SCHEMA_VERSION

    def schema_version(self) -> int:
        with self.lock:
            return int(self.db.execute("SELECT version FROM schema_version").fetchone()[0])

    def journal_mode(self) -> str:
        with self.lock:
            return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    # -- subscriptions (the service) --------------------------------------------------------

    def subscribe(
        self,
        endpoint: str,
        p256dh: str,
        auth: str,
        topics: Iterable[str],
        action: Action = "replace",
    ) -> list[str]:
        """Create or update a subscription and its topics; return its topics afterwards
        (none: the subscription is removed, there is nothing left to send it)."""
        wanted = sorted(set(topics))
        stamp = _now()
        with self.transaction() as db:
            if action == "remove":
                db.executemany(
                    "DELETE FROM topics WHERE endpoint = ? AND topic = ?",
                    [(endpoint, t) for t in wanted],
                )
            else:
                db.execute(
                    "INSERT INTO subscriptions (endpoint, p256dh, auth, created, updated) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET "
                    "p256dh = excluded.p256dh, auth = excluded.auth, updated = excluded.updated",
                    (endpoint, p256dh, auth, stamp, stamp),
                )
                if action == "replace":
                    db.execute("DELETE FROM topics WHERE endpoint = ?", (endpoint,))
                db.executemany(
                    "INSERT OR IGNORE INTO topics (endpoint, topic) VALUES (?, ?)",
                    [(endpoint, t) for t in wanted],
                )
            current = [
                r[0]
                for r in db.execute(
                    "SELECT topic FROM topics WHERE endpoint = ? ORDER BY topic", (endpoint,)
                )
            ]
            if len(current) > MAX_TOPICS:
                raise TooManyTopics  # rolls the whole request back
            if not current:
                db.execute("DELETE FROM subscriptions WHERE endpoint = ?", (endpoint,))
            else:
                db.execute(
                    "UPDATE subscriptions SET updated = ? WHERE endpoint = ?", (stamp, endpoint)
                )
        return current

    def unsubscribe(self, endpoint: str) -> bool:
        with self.transaction() as db:
            return (
                db.execute("DELETE FROM subscriptions WHERE endpoint = ?", (endpoint,)).rowcount > 0
            )

    def count_subscriptions(self) -> int:
        with self.lock:
            return int(self.db.execute("SELECT count(*) FROM subscriptions").fetchone()[0])

    def topics_of(self, endpoint: str) -> list[str]:
        with self.lock:
            rows = self.db.execute(
                "SELECT topic FROM topics WHERE endpoint = ? ORDER BY topic", (endpoint,)
            )
            return [r[0] for r in rows]

    def subscribers(self, topics: Iterable[str]) -> dict[str, list[str]]:
        """endpoint → the given topics it follows (sorted), for every subscriber of any."""
        wanted = sorted(set(topics))
        out: dict[str, list[str]] = {}
        with self.lock:
            # In chunks: SQLite limits the number of bound parameters.
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT endpoint, topic FROM topics WHERE topic IN ({marks})", chunk
                )
                for endpoint, topic in rows:
                    out.setdefault(endpoint, []).append(topic)
        for followed in out.values():
            followed.sort()
        return out

    # -- deliveries (the notifier) ----------------------------------------------------------

    def run_exists(self, run_key: str) -> bool:
        with self.lock:
            row = self.db.execute("SELECT 1 FROM runs WHERE run_key = ?", (run_key,)).fetchone()
            return row is not None

    def plan_run(self, run_key: str, from_rev: str, to_rev: str, payloads: dict[str, str]) -> bool:
        """Record a run and one pending delivery per endpoint, atomically. False when the run
        was already planned (by an earlier or a concurrent invocation): keep that plan."""
        stamp = _now()
        with self.transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO runs (run_key, from_rev, to_rev, created) "
                "VALUES (?, ?, ?, ?)",
                (run_key, from_rev, to_rev, stamp),
            ).rowcount
            if not inserted:
                return False
            db.executemany(
                "INSERT INTO deliveries (run_key, endpoint, payload, state, updated) "
                "VALUES (?, ?, ?, 'pending', ?)",
                [(run_key, e, p, stamp) for e, p in sorted(payloads.items())],
            )
        return True

    def claim(self, owner: str, now: float, lease: float, limit: int) -> list[Delivery]:
        """Take up to `limit` due deliveries, every run's (new ones and retries whose time
        came), that nobody holds: each gets `owner` and a lease until `now + lease`."""
        expiry = now + lease
        with self.transaction() as db:
            rows = db.execute(
                "SELECT d.run_key, d.endpoint, d.payload, d.attempts, s.p256dh, s.auth "
                "FROM deliveries d LEFT JOIN subscriptions s ON s.endpoint = d.endpoint "
                "WHERE d.state IN ('pending', 'retry') AND d.next_attempt <= ? "
                "AND d.lease_expiry <= ? ORDER BY d.run_key, d.endpoint LIMIT ?",
                (now, now, limit),
            ).fetchall()
            db.executemany(
                "UPDATE deliveries SET lease_owner = ?, lease_expiry = ? "
                "WHERE run_key = ? AND endpoint = ?",
                [(owner, expiry, row[0], row[1]) for row in rows],
            )
        return [Delivery(r, e, p, a, k, au, expiry) for r, e, p, a, k, au in rows]

    def extend(self, owner: str, delivery: Delivery, until: float) -> bool:
        """Extend this owner's lease on a delivery still to send; False when the lease was
        lost (it expired and another notifier took the delivery)."""
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE deliveries SET lease_expiry = max(lease_expiry, ?) "
                    "WHERE run_key = ? AND endpoint = ? AND lease_owner = ? "
                    "AND state IN ('pending', 'retry')",
                    (until, delivery.run_key, delivery.endpoint, owner),
                ).rowcount
                > 0
            )

    def next_retry(self) -> float | None:
        """When the next delivery becomes due and free of any lease."""
        with self.lock:
            row = self.db.execute(
                "SELECT min(max(next_attempt, lease_expiry)) FROM deliveries "
                "WHERE state IN ('pending', 'retry')"
            ).fetchone()
            return None if row[0] is None else float(row[0])

    def finish(
        self,
        delivery: Delivery,
        state: FinalState,
        status: int | None = None,
        detail: str | None = None,
        *,
        owner: str,
        drop_subscription: bool = False,
    ) -> bool:
        """Record a final outcome, if `owner` still holds the lease; for an expired (404/410)
        or refused endpoint, delete the subscription in the same transaction."""
        with self.transaction() as db:
            updated = db.execute(
                "UPDATE deliveries SET state = ?, attempts = attempts + ?, last_status = ?, "
                "detail = ?, updated = ? WHERE run_key = ? AND endpoint = ? "
                "AND lease_owner = ? AND state IN ('pending', 'retry')",
                (
                    state,
                    0 if state == "cancelled" else 1,
                    status,
                    detail,
                    _now(),
                    delivery.run_key,
                    delivery.endpoint,
                    owner,
                ),
            ).rowcount
            if updated and drop_subscription:
                db.execute("DELETE FROM subscriptions WHERE endpoint = ?", (delivery.endpoint,))
        return updated > 0

    def retry_later(
        self,
        delivery: Delivery,
        when: float,
        status: int | None,
        detail: str | None,
        *,
        owner: str,
    ) -> bool:
        """Put a delivery back in the queue for `when`, releasing the lease."""
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE deliveries SET state = 'retry', attempts = attempts + 1, "
                    "next_attempt = ?, last_status = ?, detail = ?, updated = ?, "
                    "lease_expiry = 0 WHERE run_key = ? AND endpoint = ? "
                    "AND lease_owner = ? AND state IN ('pending', 'retry')",
                    (when, status, detail, _now(), delivery.run_key, delivery.endpoint, owner),
                ).rowcount
                > 0
            )

    def run_states(self, run_key: str) -> Counter[str]:
        with self.lock:
            rows = self.db.execute(
                "SELECT state, count(*) FROM deliveries WHERE run_key = ? GROUP BY state",
                (run_key,),
            )
            return Counter({state: n for state, n in rows})

    def pending_payloads(self, run_key: str) -> list[tuple[str, str]]:
        with self.lock:
            rows = self.db.execute(
                "SELECT endpoint, payload FROM deliveries WHERE run_key = ? "
                "AND state IN ('pending', 'retry') ORDER BY endpoint",
                (run_key,),
            )
            return [(e, p) for e, p in rows]
