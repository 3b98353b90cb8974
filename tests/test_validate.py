"""Every bad-input class: a fixture under tests/fixtures/bad/<case>/ and the exact line(s)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import MAX_FILE_MB_DEFAULT, app
from generator.data import rawcsv
from generator.data.validate import validate_package

FIXTURES = Path(__file__).resolve().parent / "fixtures"

runner = CliRunner()

EXPECTED: dict[str, list[str]] = {
    "citizen-id": [
        "awards.csv:4:D (recipient_name): lỗi: ô có dãy 12 chữ số giống số định danh cá nhân/CCCD (001…67): không được đăng số định danh [personal-id] — Cách sửa: kho dữ liệu và trang web là công khai: xóa thông tin này (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 và Nghị định 356/2025/NĐ-CP)",
    ],
    "coordinates-outside": [
        "places.csv:2:G (lat): lỗi: tọa độ 106.3552 nằm ngoài phạm vi tọa độ cho phép (vĩ độ phải từ 8,0 đến 23,5) [coordinates-outside-vietnam] — Cách sửa: kiểm tra có bị đảo vĩ độ với kinh độ không; vĩ độ (lat) khoảng 8–23,5, kinh độ (lon) khoảng 102–117,9; dùng dấu chấm thập phân",
        "places.csv:2:H (lon): lỗi: tọa độ 20.8286 nằm ngoài phạm vi tọa độ cho phép (kinh độ phải từ 102,0 đến 117,9) [coordinates-outside-vietnam] — Cách sửa: kiểm tra có bị đảo vĩ độ với kinh độ không; vĩ độ (lat) khoảng 8–23,5, kinh độ (lon) khoảng 102–117,9; dùng dấu chấm thập phân",
    ],
    "cp1258": [
        "places.csv: lỗi: tệp không phải UTF-8: có vẻ được lưu bằng Excel “CSV” kiểu Windows (bảng mã Windows-1258), byte lỗi đầu tiên ở dòng 2 [encoding-cp1258] — Cách sửa: trong Excel chọn File → Save As → kiểu “CSV UTF-8 (Comma delimited)”; trong LibreOffice chọn Character set “Unicode (UTF-8)”",
    ],
    "date-dmy": [
        "assessments.csv:2:E (decision_date): lỗi: ngày “20/11/2024” viết theo kiểu ngày/tháng/năm; phải viết năm-tháng-ngày: 2024-11-20 [date-dmy] — Cách sửa: trong Excel chọn cột → Format Cells → Custom → gõ yyyy-mm-dd, rồi lưu lại",
    ],
    "descriptor-error": [
        "schemas/places.yaml: lỗi: bảng “places”, trường “name”: kiểu dữ liệu “strng” không hợp lệ; dùng một trong: string, integer, number, boolean, date [field-type] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
    ],
    "duplicate-key": [
        "places.csv:9: lỗi: mã id=hp-tan-ky-thon-nghi-khe trùng với dòng 3 [duplicate-key] — Cách sửa: mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
    ],
    "duplicate-key-nfd": [
        "legal_documents.csv:7: lỗi: mã id=Hướng dẫn 22/HD-BCA-V05 trùng với dòng 6 (hai giá trị chỉ khác nhau về dạng Unicode NFC/NFD) [duplicate-key] — Cách sửa: mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
        "legal_documents.csv:7:A (id): cảnh báo: chữ Việt ở dạng tổ hợp (NFD); đã dùng dạng dựng sẵn (NFC) “Hướng dẫn 22/HD-BCA-V05” [nfd-text] — Cách sửa: không bắt buộc; nên gõ lại bằng bộ gõ Unicode dựng sẵn để tìm kiếm, so khớp chính xác",
    ],
    "empty-file": [
        "events.csv: lỗi: tệp rỗng, không có cả dòng tiêu đề [empty-file] — Cách sửa: mở lại tệp gốc và lưu dạng CSV UTF-8; dòng 1 phải là tên các cột",
    ],
    "excel-csv-utf8": [],
    "extra-column": [
        "places.csv:1:I: lỗi: cột thừa “ghi_chu” không có trong lược đồ của bảng “places” [extra-label] — Cách sửa: xóa cột này, hoặc đề nghị người quản trị thêm trường vào lược đồ",
    ],
    "foreign-key": [
        "assessments.csv:7:A (place_id): lỗi: giá trị “hp-khong-co” không có trong cột “id” của bảng “places” [foreign-key] — Cách sửa: kiểm tra lại mã; danh sách mã đúng có trong tệp places.csv",
    ],
    "header-only": [
        "events.csv: lỗi: tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào [no-rows] — Cách sửa: kiểm tra xem có lỡ xóa hết dữ liệu không; khôi phục từ phiên bản trước trên kho git",
    ],
    "legacy-unit": [
        "places.csv:9:D (unit_code): cảnh báo: mã “11122” là đơn vị cũ (Xã Dân An, Huyện Tứ Kỳ, Tỉnh Hải Dương, trước 01/7/2025); đã quy về Xã Tân Kỳ (mã 11113) [legacy-unit] — Cách sửa: ghi mã mới “11113” vào cột này cho rõ",
    ],
    "legacy-unit-split": [
        "places.csv:9:D (unit_code): cảnh báo: mã “11143” là đơn vị cũ (Xã Tiên Động, Huyện Tứ Kỳ, Tỉnh Hải Dương) đã bị chia cho nhiều đơn vị mới: Xã Lạc Phượng (11140), Xã Nguyên Giáp (11146); tạm dùng Xã Lạc Phượng (mã 11140) [legacy-unit-split] — Cách sửa: hãy chọn đúng đơn vị mới mà nơi này thuộc về và ghi mã của đơn vị đó vào cột này",
    ],
    "lost-leading-zero": [
        "places.csv:5:D (unit_code): lỗi: mã “2494” đã mất số 0 ở đầu, đúng là “02494” (Xã Thái Bình) [lost-leading-zero] — Cách sửa: Excel đã coi cột này là số: chọn cả cột → Format Cells → Text rồi gõ lại mã (hoặc gõ dấu ' trước mã)",
    ],
    "missing-column": [
        "places.csv:1 (legacy_unit_name): lỗi: thiếu cột “legacy_unit_name” (Tên đơn vị cũ) [missing-label] — Cách sửa: thêm cột có tiêu đề đúng là “legacy_unit_name” ở dòng 1",
    ],
    "missing-file": [
        "model_sites.csv: lỗi: không tìm thấy tệp dữ liệu của bảng “model_sites” [missing-file] — Cách sửa: kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) hoặc sửa “path” trong datapackage.yaml",
    ],
    "missing-value": [
        "places.csv:3:B (name): lỗi: thiếu giá trị bắt buộc [required] — Cách sửa: điền giá trị vào ô này",
    ],
    "nfd-text": [
        "places.csv:3:B (name): cảnh báo: chữ Việt ở dạng tổ hợp (NFD); đã dùng dạng dựng sẵn (NFC) “Thôn Nghi Khê” [nfd-text] — Cách sửa: không bắt buộc; nên gõ lại bằng bộ gõ Unicode dựng sẵn để tìm kiếm, so khớp chính xác",
    ],
    "phone-number": [
        "awards.csv:3:G (reason): lỗi: ô có số điện thoại (091…78): không được đăng thông tin liên lạc cá nhân [personal-phone] — Cách sửa: kho dữ liệu và trang web là công khai: xóa thông tin này (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 và Nghị định 356/2025/NĐ-CP)",
    ],
    "renamed-column": [
        "places.csv:1:D (unit_code): lỗi: tiêu đề cột là “ma_don_vi”, phải là “unit_code” (Mã xã/phường hiện nay) [renamed-label] — Cách sửa: sửa tiêu đề ở dòng 1 thành “unit_code” (không dấu, chữ thường, gạch dưới)",
    ],
    "tcvn3": [
        "places.csv:3:B (name): lỗi: chữ Việt bị lỗi phông (kiểu TCVN3/VNI cũ): “Th«n Nghi Khª” [legacy-font] — Cách sửa: chuyển mã sang Unicode bằng Unikey (Công cụ chuyển mã: nguồn TCVN3 hoặc VNI, đích Unicode) rồi lưu lại dạng CSV UTF-8",
    ],
    "unknown-enum": [
        "assessments.csv:2:C (result): lỗi: giá trị “Đạt” không nằm trong danh sách cho phép: dat (Đạt), chua_dat (Chưa đạt) [enum] — Cách sửa: có lẽ bạn muốn ghi “dat” (Đạt)",
    ],
    "vni": [
        "places.csv:3:B (name): lỗi: chữ Việt bị lỗi phông (kiểu TCVN3/VNI cũ): “Thoân Nghi Kheâ” [legacy-font] — Cách sửa: chuyển mã sang Unicode bằng Unikey (Công cụ chuyển mã: nguồn TCVN3 hoặc VNI, đích Unicode) rồi lưu lại dạng CSV UTF-8",
    ],
    "wrong-type": [
        "assessments.csv:3:B (year): lỗi: giá trị “2025a” không phải số nguyên [type-error] — Cách sửa: chỉ ghi chữ số, không dùng dấu chấm hay dấu phẩy ngăn cách hàng nghìn",
    ],
}

# Cases that are problems only as warnings: exit code 0 unless --strict.
WARNING_ONLY = {"legacy-unit", "legacy-unit-split", "nfd-text"}
ACCEPTED = {"excel-csv-utf8"}


def run_validate(
    package: Path, *args: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[str]]:
    monkeypatch.chdir(package)
    result = runner.invoke(app, ["validate", ".", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout.splitlines()


def test_every_bad_case_has_a_fixture_and_an_expectation() -> None:
    cases = {p.name for p in (FIXTURES / "bad").iterdir() if p.is_dir()}
    assert cases == set(EXPECTED)


def test_good_package_is_clean(make_package, monkeypatch) -> None:
    code, lines = run_validate(make_package(), monkeypatch=monkeypatch)
    assert lines == ["Dữ liệu hợp lệ: không có lỗi, không có cảnh báo (17 tệp, 69 dòng dữ liệu)."]
    assert code == 0


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_input_gives_the_exact_line(case: str, make_package, monkeypatch) -> None:
    code, lines = run_validate(make_package(case), monkeypatch=monkeypatch)
    assert lines[:-1] == EXPECTED[case]
    if case in ACCEPTED:
        assert code == 0 and lines[-1].startswith("Dữ liệu hợp lệ")
    elif case in WARNING_ONLY:
        assert code == 0 and "0 lỗi" in lines[-1]
    else:
        assert code == 1 and lines[-1].startswith("Tổng cộng:")
    assert not any("Traceback" in line for line in lines)


@pytest.mark.parametrize("case", sorted(WARNING_ONLY))
def test_strict_turns_warnings_into_errors(case: str, make_package, monkeypatch) -> None:
    code, lines = run_validate(make_package(case), "--strict", monkeypatch=monkeypatch)
    assert code == 1
    assert all(": lỗi: " in line for line in lines[:-1])


def test_huge_file_is_refused_without_reading_it(make_package, monkeypatch) -> None:
    package = make_package()
    places = package / "places.csv"
    with places.open("r+b") as fh:  # a sparse file: huge on paper, nothing written
        fh.truncate(int((MAX_FILE_MB_DEFAULT + 1) * 1024 * 1024))
    code, lines = run_validate(package, monkeypatch=monkeypatch)
    assert lines[0] == (
        "places.csv: lỗi: tệp nặng 65 MB, vượt giới hạn 64 MB nên không được đọc [file-too-large]"
        " — Cách sửa: có lẽ đã lưu nhầm tệp; kiểm tra lại nội dung, hoặc tách bớt dữ liệu cũ"
        " sang tệp khác"
    )
    assert code == 1


def test_cli_default_limit_matches_the_reader() -> None:
    assert MAX_FILE_MB_DEFAULT == rawcsv.MAX_FILE_MB


def test_github_annotations(make_package, monkeypatch) -> None:
    code, lines = run_validate(
        make_package("date-dmy"), "--format", "github", monkeypatch=monkeypatch
    )
    assert code == 1
    assert lines[1] == (
        "::error file=assessments.csv,line=2,col=5,title=antq date-dmy::(decision_date) ngày"
        " “20/11/2024” viết theo kiểu ngày/tháng/năm; phải viết năm-tháng-ngày: 2024-11-20"
        " — Cách sửa: trong Excel chọn cột → Format Cells → Custom → gõ yyyy-mm-dd, rồi lưu lại"
    )


def test_usage_errors_exit_2(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["validate", "khong-co"]).exit_code == 2
    assert runner.invoke(app, ["validate", "."]).exit_code == 2  # no datapackage.yaml
    assert runner.invoke(app, ["validate", ".", "--format", "xml"]).exit_code == 2


def test_cache_skips_unchanged_resources(make_package) -> None:
    package = make_package()
    first = validate_package(package)
    assert first.cached == [] and len(first.checked) == 17
    second = validate_package(package)
    assert second.checked == [] and len(second.cached) == 17
    assert second.problems == first.problems and second.rows == first.rows
    # One changed file is checked again (by its changed rows: generator/data/rowlevel.py),
    # and so are the tables whose keys point to it (whole: their context changed).
    places = package / "places.csv"
    with places.open("a", encoding="utf-8") as fh:
        fh.write("hp-moi,Thôn Mới,khu_dan_cu,11113,,,,\n")
    third = validate_package(package)
    assert third.by_rows == ["places"]
    assert sorted(third.checked) == [
        "assessments",
        "emulation_registrations",
        "exemplar_recognitions",
        "model_sites",
        "place_classes",
        "security_teams",
    ]


def test_cached_result_keeps_the_problems(make_package) -> None:
    package = make_package("date-dmy")
    first = validate_package(package)
    second = validate_package(package)
    assert second.cached and [p.code for p in second.problems] == ["date-dmy"]
    assert second.problems == first.problems


def test_bundled_data_is_valid(monkeypatch) -> None:
    """The package officials start from must itself pass, without warnings."""
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    result = validate_package(Path("data"))
    assert [p.line() for p in result.problems] == []
    assert len(result.checked) + len(result.cached) == result.files == 17 and result.rows > 0


def test_worker_processes_give_the_same_result(make_package, monkeypatch) -> None:
    """Large packages are validated by Frictionless in worker processes: same lines."""
    from generator.data import validate as validate_mod

    package = make_package("date-dmy")
    inline = validate_package(package, use_cache=False, jobs=1)
    monkeypatch.setattr(validate_mod, "PARALLEL_MIN_BYTES", 0)
    pooled = validate_package(package, use_cache=False, jobs=2)
    assert [p.line() for p in pooled.problems] == [p.line() for p in inline.problems]
    assert [p.code for p in pooled.problems] == ["date-dmy"]


def test_synthetic_small_package_validates_clean(tmp_path) -> None:
    from generator.data import synth

    synth.write_package(tmp_path / "small", scale="small", seed=7)
    result = validate_package(tmp_path / "small", use_cache=False)
    assert result.problems == [] and result.rows > 10_000
