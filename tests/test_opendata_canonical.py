"""The open data's whole-table files (issue 18): a table already in the published form is
published from its bytes, without parsing it (`opendata._canonical_already`), and gives
the same bytes as the parse (`rawcsv.Table.canonical`) would; any other form is parsed."""

from __future__ import annotations

import pytest

from generator.data.rawcsv import read_table
from generator.pages.opendata import _canonical_already

PLAIN = 'id,tên,năm\n1,Hà Nội,2024\n2,"Huế, cũ",2025\n'.encode()


@pytest.mark.parametrize(
    ("data", "as_is"),
    [
        (PLAIN, True),
        (PLAIN.rstrip(b"\n"), True),  # no line feed after the last row
        (b"id\n1\n2\n", True),  # one column
        (b"\xef\xbb\xbf" + PLAIN, False),  # Excel's "CSV UTF-8"
        (PLAIN.replace(b"\n", b"\r\n"), False),
        (PLAIN.replace(b",", b";"), False),
        (PLAIN.replace(b",", b"\t"), False),
        (b"id,year,\n1,2024,\n", False),  # a blank column Excel left
        (b'"id",year\n1,2024\n', False),  # a quoted label: the parse reads the header
        (b"id,ten\n1,\xff\n", False),  # not UTF-8: the parse refuses it
    ],
)
def test_a_table_in_the_published_form_is_published_as_it_is(data: bytes, as_is: bool) -> None:
    assert _canonical_already(data) == as_is
    table, _ = read_table(data, "t.csv")
    if as_is:
        assert table is not None and table.canonical() == data
    elif table is not None and b'"id"' not in data:  # (a quoted label: parsed to be sure)
        assert table.canonical() != data  # published as it is, it would be wrong


@pytest.mark.parametrize(
    ("new", "known"),
    [
        (PLAIN.replace("Hà Nội".encode(), "Hà Tây".encode()), True),  # a cell edited
        (PLAIN + "3,Đà Nẵng,2026\n".encode(), True),  # a row added
        (PLAIN.replace("Hà Nội".encode(), b"H\xff"), False),  # not UTF-8 where it changed
        (PLAIN.replace(b"1,H", b"1,\r\nH"), False),  # a carriage return
        (PLAIN.replace(b"id,", b"ma,"), False),  # another header: not known from the lines
    ],
)
def test_the_published_form_after_an_edit_is_told_from_its_changed_lines(
    new: bytes, known: bool
) -> None:
    """`opendata._canonical_after`: from a table in the published form, whether the edited
    bytes are too, from the changed lines alone (the gzip patch of `antq serve` relies on
    it); whenever it says so, the whole check agrees. Negative control (run by hand): not
    decoding the changed lines says the bytes with \\xff are published as they are."""
    from generator.pages.opendata import _canonical_after

    assert _canonical_after(PLAIN, new) == known
    if known:
        assert _canonical_already(new)


def test_a_provinces_files_are_the_rows_texts_made_once(monkeypatch) -> None:
    """The JSON and CSV of a province (`opendata._split_json`'s `text`, `_province_csv`)
    are made from each row's text kept by its cells (`_ROW_TEXTS`): the same bytes as the
    whole encoding, before and after a row of the split changes. Negative control (run by
    hand): the texts kept by the row's position give the old row's text after the edit."""
    import csv
    import io
    import json
    from pathlib import Path

    from generator.data.schema import load_package
    from generator.pages import opendata

    package, _ = load_package(Path(__file__).parent / "fixtures" / "good")
    spec = package.resource("assessments")
    assert spec is not None
    table, _ = read_table(spec.path.read_bytes(), "assessments.csv")
    assert table is not None
    rows = [cells for _, cells in table.rows()]
    split = {"header": table.header, "rows": {"31": rows}, "spec": spec}
    monkeypatch.setattr(opendata, "_split", lambda package, name, kind: made[kind])
    made = {"csv": split, "json": opendata._split_json(spec, split)}
    opendata._ROW_TEXTS.clear()

    def whole() -> tuple[str, bytes]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([table.header, *rows])
        text = json.dumps(made["json"]["rows"]("31"), ensure_ascii=False, separators=(",", ":"))
        return text, opendata.gzip_bytes(out.getvalue().encode())

    produce = opendata._province_csv(package, "assessments", "31")
    for _ in range(2):  # (the second from the texts kept)
        assert (made["json"]["text"]("31"), produce()) == whole()
    result = table.header.index("result")
    flipped = "chua_dat" if rows[0][result] == "dat" else "dat"
    rows[0] = [*rows[0][:result], flipped, *rows[0][result + 1 :]]
    assert (made["json"]["text"]("31"), produce()) == whole()
    opendata._ROW_TEXTS.clear()
