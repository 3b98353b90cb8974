"""Record-level dependencies (issue 18 item 2): which pages an edit of a few rows touches.

Lektor-style, in one direction: a page that can say which records it reads carries
`Page.deps`, a set of keys (`u:CODE` — the records of one province or xã, `m:ID` — one
model's); the build records each page's keys in its cache. On the next build, when the only
inputs that changed are rows of the *leaf tables* (`LEAF_TABLES`: tables no other record's
identity, name or address comes from), the changed rows — old and new — are read from a
line diff of each table against the copy the last build kept, and mapped to the keys they
feed (`row_keys`). A page whose keys are the same as last time and meet none of the changed
keys is not made again: its previous output is linked and its context never built.

Anything this cannot map exactly falls back to the whole pass (every page made and hashed,
as without this module): any other input changed (another table, the descriptor, a lesson
or article, the settings, the templates, the code, SOURCE_DATE_EPOCH, the years the site
shows), a table's header, a row that is not one line, a unit code that is not a current
one (a legacy code resolves to a successor the loader picks), an id no record in the model
has. A new data commit is not such an input (generator.build.read_inputs: no keyed page
reads it); the build's date it gives is in each keyed page's entry, so that a commit on
another day makes every page again (each shows the date). A page without `deps` is always
made. With `ANTQ_CHECK_DEPS=1` every page the build would not make is made anyway and must
give the same key (the tests build so); a difference stops the build naming the page.

Pages that declare keys: the xã pages (`u:` the xã, `m:` the models they show), the province
pages and the rest of their xã list (`u:` the province, whose key every row of its xã maps
to too, and the models on its first page), each model's pages (`m:`), the award lists
(`a:ID`, each award shown) and the yearly classification lists (`u:` each xã listed). A list
page also holds a `shape` key (generator.pages.common: its total, its filters), which no row
maps to: a list whose total changed makes every page of it again, and an item moving between
pages changes both pages' keys.

Container keys (`antq serve`, generator.pages.Source.contained): a long-lived process keeps
each container's page objects (a province's pages and its xã pages, a year's or a province's
award list, the classification lists, a model's pages; the calendar file by
`Source.reused`) and gives them again without making them when no changed key meets the
keys they read: the container's own key, which every row that adds a record to it, removes
one or moves one within it maps to (`u:` the province; `ay:YEAR` each award's year; `m:`
the model; `t:TABLE` every row of a table: the class rows, the events), and its pages'
`deps`. The plan carries the entries of the pages a kept container hands back over from
the last build (generator.build._Planner).

The open-data files split by province are keyed by the digest of their rows
(generator.pages.opendata.Memo): an edit rewrites its province's files and the whole table's.
The other families (home, indexes, legal, maps, finder, updates …) are made whole; with
`ANTQ_CHECK_DEPS=1` a data file linked by an unchanged key is produced anyway and must give
the same bytes.
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.data.rawcsv import first_line
from generator.textvi import nfc

if TYPE_CHECKING:  # (not imported at run time: `antq build` with nothing changed reads this)
    from generator.data.load import Dataset
    from generator.data.schema import PackageSpec
    from generator.model import SiteModel

# Tables whose rows only add to the pages of the units and models they name: none of them
# gives a record its id, name, slug or address, nor the site's scope.
LEAF_TABLES = frozenset(
    {
        "assessments",
        "awards",
        "movement_classes",
        "targets",
        "model_sites",
        "security_teams",
        "security_team_ratings",
        "events",
    }
)

# A diff beyond this many changed lines is not worth mapping: the whole pass.
MAX_CHANGED_LINES = 5000

Keys = frozenset[str]


def unit_key(code: str) -> str:
    return f"u:{code}"


def model_key(model_id: str) -> str:
    return f"m:{model_id}"


def award_key(award_id: str) -> str:
    return f"a:{award_id}"


def award_year_key(year: int) -> str:
    """The container key of a year's award list (every award row maps to its year's)."""
    return f"ay:{year}"


def table_key(table: str) -> str:
    """A container key every row of `table` maps to (a container showing all its rows)."""
    return f"t:{table}"


class _Unmapped(Exception):
    """A row whose keys cannot be said exactly: the whole pass."""


class RowMapper:
    """Changed rows → the keys of the records they feed, through the new model (every
    table but the leaf ones is unchanged when this is asked, so the model's units, places
    and models are the previous build's too)."""

    def __init__(self, model: SiteModel, dataset: Dataset) -> None:
        self.model = model
        self.dataset = dataset

    # Every record's id, made only when a row names one outside the site's scope (not for
    # each edit: the national package has ~100,000 places).
    @functools.cached_property
    def current_units(self) -> set[str]:
        return {u.code for u in self.dataset.units}

    @functools.cached_property
    def teams(self) -> set[str]:
        return {t.id for t in self.dataset.security_teams}

    @functools.cached_property
    def places(self) -> set[str]:
        return {p.id for p in self.dataset.places}

    def unit(self, raw: str) -> set[str]:
        code = nfc(raw.strip())
        ward = self.model.ward_by_code.get(code)
        if ward is not None:
            return {unit_key(code), unit_key(ward.province_code)}
        if code in self.model.province_by_code:
            return {unit_key(code)}
        if code and code in self.current_units:
            return set()  # a current unit outside the site's scope: no page of it
        raise _Unmapped(code)  # blank, a legacy code, or unknown

    def place(self, raw: str) -> set[str]:
        pid = nfc(raw.strip())
        place = self.model.place_by_id.get(pid)
        if place is not None:
            return self.unit(place.unit_code)
        if pid in self.places:
            return set()  # a place outside the scope
        raise _Unmapped(pid)

    def team(self, raw: str) -> set[str]:
        tid = nfc(raw.strip())
        team = self.model.security_team_by_id.get(tid)
        if team is not None:
            return self.unit(team.unit_code)
        if tid in self.teams:
            return set()
        raise _Unmapped(tid)

    def model_(self, raw: str) -> set[str]:
        mid = nfc(raw.strip())
        return {model_key(mid)} if mid else set()

    def keys(self, table: str, row: dict[str, str]) -> set[str]:
        rule = _RULES[table]
        return rule(self, row)


def _targets(m: RowMapper, row: dict[str, str]) -> set[str]:
    return m.unit(row["unit_code"])  # blank (a legacy unit's target): unmapped


_RULES: dict[str, Callable[[RowMapper, dict[str, str]], set[str]]] = {
    "assessments": lambda m, r: m.place(r["place_id"]),
    "awards": lambda m, r: (
        m.unit(r["unit_code"])
        | m.model_(r["model_id"])
        | {award_key(nfc(r["id"].strip())), award_year_key(_year(r["year"]))}
    ),
    "movement_classes": lambda m, r: m.unit(r["unit_code"]) | {table_key("movement_classes")},
    "targets": _targets,
    "model_sites": lambda m, r: (
        m.unit(r["unit_code"])
        | m.model_(r["model_id"])
        | (m.place(r["place_id"]) if r["place_id"].strip() else set())
    ),
    "security_teams": lambda m, r: m.unit(r["unit_code"]),
    "security_team_ratings": lambda m, r: m.team(r["team_id"]),
    # No page that declares keys shows an event (the home page and the legal pages, made
    # whole, do); the calendar file is kept under its table's key (generator.pages.updates).
    "events": lambda m, r: {table_key("events")},
}


def _year(raw: str) -> int:
    """A year cell as the loader reads it (an integer), else unmapped."""
    try:
        return int(raw.strip())
    except ValueError:
        raise _Unmapped(raw) from None


def changed_span(a: Sequence[Any], b: Sequence[Any]) -> tuple[int, int, int]:
    """Where two files' lines differ, the header (line 0) kept out: `start`, and the ends in
    each (a[start:end_a] became b[start:end_b]; what is before and after is equal)."""
    # Bisected with slices compared whole (in C), not line by line in Python: a table of
    # 400,000 lines edited in its middle is 200,000 comparisons from each end (issue 18).
    start = 1 + _prefix(a[1:], b[1:])
    same = _prefix(a[: start - 1 : -1], b[: start - 1 : -1])  # (reversed: the common suffix)
    return start, len(a) - same, len(b) - same


def _prefix(a: Sequence[Any], b: Sequence[Any]) -> int:
    """How many items `a` and `b` have equal from their start."""
    low, high = 0, min(len(a), len(b))  # a[:low] == b[:low]; none equal past `high`
    while low < high:
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def changed_lines(old: bytes, new: bytes) -> tuple[list[str], list[str]] | None:
    """The lines of `old` removed and of `new` added (the header kept out), or None when the
    header changed or a line is not valid UTF-8. Only the lines between the first and the
    last difference are decoded and compared (`rawcsv.line_span`): the lines before and
    after are the same bytes in both, and were checked as UTF-8 by this build's validation
    (`new`) or are the same as those."""
    from generator.data.rawcsv import line_span

    if not old or not new:
        return _changed_lines(old, new)
    head = first_line(old)
    if first_line(new) != head:
        return _changed_lines(old, new)
    span = line_span(old, new, 1)
    try:
        top = (head.decode("utf-8").splitlines() or [""])[:1]
        a = top + old[span.at : span.end_at_a].decode("utf-8").splitlines()
        b = top + new[span.at : span.end_at_b].decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    return _diff_lines(a, b)


def _changed_lines(old: bytes, new: bytes) -> tuple[list[str], list[str]] | None:
    """`changed_lines` from every line of both."""
    try:
        a = old.decode("utf-8").splitlines()
        b = new.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    return _diff_lines(a, b)


def _diff_lines(a: list[str], b: list[str]) -> tuple[list[str], list[str]] | None:
    if not a or not b or a[0] != b[0]:
        return None
    start, end_a, end_b = changed_span(a, b)
    a, b = a[start:end_a], b[start:end_b]
    if len(a) + len(b) > MAX_CHANGED_LINES:
        return a, b  # the caller gives up on so many
    # Between them, the lines difflib keeps in order are unchanged; a line moved is removed
    # and added (its own records' pages are made again: their order may have changed).
    old_lines: list[str] = []
    new_lines: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            old_lines += a[i1:i2]
            new_lines += b[j1:j2]
    return old_lines, new_lines


def parse_rows(header_line: str, lines: Iterable[str]) -> list[dict[str, str]] | None:
    """Each line as one record of the table (None when one is not exactly one record:
    a cell with a line break, a short row, a blank line)."""
    header = next(csv.reader([header_line]))
    rows = []
    for line in lines:
        if line.count('"') % 2:
            return None  # part of a quoted cell over several lines
        cells = next(csv.reader([line]), [])
        if len(cells) != len(header):
            return None
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def leaf_files() -> frozenset[str]:
    """The leaf tables' files under the data folder, as the build's fingerprint names them
    (a descriptor that puts a table elsewhere gets the whole pass: `table_paths`)."""
    return frozenset(f"{name}.csv" for name in LEAF_TABLES)


def snapshot(
    data_dir: Path, package: PackageSpec, digests: Mapping[str, bytes]
) -> dict[str, bytes] | None:
    """The leaf tables' bytes as this build read them: None when a table is not where
    `leaf_files` says or its bytes are no longer those the fingerprint hashed (the data
    changed during the build: the next build makes every page)."""
    found: dict[str, bytes] = {}
    for spec in package.resources:
        if spec.name not in LEAF_TABLES:
            continue
        rel = f"{spec.name}.csv"
        if spec.path.resolve() != (data_dir / rel).resolve() or rel not in digests:
            return None
        data = spec.path.read_bytes()
        if hashlib.sha256(data).digest() != digests[rel]:
            return None
        found[spec.name] = data
    return found


def base_digest(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def changed_keys(
    kept: Path | Mapping[str, bytes],
    tables: Mapping[str, bytes],
    model: SiteModel,
    dataset: Dataset,
) -> Keys | None:
    """The keys the leaf tables' changed rows feed: `tables` (`snapshot`) against the
    copies under `kept` (the last build's), or the last build's bytes themselves (`antq
    serve` holds them: generator.warm); None when one cannot be said (the whole pass)."""
    mapper = RowMapper(model, dataset)
    found: set[str] = set()
    for name, new in sorted(tables.items()):
        try:
            old = kept[name] if isinstance(kept, Mapping) else (kept / f"{name}.csv").read_bytes()
        except (OSError, KeyError):
            return None
        if old == new:
            continue
        diff = changed_lines(old, new)
        if diff is None or len(diff[0]) + len(diff[1]) > MAX_CHANGED_LINES:
            return None
        header = first_line(new).decode("utf-8").rstrip("\r")
        for lines in diff:
            rows = parse_rows(header, lines)
            if rows is None:
                return None
            try:
                for row in rows:
                    found |= mapper.keys(name, row)
            except (_Unmapped, KeyError):
                return None
    return frozenset(found)


def keep_tables(
    kept: Path, tables: Mapping[str, bytes], previous: Mapping[str, bytes] | None = None
) -> None:
    """Keep the leaf tables' bytes this build read (`snapshot`) under `kept`, each written
    only when it changed (`previous`: the bytes known kept there, not read again); a table
    no longer in the package is removed."""
    kept.mkdir(parents=True, exist_ok=True)
    for old in kept.glob("*.csv"):
        if old.stem not in tables:
            old.unlink()
    for name, data in tables.items():
        target = kept / f"{name}.csv"
        if previous is not None and previous.get(name) is data and target.is_file():
            continue
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)


def forget_tables(kept: Path) -> None:
    """No kept tables: the next build makes every keyed page."""
    for old in kept.glob("*.csv"):
        old.unlink()
