"""The push store, shared by the subscription service and the notifiers: SQLite (one file in
WAL mode, one machine) or PostgreSQL (any number of service processes and notifier workers on
any machines), chosen by the database URL (generator/push/db.py).

Each change is one short transaction, so a process killed at any point leaves every committed
subscription in place and every delivery either recorded or still pending.

The schema is versioned and has one migration path for both databases: `schema_version` holds
the number of migrations applied; `migrate()` applies the missing ones in one transaction
(`antq push migrate`, and every open). A database from a newer antq is refused.

Deliveries are claimed before they are sent. A notifier first takes a *slot* of a push service
(`push_slots`: at most `per_service` rows per service, each held by one notifier thread under a
lease), then batches of that service's due deliveries (`deliveries.lease_owner/lease_expiry`).
On PostgreSQL both claims are `SELECT … FOR UPDATE SKIP LOCKED` then an UPDATE, so concurrent
workers skip each other's rows instead of waiting; on SQLite the same statements run in one
BEGIN IMMEDIATE transaction, which serialises the claimers. Only the lease's owner records an
outcome; a killed notifier's rows and slots are taken again once their leases expire. A push
service's Retry-After is kept in `push_services.blocked_until`, which every claim honours.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from generator.data.messages_vi import problem
from generator.push.db import Conn, Database, Dialect, Location, StoreError, ddl, locate
from generator.push.endpoints import EndpointPolicy

__all__ = ["StoreError", "Store", "Delivery", "Recorded", "Slot", "TooManyTopics", "service_of"]

MAX_TOPICS = 50  # per subscription: every xã of a province would already be silly

# Every stored row in its canonical form, whatever the allow-list: rows are migrated, not judged.
_ANY_ENDPOINT = EndpointPolicy(hosts=(), allow_http=True, any_port=True, any_host=True)


def service_of(endpoint: str) -> str:
    """The push service an endpoint belongs to: its origin (scheme://host[:port])."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _canonical_endpoints(db: Conn) -> None:
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
            "INSERT INTO topics (endpoint, topic) "
            "SELECT ?, topic FROM topics WHERE endpoint = ? ON CONFLICT DO NOTHING",
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


def _fill_services(db: Conn) -> None:
    """Each delivery's push service, for claims per service."""
    rows = db.execute("SELECT DISTINCT endpoint FROM deliveries WHERE service = ''").fetchall()
    db.executemany(
        "UPDATE deliveries SET service = ? WHERE endpoint = ?",
        [(service_of(e), e) for (e,) in rows],
    )


Migration = str | Callable[[Conn], None]

# Each entry migrates version n-1 → n. Never change what one does once it has shipped: append
# a new one. DDL is written once, in SQLite's spelling; db.ddl() adapts it to PostgreSQL.
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
    (
        # Claims per push service (issue 20): each delivery's service, the services' pauses
        # (Retry-After) and the slots that bound the requests in flight to one service.
        "ALTER TABLE deliveries ADD COLUMN service TEXT NOT NULL DEFAULT ''",
        _fill_services,
        "CREATE INDEX deliveries_by_service ON deliveries(service, state, next_attempt)",
        """CREATE TABLE push_services (
            service TEXT PRIMARY KEY,
            blocked_until REAL NOT NULL DEFAULT 0,
            detail TEXT
        )""",
        """CREATE TABLE push_slots (
            service TEXT NOT NULL,
            slot INTEGER NOT NULL,
            lease_owner TEXT,
            lease_expiry REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (service, slot)
        )""",
        "INSERT INTO push_services (service) SELECT DISTINCT service FROM deliveries",
    ),
    (
        # `antq push prune`: a finished run's deliveries are deleted and their outcomes kept
        # here as counts (JSON {state: n}), so status still tells what the run did.
        "ALTER TABLE runs ADD COLUMN tally TEXT",
        "CREATE INDEX runs_by_created ON runs(created)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

Action = Literal["replace", "add", "remove"]
FinalState = Literal["sent", "gone", "refused", "failed", "cancelled"]
WAITING = ("pending", "retry")


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


@dataclass(frozen=True)
class Recorded:
    """One send's outcome to record (Store.record): a final state, or a retry at `when`;
    `drop` deletes the subscription with it (an expired or refused endpoint)."""

    delivery: Delivery
    state: str
    status: int | None = None
    detail: str | None = None
    when: float = 0.0
    drop: bool = False


@dataclass(frozen=True)
class Slot:
    """The right to have one request in flight to a push service, until `lease_expiry`."""

    service: str
    slot: int
    lease_expiry: float


def _keys_of(db: Conn, endpoints: list[str]) -> dict[str, tuple[str, str]]:
    """The encryption keys of these endpoints' subscriptions (none for one gone since)."""
    keys: dict[str, tuple[str, str]] = {}
    for start in range(0, len(endpoints), 500):
        chunk = endpoints[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for e, k, a in db.execute(
            f"SELECT endpoint, p256dh, auth FROM subscriptions WHERE endpoint IN ({marks})",
            chunk,
        ).fetchall():
            keys[e] = (k, a)
    return keys


def _record_finals(db: Conn, owner: str, stamp: str, rows: list[Recorded]) -> list[int]:
    """PostgreSQL: a batch's final outcomes in one UPDATE (the rows as arrays), not one
    statement each: 0.024 → 0.014 ms of the worker's CPU a message (bench/push_bench.py,
    issue 20). SQLite keeps one per row: its cost is the commit. The rows each changed."""
    if not rows:
        return []
    changed = db.execute(
        "UPDATE deliveries d SET state = v.state, attempts = d.attempts + v.added, "
        "last_status = v.status, detail = v.detail, updated = ? FROM unnest("
        "?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[]) "
        "AS v(run_key, endpoint, state, added, status, detail) "
        "WHERE d.run_key = v.run_key AND d.endpoint = v.endpoint AND d.lease_owner = ? "
        "AND d.state IN ('pending', 'retry') RETURNING d.run_key, d.endpoint",
        (
            stamp,
            [r.delivery.run_key for r in rows],
            [r.delivery.endpoint for r in rows],
            [r.state for r in rows],
            [0 if r.state == "cancelled" else 1 for r in rows],
            [r.status for r in rows],
            [r.detail for r in rows],
            owner,
        ),
    ).fetchall()
    kept = {(run_key, endpoint) for run_key, endpoint in changed}
    return [int((r.delivery.run_key, r.delivery.endpoint) in kept) for r in rows]


def _now() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Store:
    """Thread-safe. SQLite: one connection, one lock (SQLite serialises writers anyway).
    PostgreSQL: a connection pool; every method is one transaction."""

    def __init__(self, where: Path | str | Location, *, migrate: bool = True) -> None:
        self.location = where if isinstance(where, Location) else locate(where)
        self.dialect: Dialect = self.location.dialect
        self.database = Database(self.location)
        if migrate:
            try:
                self.migrate()
            except BaseException:
                self.database.close()
                raise

    @property
    def path(self) -> Path:
        return Path(self.location.target)

    def shown(self) -> str:
        return self.location.shown()

    def close(self) -> None:
        self.database.close()

    def transaction(self) -> Any:
        return self.database.transaction()

    def _read(self) -> Any:
        return self.database.read()

    # -- schema -----------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the missing migrations; the version before (0 for a new store)."""
        with self.transaction() as db:
            if self.dialect == "postgresql":
                # Two processes migrating at once: the second waits, then finds nothing to do.
                db.execute("SELECT pg_advisory_xact_lock(20260020)")
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = int(row[0]) if row else 0
            if row is None:
                db.execute("INSERT INTO schema_version (version) VALUES (0)")
            if version > SCHEMA_VERSION:
                raise StoreError(
                    problem(
                        "push-store-newer", self.shown(), version=version, known=SCHEMA_VERSION
                    ).line()
                )
            for steps in MIGRATIONS[version:]:
                for step in steps:
                    if isinstance(step, str):
                        db.execute(ddl(step, self.dialect))
                    else:
                        step(db)
            db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
        return version

    def schema_version(self) -> int:
        with self._read() as db:
            return int(db.execute("SELECT version FROM schema_version").fetchone()[0])

    def journal_mode(self) -> str:
        with self._read() as db:
            if self.dialect == "postgresql":
                return "postgresql"
            return str(db.execute("PRAGMA journal_mode").fetchone()[0])

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
                    "INSERT INTO topics (endpoint, topic) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [(endpoint, t) for t in wanted],
                )
            current = [
                r[0]
                for r in db.execute(
                    "SELECT topic FROM topics WHERE endpoint = ? ORDER BY topic", (endpoint,)
                ).fetchall()
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
        with self._read() as db:
            return int(db.execute("SELECT count(*) FROM subscriptions").fetchone()[0])

    def topics_of(self, endpoint: str) -> list[str]:
        with self._read() as db:
            rows = db.execute(
                "SELECT topic FROM topics WHERE endpoint = ? ORDER BY topic", (endpoint,)
            )
            return [r[0] for r in rows.fetchall()]

    def subscribers(self, topics: Iterable[str]) -> dict[str, list[str]]:
        """endpoint → the given topics it follows (sorted), for every subscriber of any."""
        wanted = sorted(set(topics))
        out: dict[str, list[str]] = {}
        with self._read() as db:
            # In chunks: SQLite limits the number of bound parameters.
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT endpoint, topic FROM topics WHERE topic IN ({marks})", chunk
                )
                for endpoint, topic in rows.fetchall():
                    out.setdefault(endpoint, []).append(topic)
        for followed in out.values():
            followed.sort()
        return out

    def subscriptions(self, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        """Every subscription with its topics, in batches (for `antq push copy`)."""
        last = ""
        while True:
            with self._read() as db:
                rows = db.execute(
                    "SELECT endpoint, p256dh, auth, created, updated FROM subscriptions "
                    "WHERE endpoint > ? ORDER BY endpoint LIMIT ?",
                    (last, batch),
                ).fetchall()
                if not rows:
                    return
                topics = db.execute(
                    "SELECT endpoint, topic FROM topics WHERE endpoint > ? AND endpoint <= ?",
                    (last, rows[-1][0]),
                ).fetchall()
            yield [tuple(r) for r in rows] + [("topic", *t) for t in topics]
            last = rows[-1][0]

    def add_subscriptions(self, rows: list[tuple[Any, ...]]) -> tuple[int, int]:
        """Insert a batch from `subscriptions()`: rows kept, topics kept. An endpoint already
        here keeps the newer of the two records."""
        subs = [r for r in rows if r[0] != "topic"]
        topics = [r[1:] for r in rows if r[0] == "topic"]
        with self.transaction() as db:
            n = db.executemany(
                "INSERT INTO subscriptions (endpoint, p256dh, auth, created, updated) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET "
                "p256dh = excluded.p256dh, auth = excluded.auth, updated = excluded.updated "
                "WHERE excluded.updated > subscriptions.updated",
                subs,
            )
            t = db.executemany(
                "INSERT INTO topics (endpoint, topic) VALUES (?, ?) ON CONFLICT DO NOTHING",
                topics,
            )
        return n, t

    # -- runs and deliveries (the notifier) --------------------------------------------------

    def run_exists(self, run_key: str) -> bool:
        with self._read() as db:
            row = db.execute("SELECT 1 FROM runs WHERE run_key = ?", (run_key,)).fetchone()
            return row is not None

    def plan_run(self, run_key: str, from_rev: str, to_rev: str, payloads: dict[str, str]) -> bool:
        """Record a run and one pending delivery per endpoint, atomically. False when the run
        was already planned (by an earlier or a concurrent invocation): keep that plan."""
        stamp = _now()
        with self.transaction() as db:
            inserted = db.execute(
                "INSERT INTO runs (run_key, from_rev, to_rev, created) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (run_key, from_rev, to_rev, stamp),
            ).rowcount
            if not inserted:
                return False
            rows = [(run_key, e, service_of(e), p, stamp) for e, p in sorted(payloads.items())]
            db.executemany(
                "INSERT INTO deliveries (run_key, endpoint, service, payload, state, updated) "
                "VALUES (?, ?, ?, ?, 'pending', ?)",
                rows,
            )
            db.executemany(
                "INSERT INTO push_services (service) VALUES (?) ON CONFLICT DO NOTHING",
                [(s,) for s in sorted({r[2] for r in rows})],
            )
        return True

    def runs(self) -> list[str]:
        with self._read() as db:
            rows = db.execute("SELECT run_key FROM runs ORDER BY created, run_key").fetchall()
            return [r[0] for r in rows]

    # -- claims -------------------------------------------------------------------------------

    def claim_slot(
        self, owner: str, now: float, lease: float, per_service: int, avoid: Iterable[str] = ()
    ) -> Slot | None:
        """A free slot of a push service that has due deliveries and is not paused: the
        right to send to it, one request at a time, until `now + lease`."""
        skip = set(avoid)
        with self.transaction() as db:
            services = db.execute(
                "SELECT service FROM push_services WHERE blocked_until <= ? ORDER BY service",
                (now,),
            ).fetchall()
            for (service,) in services:
                if service in skip:
                    continue
                due = db.execute(
                    "SELECT 1 FROM deliveries WHERE service = ? AND state IN ('pending', 'retry') "
                    "AND next_attempt <= ? AND lease_expiry <= ? LIMIT 1",
                    (service, now, now),
                ).fetchone()
                if due is None:
                    continue
                db.executemany(
                    "INSERT INTO push_slots (service, slot) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [(service, n) for n in range(per_service)],
                )
                lock = " FOR UPDATE SKIP LOCKED" if self.dialect == "postgresql" else ""
                row = db.execute(
                    "SELECT slot FROM push_slots WHERE service = ? AND slot < ? "
                    f"AND lease_expiry <= ? ORDER BY slot LIMIT 1{lock}",
                    (service, per_service, now),
                ).fetchone()
                if row is None:
                    continue  # every slot of this service is busy
                db.execute(
                    "UPDATE push_slots SET lease_owner = ?, lease_expiry = ? "
                    "WHERE service = ? AND slot = ?",
                    (owner, now + lease, service, row[0]),
                )
                return Slot(service, int(row[0]), now + lease)
        return None

    def release_slot(self, owner: str, slot: Slot) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE push_slots SET lease_expiry = 0, lease_owner = NULL "
                "WHERE service = ? AND slot = ? AND lease_owner = ?",
                (slot.service, slot.slot, owner),
            )

    def claim(
        self,
        owner: str,
        now: float,
        lease: float,
        limit: int,
        slot: Slot | None = None,
        slot_lease: float | None = None,
    ) -> list[Delivery]:
        """Take up to `limit` due deliveries (new ones and retries whose time came, of any
        run) that nobody holds — of the slot's service only, which must not be paused, and
        the slot's lease is extended with theirs. Each gets `owner` and a lease until
        `now + lease`. Nothing when the slot was lost (its lease expired, another took it)."""
        expiry = now + lease
        lock = " FOR UPDATE OF d SKIP LOCKED" if self.dialect == "postgresql" else ""
        where = "d.state IN ('pending', 'retry') AND d.next_attempt <= ? AND d.lease_expiry <= ?"
        params: list[Any] = [now, now]
        if slot is not None:
            where += (
                " AND d.service = ? AND NOT EXISTS (SELECT 1 FROM push_services p "
                "WHERE p.service = d.service AND p.blocked_until > ?)"
            )
            params += [slot.service, now]
        with self.transaction() as db:
            if slot is not None:
                kept = db.execute(
                    "UPDATE push_slots SET lease_expiry = ? "
                    "WHERE service = ? AND slot = ? AND lease_owner = ?",
                    (now + (slot_lease or lease), slot.service, slot.slot, owner),
                ).rowcount
                if not kept:
                    return []
            # No ORDER BY, so LIMIT stops the index walk: sorting every waiting row at each
            # claim cost 7 ms at 5,000 waiting and grew with the job (quadratic at 1M).
            picked = db.execute(
                f"SELECT d.run_key, d.endpoint, d.payload, d.attempts FROM deliveries d "
                f"WHERE {where} LIMIT ?{lock}",
                (*params, limit),
            ).fetchall()
            if not picked:
                return []
            if self.dialect == "postgresql":  # one statement over arrays, not one a row
                db.execute(
                    "UPDATE deliveries d SET lease_owner = ?, lease_expiry = ? "
                    "FROM unnest(?::text[], ?::text[]) AS v(run_key, endpoint) "
                    "WHERE d.run_key = v.run_key AND d.endpoint = v.endpoint",
                    (owner, expiry, [row[0] for row in picked], [row[1] for row in picked]),
                )
            else:
                db.executemany(
                    "UPDATE deliveries SET lease_owner = ?, lease_expiry = ? "
                    "WHERE run_key = ? AND endpoint = ?",
                    [(owner, expiry, row[0], row[1]) for row in picked],
                )
            keys = _keys_of(db, sorted({row[1] for row in picked}))
        out = []
        for run_key, endpoint, payload, attempts in picked:
            k, a = keys.get(endpoint, (None, None))
            out.append(Delivery(run_key, endpoint, payload, attempts, k, a, expiry))
        return out

    def extend(
        self, owner: str, delivery: Delivery, until: float, slot: Slot | None = None
    ) -> bool:
        """Extend this owner's lease on a delivery still to send (and on the slot it is sent
        through); False when the lease was lost (it expired, another notifier took it)."""
        later = "lease_expiry = CASE WHEN lease_expiry > ? THEN lease_expiry ELSE ? END"
        with self.transaction() as db:
            kept = db.execute(
                f"UPDATE deliveries SET {later} "
                "WHERE run_key = ? AND endpoint = ? AND lease_owner = ? "
                "AND state IN ('pending', 'retry')",
                (until, until, delivery.run_key, delivery.endpoint, owner),
            ).rowcount
            if kept and slot is not None:
                db.execute(
                    f"UPDATE push_slots SET {later} "
                    "WHERE service = ? AND slot = ? AND lease_owner = ?",
                    (until, until, slot.service, slot.slot, owner),
                )
            return kept > 0

    def extend_held(self, owner: str, deliveries: list[Delivery], until: float) -> list[bool]:
        """Extend this owner's leases on deliveries it holds (sent and not yet recorded, or
        claimed and not yet sent), so no other notifier takes them meanwhile; whether each
        is still held."""
        if not deliveries:
            return []
        with self.transaction() as db:
            counts = db.each(
                "UPDATE deliveries SET lease_expiry = CASE WHEN lease_expiry > ? "
                "THEN lease_expiry ELSE ? END WHERE run_key = ? AND endpoint = ? "
                "AND lease_owner = ? AND state IN ('pending', 'retry') RETURNING 1",
                [(until, until, d.run_key, d.endpoint, owner) for d in deliveries],
            )
        return [n > 0 for n in counts]

    def release(self, owner: str, deliveries: Iterable[Delivery]) -> None:
        """Give back claimed deliveries not sent (their service asked to wait)."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE deliveries SET lease_expiry = 0 "
                "WHERE run_key = ? AND endpoint = ? AND lease_owner = ? "
                "AND state IN ('pending', 'retry')",
                [(d.run_key, d.endpoint, owner) for d in deliveries],
            )

    def pause_service(self, service: str, until: float, detail: str) -> None:
        """A push service asked to wait (429/503 with Retry-After): no worker sends to it
        before `until`."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO push_services (service, blocked_until, detail) VALUES (?, ?, ?) "
                "ON CONFLICT (service) DO UPDATE SET blocked_until = excluded.blocked_until, "
                "detail = excluded.detail "
                "WHERE excluded.blocked_until > push_services.blocked_until",
                (service, until, detail),
            )

    def paused_services(self, now: float) -> list[tuple[str, float, str | None]]:
        with self._read() as db:
            rows = db.execute(
                "SELECT service, blocked_until, detail FROM push_services "
                "WHERE blocked_until > ? ORDER BY service",
                (now,),
            ).fetchall()
            return [(s, float(b), d) for s, b, d in rows]

    def next_retry(self) -> float | None:
        """When the next delivery becomes due and free of any lease and of any pause."""
        with self._read() as db:
            row = db.execute(
                "SELECT min(CASE WHEN b > t THEN b ELSE t END) FROM (SELECT "
                "CASE WHEN d.next_attempt > d.lease_expiry THEN d.next_attempt "
                "ELSE d.lease_expiry END AS t, coalesce(p.blocked_until, 0) AS b "
                "FROM deliveries d LEFT JOIN push_services p ON p.service = d.service "
                "WHERE d.state IN ('pending', 'retry')) AS due"
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
        sql = (
            "UPDATE deliveries SET state = ?, attempts = attempts + ?, last_status = ?, "
            "detail = ?, updated = ? WHERE run_key = ? AND endpoint = ? "
            "AND lease_owner = ? AND state IN ('pending', 'retry')"
        )
        params = (
            state,
            0 if state == "cancelled" else 1,
            status,
            detail,
            _now(),
            delivery.run_key,
            delivery.endpoint,
            owner,
        )
        if not drop_subscription:
            return self.database.write_one(sql, params) > 0
        with self.transaction() as db:
            updated = db.execute(sql, params).rowcount
            if updated:
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
        return (
            self.database.write_one(
                "UPDATE deliveries SET state = 'retry', attempts = attempts + 1, "
                "next_attempt = ?, last_status = ?, detail = ?, updated = ?, "
                "lease_expiry = 0 WHERE run_key = ? AND endpoint = ? "
                "AND lease_owner = ? AND state IN ('pending', 'retry')",
                (when, status, detail, _now(), delivery.run_key, delivery.endpoint, owner),
            )
            > 0
        )

    def record(self, owner: str, outcomes: list[Recorded]) -> list[bool]:
        """Record the outcomes of a lane's sends in one transaction (`finish` and
        `retry_later` of each, for the rows `owner` still holds); whether each was kept."""
        stamp = _now()
        final = (
            "UPDATE deliveries SET state = ?, attempts = attempts + ?, last_status = ?, "
            "detail = ?, updated = ? WHERE run_key = ? AND endpoint = ? "
            "AND lease_owner = ? AND state IN ('pending', 'retry') RETURNING 1"
        )
        later = (
            "UPDATE deliveries SET state = 'retry', attempts = attempts + 1, "
            "next_attempt = ?, last_status = ?, detail = ?, updated = ?, "
            "lease_expiry = 0 WHERE run_key = ? AND endpoint = ? "
            "AND lease_owner = ? AND state IN ('pending', 'retry') RETURNING 1"
        )
        finals = [(i, r) for i, r in enumerate(outcomes) if r.state != "retry"]
        retries = [(i, r) for i, r in enumerate(outcomes) if r.state == "retry"]
        kept = [False] * len(outcomes)
        with self.transaction() as db:
            if self.dialect == "postgresql":
                counts = _record_finals(db, owner, stamp, [r for _, r in finals])
            else:
                counts = db.each(
                    final,
                    [
                        (
                            r.state,
                            0 if r.state == "cancelled" else 1,
                            r.status,
                            r.detail,
                            stamp,
                            r.delivery.run_key,
                            r.delivery.endpoint,
                            owner,
                        )
                        for _, r in finals
                    ],
                )
            counts += db.each(
                later,
                [
                    (
                        r.when,
                        r.status,
                        r.detail,
                        stamp,
                        r.delivery.run_key,
                        r.delivery.endpoint,
                        owner,
                    )
                    for _, r in retries
                ],
            )
            for (index, _), n in zip(finals + retries, counts, strict=True):
                kept[index] = n > 0
            gone = [(r.delivery.endpoint,) for i, r in finals if r.drop and kept[i]]
            if gone:
                db.executemany("DELETE FROM subscriptions WHERE endpoint = ?", gone)
        return kept

    def run_states(self, run_key: str) -> Counter[str]:
        """A run's deliveries by state: the rows still held, plus the counts kept by prune."""
        with self._read() as db:
            rows = db.execute(
                "SELECT state, count(*) FROM deliveries WHERE run_key = ? GROUP BY state",
                (run_key,),
            ).fetchall()
            tally = db.execute("SELECT tally FROM runs WHERE run_key = ?", (run_key,)).fetchone()
        states = Counter({state: int(n) for state, n in rows})
        if tally is not None and tally[0]:
            states.update({state: int(n) for state, n in json.loads(tally[0]).items()})
        return states

    def prune(self, before: str) -> tuple[int, int]:
        """Delete the deliveries of every run planned before `before` (the store's UTC stamp
        form) that has none waiting, keeping each run's row with its outcomes counted, so the
        run is never planned again and status still reports it. Returns (runs, deliveries).
        One transaction per run: an interrupted prune leaves whole runs, pruned or not."""
        with self._read() as db:
            keys = [
                r[0]
                for r in db.execute(
                    "SELECT run_key FROM runs r WHERE created < ? AND NOT EXISTS ("
                    "SELECT 1 FROM deliveries d WHERE d.run_key = r.run_key "
                    "AND d.state IN ('pending', 'retry')) AND EXISTS ("
                    "SELECT 1 FROM deliveries d WHERE d.run_key = r.run_key) "
                    "ORDER BY created, run_key",
                    (before,),
                ).fetchall()
            ]
        runs = deleted = 0
        for run_key in keys:
            with self.transaction() as db:
                rows = db.execute(
                    "SELECT state, count(*) FROM deliveries WHERE run_key = ? GROUP BY state",
                    (run_key,),
                ).fetchall()
                if not rows or any(state in WAITING for state, _ in rows):
                    continue  # a retry was queued since the list was read: keep it
                old = db.execute("SELECT tally FROM runs WHERE run_key = ?", (run_key,)).fetchone()
                counts = Counter(json.loads(old[0]) if old and old[0] else {})
                counts.update({state: int(n) for state, n in rows})
                db.execute(
                    "UPDATE runs SET tally = ? WHERE run_key = ?",
                    (json.dumps(dict(sorted(counts.items()))), run_key),
                )
                deleted += db.execute(
                    "DELETE FROM deliveries WHERE run_key = ?", (run_key,)
                ).rowcount
                runs += 1
        return runs, deleted

    def pending_payloads(self, run_key: str) -> list[tuple[str, str]]:
        with self._read() as db:
            rows = db.execute(
                "SELECT endpoint, payload FROM deliveries WHERE run_key = ? "
                "AND state IN ('pending', 'retry') ORDER BY endpoint",
                (run_key,),
            ).fetchall()
            return [(e, p) for e, p in rows]
