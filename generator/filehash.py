"""Content hashes of input files, kept from one build to the next under what `stat` says of
each file (issue 21): a build with nothing changed reads no file's bytes, even with
thousands of 12-megapixel photos in data/news/.

Every cache of antq is keyed by content (a file's SHA-256), never by a modification time;
this module only decides when a file's SHA-256 must be computed again. A file's stored hash
is reused when its path, size, modification and change times (nanoseconds), inode and
device are all what they were when it was hashed; any difference re-reads the file. This is
the trade-off git's index and make take, and its limit is theirs: a change that keeps the
size and sets both times back (a program that rewrites a file in place and restores its
times, or a clock set back) is not seen. The change time (ctime) cannot be set by a user
program (`touch -r` sets the modification time and so moves ctime), which closes the
common case. A file changed in the same clock tick as it was hashed would look unchanged
("racily clean" in git's words): a hash is trusted only for a file whose times are at least
RACY_NS older than the moment it was hashed; a newer one is hashed again next time.

A git checkout or a copy gives files new times (and new inodes): their hashes are computed
again, once, and give the same keys as before (nothing is rebuilt). `antq build --full`
(BuildOptions.full) trusts no stored hash: every file is read and hashed again, and the
store is refreshed.

Not configured (a library call, `antq validate`), `digest` simply hashes the bytes; within
one process a file is hashed once while its `stat` stays the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

STORE = "file-hashes.json"  # in the cache folder (BuildOptions.cache_dir / ANTQ_CACHE_DIR)
FORMAT = 1
RACY_NS = 2_000_000_000  # 2 s: coarser than any file system's timestamp granularity
CHUNK = 1 << 20

# What `stat` says of a file: size, mtime_ns, ctime_ns, inode, device.
Stat = tuple[int, int, int, int, int]


def _stat(info: os.stat_result) -> Stat:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileHashes:
    """The store of hashes by path (module docstring). One per process: `HASHES`."""

    def __init__(self) -> None:
        self.store: Path | None = None
        self.trust = False
        self.kept: dict[str, tuple[Stat, int, str]] = {}  # path → (stat, hashed at, digest)
        self.memo: dict[str, tuple[Stat, str]] = {}  # this process's hashes
        self.changed = False
        self.read = 0  # files whose bytes were hashed in this process (for tests, the bench)

    def configure(self, cache_dir: Path | None, *, trust: bool) -> None:
        """Keep the hashes in `cache_dir` (None: nowhere); `trust`: reuse the stored ones
        (False for `--full`: every file is hashed again, the store refreshed)."""
        self.store = cache_dir / STORE if cache_dir is not None else None
        self.trust = trust
        self.kept = self._load() if self.store is not None else {}
        self.memo = {}
        self.changed = False
        self.read = 0

    def _load(self) -> dict[str, tuple[Stat, int, str]]:
        assert self.store is not None
        try:
            data = json.loads(self.store.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return {}
            return {
                path: (tuple(entry[0]), int(entry[1]), str(entry[2]))
                for path, entry in data["files"].items()
            }
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return {}  # missing or damaged: every file is hashed again

    def digest(self, path: Path) -> str:
        """The SHA-256 (hex) of the file's bytes: stored, or computed now."""
        info = os.stat(path)
        stat = _stat(info)
        name = os.path.abspath(path)
        seen = self.memo.get(name)
        if seen is not None and seen[0] == stat:
            return seen[1]
        kept = self.kept.get(name) if self.trust else None
        if kept is not None and kept[0] == stat:
            self.memo[name] = (stat, kept[2])
            return kept[2]
        hashed_at = time.time_ns()
        value = sha256_file(path)
        self.read += 1
        settled = hashed_at - max(info.st_mtime_ns, info.st_ctime_ns) >= RACY_NS
        if settled:
            self.memo[name] = (stat, value)
        if self.store is not None:
            if settled:
                self.kept[name] = (stat, hashed_at, value)
            else:  # racily clean: hashed again next time
                self.kept.pop(name, None)
            self.changed = True
        return value

    def save(self) -> None:
        """Write the store (atomically) when a hash was added; drop files gone since."""
        if self.store is None or not self.changed:
            return
        files = {p: [list(s), at, d] for p, (s, at, d) in self.kept.items() if os.path.exists(p)}
        self.store.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.store.with_name(f"{self.store.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"format": FORMAT, "files": files}), encoding="utf-8")
        os.replace(tmp, self.store)
        self.changed = False


HASHES = FileHashes()


def file_digest(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes, through the process's store (`HASHES`)."""
    return HASHES.digest(path)
