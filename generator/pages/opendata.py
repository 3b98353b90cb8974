"""Open data: every resource as CSV and JSON, the schema as a field reference in Vietnamese
(the same schema that drives validation), and the whole datapackage.yaml."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.data.rawcsv import file_sha256, open_table
from generator.data.schema import PackageSpec, ResourceSpec, display_path
from generator.model import SiteModel
from generator.pages import FileOutput, Page, Source

RANK = 90  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    data_pages, data_files = outputs(source.model, source.package)
    yield from data_pages
    yield from data_files


TYPE_NAMES = {
    "string": "văn bản",
    "integer": "số nguyên",
    "number": "số",
    "date": "ngày (năm-tháng-ngày)",
    "boolean": "true/false",
}


def outputs(model: SiteModel, package: PackageSpec) -> tuple[list[Page], list[FileOutput]]:
    pages: list[Page] = []
    files: list[FileOutput] = []
    resources = []
    for spec in package.resources:
        digest = file_sha256(spec.path)
        size = spec.path.stat().st_size
        resources.append(
            {
                "name": spec.name,
                "title": spec.title,
                "url": f"/du-lieu/{spec.name}/",
                "csv": f"/du-lieu/{spec.name}.csv",
                "json": f"/du-lieu/{spec.name}.json",
                "size": size,
            }
        )
        files.append(
            FileOutput(f"/du-lieu/{spec.name}.csv", f"csv:{digest}", _table(spec), [spec.path])
        )
        files.append(
            FileOutput(
                f"/du-lieu/{spec.name}.json",
                f"json:{digest}:{spec.descriptor_hash()}",
                _to_json(spec),
                [spec.path],
            )
        )
        pages.append(_reference(spec, package))
    descriptor = package.descriptor_path
    files.append(
        FileOutput(
            "/du-lieu/datapackage.yaml",
            f"yaml:{file_sha256(descriptor)}",
            _copy(descriptor),
            [descriptor],
        )
    )
    for spec in package.resources:
        if spec.schema_path is not None:
            url = f"/du-lieu/schemas/{spec.schema_path.name}"
            files.append(
                FileOutput(url, f"schema:{file_sha256(spec.schema_path)}", _copy(spec.schema_path))
            )
    pages.append(
        Page(
            url="/du-lieu/",
            templates=["du-lieu.html"],
            context={
                "title": package.descriptor.get("title", ""),
                "description": package.descriptor.get("description", ""),
                "license": (package.descriptor.get("licenses") or [{}])[0].get("title", ""),
                "resources": resources,
            },
            title="Dữ liệu mở",
        )
    )
    return pages, files


def _copy(path: Path) -> Any:
    return lambda: path.read_bytes()


def _table(spec: ResourceSpec) -> Any:
    """The table in the plain CSV form the published descriptor declares, through the raw
    reader (an official's file may be Excel's "CSV UTF-8": BOM, ';', CRLF)."""

    def produce() -> bytes:
        from generator.data.load import LoadError

        table, problems = open_table(spec.path, display_path(spec.path), spec.name)
        if table is None:
            raise LoadError([p.line() for p in problems])
        return table.canonical()

    return produce


def _to_json(spec: ResourceSpec) -> Any:
    def produce() -> bytes:
        from generator.data.load import read_resource

        records = read_resource(spec)
        names = spec.field_names
        rows = []
        for record in records:
            values = [getattr(record, "class_" if n == "class" else n) for n in names]
            rows.append(dict(zip(names, (_jsonable(v) for v in values), strict=True)))
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8")

    return produce


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _reference(spec: ResourceSpec, package: PackageSpec) -> Page:
    fks = {fk.fields[0]: fk for fk in spec.foreign_keys if len(fk.fields) == 1}
    fields = []
    for f in spec.fields:
        fk = fks.get(f.name)
        fields.append(
            {
                "name": f.name,
                "title": f.title,
                "description": f.description,
                "type": TYPE_NAMES.get(f.type, f.type),
                "required": f.required,
                "enum": [{"code": v, "label": f.labels.get(v, v)} for v in f.enum or []],
                "pattern": f.constraints.get("pattern"),
                "max_length": f.constraints.get("maxLength"),
                "minimum": f.constraints.get("minimum"),
                "maximum": f.constraints.get("maximum"),
                "references": f"{fk.resource}.{fk.ref_fields[0]}" if fk else None,
                "references_url": f"/du-lieu/{fk.resource}/" if fk else None,
            }
        )
    header = io.StringIO()
    csv.writer(header, lineterminator="").writerow(spec.field_names)
    return Page(
        url=f"/du-lieu/{spec.name}/",
        templates=["du-lieu-bang.html"],
        context={
            "name": spec.name,
            "title": spec.title,
            "description": spec.descriptor["schema"].get("description", ""),
            "fields": fields,
            "primary_key": list(spec.primary_key),
            "header": header.getvalue(),
            "csv": f"/du-lieu/{spec.name}.csv",
            "json": f"/du-lieu/{spec.name}.json",
            "schema_url": f"/du-lieu/schemas/{spec.schema_path.name}" if spec.schema_path else None,
        },
        title=f"Bảng dữ liệu “{spec.title}”",
    )
