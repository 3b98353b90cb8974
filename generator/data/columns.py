"""Our own pass over a whole table, column by column (issue 18: a cold validation's CPU).

`_Checker.row_pass` checks a table row by row, every check on every cell: ~10 µs a row,
most of the national package's own pass (400,000 yearly results). Yet a column repeats
few values (years, dates, results, issuers, legal bases, the places a table names again
and again) and almost no cell has a problem. Here each check looks at the distinct values
(or tuples of values) of the columns it reads, once each, by the very functions the row
loop calls; the rows holding a value a check flags, a superset of the rows with a problem,
then go through `row_pass` itself, which writes each message: the same problems, in the
same order, as the row loop over every row (it finds none in a row no check flags). The
facts the checks across rows need (`rowlevel.RowFacts`: keys, blanks, page addresses) are
made from each column's distinct values too.

The table is taken `CHUNK` rows at a time (its cells are not all held at once). A chunk
with a row narrower or wider than the header (Frictionless reports it) goes through the
row loop whole. A row check without a `flagged` method has all its rows checked by the
loop. tests/test_columns.py compares both passes on every bad-input fixture and validation
case, and on tables where each check flags many rows.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from generator.data.checks import may_have_text_problems, text_checks
from generator.data.rowlevel import RowFacts
from generator.textvi import nfc, slugify

if TYPE_CHECKING:
    from generator.data.problems import Problem
    from generator.data.rawcsv import Table
    from generator.data.schema import ResourceSpec
    from generator.data.validate import RowPlan

# Rows taken at a time: their cells, columns and distinct values are held at once.
CHUNK = 20_000
# Distinct texts searched at once by `may_have_text_problems` once a column's search found
# something (then each text of a part that finds something is checked alone).
TEXT_PART = 256

Rows = list[tuple[int, list[str]]]


def whole_pass(checker: Any, spec: ResourceSpec, table: Table, facts: RowFacts) -> list[Problem]:
    """`checker.row_pass(spec, table.header, table.rows(), facts)`, column by column."""
    plan = checker.plan(spec, table.header)
    found: list[Problem] = []
    rows = table.rows()
    dated = _dated_column(spec, table.header)
    latest = ""
    while chunk := list(itertools.islice(rows, CHUNK)):
        cols: list[Sequence[str]] | None = None
        if all(len(cells) == plan.width for _, cells in chunk):
            cols = list(zip(*(cells for _, cells in chunk), strict=True))
            found += _by_columns(checker, spec, table.header, plan, chunk, cols, facts)
        else:
            found += checker.row_pass(spec, table.header, chunk, facts, plan)
        if dated is not None:  # (the column made already, when it is)
            column = (
                set(cols[dated])
                if cols is not None
                else {cells[dated] if dated < len(cells) else "" for _, cells in chunk}
            )
            latest = max(latest, *map(str.strip, column))
    if dated is not None:
        checker.latest_dates[spec.name] = (table.sha256, latest)
    return found


def _dated_column(spec: ResourceSpec, header: list[str]) -> int | None:
    """The column of a table's record dates (generator.revision.RECORD_DATES), whose latest
    value `whole_pass` notes for the build's date (validate._build_date): the table is not
    read again for it."""
    from generator.revision import RECORD_DATES

    column = dict(RECORD_DATES).get(spec.name)
    return header.index(column) if column is not None and column in header else None


def _by_columns(
    checker: Any,
    spec: ResourceSpec,
    header: list[str],
    plan: RowPlan,
    chunk: Rows,
    cols: list[Sequence[str]],
    facts: RowFacts,
) -> list[Problem]:
    """The chunk's problems; `cols`: its columns (every row as wide as the header)."""
    add_facts(facts, plan, [number for number, _ in chunk], cols, _blank_rows(chunk, cols))
    flagged = flagged_rows(checker, plan, cols, len(chunk))
    if not flagged:
        return []
    rows = [chunk[j] for j in sorted(flagged)]
    return list(checker.row_pass(spec, header, rows, RowFacts(), plan))


def _blank_rows(chunk: Rows, cols: list[Sequence[str]]) -> list[bool]:
    """Whether each row holds no more than white space (`not "".join(cells).strip()`):
    a row whose first cell holds more is not blank (that cell's distinct values looked at
    once each); only the others are joined (the national tables have none, and joining
    each row was ~4 % of our pass over them)."""
    if not cols:
        return [not "".join(cells).strip() for _, cells in chunk]
    first = cols[0]
    filled = {v for v in set(first) if v.strip()}
    return [
        False if v in filled else not "".join(cells).strip()
        for v, (_, cells) in zip(first, chunk, strict=True)
    ]


def where(values: Sequence[Hashable], bad: set[Any]) -> list[int]:
    """The positions of `values` holding one of `bad`."""
    if not bad:
        return []
    return [j for j, v in enumerate(values) if v in bad]


def mapped(values: Sequence[str], function: Callable[[str], Any]) -> list[Any]:
    """`[function(v) for v in values]`, `function` called once per distinct value."""
    return list(map(value_table(values, function).__getitem__, values))


def value_table(values: Sequence[str], function: Callable[[str], Any]) -> dict[str, Any]:
    """`{v: function(v)}` for the distinct `values`."""
    return {v: function(v) for v in set(values)}


def _stripped_nfc(value: str) -> str:
    return nfc(value.strip())


def nfc_table(values: Iterable[str]) -> dict[str, str]:
    """`{v: nfc(v.strip())}` for the distinct `values` (`unicodedata` called here: a
    Python call or two less per value than `textvi.nfc`, whose normal form it is)."""
    normalize = unicodedata.normalize
    return {v: normalize("NFC", v.strip()) for v in set(values)}


# -- the facts across rows (`RowFacts.add_row`, for every row of a chunk) --------------------


def add_facts(
    facts: RowFacts,
    plan: RowPlan,
    numbers: list[int],
    cols: list[Sequence[str]],
    blank: list[bool],
) -> None:
    """`facts.add_row` for each row of the chunk (its `numbers`, `cols`, `blank`)."""
    offset = len(facts.blank)
    facts.numbers += numbers
    facts.blank += blank
    some_blank = True in blank
    key_cols = [cols[i] for i in plan.pk_idx]
    if plan.typed is not None:
        facts.pk += plan.typed.column_keys(key_cols)
    if not plan.pk_idx:
        facts.nfc += [None] * len(blank)
    else:
        tables = [nfc_table(c) for c in key_cols]
        norm = [list(map(t.__getitem__, c)) for t, c in zip(tables, key_cols, strict=True)]
        keys: list[Any] = list(zip(*norm, strict=True))
        for j in _not_nfc(key_cols, tables):
            if not blank[j]:
                facts.nfc_raw[offset + j] = tuple(c[j].strip() for c in key_cols)
        facts.nfc += (
            [None if b else k for k, b in zip(keys, blank, strict=True)] if some_blank else keys
        )
    if plan.url_idx is not None:
        slugs = mapped(cols[plan.url_idx], _page_key)
        facts.slug += [None if b else s for s, b in zip(slugs, blank, strict=True)]


def _not_nfc(key_cols: list[Sequence[str]], tables: list[dict[str, str]]) -> list[int]:
    """The rows whose key, stripped, is not in NFC in some column (`tables`: each
    column's `nfc_table`)."""
    out: set[int] = set()
    for c, table in zip(key_cols, tables, strict=True):
        out.update(where(c, {v for v, n in table.items() if v.strip() != n}))
    return sorted(out)


def _page_key(value: str) -> str | None:
    """A row's page key when it gives a page address (`RowFacts.add_row`)."""
    key = nfc(value.strip())
    return key if key and slugify(key) else None


# -- the rows some check flags --------------------------------------------------------------


def flagged_rows(checker: Any, plan: RowPlan, cols: list[Sequence[str]], n: int) -> set[int]:
    """The chunk's rows (by position) in which `row_pass` may find a problem: every row in
    which it finds one, by the same functions, called once per distinct value."""
    flagged: set[int] = set()
    for _name, i in plan.text_fields:
        flagged.update(where(cols[i], text_flagged(cols[i])))
    if plan.url_idx is not None:
        column = cols[plan.url_idx]
        flagged.update(where(column, {v for v in set(column) if _empty_slug(v)}))
    for _fields, idx, keyset, _ref in plan.other_fks:
        if keyset is not None:
            flagged.update(_unknown_keys([cols[i] for i in idx], keyset))
    if plan.tables is not None:
        flagged.update(_unit_flagged(checker, plan, cols))
    if plan.row_check is not None:
        find = getattr(plan.row_check, "flagged", None)
        found = find(plan.row_state, plan.col, cols, n) if find is not None else None
        flagged.update(range(n) if found is None else found)
    return flagged


def text_flagged(values: Sequence[str]) -> set[str]:
    """The distinct texts of `values` in which `text_checks` finds something. Its searches
    find in texts joined by line feeds whatever they find in one of them, and nothing
    across two (`checks.may_have_text_problems`): a column is searched once, and only
    the texts of a part that finds something are checked one by one."""
    distinct = [v for v in set(values) if v]
    if not distinct or not may_have_text_problems("\n".join(distinct)):
        return set()
    bad: set[str] = set()
    for start in range(0, len(distinct), TEXT_PART):
        part = distinct[start : start + TEXT_PART]
        if may_have_text_problems("\n".join(part)):
            bad.update(v for v in part if text_checks(v))
    return bad


def _empty_slug(value: str) -> bool:
    key = nfc(value.strip())
    return bool(key) and not slugify(key)


def _unknown_keys(columns: list[Sequence[str]], keyset: set[tuple[str, ...]]) -> list[int]:
    """Rows whose reference (NFC, stripped) is set and not in `keyset`."""
    if len(columns) == 1:
        table = nfc_table(columns[0])
        return where(columns[0], {v for v, k in table.items() if k and (k,) not in keyset})
    keys = list(zip(*(map(nfc_table(c).__getitem__, c) for c in columns), strict=True))
    return [j for j, k in enumerate(keys) if any(k) and k not in keyset]


def _unit_flagged(checker: Any, plan: RowPlan, cols: list[Sequence[str]]) -> Iterable[int]:
    """Rows whose unit codes `_Checker._unit_cell` or `_legacy_cell` would report."""
    tables = plan.tables
    assert tables is not None
    out: list[int] = []
    for _name, i in plan.unit_fks:  # a code not among the current units is always reported
        out += where(
            cols[i], {v for v in set(cols[i]) if (s := v.strip()) and s not in tables.current}
        )
    units = [cols[i] for _, i in plan.unit_fks]
    for name, i in plan.legacy_fks:  # reported by the legacy code and the row's unit code
        combos = list(zip(cols[i], *units, strict=True))
        bad = {c for c in set(combos) if _legacy_reported(checker, tables, name, c)}
        out += where(combos, bad)
    return out


def _legacy_reported(checker: Any, tables: Any, name: str, combo: tuple[str, ...]) -> bool:
    """Whether `_legacy_cell` reports this legacy code beside these unit codes (the row
    loop's unit value: the last unit code set)."""
    value = combo[0].strip()
    if not value:
        return False
    unit_value = next((u.strip() for u in reversed(combo[1:]) if u.strip()), "")
    said: list[str] = []
    checker._legacy_cell(
        tables, value, unit_value, 0, name, lambda code, *_a, **_k: said.append(code)
    )
    return bool(said)
