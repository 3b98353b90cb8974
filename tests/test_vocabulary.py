"""The movement's vocabulary (issue 14 item 2, vocab-14): đăng ký thi đua, "điển hình" and the
movement class of khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục — on the xã and province
pages, in the xã GeoJSON, the open data, the change list, push topics and the Excel template;
and the TT 124 check that a xã recognises only its own places, at its boundaries."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.changes import describe
from generator.data.load import read_package
from generator.data.schema import load_package
from generator.data.validate import validate_package
from generator.diff import RecordChange
from generator.model import SiteModel, build_model
from generator.push.topics import change_topics
from generator.settings import load_settings
from generator.workbook import default_tables

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests/fixtures/good"
TABLES = ("place_classes", "emulation_registrations", "exemplar_recognitions")


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_the_xa_page_shows_registrations_exemplars_and_classes(fixture_site: Path) -> None:
    page = _page(fixture_site, "tinh/hai-phong/xa-tan-ky")
    for heading in ("h-registrations", "h-exemplars", "h-place-classes"):
        assert f'id="{heading}"' in page
    assert "Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”" in page
    assert "gửi Ban Chỉ đạo 138 huyện Tứ Kỳ" in page
    assert "<strong>Được công nhận</strong> <small>2613/QĐ-UBND ngày 20/12/2024" in page
    assert '<td class="inl" data-label="Nơi">Thôn Nghi Khê</td>' in page
    # What is not verified says so where it shows.
    assert "ngưỡng điểm của từng loại: chưa kiểm chứng" in page
    assert "Ai công nhận và tiêu chí của từng loại: chưa kiểm chứng" in page
    # Negative control: a xã with none of these rows has none of the sections.
    other = _page(fixture_site, "tinh/ha-tinh/xa-truong-luu")
    assert 'id="h-teams"' in other or 'id="h-result"' in other
    for heading in ("h-registrations", "h-exemplars", "h-place-classes"):
        assert f'id="{heading}"' not in other


def test_the_province_page_lists_its_exemplars(fixture_site: Path) -> None:
    page = _page(fixture_site, "tinh/hai-phong")
    assert 'id="h-exemplars"' in page
    assert '<a href="/tinh/hai-phong/xa-tan-ky/">trang xã</a>' in page
    assert 'id="h-exemplars"' not in _page(fixture_site, "tinh/ha-tinh")  # negative control


def test_the_xa_geojson_counts_recognised_exemplars(fixture_site: Path) -> None:
    def counts(slug: str) -> dict[str, int]:
        path = fixture_site / "ban-do/du-lieu" / slug / "xa.geojson"
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        return {f["properties"]["code"]: f["properties"]["exemplars_recognised"] for f in features}

    assert counts("hai-phong")["11113"] == 1
    assert counts("ha-tinh")["18436"] == 0  # negative control


def test_open_data_and_the_template_include_the_tables(fixture_site: Path) -> None:
    for name in TABLES:
        rows = json.loads((fixture_site / f"du-lieu/{name}.json").read_text(encoding="utf-8"))
        assert rows and all(r["place_id"] for r in rows)
        assert (fixture_site / f"du-lieu/schemas/{name}.yaml").is_file()
    package, _ = load_package(GOOD)
    assert set(TABLES) <= set(default_tables(package))


@pytest.fixture(scope="module")
def model() -> SiteModel:
    package, _ = load_package(GOOD)
    return build_model(
        read_package(GOOD, package),
        load_settings(ROOT / "site"),
        date(2026, 12, 1),
        labels=package.labels(),
    )


def test_change_lines_and_topics(model: SiteModel) -> None:
    rows = {
        "place_classes": {"place_id": "hp-tan-ky-thon-nghi-khe", "year": "2025"},
        "emulation_registrations": {
            "place_id": "xa-11113",
            "year": "2026",
            "goal": "an_toan_antt",
        },
        "exemplar_recognitions": {
            "place_id": "xa-11113",
            "year": "2026",
            "kind": "cong_an_kieu_mau",
            "status": "xay_dung",
        },
    }
    texts = {}
    for name, row in rows.items():
        change = RecordChange(name, (row["place_id"], row["year"]), "added", None, row)
        line = describe(model, change)
        assert line.url == "/tinh/hai-phong/xa-tan-ky/"
        assert change_topics(model, change) == {"xa:11113", "tinh:31"}
        texts[name] = line.text
    assert texts == {
        "place_classes": "Thêm phân loại phong trào năm 2025 của Thôn Nghi Khê",
        "emulation_registrations": "Thêm đăng ký thi đua năm 2026 của Xã Tân Kỳ: "
        "Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "exemplar_recognitions": "Thêm điển hình năm 2026: Xã Tân Kỳ — Công an xã, phường "
        "điển hình, kiểu mẫu về ANTT (đang xây dựng)",
    }
    # Negative control: a place the model does not know has no page and no topic.
    lost = RecordChange("exemplar_recognitions", ("x", "2026"), "added", None, {"place_id": "x"})
    assert describe(model, lost).url is None and change_topics(model, lost) == set()


def _codes(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int | None]]:
    root = tmp_path / "data"
    shutil.copytree(GOOD, root)
    for name, extra in files.items():
        with (root / name).open("a", encoding="utf-8") as f:
            f.write(extra)
    result = validate_package(root, use_cache=False, jobs=1)
    return [(Path(p.file).name, p.code, p.row) for p in result.problems]


def test_the_checks_at_their_boundaries(tmp_path: Path) -> None:
    """Quý I ends on 31/03 (quiet) and 01/04 warns; a thôn recognised by its own xã, today's
    or the one before 01/7/2025 its legacy name gives, is quiet; by another xã, it warns; a
    school may register to become a "điển hình", a khu dân cư may not."""
    found = _codes(
        tmp_path,
        {
            "emulation_registrations.csv": (
                "xa-11113,2026,an_toan_antt,2026-03-31,\n"  # row 4: quiet
                "xa-11113,2027,an_toan_antt,2027-04-01,\n"  # row 5: late
                "tq-thai-binh-truong-thcs,2026,dien_hinh,2026-01-10,\n"  # row 6: quiet
            ),
            "assessments.csv": (
                "hp-lac-phuong-thon-cong-lac,2023,dat,1/QĐ-UBND,2023-11-20,UBND xã Cộng Lạc,\n"
                "hp-lac-phuong-thon-cong-lac,2024,dat,1/QĐ-UBND,2024-11-20,UBND xã Lạc Phượng,\n"
                "hp-lac-phuong-thon-cong-lac,2026,dat,1/QĐ-UBND,2026-11-20,UBND xã Tân Kỳ,\n"
            ),
        },
    )
    assert found == [
        ("assessments.csv", "tt124-other-xa", 9),
        ("emulation_registrations.csv", "registration-late", 5),
    ]


def test_the_document_page_counts_the_exemplar_decisions(fixture_site: Path) -> None:
    pages = {
        p.parent.name: p.read_text(encoding="utf-8")
        for p in (fixture_site / "van-ban").glob("*/index.html")
    }
    cited = [slug for slug, page in pages.items() if "quyết định về điển hình" in page]
    assert cited == [s for s in pages if "22-hd-bca-v05" in s]
    assert len(cited) == 1  # negative control: no other document page claims one
