"""The synthetic package generator (`antq synth`): shape, determinism and integrity.

Integrity is checked with a plain csv pass driven by the schemas (not Frictionless) so the
whole module runs in a few seconds; the Frictionless run on the national package is a
benchmark, not a unit test.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.data import synth

GENERATED = (
    "places",
    "assessments",
    "movement_classes",
    "models",
    "model_sites",
    "awards",
    "events",
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("synth-small")
    counts = synth.write_package(out, scale="small", seed=2025)
    return out, counts


def _package(root: Path) -> dict[str, Any]:
    return yaml.safe_load((root / "datapackage.yaml").read_text(encoding="utf-8"))


def _schemas(root: Path) -> dict[str, dict[str, Any]]:
    return {
        res["name"]: yaml.safe_load((root / res["schema"]).read_text(encoding="utf-8"))
        for res in _package(root)["resources"]
    }


def _rows(root: Path, name: str) -> list[dict[str, str]]:
    path = next(r["path"] for r in _package(root)["resources"] if r["name"] == name)
    with (root / path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_an_unknown_scale_is_refused_with_the_catalogue_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from generator.cli import app

    result = CliRunner().invoke(app, ["synth", "--scale", "huge", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "quy mô không hợp lệ: huge (chọn small, national)" in " ".join(result.stderr.split())
    assert not (tmp_path / "x").exists()


def test_every_resource_exists_with_schema_header(small: tuple[Path, dict[str, int]]) -> None:
    out, counts = small
    package = _package(out)
    schemas = _schemas(out)
    assert set(counts) == {res["path"] for res in package["resources"]}
    for res in package["resources"]:
        raw = (out / res["path"]).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), res["path"]
        assert b"\r" not in raw, res["path"]
        lines = raw.decode("utf-8").split("\n")
        assert next(csv.reader([lines[0]])) == [f["name"] for f in schemas[res["name"]]["fields"]]
        assert len(_rows(out, res["name"])) == counts[res["path"]], res["path"]
    for name in GENERATED:
        assert counts[f"{name}.csv"] > 0, name


def test_small_sizes_and_units(small: tuple[Path, dict[str, int]]) -> None:
    out, counts = small
    scale = synth.SCALES["small"]
    assert counts["places.csv"] == scale["places"]
    assert counts["models.csv"] == scale["models"]
    assert counts["model_sites.csv"] == scale["model_sites"]
    assert counts["awards.csv"] == scale["awards"]
    assert counts["events.csv"] == scale["events"]
    assert counts["assessments.csv"] == scale["assessments"]
    provinces = set(scale["provinces"] or ())
    units = _rows(out, "units")
    assert {u["code"] for u in units if len(u["code"]) == 2} == provinces
    assert all(u["parent_code"] in provinces for u in units if len(u["code"]) == 5)
    wards = [u for u in units if len(u["code"]) == 5]
    assert counts["movement_classes.csv"] == len(wards) * len(scale["years"])


def test_descriptor_and_schemas(small: tuple[Path, dict[str, int]]) -> None:
    out, _ = small
    source = synth.DEFAULT_SOURCE
    ours, theirs = _package(out), _package(source)
    assert "TỔNG HỢP" in ours["description"]
    ours.pop("description")
    theirs.pop("description")
    assert ours == theirs
    for res in theirs["resources"]:
        assert (out / res["schema"]).read_bytes() == (source / res["schema"]).read_bytes()
    # Legal documents are copied byte for byte.
    assert (out / "legal_documents.csv").read_bytes() == (
        source / "legal_documents.csv"
    ).read_bytes()


def test_deterministic(small: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    out, _ = small
    again = tmp_path / "again"
    other = tmp_path / "other"
    synth.write_package(again, scale="small", seed=2025)
    synth.write_package(other, scale="small", seed=7)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel
    for name in GENERATED:
        assert (out / f"{name}.csv").read_bytes() != (other / f"{name}.csv").read_bytes(), name


_DIGIT_RUN = re.compile(r"[0-9]{9,}")


def test_keys_constraints_and_text(small: tuple[Path, dict[str, int]]) -> None:
    """Primary keys unique, foreign keys resolve, enums/patterns/bounds hold: per the schemas."""
    out, _ = small
    schemas = _schemas(out)
    tables = {name: _rows(out, name) for name in schemas}
    for name, schema in schemas.items():
        rows = tables[name]
        pk = schema.get("primaryKey", [])
        keys = [tuple(r[f] for f in pk) for r in rows]
        assert len(keys) == len(set(keys)), f"{name}: duplicate primary key"
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"].get("resource") or name
            ref = {tuple(r[f] for f in fk["reference"]["fields"]) for r in tables[target]}
            for r in rows:
                value = tuple(r[f] for f in fk["fields"])
                if all(value):
                    assert value in ref, f"{name}.{fk['fields']} = {value} not in {target}"
        if name not in GENERATED:
            continue
        for field in schema["fields"]:
            fname, ftype = field["name"], field.get("type", "string")
            c = field.get("constraints", {})
            pattern = re.compile(c["pattern"]) if "pattern" in c else None
            for r in rows:
                v = r[fname]
                if not v:
                    assert not c.get("required"), f"{name}.{fname} required"
                    continue
                if "enum" in c:
                    assert v in c["enum"], f"{name}.{fname} = {v}"
                if pattern is not None:
                    assert pattern.fullmatch(v), f"{name}.{fname} = {v}"
                if "maxLength" in c:
                    assert len(v) <= c["maxLength"], f"{name}.{fname} too long"
                if ftype in ("number", "integer"):
                    x = float(v)
                    assert c.get("minimum", x) <= x <= c.get("maximum", x), f"{name}.{fname}={v}"
                if ftype == "date":
                    assert date.fromisoformat(v).isoformat() == v
                if ftype == "boolean":
                    assert v in ("true", "false")
                assert unicodedata.is_normalized("NFC", v), f"{name}.{fname} not NFC"
                assert not _DIGIT_RUN.search(v), f"{name}.{fname} = {v}"


def test_plausible_values(small: tuple[Path, dict[str, int]]) -> None:
    out, _ = small
    units = {u["code"]: u for u in _rows(out, "units")}
    for p in _rows(out, "places"):
        ward = units[p["unit_code"]]
        assert len(ward["code"]) == 5
        assert abs(float(p["lat"]) - float(ward["lat"])) <= 0.0201
        assert abs(float(p["lon"]) - float(ward["lon"])) <= 0.0201
    for a in _rows(out, "assessments"):
        assert 2022 <= int(a["year"]) <= 2025
        if a["decision_date"]:
            d = date.fromisoformat(a["decision_date"])
            assert d.year == int(a["year"]) and d.month in (11, 12)
    for m in _rows(out, "models"):
        assert len(m["province_code"]) == 2
    kinds = [a["recipient_kind"] for a in _rows(out, "awards")]
    assert kinds.count("tap_the") > kinds.count("ca_nhan")
