"""The copied reference tables (units, legacy units, code changes, legal documents).

For a subset scale the tables are cut down to the chosen provinces so that every reference
still resolves; the current provinces and wards are loaded into the Generator for later steps.
"""

from __future__ import annotations

import shutil
import unicodedata

from generator.data.synth.context import Generator, Province, Ward
from generator.data.synth.tables import _lower_first, _read_csv, _to_float, _write_rows


def copy_reference(gen: Generator) -> dict[str, int]:
    """Copy units, legacy units, code changes and legal documents; load what is needed."""
    counts: dict[str, int] = {}
    whole = gen.scale["provinces"] is None
    header, units = _read_csv(gen.source / gen.paths["units"])
    col = {name: i for i, name in enumerate(header)}
    if not whole:
        keep = set(gen.scale["provinces"] or ())
        units = [r for r in units if r[col["code"]] in keep or r[col["parent_code"]] in keep]
    counts["units"] = _copy_or_write(gen, "units", header, units, whole)
    kept_units = {r[col["code"]] for r in units}

    lheader, legacy = _read_csv(gen.source / gen.paths["legacy_units"])
    lcol = {name: i for i, name in enumerate(lheader)}
    if not whole:
        legacy = _prune_legacy(legacy, lcol, kept_units)
    counts["legacy_units"] = _copy_or_write(gen, "legacy_units", lheader, legacy, whole)
    legacy_names = {r[lcol["code"]]: r[lcol["full_name"]] for r in legacy}

    cheader, changes = _read_csv(gen.source / gen.paths["unit_changes"])
    ccol = {name: i for i, name in enumerate(cheader)}
    if not whole:
        changes = [
            r
            for r in changes
            if r[ccol["new_code"]] in kept_units and r[ccol["legacy_code"]] in legacy_names
        ]
    counts["unit_changes"] = _copy_or_write(gen, "unit_changes", cheader, changes, whole)

    dheader, docs = _read_csv(gen.source / gen.paths["legal_documents"])
    counts["legal_documents"] = _copy_or_write(gen, "legal_documents", dheader, docs, True)
    dcol = {name: i for i, name in enumerate(dheader)}
    gen.legal_ids = [r[dcol["id"]] for r in docs]
    if not gen.legal_ids:
        raise ValueError("legal_documents.csv is empty: legal_basis cannot resolve")

    _load_wards(gen, units, col)
    _load_legacy_of(gen, changes, ccol, legacy_names)
    return counts


def _prune_legacy(
    legacy: list[list[str]], lcol: dict[str, int], kept_units: set[str]
) -> list[list[str]]:
    """For a subset, keep legacy rows whose replacement is kept (or none) and whose parent
    chain is kept, so both self- and cross-references still resolve."""
    legacy = [
        r for r in legacy if r[lcol["replaced_by"]] in kept_units or not r[lcol["replaced_by"]]
    ]
    while True:
        codes = {r[lcol["code"]] for r in legacy}
        pruned = [
            r for r in legacy if not r[lcol["parent_code"]] or r[lcol["parent_code"]] in codes
        ]
        if len(pruned) == len(legacy):
            return legacy
        legacy = pruned


def _load_wards(gen: Generator, units: list[list[str]], col: dict[str, int]) -> None:
    """Provinces and wards in code order (the file order, made explicit for determinism)."""
    by_code = {r[col["code"]]: r for r in units if not r[col["valid_to"]]}
    gen.provinces = {}
    for code in sorted(c for c in by_code if len(c) == 2):
        gen.provinces[code] = Province(code, _lower_first(by_code[code][col["name"]]), [])
    gen.wards = []
    for code in sorted(c for c in by_code if len(c) == 5):
        r = by_code[code]
        prov = gen.provinces.get(r[col["parent_code"]])
        if prov is None:
            continue  # orphan ward: nothing can refer to it consistently
        name = unicodedata.normalize("NFC", r[col["name"]])
        ward = Ward(
            code,
            name,
            _lower_first(name),
            unicodedata.normalize("NFC", r[col["short_name"]]),
            r[col["kind"]],
            prov.code,
            _to_float(r[col["lat"]]),
            _to_float(r[col["lon"]]),
        )
        gen.wards.append(ward)
        prov.wards.append(ward)
    # Provinces without wards cannot host places or models.
    gen.provinces = {k: p for k, p in gen.provinces.items() if p.wards}
    if not gen.wards:
        raise ValueError("no current wards in units.csv for the chosen scale")


def _load_legacy_of(
    gen: Generator,
    changes: list[list[str]],
    ccol: dict[str, int],
    legacy_names: dict[str, str],
) -> None:
    """Old communes merged into each new ward (5-digit codes only), for legacy_unit_code."""
    # Places give the old name as people say it: "xã Cộng Lạc, huyện Tứ Kỳ, tỉnh Hải Dương".
    spoken = {
        code: ", ".join(_lower_first(part) for part in name.split(", "))
        for code, name in legacy_names.items()
    }
    gen.legacy_of = {}
    for r in changes:
        old, new = r[ccol["legacy_code"]], r[ccol["new_code"]]
        if len(old) == 5 and old in legacy_names:
            gen.legacy_of.setdefault(new, []).append((old, spoken[old]))


def _copy_or_write(
    gen: Generator, name: str, header: list[str], rows: list[list[str]], whole: bool
) -> int:
    target = gen.out / gen.paths[name]
    if whole:
        shutil.copyfile(gen.source / gen.paths[name], target)
        return len(rows)
    return _write_rows(target, header, rows)
