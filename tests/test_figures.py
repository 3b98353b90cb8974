"""What the site shows must be true: a unit with no data is never counted as a failure."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from generator.data.records import Target
from generator.model import Coverage
from generator.pages.common import coverage_view
from generator.render import Renderer

ROOT = Path(__file__).resolve().parents[1]


def _goal(percent: float, source: str = "Kế hoạch năm 2025 của UBND xã") -> Target:
    return Target("11113", None, 2025, "xa", percent, source, None)


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
    view = coverage_view(Coverage(registered=307, assessed=13, passed=13), _goal(100.0))
    assert view is not None
    assert (view["passed"], view["failed"], view["missing"]) == (13, 0, 294)
    assert view["percent"] == 100.0  # over the 13 assessed, not the 307 registered
    assert view["verdict"] == "incomplete"
    text = _progress(view)
    assert "Xã: 13 đạt , 0 chưa đạt, 294 chưa có dữ liệu (tổng 307)" in text
    assert "Tỷ lệ đạt trong số đã đánh giá: 100% (13/13)" in text
    assert "Chưa đủ dữ liệu để so với mục tiêu phấn đấu 100%" in text
    assert "Chưa đạt mục tiêu" not in text and "4,2%" not in text
    assert "Mục tiêu theo: Kế hoạch năm 2025 của UBND xã" in text
    assert text.endswith("|100% (13/13 đã đánh giá; 294 chưa có dữ liệu)")


@pytest.mark.parametrize(
    ("passed", "verdict", "badge"),
    [(57, "met", "Đạt mục tiêu phấn đấu 95%"), (50, "unmet", "Chưa đạt mục tiêu phấn đấu 95%")],
)
def test_a_target_is_judged_once_every_unit_has_a_result(passed, verdict, badge) -> None:
    view = coverage_view(Coverage(registered=59, assessed=59, passed=passed), _goal(95.0))
    assert view is not None and view["verdict"] == verdict
    assert badge in _progress(view)


def test_no_result_at_all_shows_no_rate() -> None:
    view = coverage_view(Coverage(registered=114, assessed=0, passed=0), _goal(100.0))
    assert view is not None and view["percent"] is None and view["verdict"] == "incomplete"
    text = _progress(view)
    assert "0 đạt , 0 chưa đạt, 114 chưa có dữ liệu" in text
    assert "Tỷ lệ đạt" not in text
    assert text.endswith("| chưa có dữ liệu (114)")
    # No target set: no badge of any kind.
    plain = coverage_view(Coverage(registered=10, assessed=10, passed=9))
    assert plain is not None and plain["verdict"] is None
    assert "mục tiêu" not in _progress(plain)


@pytest.fixture(scope="module")
def built_with_a_stopped_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good fixture package with one model stopped and one place added, built once for
    the module's tests (they only read it)."""
    import shutil

    from generator.build import BuildOptions, build_site

    tmp_path = tmp_path_factory.mktemp("stopped-model")
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "good", data)
    models = data / "models.csv"
    text = models.read_text(encoding="utf-8")
    lines = text.splitlines()
    # The second model (Tổ tự quản, run in xã Tân Kỳ) has stopped.
    assert lines[2].startswith("to-tu-quan-nghi-khe,") and ",dang_hoat_dong," in lines[2]
    lines[2] = lines[2].replace(",dang_hoat_dong,", ",ngung,")
    models.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # A place in xã Tân Kỳ with no result, beside Thôn Nghi Khê ("dat" in 2025).
    with (data / "places.csv").open("a", encoding="utf-8") as fh:
        header = (data / "places.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        row = {"id": "hp-tan-ky-thon-moi", "name": "Thôn Mới", "kind": "khu_dan_cu"}
        row["unit_code"] = "11113"
        fh.write(",".join(row.get(h, "") for h in header) + "\n")
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    out = tmp_path / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1763683200")
        build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=site))
    return out


def _section(page: str, heading_id: str) -> str:
    match = re.search(rf'<h2 id="{heading_id}">.*?</section>', page, re.S)
    return _text(match.group()) if match else ""


def test_a_stopped_model_is_not_listed_as_running(built_with_a_stopped_model: Path) -> None:
    pages = list(built_with_a_stopped_model.glob("tinh/*/xa-tan-ky/index.html"))
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    running = _section(page, "h-models")
    stopped = _section(page, "h-models-stopped")
    assert "Tiếng kẻng an ninh" in running and "Tổ tự quản" not in running
    assert stopped.startswith("Mô hình đã tạm dừng hoặc ngừng hoạt động")
    assert "Tổ tự quản về ANTT thôn Nghi Khê" in stopped and "Ngừng hoạt động" in stopped
    # Sites are "nơi triển khai", never "điểm" (the word of a score).
    assert "2 nơi triển khai" in running and " điểm" not in running


def test_each_place_on_a_xa_page_shows_its_own_result(built_with_a_stopped_model: Path) -> None:
    page = next(built_with_a_stopped_model.glob("tinh/*/xa-tan-ky/index.html"))
    places = _section(page.read_text(encoding="utf-8"), "h-places")
    assert "Kết quả “An toàn về an ninh, trật tự” năm 2025 của từng nơi" in places
    assert "Thôn Mới — Khu dân cư Chưa có dữ liệu" in places
    assert "Thôn Nghi Khê — Khu dân cư; trước 01/7/2025 thuộc xã Tân Kỳ" in places
    assert places.endswith("tỉnh Hải Dương Đạt")


def _settings_with(tmp_path: Path, contact: str) -> Path:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8")
    start = text.index("[contact]")
    end = text.index("\n[", start + 1)
    toml.write_text(text[:start] + contact + text[end:], encoding="utf-8")
    return site


def test_contact_settings_are_checked(tmp_path: Path) -> None:
    from generator.settings import SettingsError, load_settings

    site = _settings_with(tmp_path, '[contact]\nurl = "ftp://x"\nemail = "khong-phai-thu"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(site)
    where = f"{site / 'site.toml'}"
    assert err.value.lines == [
        f"{where}: lỗi: [contact] thiếu “organisation” (tên cơ quan công bố trang) "
        "[settings-contact-organisation]",
        f"{where}: lỗi: [contact] url phải là địa chỉ http(s) đầy đủ [settings-contact-url]",
        f"{where}: lỗi: [contact] email không đúng dạng, ví dụ gopy@congan.gov.vn "
        "[settings-contact-email]",
    ]


def test_the_about_page_names_the_publisher_and_how_to_report(make_package, tmp_path) -> None:
    from generator.build import BuildOptions, build_site

    site = _settings_with(
        tmp_path,
        '[contact]\norganisation = "Công an xã Tân Kỳ"\naddress = "Thôn Nghi Khê, xã Tân Kỳ"\n'
        'email = "gopy@example.org"\n',
    )
    out = tmp_path / "out"
    build_site(BuildOptions(data_dir=make_package(), out_dir=out, site_dir=site))
    about = _text((out / "gioi-thieu" / "index.html").read_text(encoding="utf-8"))
    assert "Trang do Công an xã Tân Kỳ công bố và chịu trách nhiệm về nội dung." in about
    assert "Địa chỉ: Thôn Nghi Khê, xã Tân Kỳ" in about
    assert "qua thư điện tử gopy@example.org" in about
    assert "Hỗ trợ người khuyết tật" in about and "WCAG 2.1" in about
    home = (out / "index.html").read_text(encoding="utf-8")
    footer = _text(home[home.index('<footer class="site-footer">') :])
    assert "Cơ quan công bố: Công an xã Tân Kỳ. Liên hệ, báo lỗi" in footer
    assert 'href="/gioi-thieu/#lien-he"' in home and "/huong-dan/" in home


@pytest.mark.parametrize("until", ["2025-12-31", ""])
def test_a_dated_plans_deadline_does_not_recur_after_it(
    make_package, tmp_path, monkeypatch, until
) -> None:
    """A 2023 district plan's yearly deadlines were shown every year, for a whole province:
    `valid_until` ends them (control: the same row without it still recurs)."""
    import shutil

    import icalendar

    from generator.build import BuildOptions, build_site

    data = make_package()
    events = data / "events.csv"
    text = events.read_text(encoding="utf-8")
    row = "bao-cao-nam-hai-phong,Hạn gửi báo cáo năm về phong trào,bao_cao,2025-11-10,hang_nam,,31,"
    assert row in text
    events.write_text(text.replace(row, row.replace(",hang_nam,,", f",hang_nam,{until},")), "utf-8")
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    out = tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790812800")  # 2026-10-01
    build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=site))
    calendar = _text((out / "lich" / "index.html").read_text(encoding="utf-8"))
    shown = "10/11/2026 Hạn gửi báo cáo năm về phong trào" in calendar
    assert shown == (until == ""), calendar
    ics = icalendar.Calendar.from_ical((out / "lich" / "lich.ics").read_bytes())
    item = next(c for c in ics.walk("VEVENT") if str(c["uid"]).startswith("bao-cao-nam-hai-phong"))
    rule = item["rrule"]
    assert rule["FREQ"] == ["YEARLY"]
    assert ("UNTIL" in rule) == bool(until)


def test_unit_nouns_are_lower_case_in_running_text() -> None:
    from generator.textvi import unit_prose

    assert (
        unit_prose("Xã Dân An, Huyện Tứ Kỳ, Tỉnh Hải Dương")
        == "xã Dân An, huyện Tứ Kỳ, tỉnh Hải Dương"
    )
    assert unit_prose("Thị xã Kỳ Anh, Tỉnh Hà Tĩnh") == "thị xã Kỳ Anh, tỉnh Hà Tĩnh"
    assert unit_prose("Thành phố Hải Phòng") == "thành phố Hải Phòng"
    # Only the noun that opens a part: a proper name that holds such a word keeps it.
    assert unit_prose("Phường Quận Hai") == "phường Quận Hai"


def test_a_xa_page_writes_old_names_as_running_text(built_with_a_stopped_model: Path) -> None:
    page = next(built_with_a_stopped_model.glob("tinh/*/xa-tan-ky/index.html"))
    legacy = re.search(r'<p class="legacy">(.*?)</p>', page.read_text(encoding="utf-8"), re.S)
    assert legacy is not None
    assert "xã Tân Kỳ, huyện Tứ Kỳ, tỉnh Hải Dương" in legacy.group(1)
    assert "Huyện" not in legacy.group(1) and "Tỉnh" not in legacy.group(1)


def test_a_target_shows_only_where_the_unit_set_one(built_with_a_stopped_model: Path) -> None:
    """The fixture's targets: Hải Phòng's own 95 % for khu dân cư in 2025, and huyện Tứ Kỳ's
    2023 plan (a unit before 01/7/2025). Only the first is shown, and only on its page."""
    out = built_with_a_stopped_model
    province = _text((out / "tinh" / "hai-phong" / "index.html").read_text(encoding="utf-8"))
    kdc = province[province.index("Khu dân cư năm 2025") :]
    assert "mục tiêu phấn đấu 95%" in kdc.split("Tỷ lệ đạt")[1][:200]
    assert "Mục tiêu theo: Kế hoạch thử nghiệm (dữ liệu kiểm thử)" in province
    xa_headline = province[province.index("Xã, phường, đặc khu năm 2025") :].split("Khu dân cư")[0]
    assert "mục tiêu" not in xa_headline  # no target for xã in 2025: no badge at all
    for other in ("tuyen-quang", "ha-tinh"):
        page = (out / "tinh" / other / "index.html").read_text(encoding="utf-8")
        assert "mục tiêu phấn đấu" not in _text(page)
    home = _text((out / "index.html").read_text(encoding="utf-8"))
    headline = home[: home.index("Phong trào qua các con số")]
    assert "mục tiêu phấn đấu" not in headline  # three provinces: no single target
    assert "Tứ Kỳ (dữ liệu kiểm thử)" not in home + province


@pytest.mark.parametrize(
    ("unit", "legacy", "both"), [("31", "298", "cả hai"), ("", "", "không cột nào")]
)
def test_a_target_names_exactly_one_unit(make_package, monkeypatch, unit, legacy, both) -> None:
    from generator.data.validate import validate_package

    data = make_package()
    targets = data / "targets.csv"
    text = targets.read_text(encoding="utf-8")
    targets.write_text(text.replace(",298,2023,xa,", f"{unit},{legacy},2023,xa,"), "utf-8")
    monkeypatch.chdir(data)
    lines = [p.line() for p in validate_package(Path("."), use_cache=False).problems]
    assert lines == [
        f"targets.csv:3:A (unit_code): lỗi: mục tiêu phải ghi đúng một đơn vị: mã hiện nay hoặc "
        f"mã trước 01/7/2025 (đang ghi {both}) [target-unit] — Cách sửa: ghi mã đơn vị hiện nay "
        "vào unit_code, hoặc mã đơn vị cũ đã đặt mục tiêu vào legacy_unit_code, không ghi cả hai"
    ]


def test_the_sample_calendar_holds_no_expired_plan_and_no_repeated_place() -> None:
    """On the bundled data at today's date: the Tứ Kỳ 2023 and Tuyên Quang 2022 plans'
    deadlines no longer recur, and no title repeats the place its scope already names."""
    from datetime import date

    from generator.data.load import read_package
    from generator.lessons import load_lessons
    from generator.model import build_model
    from generator.pages.calendar import occurrences
    from generator.settings import load_settings

    data = read_package(ROOT / "data")
    lessons, _ = load_lessons(ROOT / "data", {d.id for d in data.legal_documents})
    model = build_model(data, load_settings(ROOT / "site"), date(2026, 12, 2), lessons)
    shown = occurrences(model, upcoming=True) + occurrences(model, upcoming=False)
    ids = {item["id"] for item in shown}
    assert shown and not any(i.startswith(("bao-cao-6-thang", "bao-cao-nam")) for i in ids), ids
    for event in data.events:
        if event.unit_code in model.province_by_code:
            short = model.province_by_code[event.unit_code].unit.short_name
            assert f"({short})" not in event.title, event.title
