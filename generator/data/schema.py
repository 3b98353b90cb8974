"""The package descriptor and its Table Schemas: one source of truth for validation, the
typed reader, the data-download pages and the field reference for officials.

We check the descriptor ourselves, resource by resource and field by field, before handing it
to Frictionless: its descriptor errors do not say which resource or field is wrong.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.data.messages_vi import problem, say
from generator.data.problems import Problem
from generator.errors import UsageError

DESCRIPTOR_NAME = "datapackage.yaml"
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"

FIELD_TYPES = {
    "string", "number", "integer", "boolean", "date", "datetime", "time", "year",
    "yearmonth", "duration", "geopoint", "geojson", "object", "array", "list", "any",
}  # fmt: skip
CONSTRAINTS = {
    "required", "unique", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "pattern", "enum", "jsonSchema",
}  # fmt: skip
# The keys a Table Schema may have (Table Schema v2, plus ours): a misspelt key ("primarykey",
# "foreignKey", "x-antq-max-row") is refused, not ignored (Zola's deny_unknown_fields).
SCHEMA_KEYS = (
    "$schema", "name", "title", "description", "fields", "fieldsMatch", "missingValues",
    "primaryKey", "uniqueKeys", "foreignKeys", "x-antq-max-rows",
)  # fmt: skip
# The keys of a field (Table Schema v2 field descriptors), of a category entry, of a
# datapackage resource and of a foreign key: anything else is a typo or a value that YAML cut
# (`{value: ma_tuy, label: Phòng, chống ma túy}` is a flow mapping whose label is "Phòng" and
# whose stray key is "chống ma túy"), and is refused rather than ignored.
FIELD_KEYS = (
    "name", "title", "description", "type", "format", "constraints", "categories",
    "categoriesOrdered", "example", "missingValues", "rdfType", "floatNumber", "bareNumber",
    "groupChar", "decimalChar", "trueValues", "falseValues",
)  # fmt: skip
CATEGORY_KEYS = ("value", "label")
RESOURCE_KEYS = (
    "name", "title", "description", "path", "encoding", "schema", "format", "mediatype",
    "$schema", "type", "dialect", "licenses", "sources", "bytes", "hash", "scheme",
)  # fmt: skip
FOREIGN_KEY_KEYS = ("fields", "reference")
REFERENCE_KEYS = ("resource", "fields")
MAX_ROWS_KEY = "x-antq-max-rows"
RESOURCE_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
# The ceiling of a table whose schema declares none: what one table may make stays bounded.
DEFAULT_MAX_ROWS = 1_000_000
TYPE_VI = {
    "string": "văn bản",
    "number": "số",
    "integer": "số nguyên",
    "boolean": "đúng/sai",
    "date": "ngày",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    title: str
    description: str
    constraints: dict[str, Any]
    labels: dict[str, str]  # enum value → Vietnamese label
    float_number: bool

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def enum(self) -> list[str] | None:
        values = self.constraints.get("enum")
        return [str(v) for v in values] if values is not None else None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # the referenced resource name ("" in the descriptor means itself)
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class ResourceSpec:
    name: str
    title: str
    path: Path  # absolute
    rel_path: str  # as written in the descriptor
    schema_path: Path | None
    descriptor: dict[str, Any]  # the resource descriptor with the schema inlined
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    max_rows: int = DEFAULT_MAX_ROWS  # the schema's x-antq-max-rows

    def field(self, name: str) -> FieldSpec | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def descriptor_hash(self) -> str:
        """The resource descriptor's hash (made once: validation asks it of every table
        for each table that reads it, and `load_package` hands the same specs back while
        the files are the same)."""
        found: str | None = self.__dict__.get("_descriptor_hash")
        if found is None:
            text = json.dumps(self.descriptor, sort_keys=True, ensure_ascii=False, default=str)
            found = hashlib.sha256(text.encode()).hexdigest()
            object.__setattr__(self, "_descriptor_hash", found)  # (frozen: a memo, not a field)
        return found


@dataclass
class PackageSpec:
    root: Path
    descriptor_path: Path
    descriptor: dict[str, Any]
    resources: list[ResourceSpec] = field(default_factory=list)

    def resource(self, name: str) -> ResourceSpec | None:
        for r in self.resources:
            if r.name == name:
                return r
        return None

    def labels(self) -> dict[str, dict[str, str]]:
        """ "resource.field" → code → Vietnamese label, from the schemas' categories."""
        return {
            f"{spec.name}.{f.name}": dict(f.labels)
            for spec in self.resources
            for f in spec.fields
            if f.labels
        }


def display_path(path: Path) -> str:
    """Paths as officials and CI annotations need them: relative to where antq runs. Only the
    folder is resolved: a symbolic link is named by itself, not by the file it points to."""
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def display_paths(paths: list[Path]) -> list[str]:
    """`display_path` of each path, each folder and the working folder resolved once (a
    library of 5,000 lessons is one folder: resolving it for each was ~0.1 ms a lesson)."""
    cwd = Path.cwd().resolve()
    folders: dict[Path, Path] = {}
    shown: list[str] = []
    for path in paths:
        folder = folders.get(path.parent)
        if folder is None:
            folder = folders[path.parent] = path.parent.resolve()
        try:
            shown.append(str((folder / path.name).relative_to(cwd)))
        except ValueError:
            shown.append(str(path))
    return shown


# libyaml's loader when PyYAML has it (same results, several times faster than the pure
# Python one: front matter is most of the cost of reading 5,000 lessons).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8-sig") as fh:
        return yaml.load(fh, Loader=YAML_LOADER)


class _Reads:
    """The files a parse of the package read, each by its bytes' digest (None: not a file)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes | None] = {}

    def read(self, path: Path) -> bytes | None:
        # The digest through the store first (kept for the next process, as every input's
        # is: `antq validate` run again reads no file), then the bytes: a save in between
        # leaves an older digest, and the next `same` parses again.
        digest = _digest(path)
        data = path.read_bytes() if digest is not None and path.is_file() else None
        self.files[str(path)] = digest if data is not None else None
        return data

    def same(self) -> bool:
        """Whether every file read holds the same bytes now (or is still no file)."""
        return all(_digest(Path(path)) == digest for path, digest in self.files.items())


def _digest(path: Path) -> bytes | None:
    """The file's SHA-256 through the process's store of hashes (generator.filehash: a file
    whose `stat` is unchanged is not read again; in a build, the one its inputs' hashes
    read)."""
    from generator.filehash import file_digest

    try:
        return bytes.fromhex(file_digest(path))
    except OSError:  # (no file, or a folder: as `_Reads.read` found it)
        return None


# The last parse of each package folder (by the folder and the working folder, which the
# problems' file names are relative to) with the files it read: `antq serve` validates at
# each rebuild, and the descriptor and 17 schemas parsed and checked again were ~50 ms of
# a one-row edit's second (issue 18). Given again while every file holds the same bytes.
_PARSED: dict[tuple[str, str], tuple[_Reads, PackageSpec, list[Problem]]] = {}
PARSED_KEPT = 4


def _parse_yaml(data: bytes, path: Path) -> Any:
    """`data`, the bytes read from `path`, parsed; a syntax error names `path` as an open
    file would (PyYAML takes a stream's `name`; a plain string is "<unicode string>")."""
    stream = io.StringIO(data.decode("utf-8-sig"))
    stream.name = str(path)
    return yaml.load(stream, Loader=YAML_LOADER)


def load_package(root: Path) -> tuple[PackageSpec, list[Problem]]:
    """Read the descriptor and every schema; report every descriptor problem at once. The
    same package folder read again with the same bytes in every file gives the last parse
    (a new `PackageSpec` of the same resource specs, which nothing may change)."""
    if not root.is_dir():
        raise UsageError(say("data-dir-missing", root=root))
    descriptor_path = root / DESCRIPTOR_NAME
    if not descriptor_path.is_file():
        raise UsageError(say("descriptor-missing", name=DESCRIPTOR_NAME, root=root))
    key = (str(root), os.getcwd())
    kept = _PARSED.get(key)
    if kept is None or not kept[0].same():
        reads = _Reads()
        kept = (reads, *_parse_package(root, descriptor_path, reads))
        _PARSED.pop(key, None)
        while len(_PARSED) >= PARSED_KEPT:  # (the oldest first: a test run reads hundreds)
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = kept
    package = kept[1]  # (a copy is handed out: its list of resources is the caller's)
    copy = PackageSpec(package.root, package.descriptor_path, package.descriptor)
    copy.resources = list(package.resources)
    return copy, list(kept[2])


def _parse_package(
    root: Path, descriptor_path: Path, reads: _Reads
) -> tuple[PackageSpec, list[Problem]]:
    where = display_path(descriptor_path)
    problems: list[Problem] = []

    def bad(code: str, file: str = where, **params: Any) -> None:
        problems.append(problem(code, file, **params))

    try:
        data = reads.read(descriptor_path)
        if data is None:  # (gone since `load_package` looked)
            raise UsageError(say("descriptor-missing", name=DESCRIPTOR_NAME, root=root))
        descriptor = _parse_yaml(data, descriptor_path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problems.append(
            problem(
                "descriptor-yaml",
                where,
                row=line,
                detail=getattr(exc, "problem", exc),
            )
        )
        return PackageSpec(root, descriptor_path, {}), problems
    if not isinstance(descriptor, dict):
        bad("descriptor-not-mapping")
        return PackageSpec(root, descriptor_path, {}), problems
    if descriptor.get("$schema") != PACKAGE_PROFILE:
        bad("descriptor-profile", profile=PACKAGE_PROFILE)
    package = PackageSpec(root, descriptor_path, descriptor)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        bad("descriptor-no-resources")
        return package, problems
    names: set[str] = set()
    for index, res in enumerate(resources, start=1):
        spec = _load_resource(root, (where, reads), index, res, bad, problems.append)
        if spec is None:
            continue
        if spec.name in names:
            bad("resource-twice", resource=spec.name)
            continue
        names.add(spec.name)
        package.resources.append(spec)
    for spec in package.resources:
        _check_keys(spec, package, bad)
    return package, problems


def _load_resource(
    root: Path, given: tuple[str, _Reads], index: int, res: Any, bad: Any, problems_add: Any
) -> ResourceSpec | None:
    """One resource of the package descriptor as a ResourceSpec, or None after reporting why
    not: its name, path, schema, fields and keys, each checked in turn (`given`: where the
    descriptor's problems are placed, and what reads its files)."""
    where, reads = given
    name = _resource_name(where, index, res, bad, problems_add)
    if name is None:
        return None
    path = res.get("path")
    if not isinstance(path, str) or not path or ".." in Path(path).parts or path.startswith("/"):
        bad("resource-path", resource=name)
        return None
    if res.get("encoding", "utf-8").lower() not in ("utf-8", "utf8"):
        bad("resource-encoding", resource=name)
    loaded = _resource_schema(root, given, name, res, bad, problems_add)
    if loaded is None:
        return None
    schema, schema_path, schema_where = loaded
    max_rows = schema.get(MAX_ROWS_KEY, DEFAULT_MAX_ROWS)
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        problems_add(problem("schema-max-rows", schema_where, resource=name, value=max_rows))
        max_rows = DEFAULT_MAX_ROWS
    fields = _schema_fields(name, schema, schema_where, bad, problems_add)
    primary = schema.get("primaryKey") or []
    primary_key = (primary,) if isinstance(primary, str) else tuple(primary)
    fks = _foreign_keys(name, schema, schema_where, bad, problems_add)
    inlined = {k: v for k, v in res.items() if k != "schema"} | {"schema": schema}
    return ResourceSpec(
        name=name,
        title=str(res.get("title") or name),
        path=root / path,
        rel_path=path,
        schema_path=schema_path,
        descriptor=inlined,
        fields=tuple(fields),
        primary_key=primary_key,
        foreign_keys=tuple(fks),
        max_rows=max_rows,
    )


def _resource_name(where: str, index: int, res: Any, bad: Any, problems_add: Any) -> str | None:
    """The resource's name, checked, with any key a resource does not have reported; None
    after reporting a resource that is not a mapping or has no usable name."""
    if not isinstance(res, dict):
        bad("resource-not-mapping", index=index)
        return None
    name = res.get("name")
    if not isinstance(name, str) or not name:
        bad("resource-no-name", index=index)
        return None
    if not RESOURCE_NAME.fullmatch(name):
        # The name becomes file names and addresses of the site (/du-lieu/<name>.csv).
        problems_add(problem("resource-name", where, index=index, name=name))
        return None
    for key in res:
        if key not in RESOURCE_KEYS:
            problems_add(
                problem(
                    "resource-unknown-key",
                    where,
                    resource=name,
                    key=key,
                    allowed=", ".join(RESOURCE_KEYS),
                )
            )
    return name


def _resource_schema(
    root: Path, given: tuple[str, _Reads], name: str, res: Any, bad: Any, problems_add: Any
) -> tuple[dict[str, Any], Path | None, str] | None:
    """The resource's schema (inline or read from its file), its file and where problems in it
    are placed; None after reporting a schema that is missing or has no fields."""
    where, reads = given
    schema = res.get("schema")
    schema_path: Path | None = None
    schema_where = where
    if isinstance(schema, str):
        schema_path = root / schema
        schema_where = display_path(schema_path)
        data = None if ".." in Path(schema).parts else reads.read(schema_path)
        if data is None:
            bad("schema-missing", resource=name, schema=schema)
            return None
        try:
            schema = _parse_yaml(data, schema_path)
        except yaml.YAMLError as exc:
            bad("schema-yaml", schema_where, resource=name, detail=exc)
            return None
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        bad("schema-no-fields", schema_where, resource=name)
        return None
    for key in schema:
        if key not in SCHEMA_KEYS:
            problems_add(
                problem(
                    "schema-unknown-key",
                    schema_where,
                    resource=name,
                    key=key,
                    allowed=", ".join(SCHEMA_KEYS),
                )
            )
    return schema, schema_path, schema_where


def _schema_fields(
    name: str, schema: dict[str, Any], schema_where: str, bad: Any, problems_add: Any
) -> list[FieldSpec]:
    """The schema's fields, each checked; a field without a name or named twice is reported
    and left out."""
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    for number, raw in enumerate(schema["fields"], start=1):
        spec = _load_field(name, number, raw, lambda code, **kw: bad(code, schema_where, **kw))
        if isinstance(raw, dict):
            for found in field_key_problems(raw, schema_where, name):
                problems_add(found)
        if spec is None:
            continue
        if spec.name in seen:
            bad("field-twice", schema_where, resource=name, name=spec.name)
            continue
        seen.add(spec.name)
        fields.append(spec)
    return fields


def _foreign_keys(
    name: str, schema: dict[str, Any], schema_where: str, bad: Any, problems_add: Any
) -> list[ForeignKey]:
    """The schema's foreign keys; stray keys are reported, an incomplete key is reported and
    left out."""
    fks: list[ForeignKey] = []
    for fk in schema.get("foreignKeys") or []:
        strays = [k for k in fk if k not in FOREIGN_KEY_KEYS] if isinstance(fk, dict) else []
        ref_raw = fk.get("reference") if isinstance(fk, dict) else None
        strays += (
            [k for k in ref_raw if k not in REFERENCE_KEYS] if isinstance(ref_raw, dict) else []
        )
        for key in strays:
            problems_add(
                problem(
                    "schema-unknown-key",
                    schema_where,
                    resource=name,
                    key=f"foreignKeys: {key}",
                    allowed="fields, reference (resource, fields)",
                )
            )
        try:
            fk_fields = fk["fields"]
            ref = fk["reference"]
            ref_fields = ref["fields"]
        except (KeyError, TypeError):
            bad("foreign-key-incomplete", schema_where, resource=name)
            continue
        fks.append(
            ForeignKey(
                fields=(fk_fields,) if isinstance(fk_fields, str) else tuple(fk_fields),
                resource=ref.get("resource") or name,
                ref_fields=(ref_fields,) if isinstance(ref_fields, str) else tuple(ref_fields),
            )
        )
    return fks


def _load_field(resource: str, number: int, raw: Any, bad: Any) -> FieldSpec | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        bad("field-no-name", resource=resource, number=number)
        return None
    name = raw["name"]
    ftype = raw.get("type", "any")
    ok = True
    if ftype not in FIELD_TYPES:
        bad("field-type", resource=resource, name=name, ftype=ftype)
        ok = False
    constraints = raw.get("constraints") or {}
    if not isinstance(constraints, dict):
        bad("field-constraints", resource=resource, name=name)
        constraints = {}
    for key in constraints:
        if key not in CONSTRAINTS:
            bad("field-constraint-unknown", resource=resource, name=name, key=key)
            ok = False
    labels: dict[str, str] = {}
    categories = raw.get("categories")
    if categories is not None:
        for cat in categories:
            if isinstance(cat, dict) and "value" in cat:
                labels[str(cat["value"])] = str(cat.get("label", cat["value"]))
        enum = [str(v) for v in constraints.get("enum") or []]
        if sorted(labels) != sorted(enum):
            bad("field-categories-enum", resource=resource, name=name)
            ok = False
    if not ok:
        return None
    return FieldSpec(
        name=name,
        type=ftype,
        title=str(raw.get("title") or name),
        description=str(raw.get("description") or ""),
        constraints=constraints,
        labels=labels,
        float_number=bool(raw.get("floatNumber")),
    )


def _check_keys(spec: ResourceSpec, package: PackageSpec, bad: Any) -> None:
    where = display_path(spec.schema_path) if spec.schema_path else display_path(package.root)
    names = set(spec.field_names)
    for key in spec.primary_key:
        if key not in names:
            bad("primary-key-field", where, resource=spec.name, key=key)
    for fk in spec.foreign_keys:
        for f in fk.fields:
            if f not in names:
                bad("foreign-key-field", where, resource=spec.name, key=f)
        target = package.resource(fk.resource) if fk.resource != spec.name else spec
        if target is None:
            bad("foreign-key-table", where, resource=spec.name, target=fk.resource)
            continue
        for f in fk.ref_fields:
            if f not in target.field_names:
                bad("foreign-key-target", where, resource=spec.name, target=f"{fk.resource}.{f}")


def field_key_problems(
    raw: dict[str, Any], where: str, resource: str, extra: tuple[str, ...] = ()
) -> list[Problem]:
    """Unknown keys of one field, and of each of its category entries (both located at the
    line that holds them in the schema file when it can be found)."""
    name = str(raw.get("name", "?"))
    found = [
        problem(
            "field-unknown-key",
            where,
            row=_line_in(where, str(key)),
            field=name,
            resource=resource,
            key=key,
            allowed=", ".join(FIELD_KEYS + extra),
        )
        for key in raw
        if key not in FIELD_KEYS + extra
    ]
    categories = raw.get("categories")
    if categories is None:
        return found
    if not isinstance(categories, list):
        return [*found, problem("category-not-list", where, field=name, resource=resource)]
    for entry in categories:
        entry = entry if isinstance(entry, dict) else {"value": entry}
        value = str(entry.get("value", "?"))
        row = _line_in(where, f"value: {value}")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            found.append(
                problem(
                    "category-no-label", where, row=row, field=name, resource=resource, value=value
                )  # fmt: skip
            )
        strays = [str(k) for k in entry if k not in CATEGORY_KEYS]
        if strays:
            found.append(
                problem(
                    "category-entry",
                    where,
                    row=row,
                    field=name,
                    resource=resource,
                    value=value,
                    keys="”, “".join(strays),
                )
            )
    return found


def _line_in(where: str, needle: str) -> int | None:
    """The first line of the schema file that holds `needle`, for a located message."""
    try:
        text = Path(where).read_text(encoding="utf-8-sig")
    except OSError:
        return None
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None
