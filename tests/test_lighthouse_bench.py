"""The Lighthouse bench's CPU calibration (bench/lighthouse_bench.py): the multiplier that
Lighthouse's CPU slowdown calculator gives for a host's benchmarkIndex. Pure arithmetic: no
browser, no Lighthouse."""

from __future__ import annotations

import pytest

from bench.lighthouse_bench import calibrated_multiplier


@pytest.mark.parametrize(
    ("index", "multiplier"),
    [(100, 1.0), (150, 1.0), (475, 1.5), (800, 2.0), (1050, 2.5), (1300, 3.0), (1533, 4.0)],
)
def test_calibrated_multiplier_follows_the_calculator(index: float, multiplier: float) -> None:
    assert calibrated_multiplier(index) == pytest.approx(multiplier, abs=0.01)


def test_calibration_is_monotonic_and_never_speeds_the_host_up() -> None:
    values = [calibrated_multiplier(i) for i in range(0, 2500, 25)]
    assert values == sorted(values) and min(values) == 1.0
    # Negative control: a fast desktop keeps Lighthouse's default range (4x near 1533), a
    # loaded shared host does not: the two must differ, or calibration would change nothing.
    assert calibrated_multiplier(300) < 2 < 4 <= calibrated_multiplier(1600)
