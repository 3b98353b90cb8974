"""One thread, one event loop: how a notifier waits for many push services at once.

A notifier's lanes (worker.py) and the requests they make (wire.py) are generators. A request
yields a `Wait` — a non-blocking socket, whether it waits to read or to write, and the
request's total deadline (`time.monotonic`) — and is resumed when the socket is ready; when
the deadline passes first, `Expired` is thrown into it at that wait, so a push service that
answers one byte a second, or never, holds its lane for the deadline and no longer, and holds
no other lane at all. The deadline is the loop's own timer (the selector's timeout), not a
watchdog thread: no thread per request or per notifier, no second descriptor per socket.

Why not asyncio: its streams and futures cost more Python per message than the rest of a
send (bench/push_bench.py, issue 20), and the store's calls (psycopg, sqlite3) are blocking
anyway; a lane makes them between its requests. `Loop.run` is the whole scheduler: epoll (a
socket stays in its set between waits, re-armed for each; the selectors module where there is
no epoll), and at most one wait per task.
"""

from __future__ import annotations

import select
import selectors
import socket
import time
from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")

READ = selectors.EVENT_READ
WRITE = selectors.EVENT_WRITE
Wait = tuple[socket.socket, int, float]  # the socket, READ or WRITE, the deadline
Steps = Generator[Wait, None, T]


class WireError(OSError):
    """A connection that failed or answered something this client does not take; `name` is
    what the delivery log shows."""

    def __init__(self, name: str, detail: str = "") -> None:
        super().__init__(f"{name}: {detail}" if detail else name)
        self.name = name


class Expired(WireError):
    """Thrown into a request whose total deadline passed while it waited."""

    def __init__(self) -> None:
        super().__init__("Deadline")


def run_one(steps: Steps[T]) -> T:
    """Run one request to its end in the calling thread (its waits on a selector of its own)."""
    with selectors.DefaultSelector() as selector:
        error: BaseException | None = None
        while True:
            try:
                wait = steps.send(None) if error is None else steps.throw(error)
            except StopIteration as stop:
                return stop.value
            error = None
            sock, events, when = wait
            left = when - time.monotonic()
            if left > 0:
                selector.register(sock, events)
                try:
                    ready = selector.select(left)
                finally:
                    selector.unregister(sock)
            else:
                ready = []
            if not ready:
                error = Expired()


class Loop:
    """Runs tasks (generators of `Wait`s) together in this thread until each has ended."""

    def __init__(self) -> None:
        self.turns = 0  # selector waits made (tests and the bench read it)

    def run(self, tasks: list[Steps[T]]) -> list[T | BaseException]:
        """Each task's result, or the exception it ended with."""
        if not hasattr(select, "epoll"):
            return self._run(tasks, _Portable())
        with select.epoll() as poller:
            return self._run(tasks, _OneShot(poller))

    def _run(self, tasks: list[Steps[T]], poller: _Poller) -> list[T | BaseException]:
        results: list[T | BaseException] = [Expired()] * len(tasks)
        # fd → (task index, deadline); a task waits on one socket at a time.
        waiting: dict[int, tuple[int, float]] = {}
        resume: list[tuple[int, BaseException | None]] = [(i, None) for i in range(len(tasks))]
        try:
            while resume or waiting:
                for index, error in resume:
                    task = tasks[index]
                    try:
                        wait = task.send(None) if error is None else task.throw(error)
                    except StopIteration as stop:
                        results[index] = stop.value
                        continue
                    except BaseException as exc:  # a bug: the caller decides
                        results[index] = exc
                        continue
                    sock, events, when = wait
                    fd = sock.fileno()
                    poller.arm(fd, events)
                    waiting[fd] = (index, when)
                resume = []
                if not waiting:
                    break
                now = time.monotonic()
                soonest = min(when for _, when in waiting.values())
                self.turns += 1
                for fd in poller.ready(max(0.0, soonest - now)):
                    found = waiting.pop(fd, None)
                    if found is not None:  # else a wait given up at its deadline
                        resume.append((found[0], None))
                now = time.monotonic()
                for fd, (index, when) in list(waiting.items()):
                    if when <= now:  # its deadline passed while it waited
                        poller.disarm(fd)
                        del waiting[fd]
                        resume.append((index, Expired()))
        finally:
            poller.close()
        return results


class _Poller:
    def arm(self, fd: int, events: int) -> None:
        raise NotImplementedError

    def disarm(self, fd: int) -> None:
        raise NotImplementedError

    def ready(self, timeout: float) -> list[int]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _OneShot(_Poller):
    """epoll with one-shot registrations: an event disarms its socket, and the next wait on
    it re-arms it (one epoll_ctl) instead of a registration and a removal per wait (two,
    and the selectors module's bookkeeping: bench/push_bench.py, issue 20). A closed
    socket leaves the epoll set by itself; a new one on the same number is added again."""

    def __init__(self, poller: select.epoll) -> None:
        self.poller = poller
        self.known: set[int] = set()  # fds registered (armed or not)

    def arm(self, fd: int, events: int) -> None:
        mask = select.EPOLLONESHOT | (select.EPOLLIN if events == READ else select.EPOLLOUT)
        if fd in self.known:
            try:
                self.poller.modify(fd, mask)
                return
            except FileNotFoundError:  # closed since, and the number reused
                pass
        self.poller.register(fd, mask)
        self.known.add(fd)

    def disarm(self, fd: int) -> None:
        try:
            self.poller.modify(fd, select.EPOLLONESHOT)  # no events
        except OSError:
            self.known.discard(fd)

    def ready(self, timeout: float) -> list[int]:
        return [fd for fd, _ in self.poller.poll(timeout)]


class _Portable(_Poller):
    """Where there is no epoll: the selectors module, one registration per wait."""

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()

    def arm(self, fd: int, events: int) -> None:
        self.selector.register(fd, events)

    def disarm(self, fd: int) -> None:
        self.selector.unregister(fd)

    def ready(self, timeout: float) -> list[int]:
        out = []
        for key, _ in self.selector.select(timeout):
            self.selector.unregister(key.fd)
            out.append(key.fd)
        return out

    def close(self) -> None:
        self.selector.close()
