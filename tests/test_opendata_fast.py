"""Issue 18 (a cold build's open data): the province files made the fast way are the bytes
the plain conversion gives.

- `antq build` encodes a province's JSON rows in one call and writes its CSV rows in one
  call (`kept=False`), `antq serve` row by row with each row's text kept (`kept=True`): both
  are the per-cell conversion (record, `_jsonable`, NFC per cell; a CSV row's CRLF as LF),
  for a table in NFC, one with a cell typed in NFD, one with a CRLF inside a cell and one
  with a date the reader converts (a negative control: a date published as typed fails).
- A cell read from an NFC text is NFC (`opendata._is_nfc`, which lets the JSON skip `nfc`
  per cell), on random texts of Vietnamese letters, loose marks, quotes and delimiters.
- A split patched by `antq serve` with a row typed in NFD normalises its cells again.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import random
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from generator.data import scope
from generator.data.load import record_maker
from generator.data.schema import PackageSpec, load_package
from generator.data.scope import ProvinceIndex
from generator.pages import opendata
from generator.textvi import nfc

from .test_opendata_store import _splits

GOOD = Path(__file__).resolve().parent / "fixtures" / "good"
NFD_NAME = unicodedata.normalize("NFD", "Thôn Nghi Khê mới")


def _package(tmp_path: Path, edit: str) -> PackageSpec:
    """The good fixture, its places' second row's name `edit`ed ("nfd", "crlf"), or an
    assessment's date written as the reader takes it and JSON does not publish it ("date":
    20241120, published 2024-11-20), or as it is ("")."""
    root = tmp_path / "data"
    shutil.copytree(GOOD, root)
    places = root / "places.csv"
    text = places.read_text(encoding="utf-8")
    if edit == "nfd":
        text = text.replace("Thôn Nghi Khê,", f"{NFD_NAME},", 1)
    elif edit == "crlf":
        text = text.replace("Thôn Nghi Khê,", '"Thôn Nghi\r\nKhê",', 1)
    places.write_bytes(text.encode("utf-8"))
    if edit == "date":
        assessments = root / "assessments.csv"
        text = assessments.read_text(encoding="utf-8")
        assessments.write_text(text.replace(",2024-11-20,", ",20241120,", 1), encoding="utf-8")
    package, _ = load_package(root)
    return package


def _reference(spec: Any, split: dict[str, Any], code: str) -> tuple[bytes, bytes]:
    """A province's JSON and CSV as the per-cell conversion makes them."""
    make = record_maker(spec, split["header"])
    names = spec.field_names
    rows = []
    for cells in split["rows"].get(code, []):
        record = make([nfc(c) for c in cells])
        values = [getattr(record, "class_" if n == "class" else n) for n in names]
        rows.append(dict(zip(names, map(opendata._jsonable, values), strict=True)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(split["header"])
    for cells in split["rows"].get(code, []):
        writer.writerow([c.replace("\r\n", "\n") for c in cells])
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return data, opendata.gzip_bytes(out.getvalue().encode())


@pytest.mark.parametrize("edit", ["", "nfd", "crlf", "date"])
def test_province_files_both_ways_are_the_per_cell_conversion(tmp_path: Path, edit: str) -> None:
    package = _package(tmp_path, edit)
    index = ProvinceIndex(package)
    codes = [*index.provinces(), "no-such-province"]
    plain = {True: 0, False: 0}
    for spec in package.resources:
        link = index.link(spec.name)
        if link is None:
            continue
        opendata._SPLITS.clear()
        opendata._ROW_TEXTS.clear()
        split = opendata._split(package, spec.name, "csv")
        if spec.name == "places":  # (the edit is there, and seen as such)
            assert split["nfc"] == (edit != "nfd") and split["cr"] == (edit == "crlf")
        plain[split["plain"]] += 1  # (the CSV's cells joined by ',': `_province_csv`)
        for code in codes:
            wanted = _reference(spec, split, code)
            for kept in (False, True, True):  # (the second kept: from the rows' texts)
                made = (
                    opendata._province_json(package, spec.name, code, kept)(),
                    opendata._province_csv(package, spec.name, code, kept)(),
                )
                assert made == wanted, (edit, spec.name, code, kept)
    assert plain[True] and plain[False]  # (places: its cells have quotes and ',')
    opendata._SPLITS.clear()
    opendata._ROW_TEXTS.clear()


def test_a_province_files_gzip_is_its_csv_the_same_each_time() -> None:
    """`opendata.gzip_bytes` (libdeflate): a gzip file any reader opens to the same bytes,
    made the same each time, with no time stamp, name or operating system of the machine
    that made it in its header (flags 0, mtime 0), on a text as large as a province's
    yearly results and on an empty one."""
    rows = "".join(f"kq-{i},xa-{i % 97},{2020 + i % 6},dat\n" for i in range(60_000))
    for text in (rows.encode(), b""):
        made = opendata.gzip_bytes(text)
        assert type(made) is bytes and gzip.decompress(made) == text
        assert made == opendata.gzip_bytes(text)
        assert made[:8] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00" and made[9] == 0xFF
    assert len(opendata.gzip_bytes(rows.encode())) <= len(gzip.compress(rows.encode(), 6))


def test_the_json_rows_bytes_are_json_dumps() -> None:
    """`opendata._json_bytes` (msgspec) gives json.dumps' bytes for every value the JSON
    rows hold (`json_row_maker`): every code point (control characters, quotes, backslash,
    U+2028/2029, non-ASCII), None, bools, ints of any size, and floats, those msgspec writes
    otherwise (an exponent, NaN, Infinity) by json.dumps. Negative control: those floats
    given to msgspec without their field named as a number differ."""

    def dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    strings = [every, "", 'a"b\\c/', "\u2028\u2029", "Thôn Nghi Khê", "\x00\x1f\x7f\x85"]
    strings += [chr(c) for c in range(0x100)]
    ints = [0, -1, 7, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**40, -(10**40)]
    rows = [{"s": s, "i": i, "b": b, "n": None} for s in strings for i in ints for b in (1, 0)]
    rows = [{**row, "b": bool(row["b"])} for row in rows]
    assert opendata._json_bytes(rows, []) == dumps(rows)
    assert all(opendata._json_bytes(row, []) == dumps(row) for row in rows)
    rng = random.Random(18)
    inside = [0.0, -0.0, 1e-4, -1e-4, 0.1, 1.5, 21.028511, 105.804817, 123456789.125]
    inside += [math.nextafter(1e16, 0), -math.nextafter(1e16, 0), math.nextafter(1e-4, 1)]
    inside += [rng.uniform(-180, 180) for _ in range(20000)]
    inside += [rng.uniform(1, 10) * 10 ** rng.randint(-4, 15) for _ in range(20000)]
    inside = [x for x in inside if x == 0 or 1e-4 <= abs(x) < 1e16]
    outside = [1e16, -1e16, math.nextafter(1e-4, 0), 1e-5, 5e-324, 1e300, 1.5e22]
    outside += [math.nan, math.inf, -math.inf]
    for floats in (inside, *([x] for x in outside)):
        made = [{"x": x, "y": None, "s": "ệ"} for x in floats]
        assert opendata._json_bytes(made, ["x", "y"]) == dumps(made)
        assert all(opendata._json_bytes(row, ["x", "y"]) == dumps(row) for row in made)
    assert opendata._json_bytes([{"x": x} for x in inside], []) == dumps([{"x": x} for x in inside])
    differ = [1e16, -1e16, 1e-5, 1.5e22, math.nan, math.inf, -math.inf]
    assert all(opendata._json_bytes({"x": x}, []) != dumps({"x": x}) for x in differ)


def test_a_json_row_struct_encodes_as_its_dict() -> None:
    """`opendata._row_struct`: a row made as a msgspec Struct (`antq build`'s JSON rows of a
    table without numbers) is encoded as json.dumps encodes the dict, whatever its field
    names; names msgspec cannot write (a quote, a backslash, a control character) or
    repeated ones (msgspec refuses them too) give None (the dicts are encoded then)."""
    names = ["class", "_x", "f0", "mro", "__init__", "a b", "", "Tên ệ", "\u2028", "x" * 300]
    typed = opendata._row_struct(names)
    assert typed is not None
    values = [None, True, 3, 'ệ\n"', "2024-11-20", 2**70, False, "", "\u2029", "x"]
    row = dict(zip(names, values, strict=True))
    wanted = json.dumps([row, row], ensure_ascii=False, separators=(",", ":")).encode()
    assert opendata._ENCODE([typed(*values), typed(*values)]) == wanted
    for bad in (['a"b'], ["a\\b"], ["a\x01"], ["a", "b", "a"]):
        assert opendata._row_struct(bad) is None, bad


def test_a_tables_records_are_the_csv_modules() -> None:
    """`opendata._table_records` (a text without a quote, CR or NUL split by `str.split`)
    gives `Table.rows`' records but blank ones, with their numbers, on random texts of
    delimiters, quotes, line feeds, CRs, NULs and other separators, and on the fixtures.
    Negative control: a text with a quoted line feed split by lines differs."""
    from generator.data.rawcsv import read_table

    def same(data: bytes) -> bool:
        try:
            table, _ = read_table(data, "x.csv")
        except csv.Error:
            return True
        if table is None:
            return True
        try:
            wanted: Any = [(n - 1, c) for n, c in table.rows() if any(c)]
        except csv.Error as exc:
            wanted = repr(exc)
        try:
            made: Any = [(n, c) for n, c in opendata._table_records(table) if any(c)]
        except csv.Error as exc:
            made = repr(exc)
        return bool(made == wanted)

    for path in GOOD.glob("*.csv"):
        assert same(path.read_bytes()), path
    rng = random.Random(18)
    pieces = ["a", "ệ", " ", ",", ";", "\t", '"', '""', "\n", "\r", "\0", "\x0b", "\u2028"]
    heads = ["h1,h2\n", "h1;h2;h3\n", '"h\n1",h2\n', "", "h\n"]
    for _ in range(20000):
        text = rng.choice(heads) + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert same(text.encode()), repr(text)
    table, _ = read_table(b'h1,h2\n"a\nb",c\n', "x.csv")
    assert table is not None
    lines = [line.split(",") for line in table.text.split("\n")[1:] if line]
    assert [c for _, c in opendata._table_records(table)] != lines


def test_a_plain_tables_csv_is_its_cells_joined() -> None:
    """A split whose text has no quote, no CR and ',' between cells (`plain`) writes each
    row as its cells joined by ',' (`_province_csv`): what a csv writer writes, on random
    cells of anything else (tabs, spaces, other line separators, controls). Negative
    control: with a ',' or a quote in a cell, the two differ."""
    rng = random.Random(18)
    pieces = [chr(c) for c in range(0x250) if chr(c) not in ',"\r\n'] + ["\u2028", "ệ"]
    for _ in range(20000):
        row = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 3))) for _ in range(3)]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(row)
        assert out.getvalue() == ",".join(row) + "\n" or not any(row), row
    for cell in ("a,b", 'a"b', "a\nb"):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(["x", cell])
        assert out.getvalue() != f"x,{cell}\n"


def _kept_split(tmp_path: Path, table: str) -> tuple[Any, Any, ProvinceIndex, dict[str, Any], Any]:
    """A fixture package's `table` split by province and kept as `antq serve` keeps it
    (`_keep`): the package, the table's spec, the province index, the split and the kept
    entry."""
    package = _package(tmp_path, "")
    spec = package.resource(table)
    assert spec is not None
    index = ProvinceIndex(package)
    link = index.link(table)
    assert link is not None
    split = opendata._split_csv(spec, index, link[0])
    assert split["data"] is not None
    opendata._KEPT.clear()
    opendata._keep(table, "context", "digest", split, {})
    return package, spec, index, split, opendata._KEPT[table]


def test_a_patched_row_with_a_quote_is_written_by_the_csv_writer(tmp_path: Path) -> None:
    """`antq serve` patches a kept plain split with a row whose cell holds ',' (quoted):
    the split is no longer plain, and its province's CSV quotes the cell as the per-cell
    conversion does. Negative control: without `_patch_split` clearing `split["plain"]`,
    the cell is published unquoted (a column too many)."""
    package, spec, index, split, kept = _kept_split(tmp_path, "assessments")
    assert split["plain"]
    head, first, *rest = split["data"].split(b"\n")
    cells = first.decode().split(",")
    cells[split["header"].index("issuer")] = '"UBND xã A, huyện B"'
    edited = b"\n".join([head, ",".join(cells).encode(), *rest])
    assert opendata._patch_split(kept, edited) is not None
    assert not kept.split["plain"]
    opendata._SPLITS.clear()
    opendata._SPLITS.update(
        key=f"{package.descriptor_path}:assessments",
        package=str(package.descriptor_path),
        index=index,
        csv=kept.split,
    )
    seen = 0
    for code in index.provinces():
        made = opendata._province_csv(package, "assessments", code, False)()
        assert made == _reference(spec, kept.split, code)[1]
        seen += '"UBND xã A, huyện B"' in gzip.decompress(made).decode()
    assert seen == 1
    opendata._SPLITS.clear()
    opendata._KEPT.clear()


# Precomposed letters, their bases, loose marks (tones, breve, circumflex, horn, and one
# that composes with nothing here), and what a CSV cuts or unquotes at.
_PIECES = [*"aăâeêoôơuưyAĐđ", "ế", "ữ", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
_PIECES += ["\u0302", "\u0306", "\u031b", "\u0345", ",", '"', '""', "\n", " ", "x"]


def test_a_cell_of_an_nfc_text_is_nfc() -> None:
    """Negative control: the same check of texts not in NFC finds cells not in NFC (the
    test could not pass by never looking)."""
    rng = random.Random(18)
    found_not_nfc = 0
    for _ in range(3000):
        raw = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 30)))
        for text in (unicodedata.normalize("NFC", raw), raw):
            try:
                cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
            except csv.Error:
                continue
            if opendata._is_nfc(text):
                assert all(unicodedata.is_normalized("NFC", c) for c in cells), repr(text)
            else:
                found_not_nfc += any(not unicodedata.is_normalized("NFC", c) for c in cells)
    assert found_not_nfc > 100


def test_a_patched_row_in_nfd_is_normalised(tmp_path: Path) -> None:
    """`antq serve` patches a kept split (`_patch_split`) with a row typed in NFD: the
    province's JSON normalises it (the split is no longer known NFC). Negative control:
    without `_patch_split` clearing `split["nfc"]`, the NFD name is published as typed."""
    _, spec, index, split, kept = _kept_split(tmp_path, "places")
    assert split["nfc"]
    edited = split["data"].replace("Thôn Nghi Khê,".encode(), f"{NFD_NAME},".encode(), 1)
    assert opendata._patch_split(kept, edited) is not None
    assert not kept.split["nfc"]
    for code in index.provinces():
        json_text = opendata._split_json(spec, kept.split)["text"](code, False)
        assert json_text.encode() == _reference(spec, kept.split, code)[0]
        assert NFD_NAME not in json_text
    opendata._KEPT.clear()


def test_a_first_builds_digests_are_made_side_by_side(tmp_path: Path, monkeypatch) -> None:
    """`Memo.prefetch` makes the digests of the tables to split and each table compressed
    whole in forked processes (none split or compressed in this one) and keeps them where
    `Memo.digests` and `Memo.packed` read them: what this process makes without a cache
    folder, and the province of each row of the tables the splits read (`learn`), none of
    them read here. Negative controls (run by hand, each fails the test): the digests kept
    under the wrong table's name (`zip(jobs, reversed(found))`); no prefetch (this process
    splits and compresses every table); the provinces not learnt."""
    from generator import limits

    monkeypatch.setattr(limits, "SPLIT_ABOVE", 1)  # the fixture's tables split per province
    monkeypatch.setenv("ANTQ_WORKERS", "2")
    monkeypatch.setattr(opendata, "_KEPT", {})
    package = _package(tmp_path, "")
    index = ProvinceIndex(package)
    specs = [spec for spec in package.resources if opendata._split_table(spec, index)]
    assert len(specs) >= 3
    opendata._SPLITS.clear()
    wanted = {s.name: opendata.Memo(None, package, index).digests(s) for s in specs}
    split_here = _splits(monkeypatch)
    compressed_here: list[int] = []
    compress = opendata.gzpieces.compress
    monkeypatch.setattr(
        opendata.gzpieces, "compress", lambda *a: compressed_here.append(1) or compress(*a)
    )
    read_here: list[str] = []  # the tables read whole for their rows' provinces
    read_records = scope.read_records
    monkeypatch.setattr(
        scope, "read_records", lambda s: read_here.append(s.name) or read_records(s)
    )
    memo = opendata.Memo(tmp_path / "cache", package, ProvinceIndex(package))
    memo.prefetch(specs)
    assert {s.name: memo.digests(s) for s in specs} == wanted
    for spec in specs:  # (learnt from the forked processes: the render stage's splits read it)
        target = memo.index.link(spec.name)[1]  # type: ignore[index]
        assert memo.index.key_provinces(target) == index.key_provinces(target)
    assert read_here == []
    for spec in package.resources:  # each table compressed whole, as `packed` makes it
        whole = compress(opendata._table(spec)(), opendata.GZIP_LEVEL).gz
        assert memo.packed(spec, opendata.file_sha256(spec.path))[1]() == whole
    assert split_here == [] and compressed_here == []
    opendata._SPLITS.clear()


def test_a_first_builds_province_files_are_kept_by_the_split_for_digests(
    tmp_path: Path, monkeypatch
) -> None:
    """`Memo.prefetch` with the store: the forked process that split a table for its
    digests keeps each province's files in the store (`_store_split`), where the render
    stage's `FileOutput.stored` finds them: no table is split again in this process, and
    the kept bytes are the ones the produce functions make here from a split of their own.
    Negative control (run by hand: the test fails): `_store_split` not called (each
    province's files produced here, every table split again)."""
    from generator import limits

    monkeypatch.setattr(limits, "SPLIT_ABOVE", 1)
    monkeypatch.setenv("ANTQ_WORKERS", "2")
    monkeypatch.setattr(opendata, "_KEPT", {})
    package = _package(tmp_path, "")
    index = ProvinceIndex(package)
    specs = [spec for spec in package.resources if opendata._split_table(spec, index)]
    cache = tmp_path / "cache"
    memo = opendata.Memo(cache, package, ProvinceIndex(package))
    store = opendata._Store(cache, None)
    opendata._SPLITS.clear()
    split_here = _splits(monkeypatch)
    memo.prefetch(specs, store)
    provinces = index.provinces()
    outputs = {
        spec.name: [
            store.keep(o)
            for o in opendata._province_files(memo, spec, provinces, memo.digests(spec))
        ]
        for spec in specs
    }
    paths = {o.url: o.stored() for made in outputs.values() for o in made if o.stored}
    assert split_here == [] and len(paths) == 2 * len(provinces) * len(specs)
    for made in outputs.values():
        for output in made:
            assert paths[output.url].read_bytes() == output.produce(), output.url
    assert len(split_here) == len(specs)  # (the bytes compared were made here)
    opendata._SPLITS.clear()
