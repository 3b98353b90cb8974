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
