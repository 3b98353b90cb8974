"""Validation results cached by content hash, so an unchanged resource is not checked again.

The key of a resource covers everything its result depends on: its bytes, its descriptor and
schema, the bytes of the tables its foreign keys point to, the reference unit tables, the
code's version (generator.codeversion: our checks, Frictionless, every library). Any change
gives a new key: we never decide by modification times.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from generator import codeversion
from generator.data.problems import Problem


def default_cache_dir(root: Path) -> Path:
    env = os.environ.get("ANTQ_CACHE_DIR")
    return Path(env) if env else root.resolve().parent / ".antq-cache"


@functools.cache
def _code() -> str:
    """The code's version (our checks and messages, Frictionless and every other library,
    Python), once per process: a cached result made by other code is never reused."""
    return codeversion.code_version()


_PRUNED: set[tuple[Path, str]] = set()  # (folder, generation) pruned in this process


def generation(folder: Path, code: str | None = None) -> Path:
    """The subfolder of `folder` for entries made by the code of version `code` (None: this
    process's version), for a cache whose keys hold the code's version (converted lessons,
    lesson checks, drawn maps, compiled templates). Every entry an older (or other) version
    left in `folder` is removed, once per process and version: this code can never read
    them, and each antq upgrade would otherwise leave a whole library's conversions behind
    (~40 MB at 5,000 lessons). `folder` belongs to this cache alone."""
    name = hashlib.sha256((_code() if code is None else code).encode()).hexdigest()[:16]
    if (folder, name) not in _PRUNED:
        _PRUNED.add((folder, name))
        try:
            others = [child for child in folder.iterdir() if child.name != name]
        except OSError:  # no folder yet
            others = []
        for child in others:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    return folder / name


def make_key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in (_code(), *parts):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class ValidationCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory / "validate" if directory else None

    def get(self, resource: str, key: str) -> tuple[list[Problem], int] | None:
        if self.directory is None:
            return None
        path = self.directory / f"{resource}.json"
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("key") != key:
            return None
        return [Problem.from_dict(p) for p in data["problems"]], int(data["rows"])

    def get_rows(self, resource: str) -> bytes | None:
        """The stored row-level state of a resource (generator.data.rowlevel), if any."""
        if self.directory is None:
            return None
        try:
            return (self.directory / f"{resource}.rows").read_bytes()
        except OSError:
            return None

    def put_rows(self, resource: str, data: bytes | None) -> None:
        """Store (or, with None, forget) a resource's row-level state."""
        if self.directory is None:
            return
        path = self.directory / f"{resource}.rows"
        if data is None:
            path.unlink(missing_ok=True)
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".rows-tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    def get_dates(self) -> dict[str, tuple[str, str]]:
        """Each dated table's latest record date by its hash (validate._build_date)."""
        if self.directory is None:
            return {}
        try:
            data = json.loads((self.directory / "record-dates.json").read_text(encoding="utf-8"))
            return {name: (str(v[0]), str(v[1])) for name, v in data.items()}
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            return {}

    def put_dates(self, dates: dict[str, tuple[str, str]]) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / "record-dates.json"
        tmp = path.with_suffix(".tmp-dates")
        tmp.write_text(json.dumps(dates, sort_keys=True), encoding="utf-8")
        tmp.replace(path)

    def put(self, resource: str, key: str, problems: list[Problem], rows: int) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        data = {"key": key, "rows": rows, "problems": [p.to_dict() for p in problems]}
        path = self.directory / f"{resource}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
