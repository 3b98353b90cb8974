"""The one raw reader of every data table: size limit, symlinks, encoding, BOM, delimiter.

Every reader of a data file goes through here (validation, the unit tables, the typed loader,
the diff of two git revisions, the synthetic package, the basemap): a file validation accepts
reads the same everywhere, and a file it refuses is refused everywhere with the same
Vietnamese line, never with a traceback.

Frictionless guesses encodings when a file is not valid UTF-8 and then "validates" garbage
(cp1258 with combining tones, even a Korean guess for a short file), so we decide the
encoding ourselves and refuse anything that is not UTF-8 with a message that says how to
save the file correctly.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import AnyStr

from generator.data.messages_vi import problem, text
from generator.data.problems import Problem
from generator.filehash import HASHES, file_digest
from generator.textvi import CONTROL_CHARACTERS, HIDDEN_RE, ZERO_WIDTH_CHARACTERS

# Refuse files above this size before reading them: a 50 MB sheet is almost always a file
# saved by mistake, and reading it whole would cost memory for nothing. The national
# synthetic package's largest file (assessments) is about 30 MB.
MAX_FILE_MB = 64

# A long description cell must reach the maxLength check, not crash the reader at the
# csv module's 128 KB default; the file size limit above bounds memory anyway.
csv.field_size_limit(MAX_FILE_MB * 1024 * 1024)

# Bytes 0xCC, 0xD2, 0xDE, 0xEC, 0xF2 are cp1258's combining tone marks, and Đ đ Ă ă Ơ ơ Ư ư
# its letters of the Vietnamese alphabet (a table of codes has "QĐ" and no tone): their
# presence in a non-UTF-8 file is the signature of Excel's "CSV" export on Vietnamese Windows.
_CP1258_TONES = frozenset(b"\xcc\xd2\xde\xec\xf2\xd0\xf0\xc3\xe3\xd5\xf5\xdd\xfd")

# Characters refused in any cell (issue 12): see generator.textvi.HIDDEN_RE for each class
# and why it is refused.
_HIDDEN_RE = HIDDEN_RE
_CONTROL_RE = re.compile(f"[{CONTROL_CHARACTERS}]")
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH_CHARACTERS}]")


@dataclass
class Table:
    where: str  # the file as officials see it (a path, or "rev:path" for a git revision)
    text: str
    delimiter: str
    sha256: str
    header: list[str]
    bom: bool = False  # the file began with UTF-8's byte-order mark (Excel's "CSV UTF-8")
    # Blank columns Excel leaves after the last one (a blank label, every cell blank): read
    # as if absent, with a warning (issue 17), instead of a blank-label error per column.
    trailing_empty: int = 0
    # The bytes `text` was decoded from, when `text` is all of them (no column cut): a
    # row-level check finds an edit's lines by comparing bytes (generator.data.rowlevel).
    data: bytes | None = dataclasses.field(default=None, repr=False, compare=False)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (Excel row number, cells) for each record after the header."""
        reader = csv.reader(io.StringIO(self.text), delimiter=self.delimiter)
        next(reader, None)
        yield from enumerate(reader, start=2)

    def records(self) -> Iterator[dict[str, str]]:
        """Each row as {column name: cell}; a short row gives "" for the missing cells."""
        header = self.header
        width = len(header)
        for _, cells in self.rows():
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield dict(zip(header, cells, strict=False))

    def canonical(self) -> bytes:
        """The table as published: UTF-8 without BOM, ',' and LF (what the descriptor's
        default dialect says). A file already in that form publishes byte for byte."""
        if self.delimiter == "," and not self.bom and "\r" not in self.text:
            return self.text.encode("utf-8")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        reader = csv.reader(io.StringIO(self.text), delimiter=self.delimiter)
        writer.writerows([cell.replace("\r\n", "\n") for cell in row] for row in reader)
        return out.getvalue().encode("utf-8")

    def count_rows(self, above: int, lines: int | None = None) -> int:
        """The number of records, counted exactly only when a cheap upper bound (line
        breaks, which quoted cells may hold too) exceeds `above`. `lines`: the text's lines,
        when known (`LineSpan.count_b` of its bytes: line feeds map one to one)."""
        if lines is None:
            lines = self.text.count("\n") + (not self.text.endswith("\n"))
        bound = lines - 1
        if bound <= above:
            return bound
        return sum(1 for _, cells in self.rows() if any(cells))


def utf8_lines(data: bytes) -> list[bytes] | None:
    """`data` split at its line feeds (no empty last line) when it is valid UTF-8 without a
    byte-order mark, else None: the in-memory patches of a table (`antq serve`) start here
    and add their own conditions; None sends them to the whole table's road."""
    if data.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


# Bytes (or characters) compared at a time by `line_span`: slices this long are compared by
# one memcmp each, so a 33 MB table is compared in ~500 C calls, not 400,000 Python ones.
_SPAN_CHUNK = 1 << 16


@dataclass(frozen=True)
class LineSpan:
    """Where two texts' lines differ (`line_span`): lines [start, end_a) of `a` became
    lines [start, end_b) of `b`; `at`, `end_at_a`, `end_at_b`: where those lines begin and
    end in each text (offsets), `count_a`, `count_b`: how many lines each has."""

    start: int
    end_a: int
    end_b: int
    count_a: int
    count_b: int
    at: int
    end_at_a: int
    end_at_b: int


# The last spans found, with the texts they are of: one build asks the same pair of a
# leaf table's bytes (before, now) several times (the warm patch, the changed keys, the open
# data split), each a pass over 33 MB for the national yearly results (issue 18).
# Bytes only (the decoded texts validation compares are not asked twice), the last pair.
_SPANS: list[tuple[bytes, bytes, int, LineSpan]] = []
SPANS_KEPT = 1


def line_span(a: AnyStr, b: AnyStr, first: int = 0) -> LineSpan:
    """`_line_span(a, b, first)`, the last ones found given again for the same texts (the
    same objects, or equal ones: a comparison is one memcmp, not the lines counted)."""
    if not isinstance(a, bytes) or not isinstance(b, bytes):
        return _line_span(a, b, first)
    for held_a, held_b, held_first, span in _SPANS:
        if held_first == first and (held_a is a or held_a == a) and (held_b is b or held_b == b):
            return span
    span = _line_span(a, b, first)
    _SPANS.insert(0, (a, b, first, span))
    del _SPANS[SPANS_KEPT:]
    return span


def _line_span(a: AnyStr, b: AnyStr, first: int = 0) -> LineSpan:
    """The span of lines where `a` and `b` differ, exactly as comparing their line lists
    from each end would find it (`generator.deps.changed_span`: lines split at line feeds, no
    empty last line; from line `first` on, the lines before it being equal), found by
    comparing slices, not lines: the table's lines are never made (issue 18: a one-row edit
    of a 400,000-row table was five such Python loops). Our own code: the standard library
    compares sequences (difflib) element by element, which is the loop this avoids."""
    nl = "\n" if isinstance(a, str) else b"\n"
    if not a or not b:  # (an empty text has no line; a text of one line feed has one)
        count_a, count_b = _line_count(a, nl), _line_count(b, nl)
        start = min(first, count_a, count_b)
        return LineSpan(start, count_a, count_b, count_a, count_b, 0, len(a), len(b))
    # Each text as if it ended with a line feed (the same lines): every line is terminated.
    a = a if a.endswith(nl) else a + nl
    b = b if b.endswith(nl) else b + nl
    size_a, size_b = len(a), len(b)
    p, q = _common_prefix(a, b), _common_suffix(a, b)
    before = a.count(nl, 0, p)  # the lines wholly inside the common prefix
    after = a.count(nl, size_a - q)  # the line feeds in the common end
    if p <= size_a - q and p <= size_b - q:  # (each line feed counted once, not thrice)
        count_a = before + a.count(nl, p, size_a - q) + after
        count_b = before + b.count(nl, p, size_b - q) + after
    else:  # the equal ends overlap the equal starts
        count_a, count_b = a.count(nl), b.count(nl)
    start = before
    at = a.rfind(nl, 0, p) + 1 if start else 0
    if start < first:  # (the callers compare the lines before `first` themselves)
        start = min(first, count_a, count_b)
        at = _line_at(a, start, nl)
    tail, tail_bytes = _tail_lines(a, b, q, after, nl)
    keep = min(tail, count_a - start, count_b - start)
    if keep < tail:  # the equal ends reach the equal starts: one side's span is empty
        tail_bytes = (size_a - at) if keep == count_a - start else (size_b - at)
    return LineSpan(
        start,
        count_a - keep,
        count_b - keep,
        count_a,
        count_b,
        at,
        size_a - tail_bytes,
        size_b - tail_bytes,
    )


def span_lines(text: AnyStr, at: int, end: int) -> list[AnyStr]:
    """The lines of `text` between two of `LineSpan`'s offsets."""
    chunk = text[at:end]
    lines = chunk.split("\n" if isinstance(chunk, str) else b"\n")
    if not chunk or chunk.endswith("\n" if isinstance(chunk, str) else b"\n"):
        lines.pop()
    return lines


def _line_count(text: AnyStr, nl: AnyStr) -> int:
    return text.count(nl) + (not text.endswith(nl)) if text else 0


def _line_at(text: AnyStr, line: int, nl: AnyStr) -> int:
    at = 0
    for _ in range(line):
        at = text.index(nl, at) + 1
    return at


def _aligned(text: AnyStr, at: int, nl: AnyStr) -> bool:
    return at == 0 or text[at - 1 : at] == nl


def _tail_lines(a: AnyStr, b: AnyStr, q: int, feeds: int, nl: AnyStr) -> tuple[int, int]:
    """How many whole lines end both texts (each ends with a line feed), the last `q`
    being equal and holding `feeds` line feeds, and their length."""
    if q == 0:
        return 0, 0
    at = len(a) - q
    if _aligned(a, at, nl) and _aligned(b, len(b) - q, nl):
        return feeds, q
    # The first line of the equal end begins earlier in one of them: not a whole line.
    return feeds - 1, len(a) - (a.index(nl, at) + 1)


def _common_prefix(a: AnyStr, b: AnyStr) -> int:
    return _equal_run(min(len(a), len(b)), lambda i, j: a[i:j] == b[i:j])


def _common_suffix(a: AnyStr, b: AnyStr) -> int:
    la, lb = len(a), len(b)
    return _equal_run(min(la, lb), lambda i, j: a[la - j : la - i] == b[lb - j : lb - i])


def _equal_run(n: int, same: Callable[[int, int], bool]) -> int:
    """The length of the equal run (at most `n`) where `same(i, j)` says whether positions
    i..j of the run are equal: compared a chunk at a time, the first unequal chunk
    halved until its first difference."""
    i = 0
    while i < n:
        j = min(i + _SPAN_CHUNK, n)
        if not same(i, j):
            lo, hi = i, j  # [i, lo) equal; the first difference is in [lo, hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if same(lo, mid):
                    lo = mid
                else:
                    hi = mid
            return lo
        i = j
    return n


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes, through the build's store of input hashes
    (generator.filehash: not read again while its `stat` is unchanged)."""
    return file_digest(path)


def open_table(
    path: Path, where: str, resource: str, max_mb: float = MAX_FILE_MB
) -> tuple[Table | None, list[Problem]]:
    """Read a data table from disk: never through a symbolic link, never above `max_mb`."""
    data, problems = read_raw(path, where, resource, max_mb)
    if data is None:
        return None, problems
    return read_table(data, where)


def read_raw(
    path: Path, where: str, resource: str, max_mb: float = MAX_FILE_MB
) -> tuple[bytes | None, list[Problem]]:
    """A data table's bytes, with `open_table`'s refusals (links, size) and its problems."""
    try:
        info = path.lstat()
    except OSError:
        return None, [problem("missing-file", where, resource=resource)]
    if stat.S_ISLNK(info.st_mode):
        return None, [problem("data-symlink", where)]
    if not stat.S_ISREG(info.st_mode):
        return None, [problem("missing-file", where, resource=resource)]
    if info.st_size > max_mb * 1024 * 1024:
        return None, [
            problem(
                "file-too-large",
                where,
                size_mb=f"{info.st_size / 1024 / 1024:.0f}",
                limit_mb=f"{max_mb:g}",
            )
        ]
    # This build's pass already read these very bytes (generator.filehash: the file hashed
    # at this `stat`, a regular file then as now): not read again.
    kept = HASHES.kept_bytes(path, info)
    if kept is not None:
        if os.environ.get("ANTQ_CHECK_DEPS") == "1" and path.read_bytes() != kept:
            raise RuntimeError(f"{where}: the bytes this build kept differ from the file's")
        return kept, []
    # O_NOFOLLOW: a link swapped in after the check above is refused by the kernel.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None, [problem("data-symlink", where)]
    with os.fdopen(fd, "rb") as fh:
        return fh.read(), []


def read_table(data: bytes, where: str) -> tuple[Table | None, list[Problem]]:
    """A table from its bytes (a file, or a file at a git revision) named `where`."""
    # (Bytes this build's pass hashed already: their digest, not hashed again.)
    sha = HASHES.digest_of(data) or hashlib.sha256(data).hexdigest()
    text, bad = decode(data, where)
    if bad:
        return None, bad
    assert text is not None
    if not text or text.isspace():
        return None, [problem("empty-file", where)]
    delimiter = sniff_delimiter(text)
    header = next(csv.reader(_lines_of(text), delimiter=delimiter), [])
    header = [h.strip() for h in header]
    bom = data.startswith(b"\xef\xbb\xbf")
    trailing = 0
    while trailing < len(header) - 1 and not header[len(header) - 1 - trailing]:
        trailing += 1
    if trailing:
        cut = _drop_trailing_columns(text, delimiter, len(header) - trailing)
        if cut is not None:
            header = header[: len(header) - trailing]
            return Table(where, cut, delimiter, sha, header, bom, trailing), []
    return Table(where, text, delimiter, sha, header, bom, data=data), []


def first_line(text: AnyStr) -> AnyStr:
    """The text (or bytes) up to its first line feed (`text.partition("\\n")[0]`, without
    copying the rest: 33 MB for the national yearly results)."""
    end = text.find("\n" if isinstance(text, str) else b"\n")
    return text if end < 0 else text[:end]


def _lines_of(text: str) -> Iterator[str]:
    """The text's lines with their line feeds, one at a time (what `io.StringIO(text)`
    gives a csv reader, without copying the whole text first: the header alone is read)."""
    at, size = 0, len(text)
    while at < size:
        end = text.find("\n", at)
        if end < 0:
            yield text[at:]
            return
        yield text[at : end + 1]
        at = end + 1


def _drop_trailing_columns(text: str, delimiter: str, width: int) -> str | None:
    """The text without the columns after `width`, or None when one of their cells holds
    something (then they are real columns without a label, and reported as such)."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if any(cell.strip() for row in rows for cell in row[width:]):
        return None
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerows(row[:width] for row in rows)
    return out.getvalue()


def decode(data: bytes, where: str) -> tuple[str | None, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        return None, [problem("encoding-utf16", where)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if any(b in _CP1258_TONES for b in data[exc.start : exc.start + 4096]):
            return None, [problem("encoding-cp1258", where, line=line)]
        return None, [problem("encoding-not-utf8", where, line=line)]


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 saved without its byte-order mark: every other byte of Latin text is NUL
    (which UTF-8 would decode without error, as a text full of NUL characters)."""
    head = data[:4096]
    return len(head) >= 4 and max(head[0::2].count(0), head[1::2].count(0)) * 4 >= len(head)


def sniff_delimiter(text: str) -> str:
    """Excel writes ';' where the decimal separator is ',' (Vietnamese Windows): accept both."""
    first = first_line(text)
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def hidden_characters(table: Table) -> list[Problem]:
    """Control, bidirectional and zero-width characters in any cell (the header included),
    each located: one regex over the whole text, rows read only when it finds something."""
    if not _HIDDEN_RE.search(table.text):
        return []
    found: list[Problem] = []
    reader = csv.reader(io.StringIO(table.text), delimiter=table.delimiter)
    for row, cells in enumerate(reader, start=1):
        for column, cell in enumerate(cells, start=1):
            match = _HIDDEN_RE.search(cell)
            if match is None:
                continue
            ch = match.group()
            if _CONTROL_RE.match(ch):
                code = "control-character"
            elif _ZERO_WIDTH_RE.match(ch):
                code = "zero-width-character"
            else:
                code = "bidi-character"
            name = table.header[column - 1] if column <= len(table.header) and row > 1 else None
            found.append(
                problem(
                    code,
                    table.where,
                    row=row,
                    column=column,
                    field=name or None,
                    char=f"U+{ord(ch):04X}",
                    name=unicodedata.name(ch, "").lower() or text("part-control-character"),
                )
            )
    return found
