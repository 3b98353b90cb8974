"""The fast typed reader: validated CSVs → plain dataclasses, driven by the Table Schemas.

Frictionless stays the contract and the validator; reading rows through it costs ~20 s per
450,000 rows, the stdlib `csv` module with per-field converters a few seconds. Call this only
after validation passed: it trusts types and keys and does not report problems.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import stat
from collections.abc import Callable, Iterator
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import date
from pathlib import Path
from types import MemberDescriptorType
from typing import Any

from generator.data import units
from generator.data.rawcsv import file_sha256, open_table, read_raw, read_table
from generator.data.records import (
    RECORD_TYPES,
    Assessment,
    Award,
    EmulationRegistration,
    Event,
    ExemplarRecognition,
    LegacyUnit,
    LegalDocument,
    Model,
    ModelSite,
    MovementClass,
    Place,
    PlaceClass,
    SecurityTeam,
    SecurityTeamRating,
    Target,
    Unit,
    UnitChange,
    attribute_name,
)
from generator.data.schema import PackageSpec, ResourceSpec, display_path, load_package
from generator.data.tablecache import TableCache, cached_rows, table_key
from generator.errors import AntqError
from generator.textvi import nfc


class LoadError(AntqError):
    """The package could not be read (run `antq validate` to see why)."""


@dataclass(frozen=True)
class Dataset:
    units: tuple[Unit, ...]
    legacy_units: tuple[LegacyUnit, ...]
    unit_changes: tuple[UnitChange, ...]
    places: tuple[Place, ...]
    assessments: tuple[Assessment, ...]
    movement_classes: tuple[MovementClass, ...]
    targets: tuple[Target, ...]
    models: tuple[Model, ...]
    model_sites: tuple[ModelSite, ...]
    security_teams: tuple[SecurityTeam, ...]
    security_team_ratings: tuple[SecurityTeamRating, ...]
    awards: tuple[Award, ...]
    legal_documents: tuple[LegalDocument, ...]
    events: tuple[Event, ...]
    place_classes: tuple[PlaceClass, ...]
    emulation_registrations: tuple[EmulationRegistration, ...]
    exemplar_recognitions: tuple[ExemplarRecognition, ...]


def check_record_types(spec: ResourceSpec) -> None:
    """The dataclass must mirror the schema; a schema change without code change is a bug."""
    cls = RECORD_TYPES.get(spec.name)
    if cls is None:
        raise LoadError(f"no record type for resource {spec.name!r}")
    names = [f.name for f in fields(cls)]
    expected = [attribute_name(f) for f in spec.field_names]
    if names != expected:
        raise LoadError(f"{cls.__name__} fields {names} differ from schema {expected}")


def _unit_converter(tables: units.UnitTables) -> Callable[[str], str | None]:
    """Unit codes as the build needs them: legacy codes resolve to their default successor,
    exactly as validation announced in its warning."""

    def convert(value: str) -> str | None:
        value = value.strip()
        if not value:
            return None
        if value in tables.current:
            return value
        candidates = units.resolve_legacy(tables, value)
        return candidates[0][0] if candidates else value

    return convert


def read_resource(
    spec: ResourceSpec,
    unit_convert: Callable[[str], str | None] | None = None,
    data: bytes | None = None,
) -> list[Any]:
    """The table's records (`data`: its bytes, when the caller has read them)."""
    check_record_types(spec)
    where = display_path(spec.path)
    if data is None:
        table, problems = open_table(spec.path, where, spec.name)
    else:
        table, problems = read_table(data, where)
    if table is None:
        raise LoadError("; ".join(p.line() for p in problems))
    if not table.text.isascii():
        table.text = nfc(table.text)  # once per file, far cheaper than per cell
    make = _maker(spec, table.header, unit_convert)
    return [make(cells) for cells in text_rows(table.text, table.delimiter) if any(cells)]


def text_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    """The text's rows after the header, as `csv.reader` reads them (a blank line may come
    as `[""]`, not `[]`: callers skip both). A text with no quote (no cell over lines),
    carriage return (a record's end to the csv module) or NUL is split by `str.split`: the
    csv module gives exactly those cells there (it treats only these characters and the
    delimiter specially), and costs a third more (0.45 s against 0.33 s for the national
    yearly results' 400,000 rows); most national tables have no quoted cell. Also the open
    data's split of a table (generator.pages.opendata)."""
    if '"' in text or "\r" in text or "\0" in text:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        next(reader, None)
        return reader
    lines = text.split("\n")
    del lines[0]
    return map(str.split, lines, itertools.repeat(delimiter))  # (no Python frame a row)


def _maker(
    spec: ResourceSpec, header: list[str], unit_convert: Callable[[str], str | None] | None
) -> Callable[[list[str]], Any]:
    """The row factory for `header`'s columns (a short row padded with empty cells)."""
    positions = [header.index(name) for name in spec.field_names]
    unit_fields = {
        fk.fields[0]
        for fk in spec.foreign_keys
        if fk.resource == "units" and fk.ref_fields == ("code",) and len(fk.fields) == 1
    }
    return _row_factory(spec, positions, unit_fields, unit_convert)


def record_maker(
    spec: ResourceSpec,
    header: list[str],
    unit_convert: Callable[[str], str | None] | None = None,
) -> Callable[[list[str]], Any]:
    """A row's cells (under `header`) → its record, as `read_resource` makes it (the one
    conversion: `antq serve`'s in-memory patch of a few rows uses it too, generator.warm)."""
    return _maker(spec, header, unit_convert)


# One expression per field type. The row factory is generated as source and compiled once
# per resource: a call per cell through a converter table costs twice as much, and the
# national package has about 700,000 rows (issue 2 asks for a typed read in <= 5 s).
_EXPRESSIONS = {
    "string": "(r[{i}] or None)",
    "integer": "(int(r[{i}]) if r[{i}] else None)",
    "number": "(float(r[{i}]) if r[{i}] else None)",
    "date": "(_date(r[{i}]) if r[{i}] else None)",
    "boolean": "((r[{i}].strip().lower() in _TRUE) if r[{i}] else None)",
}


def _row_factory(
    spec: ResourceSpec,
    positions: list[int],
    unit_fields: set[str],
    unit_convert: Callable[[str], str | None] | None,
) -> Callable[[list[str]], Any]:
    cls = RECORD_TYPES[spec.name]
    width = max(positions) + 1
    parts = []
    for field, i in zip(spec.fields, positions, strict=True):
        if field.name in unit_fields and unit_convert is not None:
            parts.append(f"_unit[r[{i}]]")
        else:
            parts.append(_EXPRESSIONS.get(field.type, _EXPRESSIONS["string"]).format(i=i))
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_date": date.fromisoformat,
        "_TRUE": ("true", "1"),
        # Each distinct code converted once per table (a dict lookup in C, not two Python
        # calls: the national package converts 384,530 unit codes, 20,182 distinct per table).
        "_unit": _Converted(unit_convert) if unit_convert is not None else None,
        "_new": object.__new__,
        "_BLANK": [""] * width,
    }
    # A short row padded as the csv reader's rows were: (cells + blanks)[:width].
    pad = f"    if len(r) < {width}:\n        r = (r + _BLANK)[:{width}]\n"
    setters = _slot_setters(cls)
    if setters is None:
        source = f"def make(r):\n{pad}    return _cls({', '.join(parts)})\n"
    else:
        # The record's slots filled directly: a frozen dataclass's __init__ sets each field
        # through object.__setattr__, which cost half the read of the national package's
        # rows (0.52 s against 0.27 s for the 400,000 yearly results). The same instance:
        # the class has no __post_init__ and no defaults (`_slot_setters`).
        lines = ["def make(r):", pad.rstrip("\n"), "    o = _new(_cls)"]
        for n, (part, setter) in enumerate(zip(parts, setters, strict=True)):
            namespace[f"_s{n}"] = setter
            lines.append(f"    _s{n}(o, {part})")
        lines.append("    return o")
        source = "\n".join(lines) + "\n"
    exec(compile(source, f"<reader {spec.name}>", "exec"), namespace)
    return namespace["make"]


class _Converted(dict[str, str | None]):
    """A cell → `convert(cell)`, each distinct cell converted once (a unit code, a date)."""

    def __init__(self, convert: Callable[[str], str | None]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, cell: str) -> str | None:
        value = self[cell] = self.convert(cell)
        return value


@functools.cache
def _slot_setters(cls: type) -> list[Callable[[Any, Any], None]] | None:
    """The setters of `cls`'s fields' slots, in field order, when an instance made by
    `object.__new__` with every slot set is the one `cls(...)` makes: a slotted dataclass
    whose __init__ only assigns its fields (no __post_init__, no defaults, no InitVar).
    None otherwise (the record is made by calling the class)."""
    if not is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    setters = []
    for f in fields(cls):
        slot = cls.__dict__.get(f.name)
        if not isinstance(slot, MemberDescriptorType) or not f.init:
            return None
        if f.default is not MISSING or f.default_factory is not MISSING:
            return None
        setters.append(slot.__set__)
    if len(setters) != len(cls.__dataclass_fields__):
        return None  # (an InitVar or ClassVar beside the fields)
    return setters


def _iso_date(text: str) -> str:
    return date.fromisoformat(text).isoformat()


def json_row_maker(
    spec: ResourceSpec, header: list[str], row_type: Callable[..., Any] | None = None
) -> Callable[[list[str]], Any]:
    """A row's cells (under `header`) → the row as the open data publishes it in JSON: the
    record's values (`record_maker`'s conversion, the same expressions) by field name, a
    date as yyyy-mm-dd, made by one generated function without the record (the national
    package's open data converts 800,000 rows: the record and its values read back by name
    cost three times as much). `row_type`: the values given to it in the fields' order
    instead of a dict (generator.pages.opendata: a msgspec Struct, made and encoded in
    half the time of a dict)."""
    positions = [header.index(name) for name in spec.field_names]
    parts = []
    for field, i in zip(spec.fields, positions, strict=True):
        value = _EXPRESSIONS.get(field.type, _EXPRESSIONS["string"]).format(i=i)
        if field.type == "date":
            value = f"(_dates[r[{i}]] if r[{i}] else None)"
        parts.append(value if row_type is not None else f"{field.name!r}: {value}")
    width = max(positions) + 1
    made = f"_type({', '.join(parts)})" if row_type is not None else f"{{{', '.join(parts)}}}"
    source = (
        "def make(r):\n"
        f"    if len(r) < {width}:\n"
        f"        r = (r + _BLANK)[:{width}]\n"
        f"    return {made}\n"
    )
    namespace: dict[str, Any] = {
        # A date cell's text → yyyy-mm-dd (`fromisoformat` raises on a text that is no
        # date), each text converted once: a table holds a few hundred dates in 400,000
        # rows (issue 18: the national assessments' JSON rows were made in 0.36 CPU s, 0.14
        # of them their dates' conversion; with this, 0.25).
        "_dates": _Converted(_iso_date),
        "_TRUE": ("true", "1"),
        "_BLANK": [""] * width,
        "_type": row_type,
    }
    exec(compile(source, f"<json rows {spec.name}>", "exec"), namespace)
    return namespace["make"]


def unit_converter(root: Path) -> Callable[[str], str | None]:
    """Unit codes as the tables of the package at `root` resolve them: the reference unit
    tables are read on the first code converted."""
    convert: list[Callable[[str], str | None]] = []

    def unit_convert(value: str) -> str | None:
        if not convert:
            convert.append(_unit_converter(units.load_unit_tables(root)))
        return convert[0](value)

    return unit_convert


def read_package(
    root: Path, package: PackageSpec | None = None, cache: TableCache | None = None
) -> Dataset:
    """Every table of the package at `root` (`package`: its descriptor, when the caller has
    already loaded it: a build loads it once and passes it on; `cache`: parsed tables kept
    from earlier builds, see generator.data.tablecache)."""
    if package is None:
        package, problems = load_package(root)
        if any(p.level == "error" for p in problems):
            raise LoadError("; ".join(p.line() for p in problems))
    unit_convert = unit_converter(root)

    units_key = _units_key(root)
    loaded: dict[str, tuple[Any, ...]] = {}
    for spec in package.resources:
        if not _regular(spec.path):  # read_raw says why
            _read(spec)
        # Keyed by the bytes' hash (generator.filehash): a table in the cache is not read.
        key = table_key(spec.descriptor_hash(), file_sha256(spec.path), units_key)
        loaded[spec.name] = cached_rows(
            cache,
            spec.name,
            key,
            RECORD_TYPES.get(spec.name, object),
            functools.partial(_parse, spec, unit_convert, units_key),
        )
    missing = set(RECORD_TYPES) - set(loaded)
    if missing:
        raise LoadError(f"resources missing from the package: {', '.join(sorted(missing))}")
    return Dataset(**{name: loaded[name] for name in RECORD_TYPES})


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _read(spec: ResourceSpec) -> bytes:
    data, problems = read_raw(spec.path, display_path(spec.path), spec.name)
    if data is None:
        raise LoadError("; ".join(p.line() for p in problems))
    return data


def _parse(
    spec: ResourceSpec, unit_convert: Callable[[str], str | None], units_key: str
) -> tuple[tuple[Any, ...], str]:
    """The table's records and the cache key of the bytes read (see cached_rows)."""
    data = _read(spec)
    read_key = table_key(spec.descriptor_hash(), hashlib.sha256(data).hexdigest(), units_key)
    return tuple(read_resource(spec, unit_convert, data)), read_key


def _units_key(root: Path) -> str:
    """What unit codes resolve through (the three unit tables' bytes), for the cache key."""
    digest = hashlib.sha256()
    for name in (units.UNITS_FILE, units.LEGACY_FILE, units.CHANGES_FILE):
        path = root / name
        if _regular(path):
            digest.update(bytes.fromhex(file_sha256(path)))
        else:
            digest.update(hashlib.sha256(b"").digest())
    return digest.hexdigest()
