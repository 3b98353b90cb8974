"""The one error layer speaks to an official working in Excel (issue 17): identical problems
grouped with a cell range, “có phải là …?” suggestions, the codes a blank coded field takes,
every personal-data item of a cell, and Excel's blank trailing columns as a warning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app
from generator.data.grouping import group, rows_text
from generator.data.messages_vi import problem
from generator.data.validate import validate_package

runner = CliRunner()
PLACE = "{id},Thôn {n},khu_dan_cu,11113,11113,,20.83,106.35\n"
HEADER_A = "place_id,year,result,decision_no,decision_date,issuer,legal_basis\n"


def _places_and_assessments(root: Path, n: int, date: str) -> None:
    places = (root / "places.csv").read_text(encoding="utf-8")
    assessments = HEADER_A
    for i in range(n):
        pid = f"p-{i:04d}"
        places += PLACE.format(id=pid, n=i)
        assessments += f"{pid},2024,dat,{i + 1}/QĐ-UBND,{date},UBND xã Tân Kỳ,124/2021/TT-BCA\n"
    (root / "places.csv").write_text(places, encoding="utf-8")
    (root / "assessments.csv").write_text(assessments, encoding="utf-8")


def _lines(root: Path, *args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["validate", str(root), "--no-cache", *args])
    return result.exit_code, result.output.splitlines()


def test_360_dmy_dates_are_one_line_with_count_and_range(
    make_package: Callable[[str | None], Path],
) -> None:
    root = make_package(None)
    _places_and_assessments(root, 360, "20/11/2024")
    code, lines = _lines(root)
    dmy = [line for line in lines if "[date-dmy]" in line]
    assert code == 1
    assert len(dmy) == 1, dmy
    assert ("assessments.csv:2:E (decision_date): lỗi: 360 ô ở cột E, dòng 2–361") in dmy[0]
    assert "(E2:E361)" in dmy[0] and "antq import TỆP --fix" in dmy[0]
    code, lines = _lines(root, "--format", "github")
    assert len([line for line in lines if line.startswith("::error") and "date-dmy" in line]) == 1


def test_two_identical_problems_stay_two_lines(make_package: Callable[[str | None], Path]) -> None:
    """Negative control: below the threshold nothing is grouped."""
    root = make_package(None)
    _places_and_assessments(root, 2, "20/11/2024")
    _code, lines = _lines(root)
    dmy = [line for line in lines if "[date-dmy]" in line]
    assert len(dmy) == 2 and all("ngày “20/11/2024”" in line for line in dmy)


def test_group_keeps_other_problems_and_order() -> None:
    found = [
        problem("required", "a.csv", row=r, column=2, field="name") for r in (2, 3, 4, 9, 10)
    ] + [problem("personal-phone", "a.csv", row=r, column=3, masked="091…78") for r in (2, 3, 4)]
    grouped = group(found)
    assert [p.code for p in grouped] == ["required"] + ["personal-phone"] * 3
    assert "5 ô ở cột B, dòng 2–4, 9–10 (B2:B10)" in grouped[0].message
    assert rows_text(list(range(2, 40, 2))).endswith("…")


def test_unknown_id_gets_did_you_mean(make_package: Callable[[str | None], Path]) -> None:
    root = make_package(None)
    path = root / "assessments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("hp-tan-ky-thon-nghi-khe,2025", "hp-tan-ky-thon-nghi-kh,2025"))
    _code, lines = _lines(root)
    fk = [line for line in lines if "[foreign-key]" in line]
    assert len(fk) == 1
    assert "có phải là “hp-tan-ky-thon-nghi-khe” (Thôn Nghi Khê)?" in fk[0]
    # Negative control: nothing close, no guess.
    path.write_text(text.replace("hp-tan-ky-thon-nghi-khe,2025", "zzzz,2025"))
    _code, lines = _lines(root)
    fk = [line for line in lines if "[foreign-key]" in line]
    assert len(fk) == 1 and "có phải là" not in fk[0]


def test_unit_name_typed_for_a_code_is_recognised(
    make_package: Callable[[str | None], Path],
) -> None:
    root = make_package(None)
    path = root / "places.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Nghi Khê,khu_dan_cu,11113", "Nghi Khê,khu_dan_cu,Xã Tân Kỳ"))
    _code, lines = _lines(root)
    fk = [line for line in lines if "[foreign-key]" in line]
    assert len(fk) == 1 and "có phải là “11113” (Xã Tân Kỳ)?" in fk[0]


def test_blank_coded_field_lists_its_codes(make_package: Callable[[str | None], Path]) -> None:
    root = make_package(None)
    path = root / "assessments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2025,dat,", "2025,,", 1))
    _code, lines = _lines(root)
    blank = [line for line in lines if "[required-enum]" in line]
    assert len(blank) == 1 and "chọn một trong: dat (" in blank[0]
    # Negative control: a blank field without codes keeps the plain line.
    path.write_text(text)
    places = root / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("Thôn Nghi Khê", "", 1))
    _code, lines = _lines(root)
    assert any("[required]" in line for line in lines)
    assert not any("[required-enum]" in line for line in lines)


def test_every_personal_item_of_a_cell(make_package: Callable[[str | None], Path]) -> None:
    root = make_package(None)
    path = root / "awards.csv"
    text = path.read_text(encoding="utf-8")
    reason = "Có thành tích xuất sắc trong phong trào toàn dân bảo vệ ANTQ năm 2025"
    two = "Liên hệ 0912345678 hoặc 0987654321, CCCD 001203004567"
    path.write_text(text.replace(reason, two, 1))
    _code, lines = _lines(root)
    personal = [line for line in lines if "[personal-" in line]
    assert len(personal) == 3, personal
    assert sum("[personal-phone]" in line for line in personal) == 2
    # Negative control: one number, one line.
    path.write_text(text.replace(reason, "Liên hệ 0912345678", 1))
    _code, lines = _lines(root)
    assert len([line for line in lines if "[personal-" in line]) == 1


def test_trailing_blank_columns_are_a_warning(make_package: Callable[[str | None], Path]) -> None:
    root = make_package(None)
    path = root / "places.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text("".join(line + ",,\n" for line in text.splitlines()), encoding="utf-8")
    result = validate_package(root, use_cache=False)
    assert [p.code for p in result.problems] == ["trailing-empty-columns"]
    assert result.problems[0].level == "warning"
    assert "2 cột trống ở cuối tệp (từ cột I)" in result.problems[0].message
    code, _lines_out = _lines(root)
    assert code == 0
    code, _lines_out = _lines(root, "--strict")
    assert code == 1
    # Negative control: a value under a blank label is a real column, refused as before.
    lines = text.splitlines()
    lines[1] += ",,x"
    path.write_text(
        "".join(line + ",,\n" if i != 1 else line + "\n" for i, line in enumerate(lines))
    )
    codes = {p.code for p in validate_package(root, use_cache=False).problems}
    assert "blank-label" in codes and "trailing-empty-columns" not in codes
