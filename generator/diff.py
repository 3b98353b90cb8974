"""What changed in the data between two git revisions: records added, changed, removed.

One diff feeds the site's "Cập nhật" page and Atom feed, and the push notifier. Records are
matched by their primary key (NFC), so reordering rows or columns is not a change.
"""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from generator.data.rawcsv import read_table
from generator.data.schema import PackageSpec
from generator.errors import AntqError
from generator.lessons import front_matter
from generator.revision import DataLog, git_log
from generator.textvi import nfc

Kind = Literal["added", "changed", "removed"]
LESSONS = "lessons"
NEWS = "news"  # news articles, data/news/YYYY/SLUG/index.md (generator.news)


@dataclass(frozen=True)
class RecordChange:
    resource: str  # a table name, or "lessons"
    key: tuple[str, ...]
    kind: Kind
    before: dict[str, str] | None
    after: dict[str, str] | None
    fields: tuple[str, ...] = ()  # the changed fields, for "changed"

    @property
    def row(self) -> dict[str, str]:
        """The newest version of the record (the old one for a removal)."""
        return self.after or self.before or {}


@dataclass
class Commit:
    revision: str
    time: datetime
    changes: list[RecordChange] = field(default_factory=list)
    # A commit kept in short (generator.pages.updates: what its page shows): each kind of
    # change of each table counted, (resource, kind, count), and `changes` only the first
    # ones shown. None: `changes` holds them all.
    counts: tuple[tuple[str, str, int], ...] | None = None


SHORT_REVISION = 10


def short_revision(revision: str) -> str:
    """A revision as pages show it: its first 10 characters, more while those are all digits.

    A shown revision always holds a letter, so it is never a bare run of digits that a
    reader, or the personal-data scan, would take for a phone or ID number (one hash in a
    thousand starts with "0" and nine more digits)."""
    length = SHORT_REVISION
    while length < len(revision) and revision[:length].isdigit():
        length += 1
    return revision[:length]


class GitError(AntqError):
    """git could not answer (not a repository, an unknown revision)."""


def _git(repo: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(str(exc)) from exc
    if result.returncode != 0:
        raise GitError(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout.decode("utf-8")


def _show(repo: Path, revision: str, path: str) -> bytes | None:
    try:
        result = subprocess.run(
            ["git", "show", f"{revision}:{path}"], cwd=repo, capture_output=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def _links(repo: Path, revision: str, folder: str) -> set[str]:
    """Paths under `folder` that are symbolic links at `revision` (git mode 120000)."""
    try:
        listing = _git(repo, "ls-tree", "-r", revision, "--", folder)
    except GitError:
        return set()
    return {
        line.split("\t", 1)[1]
        for line in listing.splitlines()
        if line.startswith("120000 ") and "\t" in line
    }


def repo_root(data_dir: Path) -> tuple[Path, str]:
    """The repository holding data_dir, and data_dir's path inside it."""
    top = Path(_git(data_dir, "rev-parse", "--show-toplevel").strip())
    return top, data_dir.resolve().relative_to(top.resolve()).as_posix()


def parse_table(
    data: bytes | None, key_fields: tuple[str, ...], where: str = ""
) -> dict[tuple[str, ...], dict[str, str]] | None:
    """Records by key of a table at one revision: {} when the file is absent, None when the
    raw reader refuses it (validation refused that revision, so it was never published)."""
    if data is None:
        return {}
    table, _ = read_table(data, where)
    if table is None:
        return {} if not data.strip() else None
    rows: dict[tuple[str, ...], dict[str, str]] = {}
    for row in table.records():
        clean = {nfc(k): nfc(v.strip()) for k, v in row.items() if k}
        key = tuple(clean.get(k, "") for k in key_fields)
        if any(key):
            rows[key] = clean
    return rows


def diff_rows(
    resource: str,
    old: dict[tuple[str, ...], dict[str, str]],
    new: dict[tuple[str, ...], dict[str, str]],
) -> list[RecordChange]:
    out: list[RecordChange] = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before is None and after is not None:
            out.append(RecordChange(resource, key, "added", None, after))
        elif after is None and before is not None:
            out.append(RecordChange(resource, key, "removed", before, None))
        elif before is not None and after is not None and before != after:
            changed = tuple(
                sorted(
                    f for f in after.keys() | before.keys() if before.get(f, "") != after.get(f, "")
                )
            )
            if changed:
                out.append(RecordChange(resource, key, "changed", before, after, changed))
    return out


def _lesson_meta(data: bytes | None) -> dict[str, str] | None:
    if data is None:
        return None
    text = data.decode("utf-8-sig", "replace")
    meta: dict[str, str] = {"body": text}
    front = front_matter(unicodedata.normalize("NFC", text))
    if front is not None:
        meta["title"] = str(front.get("title", ""))
    return meta


def diff_revisions(package: PackageSpec, old_rev: str | None, new_rev: str) -> list[RecordChange]:
    """Every record change in the package's tables and lessons from old_rev to new_rev
    (old_rev None: everything counts as added)."""
    repo, data_rel = repo_root(package.root)
    touched: set[str] | None = None  # None: every file (no older revision to compare)
    if old_rev:
        touched = set(_git(repo, "diff", "--name-only", old_rev, new_rev, "--", data_rel).split())
    changes: list[RecordChange] = []
    links = _links(repo, new_rev, data_rel) | (
        _links(repo, old_rev, data_rel) if old_rev else set()
    )
    for spec in package.resources:
        path = f"{data_rel}/{spec.rel_path}"
        if touched is not None and path not in touched:
            continue
        if path in links:
            # git holds a link's target path, not a table; validation refuses the link, so
            # that revision was never published and what changed cannot be told.
            continue
        key = spec.primary_key or tuple(spec.field_names[:1])
        old = parse_table(_show(repo, old_rev, path), key, f"{old_rev}:{path}") if old_rev else {}
        new = parse_table(_show(repo, new_rev, path), key, f"{new_rev}:{path}")
        if old is None or new is None:
            # One side is a file validation refuses (cp1258, UTF-16…): what changed cannot be
            # told, and "every record added" would notify every subscriber of every record.
            continue
        changes += diff_rows(spec.name, old, new)
    changes += _diff_lessons(repo, f"{data_rel}/{LESSONS}", old_rev, new_rev)
    changes += _diff_news(repo, f"{data_rel}/{NEWS}", old_rev, new_rev)
    return changes


def _news_meta(data: bytes | None) -> dict[str, str] | None:
    """An article as the change list and push read it; None when absent or a draft (a
    draft is not published: publishing it is its "added")."""
    if data is None:
        return None
    text = unicodedata.normalize("NFC", data.decode("utf-8-sig", "replace"))
    front = front_matter(text) or {}
    if front.get("draft") is True:
        return None

    def codes(name: str) -> str:
        value = front.get(name)
        items = value if isinstance(value, list) else [value] if value else []
        return " ".join(str(v) for v in items)

    return {
        "body": text,
        "title": str(front.get("title", "")),
        "units": codes("units"),
        "models": codes("models"),
        "author_unit": str(front.get("author_unit", "")),
    }


def _diff_news(repo: Path, folder: str, old_rev: str | None, new_rev: str) -> list[RecordChange]:
    """Articles added, changed (text, photos listed, corrections) or removed; key YYYY/SLUG."""

    def names(rev: str | None) -> set[str]:
        if rev is None:
            return set()
        try:
            listing = _git(repo, "ls-tree", "-r", "--name-only", f"{rev}:{folder}")
        except GitError:
            return set()
        return {n for n in listing.split("\n") if n.count("/") == 2 and n.endswith("/index.md")}

    out: list[RecordChange] = []
    for name in sorted(names(old_rev) | names(new_rev)):
        before = _news_meta(_show(repo, old_rev, f"{folder}/{name}")) if old_rev else None
        after = _news_meta(_show(repo, new_rev, f"{folder}/{name}"))
        key = (name.removesuffix("/index.md"),)
        if before is None and after is not None:
            out.append(RecordChange(NEWS, key, "added", None, after))
        elif after is None and before is not None:
            out.append(RecordChange(NEWS, key, "removed", before, None))
        elif before and after and before["body"] != after["body"]:
            out.append(RecordChange(NEWS, key, "changed", before, after, ("body",)))
    return out


def _diff_lessons(repo: Path, folder: str, old_rev: str | None, new_rev: str) -> list[RecordChange]:
    def names(rev: str | None) -> set[str]:
        if rev is None:
            return set()
        try:
            listing = _git(repo, "ls-tree", "--name-only", f"{rev}:{folder}")
        except GitError:
            return set()
        return {n for n in listing.split() if n.endswith(".md")}

    out: list[RecordChange] = []
    for name in sorted(names(old_rev) | names(new_rev)):
        before = _lesson_meta(_show(repo, old_rev, f"{folder}/{name}")) if old_rev else None
        after = _lesson_meta(_show(repo, new_rev, f"{folder}/{name}"))
        key = (name.removesuffix(".md"),)
        if before is None and after is not None:
            out.append(RecordChange(LESSONS, key, "added", None, after))
        elif after is None and before is not None:
            out.append(RecordChange(LESSONS, key, "removed", before, None))
        elif before and after and before["body"] != after["body"]:
            out.append(RecordChange(LESSONS, key, "changed", before, after, ("body",)))
    return out


def history(
    package: PackageSpec,
    limit: int = 30,
    log: DataLog | None = None,
    commit: Callable[[str | None, str, datetime, str], Commit] | None = None,
) -> list[Commit]:
    """The last `limit` commits that touched the data, newest first, each with its diff
    against the commit before it. Empty when the data is not in a git repository.
    `log`: the build's one `revision.git_log` (asked here when not given). `commit`: makes
    each commit from the one before it (None for the first), its revision and time and the
    data's path in the repository (default: `Commit` with `diff_revisions`)."""
    try:
        _, data_rel = repo_root(package.root)
    except (GitError, ValueError):
        return []
    if log is None:
        log = git_log(package.root, limit + 1)
    if commit is None:

        def commit(previous: str | None, revision: str, when: datetime, _: str) -> Commit:
            return Commit(revision, when, diff_revisions(package, previous, revision))

    entries = log.commits[: limit + 1]
    commits: list[Commit] = []
    for index, (revision, when) in enumerate(entries[:limit]):
        previous = entries[index + 1][0] if index + 1 < len(entries) else None
        commits.append(commit(previous, revision, when, data_rel))
    return commits
