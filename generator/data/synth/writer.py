"""`write_package`: the whole synthetic package, step by step, behind `antq synth`."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from generator.data.synth.assessments import assessments, movement_classes, targets
from generator.data.synth.awards import awards
from generator.data.synth.context import Generator
from generator.data.synth.events import events
from generator.data.synth.models import model_sites, models_rows
from generator.data.synth.movement_vocabulary import (
    emulation_registrations,
    exemplar_recognitions,
    place_classes,
)
from generator.data.synth.places import places
from generator.data.synth.scales import SCALES, SYNTHETIC_DESCRIPTION
from generator.data.synth.security_team_ratings import security_team_ratings
from generator.data.synth.security_teams import security_teams
from generator.data.synth.tables import _read_csv, _write_table
from generator.data.synth.units import copy_reference


def write_package(
    out: Path,
    scale: str,
    seed: int,
    source: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic data package to `out`; return rows written per CSV file name.

    `progress`, if given, is called with each resource name as its file is started (the
    national package takes a few seconds). `source` defaults to the project's data/ package
    (looked up at call time so tests can point DEFAULT_SOURCE elsewhere).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    out = Path(out)
    if source is None:
        # Read from the package at call time so a test can point synth.DEFAULT_SOURCE elsewhere.
        from generator.data import synth

        source = synth.DEFAULT_SOURCE
    source = Path(source)
    (out / "schemas").mkdir(parents=True, exist_ok=True)
    gen = Generator(source, out, SCALES[scale], seed)

    # Descriptor: unchanged except that it says it is synthetic.
    package = dict(gen.package)
    package["description"] = SYNTHETIC_DESCRIPTION.format(scale=scale, seed=seed)
    (out / "datapackage.yaml").write_text(
        yaml.safe_dump(package, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    for res in gen.package["resources"]:
        schema_path = res.get("schema")
        if isinstance(schema_path, str):
            (out / schema_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / schema_path, out / schema_path)

    def report(name: str) -> None:
        if progress is not None:
            progress(name)

    report("units")
    counts = copy_reference(gen)
    for name, step in _STEPS:
        report(name)
        columns, rows = step(gen)
        counts[name] = _write_table(out / gen.paths[name], gen.schemas[name], columns, rows)

    # Any other resource the descriptor gains later is copied as is, so the package stays whole.
    for name, path in gen.paths.items():
        if name not in counts and (source / path).is_file():
            report(name)
            shutil.copyfile(source / path, out / path)
            counts[name] = len(_read_csv(source / path)[1])

    # Keyed by file name, in descriptor order.
    return {gen.paths[name]: counts[name] for name in gen.paths if name in counts}


_Step = Callable[[Generator], tuple[list[str], Iterator[tuple[object, ...]]]]
# The generated resources in order; each reads what the earlier ones left in the Generator.
_STEPS: tuple[tuple[str, _Step], ...] = (
    ("places", places),
    # Models and their sites first: a xã is "đạt" only where a model works (assessments).
    ("models", models_rows),
    ("model_sites", model_sites),
    ("security_teams", security_teams),
    ("security_team_ratings", security_team_ratings),
    ("assessments", assessments),
    ("targets", targets),
    ("movement_classes", movement_classes),
    ("awards", awards),
    ("events", events),
    ("place_classes", place_classes),
    ("emulation_registrations", emulation_registrations),
    ("exemplar_recognitions", exemplar_recognitions),
)
