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
    return data, gzip.compress(out.getvalue().encode(), opendata.GZIP_LEVEL, mtime=0)


@pytest.mark.parametrize("edit", ["", "nfd", "crlf", "date"])
def test_province_files_both_ways_are_the_per_cell_conversion(tmp_path: Path, edit: str) -> None:
    package = _package(tmp_path, edit)
    index = ProvinceIndex(package)
    codes = [*index.provinces(), "no-such-province"]
    for spec in package.resources:
        link = index.link(spec.name)
        if link is None:
            continue
        opendata._SPLITS.clear()
        opendata._ROW_TEXTS.clear()
        split = opendata._split(package, spec.name, "csv")
        if spec.name == "places":  # (the edit is there, and seen as such)
            assert split["nfc"] == (edit != "nfd") and split["cr"] == (edit == "crlf")
        for code in codes:
            wanted = _reference(spec, split, code)
            for kept in (False, True, True):  # (the second kept: from the rows' texts)
                made = (
                    opendata._province_json(package, spec.name, code, kept)(),
                    opendata._province_csv(package, spec.name, code, kept)(),
                )
                assert made == wanted, (edit, spec.name, code, kept)
    opendata._SPLITS.clear()
    opendata._ROW_TEXTS.clear()


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
    package = _package(tmp_path, "")
    spec = package.resource("places")
    assert spec is not None
    index = ProvinceIndex(package)
    link = index.link("places")
    assert link is not None
    split = opendata._split_csv(spec, index, link[0])
    assert split["nfc"] and split["data"] is not None
    opendata._KEPT.clear()
    opendata._keep("places", "context", "digest", split, {})
    kept = opendata._KEPT["places"]
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
