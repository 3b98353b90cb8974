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

A git checkout or a copy gives files new times (and new inodes). In a git working tree
(the data repository, as committed and checked out anew by CI) the file is not read again
either: git's index holds each tracked file's blob id, and `git diff-files` tells which
tracked files differ from it (git's own stat check, racily clean entries compared by
content). The store keeps, beside the stat keys, what blob id each hashed content had
(`blobs`: blob id → size, SHA-256, both computed by this module from the same read of the
bytes, so the pair is a fact about content, whatever git says of a path). A tracked file
that git reports unchanged, whose blob id the store knows with the file's size, whose
`stat` did not move while git looked, and that no attribute passes through a filter
(`filter`, `ident`, `working-tree-encoding`: its blob would not be its bytes) takes that
SHA-256 without being read. Every other file (modified, untracked, assume-unchanged or
skip-worktree, a symlink, outside a repository, or git missing) is hashed as before.
`antq build --full` (BuildOptions.full) trusts neither: every file is read and hashed
again, and the store is refreshed.

Not configured (a library call, `antq validate`), `digest` simply hashes the bytes; within
one process a file is hashed once while its `stat` stays the same.

One build is one *pass* (`begin_pass` … `end_pass`): within it a file whose `stat` is
unchanged is hashed once, even a racily clean one (a file just saved: the one an edit in
`antq serve` changed), whose hash is not trusted from one pass to the next. The pass may
also keep the bytes it hashed of some files (`begin_pass(keep=…)`: `antq serve` keeps the
leaf tables'): a later read of such a file in the same pass, with the same `stat`, gets
those very bytes (`kept_bytes`) and their digest (`digest_of`) instead of reading and
hashing its 33 MB again (issue 18: the yearly results were hashed six times per edit).
A build thus reads one snapshot of such a file; the racily-clean limit above applies
within the pass (a rewrite in the same clock tick at the same size is not seen until the
next pass, which hashes the file again).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STORE = "file-hashes.json"  # in the cache folder (BuildOptions.cache_dir / ANTQ_CACHE_DIR)
FORMAT = 2
GIT_TIMEOUT = 60  # seconds for one git command; past it, files are hashed as without git
# Attributes under which a tracked file's blob is not its working-tree bytes.
FILTERS = ("filter", "ident", "working-tree-encoding")
RACY_NS = 2_000_000_000  # 2 s: coarser than any file system's timestamp granularity
CHUNK = 1 << 20

# What `stat` says of a file: size, mtime_ns, ctime_ns, inode, device.
Stat = tuple[int, int, int, int, int]


def _stat(info: os.stat_result) -> Stat:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    return _hash_file(path, None)[0]


def _hash_file(path: Path, blob: tuple[str, int] | None) -> tuple[str, str | None]:
    """The SHA-256 of a file's bytes and, with `blob` (git's object format, the size
    `stat` gave), the git blob id of the same bytes (None when the read size was not that
    size: the file changed while it was read)."""
    digest = hashlib.sha256()
    git = hashlib.new(blob[0], b"blob %d\0" % blob[1]) if blob is not None else None
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            if git is not None:
                git.update(chunk)
    same = blob is not None and size == blob[1]
    return digest.hexdigest(), git.hexdigest() if git is not None and same else None


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """A git command's output in `root`, None when it fails (no repository, no git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _index_stat(root: Path) -> Stat | None:
    path = _git(root, "rev-parse", "--path-format=absolute", "--git-path", "index")
    try:
        return _stat(os.stat(path.decode().strip())) if path else None
    except OSError:
        return None


def git_blobs(root: Path) -> tuple[str, dict[str, tuple[str, Stat, int]]] | None:
    """The tracked files under `root` that git finds unchanged: (object format, absolute
    path → (blob id, `stat` before git looked, when git looked)). None outside a repository
    or when the index changed while it was read. Only regular files (modes 100644, 100755)
    of stage 0, neither assume-unchanged nor skip-worktree, under no filter (FILTERS)."""
    quiet = ("-c", "core.fsmonitor=false")  # git's own stat check, no file-system monitor
    form = _git(root, "rev-parse", "--show-object-format")
    before = _index_stat(root)
    listed = _git(root, *quiet, "ls-files", "-s", "-v", "-z")
    if form is None or before is None or listed is None:
        return None
    entries: dict[str, str] = {}
    for line in listed.split(b"\0"):
        head, _, raw = line.partition(b"\t")
        fields = head.split(b" ")
        regular = len(fields) == 4 and fields[1] in (b"100644", b"100755")
        if regular and fields[0] == b"H" and fields[3] == b"0":
            entries[raw.decode("utf-8", "surrogateescape")] = fields[2].decode()
    stats: dict[str, Stat] = {}
    for rel in entries:
        try:
            stats[rel] = _stat(os.stat(root / rel))
        except OSError:
            continue
    looked = time.time_ns()
    dirty = _git(root, *quiet, "diff-files", "--name-only", "--relative", "-z")
    attrs = _git(root, "check-attr", "-z", "--stdin", *FILTERS, stdin=_paths(stats))
    if dirty is None or attrs is None or _index_stat(root) != before:
        return None
    skip = {p.decode("utf-8", "surrogateescape") for p in dirty.split(b"\0") if p}
    parts = attrs.split(b"\0")
    for i in range(0, len(parts) - 2, 3):
        if parts[i + 2] != b"unspecified":
            skip.add(parts[i].decode("utf-8", "surrogateescape"))
    found = {
        os.path.abspath(root / rel): (entries[rel], stat, looked)
        for rel, stat in stats.items()
        if rel not in skip
    }
    return form.decode().strip(), found


def _paths(names: dict[str, Stat]) -> bytes:
    return b"".join(name.encode("utf-8", "surrogateescape") + b"\0" for name in names)


class FileHashes:
    """The store of hashes by path (module docstring). One per process: `HASHES`."""

    def __init__(self) -> None:
        self.store: Path | None = None
        self.trust = False
        self.kept: dict[str, tuple[Stat, int, str]] = {}  # path → (stat, hashed at, digest)
        self.blobs: dict[str, tuple[int, str]] = {}  # "format:blob id" → (size, digest)
        self.memo: dict[str, tuple[Stat, str]] = {}  # this process's hashes
        self.changed = False
        self.read = 0  # files whose bytes were hashed in this process (for tests, the bench)
        self.git_root: Path | None = None
        self.git: tuple[str, dict[str, tuple[str, Stat, int]]] | None = None  # git_blobs
        self.asked_git = False
        # The current build's pass (module docstring): path → (stat, digest), and the
        # bytes kept of the files `keep` names: path → (stat, bytes, digest).
        self.passing = False
        self.passed: dict[str, tuple[Stat, str]] = {}
        self.kept_data: dict[str, tuple[Stat, bytes, str]] = {}
        self.keep: Callable[[str], bool] | None = None

    def begin_pass(self, keep: Callable[[str], bool] | None = None) -> None:
        """A build starts: each file hashed once in it (`keep(absolute path)`: its bytes
        kept too, for the build's later reads)."""
        self.passing, self.keep = True, keep
        self.passed, self.kept_data = {}, {}

    def end_pass(self) -> None:
        self.passing, self.keep = False, None
        self.passed, self.kept_data = {}, {}

    def kept_bytes(self, path: Path, info: os.stat_result) -> bytes | None:
        """The bytes this pass hashed of `path`, when `stat` still says `info` of it."""
        held = self.kept_data.get(os.path.abspath(path)) if self.kept_data else None
        return held[1] if held is not None and held[0] == _stat(info) else None

    def digest_of(self, data: bytes) -> str | None:
        """The digest of `data` when it is the very object `kept_bytes` gave (no hashing)."""
        for _, held, value in list(self.kept_data.values()):  # (read by the gzip thread too)
            if held is data:
                return value
        return None

    def configure(
        self, cache_dir: Path | None, *, trust: bool, git_root: Path | None = None
    ) -> None:
        """Keep the hashes in `cache_dir` (None: nowhere); `trust`: reuse the stored ones
        (False for `--full`: every file is hashed again, the store refreshed); `git_root`:
        the folder whose files git's index may vouch for (module docstring)."""
        self.store = cache_dir / STORE if cache_dir is not None else None
        self.trust = trust
        self.kept, self.blobs = self._load() if self.store is not None else ({}, {})
        self.memo = {}
        self.changed = False
        self.read = 0
        self.git_root = git_root
        self.git = None
        self.asked_git = False

    def _load(self) -> tuple[dict[str, tuple[Stat, int, str]], dict[str, tuple[int, str]]]:
        assert self.store is not None
        try:
            data = json.loads(self.store.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return {}, {}
            files = {
                path: (tuple(entry[0]), int(entry[1]), str(entry[2]))
                for path, entry in data["files"].items()
            }
            blobs = {oid: (int(size), str(sha)) for oid, (size, sha) in data["blobs"].items()}
            return files, blobs
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return {}, {}  # missing or damaged: every file is hashed again

    def _git_view(self) -> tuple[str, dict[str, tuple[str, Stat, int]]] | None:
        """What git's index says of the files under `git_root`, asked once per process and
        only when a file's stat key missed (a build with nothing changed runs no git)."""
        if not self.asked_git and self.git_root is not None and self.store is not None:
            self.asked_git = True
            self.git = git_blobs(self.git_root)
        return self.git

    def _from_git(self, name: str, stat: Stat) -> str | None:
        """The file's SHA-256 by its blob id, when git vouches for it (module docstring)."""
        view = self._git_view()
        entry = view[1].get(name) if view is not None else None
        if view is None or entry is None or entry[1] != stat:
            return None  # unknown to git, changed, or changed since git looked
        known = self.blobs.get(f"{view[0]}:{entry[0]}")
        if known is None or known[0] != stat[0]:
            return None
        if entry[2] - max(stat[1], stat[2]) >= RACY_NS:
            self.kept[name] = (stat, entry[2], known[1])
            self.changed = True
        return known[1]

    def digest(self, path: Path) -> str:
        """The SHA-256 (hex) of the file's bytes: stored, or computed now."""
        info = os.stat(path)
        stat = _stat(info)
        name = os.path.abspath(path)
        for seen in (self.memo.get(name), self.passed.get(name) if self.passing else None):
            if seen is not None and seen[0] == stat:
                return seen[1]
        kept = self.kept.get(name) if self.trust else None
        if kept is not None and kept[0] == stat:
            self.memo[name] = (stat, kept[2])
            return kept[2]
        known = self._from_git(name, stat) if self.trust else None
        if known is not None:
            self.memo[name] = (stat, known)
            return known
        hashed_at = time.time_ns()
        view = self._git_view()
        value, blob = self._hash(path, name, stat, view)
        self.read += 1
        if self.passing:
            self.passed[name] = (stat, value)
        if blob is not None and view is not None and self.store is not None:
            self.blobs[f"{view[0]}:{blob}"] = (stat[0], value)
            self.changed = True
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

    def _hash(
        self, path: Path, name: str, stat: Stat, view: tuple[str, Any] | None
    ) -> tuple[str, str | None]:
        """`_hash_file`, or in a pass that keeps this file's bytes, one read of the whole
        file hashed and kept (when its `stat` did not move while it was read)."""
        blob = (view[0], stat[0]) if view is not None else None
        if not (self.passing and self.keep is not None and self.keep(name)):
            return _hash_file(path, blob)
        with path.open("rb") as fh:
            data = fh.read()
            after = _stat(os.fstat(fh.fileno()))
        value = hashlib.sha256(data).hexdigest()
        git = None
        if blob is not None and len(data) == blob[1]:
            oid = hashlib.new(blob[0], b"blob %d\0" % blob[1])
            oid.update(data)
            git = oid.hexdigest()
        if after == stat and len(data) == stat[0]:
            self.kept_data[name] = (stat, data, value)
        return value, git

    def save(self) -> None:
        """Write the store (atomically) when a hash was added; drop files gone since."""
        if self.store is None or not self.changed:
            return
        files = {p: [list(s), at, d] for p, (s, at, d) in self.kept.items() if os.path.exists(p)}
        # A blob id is kept while some file still has its content.
        current = {entry[2] for entry in files.values()}
        blobs = {oid: [size, d] for oid, (size, d) in self.blobs.items() if d in current}
        self.store.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.store.with_name(f"{self.store.name}.{os.getpid()}.tmp")
        store = {"format": FORMAT, "files": files, "blobs": blobs}
        tmp.write_text(json.dumps(store), encoding="utf-8")
        os.replace(tmp, self.store)
        self.changed = False


HASHES = FileHashes()


def file_digest(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes, through the process's store (`HASHES`)."""
    return HASHES.digest(path)
