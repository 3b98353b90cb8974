"""A table's whole-file gzip made of pieces of lines, each compressed on its own (issue 18).

/du-lieu/ offers every table whole as `NAME.csv.gz`. Compressed in one stream, the national
yearly results (33 MB, 400,000 lines) cost ~0.25 CPU s at level 6, and `antq serve` paid
that at each one-row edit. Here the table is cut after every `PIECE_LINES`-th line feed and
each piece is compressed by a compressor of its own (no piece refers to the bytes of
another), flushed to a byte boundary without ending the stream (`Z_SYNC_FLUSH`), the last
one finished: the pieces joined are one valid deflate stream, wrapped in the gzip header
zlib writes and the CRC-32 and size of the whole. An edit that keeps the number of lines
(a cell corrected) changes only the pieces holding the changed lines: `patch` compresses
those again and takes the others as they were, and the result is the very bytes `compress`
makes of the new table (ANTQ_CHECK_DEPS=1 compares). A table of at most `PIECE_LINES` lines
is one piece: the same bytes as `gzip.compress(data, level, mtime=0)`.

This is what `pigz` and `gzip --rsyncable` do (independent blocks, one stream); neither the
standard library nor a maintained package makes such a stream from Python or patches one,
hence this module. Each piece loses the 32 KiB of history before it: the national yearly
results' gzip is 0.7 % larger (1.516 MB against 1.505 MB).
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass

from generator.data.rawcsv import first_line, line_span

# Lines a piece holds: ~0.7 MB of the national yearly results (~7 ms to compress again).
PIECE_LINES = 8192


def format_tag() -> str:
    """Names the format in what is cached of it (generator.pages.opendata.Memo.packed)."""
    return f"p{PIECE_LINES}"


@dataclass
class Packed:
    """`data` compressed (`gz`), with what `patch` needs: where each piece ends in `data`,
    each piece's deflate bytes and the CRC-32 of `data` up to each piece's end."""

    level: int
    data: bytes
    ends: list[int]
    pieces: list[bytes]
    crcs: list[int]
    gz: bytes


def _header(level: int) -> bytes:
    """The gzip header zlib writes (no time stamp, no name), as `gzip.compress(mtime=0)`."""
    return zlib.compress(b"", level, wbits=31)[:10]


def _ends(data: bytes) -> list[int]:
    """Where each piece of `data` ends: after every PIECE_LINES-th line feed, and at its
    end. The line feeds are counted by slices (`bytes.count`, in C) around a guess from the
    mean line length, then stepped to one at a time: not one `find` a line."""
    ends: list[int] = []
    size, at = len(data), 0
    per_line = max(1, size // max(1, data.count(b"\n")))
    while at < size:
        pos = min(size, at + PIECE_LINES * per_line)
        seen = data.count(b"\n", at, pos)  # line feeds in data[at:pos]
        while seen < PIECE_LINES:
            found = data.find(b"\n", pos)
            if found < 0:
                break
            pos, seen = found + 1, seen + 1
        if seen < PIECE_LINES:
            break  # the rest is the last piece
        while seen > PIECE_LINES:
            pos = data.rindex(b"\n", at, pos)
            seen -= 1
        pos = data.rindex(b"\n", at, pos) + 1  # just after the PIECE_LINES-th
        ends.append(pos)
        at = pos
    if not ends or ends[-1] != size:
        ends.append(size)
    return ends


def _deflate(piece: bytes | memoryview, level: int, last: bool) -> bytes:
    squeeze = zlib.compressobj(level, zlib.DEFLATED, -15)
    return squeeze.compress(piece) + squeeze.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _crcs(data: bytes, ends: list[int], first: int, crc: int) -> list[int]:
    """The running CRC-32 at each piece's end from piece `first` on (`crc`: before it)."""
    view = memoryview(data)
    found = []
    start = ends[first - 1] if first else 0
    for end in ends[first:]:
        crc = zlib.crc32(view[start:end], crc)
        found.append(crc)
        start = end
    return found


def _wrap(packed: Packed) -> Packed:
    size = len(packed.data) & 0xFFFFFFFF
    trailer = struct.pack("<II", packed.crcs[-1] if packed.crcs else 0, size)
    packed.gz = _header(packed.level) + b"".join(packed.pieces) + trailer
    return packed


def compress(data: bytes, level: int) -> Packed:
    """`data` compressed piece by piece (module docstring)."""
    ends = _ends(data)
    view = memoryview(data)
    pieces = []
    start = 0
    for i, end in enumerate(ends):
        pieces.append(_deflate(view[start:end], level, i == len(ends) - 1))
        start = end
    return _wrap(Packed(level, data, ends, pieces, _crcs(data, ends, 0, 0), b""))


def patch(old: Packed, data: bytes) -> Packed | None:
    """`compress(data, old.level)`, made from `old` by compressing again only the pieces
    whose lines changed; None when the edit changed the number of lines (every piece after
    it would hold other lines) or the first line (the caller compresses the whole)."""
    if not old.data or not data or first_line(old.data) != first_line(data):
        return None
    if old.data.endswith(b"\n") != data.endswith(b"\n"):
        return None  # (the same lines, told apart by the last line feed alone)
    span = line_span(old.data, data, 1)
    if span.count_a != span.count_b:
        return None
    delta = len(data) - len(old.data)
    ends = list(old.ends)
    first = None  # the first piece that changed
    changed = []
    start = 0
    for i, end in enumerate(old.ends):
        if end <= span.at:  # wholly before the changed lines: the same bytes
            start = end
            continue
        if start >= span.end_at_a:  # wholly after: the same bytes, moved
            ends[i] = end + delta
            start = end
            continue
        if first is None:
            first = i
        changed.append(i)
        start = end
        if end == len(old.data):
            ends[i] = len(data)
        elif end >= span.end_at_a:
            ends[i] = end + delta
        else:  # a piece ends among the changed lines: its line feed found in the new bytes
            ends[i] = _nth_end(data, span.at, (i + 1) * PIECE_LINES - span.start)
    pieces = list(old.pieces)
    view = memoryview(data)
    for i in changed:
        begin = ends[i - 1] if i else 0
        pieces[i] = _deflate(view[begin : ends[i]], old.level, i == len(ends) - 1)
    if first is None:  # (the same lines: the same bytes)
        crcs = list(old.crcs)
    else:
        crcs = old.crcs[:first] + _crcs(data, ends, first, old.crcs[first - 1] if first else 0)
    packed = _wrap(Packed(old.level, data, ends, pieces, crcs, b""))
    if os.environ.get("ANTQ_CHECK_DEPS") == "1" and packed.gz != compress(data, old.level).gz:
        raise RuntimeError("the gzip patched piece by piece differs from one made whole")
    return packed


def _nth_end(data: bytes, at: int, count: int) -> int:
    """The offset after the `count`-th line feed from `at`."""
    for _ in range(count):
        at = data.index(b"\n", at) + 1
    return at
