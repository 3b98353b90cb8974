"""Tổ bảo vệ an ninh, trật tự ở cơ sở (issue 14 item 2): the security_teams table, its checks,
the xã and province pages, open data, the change list and the synthetic generator."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.changes import describe
from generator.data.load import read_package
from generator.data.messages_vi import text
from generator.data.schema import load_package
from generator.data.validate import validate_package
from generator.diff import RecordChange
from generator.model import build_model
from generator.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests/fixtures/good"
HEADER = "id,unit_code,area_name,place_id,members,established,decision_no\n"


def _package(tmp_path: Path, rows: str) -> Path:
    root = tmp_path / "data"
    shutil.copytree(GOOD, root)
    (root / "security_teams.csv").write_text(HEADER + rows, encoding="utf-8")
    # The fixture's ratings name its own tổ, which these rows replace: rate the first one.
    first = rows.split(",", 1)[0]
    (root / "security_team_ratings.csv").write_text(
        f"team_id,year,rating,decision_no,decision_date\n{first},2026,hoan_thanh_tot,,\n",
        encoding="utf-8",
    )
    return root


def _codes(root: Path) -> list[tuple[str, int | None, str | None]]:
    result = validate_package(root, use_cache=False, jobs=1)
    return [(p.code, p.row, p.level) for p in result.problems]


GOOD_ROW = "to-a,11113,Thôn Nghi Khê,hp-tan-ky-thon-nghi-khe,5,2024-07-01,100/QĐ-UBND\n"


def test_good_rows_validate_clean(tmp_path: Path) -> None:
    """Negative control for the checks below: a well-formed tổ raises nothing."""
    assert _codes(_package(tmp_path, GOOD_ROW + "to-b,11113,Thôn Mới,,3,,\n")) == []


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("to-x,11113,Thôn Nghi Khê,,0,,\n", ("below-minimum", 3, "error")),
        ("to-x,11113,Thôn Nghi Khê,,101,,\n", ("above-maximum", 3, "error")),
        ("to-x,11113,Thôn Nghi Khê,,ba,,\n", ("type-error", 3, "error")),
        ("to-x,11113,Thôn Nghi Khê,,,,\n", ("required", 3, "error")),
        ("to-x,11113,Thôn Nghi Khê,,2,,\n", ("security-team-few-members", 3, "warning")),
        ("to-x,99999,Thôn Lạ,,3,,\n", ("foreign-key", 3, "error")),
        # a place of another xã, and the xã itself instead of a thôn
        (
            "to-x,11140,Thôn Nghi Khê,hp-tan-ky-thon-nghi-khe,3,,\n",
            ("security-team-place", 3, "error"),
        ),
        ("to-x,11113,Xã Tân Kỳ,xa-11113,3,,\n", ("security-team-place", 3, "error")),
        ("to-x,11113,Thôn Nghi Khê,khong-co,3,,\n", ("foreign-key", 3, "error")),
    ],
)
def test_bad_rows_are_reported(tmp_path: Path, row: str, expected: tuple[str, int, str]) -> None:
    assert _codes(_package(tmp_path, GOOD_ROW + row)) == [expected]


def test_three_members_is_enough(tmp_path: Path) -> None:
    """The edge of the warning: 3 (Tổ trưởng, Tổ phó, one Tổ viên) is quiet, 2 is not."""
    assert _codes(_package(tmp_path, "to-x,11113,Thôn A,,3,,\n")) == []
    assert _codes(_package(tmp_path / "b", "to-x,11113,Thôn A,,2,,\n")) == [
        ("security-team-few-members", 2, "warning")
    ]


def test_the_sample_data_is_clean() -> None:
    result = validate_package(ROOT / "data", use_cache=False, jobs=1)
    assert [p.code for p in result.problems if p.code.startswith("security-team")] == []
    teams = read_package(ROOT / "data").security_teams
    assert len(teams) >= 50 and all(t.members >= 3 for t in teams)


@pytest.fixture
def site(fixture_site: Path) -> Path:
    """The good fixture package built once for the session (tests/conftest.py); read only."""
    return fixture_site


def test_the_xa_page_lists_its_teams(site: Path) -> None:
    page = (site / "tinh/hai-phong/xa-tan-ky/index.html").read_text(encoding="utf-8")
    assert "Tổ bảo vệ an ninh, trật tự ở cơ sở" in page
    count = text("security-team-count", count="1", members="5")
    assert f"<p>{count} (Luật" in page
    assert (
        '<th scope="row">Thôn Nghi Khê</th><td class="num inl" data-label="Số thành viên">5</td>'
        in page
    )
    # Negative control: a xã without a tổ has no such section.
    other = (site / "tinh/hai-phong/xa-nguyen-giap/index.html").read_text(encoding="utf-8")
    assert 'id="h-teams"' not in other


def test_the_province_page_counts_them(site: Path) -> None:
    page = (site / "tinh/hai-phong/index.html").read_text(encoding="utf-8")
    count = text("security-team-count", count="2", members="9")  # Tân Kỳ 5 + Lạc Phượng 4
    assert f"Tổ bảo vệ an ninh, trật tự ở cơ sở: {count}." in page
    assert '<td class="num inl" data-label="Tổ bảo vệ ANTT">1</td>' in page
    tuyen_quang = (site / "tinh/tuyen-quang/index.html").read_text(encoding="utf-8")
    assert '<p class="teams">' not in tuyen_quang  # no tổ there in the fixture


def test_open_data_includes_the_table(site: Path) -> None:
    rows = json.loads((site / "du-lieu/security_teams.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in rows} == {
        "to-antt-tan-ky-thon-nghi-khe",
        "to-antt-lac-phuong-thon-cong-lac",
        "to-antt-truong-luu-thon-kim-song",
    }
    with (site / "du-lieu/security_teams.csv").open(encoding="utf-8") as f:
        assert [r["members"] for r in csv.DictReader(f)] == ["5", "4", "3"]
    assert (site / "du-lieu/schemas/security_teams.yaml").is_file()
    index = (site / "du-lieu/index.html").read_text(encoding="utf-8")
    assert 'href="/du-lieu/security_teams.json"' in index


def test_the_change_list_describes_a_team() -> None:
    package, _ = load_package(GOOD)
    model = build_model(
        read_package(GOOD, package),
        load_settings(ROOT / "site"),
        date(2025, 11, 21),
        labels=package.labels(),
    )
    row = {"id": "to-antt-moi", "unit_code": "11113", "area_name": "Thôn Mới", "members": "4"}
    added = describe(model, RecordChange("security_teams", ("to-antt-moi",), "added", None, row))
    assert added.text == text(
        "update-security-team", verb=text("update-verb-added"), area="Thôn Mới", unit="Xã Tân Kỳ"
    )
    assert added.text == "Thêm Tổ bảo vệ an ninh, trật tự Thôn Mới (Xã Tân Kỳ)"
    assert added.url == "/tinh/hai-phong/xa-tan-ky/"
    removed = describe(
        model, RecordChange("security_teams", ("to-antt-moi",), "removed", row, None)
    )
    assert removed.text.startswith(text("update-verb-removed") + " Tổ bảo vệ")
    # Negative control: another table's change does not read as a tổ.
    other = describe(model, RecordChange("events", ("x",), "added", None, {"title": "Ngày hội"}))
    assert "Tổ bảo vệ" not in other.text


def test_the_synthetic_package_has_one_team_per_thon(tmp_path: Path) -> None:
    from generator.data import synth

    counts = synth.write_package(tmp_path, scale="small", seed=2025)
    with (tmp_path / "places.csv").open(encoding="utf-8") as f:
        thon = {r["id"]: r["unit_code"] for r in csv.DictReader(f) if r["kind"] == "khu_dan_cu"}
    with (tmp_path / "security_teams.csv").open(encoding="utf-8") as f:
        teams = list(csv.DictReader(f))
    assert counts["security_teams.csv"] == len(teams) == len(thon) > 0
    assert all(thon[t["place_id"]] == t["unit_code"] for t in teams)
    assert all(3 <= int(t["members"]) <= 8 for t in teams)
    result = validate_package(tmp_path, use_cache=False, jobs=1)
    assert [p.line() for p in result.problems if p.code.startswith("security-team")] == []
    assert not [p for p in result.problems if p.level == "error"]
