"""The fast typed reader: schema-driven, NFC, legacy codes resolved like validation says."""

from __future__ import annotations

import unicodedata
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from generator.data.load import LoadError, check_record_types, read_package
from generator.data.records import RECORD_TYPES, attribute_name
from generator.data.schema import load_package

ROOT = Path(__file__).resolve().parents[1]


def test_record_types_mirror_the_schemas() -> None:
    package, problems = load_package(ROOT / "data")
    assert problems == []
    assert {r.name for r in package.resources} == set(RECORD_TYPES)
    for spec in package.resources:
        check_record_types(spec)
        cls = RECORD_TYPES[spec.name]
        assert [f.name for f in fields(cls)] == [attribute_name(n) for n in spec.field_names]


def test_schema_change_without_record_change_is_caught(make_package) -> None:
    package = make_package()
    schema = package / "schemas" / "events.yaml"
    text = schema.read_text(encoding="utf-8").replace(
        "primaryKey: [id]", "  - name: new_field\n    type: string\nprimaryKey: [id]"
    )
    schema.write_text(text, encoding="utf-8")
    (package / "events.csv").write_text(
        "\n".join(
            line + "," if line else line
            for line in (package / "events.csv").read_text(encoding="utf-8").split("\n")
        ).replace("legal_basis,", "legal_basis,new_field", 1),
        encoding="utf-8",
    )
    assert load_package(package)[1] == []  # the descriptor itself is fine
    with pytest.raises(LoadError, match="differ from schema"):
        read_package(package)


def test_typed_values(make_package) -> None:
    data = read_package(make_package())
    site = next(s for s in data.model_sites if s.id == "tka-cong-lac")
    assert site.members == 24 and site.exemplar is True and site.started == date(2019, 3, 1)
    assert site.lat == pytest.approx(20.7851)
    school = next(p for p in data.places if p.id == "tq-thai-binh-truong-thcs")
    assert school.lat is None and school.legacy_unit_code is None
    assert school.unit_code == "02494"  # codes stay strings with their zeros
    assert data.movement_classes[0].class_ == "xuat_sac"


def test_reader_resolves_legacy_codes_and_normalises(make_package) -> None:
    package = make_package("legacy-unit")
    places = package / "places.csv"
    nfd = unicodedata.normalize("NFD", "Thôn Đông Mới")
    places.write_text(
        places.read_text(encoding="utf-8") + f"hp-moi,{nfd},khu_dan_cu,11143,,,,\n", "utf-8"
    )
    data = read_package(package)
    by_id = {p.id: p for p in data.places}
    assert by_id["hp-dan-an-thon-1"].unit_code == "11113"  # Dân An → Tân Kỳ
    assert by_id["hp-moi"].unit_code == "11140"  # split: the default successor
    assert by_id["hp-moi"].name == unicodedata.normalize("NFC", nfd)


def test_reordered_and_excel_columns_read_the_same(make_package) -> None:
    plain = read_package(make_package()).places
    excel = read_package(make_package("excel-csv-utf8")).places
    assert excel == plain
    package = make_package()
    places = package / "places.csv"
    rows = [line.split(",") for line in places.read_text(encoding="utf-8").splitlines()]
    # Swap the first two columns (no quoted commas in those): same records.
    places.write_text(
        "\n".join(",".join([r[1], r[0], *r[2:]]) for r in rows) + "\n", encoding="utf-8"
    )
    assert read_package(package).places == plain


@pytest.mark.parametrize(
    "text",
    [
        "a,b,c\n1,2,3\n4,5,6\n",
        "a,b,c\n1,2,3\n\n4,,\n,,\n7\n8,9,10,11",  # blank, empty, short and long rows
        "a;b\nx y ;z\n ;\n",  # Excel's semicolons, spaces kept
        'a,b\n"1,5",2\n"dòng\nhai",3\n',  # quoted cells (the csv module reads them)
        "a,b\r\n1,2\r\n3,4\r\n",  # Windows line ends (idem)
    ],
)
def test_rows_are_the_csv_modules(text: str) -> None:
    import csv
    import io

    from generator.data.load import text_rows

    delimiter = ";" if text.startswith("a;") else ","
    # (A blank line is [] to the csv module, [""] split: the reader skips both, `any`.)
    expected = [r for r in list(csv.reader(io.StringIO(text), delimiter=delimiter))[1:] if any(r)]
    assert [r for r in text_rows(text, delimiter) if any(r)] == expected


def test_records_are_the_classes_own() -> None:
    """The reader fills a record's slots without its __init__: the same record, and a
    record type that does more in its __init__ is made by calling it (negative control)."""
    from dataclasses import dataclass, field

    from generator.data.load import _slot_setters
    from generator.data.records import Assessment

    package, _ = load_package(ROOT / "data")
    for spec in package.resources:
        assert _slot_setters(RECORD_TYPES[spec.name]) is not None, spec.name
    setters = _slot_setters(Assessment)
    assert setters is not None
    values = ("p-1", 2024, "dat", None, date(2024, 12, 1), "UBND", None)
    made = object.__new__(Assessment)
    for setter, value in zip(setters, values, strict=True):
        setter(made, value)
    assert made == Assessment(*values) and repr(made) == repr(Assessment(*values))

    @dataclass(frozen=True, slots=True)
    class Checked:
        code: str

        def __post_init__(self) -> None:
            assert self.code

    @dataclass(frozen=True, slots=True)
    class Defaulted:
        code: str
        tags: tuple[str, ...] = field(default=())

    @dataclass(frozen=True)
    class Unslotted:
        code: str

    assert _slot_setters(Checked) is None
    assert _slot_setters(Defaulted) is None
    assert _slot_setters(Unslotted) is None
