"""What the site shows must be true: a unit with no data is never counted as a failure."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from generator.model import Coverage
from generator.pages.common import coverage_view
from generator.render import Renderer

ROOT = Path(__file__).resolve().parents[1]


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _progress(view: dict | None) -> str:
    renderer = Renderer(ROOT / "site" / "templates", {})
    template = renderer.env.from_string(
        '{% import "macros.html" as ui %}{{ ui.progress(cov, "Xã") }}|{{ ui.cov_cell(cov) }}'
    )
    return _text(template.render(cov=view))


def test_missing_data_is_neither_passed_nor_failed() -> None:
    # The sample's national headline: 13 xã đạt, 294 with no data yet.
    view = coverage_view(Coverage(registered=307, assessed=13, passed=13), target=100.0)
    assert view is not None
    assert (view["passed"], view["failed"], view["missing"]) == (13, 0, 294)
    assert view["percent"] == 100.0  # over the 13 assessed, not the 307 registered
    assert view["verdict"] == "incomplete"
    text = _progress(view)
    assert "Xã: 13 đạt , 0 chưa đạt, 294 chưa có dữ liệu (tổng 307)" in text
    assert "Tỷ lệ đạt trong số đã đánh giá: 100% (13/13)" in text
    assert "Chưa đủ dữ liệu để so với chỉ tiêu 100%" in text
    assert "Chưa đạt chỉ tiêu" not in text and "4,2%" not in text
    assert text.endswith("|100% (13/13 đã đánh giá; 294 chưa có dữ liệu)")


@pytest.mark.parametrize(
    ("passed", "verdict", "badge"),
    [(57, "met", "Đã đạt chỉ tiêu 95%"), (50, "unmet", "Chưa đạt chỉ tiêu 95%")],
)
def test_a_target_is_judged_once_every_unit_has_a_result(passed, verdict, badge) -> None:
    view = coverage_view(Coverage(registered=59, assessed=59, passed=passed), target=95.0)
    assert view is not None and view["verdict"] == verdict
    assert badge in _progress(view)


def test_no_result_at_all_shows_no_rate() -> None:
    view = coverage_view(Coverage(registered=114, assessed=0, passed=0), target=100.0)
    assert view is not None and view["percent"] is None and view["verdict"] == "incomplete"
    text = _progress(view)
    assert "0 đạt , 0 chưa đạt, 114 chưa có dữ liệu" in text
    assert "Tỷ lệ đạt" not in text
    assert text.endswith("| chưa có dữ liệu (114)")
    # No target set: no badge of any kind.
    plain = coverage_view(Coverage(registered=10, assessed=10, passed=9))
    assert plain is not None and plain["verdict"] is None
    assert "chỉ tiêu" not in _progress(plain)
