"""Peak proportional memory (PSS) of a command's process tree.

`_measure.run` sums resident memory (RSS) over the tree: pages a forked worker shares
copy-on-write with its parent are counted once per process. PSS divides each shared page
among the processes that map it, so the sum over the tree is what the machine really spends.
Reading /proc/PID/smaps_rollup is slower than /proc/PID/status: sampled every 100 ms.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path


def _tree_pids(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        p = stack.pop()
        pids.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return pids


def _tree_pss_kb(pid: int) -> int:
    total = 0
    for p in _tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue
    return total


def run_pss(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """Run cmd; return the peak PSS of its process tree in MB."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_pss_kb(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()}")
    return peak / 1024
