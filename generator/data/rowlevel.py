"""Row-level validation (issue 18): after an edit, check only the rows that changed.

A whole-table check (Frictionless plus our own pass, validate.py) leaves behind, per table,
a `RowState`: the text it checked, each row's problems that belong to that row alone (types,
enums, patterns, required cells, references, our Vietnamese checks), and the facts the checks
*across* rows need — each row's primary key as Frictionless types it, its key in NFC, its
page address, whether it is blank — plus the referenced tables' key sets and the row checks'
indexes (places, model sites …) it read. On the next run, if only the table's own bytes
changed (same schema, descriptor, referenced tables, unit tables, code), the new text is
compared line by line with the old one: the rows between the first and the last changed
line are checked again (Frictionless on just those rows, our pass on just those rows), the
other rows keep their problems (moved by the number of rows added or removed), and the
problems across rows (duplicate keys, duplicate addresses) are found again from the facts
for the keys the edit touched, without reading the rest of the table.

Whole tables are still checked by Frictionless on a cold cache, with `antq validate
--no-cache`, and whenever the row path cannot prove it gives the same answer: a cell holding
a line break (a record is then not a line), another header or delimiter, a table that points
to itself or is one of the unit tables, a `unique` constraint, many problems (Frictionless
stops at its error limit), a large edit. tests/test_rowlevel.py checks both paths give the
same problems on every bad-input fixture.

The state is stored with `marshal` (plain lists, tuples, dicts, sets, strings, numbers):
fast for 400,000 rows, and unlike pickle it cannot run code when read.
"""

from __future__ import annotations

import csv
import functools
import marshal
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, AnyStr

from generator.data import frictionless_run
from generator.data.messages_vi import problem, text
from generator.data.problems import Problem
from generator.data.schema import ResourceSpec
from generator.textvi import nfc, slugify, visible

if TYPE_CHECKING:
    from generator.data.rawcsv import LineSpan

STATE_VERSION = 3
# Above this share of a table's rows changed, checking the whole table costs about the same.
MAX_CHANGED_SHARE = 0.2
PK_ALL_NONE = 'cells composing the primary keys are all "None"'

Key = tuple[Any, ...]


def _max_lib_problems() -> int:
    """Frictionless stops at its error limit: near it, the row path could not say where."""
    return frictionless_run.ERROR_LIMIT // 2


class KeyCaster:
    """A row's primary key as Frictionless types it (its uniqueness is on typed values:
    "2024" and "02024" are the same year), with its missing values read as None."""

    def __init__(self, spec: ResourceSpec) -> None:
        from frictionless import Schema

        schema = Schema.from_descriptor(spec.descriptor["schema"])
        self.readers: list[tuple[bool, set[str], Any, dict[str, Any]]] = []
        for name in spec.primary_key:
            fld = schema.get_field(name)
            plain = fld.type == "string" and fld.format == "default"
            missing = set(fld.missing_values if fld.has_defined("missing_values") else [])
            missing = missing or set(schema.missing_values)
            self.readers.append((plain, missing, fld.create_cell_reader(), {}))
        # One plain text field (an `id`): the key is the cell itself, unless it is missing.
        one = len(self.readers) == 1 and self.readers[0][0]
        self.one_plain = self.readers[0][1] if one else None

    def __call__(self, raw: list[str | None]) -> Key | None:
        if self.one_plain is not None:
            value = raw[0]  # (`raw` has one cell: strict below)
            if len(raw) != 1:
                raise ValueError("one key field, one cell")
            return None if value is None or value in self.one_plain else (value,)
        out: list[Any] = []
        for value, (plain, missing, reader, memo) in zip(raw, self.readers, strict=True):
            if value is None or value in missing:
                out.append(None)
            elif plain:
                out.append(value)
            else:
                if value not in memo:
                    typed, notes = reader(value)
                    memo[value] = None if notes and "type" in notes else typed
                out.append(memo[value])
        return None if all(v is None for v in out) else tuple(out)

    def column_keys(self, columns: Sequence[Sequence[str]]) -> list[Key | None]:
        """`self(cells)` for each row of these key columns (one per key field, in order,
        no cell missing), each column's distinct texts typed once (generator.data.columns)."""
        typed: list[list[Any]] = []
        for values, (plain, missing, reader, memo) in zip(columns, self.readers, strict=True):
            table: dict[str, Any] = {}
            for value in set(values):
                if value in missing:
                    table[value] = None
                elif plain:
                    table[value] = value
                else:
                    if value not in memo:
                        cell, notes = reader(value)
                        memo[value] = None if notes and "type" in notes else cell
                    table[value] = memo[value]
            typed.append(list(map(table.__getitem__, values)))
        if len(typed) == 1:
            return [None if v is None else (v,) for v in typed[0]]
        keys: list[Key | None] = list(zip(*typed, strict=True))
        if any(None in column for column in typed):
            keys = [None if k is None or all(v is None for v in k) else k for k in keys]
        return keys


@dataclass
class RowFacts:
    """What the checks across rows need, one entry per record after the header."""

    numbers: list[int] = field(default_factory=list)  # Excel row numbers
    blank: list[bool] = field(default_factory=list)
    pk: list[Key | None] = field(default_factory=list)  # typed; None when all cells missing
    nfc: list[Key | None] = field(default_factory=list)  # stripped NFC key; None when blank
    nfc_raw: dict[int, Key] = field(default_factory=dict)  # index → key as typed, if not NFC
    slug: list[str | None] = field(default_factory=list)  # NFC page key when it gives a slug

    def add_row(
        self,
        number: int,
        cells: list[str],
        blank: bool,
        pk_idx: list[int],
        typed: KeyCaster | None,
        url_idx: int | None,
    ) -> None:
        self.numbers.append(number)
        self.blank.append(blank)
        width = len(cells)
        if typed is not None:
            self.pk.append(typed([cells[i] if i < width else None for i in pk_idx]))
        if blank or not pk_idx:
            self.nfc.append(None)
        else:
            raw = tuple([(cells[i] if i < width else "").strip() for i in pk_idx])
            norm = tuple([nfc(v) for v in raw])
            if norm != raw:
                self.nfc_raw[len(self.nfc)] = raw
            self.nfc.append(norm)
        if url_idx is not None:
            value = "" if blank else nfc((cells[url_idx] if url_idx < len(cells) else "").strip())
            self.slug.append(value if value and slugify(value) else None)

    def count(self) -> int:
        return self.blank.count(False)

    def number(self, i: int) -> int:
        return self.numbers[i] if self.numbers else i + 2


def own_cross_row(
    spec: ResourceSpec,
    where: str,
    header: list[str],
    facts: RowFacts,
    nfc_at: Iterable[int] | None = None,
    slug_at: Iterable[int] | None = None,
) -> list[Problem]:
    """Our checks across rows: keys that differ only in Unicode form, page addresses that
    collide. `nfc_at`, `slug_at`: the rows to consider for each, in order (every row when
    None): the rows holding a key an edit touched."""
    every = range(len(facts.blank))
    found = _nfc_duplicates(spec, where, facts, every if nfc_at is None else nfc_at)
    slug_order = every if slug_at is None else slug_at
    return found + _slug_duplicates(spec, where, header, facts, slug_order)


def _nfc_duplicates(
    spec: ResourceSpec, where: str, facts: RowFacts, order: Iterable[int]
) -> list[Problem]:
    found: list[Problem] = []
    if not facts.nfc_raw:
        return found  # every key is as typed: two rows with one key are exact duplicates
    # Only a key some row typed otherwise (`nfc_raw`) can be reported.
    odd = {facts.nfc[i] for i in facts.nfc_raw if i < len(facts.nfc)}
    seen: dict[Key, tuple[int, Key]] = {}
    for i in order:
        norm = facts.nfc[i] if i < len(facts.nfc) else None
        if norm is None or norm not in odd:
            continue
        raw = facts.nfc_raw.get(i, norm)
        first = seen.get(norm)
        if first is None:
            seen[norm] = (facts.number(i), raw)
        elif first[1] != raw:  # exact duplicates are Frictionless' to report
            key = ", ".join(f"{k}={v}" for k, v in zip(spec.primary_key, norm, strict=True))
            found.append(
                problem(
                    "duplicate-key",
                    where,
                    row=facts.number(i),
                    key=key,
                    other_row=first[0],
                    nfc_note=text("part-nfc-note"),
                )
            )
    return found


def _slug_duplicates(
    spec: ResourceSpec, where: str, header: list[str], facts: RowFacts, order: Iterable[int]
) -> list[Problem]:
    from generator.data.validate import URL_KEYS

    url_key = URL_KEYS.get(spec.name)
    if not url_key or not facts.slug:
        return []
    found: list[Problem] = []
    column = header.index(url_key) + 1
    slugs: dict[str, tuple[int, str]] = {}
    for i in order:
        value = facts.slug[i]
        if value is None:
            continue
        slug = slugify(value)
        other = slugs.get(slug)
        if other is None:
            slugs[slug] = (facts.number(i), value)
        elif other[1] != value:  # the same key twice is a duplicate key, reported so
            found.append(
                problem(
                    "duplicate-slug",
                    where,
                    row=facts.number(i),
                    column=column,
                    field=url_key,
                    cell=visible(value),
                    slug=slug,
                    other=visible(other[1]),
                    other_row=other[0],
                )
            )
    return found


@dataclass
class RowState:
    """One table's row-level state (see the module's docstring), as stored."""

    context: str  # the cache key of everything but the table's own bytes
    sha: str  # the table's bytes' hash
    text: str
    header_line: str
    delimiter: str
    lib: list[dict[str, Any]]  # Frictionless' problems of single rows
    own: list[dict[str, Any]]  # ours
    facts: RowFacts
    dups: dict[str, list[Any]]  # "pk" / "nfc" / "slug" → keys found on two rows or more
    keys: dict[tuple[str, tuple[str, ...]], set[Key] | None]  # referenced key sets
    prepared: list[Any] | None  # the row checks' states that can be stored, else None
    # Whether `text` holds a hidden character (rawcsv.hidden_characters' search): known in
    # memory once a row path searched it, never stored (None: not known).
    hidden: bool | None = field(default=None, compare=False)
    # How many rows hold each typed ("pk") and NFC ("nfc") key: made once in memory
    # (`RowMemory.prepare`, or the first edit) and moved by each edit's rows, never stored;
    # a key the changed rows alone hold is then found without a scan of 400,000 rows.
    counts: dict[str, Counter[Any]] | None = field(default=None, compare=False)
    # The bytes `text` was decoded from (rawcsv.Table.data), held in memory, never stored:
    # the next edit's lines are found by comparing them with the table's bytes, a span the
    # warm patch and the open data's split then find made (rawcsv.line_span).
    data: bytes | None = field(default=None, compare=False, repr=False)

    def dump(self) -> bytes:
        f = self.facts
        return marshal.dumps(
            (
                STATE_VERSION,
                self.context,
                self.sha,
                self.text,
                self.header_line,
                self.delimiter,
                self.lib,
                self.own,
                (f.blank, f.pk, f.nfc, f.nfc_raw, f.slug),
                self.dups,
                # The key sets as sorted lists: `marshal` sorts a set's items by their
                # marshalled bytes (Python 3.11+, for reproducible .pyc files), which made
                # the places' 100,000 keys ~0.15 CPU s of each state holding them (5 tables
                # of the national package); sorted as tuples of text (~0.06 s) they give the
                # same bytes in every process too (tests/test_cold_workers.py), and are read
                # back into a set as fast.
                dict(zip(self.keys, _key_lists(self.keys, sort=True), strict=True)),
                self.prepared,
            )
        )

    @classmethod
    def load(cls, data: bytes) -> RowState | None:
        try:
            parts = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if not isinstance(parts, tuple) or len(parts) != 12 or parts[0] != STATE_VERSION:
            return None
        blank, pk, nfc_keys, nfc_raw, slug = parts[8]
        facts = RowFacts([], blank, pk, nfc_keys, nfc_raw, slug)
        context, sha, text_, header_line, delimiter, lib, own = parts[1:8]
        dups, key_lists, prepared = parts[9:]
        keys = {ref: None if held is None else set(held) for ref, held in key_lists.items()}
        return cls(
            context, sha, text_, header_line, delimiter, lib, own, facts, dups, keys, prepared
        )


RETIRED_KEPT = 2  # replaced states held until `RowMemory.flush`, at most


class RowMemory:
    """`antq serve` (issue 18): the tables' row-level states held in memory between
    rebuilds instead of read from and written to the cache each time (400,000 rows of
    assessments are ~2 CPU seconds of `marshal` and file I/O per edit). A state is only
    ever replaced whole by a newer one, so what it holds is always one table's text with
    that text's problems: `flush` writes the ones not yet on disk (the server does after
    the pages are live, and when it stops); a state on disk older than the one in memory is
    still a consistent state (the row path then checks the rows between it and the table)."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, str], RowState | None] = {}
        self._unsaved: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        # The states replaced, let go by `flush` (idle time): freeing one of 400,000 rows
        # is ~30 ms the edit that replaced it would otherwise spend before its pages go live.
        self._retired: list[RowState | None] = []

    def get(self, directory: Path, resource: str) -> tuple[bool, RowState | None]:
        """(held, state): whether a state (or its absence) is held for the table."""
        with self._lock:
            key = (str(directory), resource)
            return key in self._held, self._held.get(key)

    def put(self, directory: Path, resource: str, state: RowState | None) -> None:
        with self._lock:
            key = (str(directory), resource)
            self._retired.append(self._held.get(key))
            del self._retired[:-RETIRED_KEPT]  # (edits with no idle time between: bounded)
            self._held[key] = state
            self._unsaved.add(key)

    def prepare(self) -> None:
        """Make, between rebuilds, the key counts of the states held (`RowState.counts`)."""
        with self._lock:
            held = [state for state in self._held.values() if state is not None]
        for state in held:
            if state.counts is None:
                state.counts = _counts(state.facts)

    def flush(self) -> None:
        """Write the states not yet on disk (None: the stored one removed)."""
        with self._lock:
            unsaved = [(key, self._held[key]) for key in sorted(self._unsaved)]
            self._unsaved.clear()
            self._retired.clear()
        for (directory, resource), state in unsaved:
            path = state_path(Path(directory), resource)
            if state is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".rows-tmp")
            tmp.write_bytes(state.dump())
            tmp.replace(path)


def storable(value: Any) -> bool:
    try:
        marshal.dumps(value)
    except ValueError:
        return False
    return True


def split_lines(table_text: str) -> tuple[str, list[str]]:
    """The header line and one line per record (the row path requires one record a line)."""
    header, _, body = table_text.partition("\n")
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return header, lines


def line_count(table_text: str) -> int:
    """`len(split_lines(table_text)[1])`, the lines not made (400,000 for the national
    yearly results): the line feeds after the header's, and a last line without one."""
    at = table_text.find("\n")
    if at < 0 or at == len(table_text) - 1:
        return 0
    return table_text.count("\n", at + 1) + (not table_text.endswith("\n"))


def one_record_a_line(lines: list[str], records: int) -> bool:
    """True when no cell holds a line break: then each line is exactly one record."""
    return records == len(lines)


def shift(problems: list[dict[str, Any]], start: int, end_old: int, delta: int) -> list[Any]:
    """Problems of unchanged rows: those before the edit as they were, those after it moved
    by the number of rows the edit added (or removed); those of changed rows dropped."""
    first, last = start + 2, end_old + 2  # Excel rows of the old changed lines [first, last)
    out = []
    for p in problems:
        row = p["row"]
        if row < first:
            out.append(p)
        elif row >= last:
            out.append({**p, "row": row + delta})
    return out


def cells_of(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def state_path(directory: Path, resource: str) -> Path:
    return directory / f"{resource}.rows"


# Up to this many keys, `_positions` finds each by `list.index` (a C loop over 400,000
# rows per key) rather than testing every row in Python.
FEW_KEYS = 16


def _counts(facts: RowFacts) -> dict[str, Counter[Any]]:
    return {"pk": Counter(facts.pk), "nfc": Counter(facts.nfc)}


def _positions(
    keys: list[Any],
    affected: set[Any],
    counts: Counter[Any] | None = None,
    start: int = 0,
    mid: list[Any] | None = None,
) -> list[int]:
    """The rows whose key is one of `affected` (none of which is None), in order. With
    `counts` (how many rows hold each key) and the changed rows' keys `mid` (from row
    `start`): a key no other row holds is found in `mid` alone."""
    if not affected:
        return []
    if counts is not None and mid is not None:
        inside = {key: [start + j for j, k in enumerate(mid) if k == key] for key in affected}
        alone = {key for key, at in inside.items() if counts.get(key, 0) == len(at)}
        known = [i for key in alone for i in inside[key]]
        return sorted(known + _positions(keys, affected - alone))
    if len(affected) > FEW_KEYS:
        return [i for i, k in enumerate(keys) if k is not None and k in affected]
    found: list[int] = []
    for key in affected:
        found += _indexes(keys, key)
    return sorted(found)


def _indexes(values: list[Any], value: Any) -> list[int]:
    """Every position of `value` in `values` (== as `in` tests it; found by C loops)."""
    found: list[int] = []
    at = 0
    try:
        while True:
            at = values.index(value, at)
            found.append(at)
            at += 1
    except ValueError:
        return found


def _dups(keys: list[Any], positions: Iterable[int]) -> list[Any]:
    counts: dict[Any, int] = {}
    for i in positions:
        counts[keys[i]] = counts.get(keys[i], 0) + 1
    return [k for k, c in counts.items() if c >= 2]


def _all_dups(keys: list[Any]) -> list[Any]:
    """`_dups` at every position whose key is not None (a whole table's), counted by
    `Counter` in C rather than key by key: the same keys in the same order."""
    counts = Counter(keys)
    counts.pop(None, None)
    return [k for k, c in counts.items() if c >= 2]


def _slug_keys(values: list[str | None]) -> list[str | None]:
    return [slugify(v) if v is not None else None for v in values]


def lib_cross_row(
    ctx: Any,
    facts: RowFacts,
    line: Callable[[int], str],
    delimiter: str,
    lib: list[dict[str, Any]],
    positions: list[int],
    nones: int | None = None,
) -> list[Problem]:
    """Frictionless' primary-key errors, found as it finds them (resources/table.py): a
    row whose key cells are all missing; a row whose typed key an earlier row had (it names
    the latest such row); none on a row it calls blank. `nones`: how many rows have no
    key, when known (none: no scan for them)."""
    if not facts.pk:
        return []
    blank = {p["row"] for p in lib if p["code"] == "blank-row"}
    found: list[Problem] = []

    def err(i: int, note: str) -> None:
        row = facts.number(i)
        described = {"type": "primary-key", "rowNumber": row, "note": note}
        described["cells"] = cells_of(line(i), delimiter)
        found.append(ctx.translate(described))

    for i in _indexes(facts.pk, None) if nones != 0 else []:
        if facts.number(i) not in blank:
            err(i, PK_ALL_NONE)
    memory: dict[Key, int] = {}
    for i in positions:
        key = facts.pk[i]
        assert key is not None
        match = memory.get(key)
        memory[key] = facts.number(i)
        if match and facts.number(i) not in blank:
            err(i, f"the same as in the row at position {match}")
    found.sort(key=lambda p: p.row or 0)
    return found


@dataclass
class _Edit:
    """Where the new text differs from the stored one: lines [start, end_old) of the old
    became lines [start, end_new) of the new (`mid`), parsed as `records`; `removed`: the
    old lines. Line numbers count the records' lines, the header's left out."""

    text: str  # the new text
    start: int
    end_old: int
    end_new: int
    records: list[list[str]]
    mid: list[str]
    removed: list[str]

    @functools.cached_property
    def new(self) -> list[str]:
        """Every line of the new text (made only when a problem must quote a row)."""
        return split_lines(self.text)[1]

    @property
    def delta(self) -> int:
        return (self.end_new - self.start) - (self.end_old - self.start)

    def splice(self, old: list[Any], mid: list[Any]) -> list[Any]:
        return old[: self.start] + mid + old[self.end_old :]

    def touched(self, old: list[Any], mid: list[Any], held: list[Any]) -> set[Any]:
        """The keys the edit removed or added, and those already on two rows or more."""
        out = {k for k in old[self.start : self.end_old] if k is not None}
        return out | {k for k in mid if k is not None} | set(held)


def _find_edit(state: RowState, table: Any) -> _Edit | None:
    """The edit from the stored text to the table's, its lines found by comparing the texts
    (`rawcsv.line_span`), not their 400,000 lines."""
    from generator.data.rawcsv import first_line

    text = table.text
    if first_line(text) != state.header_line or table.delimiter != state.delimiter:
        return None
    if state.data is not None and table.data is not None:
        span, *found = _edit_lines(state.data, table.data)  # the same lines (`_decoded`)
        mid, after, removed = (_decoded(lines) for lines in found)
    else:
        span, mid, after, removed = _edit_lines(state.text, text)
    start, end_old, end_new = span.start - 1, span.end_a - 1, span.end_b - 1
    limit = MAX_CHANGED_SHARE * max(span.count_a - 1, span.count_b - 1) + 10
    if max(len(mid), end_old - start) > limit or any("\r" in line[:-1] for line in mid):
        return None
    records = list(csv.reader(mid + after[:1], delimiter=table.delimiter))
    if len(records) != len(mid) + bool(after):
        return None  # a quote left open: the edit changed where records end
    return _Edit(text, start, end_old, end_new, records[: len(mid)], mid, removed)


def _edit_lines(
    old: AnyStr, new: AnyStr
) -> tuple[LineSpan, list[AnyStr], list[AnyStr], list[AnyStr]]:
    """Where `new` differs from `old` by lines from the second on (`rawcsv.line_span`), the
    lines there in `new`, the line after them in `new`, and the lines there in `old`."""
    from generator.data.rawcsv import line_span, span_lines

    span = line_span(old, new, 1)
    nl = "\n" if isinstance(new, str) else b"\n"
    mid = span_lines(new, span.at, span.end_at_b)
    after = span_lines(new, span.end_at_b, new.find(nl, span.end_at_b) + 1 or len(new))
    return span, mid, after, span_lines(old, span.at, span.end_at_a)


def _decoded(lines: list[bytes]) -> list[str]:
    """Lines of a table's bytes as its text holds them. Its text is those bytes decoded
    (`rawcsv.Table.data`): UTF-8 maps a line feed to a line feed and equal lines to equal
    lines, so the lines the bytes differ in are the lines the texts differ in (the first,
    where a byte-order mark would be, is never compared), and each decodes as it did."""
    return [line.decode("utf-8") for line in lines]


def _check_changed(
    checker: Any, spec: ResourceSpec, table: Any, state: RowState, edit: _Edit
) -> tuple[list[Problem], list[dict[str, Any]], RowFacts] | None:
    """Our pass and Frictionless on the changed rows alone: their own problems (those
    across rows are found from the facts afterwards) and their facts."""
    from generator.data.rawcsv import first_line

    # What the checks read from other tables, as the whole-table check stored it.
    for ref, keyset in state.keys.items():
        checker._keys[ref] = keyset
    if state.prepared is not None:
        checker.prepared[spec.name] = state.prepared
    first = edit.start + 2  # the Excel row of the first changed line
    facts = RowFacts(numbers=[first + k for k in range(len(edit.records))])
    rows = [(first + k, cells) for k, cells in enumerate(edit.records)]
    own = checker.row_pass(spec, table.header, rows, facts)
    lib: list[dict[str, Any]] = []
    if edit.mid:
        task = checker._task(spec, table)
        task["text"] = "\n".join([first_line(table.text), *edit.mid, ""])
        for p in frictionless_run.run(task):
            if p["code"] == "duplicate-key":
                continue  # found again from the facts, across the whole table
            if p["row"] is None or p["row"] < 2:
                return None
            lib.append({**p, "row": p["row"] + edit.start})
    return own, lib, facts


def _splice_facts(old: RowFacts, mid: RowFacts, edit: _Edit) -> RowFacts:
    """The facts after the edit, `old`'s lists spliced in place (the rows the edit left are
    not copied: four lists of 400,000 for the national yearly results): `old` is the state
    being replaced, read no more once its edit is known to be checked by rows."""
    for name in ("blank", "pk", "nfc", "slug"):
        getattr(old, name)[edit.start : edit.end_old] = getattr(mid, name)
    facts = RowFacts(numbers=[], blank=old.blank, pk=old.pk, nfc=old.nfc, slug=old.slug)
    for i, raw in old.nfc_raw.items():
        if i < edit.start:
            facts.nfc_raw[i] = raw
        elif i >= edit.end_old:
            facts.nfc_raw[i + edit.delta] = raw
    for j, raw in mid.nfc_raw.items():
        facts.nfc_raw[edit.start + j] = raw
    return facts


def _note_dates(
    checker: Any, spec: ResourceSpec, state: RowState, edit: _Edit, header: list[str]
) -> None:
    """For the build's date (validate._build_date): the record dates the edit removed and
    added, so the latest one is found without reading the table's column again."""
    from generator.revision import RECORD_DATES

    column = dict(RECORD_DATES).get(spec.name)
    if column is None or column not in header:
        return
    i = header.index(column)
    removed = csv.reader(edit.removed, delimiter=state.delimiter)
    values = [(r[i] if i < len(r) else "").strip() for r in removed]
    added = [(r[i] if i < len(r) else "").strip() for r in edit.records]
    checker.date_edits[spec.name] = (state.sha, values, added)


def row_path(checker: Any, spec: ResourceSpec, context: str, state: RowState | None) -> Any:
    """The problems and row count of `spec` from its stored state and the rows that
    changed, and the new state; or None when only a whole-table check can say (see the
    module docstring)."""
    from generator.data.frictionless_run import _Context
    from generator.data.rawcsv import first_line
    from generator.data.schema import display_path

    if state is None or state.context != context:
        return None
    table, opened = checker.table(spec)
    if table is None or opened or table.trailing_empty:
        return None
    edit = _find_edit(state, table)
    changed = _check_changed(checker, spec, table, state, edit) if edit else None
    if edit is None or changed is None:
        return None
    own_mid, lib_mid, mid_facts = changed
    old = state.facts
    lib = shift(state.lib, edit.start, edit.end_old, edit.delta) + lib_mid
    rows = old.count() - old.blank[edit.start : edit.end_old].count(False) + mid_facts.count()
    if rows == 0 or len(lib) >= _max_lib_problems():
        return None
    own = shift(state.own, edit.start, edit.end_old, edit.delta) + [p.to_dict() for p in own_mid]
    facts, counts, (pk_at, nfc_at, slug_at, slugs) = _spliced(state, edit, mid_facts)
    ctx = _Context(checker._task(spec, table))
    found = [Problem.from_dict(p) for p in lib]
    nones = counts["pk"].get(None, 0)
    found += lib_cross_row(ctx, facts, lambda i: edit.new[i], table.delimiter, lib, pk_at, nones)
    hidden, found_hidden = _hidden(state, edit, table)
    found += found_hidden
    found += [Problem.from_dict(p) for p in own]
    found += own_cross_row(spec, display_path(spec.path), table.header, facts, nfc_at, slug_at)
    dups = {"pk": _dups(facts.pk, pk_at), "nfc": _dups(facts.nfc, nfc_at)}
    dups["slug"] = _dups(slugs, slug_at)
    header_line = first_line(table.text)
    _note_dates(checker, spec, state, edit, table.header)
    new_state = RowState(
        context,
        table.sha256,
        table.text,
        header_line,
        table.delimiter,
        lib,
        own,
        facts,
        dups,
        state.keys,
        state.prepared,
        hidden,
        counts,
        table.data,
    )
    return found, rows, new_state


def _spliced(
    state: RowState, edit: _Edit, mid: RowFacts
) -> tuple[RowFacts, dict[str, Counter[Any]], tuple[list[int], list[int], list[int], list[Any]]]:
    """The facts after the edit (the state's spliced in place), their key counts, and the
    rows holding a key the edit touched: by typed key, NFC key and page address (with the
    addresses' slugs)."""
    old = state.facts
    touched_pk = edit.touched(old.pk, mid.pk, state.dups["pk"])
    touched_nfc = edit.touched(old.nfc, mid.nfc, state.dups["nfc"])
    touched_slug = edit.touched(_slug_keys(old.slug), _slug_keys(mid.slug), state.dups["slug"])
    counts = _moved_counts(state, edit, mid)
    facts = _splice_facts(old, mid, edit)  # (`old` spliced: read no more)
    _check_counts(counts, facts)
    pk_at = _positions(facts.pk, touched_pk, counts["pk"], edit.start, mid.pk)
    nfc_at = _positions(facts.nfc, touched_nfc, counts["nfc"], edit.start, mid.nfc)
    slugs = _slug_keys(facts.slug)
    return facts, counts, (pk_at, nfc_at, _positions(slugs, touched_slug), slugs)


def _moved_counts(state: RowState, edit: _Edit, mid: RowFacts) -> dict[str, Counter[Any]]:
    """The key counts after the edit (`RowState.counts`): the held state's (made now when
    it has none), moved by the rows removed and added, and given on to the new state."""
    counts = state.counts if state.counts is not None else _counts(state.facts)
    state.counts = None
    old = state.facts
    for name, before, after in (("pk", old.pk, mid.pk), ("nfc", old.nfc, mid.nfc)):
        counts[name].subtract(before[edit.start : edit.end_old])
        counts[name].update(after)
    return counts


def _check_counts(counts: dict[str, Counter[Any]], facts: RowFacts) -> None:
    """ANTQ_CHECK_DEPS=1: the moved counts must be those of the spliced facts."""
    if os.environ.get("ANTQ_CHECK_DEPS") != "1":
        return
    fresh = _counts(facts)
    if any(+counts[name] != fresh[name] for name in fresh):
        raise RuntimeError("the row state's key counts moved by the edit differ from a count")


def _hidden(state: RowState, edit: _Edit, table: Any) -> tuple[bool, list[Problem]]:
    """`rawcsv.hidden_characters` of the new text, and whether it holds one: when the
    stored text held none (searched once, then known in memory) and the changed lines hold
    none, the new text holds none, and its 33 MB are not searched again."""
    from generator.data.rawcsv import hidden_characters
    from generator.textvi import HIDDEN_RE

    if state.hidden is None:
        state.hidden = HIDDEN_RE.search(state.text) is not None
    if not state.hidden and not any(HIDDEN_RE.search(line) for line in edit.mid):
        return False, []
    if HIDDEN_RE.search(table.text) is None:
        return False, []
    return True, hidden_characters(table)


# Tables whose own checks weigh rows against each other (the tổ ratings' share of "xuất
# sắc" per xã and year): one edited row changes other rows' warnings, so they are checked whole.
CROSS_ROW_TABLES = frozenset({"security_team_ratings"})


def _own_keys(checker: Any, spec: ResourceSpec) -> dict[tuple[str, tuple[str, ...]], Any]:
    """The referenced key sets this table's own pass read (`_Checker.keys`): not those of
    another table's references that the same checker read before (a table's state is the
    same whichever tables were checked before it, in one process or in a worker)."""
    from generator.data.validate import unit_reference

    return {
        (fk.resource, fk.ref_fields): checker._keys[(fk.resource, fk.ref_fields)]
        for fk in spec.foreign_keys
        if unit_reference(spec, fk) is None and (fk.resource, fk.ref_fields) in checker._keys
    }


def whole_table_state(
    checker: Any,
    spec: ResourceSpec,
    context: str,
    lib: list[dict[str, Any]],
    own: list[Problem],
) -> tuple[RowState | None, bytes | None]:
    """The state a whole-table check leaves for the row path, or None when the row path
    could not reproduce that table's check (see the module docstring); and, unless the
    checker holds its states in memory (`checker.memory`), the state's bytes to store."""
    from generator.data.rawcsv import first_line
    from generator.data.validate import UNIT_RESOURCES

    table, opened = checker.table(spec)
    facts: RowFacts | None = checker.facts.get(spec.name)
    if table is None or opened or table.trailing_empty or facts is None:
        return None, None
    if spec.name in (*UNIT_RESOURCES, *CROSS_ROW_TABLES) or any(
        fk.resource in ("", spec.name) for fk in spec.foreign_keys
    ):
        return None, None  # an edit changes other rows' checks (keys referenced, or weighed)
    if any(f.constraints.get("unique") for f in spec.fields):
        return None, None
    if line_count(table.text) != len(facts.numbers):
        return None, None  # a cell holds a line break (`one_record_a_line`)
    if "\r" in table.text and any("\r" in line[:-1] for line in split_lines(table.text)[1]):
        return None, None
    header_line = first_line(table.text)
    if len(lib) >= _max_lib_problems() or any((p["row"] or 0) < 2 for p in lib):
        return None, None
    if any((p.row or 0) < 2 for p in own):
        return None, None
    keys = _own_keys(checker, spec)
    held = checker.prepared.get(spec.name)
    prepared = list(held) if held is not None else None
    slugs = _slug_keys(facts.slug)
    state = RowState(
        context,
        table.sha256,
        table.text,
        header_line,
        table.delimiter,
        [p for p in lib if p["code"] != "duplicate-key"],
        [p.to_dict() for p in own],
        RowFacts([], facts.blank, facts.pk, facts.nfc, facts.nfc_raw, facts.slug),
        {
            "pk": _all_dups(facts.pk),
            "nfc": _all_dups(facts.nfc),
            "slug": _all_dups(slugs),
        },
        keys,
        prepared,
        data=table.data,
    )
    return _storable_state(state, checker.memory is None)


def _storable_state(state: RowState, dump: bool) -> tuple[RowState | None, bytes | None]:
    """`state` with the row checks' states `marshal` cannot store set to None, or None
    when its keys cannot be stored; with `dump`, its bytes too. The keys (a typed key a
    row: 400,000 for the national yearly results) are tested by the one marshalling that
    makes the bytes, not marshalled once more to test them first."""
    if state.prepared is not None:
        state.prepared = [s if storable(s) else None for s in state.prepared]
    if dump:
        try:
            return state, state.dump()
        except ValueError:
            if storable((state.facts.pk, _key_lists(state.keys))):
                raise  # (nothing else in a state is ever unstorable)
            return None, None
    if not storable((state.facts.pk, _key_lists(state.keys))):
        return None, None
    return state, None


def _key_lists(
    keys: dict[tuple[str, tuple[str, ...]], set[Key] | None], sort: bool = False
) -> list[Any]:
    """The key sets as lists, sorted as `RowState.dump` writes them (see there), or as
    they come to test whether they can be stored."""
    return [
        None if keyset is None else sorted(keyset) if sort else list(keyset)
        for keyset in keys.values()
    ]
