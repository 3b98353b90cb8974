"""Writing the site: a fresh directory, unchanged files hard-linked from the previous build,
then one atomic swap. A failed build never touches the previous site.

`antq serve` (issue 18) writes its rebuilds in place instead (`InPlace`): only the files a
build made are staged, then each is renamed over its old version in the served folder (a
reader gets the old file or the new one, never half of one), and the outputs the build no
longer has are removed: no tree of 14,500 links is made and deleted for a one-row edit."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from generator.treewatch import TreeWatch

_RENAME_EXCHANGE = 2  # linux/fs.h

# Hex digits spelled with letters: a content hash in a file name must never look like a phone
# or ID number to the privacy checks (`antq check`, the build's verify stage), as 9 hex digits
# in a row can.
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def content_tag(data: bytes, length: int = 10) -> str:
    """A short content hash for versioned file names, letters only."""
    return digest_tag(hashlib.sha256(data).hexdigest(), length)


def digest_tag(hexdigest: str, length: int = 10) -> str:
    """`content_tag` of bytes whose SHA-256 (hex) is already known."""
    return hexdigest[:length].translate(_LETTERS)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, bytes(a), at_fdcwd, bytes(b), _RENAME_EXCHANGE)
    return bool(result == 0)


class Staging:
    """A new output directory next to the target, swapped in by `commit`."""

    # Whether the folder starts as the skeleton of an earlier site (see `skeleton`).
    takes_skeleton = True

    def __init__(self, target: Path, hand_off: bool = False) -> None:
        self.target = target.resolve()
        # The process ends after this build (`antq build`: BuildOptions.leave_heap): the site
        # it replaces is emptied by a process of its own (`_recycle_apart`), not waited for.
        self.hand_off = hand_off
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.dir = self.target.parent / f".{self.target.name}.new-{os.getpid()}"
        if self.dir.exists():
            shutil.rmtree(self.dir)
        # The folders of an earlier site, emptied of files (`_recycle`), when there are any.
        self.recycled = self.takes_skeleton and _take(skeleton(self.target), self.dir)
        if not self.recycled:
            self.dir.mkdir()
        self.written = 0
        self.linked = 0
        # Folders made so far (in this process: a forked render worker keeps its own copy):
        # a site of 12,700 files has ~6,000 folders, and one mkdir call per file cost more
        # than the links themselves (issue 18 item 7).
        self._made: set[Path] = {self.dir}
        self._made_rel: set[str] = set()  # the same, as paths relative to `dir` (`link`)
        self._cleanup: threading.Thread | None = None

    def path(self, rel: str) -> Path:
        out = self.dir / rel
        if out.parent not in self._made:
            out.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(out.parent)
        return out

    def file(self, rel: str) -> str:
        """`path`, as a string (the render jobs write 7,800 pages: pathlib's parsing and
        hashing of each page's folder cost more than its `mkdir`)."""
        folder, _, _ = rel.rpartition("/")
        if folder and folder not in self._made_rel:
            self._mkdir(folder)
        return f"{self.dir}/{rel}"

    def _mkdir(self, folder: str) -> None:
        """Make `folder` (relative to `dir`), and its parents when missing. A cold build makes
        a folder for each of 7,800 pages and as many search copies, nearly each in a folder
        that is there already (/tin-tuc/, a province's): one `mkdir` call, where
        `os.makedirs` first asks for the parent (a `stat` and its Python, each time)."""
        try:
            os.mkdir(f"{self.dir}/{folder}")
        except FileNotFoundError:
            os.makedirs(f"{self.dir}/{folder}", exist_ok=True)
        except FileExistsError:
            pass  # (made already: by another worker, or as a parent of an earlier folder)
        self._made_rel.add(folder)

    def create(self, rel: str) -> BinaryIO:
        """`rel` opened for writing, its folder made when missing. In a build into an
        earlier site's skeleton (`skeleton`) nearly every folder is there already: the file
        is opened first, and only a missing folder costs anything (`os.makedirs` asked of
        each of 7,800 pages cost the render workers ~8 % of their time, its 3 system calls
        and its Python each). In a new folder, each folder is made first (`file`), as the
        opening would fail."""
        if not self.recycled:
            return open(self.file(rel), "wb")
        try:
            return open(f"{self.dir}/{rel}", "wb")
        except FileNotFoundError:
            return open(self.file(rel), "wb")

    def put(self, rel: str, data: bytes) -> str:
        """`data` written at `rel` (`create`'s folders), with `os.open` and `os.write`: the
        builtin `open` adds a `fstat`, an `ioctl` (is it a terminal?) and a `lseek` to each of
        the 15,600 files (pages and search copies) of a cold national build, and its buffered
        file object. Measured with `_mkdir`, 8,000 pages in new folders written in turns with
        `open` and `os.makedirs`: 7 % less CPU (1.06 s against 1.14; the rest is the kernel's
        making of the folders and files). Returns the file's path."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
        name = f"{self.dir}/{rel}"
        try:
            handle = os.open(name if self.recycled else self.file(rel), flags, 0o666)
        except FileNotFoundError:
            if not self.recycled:
                raise
            handle = os.open(self.file(rel), flags, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)
        return name

    def write(self, rel: str, data: bytes) -> Path:
        out = self.path(rel)
        out.write_bytes(data)
        self.written += 1
        return out

    def place(self, rel: str, source: Path) -> Path:
        """`source`'s bytes at `rel` as a hard link (a cache file that is never rewritten in
        place: generator.photos replaces it whole), a copy on another filesystem. 2,000
        photos are 12,000 files, over 1 GB: read and written again they cost a cold build
        more CPU than rendering every article (issue 21)."""
        out = self.path(rel)
        try:
            os.link(source, out)
        except OSError:
            shutil.copyfile(source, out)
        return out

    def find(self, rel: str) -> Path:
        """Where the file this build publishes at `rel` is now (to read it back)."""
        return self.dir / rel

    def where(self, rel: str) -> str:
        """`find`, as a string (asked for thousands of files: see `link`)."""
        return f"{self.dir}/{rel}"

    # Whether `link` is only the check that the previous file is there (`InPlace`): then a
    # caller that must know a file is there before linking it asks `link` once, not `stat`
    # and then `link` (a one-row edit's rebuild asked the same 12,000 files twice: issue 18).
    link_checks_only = False

    def link(self, rel: str) -> bool:
        """Reuse the previous build's file for `rel` (same inode, same bytes, no write).
        With strings, not Path objects: a build with 2,000 photos links 15,000 files, and
        pathlib's parsing cost more than the links (issue 21)."""
        old = f"{self.target}/{rel}"
        try:
            if not stat.S_ISREG(os.stat(old).st_mode):
                return False
        except OSError:
            return False
        folder, _, _ = rel.rpartition("/")
        if folder and folder not in self._made_rel:
            self._mkdir(folder)
        new = f"{self.dir}/{rel}"
        try:
            os.link(old, new)
        except OSError:
            shutil.copy2(old, new)  # another filesystem: a copy keeps the bytes and mtime
        self.linked += 1
        return True

    def commit(self) -> None:
        """Swap the new site in. The previous one is emptied of its files in a thread and
        kept as the next build's folders (`_recycle`): the new site is live once swapped,
        and clearing 14,500 links is no part of that (`finish` waits)."""
        if self.recycled:
            _prune_empty(self.dir)  # the earlier site's folders this one has no file in
        if self.target.exists():
            old = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
            if _exchange(self.dir, self.target):
                self.dir.rename(old)  # after the exchange it holds the previous site
            else:
                self.target.rename(old)
                self.dir.rename(self.target)
            where = skeleton(self.target)
            if self.hand_off and _recycle_apart(old, where):
                return
            self._cleanup = threading.Thread(target=_recycle, args=(old, where), daemon=True)
            self._cleanup.start()
        else:
            self.dir.rename(self.target)

    def finish(self) -> None:
        """Wait until the previous site is removed."""
        if self._cleanup is not None:
            self._cleanup.join()
            self._cleanup = None

    def abort(self) -> None:
        if self.recycled:  # the folders go back as they came: emptied of this build's files
            _recycle(self.dir, skeleton(self.target))
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


# Renamed into the served folder last: the file that says which build is live (its data
# revision), read by the preview's clients and the benches as "this build is served".
LAST = ("build.json",)


class InPlace(Staging):
    """A build into the folder being served (`antq serve`): the files it writes are staged
    in a folder of their own, the unchanged ones stay where they are (`link` only checks
    that they are there), and `commit` renames each new file over its old version, after
    removing the outputs no longer published (`retire`). Used only when the folder holds
    exactly the outputs the last build's cache lists: every file under it is then either
    kept, replaced or removed, so the folder ends as a build into a fresh one would make it.
    A build that fails before `commit` leaves the folder untouched."""

    link_checks_only = True
    # Its folder holds only the files a rebuild wrote, found by walking it (`commit`): the
    # thousands of empty folders of a skeleton would make every one-row edit walk them.
    takes_skeleton = False

    def __init__(self, target: Path, watch: TreeWatch | None = None) -> None:
        super().__init__(target)
        self._stale: set[str] = set()
        # `antq serve`'s watch of the folder (generator.treewatch): a kept file it vouches
        # for is not checked by `stat` (14,000 of them for a one-row edit).
        self.watch = watch
        if watch is not None:
            watch.begin()
        self.vouched = 0  # the files `link` took on the watch's word (tests, the bench)

    def find(self, rel: str) -> Path:
        return Path(self.where(rel))

    def where(self, rel: str) -> str:
        new = f"{self.dir}/{rel}"
        return new if os.path.isfile(new) else f"{self.target}/{rel}"

    def link(self, rel: str) -> bool:
        if self.watch is not None and self.watch.vouches(rel):
            self.vouched += 1
        elif not os.path.isfile(f"{self.target}/{rel}"):
            return False
        self.linked += 1
        return True

    def retire(self, old: Iterable[str], new: Iterable[str]) -> None:
        """The last build's outputs `old`, this one's `new`: the files to remove."""
        self._stale = set(old) - set(new)

    def commit(self) -> None:
        target = str(self.target)
        for rel in sorted(self._stale):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{target}/{rel}")
            _prune(self.target, rel)
        staged = [rel for rel, _ in _files(self.dir)]
        staged.sort(key=lambda rel: (rel in LAST, rel))
        for rel in staged:
            folder = rel.rpartition("/")[0]
            if folder:
                os.makedirs(f"{target}/{folder}", exist_ok=True)
            os.replace(f"{self.dir}/{rel}", f"{target}/{rel}")
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.watch is not None:
            self.watch.settle()


def skeleton(target: Path) -> Path:
    """Where the folders of the site last replaced at `target` wait, emptied of their files,
    for the next build to write into (`.public.skeleton` beside `public/`). On this project's
    machines (ext4 mounted with `discard`) removing a folder costs ~2.6 ms of waiting, making
    one ~0.1 ms: a national site has ~7,900 folders and its search copies ~6,000, so removing
    the trees a build replaced kept a rebuild waiting ~35 s after its site was live. Files
    cost ~0.02 ms each to remove. Hidden, and never published: `commit` swaps in only the
    folders the new site has files in."""
    return target.parent / f".{target.name}.skeleton"


def _take(folders: Path, dest: Path) -> bool:
    """Move the skeleton `folders` to `dest` (one rename); False when there is none."""
    try:
        os.rename(folders, dest)
    except OSError:
        return False
    return True


def _recycle(tree: Path, folders: Path) -> None:
    """Empty `tree` of everything but folders, then keep it as the skeleton `folders` (or
    remove it, when a skeleton is there already)."""
    try:
        for _, entry in _files(tree):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
        kept = not os.path.lexists(folders)
        if kept:
            os.rename(tree, folders)
    except OSError:  # anything unexpected: the tree is removed instead
        kept = False
    if not kept:
        shutil.rmtree(tree, ignore_errors=True)


# What `_recycle_apart`'s process runs: `_recycle(tree, folders)`, this package's folder first
# on its path (the package as this process imported it).
_RECYCLE = (
    "import sys; sys.path.insert(0, sys.argv[3]); from pathlib import Path; "
    "from generator.output import _recycle; _recycle(Path(sys.argv[1]), Path(sys.argv[2]))"
)
_APART: list[subprocess.Popen[bytes]] = []  # (held: not reaped by this process, which ends)


def _recycle_apart(tree: Path, folders: Path) -> bool:
    """`_recycle` in a process of its own, in its own session (it outlives `antq build`, and
    a Ctrl-C after the build does not reach it); False when it cannot be started. Emptying
    the replaced national site (~14,500 files) kept `antq build` ~1.8 s after its new site
    was live. Stopped half-way, it leaves the hidden `.public.old-PID` (never published), as
    the thread stopped by the process's end did; the skeleton appears only once emptied, in
    one rename, so a next build never takes a half-emptied tree. (The standard library has
    no call that runs a function in a process that outlives its parent but a new program.)"""
    package_root = str(Path(__file__).resolve().parents[1])
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _RECYCLE, str(tree), str(folders), package_root],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    _APART.append(process)
    return True


def _prune_empty(root: Path) -> None:
    """Remove every folder under `root` left without a file (deepest first)."""

    def walk(folder: str) -> bool:  # True: `folder` holds a file, or a folder that does
        kept = False
        with os.scandir(folder) as entries:
            for entry in list(entries):
                if not entry.is_dir(follow_symlinks=False) or walk(entry.path):
                    kept = True
                else:
                    os.rmdir(entry.path)
        return kept

    walk(str(root))


def _files(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file under `root`, relative to it (strings: see `Staging.link`)."""
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    yield prefix + entry.name, entry


def _prune(root: Path, rel: str) -> None:
    """Remove the folders of `rel` left empty, up to `root`."""
    parts = rel.split("/")[:-1]
    while parts:
        try:
            os.rmdir(f"{root}/{'/'.join(parts)}")
        except OSError:
            return  # not empty (or gone)
        parts.pop()
