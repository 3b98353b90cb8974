"""One plain dataclass per resource: the rows the build works with.

Field names and order equal the Table Schema's (a test keeps them in step), so the reader can
fill them positionally. Empty cells are None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_Date = date  # (for fields declared after one named `date`)


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    valid_from: date
    valid_to: date | None
    lat: float | None
    lon: float | None
    area_km2: float | None


@dataclass(frozen=True, slots=True)
class LegacyUnit:
    code: str
    name: str
    kind: str
    parent_code: str | None
    full_name: str
    valid_to: date
    replaced_by: str | None
    split: bool
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class UnitChange:
    legacy_code: str
    new_code: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    kind: str
    unit_code: str
    legacy_unit_code: str | None
    legacy_unit_name: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Assessment:
    place_id: str
    year: int
    result: str
    decision_no: str | None
    decision_date: date | None
    issuer: str | None
    legal_basis: str | None


@dataclass(frozen=True, slots=True)
class Target:
    """A local "phấn đấu" target, for one unit (current, or as it was then) and one year."""

    unit_code: str | None
    legacy_unit_code: str | None
    year: int
    kind: str
    percent: float
    source: str
    legal_basis: str | None


@dataclass(frozen=True, slots=True)
class MovementClass:
    unit_code: str
    year: int
    score: float | None
    class_: str
    decision_no: str | None


@dataclass(frozen=True, slots=True)
class Model:
    id: str
    name: str
    field: str
    description: str | None
    province_code: str
    recognised_by: str
    decision_no: str | None
    decision_date: date | None
    legal_basis: str | None
    status: str
    started: int | None


@dataclass(frozen=True, slots=True)
class ModelSite:
    id: str
    model_id: str
    unit_code: str
    place_id: str | None
    teams: int | None
    members: int | None
    started: date | None
    exemplar: bool | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class SecurityTeam:
    """A Tổ bảo vệ an ninh, trật tự ở cơ sở (Luật 30/2023/QH15): one per thôn/tổ dân phố."""

    id: str
    unit_code: str
    area_name: str
    place_id: str | None
    members: int
    established: date | None
    decision_no: str | None


@dataclass(frozen=True, slots=True)
class SecurityTeamRating:
    """One year's rating of a Tổ bảo vệ an ninh, trật tự (scale: Hướng dẫn 01/HD-BCA-V05 as
    reported in the press; see data/schemas/security_team_ratings.yaml)."""

    team_id: str
    year: int
    rating: str
    decision_no: str | None
    decision_date: date | None


@dataclass(frozen=True, slots=True)
class PlaceClass:
    """One year's movement class of a khu dân cư, cơ quan, doanh nghiệp or cơ sở giáo dục
    (Quyết định 510/QĐ-BCA-V05; the xã's and province's are MovementClass)."""

    place_id: str
    year: int
    score: float | None
    class_: str
    decision_no: str | None


@dataclass(frozen=True, slots=True)
class EmulationRegistration:
    """A place's yearly đăng ký thi đua: the goal it registered for, and when."""

    place_id: str
    year: int
    goal: str
    registered_on: date
    sent_to: str | None


@dataclass(frozen=True, slots=True)
class ExemplarRecognition:
    """A place chosen to be built into, or recognised as, a "điển hình" of the movement."""

    place_id: str
    year: int
    kind: str
    status: str
    decision_no: str | None
    decision_date: date | None
    issuer: str | None
    legal_basis: str | None


@dataclass(frozen=True, slots=True)
class Award:
    id: str
    year: int
    recipient_kind: str
    recipient_name: str
    unit_code: str
    award: str
    reason: str | None
    decision_no: str | None
    decision_date: date | None
    issuer: str | None
    model_id: str | None
    legal_basis: str | None


@dataclass(frozen=True, slots=True)
class LegalDocument:
    id: str
    kind: str
    system: str  # quy_pham, hanh_chinh, lien_tich, dang: see generator/legal.py
    title: str
    issuer: str
    issued: date
    in_force_from: date | None
    out_of_force_from: date | None
    replaced_by: str | None
    amended_by: str | None
    official_url: str | None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    title: str
    kind: str
    date: date
    recurrence: str
    valid_until: _Date | None  # the last day a yearly item still applies (a dated plan)
    unit_code: str | None
    description: str | None
    legal_basis: str | None


RECORD_TYPES: dict[str, type] = {
    "units": Unit,
    "legacy_units": LegacyUnit,
    "unit_changes": UnitChange,
    "places": Place,
    "assessments": Assessment,
    "targets": Target,
    "movement_classes": MovementClass,
    "models": Model,
    "model_sites": ModelSite,
    "security_teams": SecurityTeam,
    "security_team_ratings": SecurityTeamRating,
    "awards": Award,
    "legal_documents": LegalDocument,
    "events": Event,
    "place_classes": PlaceClass,
    "emulation_registrations": EmulationRegistration,
    "exemplar_recognitions": ExemplarRecognition,
}


def attribute_name(field_name: str) -> str:
    """Schema field → dataclass attribute ('class' is a Python keyword)."""
    return "class_" if field_name == "class" else field_name
