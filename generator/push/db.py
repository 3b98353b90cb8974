"""Where the push store lives: a database URL (or a plain path) → a connection of one dialect.

    /srv/antq/push.sqlite3, sqlite:///srv/antq/push.sqlite3   SQLite (WAL), one machine
    postgresql://user@host:5432/antq, postgres://…           PostgreSQL (psycopg 3, a pool)

Anything else is refused: `--db postgresql:/x` once made a folder named `postgresql:`.

Both dialects run the same SQL, written once with `?` placeholders and portable constructs
(ON CONFLICT, CASE instead of scalar max/min); `Conn` turns `?` into psycopg's `%s`. DDL is
translated by `ddl()` (types and SQLite's WITHOUT ROWID) so the schema has one definition.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from generator.data.messages_vi import problem
from generator.errors import AntqError

Dialect = Literal["sqlite", "postgresql"]
SCHEMES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}


class StoreError(AntqError):
    """The database cannot be used (Vietnamese message)."""


@dataclass(frozen=True)
class Location:
    dialect: Dialect
    target: str  # a file path for SQLite, the libpq URL for PostgreSQL

    def shown(self) -> str:
        """For messages: a PostgreSQL URL without its password."""
        if self.dialect == "sqlite":
            return self.target
        parts = urlsplit(self.target)
        if parts.password is None:
            return self.target
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()


def locate(value: str | Path) -> Location:
    """A store's location from `--db` / ANTQ_PUSH_DB; an unknown scheme is refused."""
    if isinstance(value, Path):
        return Location("sqlite", str(value))
    text = value.strip()
    head, sep, _ = text.partition(":")
    # A drive letter (C:\…) or a plain path is a SQLite file; `name:` followed by anything
    # is a URL, and must be one we know.
    if not sep or len(head) == 1 or "/" in head or "\\" in head:
        return Location("sqlite", text)
    scheme = head.lower()
    dialect = SCHEMES.get(scheme)
    if dialect is None:
        raise StoreError(problem("push-db-scheme", text, scheme=head).line())
    if dialect == "sqlite":
        parts = urlsplit(text)
        if not text.lower().startswith("sqlite:///") or parts.netloc:
            raise StoreError(problem("push-db-sqlite-url", text).line())
        # sqlite:///srv/x and sqlite:////srv/x both name /srv/x (an absolute path).
        return Location("sqlite", "/" + unquote(parts.path).lstrip("/"))
    if not text.split(":", 1)[1].startswith("//"):
        raise StoreError(problem("push-db-scheme", text, scheme=head).line())
    return Location("postgresql", text)


def ddl(statement: str, dialect: Dialect) -> str:
    """One schema, two dialects: REAL is a float4 in PostgreSQL, too coarse for a Unix time."""
    if dialect == "sqlite":
        return statement
    return statement.replace(" WITHOUT ROWID", "").replace(" REAL", " DOUBLE PRECISION")


class Conn:
    """One connection inside a transaction; `?` placeholders in both dialects."""

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.raw = raw
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return sql if self.dialect == "sqlite" else sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(self._sql(sql), params)

    def each(self, sql: str, rows: list[Sequence[Any]]) -> list[int]:
        """Run one statement per row (`sql` ends in `RETURNING 1`): the rows each changed.
        PostgreSQL sends them all in one pipeline (one round trip), not one per row."""
        if self.dialect == "sqlite":
            return [len(self.raw.execute(sql, row).fetchall()) for row in rows]
        if not rows:
            return []
        counts = []
        with self.raw.cursor() as cursor:
            cursor.executemany(self._sql(sql), rows, returning=True)
            while True:
                counts.append(len(cursor.fetchall()))
                if not cursor.nextset():
                    break
        return counts

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        if self.dialect == "sqlite":
            return int(self.raw.executemany(sql, rows).rowcount)
        with self.raw.cursor() as cursor:
            cursor.executemany(self._sql(sql), list(rows))
            return int(cursor.rowcount)


class Database:
    """A pool of connections to one store (one shared connection for SQLite)."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self.dialect: Dialect = location.dialect
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        self._pool: Any = None
        if self.dialect == "sqlite":
            self._open_sqlite(Path(location.target))
        else:
            self._open_postgresql(location.target)

    def _open_sqlite(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is
            # exactly what the code says (the sqlite3 module's implicit ones are not).
            db = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=30
            )
            db.execute("PRAGMA busy_timeout = 30000")
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(problem("push-store-wal", str(path), mode=mode).line())
            # NORMAL in WAL mode: a killed process loses nothing committed; only a power cut
            # may drop the last transactions (the notifier then sends those again, same tag).
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise StoreError(problem("push-store-open", str(path), detail=exc).line()) from None
        self._sqlite = db

    def _open_postgresql(self, url: str) -> None:
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreError(problem("push-db-no-driver", self.location.shown()).line()) from None
        try:
            self._pool = ConnectionPool(
                url, min_size=1, max_size=8, open=True, timeout=30, kwargs={"autocommit": False}
            )
            self._pool.wait(timeout=30)
        except (psycopg.Error, Exception) as exc:
            if self._pool is not None:
                self._pool.close()
            line = problem("push-store-open", self.location.shown(), detail=exc).line()
            raise StoreError(line) from None

    def close(self) -> None:
        if self._sqlite is not None:
            with self._lock:
                self._sqlite.close()
        if self._pool is not None:
            self._pool.close()

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        """A write transaction. SQLite: BEGIN IMMEDIATE takes the write lock up front, so two
        processes never both read and then both try to upgrade (SQLITE_BUSY at once)."""
        if self._sqlite is not None:
            with self._lock:
                self._sqlite.execute("BEGIN IMMEDIATE")
                try:
                    yield Conn(self._sqlite, "sqlite")
                except BaseException:
                    self._sqlite.execute("ROLLBACK")
                    raise
                else:
                    self._sqlite.execute("COMMIT")
            return
        with self._pool.connection() as raw, raw.transaction():
            yield Conn(raw, "postgresql")

    def write_one(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement, atomic by itself: SQLite runs it in autocommit mode (no BEGIN and
        COMMIT around it: a third of the statements of a send's bookkeeping); rows changed."""
        if self._sqlite is not None:
            with self._lock:
                return int(self._sqlite.execute(sql, params).rowcount)
        with self._pool.connection() as raw:
            return int(raw.execute(sql.replace("?", "%s"), params).rowcount)

    @contextmanager
    def read(self) -> Iterator[Conn]:
        """A read (a consistent snapshot of one statement or more)."""
        if self._sqlite is not None:
            with self._lock:
                yield Conn(self._sqlite, "sqlite")
            return
        with self._pool.connection() as raw:
            yield Conn(raw, "postgresql")
