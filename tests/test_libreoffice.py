"""The round trip as a real client makes it (issue 17): LibreOffice Calc, headless, opens the
template and saves it; rows typed as an official types them (05/03/2026, 2494) go through
Calc's own parsing with the vi-VN locale; antq import → antq validate --strict → antq build.
See ../shared/recipes/REAL-CLIENTS.md for the commands."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from generator.cli import app
from generator.importer import run_import
from generator.workbook import write_template

ROOT = Path(__file__).resolve().parents[1]
# The README's test command installs LibreOffice Calc; without it these tests fail (running
# "soffice" raises), they never skip.
SOFFICE = shutil.which("soffice") or "soffice"
runner = CliRunner()
VI_VN = "1066"  # the CSV filter's language token: Vietnamese (Vietnam)


def calc(source: Path, target: str, out: Path, profile: Path, infilter: str | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(SOFFICE),
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        str(source),
    ]
    if infilter:
        cmd.insert(3, f"--infilter={infilter}")
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    made = out / f"{source.stem}.{target.split(':')[0]}"
    assert made.is_file(), cmd
    return made


PLACES = (
    "id;name;kind;unit_code;legacy_unit_code;legacy_unit_name;lat;lon\n"
    "tq-thai-binh-thon-go;Thôn Gò;khu_dan_cu;2494;;;21,80;105,31\n"
)
ASSESSMENTS = (
    "place_id;year;result;decision_no;decision_date;issuer;legal_basis\n"
    "tq-thai-binh-thon-go;2025;dat;12/QĐ-UBND;{date};UBND xã Thái Bình;124/2021/TT-BCA\n"
)


def _typed(folder: Path, date: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    places = folder / "places.csv"
    places.write_text(PLACES, encoding="utf-8")
    assessments = folder / "assessments.csv"
    assessments.write_text(ASSESSMENTS.format(date=date), encoding="utf-8")
    return [places, assessments]


def test_template_survives_calc(make_package: Callable[[str | None], Path], tmp_path: Path) -> None:
    root = make_package(None)
    template = tmp_path / "mau.xlsx"
    write_template(root, template, province="31", with_data=True)
    saved = calc(template, "xlsx:Calc MS Excel 2007 XML", tmp_path / "calc", tmp_path / "p1")
    wb = openpyxl.load_workbook(saved)
    assert wb["places"].data_validations.dataValidation  # the drop-downs are still there
    assert wb["places"]["A2"].value == "id" and wb["places"].row_dimensions[2].hidden
    # Calc's file and its OpenDocument twin import back to exactly the same rows.
    for path in (saved, calc(template, "ods", tmp_path / "ods", tmp_path / "p2")):
        report = run_import(path, root)
        assert report.ok and "Không có gì thay đổi." in report.lines, report.lines


def test_typed_rows_through_calc_to_the_site(
    make_package: Callable[[str | None], Path], tmp_path: Path
) -> None:
    root = make_package(None)
    profile = tmp_path / "p"
    made = [
        calc(p, "xlsx:Calc MS Excel 2007 XML", tmp_path / "x", profile, f"CSV:59,34,76,1,,{VI_VN}")
        for p in _typed(tmp_path / "typed", "05/03/2026")
    ]
    # Calc read 05/03/2026 as a real date (vi-VN: day first) and 2494 as a number.
    cells = openpyxl.load_workbook(made[1]).active
    assert cells["E2"].is_date and cells["E2"].value.strftime("%Y-%m-%d") == "2026-03-05"
    assert openpyxl.load_workbook(made[0]).active["D2"].value == 2494
    before = (root / "places.csv").read_bytes()
    assert not run_import(made[0], root).ok  # 2494 is refused without --fix
    assert (root / "places.csv").read_bytes() == before
    for path in made:
        result = runner.invoke(app, ["import", str(path), "--data", str(root), "--fix"])
        assert result.exit_code == 0, result.output
    assert "tq-thai-binh-thon-go,Thôn Gò,khu_dan_cu,02494,,,21.8,105.31\n" in (
        root / "places.csv"
    ).read_text(encoding="utf-8")
    assert ",2026-03-05," in (root / "assessments.csv").read_text(encoding="utf-8")
    result = runner.invoke(app, ["validate", str(root), "--strict", "--no-cache"])
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    out = tmp_path / "public"
    args = ["build", "--data", str(root), "--out", str(out), "--site", str(site)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert any("Thôn Gò" in p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


def test_dates_calc_kept_as_text_are_repaired_by_fix(
    make_package: Callable[[str | None], Path], tmp_path: Path
) -> None:
    root = make_package(None)
    places, assessments = _typed(tmp_path / "typed", "25/11/2025")
    profile = tmp_path / "p"
    # Column 5 (decision_date) read as text: the dd/mm/yyyy an Excel round trip leaves.
    made = calc(
        assessments,
        "xlsx:Calc MS Excel 2007 XML",
        tmp_path / "x",
        profile,
        f"CSV:59,34,76,1,5/2,{VI_VN}",
    )
    assert openpyxl.load_workbook(made).active["E2"].value == "25/11/2025"
    assert run_import(places, root, fix=True).ok
    before = (root / "assessments.csv").read_bytes()
    refused = run_import(made, root)
    assert not refused.ok and any(p.code == "date-dmy" for p in refused.problems)
    assert (root / "assessments.csv").read_bytes() == before
    fixed = run_import(made, root, fix=True)
    assert fixed.ok and ",2025-11-25," in (root / "assessments.csv").read_text(encoding="utf-8")
