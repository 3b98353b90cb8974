"""Award forms as issued (issue 14 item 2): the names in awards.award's categories follow the
law in force (data/sources/phap-luat-2026.md, mục 18); the Huy hiệu is no award of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.data.schema import load_package
from generator.data.validate import validate_package

ROOT = Path(__file__).resolve().parents[1]


def test_the_sample_and_fixture_schemas_name_the_forms_as_issued() -> None:
    for root in (ROOT / "data", ROOT / "tests/fixtures/good"):
        labels = load_package(root)[0].labels()["awards.award"]
        assert labels["giay_khen_ubnd_xa"] == "Giấy khen của Chủ tịch UBND xã/phường"
        assert labels["bang_khen_ubnd_tinh"] == "Bằng khen của Chủ tịch UBND tỉnh/thành phố"
        assert labels["co_thi_dua_bo_cong_an"] == "Cờ thi đua của Bộ Công an"
        assert labels["huan_chuong_bao_ve_to_quoc"] == "Huân chương Bảo vệ Tổ quốc"
        assert not [code for code, label in labels.items() if "Huy hiệu" in label]


def test_a_huy_hieu_award_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(ROOT / "tests/fixtures/good", root)
    awards = root / "awards.csv"
    good = awards.read_text(encoding="utf-8")
    row = "2025-hh,2025,ca_nhan,Tổ viên A,11113,{form},,,2025-08-19,,,\n"
    # Negative control first: the same row with a form as issued passes.
    awards.write_text(good + row.format(form="giay_khen_ubnd_xa"), encoding="utf-8")
    assert [p.code for p in validate_package(root, use_cache=False, jobs=1).problems] == []
    awards.write_text(good + row.format(form="huy_hieu"), encoding="utf-8")
    codes = [p.code for p in validate_package(root, use_cache=False, jobs=1).problems]
    assert codes == ["enum"]
