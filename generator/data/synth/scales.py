"""Scales of the synthetic package, its description and the default source package."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / "data"


class Scale(TypedDict):
    """Target sizes of one synthetic package; counts are approximate where noted."""

    provinces: tuple[str, ...] | None  # None: every current province
    places: int  # exact, including one place per ward for the ward itself
    models: int
    model_sites: int
    assessments: int  # at most places × years: every place assessed every year
    awards: int
    events: int
    years: tuple[int, ...]  # assessment, classification and award years


# One dict per scale so that a benchmark scale can be added in one place.
SCALES: dict[str, Scale] = {
    "small": {
        "provinces": ("31", "08"),  # Hải Phòng and Tuyên Quang: 238 wards, town and mountain
        "places": 2_000,
        "models": 50,
        "model_sites": 1_500,
        "assessments": 8_000,
        "awards": 500,
        "events": 40,
        "years": (2022, 2023, 2024, 2025),
    },
    "national": {
        "provinces": None,
        "places": 100_000,
        "models": 2_500,
        "model_sites": 124_000,
        "assessments": 400_000,
        "awards": 50_000,
        "events": 200,
        "years": (2022, 2023, 2024, 2025),
    },
}

# Resources copied from the source package rather than invented.
COPIED = ("units", "legacy_units", "unit_changes", "legal_documents")

SYNTHETIC_DESCRIPTION = (
    "DỮ LIỆU TỔNG HỢP, sinh tự động bằng lệnh `antq synth` (quy mô {scale}, seed {seed}) để đo "
    "hiệu năng và kiểm thử; cùng cấu trúc với gói dữ liệu mở của phong trào toàn dân bảo vệ an "
    "ninh Tổ quốc. Đơn vị hành chính, bảng quy đổi mã và văn bản pháp luật chép từ gói thật; "
    "nơi được đánh giá, kết quả, phân loại, mô hình, điểm mô hình, khen thưởng và lịch là bịa, "
    "không phản ánh thực tế và không có thông tin về cá nhân có thật."
)
