"""A total deadline per push request, which socket timeouts (and requests, urllib3) do not give.

A `timeout` bounds the connection and then each socket read: an endpoint that answers one
byte a second never trips it, and holds a worker (and the delivery's lease) for as long as it
likes. Here every socket a request uses is registered with the request's `Deadline` (a new one
as it is opened, a kept-alive one as it is reused); when the deadline passes, one watchdog
thread shuts the socket down, so the blocked read returns at once and the client raises. The
TLS handshake is covered too: wire.py registers the socket before it.

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


def watch_current(sock: socket.socket | None) -> None:
    """Register a socket with the Deadline of the request this thread is making, if any."""
    deadline: Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(sock)


def deadline_expired() -> bool:
    """Whether the request this thread is making has run out of time."""
    deadline: Deadline | None = getattr(_current, "deadline", None)
    return deadline is not None and deadline.expired
