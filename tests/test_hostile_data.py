"""Hostile or odd data that used to validate and then break or leak (issue 12): symbolic
links, control and invisible characters, stray files, oversized tables, ids that make no
page address or the same one. Each case: the exact Vietnamese line, exit 1, no traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.data import frictionless_run, synth
from generator.data import validate as validate_mod
from generator.data.load import LoadError, read_package
from generator.data.rawcsv import read_table
from generator.data.schema import DEFAULT_MAX_ROWS, load_package
from generator.data.validate import validate_package

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

SYMLINK = (
    "lỗi: là liên kết tượng trưng (symlink) nên không được đọc [data-symlink] — Cách sửa: "
    "thư mục dữ liệu chỉ được chứa tệp thật: xóa liên kết, chép chính tệp vào chỗ của nó"
)
STRAY = (
    "lỗi: tệp không thuộc gói dữ liệu [stray-file] — Cách sửa: thư mục dữ liệu chỉ chứa "
    "datapackage.yaml, README.md, schemas/*.yaml, các bảng khai báo trong datapackage.yaml, "
    "lessons/*.md, news/NĂM/TÊN-BÀI/ (index.md và ảnh) và geo/; xóa tệp này khỏi kho (nếu là "
    "khóa, mật khẩu hay tệp .env thì coi như đã lộ: đổi khóa, mật khẩu mới)"
)
RETYPE = "Cách sửa: ký tự này thường theo vào khi dán từ phần mềm khác: xóa nội dung ô rồi gõ lại"
RETYPE_WEB = (
    "Cách sửa: ký tự này thường theo vào khi dán từ trang web hay tài liệu khác: xóa nội dung "
    "ô rồi gõ lại"
)
RETYPE_WORD = "Cách sửa: xóa nội dung ô rồi gõ lại (đừng dán từ Word hay trang web)"
SLUG_HINT = (
    "Cách sửa: hai khóa chỉ khác nhau về chữ hoa/chữ thường, dấu hay ký hiệu: sửa cho chúng "
    "khác nhau rõ ràng, hoặc xóa dòng trùng"
)
EMPTY_SLUG_HINT = "Cách sửa: khóa phải có ít nhất một chữ cái hoặc chữ số, ví dụ “124/2021/TT-BCA”"


def validate_cli(package: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    monkeypatch.chdir(package)
    result = runner.invoke(app, ["validate", "."])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


def build_cli(package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(package)
    out = tmp_path / "public"
    result = runner.invoke(
        app, ["build", "--data", ".", "--out", str(out), "--site", str(ROOT / "site")]
    )
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1 and not out.exists()
    assert "Traceback" not in result.output
    return result.stdout.splitlines()


# -- symbolic links ----------------------------------------------------------------------------


def _secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "passwd"
    secret.write_text("root:x:0:0:SECRET-LINE:/root:/bin/bash\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize(
    "link", ["legal_documents.csv", "datapackage.yaml", "schemas/places.yaml", "lessons"]
)
def test_a_symlink_in_data_is_refused_and_never_read(
    link: str, make_package, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = make_package()
    secret = _secret(tmp_path)
    target = package / link
    if link == "lessons":
        (secret.parent / "bai.md").write_text("---\ntitle: SECRET-LINE\n---\n", "utf-8")
        target.symlink_to(secret.parent, target_is_directory=True)
    else:
        # The target is a valid copy for the package files: refused all the same.
        if link != "legal_documents.csv":
            shutil.copy(target, secret)
            secret.write_text(secret.read_text(encoding="utf-8") + "# SECRET-LINE\n", "utf-8")
        target.unlink()
        target.symlink_to(secret)
    code, lines = validate_cli(package, monkeypatch)
    assert code == 1
    assert lines[:-1] == [f"{link}: {SYMLINK}"]
    assert not any("SECRET" in line for line in lines)
    assert build_cli(package, tmp_path, monkeypatch) == [
        f"{link}: {SYMLINK}",
        "Dữ liệu có lỗi: chưa xây dựng lại trang web.",
    ]


def test_the_typed_reader_refuses_a_linked_table_too(make_package, tmp_path: Path) -> None:
    package = make_package()
    (package / "events.csv").unlink()
    (package / "events.csv").symlink_to(_secret(tmp_path))
    with pytest.raises(LoadError) as caught:
        read_package(package)
    assert "[data-symlink]" in str(caught.value) and "SECRET" not in str(caught.value)


# -- control, bidirectional and zero-width characters ------------------------------------------

CHARACTERS = [
    ("\x00", "control-character", "U+0000", None),
    ("\x1b", "control-character", "U+001B", None),
    ("\x7f", "control-character", "U+007F", None),
    ("\x85", "control-character", "U+0085", None),
    ("\x9b", "control-character", "U+009B", None),
    ("\u202e", "bidi-character", "U+202E", "right-to-left override"),
    ("\u2066", "bidi-character", "U+2066", "left-to-right isolate"),
    ("\u200f", "bidi-character", "U+200F", "right-to-left mark"),
    ("\u2028", "bidi-character", "U+2028", "line separator"),
    ("\u200b", "zero-width-character", "U+200B", "zero width space"),
    ("\u200d", "zero-width-character", "U+200D", "zero width joiner"),
    ("\u2060", "zero-width-character", "U+2060", "word joiner"),
    ("\ufeff", "zero-width-character", "U+FEFF", "zero width no-break space"),
]


def _expected_character_line(where: str, code: str, char: str, name: str | None) -> str:
    if code == "control-character":
        return (
            f"{where}: lỗi: ô chứa ký tự điều khiển {char} (không nhìn thấy, không in ra được) "
            f"[control-character] — {RETYPE}"
        )
    if code == "bidi-character":
        return (
            f"{where}: lỗi: ô chứa ký tự ẩn {char} ({name}) làm chữ hiện ra khác với nội dung "
            f"thật [bidi-character] — {RETYPE_WEB}"
        )
    return (
        f"{where}: lỗi: ô chứa ký tự vô hình {char} ({name}): hai giá trị trông giống nhau mà "
        f"thực ra khác nhau [zero-width-character] — {RETYPE_WORD}"
    )


@pytest.mark.parametrize("ch,code,char,name", CHARACTERS, ids=[c[2] for c in CHARACTERS])
def test_hidden_characters_in_a_cell_are_refused_with_their_place(
    ch: str, code: str, char: str, name: str | None, make_package, monkeypatch
) -> None:
    package = make_package()
    places = package / "places.csv"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("Thôn Nghi Khê", f"Thôn Nghi{ch} Khê", 1), "utf-8")
    code_, lines = validate_cli(package, monkeypatch)
    assert code_ == 1
    assert lines[:-1] == [_expected_character_line("places.csv:3:B (name)", code, char, name)]


def test_a_hidden_character_in_the_header_or_a_code_column_is_found_too(
    make_package, monkeypatch
) -> None:
    package = make_package()
    events = package / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("title", "ti\x00tle", 1), "utf-8")
    monkeypatch.chdir(package)
    found = validate_package(package).problems
    line = _expected_character_line("events.csv:1:B", "control-character", "U+0000", None)
    assert line in [p.line() for p in found]
    package = make_package()
    awards = package / "awards.csv"
    rows = awards.read_text(encoding="utf-8").split("\n")
    rows[1] = rows[1].replace(",", "\u200b,", 1)  # after the id, a key column
    awards.write_text("\n".join(rows), "utf-8")
    monkeypatch.chdir(package)
    lines = [p.line() for p in validate_package(package).problems]
    assert any(
        line.startswith("awards.csv:2:A (id): lỗi: ô chứa ký tự vô hình U+200B") for line in lines
    )


def test_tabs_and_line_breaks_inside_a_quoted_cell_stay_accepted(make_package) -> None:
    package = make_package()
    events = package / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(
        text.replace("Ngày 19 tháng 8 hằng năm.", '"Ngày 19\ttháng 8\nhằng năm.\r\nHết."', 1),
        "utf-8",
    )
    assert [p.line() for p in validate_package(package).problems] == []


# -- files that are not part of the package ----------------------------------------------------

STRAYS = [
    ".env",
    "key.pem",
    "server.key",
    "id_rsa",
    ".npmrc",
    "units.xlsx",
    "places.csv.bak",
    "schemas/notes.txt",
    "schemas/old/places.yaml",
    "lessons/nhap.docx",
    "geo/ranh-gioi.json",
    "cu/places.csv",
    "news/2025/bai.md",  # news: only news/YEAR/SLUG/index.md and its photos
    "news/2025/ngay-hoi-xa-tan-ky/ghi-chu.txt",
]


@pytest.mark.parametrize("name", STRAYS)
def test_a_file_outside_the_package_is_refused(name: str, make_package, monkeypatch) -> None:
    package = make_package()
    (package / name).parent.mkdir(parents=True, exist_ok=True)
    (package / name).write_text("VAPID_PRIVATE_KEY=abc\n", encoding="utf-8")
    code, lines = validate_cli(package, monkeypatch)
    assert code == 1
    assert lines[:-1] == [f"{name}: {STRAY}"]


def test_the_package_files_and_office_lock_files(make_package, monkeypatch) -> None:
    package = make_package()
    for name in ("README.md", ".gitattributes", "geo/README.md", "schemas/ghi-chu.yaml"):
        (package / name).parent.mkdir(exist_ok=True)
        (package / name).write_text("# ghi chú\n", encoding="utf-8")
    (package / ".git").mkdir()  # the data folder as a repository of its own
    (package / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    code, lines = validate_cli(package, monkeypatch)
    assert code == 0 and lines[:-1] == []
    for name in (".~lock.units.csv#", "~$places.xlsx"):
        (package / name).write_text("Nguyen Van A,MAY-TINH\n", encoding="utf-8")
    code, lines = validate_cli(package, monkeypatch)
    lock = (
        "cảnh báo: tệp khóa do Excel/LibreOffice tạo ra khi đang mở một tệp, không thuộc gói dữ "
        "liệu [office-lock-file] — Cách sửa: đóng tệp đang mở trong Excel/LibreOffice; đừng đưa "
        "tệp khóa lên kho (nó ghi tên người dùng của máy tính)"
    )
    assert code == 0
    assert lines[:-1] == [f".~lock.units.csv#: {lock}", f"~$places.xlsx: {lock}"]


def test_allowed_files_are_matched_part_by_part(make_package) -> None:
    """The allow-list's `*` stays within one part of a path (one compiled expression, not a
    glob per pattern and file: issue 21's 2,000 photos)."""
    from generator.data.datadir import stray_files

    package = make_package()
    allowed = ["README.md", "news/2025/bai/index.md", "news/2025/bai/anh.jpg", "sources/a.md"]
    stray = ["news/2025/bai/x/anh.jpg", "news/2025/bai/.env", "schemas/x/y.yaml", "x/README.md"]
    stray += ["news/2025/bai/anh.jpg.bak", "lessons/a.mdx", "sources.md"]
    for name in allowed + stray:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("x\n", encoding="utf-8")
    found = [p.line().split(":", 1)[0] for p in stray_files(load_package(package)[0])]
    assert sorted(found) == sorted(str(package / name) for name in stray)


def test_the_bundled_data_folder_holds_only_package_files() -> None:
    from generator.data.datadir import stray_files, symlinks

    package, _ = load_package(ROOT / "data")
    assert symlinks(package.root) == [] and stray_files(package) == []


# -- row ceilings ------------------------------------------------------------------------------


def _set_ceiling(package: Path, table: str, line: str) -> None:
    schema = package / "schemas" / f"{table}.yaml"
    text = schema.read_text(encoding="utf-8")
    start = text.index("x-antq-max-rows:")
    end = text.index("\n", start)
    schema.write_text(text[:start] + line + text[end:], encoding="utf-8")


def test_a_table_above_its_ceiling_is_refused_before_frictionless(
    make_package, monkeypatch
) -> None:
    package = make_package()
    _set_ceiling(package, "events", "x-antq-max-rows: 1")
    seen: list[str] = []
    real_run = frictionless_run.run

    def run(task):
        seen.append(task["file"])
        return real_run(task)

    monkeypatch.setattr(validate_mod.frictionless_run, "run", run)
    code, lines = validate_cli(package, monkeypatch)
    assert code == 1
    assert lines[:-1] == [
        "events.csv: lỗi: bảng “events” có 2 dòng dữ liệu, vượt giới hạn 1 dòng nên không được "
        "kiểm tra tiếp [too-many-rows] — Cách sửa: có lẽ đã dán nhầm dữ liệu: kiểm tra lại tệp; "
        "nếu số dòng là đúng, đề nghị người quản trị nâng “x-antq-max-rows” trong "
        "schemas/events.yaml"
    ]
    assert "events.csv" not in seen and "places.csv" in seen
    _set_ceiling(package, "events", "x-antq-max-rows: 2")  # exactly at the ceiling: fine
    assert validate_cli(package, monkeypatch)[0] == 0


def test_rows_are_counted_exactly_when_cells_hold_line_breaks() -> None:
    text = "id,note\n" + "".join(f'r{i},"một\nhai\nba"\n' for i in range(3))
    table, _ = read_table(text.encode(), "x.csv")
    assert table is not None
    assert table.count_rows(above=3) == 3  # 9 line breaks, 3 records
    assert table.count_rows(above=100) == 9  # below the ceiling the cheap bound is enough


@pytest.mark.parametrize(
    "line,expected",
    [
        (
            "x-antq-max-row: 5",
            "schemas/events.yaml: lỗi: bảng “events”: khóa “x-antq-max-row” không có trong lược "
            "đồ (Table Schema) [schema-unknown-key] — Cách sửa: sửa lỗi chính tả hoặc xóa khóa "
            "này; các khóa dùng được: $schema, name, title, description, fields, fieldsMatch, "
            "missingValues, primaryKey, uniqueKeys, foreignKeys, x-antq-max-rows",
        ),
        (
            "x-antq-max-rows: nhiều",
            "schemas/events.yaml: lỗi: bảng “events”: “x-antq-max-rows” phải là số nguyên dương, "
            "không phải “nhiều” [schema-max-rows] — Cách sửa: ghi số dòng tối đa của bảng, ví dụ "
            "x-antq-max-rows: 100000",
        ),
        (
            "x-antq-max-rows: 0",
            "schemas/events.yaml: lỗi: bảng “events”: “x-antq-max-rows” phải là số nguyên dương, "
            "không phải “0” [schema-max-rows] — Cách sửa: ghi số dòng tối đa của bảng, ví dụ "
            "x-antq-max-rows: 100000",
        ),
    ],
)
def test_schema_keys_are_checked(line: str, expected: str, make_package, monkeypatch) -> None:
    package = make_package()
    _set_ceiling(package, "events", line)
    code, lines = validate_cli(package, monkeypatch)
    assert code == 1 and lines[:-1] == [expected]


def test_the_national_synthetic_package_stays_well_inside_the_ceilings() -> None:
    """Computed from synth's scale and the copied tables, not generated (too large here)."""
    package, _ = load_package(ROOT / "data")
    national = synth.SCALES["national"]
    copied = {
        name: sum(
            1 for _ in read_table((ROOT / "data" / spec.rel_path).read_bytes(), name)[0].rows()
        )  # type: ignore[union-attr]
        for name, spec in ((s.name, s) for s in package.resources)
        if name in synth.COPIED
    }
    units = read_table((ROOT / "data" / "units.csv").read_bytes(), "units")[0]
    assert units is not None
    parent = units.header.index("parent_code")
    wards = sum(1 for _, cells in units.rows() if cells[parent])
    rows = {
        **copied,
        **{k: national[k] for k in ("places", "assessments", "models", "model_sites")},  # type: ignore[literal-required]
        "awards": national["awards"],
        "events": national["events"],
        "movement_classes": wards * len(national["years"]),
        "targets": 2 * 34,  # each province's own two targets for the latest year
        "security_teams": national["places"],  # at most one tổ per place (khu dân cư only)
        "security_team_ratings": national["places"],  # one 2026 rating per tổ
        # at most one row per place in the latest year (movement_vocabulary)
        "place_classes": national["places"],
        "emulation_registrations": wards,
        "exemplar_recognitions": wards,
    }
    assert set(rows) == {spec.name for spec in package.resources}
    for spec in package.resources:
        assert spec.max_rows != DEFAULT_MAX_ROWS or spec.name == "assessments", spec.name
        assert rows[spec.name] * 2 <= spec.max_rows, (spec.name, rows[spec.name], spec.max_rows)


# -- ids that become page addresses -------------------------------------------------------------

ROW = ",thong_tu,quy_pham,Văn bản thử,Bộ Công an,2021-12-28,,,,,"


def _empty_slug(cell: str) -> str:
    return (
        f"legal_documents.csv:7:A (id): lỗi: khóa “{cell}” không tạo được địa chỉ trang vì không "
        f"có chữ cái hay chữ số nào [empty-slug] — {EMPTY_SLUG_HINT}"
    )


def _same_slug(cell: str) -> str:
    return (
        f"legal_documents.csv:7:A (id): lỗi: khóa “{cell}” cho cùng địa chỉ trang "
        f"“124-2021-tt-bca” với khóa “124/2021/TT-BCA” ở dòng 2 [duplicate-slug] — {SLUG_HINT}"
    )


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("—", [_empty_slug("—")]),
        ("..", [_empty_slug("..")]),
        ("/", [_empty_slug("/")]),
        ("124/2021/tt-bca", [_same_slug("124/2021/tt-bca")]),
        ("124-2021-TT-BCA", [_same_slug("124-2021-TT-BCA")]),
        (
            "124/2021/TT\u200b-BCA",
            [
                _same_slug("124/2021/TT<U+200B>-BCA"),  # shown, not hidden, in the line
                _expected_character_line(
                    "legal_documents.csv:7:A (id)",
                    "zero-width-character",
                    "U+200B",
                    "zero width space",
                ),
            ],
        ),
    ],
    ids=["dash", "dots", "slash", "case", "punctuation", "zero-width"],
)
def test_an_id_must_make_its_own_page_address(
    cell: str, expected: list[str], make_package, tmp_path, monkeypatch
) -> None:
    package = make_package()
    legal = package / "legal_documents.csv"
    legal.write_text(legal.read_text(encoding="utf-8") + cell + ROW + "\n", encoding="utf-8")
    code, lines = validate_cli(package, monkeypatch)
    assert code == 1
    assert lines[:-1] == expected
    if cell == "—":  # the build wrote this page over /van-ban/index.html and exited 0
        assert build_cli(package, tmp_path, monkeypatch) == [
            *expected,
            "Dữ liệu có lỗi: chưa xây dựng lại trang web.",
        ]


def test_yaml_of_the_fixture_schemas_matches_the_bundled_ones() -> None:
    # The ceilings are declared once per table; the fixture package carries the same schemas.
    for path in (ROOT / "data" / "schemas").glob("*.yaml"):
        fixture = ROOT / "tests" / "fixtures" / "good" / "schemas" / path.name
        assert yaml.safe_load(fixture.read_text("utf-8")) == yaml.safe_load(path.read_text("utf-8"))
    assert os.path.isdir(ROOT / "data")


@pytest.mark.parametrize("name", ["../../lich", "Events", "su-kien", "lich/nam"])
def test_a_resource_name_must_make_a_file_name(name: str, make_package, monkeypatch) -> None:
    package = make_package()
    descriptor = package / "datapackage.yaml"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(text.replace("name: events", f"name: {name}", 1), "utf-8")
    code, lines = validate_cli(package, monkeypatch)
    assert code == 1
    assert lines[:-1] == [
        f"datapackage.yaml: lỗi: tài nguyên thứ 14: tên “{name}” không hợp lệ [resource-name] — "
        "Cách sửa: tên bảng chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng "
        "chữ, ví dụ legal_documents"
    ]


def test_a_table_antq_does_not_know_or_a_missing_one_is_a_validation_line(make_package) -> None:
    """Before: an unknown table passed validation and stopped the build with an English
    `LoadError` ("no record type"); a missing one likewise ("resources missing")."""
    import yaml

    from generator.data.validate import validate_package

    data = make_package()
    descriptor = data / "datapackage.yaml"
    package = yaml.safe_load(descriptor.read_text(encoding="utf-8"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    events["name"] = "su_kien"
    descriptor.write_text(yaml.safe_dump(package, allow_unicode=True), encoding="utf-8")
    found = validate_package(data, use_cache=False).problems
    lines = [p.line().replace(f"{data}/", "") for p in found]
    assert len(lines) == 2
    assert lines[0].startswith(
        "datapackage.yaml: lỗi: bảng “su_kien” không thuộc dữ liệu của phong trào mà trang web "
        "dùng [unknown-table] — Cách sửa: xóa bảng này khỏi datapackage.yaml (hoặc sửa tên cho "
        "đúng); các bảng dùng được: units, "
    )
    assert lines[1] == (
        "datapackage.yaml: lỗi: thiếu bảng “events” trong datapackage.yaml [missing-table] — "
        "Cách sửa: khôi phục mục “events” trong danh sách resources từ phiên bản trước trên kho git"
    )
