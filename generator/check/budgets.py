"""Size budgets, gzip-compressed: an upper bound first, the real size only when it may
be over."""

from __future__ import annotations

import zlib


def _gzip_size(data: bytes) -> int:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip header, as servers send
    return len(compressor.compress(data) + compressor.flush())


def _gzip_bound(size: int) -> int:
    """zlib's compressBound plus the gzip wrapper: no file compresses to more than this, so
    a file whose bound fits its budget needs no compression at all (almost every page)."""
    return size + (size >> 12) + (size >> 14) + (size >> 25) + 13 + 18
