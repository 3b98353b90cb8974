"""What changed under an output folder since `antq serve` last looked (issue 18): the
server's own record of what it wrote, checked by the kernel instead of by `stat`.

A rebuild in place (generator.output.InPlace) reuses every output whose key is unchanged,
and must know it is still on disk: a file deleted behind the server's back is made again.
That check was one `stat` per kept page and search copy, ~14,000 for a one-row edit of the
national site. `TreeWatch` asks the kernel instead (Linux inotify, one watch per folder):
every creation, deletion, rename, write or change of attributes in the tree is queued by
the kernel as the system call that makes it returns, so reading the queue at the start of a
plan (`begin`) lists every path touched since the last read, whoever touched it. A kept file
is vouched for (no `stat`) only when

- the watch has been running since before the last check of every file by `stat` (a watch
  just (re)started vouches for nothing until one whole build has checked and committed:
  `fresh`),
- no event named it or a folder above it (a folder created, removed or renamed makes its
  whole subtree suspect: files moved in with it raise no event of their own), and
- the queue never overflowed and the root itself was never removed or renamed (then the
  watch is `lost` and is started again between rebuilds: `start`).

Events read are kept as suspects until a build that began after reading them has committed
(`settle`): a build that fails leaves them for the next. Our own writes raise events too:
they make the few files an edit rewrote suspect for the next build (one `stat` each).

Why our own code: Python has no inotify binding, and the watcher `antq serve` already uses
for data/ (watchfiles) reads events in a thread of its own and hands them on after a
debounce, so it cannot say "everything up to now"; reading the kernel's queue can.
Anything that goes wrong (not Linux, no inotify, the watch limit reached) leaves the watch
off: then every kept file is checked by `stat`, as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import struct
import threading

IN_MODIFY = 0x2
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x1000000
IN_DONT_FOLLOW = 0x2000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000

MASK = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
    | IN_ONLYDIR
    | IN_DONT_FOLLOW
)
_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then name)


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1, libc.inotify_add_watch  # noqa: B018 (present, or AttributeError)
    except (OSError, AttributeError):
        return None
    return libc


class TreeWatch:
    """The kernel's record of what changed under `root` (module docstring)."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self._lock = threading.Lock()  # (the indexer thread's builds and the rebuilds')
        self._fd = -1
        self._wds: dict[int, str] = {}  # watch → folder relative to root ("" the root)
        self.lost = True  # not running (never started, overflowed, root gone)
        self.fresh = True  # started, not yet followed by a checked, committed build
        self._files: set[str] = set()  # suspect files, relative to root
        self._dirs: set[str] = set()  # suspect folders: their whole subtree
        # At `begin`: the suspect files, and the suspect folders as prefixes ("a/b/").
        self._taken: tuple[frozenset[str], tuple[str, ...]] | None = None

    # -- running ---------------------------------------------------------------------------

    def start(self) -> bool:
        """(Re)start the watch on every folder under the root (idle time: ~14,000 folders
        on the national site). It vouches for nothing until a build has checked every kept
        file by `stat` and committed (`fresh`)."""
        with self._lock:
            self._close()
            libc = _libc()
            if libc is None or not os.path.isdir(self.root):
                return False
            fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
            if fd < 0:
                return False
            self._fd, self._wds = fd, {}
            self._files, self._dirs, self._taken = set(), set(), None
            if not self._add_tree(libc, ""):
                self._close()
                return False
            self.lost, self.fresh = False, True
            return True

    def _add_tree(self, libc: ctypes.CDLL, rel: str) -> bool:
        """Watch the folder `rel` and every folder under it; False when a watch could not
        be added (the per-user limit): the watch cannot vouch for anything then."""
        stack = [rel]
        while stack:
            folder = stack.pop()
            path = f"{self.root}/{folder}" if folder else self.root
            wd = libc.inotify_add_watch(self._fd, os.fsencode(path), MASK)
            if wd < 0:
                if ctypes.get_errno() in (2, 20):  # ENOENT, ENOTDIR: gone meanwhile
                    continue
                return False
            self._wds[wd] = folder
            try:
                with os.scandir(path) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(f"{folder}/{entry.name}" if folder else entry.name)
            except OSError:
                continue  # removed meanwhile: its parent's event says so
        return True

    def _close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._wds, self.lost = -1, {}, True

    def close(self) -> None:
        with self._lock:
            self._close()

    def __del__(self) -> None:
        # A watch is one of the user's few inotify instances (128 by default, shared with
        # every other program): a holder dropped without `close` (a test's) gives it back.
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1

    # -- reading -----------------------------------------------------------------------------

    def _drain(self) -> None:
        """Read every event queued so far into the suspects (under the lock)."""
        if self.lost:
            return
        libc: ctypes.CDLL | None = None
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                self._close()
                return
            offset = 0
            while offset < len(data):
                wd, mask, _, size = _HEADER.unpack_from(data, offset)
                offset += _HEADER.size
                name = data[offset : offset + size].rstrip(b"\0").decode("utf-8", "surrogateescape")
                offset += size
                if mask & IN_Q_OVERFLOW:
                    self._close()
                    return
                folder = self._wds.get(wd)
                if folder is None:
                    continue
                if mask & IN_IGNORED:
                    del self._wds[wd]
                    continue
                if mask & (IN_DELETE_SELF | IN_MOVE_SELF):
                    if folder == "":
                        self._close()  # the root itself: nothing it had holds
                        return
                    self._dirs.add(folder)
                    continue
                rel = f"{folder}/{name}" if folder else name
                if mask & IN_ISDIR:
                    self._dirs.add(rel)
                    if mask & (IN_CREATE | IN_MOVED_TO):  # watched from now on
                        libc = libc or _libc()
                        if libc is None or not self._add_tree(libc, rel):
                            self._close()
                            return
                else:
                    self._files.add(rel)

    def begin(self) -> None:
        """A build starts its plan: the events so far are read; the suspects it sees are
        the ones `settle` clears once it has committed."""
        with self._lock:
            self._drain()
            self._taken = (frozenset(self._files), tuple(sorted(f"{d}/" for d in self._dirs)))

    def vouches(self, rel: str) -> bool:
        """Whether the file `rel` the last committed build left is surely still there as
        it was left (no `stat` needed): see the module docstring."""
        if self.lost or self.fresh or self._taken is None:
            return False
        files, dirs = self._taken
        return rel not in files and not (dirs and rel.startswith(dirs))

    def settle(self) -> None:
        """The build that called `begin` committed: every kept file it relied on was
        vouched for or checked, every other one it wrote or removed (its own events follow,
        read by the next `begin`). The suspects it saw are cleared; a watch started before
        it is no longer `fresh`."""
        with self._lock:
            if self._taken is None:
                return
            files, dirs = self._taken
            self._files -= files
            self._dirs -= {d[:-1] for d in dirs}
            self._taken = None
            if not self.lost:
                self.fresh = False
