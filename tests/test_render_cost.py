"""Issue 18 item 7: the render stage's cheaper paths give what the plain ones gave.

- `generator.render._Environment.getattr` (a dict's key without Jinja's AttributeError)
  looks up `x.name` as Jinja's own `Environment.getattr` does, for every kind of value.
- The open-data JSON rows of a province (`opendata._split_json`, `_jsonable` only for the
  fields that need it) are the rows the per-cell conversion made.
"""

from __future__ import annotations

import json
from collections import OrderedDict, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator.data.load import record_maker
from generator.data.schema import load_package
from generator.data.scope import ProvinceIndex
from generator.pages import opendata
from generator.render import Renderer
from generator.textvi import nfc

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "fixtures" / "good"


class _Thing:
    title = "thuộc tính"

    def __getitem__(self, key: str) -> str:
        return f"khóa {key}"


# Dicts whose keys shadow a dict method (Jinja gives the method), plain keys, missing
# keys, a dict subclass, objects with attributes or items only, a Markup string.
CONTEXT: dict[str, Any] = {
    "d": {"title": "Tiêu đề", "items": "khóa items", "get": 1, "copy": None, "n": 3},
    "od": OrderedDict(title="thứ tự", keys="khóa keys"),
    "dd": defaultdict(lambda: "mặc định", {"title": "dd"}),
    "t": _Thing(),
    "day": date(2025, 11, 21),
    "rows": [{"a": 1, "b": date(2024, 1, 2)}, {"a": 2, "b": None, "values": "v"}],
}
EXPRESSIONS = (
    "{{ d.title }}|{{ d.n }}|{{ d.get is callable }}|{{ d.items is callable }}",
    "{{ d.copy is callable }}|{{ d.keys() | list | length }}|{{ d.__class__.__name__ }}",
    "{{ od.title }}|{{ od.keys is callable }}|{{ dd.title }}|{{ dd.missing }}",
    "{{ t.title }}|{{ t.other }}|{{ day.year }}|{{ day.isoformat() }}",
    "{% for r in rows %}{{ r.a }}{{ r.b }}{{ r.values is callable }};{% endfor %}",
    "{{ d['items'] }}|{{ d.title | upper }}",
)
MISSING = ("{{ d.nothing }}", "{{ rows[1].c }}", "{{ d.title.nothing }}")


def _both(tmp_path: Path) -> tuple[jinja2.Environment, jinja2.Environment]:
    ours = Renderer(tmp_path, {}).env
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return ours, plain


def test_dict_lookup_is_jinjas(tmp_path: Path) -> None:
    ours, plain = _both(tmp_path)
    assert type(ours).getattr is not jinja2.Environment.getattr  # (the cheap path is used)
    for source in EXPRESSIONS:
        expected = plain.from_string(source).render(CONTEXT)
        assert ours.from_string(source).render(CONTEXT) == expected, source
    # A dict's method wins over its key, as in Jinja ("items" is a key and a method).
    assert ours.from_string("{{ d.items is callable }}").render(CONTEXT) == "True"
    for source in MISSING:  # StrictUndefined: the same error either way
        with pytest.raises(jinja2.UndefinedError) as found:
            ours.from_string(source).render(CONTEXT)
        with pytest.raises(jinja2.UndefinedError) as wanted:
            plain.from_string(source).render(CONTEXT)
        assert str(found.value) == str(wanted.value)


def _per_cell(spec: Any, split: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """The conversion as it was: NFC, the record, `_jsonable` of every value."""
    make = record_maker(spec, split["header"])
    names = spec.field_names
    out = []
    for cells in split["rows"].get(code, []):
        record = make([nfc(c) for c in cells])
        values = [
            opendata._jsonable(getattr(record, "class_" if n == "class" else n)) for n in names
        ]
        out.append(dict(zip(names, values, strict=True)))
    return out


def test_province_json_rows_are_the_per_cell_conversion() -> None:
    package, problems = load_package(GOOD)
    assert not problems
    index = ProvinceIndex(package)
    tables = dated = 0
    for spec in package.resources:
        link = index.link(spec.name)
        if link is None:
            continue
        split = opendata._split_csv(spec, index, link[0])
        rows = opendata._split_json(spec, split)["rows"]
        for code in [*split["rows"], "no-such-province"]:
            wanted = _per_cell(spec, split, code)
            assert rows(code) == wanted, (spec.name, code)
            # Published as JSON: the same bytes (a date left as an object would not dump).
            assert json.dumps(rows(code), ensure_ascii=False) == json.dumps(
                wanted, ensure_ascii=False
            )
        tables += 1
        dated += any(f.type == "date" for f in spec.fields) and any(split["rows"].values())
    assert tables >= 5 and dated >= 2  # the fixture splits tables with and without dates
