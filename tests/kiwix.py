"""Debian's kiwix-serve as a real client of the ZIM files the tests export (issue: the teach
export), started on a free port of 127.0.0.1 and stopped by its own PID."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

KIWIX_SERVE = "/usr/bin/kiwix-serve"


@contextmanager
def kiwix_serve(*archives: Path) -> Iterator[str]:
    """kiwix-serve serving `archives` (ZIM files); yields its base URL once it answers."""
    assert Path(KIWIX_SERVE).exists(), "kiwix-tools is missing: run the README's test command"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [KIWIX_SERVE, "--address", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, *map(str, archives)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=1):
                    break
            except OSError:
                assert process.poll() is None, "kiwix-serve exited"
                assert time.monotonic() < deadline, "kiwix-serve did not start"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
