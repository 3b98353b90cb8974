"""The warm state of a long-lived build process (`antq serve`, issue 18): the tables it
read and the model it built, kept in memory between rebuilds, and patched for an edit of a
few rows of a leaf table instead of read and built again.

`antq serve` owns one `Warm` (BuildOptions.warm); `antq build` has none. After a build
succeeds, the state holds its descriptor, records, lessons, articles, revision and model,
with the leaf tables' bytes (generator.deps.LEAF_TABLES) as they were read. The next build
takes it (`Warm.take`, so a build that fails leaves none) and uses it only when every input
but the leaf tables' rows is the same (`Inputs.base`, which covers the other tables, the
descriptor, the unit tables, lessons, articles, settings, templates, code and
SOURCE_DATE_EPOCH; not the data's last commit, whose date is compared below). Then, for
each leaf table whose bytes changed:

1. the file alone is read; its lines are compared with the kept bytes (the lines before
   the first and after the last difference are the same rows), and the records of the
   lines between are made by the loader's own conversion (generator.data.load.record_maker)
   and spliced into the kept records (`patch_table`);
2. the model is patched for the rows removed and added (`patch_model`): an award is taken
   out of and put into the sorted lists of its xã, province, model and the site; a yearly
   result's xã and province have their results and coverage made again
   (generator.model.ward_coverage, province_coverage) and the site's totals are summed
   again. Any other leaf table's rows: the model is built again from the records in memory
   (the tables are not read).

Whatever cannot be patched exactly falls back to the whole pass (every table read, the
model built): a header changed, a line that is not exactly one record (a cell over several
lines, a blank line, a bare carriage return), a byte-order mark, a file not UTF-8, more than
`deps.MAX_CHANGED_LINES` lines between the first and last difference, a year appearing or
disappearing (the site's years), a changed build date. With `ANTQ_CHECK_DEPS=1` the patched
records and model are compared with the ones a whole pass makes, and a difference stops the
build (`WarmMismatch`): the tests build so.
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import hashlib
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import deps
from generator.build import PlanMemo
from generator.data.load import Dataset, record_maker
from generator.data.rawcsv import first_line, line_span, span_lines
from generator.data.records import Assessment, Award
from generator.data.rowlevel import RowMemory
from generator.data.schema import PackageSpec
from generator.filehash import HASHES
from generator.lessons import Lesson
from generator.model import (
    SiteModel,
    award_order,
    province_coverage,
    total_coverage,
    ward_coverage,
)
from generator.news import Article
from generator.revision import DataRevision
from generator.textvi import nfc
from generator.treewatch import TreeWatch

# A table's change: the records taken out, the records put in.
Change = tuple[tuple[Any, ...], tuple[Any, ...]]


class WarmMismatch(RuntimeError):
    """The patched records or model differ from a whole pass's (a bug: ANTQ_CHECK_DEPS)."""


@dataclass
class WarmState:
    """What a build left in memory for the next (module docstring)."""

    base: str  # Inputs.base of the build that made it
    package: PackageSpec
    dataset: Dataset
    lessons: tuple[Lesson, ...]
    articles: tuple[Article, ...]
    revision: DataRevision
    model: SiteModel
    tables: dict[str, bytes]  # each leaf table's bytes, as its records were read
    convert: Callable[[str], str | None]  # unit codes as the loader resolved them
    # Built on the first yearly-result patch, kept up to date after: place id → year →
    # its result (every place, in scope or not), and how many results each year has.
    by_place: dict[str, dict[int, Assessment]] | None = None
    years: Counter[int] = field(default_factory=Counter)
    scoped: Counter[int] = field(default_factory=Counter)  # of the places in scope
    # What the page families kept of the build (generator.pages.Source.reused).
    families: dict[str, Any] = field(default_factory=dict)
    # The leaf tables' digests by file name as the build's fingerprint hashed them: `tables`
    # holds those very bytes (read and checked against them), so they are not hashed again.
    leaf: Mapping[str, bytes] = field(default_factory=dict)


class Warm:
    """The holder a long-lived process owns: the state of its last successful build."""

    def __init__(self) -> None:
        self._state: WarmState | None = None
        self._taken: WarmState | None = None  # the state the running build took
        self.patched: tuple[str, ...] = ()  # the tables the last build patched (report)
        self.model_patched = False  # its model was patched, not built again
        # The tables' row-level validation states, held between rebuilds (not the cache's
        # files read and written each time); `flush` writes them.
        self.rows = RowMemory()
        # The plan's entries and data files' keys of the last rebuild (build.PlanMemo).
        self.entries = PlanMemo()
        # The kernel's watch of each folder written in place (the site, the search
        # copies): what changed there behind the server's back (generator.treewatch).
        self.watches: dict[str, TreeWatch] = {}

    def watch(self, folder: Path) -> TreeWatch:
        """The watch of `folder` (started between rebuilds: `prepare`)."""
        key = os.path.abspath(folder)
        found = self.watches.get(key)
        if found is None:
            found = self.watches[key] = TreeWatch(key)
        return found

    def close(self) -> None:
        for watch in self.watches.values():
            watch.close()

    def take(self, base: str) -> WarmState | None:
        """The state, when made under the same `base`; the holder is emptied either way."""
        state, self._state = self._state, None
        self.patched, self.model_patched = (), False
        self._taken = state if state is not None and state.base == base else None
        if self._taken is None:  # (no page of the last build is handed back: a new model)
            self.entries.forget_pages()
        return self._taken

    def keep(self, state: WarmState) -> None:
        """The state of the build that just succeeded; when it patched the model of the
        state it took, that state's place index (made on the first yearly-result patch,
        400,000 rows) is patched too and goes on (`carry_place_index`)."""
        taken, self._taken = self._taken, None
        if taken is not None and self.model_patched:
            carry_place_index(taken, state)
        self._state = state

    def clear(self) -> None:
        self._state = self._taken = None
        self.entries.forget_pages()

    def changed_leaf(self, leaf: Mapping[str, bytes]) -> dict[str, bytes]:
        """The leaf tables (by file name) whose digest in `leaf` (a build's fingerprint) is
        not the one the state held read: what an edit changed. Empty without a state."""
        if self._state is None:
            return {}
        held = self._state.leaf
        return {rel: digest for rel, digest in leaf.items() if held.get(rel) != digest}

    def prepare(self) -> None:
        """Make now, between rebuilds (`antq serve` calls this when idle), what the next
        yearly-result patch would otherwise make first: the place index of the state held
        (0.4 s of CPU on the national package's 400,000 results), the pieces of the largest
        leaf tables' gzip (`opendata.prepare_packed`: ~0.25 s for the yearly results), and
        the key counts of the row-level states held (`RowMemory.prepare`)."""
        if self._state is not None and self._state.by_place is None:
            _place_index(self._state)
        if self._state is not None:
            from generator.pages import opendata

            largest = sorted(self._state.tables.items(), key=lambda item: -len(item[1]))
            opendata.prepare_packed(dict(largest[: opendata.KEEP_SPLITS]))
        self.rows.prepare()
        for watch in self.watches.values():
            if watch.lost:
                watch.start()


def carry_place_index(old: WarmState, new: WarmState) -> None:
    """`old`'s place index and year counts given to `new` (the state after a build that
    patched `old`'s model: `_patch_assessments` updated them for its yearly results, and an
    edit of other rows leaves them true), instead of made again from every yearly result
    on the next patch. ANTQ_CHECK_DEPS=1 compares them with ones made from `new`'s records
    and stops on a difference."""
    if old.by_place is None:
        return
    new.by_place, new.years, new.scoped = old.by_place, old.years, old.scoped
    if os.environ.get("ANTQ_CHECK_DEPS") != "1":
        return
    fresh = dataclasses.replace(new, by_place=None)
    _place_index(fresh)
    assert fresh.by_place is not None
    by_place = {k: v for k, v in new.by_place.items() if v}  # (a place emptied stays)
    if by_place != fresh.by_place or +new.years != +fresh.years or +new.scoped != +fresh.scoped:
        raise WarmMismatch("the place index patched in memory differs from one made again")


def digests(tables: Mapping[str, bytes]) -> dict[str, bytes]:
    return {name: hashlib.sha256(data).digest() for name, data in tables.items()}


def read_changed(state: WarmState, leaf: Mapping[str, bytes]) -> dict[str, bytes] | None:
    """The leaf tables' bytes now: the kept ones, and the files whose digest (`leaf`, from
    the build's fingerprint, by file name) differs read again; None when a table is not
    where the fingerprint named it or changed since it was hashed."""
    found: dict[str, bytes] = {}
    for spec in state.package.resources:
        if spec.name not in deps.LEAF_TABLES:
            continue
        rel = f"{spec.name}.csv"
        kept = state.tables.get(spec.name)
        if rel not in leaf or kept is None:
            return None
        if state.leaf.get(rel) == leaf[rel]:
            found[spec.name] = kept  # (`WarmState.leaf`: the digest of these bytes)
            continue
        # The bytes this build's fingerprint hashed (generator.filehash's pass), else read.
        data = HASHES.kept_bytes(spec.path, os.stat(spec.path)) or spec.path.read_bytes()
        known = HASHES.digest_of(data)
        if (bytes.fromhex(known) if known else hashlib.sha256(data).digest()) != leaf[rel]:
            return None
        found[spec.name] = data
    return found


def _patchable(data: bytes) -> bool:
    """Each line can be one row: no byte-order mark, no carriage return but before a line
    feed (the UTF-8 of the lines an edit changed is checked where they are read)."""
    if not data or data.startswith(b"\xef\xbb\xbf"):
        return False
    # (`in` is one memchr; the counts, two passes over 33 MB, only when there is a "\r")
    return b"\r" not in data or data.count(b"\r") == data.count(b"\r\n")


def patch_table(
    spec: Any, old: bytes, new: bytes, records: tuple[Any, ...], convert: Callable[..., Any]
) -> tuple[tuple[Any, ...], Change] | None:
    """The table's records after the edit from `old` to `new` and what changed, or None
    when that cannot be said exactly (module docstring). Only the lines between the first
    and the last difference are read (`rawcsv.line_span`); `old` is valid UTF-8 (the last
    build read it), and so are the lines `new` shares with it."""
    if not _patchable(old) or not _patchable(new):
        return None
    head = first_line(old)
    if first_line(new) != head:
        return None
    span = line_span(old, new, 1)
    if span.count_a - 1 != len(records):
        return None  # a line is not one record (a cell over lines, a blank line)
    try:
        header_text = nfc(head.decode("utf-8")).rstrip("\r")
        added_lines = [line.decode("utf-8") for line in span_lines(new, span.at, span.end_at_b)]
    except UnicodeDecodeError:
        return None
    delimiter = _delimiter(header_text)
    header = [h.strip() for h in next(csv.reader([header_text], delimiter=delimiter))]
    if not header or not header[-1] or not set(spec.field_names) <= set(header):
        return None  # trailing unnamed columns (the loader cuts them) or missing fields
    start, end_a, end_b = span.start, span.end_a, span.end_b
    if (end_a - start) + (end_b - start) > deps.MAX_CHANGED_LINES:
        return None
    make = record_maker(spec, header, convert)
    added = []
    for text in added_lines:
        if text.count('"') % 2:
            return None
        rows = list(csv.reader([nfc(text)], delimiter=delimiter))
        if len(rows) != 1 or not any(rows[0]):
            return None
        added.append(make(rows[0]))
    removed = records[start - 1 : end_a - 1]
    patched = records[: start - 1] + tuple(added) + records[end_a - 1 :]
    return patched, (removed, tuple(added))


def _delimiter(header: str) -> str:
    from generator.data.rawcsv import sniff_delimiter

    return sniff_delimiter(header)


def patch_dataset(
    state: WarmState, tables: Mapping[str, bytes]
) -> tuple[Dataset, dict[str, Change]] | None:
    """The records with each changed leaf table patched, and each table's change."""
    specs = {spec.name: spec for spec in state.package.resources}
    changes: dict[str, Change] = {}
    replaced: dict[str, tuple[Any, ...]] = {}
    for name, new in sorted(tables.items()):
        old = state.tables[name]
        if old == new:
            continue
        found = patch_table(specs[name], old, new, getattr(state.dataset, name), state.convert)
        if found is None:
            return None
        replaced[name], changes[name] = found
    return dataclasses.replace(state.dataset, **replaced), changes


# -- the model ---------------------------------------------------------------------------------


def patch_model(state: WarmState, dataset: Dataset, changes: Mapping[str, Change]) -> bool:
    """Patch `state.model` in place for `changes` (its records now `dataset`); False when a
    change is not one this can patch (the caller builds the model again). Nothing is
    changed unless every table can be patched."""
    if not set(changes) <= {"awards", "assessments"}:
        return False
    if "assessments" in changes and not _years_kept(state, changes["assessments"]):
        return False
    if "awards" in changes:
        _patch_awards(state.model, *changes["awards"])
    if "assessments" in changes:
        _patch_assessments(state, *changes["assessments"])
    return True


def _years_kept(state: WarmState, change: Change) -> bool:
    """Whether the assessed years stay the same, of every place's results (the site's
    years and current year) and of those in scope (every xã's coverage years): a year that
    appears or vanishes is the whole pass. Builds the place index on first use."""
    model = state.model
    if state.by_place is None:
        _place_index(state)
    inside = (
        tuple(r for r in change[0] if r.place_id in model.place_by_id),
        tuple(r for r in change[1] if r.place_id in model.place_by_id),
    )
    for counts, rows in ((state.years, change), (state.scoped, inside)):
        after = Counter(counts)
        after.subtract(row.year for row in rows[0])
        after.update(row.year for row in rows[1])
        if _present(after) != _present(counts):
            return False
    return True


def _place_index(state: WarmState) -> None:
    """The place index and the year counts, made from every yearly result."""
    model = state.model
    by_place: dict[str, dict[int, Assessment]] = defaultdict(dict)
    for row in state.dataset.assessments:
        by_place[row.place_id][row.year] = row
    state.by_place = by_place
    state.years = Counter(row.year for row in state.dataset.assessments)
    state.scoped = Counter(
        row.year for row in state.dataset.assessments if row.place_id in model.place_by_id
    )


def _present(counts: Counter[int]) -> list[int]:
    return sorted(y for y, n in counts.items() if n > 0)


def _patch_awards(model: SiteModel, removed: tuple[Award, ...], added: tuple[Award, ...]) -> None:
    """Each award out of, then into, the lists `generator.model._awards` files it in (all
    sorted by `award_order`; an id is unique), and the legal documents' counts."""
    for award, sign in [*((a, -1) for a in removed), *((a, 1) for a in added)]:
        for target in _award_lists(model, award):
            if sign < 0:
                _remove_sorted(target, award)
            else:
                bisect.insort(target, award, key=award_order)
        entry = model.legal_by_id.get(award.legal_basis or "")
        if entry is not None:
            entry.cited_by_awards += sign


def _remove_sorted(target: list[Award], award: Award) -> None:
    """`target.remove(award)` in a list sorted by `award_order`, found by bisection (the
    key ends with the unique id, so an equal award sits where its key does): `list.remove`
    compared it with every award before it, ~0.07 s for one national edit."""
    at = bisect.bisect_left(target, award_order(award), key=award_order)
    if at == len(target) or target[at] != award:
        raise ValueError(f"{award.id} is not in the list")
    del target[at]


def _award_lists(model: SiteModel, award: Award) -> list[list[Award]]:
    ward = model.ward_by_code.get(award.unit_code)
    if ward is not None:
        lists = [ward.awards, model.province_by_code[ward.province_code].awards]
    elif award.unit_code in model.province_by_code:
        lists = [model.province_by_code[award.unit_code].awards]
    else:
        return []
    lists.append(model.awards)
    if award.model_id in model.model_by_id:
        lists.append(model.model_by_id[award.model_id].awards)
    return lists


def _patch_assessments(
    state: WarmState, removed: tuple[Assessment, ...], added: tuple[Assessment, ...]
) -> None:
    """The place index and year counts updated; each touched xã's results and coverage and
    its province's made again; the site's totals summed again; the legal counts."""
    model, by_place = state.model, state.by_place
    assert by_place is not None
    for row in removed:
        del by_place[row.place_id][row.year]
    for row in added:
        by_place[row.place_id][row.year] = row
    wards = set()
    for row, sign in [*((r, -1) for r in removed), *((r, 1) for r in added)]:
        state.years[row.year] += sign
        place = model.place_by_id.get(row.place_id)
        if place is None:
            continue  # a place outside the scope: no page shows it, nothing counts it
        state.scoped[row.year] += sign
        wards.add(place.unit_code)
        entry = model.legal_by_id.get(row.legal_basis or "")
        if entry is not None:
            entry.cited_by_assessments += sign
    years = _present(state.scoped)  # unchanged (`_years_kept`)
    provinces = set()
    for code in sorted(wards):
        ward = model.ward_by_code[code]
        ward.own_result.clear()
        ward.place_results.clear()
        ward.coverage.clear()
        ward_coverage(ward, by_place, years)
        provinces.add(ward.province_code)
    for code in sorted(provinces):
        prov = model.province_by_code[code]
        prov.coverage.clear()
        province_coverage(prov, years)
    model.coverage.clear()
    model.coverage.update(total_coverage(model.province_by_code))


def check(dataset: Dataset, model: SiteModel, fresh: Callable[[], Any]) -> None:
    """ANTQ_CHECK_DEPS=1: the patched records and model must equal a whole pass's
    (`fresh()` → its dataset and model)."""
    if os.environ.get("ANTQ_CHECK_DEPS") != "1":
        return
    whole_dataset, whole_model = fresh()
    if whole_dataset != dataset:
        names = [f.name for f in dataclasses.fields(Dataset)]
        bad = [n for n in names if getattr(whole_dataset, n) != getattr(dataset, n)]
        raise WarmMismatch(f"records patched in memory differ from a whole read: {bad}")
    if whole_model != model:
        names = [f.name for f in dataclasses.fields(SiteModel)]
        bad = [n for n in names if getattr(whole_model, n) != getattr(model, n)]
        raise WarmMismatch(f"model patched in memory differs from a whole build: {bad}")
