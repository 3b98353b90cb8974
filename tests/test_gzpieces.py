"""Issue 18: a table's whole gzip made of pieces of lines (generator.gzpieces): one piece
is gzip's own bytes, several decompress to the table, and an edit's patch (the changed
pieces compressed again, the others reused) gives the very bytes a whole compression
gives. Negative control: a patch that reuses a piece whose lines changed is caught by the
check (ANTQ_CHECK_DEPS=1) and, without it, gives other bytes."""

from __future__ import annotations

import dataclasses
import gzip
import random
from typing import Any

import pytest

from generator import gzpieces

LEVEL = 6


def _table(rng: random.Random, rows: int) -> bytes:
    body = b"".join(
        b"%d,%s\n" % (i, bytes(rng.choice(b"abc xyz\xc3\xa1") for _ in range(rng.randrange(20))))
        for i in range(rows)
    )
    return b"id,name\n" + body


def test_one_piece_is_gzips_own_bytes() -> None:
    rng = random.Random(1)
    for rows in (0, 1, 7, gzpieces.PIECE_LINES - 1):
        data = _table(rng, rows)
        for text in (data, data.rstrip(b"\n"), b""):
            assert gzpieces.compress(text, LEVEL).gz == gzip.compress(text, LEVEL, mtime=0)


def test_pieces_end_after_every_nth_line_and_decompress(monkeypatch) -> None:
    monkeypatch.setattr(gzpieces, "PIECE_LINES", 5)
    rng = random.Random(2)
    for rows in (3, 4, 5, 9, 10, 11, 53):
        for data in (_table(rng, rows), _table(rng, rows).rstrip(b"\n")):
            packed = gzpieces.compress(data, LEVEL)
            assert gzip.decompress(packed.gz) == data
            for i, end in enumerate(packed.ends[:-1]):
                assert data[end - 1 : end] == b"\n" and data.count(b"\n", 0, end) == 5 * (i + 1)
            assert packed.ends[-1] == len(data) and len(packed.pieces) == len(packed.ends)


def _edited(rng: random.Random, data: bytes) -> bytes:
    """Cells of one to a dozen lines changed (longer or shorter), the lines kept."""
    lines = data.split(b"\n")
    first = rng.randrange(1, len(lines) - 1)
    for i in range(first, min(len(lines) - 1, first + rng.choice((1, 1, 2, 12)))):
        lines[i] = lines[i] + b"q" * rng.randrange(1, 4) if rng.random() < 0.5 else lines[i][:2]
    return b"\n".join(lines)


def test_a_patch_compresses_the_changed_pieces_alone(monkeypatch) -> None:
    monkeypatch.setattr(gzpieces, "PIECE_LINES", 7)
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "0")  # compared here, not by the module's check
    rng = random.Random(3)
    data = _table(rng, 300)
    packed = gzpieces.compress(data, LEVEL)
    for _ in range(60):
        new = _edited(rng, data)
        patched = gzpieces.patch(packed, new)
        assert patched is not None
        assert patched.gz == gzpieces.compress(new, LEVEL).gz
        assert gzip.decompress(patched.gz) == new
        kept = sum(a is b for a, b in zip(patched.pieces, packed.pieces, strict=True))
        assert kept >= len(packed.pieces) - 3  # (a dozen lines meet at most three pieces)
        packed, data = patched, new
    assert gzpieces.patch(packed, data + b"9,new\n") is None  # a line added
    assert gzpieces.patch(packed, data.replace(b"id,name", b"id,ten")) is None  # the header


def test_a_stale_piece_is_caught(monkeypatch) -> None:
    """Negative control: the changed lines said to lie past the end (every piece reused)."""
    monkeypatch.setattr(gzpieces, "PIECE_LINES", 7)
    rng = random.Random(4)
    data = _table(rng, 100)
    packed = gzpieces.compress(data, LEVEL)
    new = data.replace(b"\n50,", b"\n50,x", 1)
    real = gzpieces.line_span

    def stale(a: bytes, b: bytes, first: int = 0) -> Any:
        return dataclasses.replace(real(a, b, first), at=len(a), end_at_a=len(a))

    monkeypatch.setattr(gzpieces, "line_span", stale)
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
    with pytest.raises(RuntimeError, match="patched piece by piece differs"):
        gzpieces.patch(packed, new)
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "0")
    found = gzpieces.patch(packed, new)
    assert found is not None and found.gz != gzpieces.compress(new, LEVEL).gz
