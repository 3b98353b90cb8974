"""Parsed tables cached as typed records, keyed by their bytes (issue 18 item 4).

The build reads every table into record dataclasses (`generator.data.load`); a table whose
bytes are unchanged is never parsed again: its records are decoded from the cache instead
(MessagePack through msgspec, straight into the record dataclasses: ~5× faster than parsing
the CSV, and no pickle, so a cache file cannot run code when read).

The key covers everything the records depend on: the table's bytes, its descriptor with the
schema inlined (field names, types, foreign keys), the reference unit tables that legacy
unit codes are resolved through, and the code's version (`generator.codeversion`: the
reader, the record types, msgspec, Python). One file per table, holding the latest key and
its records; any other key is a miss.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from generator import codeversion

_MAGIC = b"antq-table 1\n"


@functools.cache
def _code() -> str:
    return codeversion.code_version()


def table_key(descriptor_hash: str, digest: str, units_key: str, code: str | None = None) -> str:
    """The key of a table's records (module docstring), `digest` the SHA-256 (hex) of its
    bytes (generator.filehash: not read again while unchanged); `code`: the code's version
    (this process's by default)."""
    key = hashlib.sha256()
    for part in (code if code is not None else _code(), descriptor_hash, units_key):
        key.update(part.encode() + b"\0")
    key.update(bytes.fromhex(digest))
    return key.hexdigest()


class TableCache:
    """`directory/tables/NAME.msgpack`: the key (one line), then the records."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory / "tables" if directory else None
        self.hits: list[str] = []  # tables read from the cache in this process (for tests)

    def _path(self, name: str) -> Path | None:
        return self.directory / f"{name}.msgpack" if self.directory else None

    def get(self, name: str, key: str, record: type) -> tuple[Any, ...] | None:
        path = self._path(name)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        header = _MAGIC + key.encode() + b"\n"
        if not data.startswith(header):
            return None
        try:
            rows: tuple[Any, ...] = _decoder(record).decode(memoryview(data)[len(header) :])
        except (msgspec.DecodeError, ValueError, TypeError):
            return None  # damaged or written by other code: parse the table again
        self.hits.append(name)
        return rows

    def put(self, name: str, key: str, rows: tuple[Any, ...]) -> None:
        path = self._path(name)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # The header and the records written one after the other, not joined first: a
        # copy of the national yearly results' 59 MB fewer.
        with tmp.open("wb") as out:
            out.write(_MAGIC + key.encode() + b"\n")
            out.write(_ENCODER.encode(rows))
        tmp.replace(path)


_ENCODER = msgspec.msgpack.Encoder()


@functools.cache
def _decoder(record: type) -> msgspec.msgpack.Decoder[Any]:
    return msgspec.msgpack.Decoder(tuple[record, ...])  # type: ignore[valid-type]


def cached_rows(
    cache: TableCache | None,
    name: str,
    key: str,
    record: type,
    parse: Callable[[], tuple[tuple[Any, ...], str]],
) -> tuple[Any, ...]:
    """The table's records: from the cache when its key is there, else parsed and kept.
    `parse` returns the records and the key of the bytes it actually read: a file edited
    between its hashing and its reading is not kept under the older bytes' key (it would be
    served for those bytes if the edit were undone)."""
    if cache is not None:
        found = cache.get(name, key, record)
        if found is not None:
            return found
    rows, read_key = parse()
    if cache is not None and read_key == key:
        cache.put(name, key, rows)
    return rows
