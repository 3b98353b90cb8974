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
