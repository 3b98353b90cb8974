"""How many forked worker processes a large job uses (the build's render stage, the lesson
checks): the CPUs this process may run on, at most `MAX_WORKERS`, or `ANTQ_WORKERS`.

`ANTQ_WORKERS=1` runs everything in the one process (to profile a build, or on a machine
where forking is unwelcome); any other positive number is taken as given, up to the cap.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

from generator.data.messages_vi import say
from generator.errors import AntqError, BuildError, UsageError

# Each forked worker copies the pages of the parent's memory it touches (the national
# model is hundreds of MB), so more workers cost memory before they save time.
MAX_WORKERS = 4
ENV = "ANTQ_WORKERS"
T = TypeVar("T")


def count() -> int:
    """The number of worker processes (1: no fork)."""
    forced = os.environ.get(ENV, "").strip()
    if forced:
        if not forced.isdigit() or int(forced) < 1:
            raise UsageError(say("workers-invalid", name=ENV, value=forced))
        return min(int(forced), MAX_WORKERS)
    found = getattr(os, "process_cpu_count", None)  # Python 3.13: the CPUs this process may use
    if found is not None:
        cpus = found()
    elif hasattr(os, "sched_getaffinity"):
        cpus = len(os.sched_getaffinity(0))
    else:
        cpus = os.cpu_count()
    return max(1, min(cpus or 1, MAX_WORKERS))


class Beside(Generic[T]):
    """`function(*args)` run in a forked child process while this one goes on with other
    work (the build's validation beside its load, model and pages stages: issue 18, a cold
    build's serial stages left one core idle). `result()` waits for it and gives its value,
    or raises the exception it raised (an `AntqError` as it was, with its Vietnamese lines);
    `stop()` ends it and every process it started (its own process group), for a build
    stopped meanwhile. The child's value and exception come back pickled through a pipe.

    multiprocessing's pools do not fit: a pool's worker cannot be stopped with the processes
    it started itself (the validation's own worker pool), and would be left running."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_beside, args=(send, function, args))
        self._process.start()
        send.close()  # (the child holds its end: the pipe ends when the child does)
        self._done = False

    def result(self) -> T:
        try:
            ok, value = self._receive.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            pid, code = self._process.pid, self._finish()
            raise BuildError(say("worker-died", pid=str(pid), status=str(code))) from None
        self._finish()
        if ok:
            return cast(T, value)
        raise value

    def stop(self) -> None:
        """End the child and its own children now (nothing it writes is half-written:
        every cache file is written through a temporary file and a rename)."""
        if self._done:
            return
        try:
            os.killpg(self._process.pid, signal.SIGTERM)  # type: ignore[arg-type]
        except (ProcessLookupError, PermissionError):  # not yet a group of its own
            with contextlib.suppress(OSError):
                self._process.terminate()
        self._finish()

    def _finish(self) -> int | None:
        self._process.join()
        self._receive.close()
        self._done = True
        return self._process.exitcode


def _beside(send: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The child of `Beside`: a process group of its own (`Beside.stop` ends it whole),
    then `function(*args)` and what came of it, sent back."""
    os.setpgid(0, 0)
    try:
        reply: tuple[bool, Any] = (True, function(*args))
    except BaseException as exc:  # (KeyboardInterrupt too: the parent decides)
        if not isinstance(exc, AntqError):  # a bug: where it was raised, in the parent's
            exc.add_note("".join(traceback.format_exception(exc)).rstrip())  # traceback
        reply = (False, exc)
    with contextlib.suppress(OSError):  # OSError: the parent is gone (killed), nobody to tell
        try:
            send.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError):  # does not pickle
            text = "".join(traceback.format_exception(reply[1])) if not reply[0] else repr(reply)
            send.send((False, RuntimeError(f"a forked process failed:\n{text}")))
    send.close()
