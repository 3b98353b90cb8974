"""Schema access and CSV reading/writing shared by the synthetic generators."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path

from generator.data.rawcsv import open_table
from generator.data.schema import ResourceSpec, display_path
from generator.errors import AntqError

_BATCH = 20_000  # rows per writerows call: large enough to amortise, small enough for memory


# --- Schema access -----------------------------------------------------------------------------


def _enum(schema: ResourceSpec, name: str) -> list[str]:
    spec = schema.field(name)
    values = spec.enum if spec else None
    if not values:
        raise ValueError(f"schema field {name!r} has no enum constraint")
    return values


def _bounds(schema: ResourceSpec, name: str, default: tuple[float, float]) -> tuple[float, float]:
    spec = schema.field(name)
    c = spec.constraints if spec else {}
    return float(c.get("minimum", default[0])), float(c.get("maximum", default[1]))


def _label(schema: ResourceSpec, name: str, value: str) -> str:
    spec = schema.field(name)
    return spec.labels.get(value, value) if spec else value


def _weights(values: Sequence[str], prefs: dict[str, float], default: float) -> list[float]:
    # Weights follow the enum order; values absent from prefs (new in the schema) get `default`.
    return [prefs.get(v, default) for v in values]


# --- Reference data ----------------------------------------------------------------------------
def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """A source table through the raw reader (Excel's CSV UTF-8 reads as the plain form)."""
    table, problems = open_table(path, display_path(path), path.stem)
    if table is None:
        raise AntqError([p.line() for p in problems])
    return table.header, [cells for _, cells in table.rows() if any(cells)]


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _to_float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and rows (None → empty cell) with `\\n` line endings; return the count."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        it = iter(rows)
        while batch := list(islice(it, _BATCH)):
            writer.writerows(batch)
            n += len(batch)
    return n


def _write_table(
    path: Path, schema: ResourceSpec, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Write rows produced in `columns` order in the schema's field order.

    The generators below produce the schema order already; the reordering only matters after a
    schema change (a field added, removed or moved), which then still yields a valid file.
    """
    names = schema.field_names
    if list(columns) == names:
        return _write_rows(path, names, rows)
    index = [columns.index(f) if f in columns else -1 for f in names]
    reordered = (tuple(r[i] if i >= 0 else None for i in index) for r in rows)
    return _write_rows(path, names, reordered)
