"""How many forked worker processes a large job uses (the build's render stage, the lesson
checks): the CPUs this process may run on, at most `MAX_WORKERS`, or `ANTQ_WORKERS`.

`ANTQ_WORKERS=1` runs everything in the one process (to profile a build, or on a machine
where forking is unwelcome); any other positive number is taken as given, up to the cap.
"""

from __future__ import annotations

import os

from generator.data.messages_vi import say
from generator.errors import UsageError

# Each forked worker copies the pages of the parent's memory it touches (the national
# model is hundreds of MB), so more workers cost memory before they save time.
MAX_WORKERS = 4
ENV = "ANTQ_WORKERS"


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
