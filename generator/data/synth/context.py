"""The generator's shared state: reference data, schemas, seeded streams and small helpers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from generator.data.schema import ResourceSpec, load_package
from generator.data.synth.scales import Scale
from generator.data.synth.tables import _bounds
from generator.errors import AntqError


class Ward(NamedTuple):
    code: str
    name: str  # "Xã Tân Kỳ"
    lname: str  # "xã Tân Kỳ", for use inside a sentence
    short: str
    kind: str
    province: str
    lat: float | None
    lon: float | None


class Model(NamedTuple):
    id: str
    province: str
    started: int
    name: str
    title: str  # the name without "Mô hình" and place, for quoting in award reasons
    field: str
    stopped: bool = False  # status "ngung": its sites count for no xã (TT 124 check)


class Province(NamedTuple):
    code: str
    lname: str  # "thành phố Hải Phòng"
    wards: list[Ward]


class Generator:
    """Holds the reference data and the schemas; each resource module reads and fills it."""

    def __init__(self, source: Path, out: Path, scale: Scale, seed: int) -> None:
        self.source = source
        self.out = out
        self.scale = scale
        self.seed = seed
        self.years = scale["years"]
        package = yaml.safe_load((source / "datapackage.yaml").read_text(encoding="utf-8"))
        self.package: dict[str, Any] = package
        # The schemas through the real loader (generator.data.schema), as validation reads them.
        spec, problems = load_package(source)
        if any(p.level == "error" for p in problems):
            raise AntqError([p.line() for p in problems])
        self.schemas: dict[str, ResourceSpec] = {r.name: r for r in spec.resources}
        self.paths: dict[str, str] = {r.name: r.rel_path for r in spec.resources}
        self.lat_bounds = _bounds(self.schemas["places"], "lat", (8.0, 23.5))
        self.lon_bounds = _bounds(self.schemas["places"], "lon", (102.0, 117.9))
        # Filled by the steps below and used by later resources.
        self.places_by_ward: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self.place_coords: dict[str, tuple[str | None, str | None]] = {}
        self.models: list[Model] = []
        # ward code → first year a working model site started there: a xã is recognised
        # "đạt" only from then on (validate's tt124-xa-without-model).
        self.site_years: dict[str, int] = {}
        # Filled by units.copy_reference (the copied tables), read by every later step.
        self.legal_ids: list[str] = []
        self.provinces: dict[str, Province] = {}
        self.wards: list[Ward] = []
        # new ward code → the old communes merged into it (code, spoken name).
        self.legacy_of: dict[str, list[tuple[str, str]]] = {}

    def rng(self, resource: str) -> random.Random:
        # One stream per resource, seeded from a string (hashed with SHA-512 by `random`, so not
        # affected by PYTHONHASHSEED): a change in one generator does not reshuffle the others.
        return random.Random(f"antq-synth:{self.seed}:{resource}")

    # --- helpers ---

    def basis(self, preferred: Sequence[str], kind_hint: str) -> str:
        for doc_id in preferred:
            if doc_id in self.legal_ids:
                return doc_id
        for doc_id in self.legal_ids:
            if kind_hint in doc_id:
                return doc_id
        return self.legal_ids[0]

    def near(self, rng: random.Random, ward: Ward) -> tuple[str | None, str | None]:
        """A point within ±0.02° of the ward centre, clamped to the schema bounds."""
        if ward.lat is None or ward.lon is None:
            return None, None
        lat = min(max(ward.lat + rng.uniform(-0.02, 0.02), self.lat_bounds[0]), self.lat_bounds[1])
        lon = min(max(ward.lon + rng.uniform(-0.02, 0.02), self.lon_bounds[0]), self.lon_bounds[1])
        return f"{lat:.5f}", f"{lon:.5f}"

    @staticmethod
    def day(rng: random.Random, start: date, end: date) -> str:
        return date.fromordinal(rng.randint(start.toordinal(), end.toordinal())).isoformat()
