"""Which rows of each table belong to a province (issue 17): what `antq template
--with-data` fills in, and what `antq import --sync` may delete.

A row belongs to the province when its unit column names the province or one of its xã, or
when it points to a row that belongs (an assessment through its place, a model site through
its model). A table with no such path (legal documents) is shared by every province: never
pre-filtered, never deleted by a province's workbook.
"""

from __future__ import annotations

from pathlib import Path

from generator.data.rawcsv import open_table
from generator.data.schema import PackageSpec, ResourceSpec, display_path
from generator.textvi import nfc

Records = list[dict[str, str]]
Key = tuple[str, ...]
REFERENCE_TABLES = ("units", "legacy_units", "unit_changes")


def read_records(spec: ResourceSpec) -> Records | None:
    """The table's rows as {column: cell} (NFC, stripped), or None when it cannot be read."""
    table, _found = open_table(spec.path, display_path(spec.path), spec.name)
    if table is None:
        return None
    return [{k: nfc(v.strip()) for k, v in row.items()} for row in table.records()]


def row_key(spec: ResourceSpec, row: dict[str, str]) -> Key:
    return tuple(row.get(k, "") for k in spec.primary_key)


def province_units(units: Records, province: str) -> set[str]:
    return {u["code"] for u in units if province in (u.get("code"), u.get("parent_code"))}


def scoped_keys(
    package: PackageSpec, tables: dict[str, Records], province: str
) -> dict[str, set[Key] | None]:
    """For each table, the primary keys of its rows in `province`, or None when the table
    is shared (no path from its rows to a unit)."""
    unit_codes = province_units(tables.get("units", []), province)
    out: dict[str, set[Key] | None] = {"units": {(c,) for c in unit_codes}}
    pending = [s for s in package.resources if s.name not in REFERENCE_TABLES]
    progress = True
    while pending and progress:
        progress = False
        for spec in list(pending):
            rule = _rule(spec, out)
            if rule is False or rule is True:
                continue  # waits for a table it points to
            pending.remove(spec)
            progress = True
            if rule is None:
                out[spec.name] = None
                continue
            field, keys = rule
            out[spec.name] = {
                row_key(spec, row) for row in tables.get(spec.name, []) if (row.get(field),) in keys
            }
    for spec in pending:
        out[spec.name] = None
    return out


def _rule(
    spec: ResourceSpec, known: dict[str, set[Key] | None]
) -> tuple[str, set[Key]] | None | bool:  # (False: undecided)
    """(field, keys it must be in), None when shared, False when not decidable yet."""
    undecided = False
    for fk in spec.foreign_keys:
        if len(fk.fields) != 1 or fk.resource == spec.name or fk.resource == "legacy_units":
            continue
        if fk.resource not in known:
            undecided = True
            continue
        keys = known[fk.resource]
        if keys is not None:
            return fk.fields[0], keys
    return False if undecided else None


def load_tables(package: PackageSpec, names: list[str]) -> dict[str, Records]:
    out: dict[str, Records] = {}
    for name in names:
        spec = package.resource(name)
        if spec is not None and Path(spec.path).is_file():
            out[name] = read_records(spec) or []
    return out


class ProvinceIndex:
    """The province of every row of the tables that have one (issue 16: open data per
    province), by the same paths as `scoped_keys`: a unit column names the province or one
    of its xã, or the row points to a row that has a province (an assessment through its
    place). Tables are read once, when first asked for."""

    def __init__(self, package: PackageSpec) -> None:
        self.package = package
        self._records: dict[str, Records] = {}
        self._keys: dict[str, dict[str, str] | None] = {}
        self._visiting: set[str] = set()

    def records(self, name: str) -> Records:
        if name not in self._records:
            spec = self.package.resource(name)
            found = read_records(spec) if spec is not None and spec.path.is_file() else None
            self._records[name] = found or []
        return self._records[name]

    def provinces(self) -> dict[str, str]:
        """Every province's code → name, in the units table's order."""
        return {
            u["code"]: u.get("name", "") for u in self.records("units") if not u.get("parent_code")
        }

    def link(self, name: str) -> tuple[str, str] | None:
        """(column, table): the column of `name` whose value is a key of `table`, whose
        rows have a province; None when the table's rows have none (shared tables)."""
        if name == "units":
            return ("code", "units")
        spec = self.package.resource(name)
        if spec is None or name in REFERENCE_TABLES or name in self._visiting:
            return None
        self._visiting.add(name)
        try:
            for fk in spec.foreign_keys:
                target = self.package.resource(fk.resource)
                if (
                    len(fk.fields) != 1
                    or target is None
                    or fk.resource in (name, "legacy_units")
                    or fk.ref_fields != target.primary_key
                ):
                    continue
                if self._keyed(fk.resource):
                    return (fk.fields[0], fk.resource)
            return None
        finally:
            self._visiting.discard(name)

    def _keyed(self, name: str) -> bool:
        """Whether `key_provinces(name)` is not None, from the descriptor alone (no table
        read: the build asks every table's link before it reads any row)."""
        if name == "units":
            return True
        spec = self.package.resource(name)
        return spec is not None and len(spec.primary_key) == 1 and self.link(name) is not None

    def chain(self, name: str) -> list[str]:
        """The tables a row of `name` finds its province through: itself, the table its
        link names, that table's … down to the units (what its split reads)."""
        found = [name]
        while found[-1] != "units":
            link = self.link(found[-1])
            if link is None or link[1] in found:
                break
            found.append(link[1])
        return found

    def key_provinces(self, name: str) -> dict[str, str] | None:
        """The province of each row of `name` by its (one-column) primary key."""
        if name in self._keys:
            return self._keys[name]
        found: dict[str, str] | None
        if name == "units":
            parent = {u["code"]: u.get("parent_code", "") for u in self.records("units")}
            found = {code: _top(code, parent) for code in parent}
        else:
            spec = self.package.resource(name)
            link = self.link(name)
            if spec is None or link is None or len(spec.primary_key) != 1:
                found = None
            else:
                column, target = link
                keys = self.key_provinces(target) or {}
                pk = spec.primary_key[0]
                found = {r.get(pk, ""): keys.get(r.get(column, ""), "") for r in self.records(name)}
        self._keys[name] = found
        return found

    def learn(self, name: str, keys: dict[str, str] | None) -> None:
        """`key_provinces(name)` as another process of the build found it (the open data's
        forked processes: generator.pages.opendata `Memo.prefetch`), unless known here."""
        self._keys.setdefault(name, keys)

    def of(self, name: str, value: str | None) -> str:
        """The province of a row of `name` whose link column holds `value` ("" for none)."""
        link = self.link(name)
        if link is None or value is None:
            return ""
        return (self.key_provinces(link[1]) or {}).get(nfc(str(value).strip()), "")


def _top(code: str, parent: dict[str, str]) -> str:
    """The province a unit lies in: its topmost parent (itself for a province)."""
    seen = {code}
    while parent.get(code):
        code = parent[code]
        if code in seen:
            break
        seen.add(code)
    return code
