"""What the render stage need not do again for bytes it has seen (issue 18 item 7): the
privacy scan (generator.scan) of a page or data file, and a page's search copy
(generator.search.search_copy), remembered by the digest of the bytes.

A build scans every text file it publishes (generator.build: the render and produce jobs,
then `Builder._verify` for the rest). A warm `antq build --full` renders every page again,
and nearly every page comes out the same bytes as last time: scanning them again (and making
their search copies again) was a third of the render stage's CPU on the national site, where
hashing them is a twentieth of it. So each build leaves, beside its build cache, a memo:
for each page and data file it published and scanned clean, the SHA-256 (its first 16
bytes) of those bytes and, for a page, its search copy's path and that copy's SHA-256. The
next build, for a file whose bytes have that digest at that path, does not scan them again
(they were scanned clean by an earlier build of the same bytes) and links the copy it made
then from the copies' folder (read and hashed first: the copy must still be those bytes,
since its hash keys the search index, generator.search.Store).

What holds "every published byte is scanned" is the key: the same bytes at the same path
scanned by the same code give the same lines. The memo is dropped whole for other code: it
is tagged with the build's code version (generator.codeversion, the fingerprint the build
cache and the kept search indexes are tagged with), which covers the scan, the checks it
applies, the message catalogue and the search copy's code, and the libraries. Only clean
results are kept: a file with a finding is scanned on every build and fails every build
(a build that fails saves nothing). Every entry is checked against the bytes at hand, so
an entry that is stale (the memo of an older build) only costs a scan. ANTQ_CHECK_DEPS=1
scans and makes the copies anyway and stops if the memo would have hidden a difference.

The memo is MessagePack through msgspec (as the table cache: no pickle, so a cache file
cannot run code when read); a damaged one is empty.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

# A file's entry: the digest of its bytes (`digest`), the path of its search copy ("" for a
# file without one) and the copy's SHA-256 (hex; "" when the page has nothing to index).
Entry = tuple[bytes, str, str]


class _Saved(msgspec.Struct, frozen=True):
    code: str
    entries: dict[str, tuple[bytes, str, str]]


_DECODER = msgspec.msgpack.Decoder(_Saved)
_ENCODER = msgspec.msgpack.Encoder()


def digest(data: bytes) -> bytes:
    """The key of a file's bytes: 128 bits of SHA-256 (a collision is out of reach, and a
    cryptographic hash: a page crafted to collide with a clean one is not a concern)."""
    return hashlib.sha256(data).digest()[:16]


class ScanMemo:
    """The entries an earlier build left (`read`), asked by the render jobs (`known`)."""

    def __init__(self, entries: Mapping[str, Entry] | None = None) -> None:
        self.entries: Mapping[str, Entry] = entries or {}

    @classmethod
    def read(cls, path: Path, code: str) -> ScanMemo:
        """The memo at `path` when written by this code, else an empty one."""
        try:
            saved = _DECODER.decode(path.read_bytes())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return cls()
        return cls(saved.entries) if saved.code == code else cls()

    def known(self, rel: str, key: bytes) -> Entry | None:
        """The entry of `rel` when it was made for these very bytes (`key`: `digest`)."""
        found = self.entries.get(rel)
        return found if found is not None and found[0] == key else None


def write(path: Path, code: str, entries: Mapping[str, Entry]) -> None:
    """Save `entries` for builds by `code` (replacing the file in one step)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(_ENCODER.encode(_Saved(code, dict(sorted(entries.items())))))
    os.replace(tmp, path)


def kept_copy(folder: str, copy: str, sha256: str) -> bool:
    """Whether the search copy `copy` kept in `folder` is still the bytes of `sha256`."""
    try:
        with open(f"{folder}/{copy}", "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    return hashlib.sha256(data).hexdigest() == sha256
