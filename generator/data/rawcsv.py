"""Opening a CSV file the way officials save it: size limit, encoding, BOM, delimiter.

Frictionless guesses encodings when a file is not valid UTF-8 and then "validates" garbage
(cp1258 with combining tones, even a Korean guess for a short file), so we decide the
encoding ourselves and refuse anything that is not UTF-8 with a message that says how to
save the file correctly.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.data.messages_vi import problem
from generator.data.problems import Problem

# Refuse files above this size before reading them: a 50 MB sheet is almost always a file
# saved by mistake, and reading it whole would cost memory for nothing. The national
# synthetic package's largest file (assessments) is about 30 MB.
MAX_FILE_MB = 64

# A long description cell must reach the maxLength check, not crash the reader at the
# csv module's 128 KB default; the file size limit above bounds memory anyway.
csv.field_size_limit(MAX_FILE_MB * 1024 * 1024)

# Bytes 0xCC, 0xD2, 0xDE, 0xEC, 0xF2 are cp1258's combining tone marks: their presence in a
# non-UTF-8 file is the signature of Excel's "CSV" export on Vietnamese Windows.
_CP1258_TONES = frozenset(b"\xcc\xd2\xde\xec\xf2")


@dataclass
class Table:
    path: Path
    text: str
    delimiter: str
    sha256: str
    header: list[str]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (Excel row number, cells) for each record after the header."""
        reader = csv.reader(io.StringIO(self.text), delimiter=self.delimiter)
        next(reader, None)
        yield from enumerate(reader, start=2)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_table(
    path: Path, where: str, resource: str, max_mb: float = MAX_FILE_MB
) -> tuple[Table | None, list[Problem]]:
    if not path.is_file():
        return None, [problem("missing-file", where, resource=resource)]
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        return None, [
            problem(
                "file-too-large",
                where,
                size_mb=f"{size / 1024 / 1024:.0f}",
                limit_mb=f"{max_mb:g}",
            )
        ]
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    text, bad = decode(data, where)
    if bad:
        return None, bad
    assert text is not None
    if not text.strip():
        return None, [problem("empty-file", where)]
    delimiter = sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    return Table(path, text, delimiter, sha, [h.strip() for h in header]), []


def decode(data: bytes, where: str) -> tuple[str | None, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [problem("encoding-utf16", where)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if any(b in _CP1258_TONES for b in data[exc.start : exc.start + 4096]):
            return None, [problem("encoding-cp1258", where, line=line)]
        return None, [problem("encoding-not-utf8", where, line=line)]


def sniff_delimiter(text: str) -> str:
    """Excel writes ';' where the decimal separator is ',' (Vietnamese Windows): accept both."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
