"""How much to generate: the scales `antq synth --scale` offers."""

from __future__ import annotations

from typing import TypedDict


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
