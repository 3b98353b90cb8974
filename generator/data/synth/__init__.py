"""Synthetic data package of the same shape as data/, for benchmarks and tests at scale.

`antq synth --scale national` writes a package with every current unit, about 100,000 places,
400,000 assessments, 124,000 model sites and 50,000 awards, so that validation, the typed
reader and the site build can be measured on national volumes long before real data exists.
`--scale small` writes the wards of two provinces only, small enough for a test to validate
and build in a few seconds.

Reference tables (units, legacy units, the old→new code table, legal documents) are copied
from the real package; everything else is invented but plausible and valid against the Table
Schemas: foreign keys resolve, primary keys are unique, enum values are read from the schemas
(so a schema change is followed without touching this file) and the CSV column order is the
schema field order. Output depends on the seed only: the same seed gives byte-identical files.

The generator is split by concern: `scales` (sizes, description, default source), `vocabulary`
(name tables), `tables` (schema access, CSV I/O), `context` (shared state and seeded streams),
`units` (copied reference tables), `places`, `models` (models and sites), `security_teams`,
`security_team_ratings`, `movement_vocabulary` (đăng ký thi đua, điển hình, classes of places),
`assessments` (with targets and movement classes), `awards`, `events`, and `writer`
(`write_package`, which runs them in order).
"""

from __future__ import annotations

from generator.data.synth.scales import (
    COPIED,
    DEFAULT_SOURCE,
    SCALES,
    SYNTHETIC_DESCRIPTION,
    Scale,
)
from generator.data.synth.writer import write_package

__all__ = ["COPIED", "DEFAULT_SOURCE", "SCALES", "SYNTHETIC_DESCRIPTION", "Scale", "write_package"]
