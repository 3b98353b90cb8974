"""Xếp loại Tổ bảo vệ an ninh, trật tự (issue 14 item 2): the security_team_ratings table, its
two warnings, the xã page column, open data, the change list and the synthetic generator."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
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
TEAMS = "id,unit_code,area_name,place_id,members,established,decision_no\n"
RATINGS = "team_id,year,rating,decision_no,decision_date\n"


def _package(tmp_path: Path, teams: str, ratings: str) -> Path:
    root = tmp_path / "data"
    shutil.copytree(GOOD, root)
    (root / "security_teams.csv").write_text(TEAMS + teams, encoding="utf-8")
    (root / "security_team_ratings.csv").write_text(RATINGS + ratings, encoding="utf-8")
    return root


def _codes(root: Path) -> list[tuple[str, int | None, str | None]]:
    result = validate_package(root, use_cache=False, jobs=1)
    return [(p.code, p.row, p.level) for p in result.problems]


def _teams(n: int, established: str = "2024-07-01") -> str:
    return "".join(f"to-{i},11113,Thôn {i},,3,{established},\n" for i in range(n))


def _rated(*ratings: str, year: int = 2026) -> str:
    return "".join(f"to-{i},{year},{r},,\n" for i, r in enumerate(ratings))


def test_good_ratings_validate_clean(tmp_path: Path) -> None:
    """Negative control: one "xuất sắc" beside five "tốt" is exactly the 20% the guide allows,
    and a tổ set up on 14/02 has worked nine months by 14/11."""
    teams = _teams(6) + "to-moi,11113,Thôn Mới,,3,2026-02-14,\n"
    ratings = _rated("hoan_thanh_xuat_sac", *["hoan_thanh_tot"] * 5) + (
        "to-moi,2026,hoan_thanh,,\n"
    )
    assert _codes(_package(tmp_path, teams, ratings)) == []


def test_more_excellent_than_the_quota_is_warned_once(tmp_path: Path) -> None:
    ratings = _rated("hoan_thanh_xuat_sac", "hoan_thanh_xuat_sac", *["hoan_thanh_tot"] * 4)
    assert _codes(_package(tmp_path, _teams(6), ratings)) == [
        ("security-team-rating-quota", 2, "warning")
    ]
    line = next(
        p.line() for p in validate_package(tmp_path / "data", use_cache=False, jobs=1).problems
    )
    assert "đơn vị 11113 có 2 tổ “Hoàn thành xuất sắc nhiệm vụ” và 4 tổ" in line


def test_a_team_younger_than_nine_months_is_warned(tmp_path: Path) -> None:
    teams = "to-0,11113,Thôn 0,,3,2026-02-15,\n"
    assert _codes(_package(tmp_path, teams, _rated("hoan_thanh_tot"))) == [
        ("security-team-rating-too-new", 2, "warning")
    ]


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ("to-0,2026,gioi,,\n", [("enum", 2, "error")]),
        ("to-9,2026,hoan_thanh,,\n", [("foreign-key", 2, "error")]),
        # a year before the law and before the tổ: both said
        (
            "to-0,2023,hoan_thanh,,\n",
            [("below-minimum", 2, "error"), ("security-team-rating-too-new", 2, "warning")],
        ),
    ],
)
def test_bad_rows_are_reported(tmp_path: Path, ratings: str, expected: list) -> None:
    assert _codes(_package(tmp_path, _teams(1), ratings)) == expected


def test_the_sample_data_is_clean_and_rates_every_team() -> None:
    result = validate_package(ROOT / "data", use_cache=False, jobs=1)
    assert [p.code for p in result.problems if p.code.startswith("security-team")] == []
    data = read_package(ROOT / "data")
    assert {r.team_id for r in data.security_team_ratings} == {t.id for t in data.security_teams}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("site") / "public"
    build_site(BuildOptions(data_dir=GOOD, out_dir=out, site_dir=ROOT / "site"))
    yield out


def test_the_xa_page_shows_the_newest_rating(site: Path) -> None:
    page = (site / "tinh/hai-phong/xa-tan-ky/index.html").read_text(encoding="utf-8")
    newest = text("security-team-rating-latest", rating="Hoàn thành tốt nhiệm vụ", year=2026)
    assert f'<td class="inl" data-label="Xếp loại">{newest}</td>' in page
    assert "(2025)" not in page  # the 2025 rating of the same tổ is not the newest
    # Negative control: a xã whose tổ has no rating shows no rating column.
    other = (site / "tinh/ha-tinh/xa-truong-luu/index.html").read_text(encoding="utf-8")
    assert 'id="h-teams"' in other and 'data-label="Xếp loại"' not in other


def test_open_data_includes_the_table(site: Path) -> None:
    rows = json.loads((site / "du-lieu/security_team_ratings.json").read_text(encoding="utf-8"))
    assert [(r["team_id"], r["year"]) for r in rows][0] == ("to-antt-tan-ky-thon-nghi-khe", 2025)
    with (site / "du-lieu/security_team_ratings.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 3
    assert (site / "du-lieu/schemas/security_team_ratings.yaml").is_file()


def test_the_change_list_describes_a_rating() -> None:
    package, _ = load_package(GOOD)
    model = build_model(
        read_package(GOOD, package),
        load_settings(ROOT / "site"),
        date(2026, 12, 1),
        labels=package.labels(),
    )
    row = {"team_id": "to-antt-tan-ky-thon-nghi-khe", "year": "2026", "rating": "hoan_thanh"}
    key = ("to-antt-tan-ky-thon-nghi-khe", "2026")
    added = describe(model, RecordChange("security_team_ratings", key, "added", None, row))
    assert added.text == (
        "Thêm xếp loại năm 2026 của Tổ bảo vệ an ninh, trật tự Thôn Nghi Khê (Xã Tân Kỳ): "
        "Hoàn thành nhiệm vụ"
    )
    assert added.url == "/tinh/hai-phong/xa-tan-ky/"
    # Negative control: a rating of a tổ the model does not know has no page to link.
    lost = describe(
        model,
        RecordChange("security_team_ratings", ("x", "2026"), "added", None, {"team_id": "x"}),
    )
    assert lost.url is None


def test_the_synthetic_package_rates_each_team_within_the_quota(tmp_path: Path) -> None:
    from generator.data import synth

    counts = synth.write_package(tmp_path, scale="small", seed=2025)
    with (tmp_path / "security_team_ratings.csv").open(encoding="utf-8") as f:
        ratings = list(csv.DictReader(f))
    assert counts["security_team_ratings.csv"] == counts["security_teams.csv"] == len(ratings)
    assert {r["rating"] for r in ratings} >= {"hoan_thanh_tot", "hoan_thanh"}
    result = validate_package(tmp_path, use_cache=False, jobs=1)
    assert [p.line() for p in result.problems if p.code.startswith("security-team")] == []
