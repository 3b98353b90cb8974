"""Places: one per ward for the ward itself, the rest spread over wards by kind and weight."""

from __future__ import annotations

import random
from collections.abc import Iterator

from generator.data.synth.context import Generator, Ward
from generator.data.synth.tables import _enum, _weights
from generator.data.synth.vocabulary import (
    _BUSINESS_KIND,
    _HAMLET_NAMES,
    _HAMLET_PREFIX,
    _KIND_ABBR,
    _MOUNTAIN_PROVINCES,
    _OFFICES,
    _SCHOOL_SUFFIX,
    _SCHOOLS,
)


def places(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """Rows of places.csv; fills gen.places_by_ward and gen.place_coords as they are read."""
    rng = gen.rng("places")
    schema = gen.schemas["places"]
    kinds = _enum(schema, "kind")
    # The ward itself is a place of kind "xa"; the rest are spread over wards by weight.
    own_kind = "xa" if "xa" in kinds else kinds[0]
    other_kinds = [k for k in kinds if k != own_kind]
    kind_w = _weights(
        other_kinds,
        {"khu_dan_cu": 0.72, "co_quan": 0.1, "doanh_nghiep": 0.09, "co_so_giao_duc": 0.09},
        0.02,
    )
    counts = _counts(gen, rng, other_kinds, kind_w)
    columns = [
        "id",
        "name",
        "kind",
        "unit_code",
        "legacy_unit_code",
        "legacy_unit_name",
        "lat",
        "lon",
    ]

    def rows() -> Iterator[tuple[object, ...]]:
        for wi, ward in enumerate(gen.wards):
            by_kind: dict[str, list[tuple[str, str]]] = {}
            gen.places_by_ward[ward.code] = by_kind
            lat, lon = gen.near(rng, ward)
            pid = f"xa-{ward.code}"  # the convention of the real package
            by_kind[own_kind] = [(pid, ward.name)]
            gen.place_coords[pid] = (lat, lon)
            yield pid, ward.name, own_kind, ward.code, None, None, lat, lon
            legacy = gen.legacy_of.get(ward.code, [])
            for kind in other_kinds:
                n = counts.get((wi, kind), 0)
                if not n:
                    continue
                names = place_names(rng, ward, kind, n)
                abbr = _KIND_ABBR.get(kind, kind.replace("_", "-"))
                lst = by_kind.setdefault(kind, [])
                for i, name in enumerate(names, 1):
                    pid = f"{ward.code}-{abbr}-{i:03d}"
                    lat, lon = gen.near(rng, ward)
                    gen.place_coords[pid] = (lat, lon)
                    lst.append((pid, name))
                    old_code = old_name = None
                    # Most places know the commune they belonged to before the 2025 merger.
                    if legacy and rng.random() < 0.8:
                        old_code, old_name = legacy[rng.randrange(len(legacy))]
                    yield pid, name, kind, ward.code, old_code, old_name, lat, lon

    return columns, rows()


def place_names(rng: random.Random, ward: Ward, kind: str, n: int) -> list[str]:
    if kind == "khu_dan_cu":
        kind_key = ward.kind
        if kind_key == "xa" and ward.province in _MOUNTAIN_PROVINCES:
            kind_key = "xa_mountain"
        prefixes = _HAMLET_PREFIX.get(kind_key, _HAMLET_PREFIX["xa"])
        prefix = prefixes[rng.randrange(len(prefixes))]
        pool = list(_HAMLET_NAMES)
        rng.shuffle(pool)
        out = []
        for i in range(1, n + 1):
            # Numbered areas ("Thôn 5", "Tổ dân phố 12") are the common case; names are
            # taken without repetition inside a ward.
            if pool and rng.random() < 0.35:
                out.append(f"{prefix} {pool.pop()}")
            else:
                out.append(f"{prefix} {i}")
        return out
    if kind == "co_quan":
        templates = _OFFICES
    elif kind == "doanh_nghiep":
        templates = _BUSINESS_KIND
    elif kind == "co_so_giao_duc":
        # Schools cycle through levels, then repeat with "A", "B", "số 2"… suffixes.
        return [
            _SCHOOLS[i % len(_SCHOOLS)].format(short=ward.short)
            + _SCHOOL_SUFFIX[min(i // len(_SCHOOLS), len(_SCHOOL_SUFFIX) - 1)]
            for i in range(n)
        ]
    else:
        return [f"{ward.short} {i}" for i in range(1, n + 1)]
    return [
        templates[rng.randrange(len(templates))].format(ward=ward.lname, short=ward.short)
        for _ in range(n)
    ]


def _counts(
    gen: Generator, rng: random.Random, other_kinds: list[str], kind_w: list[float]
) -> dict[tuple[int, str], int]:
    """How many places of each kind (other than the ward's own) each ward gets, by index."""
    ward_w = [{"phuong": 1.4, "xa": 1.0}.get(w.kind, 0.6) for w in gen.wards]
    extra = max(gen.scale["places"] - len(gen.wards), 0)
    counts: dict[tuple[int, str], int] = {}
    for wi, kind in zip(
        rng.choices(range(len(gen.wards)), ward_w, k=extra),
        rng.choices(other_kinds, kind_w, k=extra),
        strict=True,
    ):
        counts[(wi, kind)] = counts.get((wi, kind), 0) + 1
    return counts
