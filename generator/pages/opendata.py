"""Open data: every resource as CSV and JSON, the schema as a field reference in Vietnamese
(the same schema that drives validation), and the whole datapackage.yaml.

Fit for a phone (issue 16, item 3): every table is offered whole as compressed CSV
(`<name>.csv.gz`, gzip with no time stamp: the same data gives the same bytes). A small
table (its CSV at most `limits.SPLIT_ABOVE`) is also offered whole as plain CSV and JSON; a
larger one is split per province instead (`<name>/<province code>.csv.gz` and `.json`,
each holding the rows of that province, `generator.data.scope.ProvinceIndex`), so that no
single published file approaches `limits.MAX_FILE` (10 MB; the national synthetic package's
assessments made a 70.6 MB JSON). A table with no path to a province (legal documents) is
never split. The published datapackage.yaml names the file each table is offered whole in.
"""

from __future__ import annotations

import bisect
import csv
import glob
import hashlib
import io
import json
import os
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from generator import codeversion, deps, gzpieces, limits, workers
from generator.data.cache import generation
from generator.data.rawcsv import (
    Table,
    file_sha256,
    first_line,
    line_span,
    open_table,
    read_raw,
    sniff_delimiter,
    span_lines,
    utf8_lines,
)
from generator.data.schema import PackageSpec, ResourceSpec, display_path
from generator.data.scope import ProvinceIndex
from generator.filehash import HASHES
from generator.model import SiteModel
from generator.pages import FileOutput, Page, Source, _outputs
from generator.textvi import nfc

RANK = 90  # the families' order: see generator.pages.collect
# gzip's default: level 9 is three times slower for 2-3 % less. No time stamp (mtime=0) and
# no file name in the header: the same data gives the same bytes. A table whole is
# compressed in pieces of lines (generator.gzpieces), which an edit compresses again alone.
GZIP_LEVEL = 6


def gzip_bytes(data: bytes) -> bytes:
    """`data` as a gzip file of its own (a province's CSV), at `GZIP_LEVEL`, with no time
    stamp or name: the same data gives the same bytes. By libdeflate, not zlib: at the same
    level it compresses the national package's province files ~2.5 times faster and ~2 %
    smaller (bench/gzip_bench.py). A table whole is not: its pieces are one deflate stream,
    which needs zlib's flush (generator.gzpieces)."""
    import deflate

    return bytes(deflate.gzip_compress(data, GZIP_LEVEL))  # (a bytearray: made immutable)


def make(source: Source) -> Iterator[Page | FileOutput]:
    # A long-lived process (`antq serve`) keeps the split of the table an edit changed for
    # the next edit, and from its first build those of the largest leaf tables
    # (`Memo.digests`): the first edit of a table patches a split too. It also keeps what
    # each table's downloads and field reference were made of (`Carried`): a rebuild whose
    # inputs but the leaf tables are the same (`source.changed`) makes only the tables the
    # edit changed (or whose split reads one that changed) again.
    keep = source.changed is not None
    held = source.kept.get(CARRIED) if keep else None
    carry = Carried() if source.warm else None
    data_pages, data_files = outputs(
        source.model,
        source.package,
        source.cache_dir,
        keep,
        warm=source.warm,
        code=source.code,
        carried=(held if isinstance(held, Carried) else None, carry, source.handed),
    )
    if carry is not None:
        source.keep[CARRIED] = carry
    if isinstance(held, Carried) and os.environ.get("ANTQ_CHECK_DEPS") == "1":
        fresh = outputs(
            source.model, source.package, source.cache_dir, keep, source.warm, code=source.code
        )
        if _outputs(fresh) != _outputs((data_pages, data_files)):
            raise RuntimeError("open data: carried over by the tables' digests, yet it changed")
    yield from data_pages
    yield from data_files


# What the family keeps for the next build (`Source.keep`), by this name.
CARRIED = "opendata"


@dataclass
class Carried:
    """What a long-lived process keeps of one build's open data for the next, handed to it
    only while every input but the leaf tables is the same (`Source.kept`: the code, the
    descriptor, the schemas, the units): the provinces (read from the units, 30 ms on the
    national package) and each table's outputs — its entry on /du-lieu/, its downloads, its
    field reference — by the key of the files they read (`_table_key`), and /du-lieu/ by
    the tables' keys. ANTQ_CHECK_DEPS=1 makes everything again and compares (`make`)."""

    provinces: dict[str, str] | None = None
    tables: dict[str, tuple[tuple[Any, ...], dict[str, Any], list[FileOutput], Page]] = field(
        default_factory=dict
    )
    index: tuple[tuple[Any, ...], Page] | None = None


def _table_key(spec: ResourceSpec, index: ProvinceIndex, split: bool) -> tuple[Any, ...]:
    """What a table's outputs read, besides the inputs `Carried` is kept under: the bytes
    of the table and, split, of each table its split finds a province through, named by
    their digests (the build's store of input hashes: a `stat` each), and their sizes."""
    names = index.chain(spec.name) if split else [spec.name]
    found: list[Any] = [split]
    for name in names:
        table = index.package.resource(name)
        if table is not None and table.path.is_file():
            found += [name, table.descriptor_hash(), file_sha256(table.path)]
            found.append(table.path.stat().st_size)
    return tuple(found)


TYPE_NAMES = {
    "string": "văn bản",
    "integer": "số nguyên",
    "number": "số",
    "date": "ngày (năm-tháng-ngày)",
    "boolean": "true/false",
}


def outputs(
    model: SiteModel,
    package: PackageSpec,
    cache_dir: Path | None = None,
    keep: bool = False,
    warm: bool = False,
    carried: tuple[Carried | None, Carried | None, list[Any]] | None = None,
    code: str = "",
) -> tuple[list[Page], list[FileOutput]]:
    """Every table's downloads, its field reference and /du-lieu/ (`cache_dir`: where the
    compressed tables and the province splits' digests are kept, `Memo`; `keep`: the
    splits this build makes are kept in memory for the next, `Memo.digests`; `warm`: a
    long-lived process, which keeps the largest leaf tables' splits, `_eager_splits`;
    `carried`: what the last build kept (`Carried`, or None), what this one keeps, and
    where the outputs given again are said (`Source.handed`); `code`: the code's version,
    when the build made it already)."""
    held, carry, handed = carried if carried is not None else (None, None, [])
    pages: list[Page] = []
    files: list[FileOutput] = []
    resources = []
    index = ProvinceIndex(package)
    memo = Memo(cache_dir, package, index, keep, code or None)
    store = _Store(cache_dir, code or None)
    split_names = [s.name for s in package.resources if _split_table(s, index)]
    plain_names = [s.name for s in package.resources if s.name not in split_names]
    if warm:
        memo.eager = _eager_splits(package, split_names)
        memo.warm = True
    memo.prefetch([spec for spec in package.resources if spec.name in split_names], store)
    provinces = _Provinces(index, held)
    keys = []
    for spec in package.resources:
        split = spec.name in split_names
        key = _table_key(spec, index, split)
        found = held.tables.get(spec.name) if held is not None else None
        if found is not None and found[0] == key and _split_current(memo, spec):
            _, entry, made, page = found
            handed.append(page)
        else:
            entry, made = _table_files(memo, spec, provinces.get() if split else {})
            page = _reference(spec, package, entry)
        if carry is not None:
            carry.tables[spec.name] = (key, entry, made, page)
        keys.append(key)
        files += [store.keep(output) for output in made]
        resources.append(entry)
        pages.append(page)
    files += _package_files(package, plain_names)
    pages.append(_index_page(package, resources, (held, carry, handed), tuple(keys)))
    if carry is not None:
        carry.provinces = provinces.found
    return pages, files


def _package_files(package: PackageSpec, plain_names: list[str]) -> list[FileOutput]:
    """datapackage.yaml as published and each table's schema."""
    descriptor = package.descriptor_path
    files = [
        FileOutput(
            "/du-lieu/datapackage.yaml",
            f"yaml:{file_sha256(descriptor)}:{','.join(plain_names)}",
            _descriptor(descriptor, plain_names),
            [descriptor],
        )
    ]
    for spec in package.resources:
        if spec.schema_path is not None:
            url = f"/du-lieu/schemas/{spec.schema_path.name}"
            files.append(
                FileOutput(url, f"schema:{file_sha256(spec.schema_path)}", _copy(spec.schema_path))
            )
    return files


class _Provinces:
    """Every province's code → name (`ProvinceIndex.provinces`), read from the units when a
    table to split needs it, or the ones the last build kept (`Carried`)."""

    def __init__(self, index: ProvinceIndex, held: Carried | None) -> None:
        self.index = index
        self.found = held.provinces if held is not None else None

    def get(self) -> dict[str, str]:
        if self.found is None:
            self.found = self.index.provinces()
        return self.found


def _split_current(memo: Memo, spec: ResourceSpec) -> bool:
    """Whether a table whose outputs are carried over needs nothing else made: unless its
    split is one `Memo.digests` keeps from a process's first build on (`Memo.eager`) and
    the kept one is not of these bytes (its outputs are made again, and it with them)."""
    if spec.name not in memo.eager:
        return True
    kept = _KEPT.get(spec.name)
    return kept is not None and kept.digest == file_sha256(spec.path)


def _index_page(
    package: PackageSpec,
    resources: list[dict[str, Any]],
    carried: tuple[Carried | None, Carried | None, list[Any]],
    keys: tuple[Any, ...],
) -> Page:
    """/du-lieu/: the tables' entries; the last build's page when made of the same tables'
    outputs (`Carried`)."""
    held, carry, handed = carried
    key = (file_sha256(package.descriptor_path), keys)
    if held is not None and held.index is not None and held.index[0] == key:
        page = held.index[1]
        if page.context["resources"] == resources:
            handed.append(page)
            if carry is not None:
                carry.index = (key, page)
            return page
    page = Page(
        url="/du-lieu/",
        templates=["du-lieu.html"],
        context={
            "title": package.descriptor.get("title", ""),
            "description": package.descriptor.get("description", ""),
            "license": (package.descriptor.get("licenses") or [{}])[0].get("title", ""),
            "resources": resources,
            "split_above": limits.SPLIT_ABOVE,
        },
        title="Dữ liệu mở",
    )
    if carry is not None:
        carry.index = (key, page)
    return page


def _split_table(spec: ResourceSpec, index: ProvinceIndex) -> bool:
    """Whether the table is offered per province (module docstring)."""
    return spec.path.stat().st_size > limits.SPLIT_ABOVE and index.link(spec.name) is not None


def _table_files(
    memo: Memo, spec: ResourceSpec, provinces: dict[str, str]
) -> tuple[dict[str, Any], list[FileOutput]]:
    """A table's downloads (whole as .csv.gz; whole as .csv and .json, or per province when
    `provinces` is given) and what the pages say of them. A province's files are keyed by
    the digest of that province's rows (`Memo.digests`): an edit rewrites the files of the
    provinces whose rows it changed, and the whole table's."""
    digest = file_sha256(spec.path)
    gz = f"/du-lieu/{spec.name}.csv.gz"
    gz_size, packed, kept = memo.packed(spec, digest)  # its size labels the link
    key = f"csv.gz:{digest}:{gzpieces.format_tag()}"
    files = [FileOutput(gz, key, packed, [spec.path], kept)]
    entry: dict[str, Any] = {
        "name": spec.name,
        "title": spec.title,
        "url": f"/du-lieu/{spec.name}/",
        "csv_gz": gz,
        "size": spec.path.stat().st_size,
        "gz_size": gz_size,
        "csv": None,
        "json": None,
        "provinces": [],
    }
    if not provinces:
        entry["csv"] = f"/du-lieu/{spec.name}.csv"
        entry["json"] = f"/du-lieu/{spec.name}.json"
        files.append(FileOutput(entry["csv"], f"csv:{digest}", _table(spec), [spec.path]))
        json_inputs = f"json:{digest}:{spec.descriptor_hash()}"
        files.append(FileOutput(entry["json"], json_inputs, _to_json(spec), [spec.path]))
        return entry, files
    for code, name in provinces.items():
        base = f"/du-lieu/{spec.name}/{code}"
        entry["provinces"].append({"code": code, "name": name, "base": base})
    files += _province_files(memo, spec, provinces, memo.digests(spec))
    return entry, files


def _province_files(
    memo: Memo, spec: ResourceSpec, provinces: Mapping[str, str], rows: Mapping[str, str]
) -> list[FileOutput]:
    """A split table's files of each province (`_table_files`), keyed by the digest of
    that province's rows (`rows`: `Memo.digests`)."""
    files = []
    for code in provinces:
        base = f"/du-lieu/{spec.name}/{code}"
        own = rows.get(code) or rows[EMPTY]
        produce = _province_csv(memo.package, spec.name, code, memo.warm)
        group = f"split:{spec.name}"  # (made from one split of the table: `_split`)
        files.append(FileOutput(f"{base}.csv.gz", f"csv.gz:{code}:{own}", produce, group=group))
        json_inputs = f"json:{code}:{own}:{spec.descriptor_hash()}"
        province_json = _province_json(memo.package, spec.name, code, memo.warm)
        files.append(FileOutput(f"{base}.json", json_inputs, province_json, group=group))
    return files


# The digest of a province without rows (its files hold the header alone) in `Memo.digests`.
EMPTY = "-"


class Memo:
    """What the open data keeps from build to build under the cache folder (`opendata/`),
    so that a build whose tables did not change reads none of them, and an edit reads only
    the table it changed (issue 18): each table compressed whole (by its bytes' digest:
    its size labels the download), and each split table's per-province digests (by the
    digests of the tables its split reads, `ProvinceIndex.chain`, and the code). Without a
    cache folder both are made every build.

    A split table's rows are split once per process when a digest is asked and not kept
    (`_split`): the produce jobs that follow use that split, not a new one."""

    def __init__(
        self,
        cache_dir: Path | None,
        package: PackageSpec,
        index: ProvinceIndex,
        keep: bool = False,
        code: str | None = None,
    ):
        self.root = cache_dir / "opendata" if cache_dir is not None else None
        self.package = package
        self.index = index
        # The code's version: the build's (`Source.code`), else hashed once here (~13 ms).
        self._code = code
        self.keep = keep
        # The tables whose split is kept even when their digests are cached (`_eager_splits`).
        self.eager: frozenset[str] = frozenset()
        # A long-lived process (`antq serve`): each row's published text is kept for the next
        # build (`_ROW_TEXTS`); a build of its own (`antq build`) encodes a province at once.
        self.warm = False
        # A new build: the splits a long-lived process (`antq serve`) made for the last one
        # are of the tables as they were then, and so is the province index they used.
        _SPLITS.clear()
        _SPLITS.update(package=str(package.descriptor_path), index=index)

    def packed(
        self, spec: ResourceSpec, digest: str
    ) -> tuple[int, Callable[[], bytes], Callable[[], Path] | None]:
        """The table compressed whole (gzip, no time stamp): its size, its bytes and where
        they are kept (None: nowhere, without a cache folder; `FileOutput.stored`)."""
        if self.root is None:
            data = gzpieces.compress(_table(spec)(), GZIP_LEVEL).gz
            return len(data), _bytes(data), None
        path = self._packed_path(spec, digest)
        if not path.is_file():
            early = _EARLY.pop((spec.name, digest), None)
            made = early.result() if early is not None else None
            if made is None:
                made = gzpieces.compress(_table(spec)(), GZIP_LEVEL).gz
            _replace(self.root, f"{spec.name}-*.csv.gz", path, made)
        return path.stat().st_size, path.read_bytes, _path(path)

    def _where(self, spec: ResourceSpec) -> tuple[list[str], int | None, Path | None]:
        """What a table's digests depend on (the code, the descriptors and the bytes of the
        tables its split reads), where the table's own bytes' digest is among them, and
        the file the digests are kept in (None: no cache folder)."""
        if self._code is None:
            self._code = codeversion.code_version()
        parts = [self._code, spec.descriptor_hash()]
        own: int | None = None  # where the table's own bytes' digest is
        for name in self.index.chain(spec.name):
            found = self.package.resource(name)
            if found is not None and found.path.is_file():
                if name == spec.name:
                    own = len(parts) + 2
                parts += [name, found.descriptor_hash(), file_sha256(found.path)]
        key = hashlib.sha256("|".join(parts).encode()).hexdigest()
        path = self.root / f"{spec.name}-{key}.json" if self.root is not None else None
        return parts, own, path

    def digests(self, spec: ResourceSpec) -> dict[str, str]:
        """Each province's digest of the table's rows as its files publish them."""
        parts, own, path = self._where(spec)
        # What the digests depend on but the table's own bytes (`_Kept`).
        context = "|".join(part for i, part in enumerate(parts) if i != own)
        cached: dict[str, str] | None = None
        if path is not None and path.is_file():
            cached = json.loads(path.read_text(encoding="utf-8"))
        # A kept split of an older version is patched even when the digests are cached:
        # the files of the provinces the edit changed are made from it.
        made = self._patched(spec, context, parts[own] if own is not None else "")
        if cached is not None:
            if made is None and own is not None and spec.name in self.eager:
                kept = _KEPT.get(spec.name)
                if kept is None or kept.context != context or kept.digest != parts[own]:
                    split = _split(self.package, spec.name, "csv")
                    _keep(spec.name, context, parts[own], split, cached)
            return cached
        if made is None:
            split = _split(self.package, spec.name, "csv")
            made = _split_digests(split)
            if (self.keep or spec.name in self.eager) and own is not None:
                _keep(spec.name, context, parts[own], split, made)
        if path is not None and self.root is not None:
            data = json.dumps(made, sort_keys=True).encode()
            _replace(self.root, f"{spec.name}-*.json", path, data)
        return made

    def prefetch(self, split: list[ResourceSpec], store: _Store | None = None) -> None:
        """A first build's costly parts of the open data, made side by side in forked
        processes and kept in the cache folder, where `digests` and `packed` read them
        (issue 18: on the national package's cold build, 2.3 CPU s of splitting tables for
        their digests and 1.4 of compressing every table whole, one after another in the
        pages stage, the other core idle): the digests of the tables to `split`, each table
        compressed whole. With a `store`, the process that split a table for its digests
        also makes each province's files from that split and keeps them there
        (`_store_split`): the render stage links them instead of splitting the table again
        (~2 CPU s of the national package's cold build). Not in a long-lived process
        (`antq serve`: `warm`; it keeps the splits it makes, `keep`, `eager`). What a
        process could not make (a table unreadable) is left to `digests` and `packed`,
        which say why in this process."""
        if self.root is None or self.warm or self.keep or self.eager or _KEPT:
            return
        jobs = self._prefetch_jobs(split)
        count = min(workers.count(), len(jobs))
        if count < 2:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _PREFETCH["memo"] = self  # (read by the forked processes)
        if store is not None and store.root is not None:
            _PREFETCH["store"] = store
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
                found = list(pool.map(_prefetched, [(kind, spec.name) for kind, spec in jobs]))
        finally:
            _PREFETCH.clear()
        for (kind, spec), made in zip(jobs, found, strict=True):
            if kind == "digests" and made is not None:
                data = json.dumps(made[0], sort_keys=True).encode()
                _replace(self.root, f"{spec.name}-*.json", self._digests_path(spec), data)
                # The province of each row of the table its split reads (a table read whole:
                # 1.3 s of the national package's in this process), for the render stage's
                # splits (`_split`: this index, inherited by its forked processes).
                self.index.learn(made[1], made[2])

    def _prefetch_jobs(self, split: list[ResourceSpec]) -> list[tuple[str, ResourceSpec]]:
        """`prefetch`'s jobs: what is not kept yet, the largest first (a split costs about
        three times its table's compression)."""
        tables = [spec for spec in self.package.resources if spec.path.is_file()]
        names = {spec.name for spec in split}
        jobs = [
            ("digests", s)
            for s in tables
            if s.name in names and not self._digests_path(s).is_file()
        ]
        jobs += [("packed", s) for s in tables if not self._packed_path(s).is_file()]
        jobs.sort(key=lambda job: -job[1].path.stat().st_size * (3 if job[0] == "digests" else 1))
        return jobs

    def _digests_path(self, spec: ResourceSpec) -> Path:
        path = self._where(spec)[2]
        assert path is not None
        return path

    def _packed_path(self, spec: ResourceSpec, digest: str | None = None) -> Path:
        """Where the table compressed whole is kept (`packed`; the format in the name: a
        file cached by code that compressed otherwise is not it)."""
        assert self.root is not None
        digest = digest or file_sha256(spec.path)
        return self.root / f"{spec.name}-{digest}-{gzpieces.format_tag()}.csv.gz"

    def _patched(self, spec: ResourceSpec, context: str, digest: str) -> dict[str, str] | None:
        """The digests from the split kept of an earlier version of the table (`_Kept`),
        patched for the lines that changed since, and that split made the current one; None
        when none is kept, the table is the kept version (nothing of it is made again), or
        the edit is not of rows in place."""
        kept = _KEPT.get(spec.name)
        if kept is None or kept.context != context or kept.digest == digest:
            return None
        data, _ = read_raw(spec.path, display_path(spec.path), spec.name)
        made = _patch_split(kept, data) if data is not None else None
        if made is None:
            _KEPT.pop(spec.name, None)
            return None
        kept.digest = digest
        if os.environ.get("ANTQ_CHECK_DEPS") == "1":
            link = self.index.link(spec.name)
            assert link is not None
            whole = _split_csv(spec, self.index, link[0])
            if whole["rows"] != kept.split["rows"] or whole["header"] != kept.split["header"]:
                raise RuntimeError(f"{spec.name}: its split patched in memory differs")
        _SPLITS.clear()
        _SPLITS.update(
            key=f"{self.package.descriptor_path}:{spec.name}",
            package=str(self.package.descriptor_path),
            index=self.index,
            csv=kept.split,
        )
        return made


# The memo whose parts `Memo.prefetch`'s forked processes make, and the store they keep
# the provinces' files in.
_PREFETCH: dict[str, Any] = {}


def _prefetched(job: tuple[str, str]) -> tuple[dict[str, str], str, Any] | None:
    """In a forked process of `Memo.prefetch`: ("digests", table) → the digests of the
    table, the table its split reads and its `key_provinces`; ("packed", table) → None,
    the table compressed whole and kept (`Memo.packed`). None when they cannot be made
    (said again by the build in its own process)."""
    memo = _PREFETCH["memo"]
    kind, name = job
    spec = memo.package.resource(name)
    link = memo.index.link(name)
    if spec is None:
        return None
    try:
        if kind == "packed":
            memo.packed(spec, file_sha256(spec.path))
        elif link is not None:
            split = _split_csv(spec, memo.index, link[0])
            made = _split_digests(split)
            store = _PREFETCH.get("store")
            if store is not None:
                _store_split(store, memo, spec, split, made)
            return made, link[1], memo.index.key_provinces(link[1])
    except Exception:  # (said by `Memo.digests` or `Memo.packed` in the build's process)
        return None
    return None


def _store_split(
    store: _Store, memo: Memo, spec: ResourceSpec, split: dict[str, Any], digests: dict[str, str]
) -> None:
    """In a forked process of `Memo.prefetch`: each province's files of a table (the files
    `_table_files` lists, by the same produce functions, from `split`, the table's split
    this process made for its `digests`) kept in `store`, where the render stage's
    `FileOutput.stored` finds them. A file kept already is left as it is."""
    package = memo.package
    _SPLITS.clear()  # (what `_split` gives the produce functions: this very split)
    _SPLITS.update(
        key=f"{package.descriptor_path}:{spec.name}",
        package=str(package.descriptor_path),
        index=memo.index,
        csv=split,
    )
    try:
        for output in _province_files(memo, spec, memo.index.provinces(), digests):
            stored = store.keep(output).stored
            if stored is not None:
                stored()
    finally:
        _SPLITS.clear()


def _split_digests(split: dict[str, Any]) -> dict[str, str]:
    """Each province's digest of a split's rows, and `EMPTY`'s."""
    made = {c: _rows_digest(split["header"], rows) for c, rows in split["rows"].items()}
    made[EMPTY] = _rows_digest(split["header"], [])
    return made


# `antq serve` (issue 18): the split of each table an edit changed (at most `KEEP_SPLITS`,
# the latest), kept in this process with the bytes it was made of, so that the next edit of
# rows in place (as many lines before as after: a cell corrected) patches the split and the
# digests of the provinces whose rows it changed, instead of splitting 400,000 rows again.
# Only for a table each of whose lines is one row (no cell over lines, no carriage return):
# a line's number is then its row's. ANTQ_CHECK_DEPS=1 splits the whole table anyway and
# compares.
KEEP_SPLITS = 2


@dataclass
class _Kept:
    context: str  # `Memo.digests`' key without the table's own bytes
    digest: str  # the table's bytes' digest (file_sha256) the split is of
    data: bytes  # those bytes
    split: dict[str, Any]  # `_split_csv`'s
    at: list[str | None]  # each line's province (None: the header, a blank row)
    lines: dict[str, list[int]]  # each province's rows' line numbers, in order
    digests: dict[str, str]


_KEPT: dict[str, _Kept] = {}


def _eager_splits(package: PackageSpec, split: list[str]) -> frozenset[str]:
    """The split leaf tables (the tables an edit of rows patches, generator.deps) whose
    splits a long-lived process keeps from its first build, so that their first edit
    patches a split instead of splitting the table (3 s of the national 400,000 yearly
    results): the `KEEP_SPLITS` largest (they cost the most to split)."""
    sizes = []
    for name in split:
        spec = package.resource(name)
        if name in deps.LEAF_TABLES and spec is not None:
            sizes.append((-spec.path.stat().st_size, name))
    return frozenset(name for _, name in sorted(sizes)[:KEEP_SPLITS])


def _one_row_lines(data: bytes) -> list[bytes] | None:
    """The file's lines, when each is one row: valid UTF-8 without a byte-order mark or a
    carriage return, no quoted cell over lines."""
    lines = None if b"\r" in data else utf8_lines(data)
    if lines is None or (b'"' in data and any(line.count(b'"') % 2 for line in lines)):
        return None
    return lines


def _keep(
    name: str, context: str, digest: str, split: dict[str, Any], digests: dict[str, str]
) -> None:
    spec = split.get("spec")
    data = split.get("data")
    if spec is None or data is None or _one_row_lines(data) is None:
        return
    at: list[str | None] = [None] * (data.count(b"\n") + 1)
    for code, numbers in split["lines"].items():
        for number in numbers:
            at[number] = code
    _KEPT.pop(name, None)
    while len(_KEPT) >= KEEP_SPLITS:
        _KEPT.pop(next(iter(_KEPT)))
    lines = {code: list(numbers) for code, numbers in split["lines"].items()}
    _KEPT[name] = _Kept(context, digest, data, split, at, lines, dict(digests))


def _patch_split(kept: _Kept, data: bytes) -> dict[str, str] | None:
    """Patch `kept` to the table's bytes `data` (module comment above `KEEP_SPLITS`);
    the new digests, or None when this edit cannot be patched. Only the lines between the
    first and the last difference are read (`rawcsv.line_span`): the others are the kept
    bytes, which met `_one_row_lines`' conditions."""
    if b"\r" in data or data.startswith(b"\xef\xbb\xbf") or not data:
        return None
    if first_line(data) != first_line(kept.data):
        return None
    span = line_span(kept.data, data, 1)
    start, end = span.start, span.end_b
    if span.count_a != span.count_b or end - start > deps.MAX_CHANGED_LINES:
        return None
    changed = span_lines(data, span.at, span.end_at_b)
    if any(line.count(b'"') % 2 for line in changed):
        return None
    split, at, lines = kept.split, kept.at, kept.lines
    delimiter, position, keys = split["delimiter"], split["position"], split["keys"]
    try:  # every changed line read before anything is patched
        new = [
            next(csv.reader([line.decode("utf-8")], delimiter=delimiter), []) for line in changed
        ]
    except (csv.Error, UnicodeDecodeError):
        return None
    # (whether every cell is NFC still: the JSON's rows skip `nfc` then, `_split_json`)
    split["nfc"] = split.get("nfc", False) and all(_is_nfc(c) for cells in new for c in cells)
    # (and whether no cell holds a quote: `_province_csv`; no line holds a CR, above)
    split["plain"] = split.get("plain", False) and not any(b'"' in line for line in changed)
    touched = set()
    for number, cells in zip(range(start, end), new, strict=True):
        old = at[number]
        if old is not None:
            k = bisect.bisect_left(lines[old], number)
            del lines[old][k]
            del split["rows"][old][k]
            touched.add(old)
        if not any(cells):
            at[number] = None
            continue
        value = cells[position].strip() if position < len(cells) else ""
        code = keys.get(value if value.isascii() else nfc(value), "")
        k = bisect.bisect_left(lines.setdefault(code, []), number)
        lines[code].insert(k, number)
        split["rows"].setdefault(code, []).insert(k, cells)
        at[number] = code
        touched.add(code)
    digests = dict(kept.digests)
    for code in touched:
        if lines[code]:
            digests[code] = _rows_digest(split["header"], split["rows"][code])
        else:
            del lines[code], split["rows"][code]
            digests.pop(code, None)
    kept.data, kept.digests = data, dict(digests)
    return digests


def _rows_digest(header: list[str], rows: list[list[str]]) -> str:
    """The digest of a province's rows (lists of strings, MessagePack'd the same way every
    time, each string and list with its length: one C call for the whole list, not one per
    row; issue 18: pickle and its hash were ~0.65 CPU s of the national cold build's
    splits, MessagePack and its hash ~0.23)."""
    return hashlib.sha256(_PACK((header, rows))).hexdigest()


_PACK = msgspec.msgpack.Encoder().encode


def _replace(root: Path, pattern: str, path: Path, data: bytes) -> None:
    """`path` written (atomically) in place of the other files of `pattern` under `root`
    (one kept entry per table)."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob(pattern):
        if old != path:
            old.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# `antq serve`: the whole-table gzip of each leaf table an edit changed, begun in a thread
# as the rebuild starts (`compress_early`), beside validation, the patch and the pages;
# `Memo.packed` takes the result when its digest is the one it asks for. A result nobody
# takes (a failed validation, a file changed again) is dropped next time. The pieces of the
# last gzip made of each table are kept (`_PACKED`): an edit of cells compresses again only
# the pieces whose lines changed (generator.gzpieces.patch: ~10 ms for a national yearly
# result, against ~0.25 CPU s for the whole table).
_EARLY: dict[tuple[str, str], Future[bytes | None]] = {}
_EARLY_POOL: list[ThreadPoolExecutor] = []  # one thread, made on first use
# Table name → the last gzip made of its bytes, when they were in the published form.
_PACKED: dict[str, gzpieces.Packed] = {}


def compress_early(data_dir: Path, changed: Mapping[str, bytes]) -> None:
    """Start compressing each changed table (file name → the digest of its bytes in the
    build's fingerprint) as `packed` would, in a thread; earlier results not taken dropped."""
    _EARLY.clear()
    if not changed:
        return
    if not _EARLY_POOL:
        _EARLY_POOL.append(ThreadPoolExecutor(1, thread_name_prefix="antq-gzip"))
    for rel, digest in changed.items():
        name = rel.removesuffix(".csv")
        job = _EARLY_POOL[0].submit(_early_gzip, data_dir / rel, name, digest)
        _EARLY[(name, digest.hex())] = job


def _early_gzip(path: Path, name: str, digest: bytes) -> bytes | None:
    """The gzip `packed` makes of these bytes, when they are the fingerprint's and already in
    the published form (`_canonical_already`); None leaves it to `packed` (which parses).
    From the pieces kept of the table's last gzip when the edit allows (`_PACKED`)."""
    try:
        data, _ = read_raw(path, display_path(path), name)
    except OSError:
        return None
    if data is None or _digest(data) != digest:
        return None
    return _packed_now(name, data)


def _packed_now(name: str, data: bytes) -> bytes | None:
    """The table's gzip (`gzpieces`), patched from the one kept when it can be, and kept
    for the next edit; None when `data` is not in the published form."""
    held = _PACKED.get(name)
    made = None
    if held is not None and _canonical_after(held.data, data):
        made = gzpieces.patch(held, data)
    if made is None:
        if not _canonical_already(data):
            _PACKED.pop(name, None)
            return None
        made = gzpieces.compress(data, GZIP_LEVEL)
    _PACKED[name] = made
    return made.gz


def prepare_packed(tables: Mapping[str, bytes]) -> None:
    """Between rebuilds (`antq serve`, generator.warm.Warm.prepare): the pieces of each of
    these tables' gzip (name → bytes, the largest leaf tables), so that its first edit
    patches them too (`_PACKED`)."""
    for name, data in tables.items():
        held = _PACKED.get(name)
        if held is None or held.data != data:
            _packed_now(name, data)


def _canonical_after(old: bytes, new: bytes) -> bool:
    """`_canonical_already(new)` when `old` (in the published form) and `new` share their
    first line: found from the lines between their first and last difference alone
    (`rawcsv.line_span`; the lines outside are `old`'s, and line feeds cut UTF-8 only
    between characters), not by decoding 33 MB again. False: not known (ask the whole)."""
    head = first_line(old)
    if first_line(new) != head or b"\r" in new or b"\0" in new[:4096]:
        return False
    if head.decode("utf-8").isspace():
        return False  # (`_canonical_already` asks whether the whole text is blank)
    span = line_span(old, new, 1)
    try:
        new[span.at : span.end_at_b].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _digest(data: bytes) -> bytes:
    """The SHA-256 of `data`: the build's pass's, when it hashed these very bytes."""
    known = HASHES.digest_of(data)
    return bytes.fromhex(known) if known else hashlib.sha256(data).digest()


def _bytes(data: bytes) -> Any:
    return lambda: data


def _path(path: Path) -> Callable[[], Path]:
    return lambda: path


class _Store:
    """Issue 18 item 7: the open-data files kept whole under the cache folder, by their URL
    and their key (`FileOutput.inputs`: the digests of the rows or the table they hold, and
    of the schema), in a folder per version of the code (`generation`): a build whose tables
    did not change since a build by this code links them (`FileOutput.stored`), `--full`
    too (it renders every page; a data file is not one), instead of splitting 400,000 rows
    again (the per-province files were half the data files' cost of a national `--full`).
    The build reads a linked text file back and scans it (generator.build._produce_job),
    unless an earlier build by this code scanned these very bytes clean (generator.scanmemo):
    every published byte is still scanned. One version is kept per URL. ANTQ_CHECK_DEPS=1
    produces a kept file anyway and stops when its bytes differ."""

    def __init__(self, cache_dir: Path | None, code: str | None) -> None:
        self.root = generation(cache_dir / "opendata-files", code) if cache_dir else None

    def keep(self, output: FileOutput) -> FileOutput:
        """`output`, its bytes kept in the store once made (unless kept elsewhere)."""
        if self.root is None or output.stored is not None:
            return output
        digest = hashlib.sha256(output.inputs.encode()).hexdigest()[:40]
        path = self.root / f"{output.url.lstrip('/')}~{digest}"
        output.stored = _stored(path, output.produce, output.url)
        return output


def _stored(path: Path, produce: Callable[[], bytes], url: str) -> Callable[[], Path]:
    def stored() -> Path:
        if path.is_file():
            if os.environ.get("ANTQ_CHECK_DEPS") == "1" and produce() != path.read_bytes():
                raise RuntimeError(f"{url}: kept by its key, yet its bytes changed")
            return path
        name = path.name.rpartition("~")[0]
        _replace(path.parent, f"{glob.escape(name)}~*", path, produce())
        return path

    return stored


def _descriptor(path: Path, plain: list[str]) -> Any:
    """datapackage.yaml as published: as written, unless a table is offered whole only as
    compressed CSV; its `path` then names that file (Frictionless reads .csv.gz)."""

    def produce() -> bytes:
        import yaml

        data = path.read_bytes()
        descriptor = yaml.safe_load(data)
        changed = False
        for resource in descriptor.get("resources") or []:
            if isinstance(resource, dict) and resource.get("name") not in plain:
                resource["path"] = f"{resource.get('name')}.csv.gz"
                changed = True
        if not changed:
            return data
        text = yaml.safe_dump(descriptor, allow_unicode=True, sort_keys=False)
        return text.encode("utf-8")

    return produce


# Per process (the build's produce jobs run in forked workers, a table's jobs one after the
# other): the rows of the current table split by province, made once per kind (CSV, JSON)
# and shared by that table's province files; the province index is kept for the next table.
_SPLITS: dict[str, Any] = {}


def _split(package: PackageSpec, name: str, kind: str) -> dict[str, Any]:
    key = f"{package.descriptor_path}:{name}"
    if _SPLITS.get("key") != key:
        index = _SPLITS.get("index")
        if _SPLITS.get("package") != str(package.descriptor_path) or index is None:
            index = ProvinceIndex(package)
        _SPLITS.clear()  # one table at a time: the national assessments are large
        _SPLITS.update(key=key, package=str(package.descriptor_path), index=index)
    if kind not in _SPLITS:
        index = _SPLITS["index"]
        spec = package.resource(name)
        link = index.link(name)
        assert spec is not None and link is not None
        if kind == "csv":
            _SPLITS[kind] = _split_csv(spec, index, link[0])
        else:
            _SPLITS[kind] = _split_json(spec, _split(package, name, "csv"))
    found: dict[str, Any] = _SPLITS[kind]
    return found


def _split_csv(spec: ResourceSpec, index: ProvinceIndex, column: str) -> dict[str, Any]:
    from generator.data.load import LoadError

    table, problems = open_table(spec.path, display_path(spec.path), spec.name)
    if table is None:
        raise LoadError([p.line() for p in problems])
    position = table.header.index(column)
    out: dict[str, list[list[str]]] = {}
    header = table.header
    # `index.of`'s lookup, its table's keys found once (not per row).
    link = index.link(spec.name)
    keys = (index.key_provinces(link[1]) if link is not None else None) or {}
    numbers: dict[str, list[int]] = {}  # each row's line (`_Kept`: one row a line)
    normal = _is_nfc(table.text)
    get = keys.get
    for number, cells in _table_records(table):
        if not any(cells):
            continue
        value = cells[position].strip() if position < len(cells) else ""
        province = get(value if normal or value.isascii() else nfc(value), "")
        found = out.get(province)
        if found is None:
            found = out[province] = []
            numbers[province] = []
        found.append(cells)
        numbers[province].append(number)
    return {
        "header": header,
        "rows": out,
        "lines": numbers,
        "delimiter": table.delimiter,
        "position": position,
        "keys": keys,
        "spec": spec,
        # (the bytes read, when the text is all of them decoded: `rawcsv.Table.data`)
        "data": (table.data or table.text.encode("utf-8"))
        if not table.bom and not table.trailing_empty
        else None,
        "nfc": normal,  # every cell is NFC already (`_is_nfc`)
        "cr": "\r" in table.text,  # a cell may hold a carriage return
        # No cell holds a quote, a line break or a ',' (`_province_csv`'s fast road).
        "plain": table.delimiter == "," and '"' not in table.text and "\r" not in table.text,
    }


def _table_records(table: Table) -> Iterator[tuple[int, list[str]]]:
    """`Table.rows`' records after the header, numbered from 1 (the header's 0), by
    `load.text_rows` (issue 18: the csv module took ~1.6 times `str.split`'s time, ~0.2 CPU
    s more of the national cold build's splits: a serial bench of the six split tables,
    1.62 s against 1.39)."""
    from generator.data.load import text_rows

    return enumerate(text_rows(table.text, table.delimiter), 1)


def _is_nfc(text: str) -> bool:
    """Whether every cell read from `text` is in NFC, told by one or two C passes (none
    copies a text in NFC), so that `nfc` per cell (6 million calls on the national package)
    can be skipped. A cell is parts of the text joined where the reader dropped a quote (a
    closing one, or one of two); a part of an NFC text is NFC (canonical order holds in any
    part of a sequence, and a pair that would compose in the part, with nothing blocking
    between, is in the whole too). So the text in NFC, and in NFC without its quotes (the
    parts a dropped quote joins: `"ơ"̃` is NFC, its cell `ỡ` is not), says it: the quotes a
    cell keeps compose with nothing and block as they did. A validated table is NFC unless
    an official typed NFD (a warning, `nfd-text`): its cells are normalised one by one."""
    if text.isascii():
        return True
    if not unicodedata.is_normalized("NFC", text):
        return False
    return '"' not in text or unicodedata.is_normalized("NFC", text.replace('"', ""))


def _split_json(spec: ResourceSpec, split: dict[str, Any]) -> dict[str, Any]:
    """The CSV split's rows as JSON rows (`_json_rows`' conversion, a province at a time
    when its file is produced)."""
    from generator.data.load import json_row_maker

    # issue 18 item 7: a row's values made into its JSON object by one generated function
    # (the record and `_jsonable` per cell cost three times as much), its cells normalised
    # only when the table's text is not NFC already (`_is_nfc`).
    make = json_row_maker(spec, split["header"])
    normal = split.get("nfc", False)  # (a split patched by `antq serve`: see `_patch_split`)

    def row(cells: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = make(cells if normal else list(map(nfc, cells)))
        return found

    def rows(code: str) -> list[dict[str, Any]]:
        return [row(cells) for cells in split["rows"].get(code, [])]

    # Each row's JSON text by its cells (`_row_texts`): the same cells give the same text.
    memo = _row_texts(("json", spec.descriptor_hash(), *split["header"]))
    numbers = [f.name for f in spec.fields if f.type == "number"]
    # Without a number (`_json_bytes`' check reads the rows by name), `antq build`'s rows
    # are msgspec Structs encoded as the dicts are (`_row_struct`): made and encoded in
    # ~0.6 of a dict's time (~0.15 CPU s less of the national cold build's JSON).
    typed = None if numbers else _row_struct(spec.field_names)
    fast = json_row_maker(spec, split["header"], typed) if typed is not None else None

    def data(code: str, kept: bool = True) -> bytes:
        """`json.dumps(rows(code), ensure_ascii=False, separators=(",", ":"))` in UTF-8
        (`_json_bytes`); `kept`: each row's text made once (the list's text is its items'
        texts joined by ","), for the next build of a long-lived process, else the list
        encoded in one call (a call per row cost twice as much: `antq build` makes each
        province once)."""
        if not kept:
            if fast is not None:
                cells = split["rows"].get(code, [])
                return _ENCODE([fast(c if normal else list(map(nfc, c))) for c in cells])
            return _json_bytes(rows(code), numbers)
        parts = []
        for cells in split["rows"].get(code, []):
            key = tuple(cells)
            found = memo.get(key)
            if found is None:
                found = _json_bytes(row(cells), numbers).decode("utf-8")
                memo[key] = found
            parts.append(found)
        return ("[" + ",".join(parts) + "]").encode("utf-8")

    def text(code: str, kept: bool = True) -> str:
        return data(code, kept).decode("utf-8")

    return {"rows": rows, "text": text, "data": data}


_ENCODE = msgspec.json.Encoder().encode


def _row_struct(names: list[str]) -> type | None:
    """A msgspec Struct whose JSON is the dict of `names` (in this order) → its values, the
    values given in that order; None when msgspec cannot name a field so (a quote, a
    backslash or a control character in a name, a name repeated)."""
    fields = [f"f{i}" for i in range(len(names))]  # (any name: a keyword, a leading "_")
    try:
        rename = dict(zip(fields, names, strict=True))
        # (gc=False: its values are None, bools, numbers and texts, no cycle to collect)
        return msgspec.defstruct("JsonRow", fields, rename=rename, gc=False)
    except (ValueError, TypeError):
        return None


def _json_bytes(value: list[dict[str, Any]] | dict[str, Any], numbers: list[str]) -> bytes:
    """`json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")` of the
    open data's JSON rows (or a row), by msgspec (issue 18: json.dumps was ~1.9 CPU s of
    the national cold build's province files, 155 py-spy samples; msgspec ~5 times less:
    0.13 s for the assessments' 400,000 rows against 0.69). Their values are what
    `json_row_maker` and `_json_rows` make: None, bool, int, str (a date as text), float
    (`numbers`: the fields of type number). msgspec writes the first four as json.dumps
    does (every code point, U+2028/2029 and the control characters escaped alike, ints of
    any size: tests/test_opendata_fast.py), and a float alike when it is 0 or
    1e-4 <= |x| < 1e16 (both write its shortest repr in plain decimals); outside (1e-05,
    1e+16, NaN, Infinity: json.dumps writes an exponent with a sign and two digits, or a
    literal), json.dumps writes the whole. (A str holds no lone surrogate: the tables are
    decoded from UTF-8 strictly, `rawcsv.decode`.)"""
    if numbers:
        rows = [value] if isinstance(value, dict) else value
        for name in numbers:
            for number in [row[name] for row in rows]:
                if number and not 1e-4 <= abs(number) < 1e16:  # (NaN: not within)
                    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return _ENCODE(value)


# `antq serve` (issue 18): an edit makes again the files of the provinces its rows are in,
# each of every row of that province (~12,000 of the national yearly results: ~0.15 CPU s
# of conversions for one changed row). Each row's published text (a JSON object, a CSV
# line) is kept by the row's cells and the table's header and descriptor, which are all it
# is made from: only the changed rows are converted again. At most `ROW_TEXTS_KEPT` rows.
_ROW_TEXTS: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {}
ROW_TEXTS_KEPT = 200_000


def _row_texts(kind: tuple[str, ...]) -> dict[tuple[str, ...], str]:
    """The kept texts of rows of one kind (what they are made with, `_ROW_TEXTS`)."""
    if sum(len(texts) for texts in _ROW_TEXTS.values()) > ROW_TEXTS_KEPT:
        _ROW_TEXTS.clear()
    return _ROW_TEXTS.setdefault(kind, {})


def _province_csv(package: PackageSpec, name: str, code: str, kept: bool = True) -> Any:
    """The province's rows as compressed CSV; `kept`: each row's line kept for the next
    build (`_ROW_TEXTS`, a long-lived process), else the rows written in one call."""

    def produce() -> bytes:
        split = _split(package, name, "csv")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(split["header"])
        if not kept:
            rows = split["rows"].get(code, [])
            if split.get("plain", False) and rows:
                # No cell holds a ',', a quote or a line break (`_split_csv`' "plain"): a
                # csv writer's line of a row is then its cells joined by ',' (a lone blank
                # cell, which it quotes, is a blank row, never split), made here by C calls
                # (issue 18: ~0.55 CPU s less of the national cold build's province CSVs,
                # a serial bench of the six split tables: 2.25 s with gzip against 1.69).
                out.write("\n".join(map(",".join, rows)))
                out.write("\n")
                rows = []
            if split.get("cr", True):
                rows = [[c.replace("\r\n", "\n") for c in row] for row in rows]
            writer.writerows(rows)
            data = out.getvalue().encode("utf-8")
            return gzip_bytes(data)
        # Each row's line made once (`_ROW_TEXTS`): a csv writer's line of a row is its own.
        memo = _row_texts(("csv", *split["header"]))
        parts = [out.getvalue()]
        for row in split["rows"].get(code, []):
            key = tuple(row)
            found = memo.get(key)
            if found is None:
                out.seek(0)
                out.truncate()
                writer.writerow([c.replace("\r\n", "\n") for c in row])
                found = memo[key] = out.getvalue()
            parts.append(found)
        data = "".join(parts).encode("utf-8")
        return gzip_bytes(data)

    return produce


def _province_json(package: PackageSpec, name: str, code: str, kept: bool = True) -> Any:
    def produce() -> bytes:
        found: bytes = _split(package, name, "json")["data"](code, kept)
        return found

    return produce


def _copy(path: Path) -> Any:
    return lambda: path.read_bytes()


def _table(spec: ResourceSpec) -> Any:
    """The table in the plain CSV form the published descriptor declares, through the raw
    reader (an official's file may be Excel's "CSV UTF-8": BOM, ';', CRLF)."""

    def produce() -> bytes:
        from generator.data.load import LoadError

        data, _ = read_raw(spec.path, display_path(spec.path), spec.name)
        if data is not None and _canonical_already(data):
            return data  # what `Table.canonical` gives, without parsing the table
        table, problems = open_table(spec.path, display_path(spec.path), spec.name)
        if table is None:
            raise LoadError([p.line() for p in problems])
        return table.canonical()

    return produce


def _canonical_already(data: bytes) -> bool:
    """Whether `data` is published as it is (`rawcsv.Table.canonical`: UTF-8 without a
    byte-order mark or a carriage return, ',' between cells), told from its bytes and its
    header line, without parsing 400,000 rows (issue 18: each edit of the yearly results
    compresses the table again). A header with a quote, a trailing blank label or another
    delimiter, a file not UTF-8 or blank: the parse decides."""
    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data or b"\0" in data[:4096]:
        return False  # (a NUL: maybe UTF-16 without its mark, which the parse refuses)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    first = text.split("\n", 1)[0]
    if not text or text.isspace() or '"' in first or sniff_delimiter(text) != ",":
        return False
    header = [cell.strip() for cell in first.split(",")]
    return len(header) < 2 or bool(header[-1])


def _to_json(spec: ResourceSpec) -> Any:
    def produce() -> bytes:
        numbers = [f.name for f in spec.fields if f.type == "number"]
        return _json_bytes(_json_rows(spec), numbers)

    return produce


def _json_rows(spec: ResourceSpec) -> list[dict[str, Any]]:
    """The table's rows as published in JSON: typed values, dates as yyyy-mm-dd."""
    from generator.data.load import read_resource

    names = spec.field_names
    rows = []
    for record in read_resource(spec):
        values = [getattr(record, "class_" if n == "class" else n) for n in names]
        rows.append(dict(zip(names, (_jsonable(v) for v in values), strict=True)))
    return rows


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _reference(spec: ResourceSpec, package: PackageSpec, entry: dict[str, Any]) -> Page:
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
            "download": entry,
            "schema_url": f"/du-lieu/schemas/{spec.schema_path.name}" if spec.schema_path else None,
        },
        title=f"Bảng dữ liệu “{spec.title}”",
    )
