"""antq template → a workbook filled as an official fills it (openpyxl) → antq import
(issue 17, items 1 and 2), with the repairs of --fix and the refusals that change nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.data.validate import validate_package
from generator.importer import run_import
from generator.workbook import write_template

runner = CliRunner()


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.glob("*.csv")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def _append(ws: Any, values: dict[str, Any]) -> int:
    names = [c.value for c in ws[2]]
    row = ws.max_row + 1
    for name, value in values.items():
        ws.cell(row=row, column=names.index(name) + 1, value=value)
    return row


NEW_PLACE = {
    "id": "hp-tan-ky-thon-moi",
    "name": "Thôn Mới",
    "kind": "Khu dân cư",  # the label the drop-down offers
    "unit_code": "11113 — Xã Tân Kỳ",  # the unit picker's choice
    "lat": 20.83,
    "lon": 106.35,
}


def _assessment(decision: Any) -> dict[str, Any]:
    return {
        "place_id": "hp-tan-ky-thon-moi",
        "year": 2025,
        "result": "Đạt",
        "decision_no": "77/QĐ-UBND",
        "decision_date": decision,
        "issuer": "UBND xã Tân Kỳ",
        "legal_basis": "124/2021/TT-BCA",
    }


def test_template_shape(make_package: Callable[[str | None], Path], tmp_path: Path) -> None:
    root = make_package(None)
    out = tmp_path / "mau.xlsx"
    report = write_template(root, out, province="31", with_data=True)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Hướng dẫn" and wb["Danh sách"].sheet_state == "hidden"
    ws = wb["places"]
    assert ws["A1"].value == "Mã nơi" and ws["A2"].value == "id"
    assert ws.row_dimensions[2].hidden and ws.freeze_panes == "A3"
    assert ws.column_dimensions["D"].number_format == "@"  # unit_code: leading zeros live
    # Only the province's rows are pre-filled (Hải Phòng: three of seven places).
    ids = [ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1)]
    assert ids == ["xa-11113", "hp-tan-ky-thon-nghi-khe", "hp-lac-phuong-thon-cong-lac"]
    assert report.rows > 0
    dated = wb["assessments"]
    assert isinstance(dated["E3"].value, date | None) and dated.column_dimensions[
        "E"
    ].number_format in ("yyyy-mm-dd",)
    lists = {ws.title: ws.data_validations.dataValidation for ws in wb.worksheets}
    kinds = next(dv for dv in lists["places"] if "C3" in str(dv.sqref))
    lists_sheet = wb["Danh sách"]
    column = kinds.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    labels = [c.value for c in lists_sheet[column] if c.value]
    assert labels[0] == "Khu dân cư"
    units = next(dv for dv in lists["places"] if "D3" in str(dv.sqref))
    ucol = units.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    picks = [c.value for c in lists_sheet[ucol] if c.value]
    # The province and its xã only (negative control: Tuyên Quang's 02494 is not offered).
    assert "11113 — Xã Tân Kỳ" in picks and not any(p.startswith("02494") for p in picks)
    guide = wb["Hướng dẫn"]
    assert guide["A2"].value and guide["B2"].value == "31"
    rows = [[c.value for c in r] for r in guide.iter_rows(min_row=4)]
    assert any(r[2] == "kind" and "khu_dan_cu = Khu dân cư" in (r[5] or "") for r in rows)


def test_round_trip_adds_rows(make_package: Callable[[str | None], Path], tmp_path: Path) -> None:
    root = make_package(None)
    out = tmp_path / "mau.xlsx"
    write_template(root, out, ["places", "assessments"], province="31", with_data=True)
    wb = openpyxl.load_workbook(out)
    _append(wb["places"], NEW_PLACE)
    _append(wb["assessments"], _assessment(date(2025, 11, 20)))  # a real date cell
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    result = runner.invoke(app, ["import", str(filled), "--data", str(root)])
    assert result.exit_code == 0, result.output
    assert "places: thêm 1, sửa 0, giữ nguyên 3, xóa 0 dòng" in result.output
    places = (root / "places.csv").read_text(encoding="utf-8")
    assert "hp-tan-ky-thon-moi,Thôn Mới,khu_dan_cu,11113,,,0.83" not in places
    assert "hp-tan-ky-thon-moi,Thôn Mới,khu_dan_cu,11113,,,20.83,106.35\n" in places
    assessments = (root / "assessments.csv").read_text(encoding="utf-8")
    assert "hp-tan-ky-thon-moi,2025,dat,77/QĐ-UBND,2025-11-20," in assessments
    assert not validate_package(root, use_cache=False).problems
    # A second import of the same file changes nothing.
    before = _digest(root)
    result = runner.invoke(app, ["import", str(filled), "--data", str(root)])
    assert result.exit_code == 0 and "Không có gì thay đổi." in result.output
    assert _digest(root) == before


def test_dmy_text_dates_need_fix(
    make_package: Callable[[str | None], Path], tmp_path: Path
) -> None:
    root = make_package(None)
    out = tmp_path / "mau.xlsx"
    write_template(root, out, ["places", "assessments"], province="31")
    wb = openpyxl.load_workbook(out)
    _append(wb["places"], NEW_PLACE)
    row = _append(wb["assessments"], _assessment("20/11/2025"))
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    before = _digest(root)
    report = run_import(filled, root)
    assert not report.ok and _digest(root) == before
    lines = [p.line() for p in report.problems]
    assert any(
        line.startswith(f"{filled}[assessments]:{row}:E (decision_date)") and "[date-dmy]" in line
        for line in lines
    ), lines
    report = run_import(filled, root, fix=True)
    assert report.ok, [p.line() for p in report.problems]
    assert any("20/11/2025” → “2025-11-20”" in line for line in report.lines)
    assert "hp-tan-ky-thon-moi,2025,dat,77/QĐ-UBND,2025-11-20," in (
        root / "assessments.csv"
    ).read_text(encoding="utf-8")


def test_ambiguous_dates_are_asked_not_guessed(
    make_package: Callable[[str | None], Path], tmp_path: Path
) -> None:
    root = make_package(None)
    out = tmp_path / "mau.xlsx"
    write_template(root, out, ["places", "assessments"])
    wb = openpyxl.load_workbook(out)
    _append(wb["places"], NEW_PLACE)
    _append(wb["assessments"], _assessment("05/11/2025"))  # 5 Nov or 11 May?
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    before = _digest(root)
    report = run_import(filled, root, fix=True)
    assert not report.ok and _digest(root) == before
    assert any(p.code == "import-ambiguous-dates" for p in report.problems)


def test_lost_zero_and_decimal_comma_fixed_from_csv(
    make_package: Callable[[str | None], Path], tmp_path: Path
) -> None:
    """A CSV as Excel on Vietnamese Windows saves it: BOM, ';', 2494 for 02494, 21,8."""
    root = make_package(None)
    source = tmp_path / "places.csv"
    source.write_bytes(
        "\ufeffid;name;kind;unit_code;legacy_unit_code;legacy_unit_name;lat;lon\r\n"
        "tq-thai-binh-thon-moi;Thôn Mới;khu_dan_cu;2494;;;21,8;105,3\r\n".encode()
    )
    before = _digest(root)
    assert not run_import(source, root).ok and _digest(root) == before  # negative control
    report = run_import(source, root, fix=True)
    assert report.ok, [p.line() for p in report.problems]
    text = (root / "places.csv").read_text(encoding="utf-8")
    assert "tq-thai-binh-thon-moi,Thôn Mới,khu_dan_cu,02494,,,21.8,105.3\n" in text
    assert sum("đã sửa" in line for line in report.lines) == 3  # lat, lon, unit_code


def test_refusals_change_nothing(
    make_package: Callable[[str | None], Path], tmp_path: Path
) -> None:
    root = make_package(None)
    before = _digest(root)
    no_key = tmp_path / "places.csv"
    no_key.write_text(
        "id,name,kind,unit_code,legacy_unit_code,legacy_unit_name,lat,lon\n"
        ",Thôn Không Mã,khu_dan_cu,11113,,,,\n",
        encoding="utf-8",
    )
    report = run_import(no_key, root, fix=True)
    assert not report.ok and [p.code for p in report.problems][0] == "import-no-key"
    unknown = tmp_path / "x.csv"
    unknown.write_text("id,ten_la\nx,y\n", encoding="utf-8")
    report = run_import(unknown, root, table="places")
    assert not report.ok and {p.code for p in report.problems} >= {"import-header"}
    # A merged header row (two titles over one column group) is refused clearly.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "places"
    ws.append(["Nơi", None, "Loại"])
    ws.merge_cells("A1:B1")
    ws.append(["id", "name", "kind"])
    merged = tmp_path / "merged.xlsx"
    wb.save(merged)
    report = run_import(merged, root)
    assert not report.ok and report.problems[0].code == "import-merged-header"
    assert "(A1:B1)" in report.problems[0].message
    assert _digest(root) == before


def test_sync_deletes_only_the_province_rows_it_lost(
    make_package: Callable[[str | None], Path], tmp_path: Path
) -> None:
    root = make_package(None)
    out = tmp_path / "mau.xlsx"
    write_template(root, out, ["movement_classes"], province="31", with_data=True)
    wb = openpyxl.load_workbook(out)
    ws = wb["movement_classes"]
    if ws.max_row < 3:
        pytest.fail("the fixture has no movement class in Hải Phòng")
    kept_other = (root / "movement_classes.csv").read_text(encoding="utf-8").splitlines()
    ws.delete_rows(3)
    shrunk = tmp_path / "shrunk.xlsx"
    wb.save(shrunk)
    report = run_import(shrunk, root, sync=True, dry_run=True)
    assert report.ok and any(line.startswith("- movement_classes ") for line in report.lines)
    # Without --sync nothing is deleted (negative control).
    report = run_import(shrunk, root)
    assert report.ok
    assert (root / "movement_classes.csv").read_text(encoding="utf-8").splitlines() == kept_other
    report = run_import(shrunk, root, sync=True)
    assert report.ok
    after = (root / "movement_classes.csv").read_text(encoding="utf-8").splitlines()
    assert len(after) == len(kept_other) - 1


def test_oversized_upload_is_refused_before_reading(
    make_package: Callable[[str | None], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import importer

    root = make_package(None)
    source = tmp_path / "places.xlsx"
    write_template(root, source, ["places"])
    assert run_import(source, root).ok  # negative control: within the limit it is read
    monkeypatch.setattr(importer, "MAX_FILE_MB", 0.001)
    with pytest.raises(importer.ImportError_) as caught:
        run_import(source, root)
    assert "[file-too-large]" in caught.value.lines[0]
