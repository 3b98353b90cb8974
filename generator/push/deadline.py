"""A total deadline per push request, which requests and urllib3 do not have.

A `timeout` bounds the connection and then each socket read: an endpoint that answers one
byte a second never trips it, and holds a worker (and the delivery's lease) for as long as it
likes. Here every socket a request uses is registered with the request's `Deadline` (a new one
as it is opened, a kept-alive one as it is reused); when the deadline passes, one watchdog
thread shuts the socket down, so the blocked read returns at once and the client raises. The
TLS handshake is covered too: the socket is registered before it.

Registered sockets are new descriptors of the connection's socket (`socket.fromfd`): shutting
one down ends the connection, and the descriptor cannot be closed and reused by another
connection before the watchdog fires. `socket.dup()` is not used: an `ssl.SSLSocket` refuses
it (NotImplementedError), which made every kept-alive HTTPS connection fail on its second
request. One watchdog for every deadline, not a timer thread per request: starting a thread
cost more CPU than the rest of a send.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager, ProxyManager

_current = threading.local()  # the Deadline of the request this thread is making


class _Watchdog:
    """One daemon thread that expires deadlines in order of their time."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.when, next(self._seq), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="push-deadline")
                self._thread.daemon = True
                self._thread.start()
            elif self._heap[0][2] is deadline:
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)  # finished in time: forget it
                if not self._heap:
                    self._cond.wait(30)
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                _, _, due = heapq.heappop(self._heap)
                due._expire()


_WATCHDOG = _Watchdog()


class Deadline:
    """`with Deadline(seconds):` around one request made in this thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.when = 0.0
        self.expired = False
        self.done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Deadline:
        _current.deadline = self
        self.when = time.monotonic() + self.seconds
        _WATCHDOG.add(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _current.deadline = None
        with self._lock:
            self.done = True
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            try:
                copy = socket.fromfd(sock.fileno(), sock.family, sock.type)
            except (OSError, ValueError):
                return  # already closed: nothing left to stop
            self._sockets.append(copy)
            if self.expired:
                _shut(copy)

    def _expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watch(sock: socket.socket | None) -> None:
    deadline: Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(sock)


class _DeadlineHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a kept-alive connection: no new socket
        super().request(*args, **kwargs)


class _DeadlineHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)
        super().request(*args, **kwargs)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An adapter whose connections obey the thread's current `Deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _use_deadline_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **kwargs)
        if type(manager) is ProxyManager:  # through an http(s) proxy; SOCKS has its own pools
            _use_deadline_pools(manager)
        return manager


def _use_deadline_pools(manager: PoolManager) -> None:
    manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def connection_pool(origin: str, timeout: float) -> HTTPConnectionPool:
    """One kept-alive connection to a push service (scheme://host[:port]) whose requests obey
    the thread's current `Deadline`. No proxy: push services are reached directly."""
    parts = urlsplit(origin)
    https = parts.scheme == "https"
    cls = _HTTPSPool if https else _HTTPPool
    port = parts.port or (443 if https else 80)
    return cls(parts.hostname or "", port, maxsize=1, block=False, timeout=timeout, retries=False)
