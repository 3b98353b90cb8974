"""`antq validate`: the Frictionless contract plus our own checks, one Vietnamese line each.

Order of work for each resource whose cached result is stale:
1. open the file ourselves (size, encoding, delimiter) and compare its header to the schema;
2. Frictionless validates types and constraints (in worker processes, largest files first);
3. meanwhile our own pass checks what Frictionless is silent about: Unicode form, legacy
   fonts, personal data, keys that differ only in NFC/NFD, foreign keys with legacy unit
   codes and lost leading zeros, assessment dates.
Results are cached per resource by content hash (cache.py).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from generator.data import columns, datadir, frictionless_run, rowlevel, units
from generator.data.cache import ValidationCache, default_cache_dir, make_key
from generator.data.checks import text_checks
from generator.data.grouping import group
from generator.data.messages_vi import problem, text
from generator.data.problems import Problem
from generator.data.rawcsv import (
    MAX_FILE_MB,
    Table,
    file_sha256,
    first_line,
    hidden_characters,
    line_span,
    open_table,
)
from generator.data.schema import (
    ForeignKey,
    PackageSpec,
    ResourceSpec,
    display_path,
    display_paths,
    load_package,
    load_yaml,
)
from generator.data.suggest import Suggester
from generator.textvi import excel_column, format_number, nfc, slugify, visible
from generator.workers import count as worker_count

UNIT_RESOURCES = ("units", "legacy_units", "unit_changes")
# Below this many bytes of stale data, worker processes cost more than they save.
PARALLEL_MIN_BYTES = 2_000_000
# Keys the site turns into a page address by slugify (generator/model.py: /van-ban/<slug>/):
# each must give a slug, and no two rows the same one. Other tables' ids are addresses as
# typed, kept to [a-z0-9-] by their schema's pattern; unit slugs fall back to the code.
URL_KEYS = {"legal_documents": "id"}

Progress = Callable[[str], None]


@dataclass
class ValidationResult:
    problems: list[Problem]
    files: int = 0
    rows: int = 0
    cached: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # whole tables checked
    by_rows: list[str] = field(default_factory=list)  # tables checked by their changed rows

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def validate_package(
    root: Path,
    *,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    max_mb: float = MAX_FILE_MB,
    jobs: int | None = None,
    progress: Progress | None = None,
    on: date | None = None,
    grouped: bool = True,
    row_states: rowlevel.RowMemory | None = None,
) -> ValidationResult:
    """Validate the package in `root`. Raises schema.UsageError when there is no package.
    `on`: the date citations are judged at (generator.legal); by default the build's date
    (generator.revision), found only when the data has no error. `grouped=False` keeps one
    problem per cell (antq import maps each back to its sheet). `row_states`: the row-level
    states held in memory instead of the cache's files (`antq serve`: rowlevel.RowMemory).

    Long because it runs the package's checks in order (descriptor, tables, rows, references,
    citations), each adding to the one problem list.
    """
    if root.is_dir():
        links = datadir.symlinks(root)
        if links:  # nothing is read, not even the descriptor: a link may point anywhere
            return ValidationResult(links)
    package, problems = load_package(root)
    if not any(p.level == "error" for p in problems):  # (a refused table is not "missing")
        problems += _known_tables(package)
    if any(p.level == "error" for p in problems):
        return ValidationResult(problems)
    strays = datadir.stray_files(package)
    cache = ValidationCache((cache_dir or default_cache_dir(root)) if use_cache else None)
    hashes = {r.name: file_sha256(r.path) if r.path.is_file() else "-" for r in package.resources}
    unit_hash = "|".join(hashes.get(n, "") for n in UNIT_RESOURCES)
    result = ValidationResult(strays, files=len(package.resources))
    package_hash = file_sha256(package.descriptor_path)
    stale: list[tuple[ResourceSpec, str, str]] = []
    for spec in package.resources:
        reads = [fk.resource for fk in spec.foreign_keys] + list(ROW_CHECK_READS.get(spec.name, ()))
        deps = sorted(hashes.get(name, "") for name in reads)
        # Everything the result depends on but the table's own bytes: the row-level state
        # (rowlevel) is reused only under the same context.
        context = make_key(
            package_hash, spec.descriptor_hash(), *deps, unit_hash, f"{float(max_mb):g}"
        )
        key = make_key(context, hashes[spec.name])
        hit = cache.get(spec.name, key)
        if hit is None:
            stale.append((spec, key, context))
            continue
        found, rows = hit
        result.problems.extend(found)
        result.rows += rows
        result.cached.append(spec.name)
    if stale:
        checker = _Checker(package, max_mb, cache)
        checker.memory = row_states
        whole: list[tuple[ResourceSpec, str, str]] = []
        for spec, key, context in stale:
            done = checker.row_level(spec, context)
            if done is None:
                whole.append((spec, key, context))
                continue
            cache.put(spec.name, key, *done)
            result.problems.extend(done[0])
            result.rows += done[1]
            result.by_rows.append(spec.name)
        if whole:
            descriptor_problems = checker.check_descriptor()
            if descriptor_problems:
                return ValidationResult(descriptor_problems, files=len(package.resources))
        for spec, key, found, rows in checker.run(whole, jobs, progress):
            cache.put(spec.name, key, found, rows)
            result.problems.extend(found)
            result.rows += rows
            result.checked.append(spec.name)
    result.problems.extend(_lesson_problems(package, use_cache, jobs))
    result.problems.extend(_news_problems(package, cache_dir))
    if not result.errors:
        if on is None:
            edits = checker.date_edits if stale else {}
            on = _build_date(package, cache, hashes, edits, checker.latest_dates if stale else {})
        result.problems.extend(_legal_problems(package, on))
    order = {r.name: i for i, r in enumerate(package.resources)}
    files = {display_path(r.path): order[r.name] for r in package.resources}
    result.problems.sort(key=lambda p: (files.get(p.file, -1), p.sort_key()))
    if grouped:
        result.problems = group(result.problems)
    return result


@dataclass
class RowPlan:
    """What our own pass checks in each row of one table (`_Checker.plan`): the row loop
    (`_Checker.row_pass`) and the pass by columns (generator.data.columns) read the same."""

    where: str  # the file as officials see it
    col: dict[str, int]  # field name → index in the file's rows
    width: int  # the header's cells
    text_fields: list[tuple[str, int]]  # free text: our text checks (checks.text_checks)
    pk_idx: list[int]
    typed: rowlevel.KeyCaster | None  # the primary key as Frictionless types it
    unit_fks: list[tuple[str, int]]  # references to units, checked by the unit tables
    legacy_fks: list[tuple[str, int]]  # references to legacy_units, likewise
    # (fields, their indexes, the referenced key set or None when unreadable, its file)
    other_fks: list[tuple[tuple[str, ...], list[int], set[tuple[str, ...]] | None, str]]
    tables: units.UnitTables | None
    row_check: Any  # ROW_CHECKS' entry, or None
    row_state: Any  # its prepared state
    url_key: str | None  # URL_KEYS' column
    url_idx: int | None


class _Checker:
    """Own checks for the stale resources; opens each table at most once."""

    def __init__(
        self, package: PackageSpec, max_mb: float, cache: ValidationCache | None = None
    ) -> None:
        self.package = package
        self.max_mb = max_mb
        self._tables: dict[str, tuple[Table | None, list[Problem]]] = {}
        self._keys: dict[tuple[str, tuple[str, ...]], set[tuple[str, ...]] | None] = {}
        self._columns: dict[tuple[str, str, str], dict[str, str]] = {}
        self._units: units.UnitTables | None = None
        self._units_read = False
        self._suggesters: dict[tuple[str, tuple[str, ...]], Suggester] = {}
        self._current: ResourceSpec | None = None
        # Row-level validation (rowlevel): what the whole-table pass leaves for it.
        self.cache = cache or ValidationCache(None)
        self.facts: dict[str, rowlevel.RowFacts] = {}
        self.local: dict[str, list[Problem]] = {}
        self.prepared: dict[str, list[Any]] = {}
        # table → (its old hash, record dates an edit removed, and added): validate._build_date
        self.date_edits: dict[str, tuple[str, list[str], list[str]]] = {}
        # table → (its hash, its latest record date), noted by a whole-table pass
        # (columns.whole_pass): validate._build_date does not read the table again for it
        self.latest_dates: dict[str, tuple[str, str]] = {}
        self.memory: rowlevel.RowMemory | None = None  # `validate_package(row_states=...)`

    # -- descriptor ------------------------------------------------------------------------

    def check_descriptor(self) -> list[Problem]:
        """Frictionless' own descriptor check, after ours passed (it rarely finds more)."""
        from frictionless import FrictionlessException, Package

        where = display_path(self.package.descriptor_path)
        # Frictionless is given the descriptor with each schema file inlined, all read by
        # libyaml (as load_package read them): given the paths, it reads them with PyYAML's
        # pure Python loader, which was most of the time of a small package's validation.
        root = self.package.root
        try:
            descriptor = load_yaml(self.package.descriptor_path)
            for res in descriptor.get("resources", []):
                if isinstance(res, dict) and isinstance(res.get("schema"), str):
                    res["schema"] = load_yaml(root / res["schema"])
            Package(descriptor, basepath=str(root))
        except FrictionlessException as exc:
            return [problem("descriptor-error", where, detail=exc.error.message)]
        return []

    # -- tables ------------------------------------------------------------------------------

    def table(self, spec: ResourceSpec) -> tuple[Table | None, list[Problem]]:
        if spec.name not in self._tables:
            where = display_path(spec.path)
            table, found = open_table(spec.path, where, spec.name, self.max_mb)
            if table is not None and self.memory is None:
                table.data = None  # (kept for the states held in memory: `RowState.data`)
            if table is not None:
                found = header_problems(spec, table, where)
                if found:  # a hidden character in a label is the likely cause: say so first
                    found = [p for p in hidden_characters(table) if p.row == 1] + found
                else:
                    found = _ceiling(spec, table, self._known_lines(spec, table))
                if found:
                    table = None
                elif table.trailing_empty:
                    first = excel_column(len(table.header) + 1)
                    found = [
                        problem(
                            "trailing-empty-columns",
                            where,
                            row=1,
                            column=len(table.header) + 1,
                            count=table.trailing_empty,
                            first=first,
                        )
                    ]
            self._tables[spec.name] = (table, found)
        return self._tables[spec.name]

    def _known_lines(self, spec: ResourceSpec, table: Table) -> int | None:
        """The table's line count from the span between its bytes and those of its row
        state held in memory (`antq serve`: `rawcsv.line_span`, which the row path asks
        next for the same bytes), not from 33 MB of text counted again; None when not held.
        ANTQ_CHECK_DEPS=1 counts the text too and stops on a difference."""
        if self.memory is None or table.data is None or self.cache.directory is None:
            return None
        held, state = self.memory.get(self.cache.directory, spec.name)
        if not held or state is None or state.data is None:
            return None
        if first_line(state.data) != first_line(table.data):
            return None
        lines = line_span(state.data, table.data, 1).count_b
        if os.environ.get("ANTQ_CHECK_DEPS") == "1":
            counted = table.text.count("\n") + (not table.text.endswith("\n"))
            if counted != lines:
                raise RuntimeError(f"{spec.name}: its lines found from the held bytes differ")
        return lines

    def keys(self, resource: str, fields: tuple[str, ...]) -> set[tuple[str, ...]] | None:
        """NFC key tuples of a referenced table, or None when it cannot be read."""
        cache_key = (resource, fields)
        if cache_key not in self._keys:
            spec = self.package.resource(resource)
            table = self.table(spec)[0] if spec else None
            if table is None:
                self._keys[cache_key] = None
            else:
                idx = [table.header.index(f) for f in fields]
                self._keys[cache_key] = {
                    tuple(nfc(_cell(cells, i).strip()) for i in idx) for _, cells in table.rows()
                }
        return self._keys[cache_key]

    def column(self, resource: str, key: str, value: str) -> dict[str, str]:
        """`value` by `key` in `resource` (NFC keys), read once per checker: several row
        checks read the same column of places (each table's, and in each worker)."""
        memo_key = (resource, key, value)
        if memo_key not in self._columns:
            spec = self.package.resource(resource)
            table = self.table(spec)[0] if spec else None
            found: dict[str, str] = {}
            if table is not None:
                k, v = table.header.index(key), table.header.index(value)
                found = {nfc(_cell(c, k).strip()): _cell(c, v).strip() for _, c in table.rows()}
            self._columns[memo_key] = found
        return self._columns[memo_key]

    def suggester(self, resource: str, fields: tuple[str, ...]) -> Suggester:
        """“Có phải là …?” for a one-field key of `resource`: its ids, and its names when
        it has a `name` or `title` column (an official may type the name instead)."""
        key = (resource, fields)
        if key not in self._suggesters:
            spec = self.package.resource(resource)
            ref = fk_ref_fields(self._current, fields) if self._current else fields
            table = self.table(spec)[0] if spec else None
            names: dict[str, str] = {}
            if table is not None and len(ref) == 1 and ref[0] in table.header:
                label = next((c for c in ("name", "title") if c in table.header), None)
                names = self.column(resource, ref[0], label) if label else {}
                if not names:
                    i = table.header.index(ref[0])
                    names = {nfc(_cell(c, i).strip()): "" for _, c in table.rows()}
            self._suggesters[key] = Suggester(names)
        return self._suggesters[key]

    def _unit_suggester(self, tables: units.UnitTables) -> Suggester:
        """A name typed where a code belongs ("Xã Tân Kỳ" → 11113); a typo in a code is
        not guessed (any five digits are close to thousands of codes)."""
        if ("units", ("code",)) not in self._suggesters:
            names = {code: unit[0] for code, unit in tables.current.items()}
            self._suggesters[("units", ("code",))] = _NameSuggester(names)
        return self._suggesters[("units", ("code",))]

    def unit_tables(self) -> units.UnitTables | None:
        """The reference unit tables, or None when one cannot be read (its own problem is
        reported; checking every unit code against nothing would bury it in errors)."""
        if not self._units_read:
            self._units_read = True
            tables: list[Table] = []
            for name in UNIT_RESOURCES:
                spec = self.package.resource(name)
                table = self.table(spec)[0] if spec is not None else None
                if table is not None:
                    tables.append(table)
            if len(tables) == len(UNIT_RESOURCES):
                self._units = units.unit_tables(*tables)
        return self._units

    # -- the run ---------------------------------------------------------------------------

    def row_level(self, spec: ResourceSpec, context: str) -> tuple[list[Problem], int] | None:
        """The table checked by the rows that changed since its stored state, or None when
        the whole table must be checked (rowlevel)."""
        if self.cache.directory is None:
            return None
        done = rowlevel.row_path(self, spec, context, self._state(spec.name))
        self.release(spec.name)
        if done is None:
            return None
        found, rows, state = done
        self._keep_state(spec.name, state)
        return found, rows

    def _state(self, name: str) -> rowlevel.RowState | None:
        """A table's row-level state: held in memory (`memory`), else the stored one."""
        assert self.cache.directory is not None
        if self.memory is not None:
            held, state = self.memory.get(self.cache.directory, name)
            if held:
                return state
        data = self.cache.get_rows(name)
        return rowlevel.RowState.load(data) if data else None

    def _keep_state(
        self, name: str, state: rowlevel.RowState | None, data: bytes | None = None
    ) -> None:
        """`data`: the state's bytes (`RowState.dump`) when they are made already."""
        assert self.cache.directory is not None
        if self.memory is not None:
            self.memory.put(self.cache.directory, name, state)
        else:
            if data is None and state is not None:
                data = state.dump()
            self.cache.put_rows(name, data)

    def run(
        self,
        stale: list[tuple[ResourceSpec, str, str]],
        jobs: int | None,
        progress: Progress | None,
    ) -> Iterator[tuple[ResourceSpec, str, list[Problem], int]]:
        """Each stale table checked whole (`check_whole`), in `stale`'s order: in worker
        processes when there are several tables and enough bytes, else in this one."""
        sizes = {
            spec.name: spec.path.stat().st_size if spec.path.is_file() else 0 for spec, *_ in stale
        }
        # At most 2: each worker holds whole tables; ANTQ_WORKERS=1 keeps them in this process.
        workers = jobs or min(2, worker_count())
        if workers > 1 and sum(sizes.values()) >= PARALLEL_MIN_BYTES and len(stale) > 1:
            yield from self._run_in_workers(stale, sizes, workers, progress)
            return
        for spec, key, context in stale:
            if progress:
                progress(spec.name)
            found, rows = self.check_whole(spec, context)
            yield spec, key, found, rows

    def check_whole(self, spec: ResourceSpec, context: str) -> tuple[list[Problem], int]:
        """One table's problems, checked whole: the raw reader's, Frictionless', then our own
        (text, hidden characters, keys, references, the row checks), in that order; and its
        row-level state kept for the row path (rowlevel). The table is opened once."""
        with collector_paused():
            return self._check_whole(spec, context)

    def _check_whole(self, spec: ResourceSpec, context: str) -> tuple[list[Problem], int]:
        table, opened = self.table(spec)
        found = list(opened)
        rows = 0
        if table is not None:
            own, rows = self.check_rows(spec, table)
            lib = frictionless_run.run(self._task(spec, table))
            found.extend(Problem.from_dict(d) for d in lib)
            found.extend(own)
            if self.cache.directory is not None:
                state, data = rowlevel.whole_table_state(
                    self, spec, context, lib, self.local[spec.name]
                )
                self._keep_state(spec.name, state, data)
            self.facts.pop(spec.name, None)
            self.local.pop(spec.name, None)
        self.release(spec.name)
        return found, rows

    def _run_in_workers(
        self,
        stale: list[tuple[ResourceSpec, str, str]],
        sizes: dict[str, int],
        workers: int,
        progress: Progress | None,
    ) -> Iterator[tuple[ResourceSpec, str, list[Problem], int]]:
        """`check_whole` of each table in a worker process (largest tables first), the
        results taken in `stale`'s order: the same problems, in the same order, and the same
        row-level states as in this process. A worker checks a table whole, Frictionless and
        our own pass beside each other on its two cores: the tables a check reads besides
        its own (references, unit tables, places for the row checks) are read by the worker
        from the same files, into a checker of its own. It writes the row-level state to
        the cache itself; with `memory` (antq serve) the state comes back here."""
        import frictionless  # noqa: F401  (imported once, before the workers start)

        keep = self.memory is not None
        executor = ProcessPoolExecutor(
            max_workers=workers,
            initializer=_worker_start,
            initargs=(self.package, self.max_mb, self.cache, keep),
        )
        try:
            futures = {
                spec.name: executor.submit(_worker_check, spec, context)
                for spec, _key, context in sorted(stale, key=lambda item: -sizes[item[0].name])
            }
            for spec, key, _context in stale:
                if progress:
                    progress(spec.name)
                found, rows, held, latest = futures[spec.name].result()
                if held is not None:
                    self._keep_state(spec.name, held[0])
                if latest is not None:
                    self.latest_dates[spec.name] = latest
                yield spec, key, found, rows
        finally:
            executor.shutdown(cancel_futures=True)

    def release(self, name: str) -> None:
        """Forget a table's text to keep memory low; it is read again if needed later."""
        self._tables.pop(name, None)

    def _task(self, spec: ResourceSpec, table: Table) -> dict[str, Any]:
        return {
            "descriptor": spec.descriptor,
            "root": str(self.package.root),
            "delimiter": table.delimiter,
            "file": display_path(spec.path),
            "columns": {name: table.header.index(name) + 1 for name in spec.field_names},
            "fields": frictionless_run.field_info(list(spec.fields), spec.primary_key),
            # The text as read, when it differs from the file (Excel's blank columns cut).
            "text": table.text if table.trailing_empty else None,
        }

    # -- own row checks ----------------------------------------------------------------------

    def check_rows(self, spec: ResourceSpec, table: Table) -> tuple[list[Problem], int]:
        """The problems in one table's rows and the count of rows checked."""
        facts = rowlevel.RowFacts()
        local = columns.whole_pass(self, spec, table, facts)
        found = hidden_characters(table) + local
        found += rowlevel.own_cross_row(spec, display_path(spec.path), table.header, facts)
        self.facts[spec.name] = facts
        self.local[spec.name] = local
        rows = facts.count()
        if rows == 0:
            found.append(problem("no-rows", display_path(spec.path)))
        return found, rows

    def plan(self, spec: ResourceSpec, header: list[str]) -> RowPlan:
        """What our pass checks in each row of `spec` with this header (`RowPlan`): the
        references' key sets, the unit tables and the row check's state are read here."""
        self._current = spec
        col = {name: header.index(name) for name in spec.field_names}
        text_fields = [
            (f.name, col[f.name])
            for f in spec.fields
            if f.type == "string" and not f.enum and "pattern" not in f.constraints
        ]
        pk_idx = [col[k] for k in spec.primary_key]
        unit_fks: list[tuple[str, int]] = []
        legacy_fks: list[tuple[str, int]] = []
        other_fks: list[tuple[tuple[str, ...], list[int], set[tuple[str, ...]] | None, str]] = []
        for fk in spec.foreign_keys:
            by_units = unit_reference(spec, fk)
            if by_units == "units":
                unit_fks.append((fk.fields[0], col[fk.fields[0]]))
            elif by_units == "legacy_units":
                legacy_fks.append((fk.fields[0], col[fk.fields[0]]))
            else:
                keyset = self.keys(fk.resource, fk.ref_fields)
                ref = self.package.resource(fk.resource)
                ref_file = display_path(ref.path) if ref else fk.resource
                other_fks.append((fk.fields, [col[f] for f in fk.fields], keyset, ref_file))
        row_check = ROW_CHECKS.get(spec.name)
        url_key = URL_KEYS.get(spec.name)
        return RowPlan(
            where=display_path(spec.path),
            col=col,
            width=len(header),
            text_fields=text_fields,
            pk_idx=pk_idx,
            typed=rowlevel.KeyCaster(spec) if pk_idx else None,
            unit_fks=unit_fks,
            legacy_fks=legacy_fks,
            other_fks=other_fks,
            tables=self.unit_tables() if (unit_fks or legacy_fks) else None,
            row_check=row_check,
            row_state=self._prepare(spec.name, row_check) if row_check else None,
            url_key=url_key,
            url_idx=col.get(url_key) if url_key else None,
        )

    def row_pass(
        self,
        spec: ResourceSpec,
        header: list[str],
        rows: Iterable[tuple[int, list[str]]],
        facts: rowlevel.RowFacts,
        plan: RowPlan | None = None,
    ) -> list[Problem]:
        """The problems each row has by itself (text, types of keys, references, the row
        checks), and into `facts` what the checks across rows need (keys, slugs, blanks):
        those are found from the facts by rowlevel, the same way for a whole table and for
        the rows an edit changed. `plan`: `self.plan(spec, header)`, when made already.

        Long because it is one loop over the rows applying each column's checks with shared
        per-row state.
        """
        if plan is None:
            plan = self.plan(spec, header)
        self._current = spec
        where, col, width = plan.where, plan.col, plan.width
        text_fields, pk_idx, typed = plan.text_fields, plan.pk_idx, plan.typed
        unit_fks, legacy_fks, other_fks = plan.unit_fks, plan.legacy_fks, plan.other_fks
        tables, row_check, row_state = plan.tables, plan.row_check, plan.row_state
        url_key, url_idx = plan.url_key, plan.url_idx
        found: list[Problem] = []

        def add(code: str, row: int, name: str | None, **params: Any) -> None:
            column = col[name] + 1 if name else None
            found.append(problem(code, where, row=row, column=column, field=name, **params))

        checked_text = TextMemo()
        for number, cells in rows:
            blank = not "".join(cells).strip()  # (no cell holds more than white space)
            facts.add_row(number, cells, blank, pk_idx, typed, url_idx)
            if blank:
                continue  # Frictionless reports blank rows
            if len(cells) < width:  # a short row: its missing cells read as "" below
                cells = cells + [""] * (width - len(cells))
            for name, i in text_fields:
                cell = cells[i]
                if cell:
                    for code, params in checked_text(cell):
                        add(code, number, name, **params)
            if url_idx is not None:
                value = nfc(cells[url_idx].strip())
                if value and not slugify(value):
                    add("empty-slug", number, url_key, cell=visible(value))
            for fields, idx, keyset, ref_file in other_fks:
                values = tuple([nfc(cells[i].strip()) for i in idx])
                if keyset is None or not any(values) or values in keyset:
                    continue
                suggestion = ""
                if len(values) == 1:
                    suggestion = self.suggester(fk_resource(spec, fields), fields).text(values[0])
                add(
                    "foreign-key",
                    number,
                    fields[0],
                    cell=", ".join(values),
                    ref_field=", ".join(fk_ref_fields(spec, fields)),
                    ref_resource=fk_resource(spec, fields),
                    ref_file=ref_file,
                    suggestion=suggestion,
                )
            if tables is not None:
                unit_value = ""
                for name, i in unit_fks:
                    value = cells[i].strip()
                    if value:
                        unit_value = value
                        self._unit_cell(tables, value, number, name, add)
                for name, i in legacy_fks:
                    value = cells[i].strip()
                    if value:
                        self._legacy_cell(tables, value, unit_value, number, name, add)
            if row_check is not None:
                row_check.check(row_state, col, cells, number, add)
        return found

    def _prepare(self, name: str, row_check: Any) -> Any:
        """A row check's state (the tables it reads, indexed): from the row-level cache when
        it holds one (rowlevel), else read now; kept in `self.prepared` for that cache."""
        checks = row_check.checks if isinstance(row_check, _Checks) else (row_check,)
        cached = self.prepared.get(name) or [None] * len(checks)
        states = [
            held if held is not None else check.prepare(self)
            for check, held in zip(checks, cached, strict=True)
        ]
        self.prepared[name] = states
        return states if isinstance(row_check, _Checks) else states[0]

    def _unit_cell(
        self, tables: units.UnitTables, value: str, row: int, name: str, add: Callable[..., None]
    ) -> None:
        if value in tables.current:
            return
        candidates = units.resolve_legacy(tables, value)
        if candidates:
            old_name = tables.legacy[value][0]
            new_code = candidates[0][0]
            new_name = _unit_name(tables, new_code)
            if len(candidates) > 1:
                choices = ", ".join(f"{_unit_name(tables, c)} ({c})" for c, _ in candidates)
                add(
                    "legacy-unit-split",
                    row,
                    name,
                    cell=value,
                    old_name=old_name,
                    choices=choices,
                    new_name=new_name,
                    new_code=new_code,
                )
            else:
                add(
                    "legacy-unit",
                    row,
                    name,
                    cell=value,
                    old_name=old_name,
                    new_name=new_name,
                    new_code=new_code,
                )
            return
        fixed = _restore_zeros(value, tables.current)
        if fixed:
            add(
                "lost-leading-zero",
                row,
                name,
                cell=value,
                fixed=fixed,
                unit_name=tables.current[fixed][0],
            )
            return
        add(
            "foreign-key",
            row,
            name,
            cell=value,
            ref_field="code",
            ref_resource="units",
            ref_file=display_path(self.package.root / "units.csv"),
            suggestion=self._unit_suggester(tables).text(value),
        )

    def _legacy_cell(
        self,
        tables: units.UnitTables,
        value: str,
        unit_value: str,
        row: int,
        name: str,
        add: Callable[..., None],
    ) -> None:
        if value not in tables.legacy:
            legacy_names = {k: (v[0],) for k, v in tables.legacy.items()}
            fixed = _restore_zeros(value, legacy_names)
            if fixed:
                add(
                    "lost-leading-zero",
                    row,
                    name,
                    cell=value,
                    fixed=fixed,
                    unit_name=legacy_names[fixed][0],
                )
            else:
                add(
                    "foreign-key",
                    row,
                    name,
                    cell=value,
                    ref_field="code",
                    ref_resource="legacy_units",
                    ref_file=display_path(self.package.root / "legacy_units.csv"),
                    suggestion="",
                )
            return
        if unit_value in tables.current:
            candidates = [c for c, _ in units.resolve_legacy(tables, value)]
            if candidates and unit_value not in candidates:
                add(
                    "legacy-mismatch",
                    row,
                    name,
                    legacy=value,
                    old_name=tables.legacy[value][0],
                    new_name=_unit_name(tables, unit_value),
                    cell=unit_value,
                )


# The checker of a worker process of `_Checker._run_in_workers`, made once per process.
_WORKER: list[_Checker] = []


def _worker_start(package: PackageSpec, max_mb: float, cache: ValidationCache, keep: bool) -> None:
    checker = _Checker(package, max_mb, cache)
    if keep:  # the states go back to the parent's `memory`, not to the cache's files
        checker.memory = rowlevel.RowMemory()
    _WORKER[:] = [checker]


def _worker_check(
    spec: ResourceSpec, context: str
) -> tuple[list[Problem], int, tuple[rowlevel.RowState | None] | None, tuple[str, str] | None]:
    """`_Checker.check_whole` in a worker: the problems, the row count, (only when the
    parent keeps the states in memory) the table's row-level state, when one was kept, and
    the table's latest record date (`latest_dates`), when noted."""
    checker = _WORKER[0]
    found, rows = checker.check_whole(spec, context)
    held: tuple[rowlevel.RowState | None] | None = None
    if checker.memory is not None and checker.cache.directory is not None:
        kept, state = checker.memory.get(checker.cache.directory, spec.name)
        held = (state,) if kept else None
    return found, rows, held, checker.latest_dates.get(spec.name)


def _lesson_problems(
    package: PackageSpec, use_cache: bool = True, jobs: int | None = None
) -> list[Problem]:
    """Every lesson checked on every run (only the rendering's verdict is cached, by the
    lesson's source: generator.lessons._dropped); `jobs` as for the tables."""
    from generator.lessons import load_lessons

    legal = package.resource("legal_documents")
    ids: set[str] = set()
    table = None
    if legal is not None:
        table, found = open_table(legal.path, display_path(legal.path), legal.name)
        if table is not None and "id" in table.header:
            col = table.header.index("id")
            ids = {nfc(_cell(cells, col).strip()) for _, cells in table.rows()}
    found = load_lessons(package.root, ids, cache=use_cache, jobs=jobs)[1]
    if table is None:
        # The table's own problem is reported; a lesson's citations cannot be checked
        # against a table that could not be read, and every one of them would be flagged.
        found = [p for p in found if p.code != "foreign-key"]
    return found


def _column_ids(package: PackageSpec, resource: str, column: str) -> set[str] | None:
    """The values of one column of a table, or None when the table cannot be read (its own
    problem is reported)."""
    spec = package.resource(resource)
    if spec is None:
        return set()
    table, _ = open_table(spec.path, display_path(spec.path), spec.name)
    if table is None or column not in table.header:
        return None
    col = table.header.index(column)
    return {nfc(_cell(cells, col).strip()) for _, cells in table.rows()}


def news_refs(package: PackageSpec) -> dict[str, set[str] | None]:
    """What a news article's front matter may point to: "table.column" → ids."""
    lessons = package.root / "lessons"
    return {
        "units.code": _column_ids(package, "units", "code"),
        "models.id": _column_ids(package, "models", "id"),
        "awards.id": _column_ids(package, "awards", "id"),
        "lessons.slug": {p.stem for p in lessons.glob("*.md")} if lessons.is_dir() else set(),
    }


def _news_problems(package: PackageSpec, cache_dir: Path | None = None) -> list[Problem]:
    """News articles (generator.news): checked on every run, like the lessons; a photo is
    opened only as far as its header and metadata."""
    from generator.news import article_folders, load_news

    if not article_folders(package.root):
        return []
    refs = news_refs(package)
    unreadable = {name.partition(".")[0] for name, ids in refs.items() if ids is None}
    ids = {k: v or set() for k, v in refs.items()}
    found = load_news(package.root, ids, drafts=True, cache_dir=cache_dir)[1]
    # A table that could not be read is reported on its own; its ids are not all flagged.
    return [
        p
        for p in found
        if not (p.code == "foreign-key" and any(f"“{t}”" in p.message for t in unreadable))
    ]


def _build_date(
    package: PackageSpec,
    cache: ValidationCache,
    hashes: dict[str, str],
    edits: dict[str, tuple[str, list[str], list[str]]] | None = None,
    known: dict[str, tuple[str, str]] | None = None,
) -> date:
    """The build's date as generator.revision.data_revision finds it, without reading the
    whole data outside git: the latest record date comes from each dated table's own
    column, kept in the cache by the table's hash (a one-row edit of the 400,000-row
    assessments reads that one column again; tests/test_rowlevel.py compares both).
    `known`: (hash, latest date) of the tables checked whole in this run (`whole_pass`)."""
    from datetime import UTC, datetime, time

    from generator import revision
    from generator.lessons import load_lessons

    commit = revision.git_revision(package.root)
    epoch = revision.source_date_epoch()
    if commit is not None or epoch is not None:
        return (epoch or commit[1]).date()  # type: ignore[index]
    held = cache.get_dates()
    found: list[str] = []
    for name, column in revision.RECORD_DATES:
        spec = package.resource(name)
        if spec is None:
            continue
        entry = held.get(name)
        edit = (edits or {}).get(name)
        # Checked by its rows: unless the edit removed the latest date, it stays the latest
        # but for a later one the edit added.
        if entry is not None and edit is not None and entry[0] == edit[0]:
            latest, removed, added = entry[1], edit[1], edit[2]
            if latest not in removed or latest in added:
                entry = held[name] = (hashes.get(name, ""), max([latest, *added]))
        noted = (known or {}).get(name)
        if noted is not None and noted[0] == hashes.get(name):  # (this run read the table)
            entry = held[name] = noted
        if entry is None or entry[0] != hashes.get(name):
            table, _ = open_table(spec.path, display_path(spec.path), spec.name)
            latest = ""
            if table is not None and column in table.header:
                i = table.header.index(column)
                latest = max((_cell(c, i).strip() for _, c in table.rows()), default="")
            entry = held[name] = (hashes.get(name, ""), latest)
        if entry[1]:
            found.append(entry[1])
    cache.put_dates(held)
    ids = set()
    legal = package.resource("legal_documents")
    if legal is not None:
        table, _ = open_table(legal.path, display_path(legal.path), legal.name)
        if table is not None and "id" in table.header:
            col = table.header.index("id")
            ids = {nfc(_cell(cells, col).strip()) for _, cells in table.rows()}
    found += [lesson.updated.isoformat() for lesson in load_lessons(package.root, ids)[0]]
    if not found:
        return revision.UNKNOWN_TIME.date()
    return datetime.combine(date.fromisoformat(max(found)), time(), tzinfo=UTC).date()


def _legal_problems(package: PackageSpec, on: date | None) -> list[Problem]:
    """Citations judged at the build's date (generator.legal): never cached, since the
    same data gives other warnings on another day (a law lapses at midnight)."""
    from generator import legal
    from generator.lessons import load_lessons

    spec = package.resource("legal_documents")
    if spec is None or not spec.path.is_file():
        return []
    table, _ = open_table(spec.path, display_path(spec.path), spec.name)
    if table is None:
        return []
    documents = legal.documents_from_text(table.text, table.delimiter)
    if on is None:
        from generator.revision import data_revision

        on = data_revision(package.root).date
    lessons, _ = load_lessons(package.root, set(documents))
    # Each lesson's citations as its checks found them in the file (`Lesson.cited`), named
    # as `display_path` names them (its folder resolved once: ~0.3 ms a lesson, serial).
    shown = display_paths([lesson.path for lesson in lessons])
    cited = [
        (where, lesson.legal_line, [*lesson.legal_documents, *lesson.cited])
        for where, lesson in zip(shown, lessons, strict=True)
    ]
    tables = {
        name: r.path for name in ("models", "events") if (r := package.resource(name)) is not None
    }
    # Judged again only when something it reads changed (`_LEGAL_MEMO`).
    read = tuple((n, str(p), file_sha256(p) if p.is_file() else "-") for n, p in tables.items())
    key = (on, table.sha256, read, tuple((f, line, tuple(ids)) for f, line, ids in cited))
    found = _LEGAL_MEMO.get(key)
    check = found is not None and os.environ.get("ANTQ_CHECK_DEPS") == "1"
    if check and legal.undated_problems(documents, on, tables, cited) != found:
        raise RuntimeError("the kept judgement of the citations differs from a new one")
    if found is None:
        found = legal.undated_problems(documents, on, tables, cited)
        _LEGAL_MEMO.clear()
        _LEGAL_MEMO[key] = found
    return list(found)


# The last judgement of the citations (`_legal_problems`), by everything it read: the date,
# the legal documents, the models' and events' tables, the lessons' citations. `antq serve`
# validates again for each edit of another table (~60 ms of the national package's models
# read and judged again for a yearly result, issue 18). Problems are immutable.
_LEGAL_MEMO: dict[Any, list[Problem]] = {}


def header_problems(spec: ResourceSpec, table: Table, where: str) -> list[Problem]:
    """Compare the header to the schema by name: officials may reorder columns, but a missing,
    renamed or extra column makes every row meaningless, so it stops the resource."""
    found: list[Problem] = []
    header = [visible(label) for label in table.header]
    expected = spec.field_names
    seen: set[str] = set()
    for i, label in enumerate(header, start=1):
        if not label:
            found.append(problem("blank-label", where, row=1, column=i))
        elif label in seen:
            found.append(problem("duplicate-label", where, row=1, column=i, label=label))
        seen.add(label)
    missing = [f for f in expected if f not in header]
    extra = [(i, h) for i, h in enumerate(header, start=1) if h and h not in expected]
    if missing and len(missing) == len(extra):
        for name, (i, label) in zip(missing, extra, strict=True):
            title = spec.field(name).title  # type: ignore[union-attr]
            found.append(
                problem(
                    "renamed-label", where, row=1, column=i, field=name, label=label, title=title
                )
            )
        return found
    for name in missing:
        title = spec.field(name).title  # type: ignore[union-attr]
        found.append(problem("missing-label", where, row=1, field=name, title=title))
    for i, label in extra:
        found.append(
            problem("extra-label", where, row=1, column=i, label=label, resource=spec.name)
        )
    return found


def _ceiling(spec: ResourceSpec, table: Table, lines: int | None = None) -> list[Problem]:
    """A table above its schema's row ceiling stops here, before Frictionless reads it
    (`lines`: the table's lines, when known)."""
    rows = table.count_rows(above=spec.max_rows, lines=lines)
    if rows <= spec.max_rows:
        return []
    schema = display_path(spec.schema_path) if spec.schema_path else "datapackage.yaml"
    return [
        problem(
            "too-many-rows",
            table.where,
            resource=spec.name,
            rows=format_number(rows),
            limit=format_number(spec.max_rows),
            schema=schema,
        )
    ]


def unit_reference(spec: ResourceSpec, fk: ForeignKey) -> str | None:
    """ "units" or "legacy_units" when our pass checks the foreign key `fk` of `spec` by the
    unit tables (legacy codes, lost leading zeros), None when by the referenced table's key
    set (`_Checker.keys`: the sets a table's row-level state keeps, rowlevel)."""
    if fk.resource == "units" and fk.ref_fields == ("code",) and len(fk.fields) == 1:
        return "units"
    if fk.resource == "legacy_units" and fk.ref_fields == ("code",) and spec.name != fk.resource:
        return "legacy_units"
    return None


def fk_ref_fields(spec: ResourceSpec, fields: tuple[str, ...]) -> tuple[str, ...]:
    return next(fk.ref_fields for fk in spec.foreign_keys if fk.fields == fields)


def fk_resource(spec: ResourceSpec, fields: tuple[str, ...]) -> str:
    return next(fk.resource for fk in spec.foreign_keys if fk.fields == fields)


class TextMemo:
    """`text_checks` answered from memory for a text seen before in this pass: a column
    repeats its values (400,000 assessments name ~100,000 places, and their issuers and legal
    bases far fewer), and the checks are a function of the text alone. Up to `limit` texts
    are kept; past it (a column of unique values) each is checked as it comes."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self.memo: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def __call__(self, cell: str) -> list[tuple[str, dict[str, Any]]]:
        found = self.memo.get(cell)
        if found is None:
            found = text_checks(cell)
            if len(self.memo) < self.limit:
                self.memo[cell] = found
        return found


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a whole table is checked. The check
    makes millions of objects that live as long as it does (a table's rows and cells, its
    keys, Frictionless' rows) and no reference cycles; each time enough of them have been
    made the collector walks every object alive, table included: on the national package
    that was ~2 of a cold validation's ~24 CPU seconds, for nothing to free. Reference
    counting still frees everything as usual; a cycle made meanwhile is collected after."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _cell(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


class _NameSuggester(Suggester):
    """Suggests a unit code only from its name, never from a near-identical code."""

    def __call__(self, value: str) -> list[str]:
        if value.isdigit():
            return []
        return super().__call__(value)


def _unit_name(tables: units.UnitTables, code: str) -> str:
    unit = tables.current.get(code)
    return unit[0] if unit else code


def _restore_zeros(value: str, known: dict[str, Any]) -> str | None:
    """'2494' → '02494' when Excel ate the zero and the padded code exists."""
    if not value.isdigit():
        return None
    for width in (2, 3, 5):
        padded = value.zfill(width)
        if len(value) < width and padded in known:
            return padded
    return None


# -- checks tied to one resource -------------------------------------------------------------


class _AssessmentDates:
    """Decision dates must fall after the assessment window of that year opens and soon after
    it closes (Thông tư 124/2021/TT-BCA): khu dân cư 01/11 of the previous year to 31/10, the
    others 16/11 to 15/11. A date far outside usually means the wrong year was typed."""

    GRACE = timedelta(days=150)

    def prepare(self, checker: _Checker) -> dict[str, str]:
        return checker.column("places", "id", "kind")

    def check(
        self,
        kinds: Any,
        col: dict[str, int],
        cells: list[str],
        row: int,
        add: Callable[..., None],
    ) -> None:
        kind = kinds.get(nfc(cells[col["place_id"]].strip()))
        if kind is None:
            return
        found = self._outside(cells[col["decision_date"]], cells[col["year"]], kind)
        if found is not None:
            add("assessment-date", row, "decision_date", **found)

    def flagged(
        self, kinds: Any, col: dict[str, int], cols: list[Sequence[str]], n: int
    ) -> list[int]:
        """The rows `check` reports (generator.data.columns): by their date, year and
        place's kind, each distinct triple judged once."""
        places, dates, years = (cols[col[c]] for c in ("place_id", "decision_date", "year"))
        kind_by = columns.value_table(places, lambda p: kinds.get(nfc(p.strip())))
        # Each distinct (date, year) judged for each kind of place the chunk names first:
        # when none is outside its window (a clean table), no row's triple is, and the
        # rows' triples are not made (~0.1 CPU s of the national yearly results).
        # (A pair with a kind no row of it has may be judged: a year `date` refuses, there
        # alone, sends the chunk to the rows' triples, judged as before.)
        present = {k for k in kind_by.values() if k is not None}
        pairs = set(zip(dates, years, strict=True))
        try:
            clean = not any(self._outside(d, y, k) is not None for d, y in pairs for k in present)
        except ValueError:
            clean = False
        if clean:
            return []
        kind_of = list(map(kind_by.__getitem__, places))
        triples = list(zip(dates, years, kind_of, strict=True))
        bad = {t for t in set(triples) if t[2] is not None and self._outside(*t) is not None}
        return columns.where(triples, bad)

    @classmethod
    @functools.lru_cache(maxsize=65_536)  # ~400 dates and a few years and kinds repeat
    def _outside(cls, cell_date: str, cell_year: str, kind: str) -> dict[str, Any] | None:
        """The message's values when a decision date falls outside its year's window, else
        None: a function of the two cells and the place's kind alone."""
        raw_date, raw_year = cell_date.strip(), cell_year.strip()
        if not raw_date or not raw_year.isdigit():
            return None
        try:
            when = date.fromisoformat(raw_date)
        except ValueError:
            return None  # Frictionless reports the type error
        year = int(raw_year)
        if kind == "khu_dan_cu":
            start, end = date(year - 1, 11, 1), date(year, 10, 31)
        else:
            start, end = date(year - 1, 11, 16), date(year, 11, 15)
        if when < start or when > end + cls.GRACE:
            return {
                "date": when.strftime("%d/%m/%Y"),
                "year": year,
                "start": start.strftime("%d/%m/%Y"),
                "end": end.strftime("%d/%m/%Y"),
            }
        return None


class _TargetUnit:
    """A target belongs to exactly one unit: a current one, or one as it was when it set
    the target (a 2023 district plan binds that district, never today's whole province)."""

    def prepare(self, checker: _Checker) -> None:
        return None

    def check(
        self, state: None, col: dict[str, int], cells: list[str], row: int, add: Callable[..., None]
    ) -> None:
        current = _cell(cells, col["unit_code"]).strip()
        legacy = _cell(cells, col["legacy_unit_code"]).strip()
        if bool(current) == bool(legacy):
            add("target-unit", row, "unit_code", both="cả hai" if current else "không cột nào")


class _LegalAtRecordDate:
    """A record of something done (an award, an assessment) cites the law in force on its
    own date: its decision date, else the end of its year (generator.legal)."""

    def prepare(self, checker: _Checker) -> dict[str, Any]:
        from generator import legal

        spec = checker.package.resource("legal_documents")
        table = checker.table(spec)[0] if spec is not None else None
        if table is None:
            return {}
        return legal.documents_from_text(table.text, table.delimiter)

    def check(
        self,
        documents: Any,
        col: dict[str, int],
        cells: list[str],
        row: int,
        add: Callable[..., None],
    ) -> None:
        if "legal_basis" not in col:
            return
        finding = self._finding(
            documents,
            cells[col["decision_date"]] if "decision_date" in col else "",
            cells[col["year"]] if "year" in col else "",
            cells[col["legal_basis"]],
        )
        if finding is not None:
            add(finding.code, row, "legal_basis", **finding.params())

    def flagged(
        self, documents: Any, col: dict[str, int], cols: list[Sequence[str]], n: int
    ) -> list[int]:
        """The rows `check` reports (generator.data.columns), each distinct date, year
        and citation judged once."""
        if "legal_basis" not in col:
            return []
        none = ("",) * n
        dates = cols[col["decision_date"]] if "decision_date" in col else none
        years = cols[col["year"]] if "year" in col else none
        bases = cols[col["legal_basis"]]
        bad = {
            t
            for t in set(zip(dates, years, bases, strict=True))
            if self._finding(documents, *t) is not None
        }
        if not bad:  # (the rows' triples made only to find the rows of some)
            return []
        return columns.where(list(zip(dates, years, bases, strict=True)), bad)

    def _finding(
        self, documents: Any, cell_date: str, cell_year: str, cell_basis: str
    ) -> Any:  # generator.legal.Finding | None
        when = self._record_date(cell_date, cell_year)
        if when is None:
            return None
        return _legal().judge(nfc(cell_basis.strip()), documents, when, dated=True)

    @staticmethod
    @functools.lru_cache(maxsize=65_536)  # dates and years repeat over the rows
    def _record_date(cell_date: str, cell_year: str) -> date | None:
        """The record's date (its decision date, else the end of its year), or None when
        it has neither (or a date Frictionless reports as a type error)."""
        raw_date, raw_year = cell_date.strip(), cell_year.strip()
        try:
            when = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            return None  # Frictionless reports the type error
        if when is None:
            if not raw_year.isdigit():
                return None
            when = date(int(raw_year), 12, 31)
        return when


@functools.cache
def _legal() -> Any:
    """generator.legal, imported once it is needed (not for every row that needs it)."""
    from generator import legal

    return legal


class _Tt124:
    """Who may recognise which place (Thông tư 124/2021/TT-BCA, Điều 2 and Điều 10).

    Names and issuers are free text, so the rules read them: a school or health centre the
    province manages ("Trường THPT …", "Trung tâm Y tế …", "Bệnh viện …"), a kind of place the
    Thông tư leaves out (tiểu học, mầm non, nhà trẻ; police and military units), and an issuer
    at xã level ("UBND xã …", "UBND phường …", "UBND đặc khu …"). A xã recognised "đạt" needs
    a self-managed model working there that year (model_sites with a model not stopped)."""

    XA_ISSUER = re.compile(
        r"^(chủ tịch )?(ubnd|ủy ban nhân dân|uỷ ban nhân dân) (xã|phường|đặc khu|thị trấn)\b"
    )
    PROVINCIAL = re.compile(
        r"^(trường (thpt|trung học phổ thông|cao đẳng|đại học)|trung tâm y tế|bệnh viện"
        r"|trung tâm giáo dục nghề nghiệp|trung tâm gdnn)",
    )
    OUT_OF_SCOPE = re.compile(
        r"^((trường )?(tiểu học|mầm non|mẫu giáo|th |mn )|nhà trẻ|nhóm trẻ|công an |đồn biên phòng"
        r"|ban chỉ huy quân sự|bộ chỉ huy quân sự|trung đoàn|sư đoàn|lữ đoàn)",
    )

    KIND_WORD = re.compile(r"^(xã|phường|đặc khu|thị trấn)\s+")

    @classmethod
    @functools.lru_cache(maxsize=65_536)  # a place's issuer repeats over its years
    def _own_xa(cls, issuer_xa: str, unit_name: str, legacy: str) -> bool:
        """Whether the xã named after "UBND xã" is the place's xã, today's or (before
        01/7/2025) the one its legacy name gives."""
        named = issuer_xa.split(",")[0].strip()
        own = {cls.KIND_WORD.sub("", unit_name.lower()).strip()}
        if legacy:
            own.add(cls.KIND_WORD.sub("", legacy.split(",")[0].strip().lower()).strip())
        return named in own

    @classmethod
    @functools.lru_cache(maxsize=65_536)  # ~3,000 issuers repeat over 400,000 rows
    def _issuer_parts(cls, issuer_cell: str) -> tuple[str, str, int | None]:
        """The issuer as messages quote it (NFC, stripped), lowered, and where the xã's
        name begins in it when it is a xã's ("UBND xã …"), else None."""
        issuer = nfc(issuer_cell.strip())
        low_issuer = issuer.lower()
        by_xa = cls.XA_ISSUER.match(low_issuer)
        return issuer, low_issuer, None if by_xa is None else by_xa.end()

    @classmethod
    def _recognised_by(
        cls, kind: str, name: str, unit_name: str, legacy: str, issuer_cell: str
    ) -> tuple[str, str, dict[str, str]] | None:
        """(code, field, values) of what is wrong with who recognised the place, or None:
        a function of the place's kind, name and xã and the issuer cell alone. Not
        memoised itself: the national yearly results hold 128,000 distinct (place, issuer)
        pairs, which thrashed a memo of them (~3.7 µs a pair); the issuer's parts
        (`_issuer_parts`) and the xã's names (`_own_xa`) are, ~1.5 µs a pair."""
        issuer, low_issuer, xa_end = cls._issuer_parts(issuer_cell)
        low_name = name.lower()
        if kind != "khu_dan_cu" and kind != "xa" and cls.OUT_OF_SCOPE.match(low_name):
            return "tt124-out-of-scope", "place_id", {"place": name}
        if xa_end is None:
            return None
        if kind == "xa":
            return "tt124-xa-by-itself", "issuer", {"issuer": issuer, "place": name}
        if kind in ("co_quan", "co_so_giao_duc") and cls.PROVINCIAL.match(low_name):
            return "tt124-provincial-unit", "issuer", {"issuer": issuer, "place": name}
        if unit_name and not cls._own_xa(low_issuer[xa_end:], unit_name, legacy):
            values = {"issuer": issuer, "place": name, "unit": unit_name}
            return "tt124-other-xa", "issuer", values
        return None

    def prepare(self, checker: _Checker) -> dict[str, Any]:
        places: dict[str, tuple[str, str, str, str]] = {}
        spec = checker.package.resource("places")
        table = checker.table(spec)[0] if spec is not None else None
        columns = ("id", "kind", "name", "unit_code", "legacy_unit_name")
        if table is not None and set(columns) <= set(table.header):
            i, k, n, u, old = (table.header.index(c) for c in columns)
            for _, cells in table.rows():
                places[nfc(_cell(cells, i).strip())] = (
                    _cell(cells, k).strip(),
                    nfc(_cell(cells, n).strip()),
                    _cell(cells, u).strip(),
                    nfc(_cell(cells, old).strip()),
                )
        stopped = {
            m for m, status in checker.column("models", "id", "status").items() if status == "ngung"
        }
        # unit code → first year a working model site started; None when model_sites cannot
        # be read (its own problem is reported; every xã would be flagged otherwise)
        sites: dict[str, int] | None = None
        spec = checker.package.resource("model_sites")
        table = checker.table(spec)[0] if spec is not None else None
        if table is not None and {"model_id", "unit_code", "started"} <= set(table.header):
            sites = {}
            m, u, st = (table.header.index(c) for c in ("model_id", "unit_code", "started"))
            for _, cells in table.rows():
                if nfc(_cell(cells, m).strip()) in stopped:
                    continue
                raw = _cell(cells, st).strip()
                year = int(raw[:4]) if raw[:4].isdigit() else 0
                code = _cell(cells, u).strip()
                sites[code] = min(year, sites.get(code, year))
        unit_names = {
            code: nfc(name) for code, name in checker.column("units", "code", "name").items()
        }
        return {"places": places, "sites": sites, "unit_names": unit_names}

    def check(
        self, state: Any, col: dict[str, int], cells: list[str], row: int, add: Callable[..., None]
    ) -> None:
        place = state["places"].get(nfc(cells[col["place_id"]].strip()))
        if place is None:
            return
        found = self._issuer(state, place, cells[col["issuer"]] if "issuer" in col else "")
        if found is not None:
            code, field_name, params = found
            add(code, row, field_name, **params)
        if self._without_model(state, place, cells[col["year"]], cells[col["result"]]):
            year = cells[col["year"]].strip()
            add("tt124-xa-without-model", row, "result", place=place[1], year=year)

    def flagged(
        self, state: Any, col: dict[str, int], cols: list[Sequence[str]], n: int
    ) -> list[int]:
        """The rows `check` reports (generator.data.columns): who recognised the place,
        judged once per distinct place and issuer; a xã's rows (the only ones
        `_without_model` may report) one by one."""
        places = cols[col["place_id"]]
        by_place = columns.value_table(places, lambda p: state["places"].get(nfc(p.strip())))
        issuers = cols[col["issuer"]] if "issuer" in col else ("",) * n
        bad = {
            pair
            for pair in set(zip(places, issuers, strict=True))
            if (place := by_place[pair[0]]) is not None
            and self._issuer(state, place, pair[1]) is not None
        }
        found = columns.where(list(zip(places, issuers, strict=True)), bad) if bad else []
        years, results = cols[col["year"]], cols[col["result"]]
        xa = {p for p, place in by_place.items() if place is not None and place[0] == "xa"}
        found += [
            j
            for j in columns.where(places, xa)
            if self._without_model(state, by_place[places[j]], years[j], results[j])
        ]
        return found

    def _issuer(self, state: Any, place: tuple[str, str, str, str], issuer_cell: str) -> Any:
        kind, name, unit, legacy = place
        unit_name = state["unit_names"].get(unit, "")
        return self._recognised_by(kind, name, unit_name, legacy, issuer_cell)

    @staticmethod
    def _without_model(
        state: Any, place: tuple[str, str, str, str], year_cell: str, result_cell: str
    ) -> bool:
        """A xã recognised "đạt" in a year before any model site of its own worked."""
        kind, _name, unit, _legacy = place
        raw_year, result = year_cell.strip(), result_cell.strip()
        if kind == "xa" and result == "dat" and raw_year.isdigit() and state["sites"] is not None:
            first = state["sites"].get(unit)
            return first is None or first > int(raw_year)
        return False


class _SecurityTeam:
    """A Tổ bảo vệ an ninh, trật tự is arranged in one thôn or tổ dân phố (Luật 30/2023/QH15,
    Điều 2 khoản 3) of the xã that set it up, and has a Tổ trưởng, a Tổ phó and Tổ viên
    (Điều 16): a place of another kind or another xã is an error, fewer than three members a
    warning (a tổ may be short of people for a while)."""

    FEW = 3

    def prepare(self, checker: _Checker) -> dict[str, tuple[str, str]]:
        places: dict[str, tuple[str, str]] = {}
        spec = checker.package.resource("places")
        table = checker.table(spec)[0] if spec is not None else None
        if table is not None and {"id", "kind", "unit_code"} <= set(table.header):
            i, k, u = (table.header.index(c) for c in ("id", "kind", "unit_code"))
            for _, cells in table.rows():
                places[nfc(_cell(cells, i).strip())] = (
                    _cell(cells, k).strip(),
                    _cell(cells, u).strip(),
                )
        return places

    def check(
        self,
        places: dict[str, tuple[str, str]],
        col: dict[str, int],
        cells: list[str],
        row: int,
        add: Callable[..., None],
    ) -> None:
        wrong = self._wrong_place(
            places, _cell(cells, col["place_id"]), _cell(cells, col["unit_code"])
        )
        if wrong is not None:
            add("security-team-place", row, "place_id", place=wrong[0], unit=wrong[1])
        few = self._few(_cell(cells, col["members"]))
        if few is not None:
            add("security-team-few-members", row, "members", members=few)

    def flagged(
        self, places: Any, col: dict[str, int], cols: list[Sequence[str]], n: int
    ) -> list[int]:
        """The rows `check` reports (generator.data.columns), each distinct place and
        unit, and each distinct count of members, judged once."""
        ids, units = cols[col["place_id"]], cols[col["unit_code"]]
        wrong = {
            p
            for p in set(zip(ids, units, strict=True))
            if self._wrong_place(places, *p) is not None
        }
        members = cols[col["members"]]
        few = {m for m in set(members) if self._few(m) is not None}
        # (the rows' pairs made only to find the rows of some)
        found = columns.where(list(zip(ids, units, strict=True)), wrong) if wrong else []
        return found + columns.where(members, few)

    @staticmethod
    def _wrong_place(
        places: dict[str, tuple[str, str]], place_cell: str, unit_cell: str
    ) -> tuple[str, str] | None:
        """(place, unit) when the place is not a khu dân cư of the team's xã."""
        place_id, unit = nfc(place_cell.strip()), unit_cell.strip()
        place = places.get(place_id)
        if place is not None and (place[0] != "khu_dan_cu" or place[1] != unit):
            return place_id, unit
        return None

    def _few(self, members_cell: str) -> int | None:
        raw = members_cell.strip()
        return int(raw) if raw.isdigit() and 0 < int(raw) < self.FEW else None


class _SecurityTeamRating:
    """A tổ's yearly rating (Hướng dẫn 01/HD-BCA-V05, known only from the press: both checks
    are warnings). A tổ set up less than nine months before the period's last day (14/11) is
    not rated yet; in one xã and year the tổ rated "hoàn thành xuất sắc" may be at most 20% of
    those rated "hoàn thành tốt" (reported once per xã and year, on its first such row)."""

    MONTHS = 9
    SHARE = 0.2

    def prepare(self, checker: _Checker) -> dict[str, Any]:
        teams: dict[str, tuple[str, str]] = {}  # id → (unit code, established)
        spec = checker.package.resource("security_teams")
        table = checker.table(spec)[0] if spec is not None else None
        if table is not None and {"id", "unit_code", "established"} <= set(table.header):
            i, u, e = (table.header.index(c) for c in ("id", "unit_code", "established"))
            for _, cells in table.rows():
                teams[nfc(_cell(cells, i).strip())] = (
                    _cell(cells, u).strip(),
                    _cell(cells, e).strip(),
                )
        # (unit, year) → [excellent, good], counted over the whole ratings table first
        counts: dict[tuple[str, str], list[int]] = {}
        spec = checker.package.resource("security_team_ratings")
        table = checker.table(spec)[0] if spec is not None else None
        if table is not None and {"team_id", "year", "rating"} <= set(table.header):
            i, y, r = (table.header.index(c) for c in ("team_id", "year", "rating"))
            for _, cells in table.rows():
                team = teams.get(nfc(_cell(cells, i).strip()))
                rating = _cell(cells, r).strip()
                if team is None or rating not in ("hoan_thanh_xuat_sac", "hoan_thanh_tot"):
                    continue
                pair = counts.setdefault((team[0], _cell(cells, y).strip()), [0, 0])
                pair[0 if rating == "hoan_thanh_xuat_sac" else 1] += 1
        return {"teams": teams, "counts": counts, "reported": set()}

    def check(
        self, state: Any, col: dict[str, int], cells: list[str], row: int, add: Callable[..., None]
    ) -> None:
        team_cell, year_cell = _cell(cells, col["team_id"]), _cell(cells, col["year"])
        too_new = self._too_new(state, team_cell, year_cell)
        if too_new is not None:
            add("security-team-rating-too-new", row, "year", **too_new)
        quota = self._over_quota(state, team_cell, year_cell, _cell(cells, col["rating"]))
        if quota is not None and quota[:2] not in state["reported"]:
            state["reported"].add(quota[:2])
            unit, year, excellent, good = quota
            add(
                "security-team-rating-quota",
                row,
                "rating",
                unit=unit,
                year=year,
                excellent=excellent,
                good=good,
            )

    def flagged(
        self, state: Any, col: dict[str, int], cols: list[Sequence[str]], n: int
    ) -> list[int]:
        """The rows `check` may report (generator.data.columns): each distinct team and
        year judged once; every "xuất sắc" row of a xã and year over the share (`check`
        reports the first one)."""
        teams, years, ratings = (cols[col[c]] for c in ("team_id", "year", "rating"))
        too_new = {
            p for p in set(zip(teams, years, strict=True)) if self._too_new(state, *p) is not None
        }
        found = columns.where(list(zip(teams, years, strict=True)), too_new) if too_new else []
        # Only a "xuất sắc" rating is ever over the share: the other rows' triples are not
        # judged (the rows' tuples made only to find the rows of some).
        excellent = {r for r in set(ratings) if r.strip() == "hoan_thanh_xuat_sac"}
        triples = {t for t in zip(teams, years, ratings, strict=True) if t[2] in excellent}
        over = {t for t in triples if self._over_quota(state, *t) is not None}
        if over:
            found += columns.where(list(zip(teams, years, ratings, strict=True)), over)
        return found

    def _team(self, state: Any, team_cell: str, year_cell: str) -> tuple[str, str, str] | None:
        """(unit code, established, year) of a known team and a year in digits."""
        team = state["teams"].get(nfc(team_cell.strip()))
        raw_year = year_cell.strip()
        if team is None or not raw_year.isdigit():
            return None
        return team[0], team[1], raw_year

    def _too_new(self, state: Any, team_cell: str, year_cell: str) -> dict[str, str] | None:
        found = self._team(state, team_cell, year_cell)
        if found is None:
            return None
        _unit, raw_established, raw_year = found
        return self._too_new_dates(raw_established, raw_year)

    @classmethod
    @functools.lru_cache(maxsize=65_536)  # a few hundred dates and years repeat over 70,000 tổ
    def _too_new_dates(cls, raw_established: str, raw_year: str) -> dict[str, str] | None:
        """`_too_new`'s finding for a tổ established then and rated that year: a function
        of the two texts alone."""
        try:
            established = date.fromisoformat(raw_established) if raw_established else None
        except ValueError:
            established = None  # security_teams reports its own type error
        last = date(int(raw_year), 11, 14)
        if established is not None:
            months = (last.year - established.year) * 12 + last.month - established.month
            if last.day < established.day:
                months -= 1
            if months < cls.MONTHS:
                return {"year": raw_year, "established": established.strftime("%d/%m/%Y")}
        return None

    def _over_quota(
        self, state: Any, team_cell: str, year_cell: str, rating_cell: str
    ) -> tuple[str, str, int, int] | None:
        """(unit, year, excellent, good) of a "xuất sắc" rating in a xã and year over the
        share, whether or not reported already."""
        found = self._team(state, team_cell, year_cell)
        if found is None or rating_cell.strip() != "hoan_thanh_xuat_sac":
            return None
        unit, _established, raw_year = found
        excellent, good = state["counts"].get((unit, raw_year), [0, 0])
        if excellent > self.SHARE * good:
            return unit, raw_year, excellent, good
        return None


class _Vocabulary:
    """The movement's yearly đăng ký thi đua, its "điển hình" and the classes of places (issue
    14 item 2). A registration is made in quý I (Thông tư 124/2021/TT-BCA, Điều 5, for the
    xã; the movement's plans, for every place); the kinds of "điển hình" the movement's
    documents name are of a xã, cơ quan, doanh nghiệp or cơ sở giáo dục, and a Công an xã or
    phường of a xã — a khu dân cư is none of them; a recognised one has its decision. A xã's
    movement class belongs in movement_classes (Quyết định 510/QĐ-BCA-V05)."""

    XA_ONLY = ("cong_an_kieu_mau", "trat_tu_do_thi")

    def __init__(self, table: str) -> None:
        self.table = table

    def prepare(self, checker: _Checker) -> dict[str, Any]:
        return {
            "kinds": checker.column("places", "id", "kind"),
            "labels": checker.package.labels(),
        }

    def check(
        self, state: Any, col: dict[str, int], cells: list[str], row: int, add: Callable[..., None]
    ) -> None:
        place_id = nfc(_cell(cells, col["place_id"]).strip())
        place_kind = state["kinds"].get(place_id)
        if place_kind is None:
            return  # the foreign key reports it

        def checker_label(key: str, code: str) -> str:
            return str(state["labels"].get(key, {}).get(code, code))

        kind_label = checker_label("places.kind", place_kind).lower()
        if self.table == "place_classes":
            if place_kind == "xa":
                add("place-class-xa", row, "place_id", place=place_id)
            return
        if self.table == "emulation_registrations":
            goal = _cell(cells, col["goal"]).strip()
            what = checker_label("emulation_registrations.goal", goal)
            self._registration(cells, col, row, add, place_kind, (what, kind_label))
            return
        kind = _cell(cells, col["kind"]).strip()
        if (kind in self.XA_ONLY and place_kind != "xa") or place_kind == "khu_dan_cu":
            label = checker_label("exemplar_recognitions.kind", kind)
            add("exemplar-place-kind", row, "place_id", what=label, kind=kind_label)
        status = _cell(cells, col["status"]).strip()
        if status == "cong_nhan" and not _cell(cells, col["decision_no"]).strip():
            add("exemplar-no-decision", row, "decision_no")

    @staticmethod
    def _registration(
        cells: list[str],
        col: dict[str, int],
        row: int,
        add: Callable[..., None],
        place_kind: str,
        labels: tuple[str, str],
    ) -> None:
        raw_year = _cell(cells, col["year"]).strip()
        raw_date = _cell(cells, col["registered_on"]).strip()
        goal = _cell(cells, col["goal"]).strip()
        if goal == "dien_hinh" and place_kind == "khu_dan_cu":
            add("exemplar-place-kind", row, "goal", what=labels[0], kind=labels[1])
        try:
            when = date.fromisoformat(raw_date)
        except ValueError:
            return  # Frictionless reports the type error
        if raw_year.isdigit() and when > date(int(raw_year), 3, 31):
            add(
                "registration-late",
                row,
                "registered_on",
                when=when.strftime("%d/%m/%Y"),
                year=raw_year,
            )


class _Checks:
    """Several row checks on one table."""

    def __init__(self, *checks: Any) -> None:
        self.checks = checks

    def prepare(self, checker: _Checker) -> list[Any]:
        return [c.prepare(checker) for c in self.checks]

    def check(
        self,
        states: list[Any],
        col: dict[str, int],
        cells: list[str],
        row: int,
        add: Callable[..., None],
    ) -> None:
        for c, state in zip(self.checks, states, strict=True):
            c.check(state, col, cells, row, add)

    def flagged(
        self, states: list[Any], col: dict[str, int], cols: list[Sequence[str]], n: int
    ) -> Iterable[int] | None:
        """The rows one of the checks flags (generator.data.columns); None (every row)
        when one of them cannot tell."""
        found: set[int] = set()
        for c, state in zip(self.checks, states, strict=True):
            find = getattr(c, "flagged", None)
            rows = find(state, col, cols, n) if find is not None else None
            if rows is None:
                return None
            found.update(rows)
        return found


# Tables a row check reads besides the foreign keys' (their hashes join the cache key).
ROW_CHECK_READS: dict[str, tuple[str, ...]] = {
    "assessments": ("places", "models", "model_sites", "units"),
    "security_teams": ("places",),
    "security_team_ratings": ("security_teams",),
    "place_classes": ("places",),
    "emulation_registrations": ("places",),
    "exemplar_recognitions": ("places",),
}

ROW_CHECKS: dict[str, Any] = {
    "assessments": _Checks(_AssessmentDates(), _LegalAtRecordDate(), _Tt124()),
    "awards": _Checks(_LegalAtRecordDate()),
    "targets": _TargetUnit(),
    "security_teams": _SecurityTeam(),
    "security_team_ratings": _SecurityTeamRating(),
    "place_classes": _Vocabulary("place_classes"),
    "emulation_registrations": _Vocabulary("emulation_registrations"),
    "exemplar_recognitions": _Checks(_LegalAtRecordDate(), _Vocabulary("exemplar_recognitions")),
}


def run_cli(
    root: Path,
    *,
    strict: bool = False,
    allow_lapsed_law: bool = False,
    github: bool = False,
    use_cache: bool = True,
    max_mb: float = MAX_FILE_MB,
) -> int:
    """Print one line per problem and a summary; return the exit code (0, 1 or 2)."""
    import sys

    from rich.console import Console

    from generator.data.problems import summary_line
    from generator.errors import UsageError
    from generator.filehash import HASHES

    err = Console(stderr=True, highlight=False)
    try:
        with err.status(text("validate-progress")) as status:

            def progress(name: str) -> None:
                status.update(text("validate-progress-table", name=name))

            # Input files' hashes kept by `stat` (and git's index), as in `antq build`: a
            # second validation reads no unchanged photo again; --no-cache trusts none.
            HASHES.configure(default_cache_dir(root), trust=use_cache, git_root=root)
            try:
                result = validate_package(
                    root, use_cache=use_cache, max_mb=max_mb, progress=progress
                )
            finally:
                HASHES.save()
    except UsageError as exc:
        # markup=False: rich would take the line's “[data-dir-missing]” for a style tag and
        # drop the code; soft_wrap: one line, never broken at the terminal's width.
        err.print(f"antq: {exc}", markup=False, soft_wrap=True)
        return 2
    out = sys.stdout
    from generator.legal import DATE_CODES

    def blocks(p: Problem) -> bool:
        return p.level == "warning" and not (allow_lapsed_law and p.code in DATE_CODES)

    for p in result.problems:
        if strict and blocks(p):
            p = Problem(**{**p.to_dict(), "level": "error"})
        out.write(p.line() + "\n")
        if github:
            out.write(p.github() + "\n")
    out.write(summary_line(result.problems, result.files, result.rows) + "\n")
    failed = result.errors or (strict and any(blocks(p) for p in result.warnings))
    return 1 if failed else 0


def _known_tables(package: PackageSpec) -> list[Problem]:
    """The tables antq builds the site from, each exactly once: a table it does not know
    would pass the schema checks and then stop the build (nothing renders it), a missing one
    would leave whole page families empty."""
    from generator.data.records import RECORD_TYPES

    where = display_path(package.descriptor_path)
    names = [spec.name for spec in package.resources]
    found = [
        problem("unknown-table", where, resource=name, known=", ".join(RECORD_TYPES))
        for name in names
        if name not in RECORD_TYPES
    ]
    found += [
        problem("missing-table", where, resource=name) for name in RECORD_TYPES if name not in names
    ]
    return found
