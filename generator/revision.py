"""The data's revision and the build's date: never the clock.

    in git:      the data's last commit (its hash, its commit time)
    not in git:  "sha256:" + the first 12 hex digits of the hash of the data's files (their
                 paths and bytes), and the latest *record date* in the data (below)
    SOURCE_DATE_EPOCH, when set, gives the time in both cases (the revision stays)

Every "as of" the site shows (home page, calendar window, feeds, build.json, exports) is this
time, so the same data always builds the same bytes, wherever and whenever it is built.

A record date is a date on which something in the data had already happened when the row
was written: a decision's date (assessments, awards, models), a legal document's issue date
(`issued`), a lesson's `updated` date. Dates that may lie in the future are left out on
purpose: an event's date (a planned event), a document's `in_force_from` and
`out_of_force_from`, a unit's `valid_from`/`valid_to` (a planned merger). The latest record
date is therefore a date the data is certainly as recent as, and it moves only when the data
does. A package with no record date at all gets the Unix epoch (01/01/1970): unknown, and
visibly so.
Modification times are never used: a copy, an unpacked archive or a CI checkout gives any.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from generator.filehash import file_digest

if TYPE_CHECKING:
    from generator.data.load import Dataset
    from generator.lessons import Lesson

# (table, date field) pairs that record something already done: see the module docstring.
RECORD_DATES: tuple[tuple[str, str], ...] = (
    ("assessments", "decision_date"),
    ("awards", "decision_date"),
    ("models", "decision_date"),
    ("legal_documents", "issued"),
)
UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)
HASH_PREFIX = "sha256:"


@dataclass(frozen=True)
class DataRevision:
    """What the site was built from: a commit hash or "sha256:…" (data outside git), and
    the build's date (see the module docstring)."""

    revision: str | None
    time: datetime

    @property
    def date(self) -> date:
        return self.time.date()


def is_commit(revision: str) -> bool:
    """A git commit hash, not the content hash of data outside git."""
    return not revision.startswith(HASH_PREFIX)


def tree_files(root: Path) -> list[Path]:
    """The files under `root` that make a tree's content, sorted (no caches, no dot-files).
    Symbolic links are listed, never followed: a link in data/ is refused by validation, and
    until then its target (anything on the machine) must not even be read."""
    if not root.exists():
        return []
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        here = Path(folder)
        found += [here / d for d in dirs if (here / d).is_symlink()]
        found += [here / f for f in files if not f.startswith(".")]
    return sorted(found)


def file_digests(paths: list[Path], base: Path) -> list[tuple[str, bytes]]:
    """Each file's path under `base` and the digest of its bytes (of a link: its target's
    name, never what it points to)."""
    found = []
    for path in paths:
        rel = str(path.relative_to(base))
        if path.is_symlink():
            found.append((rel, b"link:" + os.readlink(path).encode()))
        else:
            found.append((rel, bytes.fromhex(file_digest(path))))
    return found


def combine(digests: list[tuple[str, bytes]]) -> str:
    """One hash of `file_digests`' list."""
    digest = hashlib.sha256()
    for rel, part in digests:
        digest.update(rel.encode() + b"\0")
        digest.update(part)
    return digest.hexdigest()


def hash_files(paths: list[Path], base: Path) -> str:
    return combine(file_digests(paths, base))


# Commits of the data the update pages list (`diff.history`), plus one to diff the oldest.
HISTORY_LIMIT = 30


@dataclass(frozen=True)
class DataLog:
    """The data's last commits, newest first, as (hash, commit time): asked of git once per
    build and passed down, since the revision (the first) and the update history (all of
    them) are the same question. Empty when the data is in no repository."""

    commits: tuple[tuple[str, datetime], ...]

    @property
    def last(self) -> tuple[str, datetime] | None:
        return self.commits[0] if self.commits else None


def git_log(data_dir: Path, count: int = HISTORY_LIMIT + 1) -> DataLog:
    """The last `count` commits that touched the data (one `git log`)."""
    try:
        out = subprocess.run(
            ["git", "log", f"-{count}", "--format=%H %ct", "--", "."],
            cwd=data_dir,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return DataLog(())
    commits: list[tuple[str, datetime]] = []
    for line in out.splitlines():
        words = line.split()
        if len(words) != 2 or not words[1].isdigit():
            return DataLog(())
        commits.append((words[0], datetime.fromtimestamp(int(words[1]), tz=UTC)))
    return DataLog(tuple(commits))


def git_revision(data_dir: Path) -> tuple[str, datetime] | None:
    """The data's last commit and its time, or None when the data is in no repository."""
    return git_log(data_dir, 1).last


def source_date_epoch() -> datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), tz=UTC) if epoch.isdigit() else None


def record_time(dataset: Dataset, lessons: list[Lesson]) -> datetime:
    """The latest record date of the data (module docstring), at 00:00 UTC."""
    found: list[date] = [lesson.updated for lesson in lessons]
    for table, name in RECORD_DATES:
        for row in getattr(dataset, table):
            value = getattr(row, name)
            if value is not None:
                found.append(value)
    if not found:
        return UNKNOWN_TIME
    return datetime.combine(max(found), time(), tzinfo=UTC)


def data_revision(
    data_dir: Path,
    dataset: Dataset | None = None,
    lessons: list[Lesson] | None = None,
    *,
    data_hash: str | None = None,
    log: DataLog | None = None,
) -> DataRevision:
    """The data's revision and the build's date (module docstring). Outside git and without
    SOURCE_DATE_EPOCH the data is read (`dataset`, `lessons`: already read by the caller;
    `log`: the build's one `git_log`)."""
    commit = log.last if log is not None else git_revision(data_dir)
    epoch = source_date_epoch()
    if commit is not None:
        return DataRevision(commit[0], epoch or commit[1])
    digest = data_hash or hash_files(tree_files(data_dir), data_dir)
    revision = f"{HASH_PREFIX}{digest[:12]}"
    if epoch is not None:
        return DataRevision(revision, epoch)
    if dataset is None:
        from generator.data.load import read_package

        dataset = read_package(data_dir)
    if lessons is None:
        from generator.lessons import load_lessons

        lessons, _ = load_lessons(data_dir, {d.id for d in dataset.legal_documents})
    return DataRevision(revision, record_time(dataset, lessons))
