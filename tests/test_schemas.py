"""Schemas are strict: a key nobody knows is refused anywhere in a schema, a category entry
included, and every category label reaches the site whole (issue 13, item 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.data import schema as schema_module
from generator.data.schema import load_package
from generator.lessons import load_schema
from tests.conftest import SampleSite

ROOT = Path(__file__).resolve().parents[1]
# A category entry as written in the schema files: the label is read from the text itself,
# not from YAML, so a label YAML cut at a comma cannot agree with it by accident.
ENTRY = re.compile(r'^\s*- \{value: ([^,}]+), label: (?:"([^"]*)"|([^}]*))\}\s*$', re.M)


def _written_labels(path: Path) -> dict[str, str]:
    found = ENTRY.finditer(path.read_text(encoding="utf-8"))
    return {m[1].strip(): (m[2] if m[2] is not None else m[3]).strip() for m in found}


@pytest.mark.parametrize("root", [ROOT / "data", ROOT / "tests" / "fixtures" / "good"])
def test_every_category_label_is_read_whole(root: Path) -> None:
    package, problems = load_package(root)
    assert problems == []
    checked = 0
    for spec in package.resources:
        assert spec.schema_path is not None
        written = _written_labels(spec.schema_path)
        for field in spec.fields:
            for code, label in field.labels.items():
                assert label == written[code], (spec.name, field.name, code)
                checked += 1
    lesson = load_schema(root)
    written = _written_labels(root / "schemas" / "lesson.yaml")
    for field in lesson["fields"]:
        for entry in field.get("categories", []):
            assert entry["label"] == written[str(entry["value"])], (field["name"], entry)
            checked += 1
    assert checked > 60  # every schema with categories was read


def test_a_model_field_page_shows_the_whole_label(sample_site: SampleSite) -> None:
    """Rendered, not only read: the heading of /mo-hinh/linh-vuc/ma-tuy/ on the sample (built
    once for the run, tests/conftest.py)."""
    out = sample_site.public
    written = _written_labels(sample_site.data / "schemas" / "models.yaml")
    for code, label in written.items():
        page = out / "mo-hinh" / "linh-vuc" / code.replace("_", "-") / "index.html"
        if page.is_file():
            h1 = re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
            assert h1 is not None and label in h1.group(1).replace("&#34;", '"'), (code, h1)
    assert (out / "mo-hinh" / "linh-vuc" / "ma-tuy" / "index.html").is_file()


def _validate_lines(data: Path, monkeypatch) -> list[str]:
    from generator.data.validate import validate_package

    monkeypatch.chdir(data)
    return [p.line() for p in validate_package(Path("."), use_cache=False).problems]


def test_a_label_cut_at_its_comma_is_refused(make_package, monkeypatch) -> None:
    data = make_package()
    schema = data / "schemas" / "models.yaml"
    text = schema.read_text(encoding="utf-8")
    quoted, cut = 'label: "Phòng, chống ma túy"', "label: Phòng, chống ma túy"
    schema.write_text(text.replace(quoted, cut), "utf-8")
    lines = _validate_lines(data, monkeypatch)
    row = text[: text.index('label: "Phòng, chống ma túy"')].count("\n") + 1
    assert lines == [
        f"schemas/models.yaml:{row} (field): lỗi: bảng “models”: mục nhãn của mã “ma_tuy” có "
        "khóa lạ “chống ma túy” [category-entry] — Cách sửa: mỗi mục phải có đúng hai khóa "
        "value và label; nhãn có dấu phẩy phải đặt trong ngoặc kép, ví dụ "
        '{value: ma_tuy, label: "Phòng, chống ma túy"}'
    ]


def test_unknown_keys_are_refused_everywhere(make_package, monkeypatch) -> None:
    data = make_package()
    schema = data / "schemas" / "events.yaml"
    text = schema.read_text(encoding="utf-8")
    text = text.replace("  - name: title\n", "  - name: title\n    tilte: Tên\n", 1)
    text = text.replace("label: Ngày hội}", "label: Ngày hội, lable: x}", 1)
    schema.write_text(text, encoding="utf-8")
    descriptor = data / "datapackage.yaml"
    path = "  path: events.csv\n"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(text.replace(path, path + "  pth: x.csv\n", 1), "utf-8")
    lines = _validate_lines(data, monkeypatch)
    codes = sorted(re.search(r"\[([a-z-]+)\]", line)[1] for line in lines)  # type: ignore[index]
    assert codes == ["category-entry", "field-unknown-key", "resource-unknown-key"], lines
    assert any("khóa lạ “lable”" in line for line in lines)
    assert any("trường có khóa lạ “tilte”" in line and "(title)" in line for line in lines)


def test_a_cut_label_in_the_lesson_schema_is_refused(make_package, monkeypatch) -> None:
    data = make_package()
    schema = data / "schemas" / "lesson.yaml"
    text = schema.read_text(encoding="utf-8")
    quoted, cut = 'label: "Phòng cháy, chữa cháy"', "label: Phòng cháy, chữa cháy"
    schema.write_text(text.replace(quoted, cut), "utf-8")
    lines = _validate_lines(data, monkeypatch)
    assert len(lines) == 1 and "[category-entry]" in lines[0], lines
    assert "mục nhãn của mã “phong-chay-chua-chay” có khóa lạ “chữa cháy”" in lines[0]
    assert lines[0].startswith("schemas/lesson.yaml:")


def test_the_parse_is_kept_while_the_files_are_the_same(make_package) -> None:
    """The descriptor and schemas read again give the last parse (the same resource specs,
    a new package object) while every file read holds the same bytes (`load_package`,
    issue 18), and a new parse when a schema or the descriptor changed, or a schema went.
    Negative control: the kept parse given without its files compared (`_Reads.same`
    always true) misses each of those changes (run by hand: see the issue's report)."""
    data = make_package()
    first, problems = load_package(data)
    again, _ = load_package(data)
    assert problems == [] and again is not first and again.resources is not first.resources
    assert again.resources == first.resources and again.resources[0] is first.resources[0]
    schema = data / "schemas" / "events.yaml"
    schema.write_text(schema.read_text("utf-8").replace("Tên sự kiện", "Tên gọi"), "utf-8")
    events = load_package(data)[0].resource("events")
    assert events is not None and events.field("title").title == "Tên gọi"  # type: ignore[union-attr]
    descriptor = data / "datapackage.yaml"
    text = descriptor.read_text("utf-8")
    descriptor.write_text(text.replace("title: Lịch phong trào", "title: Lịch"), "utf-8")
    events = load_package(data)[0].resource("events")
    assert events is not None and events.title == "Lịch"
    schema.unlink()
    package, problems = load_package(data)
    assert package.resource("events") is None
    assert [p.code for p in problems] == ["schema-missing"]
    assert len(schema_module._PARSED) <= schema_module.PARSED_KEPT


def test_a_build_leaves_the_kept_parse_as_it_was_read(make_package, tmp_path) -> None:
    """`load_package` hands the same resource specs to every later call while the files are
    the same (a build's validation, its model, antq serve's next rebuild), so nothing may
    change them: after a whole build (validation with Frictionless included), the kept
    specs equal a fresh parse of the same files. Control: a check that adds a key to a
    resource's descriptor (`spec.descriptor["x"] = 1` in validate._Checker._task) → fails."""
    from generator.build import BuildOptions, build_site

    data = make_package()
    kept, _ = load_package(data)
    build_site(BuildOptions(data_dir=data, out_dir=tmp_path / "public", site_dir=ROOT / "site"))
    assert load_package(data)[0].resources[0] is kept.resources[0]  # (still the kept parse)
    schema_module._PARSED.clear()
    fresh, _ = load_package(data)
    assert [r.descriptor for r in kept.resources] == [r.descriptor for r in fresh.resources]
    assert kept.resources == fresh.resources
