"""The inbox for officials without a terminal (issue 17, item 3): a workbook committed into
data/nhap/ is imported by `antq build` with `antq import --fix`'s rules, its rows then live in
the CSV files and on the site; a workbook that cannot be imported stops the build and changes
nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import yaml

from generator.build import BuildError, BuildOptions, build_site
from generator.data.validate import validate_package
from generator.workbook import write_template

ROOT = Path(__file__).resolve().parents[1]


def _workbook(root: Path, path: Path, decision: str) -> None:
    write_template(root, path, ["places", "assessments"], province="31")
    wb = openpyxl.load_workbook(path)
    for sheet, values in (
        (
            "places",
            {
                "id": "hp-tan-ky-thon-hop-nhat",
                "name": "Thôn Hợp Nhất",
                "kind": "Khu dân cư",
                "unit_code": "11113 — Xã Tân Kỳ",
            },
        ),
        (
            "assessments",
            {
                "place_id": "hp-tan-ky-thon-hop-nhat",
                "year": 2025,
                "result": "Đạt",
                "decision_no": "88/QĐ-UBND",
                "decision_date": decision,
                "issuer": "UBND xã Tân Kỳ",
                "legal_basis": "124/2021/TT-BCA",
            },
        ),
    ):
        ws = wb[sheet]
        names = [c.value for c in ws[2]]
        row = ws.max_row + 1
        for name, value in values.items():
            ws.cell(row=row, column=names.index(name) + 1, value=value)
    wb.save(path)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(ROOT / "site", target)
    return target


def test_build_imports_the_inbox(
    make_package: Callable[[str | None], Path], site: Path, tmp_path: Path
) -> None:
    root = make_package(None)
    (root / "nhap").mkdir()
    upload = root / "nhap" / "tan-ky.xlsx"
    _workbook(root, upload, "25/11/2025")  # typed as text, repaired by --fix's rules
    # The inbox is part of the package: a workbook there is not a stray file.
    assert not [p for p in validate_package(root, use_cache=False).errors]
    report = build_site(BuildOptions(data_dir=root, out_dir=tmp_path / "public", site_dir=site))
    assert any("đã nhập tan-ky.xlsx" in line for line in report.inbox)
    assert not upload.exists()
    assert "hp-tan-ky-thon-hop-nhat,2025,dat,88/QĐ-UBND,2025-11-25," in (
        root / "assessments.csv"
    ).read_text(encoding="utf-8")
    pages = list((tmp_path / "public").rglob("*.html"))
    assert any("Thôn Hợp Nhất" in p.read_text(encoding="utf-8") for p in pages)


def test_a_bad_workbook_stops_the_build_and_changes_nothing(
    make_package: Callable[[str | None], Path], site: Path, tmp_path: Path
) -> None:
    root = make_package(None)
    (root / "nhap").mkdir()
    upload = root / "nhap" / "tan-ky.xlsx"
    _workbook(root, upload, "05/11/2025")  # 5 November or 11 May: never guessed
    before = {p.name: p.read_bytes() for p in root.glob("*.csv")}
    with pytest.raises(BuildError) as caught:
        build_site(BuildOptions(data_dir=root, out_dir=tmp_path / "public", site_dir=site))
    lines = "\n".join(caught.value.lines)
    assert "[import-ambiguous-dates]" in lines and "[inbox-failed]" in lines
    assert upload.exists() and not (tmp_path / "public").exists()
    assert {p.name: p.read_bytes() for p in root.glob("*.csv")} == before


def test_a_stray_file_in_the_inbox_is_refused(
    make_package: Callable[[str | None], Path],
) -> None:
    """Negative control of the allow-list: only workbooks and CSV files belong there."""
    root = make_package(None)
    (root / "nhap").mkdir()
    (root / "nhap" / "ghi-chu.docx").write_bytes(b"x")
    codes = [p.code for p in validate_package(root, use_cache=False).problems]
    assert codes == ["stray-file"]


def test_ci_checks_the_inbox_read_only_and_commits_only_on_main() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/data.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    check = workflow["jobs"]["kiem-tra"]
    script = "\n".join(step.get("run", "") for step in check["steps"])
    assert "antq import --inbox --format github" in script
    assert script.index("antq import --inbox") < script.index("antq validate")
    commit = workflow["jobs"]["nhap"]
    assert commit["if"] == "github.event_name == 'push'" and commit["needs"] == "kiem-tra"
    assert commit["permissions"] == {"contents": "write"}
    assert "pull_request_target" not in workflow[True]
