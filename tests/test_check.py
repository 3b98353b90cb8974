"""antq check: a clean build passes; each kind of defect gives its exact Vietnamese line."""

from __future__ import annotations

import dataclasses
import gzip
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import generator.check.site as check_site_mod
from generator.check import check_site, glob_regex
from generator.cli import app
from generator.urlpath import path_to_url as page_url

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EPOCH = "1763683200"  # 21/11/2025
BASE = "https://antq.netlify.app"
XA = "tinh/hai-phong/xa-tan-ky/index.html"  # a xã page of the good fixture
PEM = "-----BEGIN EC PRIVATE KEY-----"
PRIVACY_HINT = (
    " — Cách sửa: xóa số này khỏi dữ liệu, bài học, mẫu trang hoặc site.toml đã tạo ra nó, "
    "rồi xây dựng lại"
)


@pytest.fixture
def built(fixture_site: Path) -> Path:
    """The good fixture package plus one lesson (the header links to /bai-hoc/), built once
    for the session (tests/conftest.py); read only."""
    return fixture_site


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    """A copy of the built site each test may damage."""
    copy = tmp_path / "public"
    shutil.copytree(built, copy)
    return copy


def run(site: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["check", str(site), "--site", str(ROOT / "site")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout.splitlines()


def edit(site: Path, rel: str, old: str, new: str) -> int:
    """Replace `old` once; return the line `new` starts on."""
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


def insert(site: Path, html: str, rel: str = XA) -> int:
    """Add `html` at the end of the page's main content; return its line."""
    return edit(site, rel, "</main>", html + "\n</main>")


def counts(site: Path) -> str:
    pages = sum(1 for p in site.rglob("*.html"))
    files = sum(1 for p in site.rglob("*") if p.is_file())
    return f"{pages} trang, {files} tệp"


def fails_with(site: Path, expected: str, code: str) -> None:
    exit_code, lines = run(site)
    assert lines == [expected, f"Tổng cộng: 1 lỗi: {code} 1 ({counts(site)})."]
    assert exit_code == 1


def test_clean_site_passes(site: Path) -> None:
    exit_code, lines = run(site)
    assert lines == [f"Trang web đạt: không có lỗi ({counts(site)})."]
    assert exit_code == 0
    assert (site / "bai-hoc/mau/index.html").is_file()  # the lesson budget is exercised


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(tmp_path / "public")])
    assert result.exit_code == 2
    assert "không tìm thấy thư mục trang web" in result.stderr


# -- 1. links and anchors ----------------------------------------------------------------------


def test_broken_link(site: Path) -> None:
    line = insert(site, '<a href="/khong-co/">Không có</a>')
    fails_with(
        site,
        f"{XA}:{line}: lỗi: liên kết nội bộ “/khong-co/” không dẫn tới tệp nào "
        "(cần có khong-co/index.html) [broken-link]",
        "broken-link",
    )


def test_broken_relative_asset(site: Path) -> None:
    line = insert(site, '<img src="../anh.png" alt="">')
    fails_with(
        site,
        f"{XA}:{line}: lỗi: liên kết nội bộ “../anh.png” không dẫn tới tệp nào "
        "(cần có tinh/hai-phong/anh.png) [broken-link]",
        "broken-link",
    )


def test_missing_anchor_on_another_page(site: Path) -> None:
    line = insert(site, '<a href="/tinh/hai-phong/#khong-co">Hải Phòng</a>')
    fails_with(
        site,
        f"{XA}:{line}: lỗi: liên kết “/tinh/hai-phong/#khong-co”: trang "
        "tinh/hai-phong/index.html không có phần tử id=“khong-co” [broken-link]",
        "broken-link",
    )


def test_missing_anchor_on_the_same_page(site: Path) -> None:
    line = insert(site, '<a href="#muc-khong-co">Mục</a>')
    fails_with(
        site,
        f"{XA}:{line}: lỗi: liên kết “#muc-khong-co”: trang {XA} không có phần tử "
        "id=“muc-khong-co” [broken-link]",
        "broken-link",
    )


def test_existing_anchors_relative_links_and_comments_pass(site: Path) -> None:
    insert(
        site,
        '<a href="/tinh/hai-phong/xa-tan-ky/#noi-dung">a</a> <a href="../#noi-dung">b</a>\n'
        '<a href="../xa-tan-ky">c</a> <a name="cu"></a><a href="#cu">d</a> <a href="#top">e</a>\n'
        '<a href="mailto:vanphong@example.vn">f</a> <a href="/du-lieu/places.csv#dong-2">g</a>\n'
        '<!-- <a href="/khong-co/">trong chú thích</a> -->',
    )
    assert run(site)[0] == 0


def test_javascript_link_is_unsafe(site: Path) -> None:
    line = insert(site, '<a href="javascript:alert(1)">Bấm</a>')
    fails_with(
        site,
        f"{XA}:{line}: lỗi: địa chỉ “javascript:alert(1)” chạy mã lệnh (javascript:): "
        "không được dùng trên trang [unsafe-url]",
        "unsafe-url",
    )


def test_javascript_link_hidden_by_entities_and_case(site: Path) -> None:
    line = insert(site, '<A HREF=" JavaScr&#105;pt:void(0)">Bấm</A>')
    exit_code, lines = run(site)
    assert lines[0].startswith(f"{XA}:{line}: lỗi: địa chỉ “JavaScript:void(0)” chạy mã lệnh")
    assert exit_code == 1


# -- 2. head elements --------------------------------------------------------------------------


def test_missing_title(site: Path) -> None:
    line = edit(
        site, XA, "<title>Xã Tân Kỳ, Thành phố Hải Phòng — ANTQ</title>", "<title> </title>"
    )
    fails_with(
        site,
        f"{XA}:{line}: lỗi: trang thiếu tiêu đề <title> (hoặc tiêu đề rỗng) [missing-title]",
        "missing-title",
    )


def test_wrong_lang(site: Path) -> None:
    line = edit(site, XA, '<html lang="vi">', '<html lang="en">')
    fails_with(
        site,
        f'{XA}:{line}: lỗi: thẻ <html> phải có lang="vi" (hiện: lang="en") [missing-lang]',
        "missing-lang",
    )


def test_wrong_canonical(site: Path) -> None:
    line = edit(
        site,
        XA,
        f'<link rel="canonical" href="{BASE}/tinh/hai-phong/xa-tan-ky/">',
        f'<link rel="canonical" href="{BASE}/tinh/hai-phong/">',
    )
    fails_with(
        site,
        f'{XA}:{line}: lỗi: liên kết rel="canonical" phải là “{BASE}/tinh/hai-phong/xa-tan-ky/” '
        f"(hiện: “{BASE}/tinh/hai-phong/”) [bad-canonical]",
        "bad-canonical",
    )


def test_missing_description(site: Path) -> None:
    text = (site / XA).read_text(encoding="utf-8")
    meta = re.search(r'<meta name="description" content="[^"]*">\n', text)
    assert meta
    (site / XA).write_text(text.replace(meta.group(), ""), encoding="utf-8")
    fails_with(
        site,
        f'{XA}: lỗi: trang thiếu mô tả <meta name="description"> (hoặc mô tả rỗng) '
        "[missing-description]",
        "missing-description",
    )


def test_404_page_needs_only_title_and_lang(site: Path) -> None:
    text = (site / "404.html").read_text(encoding="utf-8")
    text = re.sub(r'<link rel="canonical"[^>]*>|<meta name="description"[^>]*>', "", text)
    (site / "404.html").write_text(text, encoding="utf-8")
    assert run(site)[0] == 0


# -- 3. personal data --------------------------------------------------------------------------


def test_phone_number_in_a_page(site: Path) -> None:
    line = insert(site, "<p>Liên hệ anh Nam: 0912 345 678</p>")
    exit_code, lines = run(site)
    assert lines[0] == (
        f"{XA}:{line}: lỗi: có số điện thoại (091…78): không đăng thông tin cá nhân [personal-data]"
        + PRIVACY_HINT
    )
    assert exit_code == 1
    assert not any("0912" in out or "345 678" in out for out in lines)


def test_citizen_id_in_a_data_download(site: Path) -> None:
    path = site / "du-lieu/places.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows.insert(2, "cccd,０３４２０５００１２３４")  # fullwidth digits: still a number
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    fails_with(
        site,
        "du-lieu/places.csv:3: lỗi: có số giống số định danh cá nhân/CCCD (０３４…３４): "
        "không đăng thông tin cá nhân [personal-data]" + PRIVACY_HINT,
        "personal-data",
    )


# -- 4. secrets --------------------------------------------------------------------------------


def test_private_key_in_a_js_file(site: Path) -> None:
    script = next((site / "static/js").glob("*.js"))
    rel = script.relative_to(site).as_posix()
    lines_before = script.read_text(encoding="utf-8").count("\n")
    key = "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49"
    with script.open("a", encoding="utf-8") as f:
        f.write(f'\nvar k = "{PEM}\\n{key}\\n-----END EC PRIVATE KEY-----";\n')
    exit_code, lines = run(site)
    assert lines[0] == (
        f"{rel}:{lines_before + 2}: lỗi: có khóa bí mật (khóa riêng PEM: {PEM}): "
        "xóa khỏi trang, thu hồi và tạo khóa mới [secret]"
    )
    assert exit_code == 1
    assert not any(key in out for out in lines)


def test_vapid_key_and_token_are_masked(site: Path) -> None:
    vapid = "Kx3" + "q" * 40
    token = "ghp_" + "Z9" * 18
    line = insert(site, f'<pre>{{"privateKey": "{vapid}"}} {token}</pre>')
    exit_code, lines = run(site)
    message = ": xóa khỏi trang, thu hồi và tạo khóa mới [secret]"
    assert lines[:2] == [
        f"{XA}:{line}: lỗi: có khóa bí mật (khóa riêng VAPID: privateKey = Kx…){message}",
        f"{XA}:{line}: lỗi: có khóa bí mật (token GitHub: ghp_Z9…){message}",
    ]
    assert not any(vapid in out or token in out for out in lines)


def test_secret_in_a_stray_dot_file(site: Path) -> None:
    (site / ".env").write_text("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n", encoding="utf-8")
    fails_with(
        site,
        ".env:1: lỗi: có khóa bí mật (khóa AWS: AKIAIO…): xóa khỏi trang, thu hồi và tạo khóa mới "
        "[secret]",
        "secret",
    )


# -- 5. external hosts -------------------------------------------------------------------------


def test_external_script(site: Path) -> None:
    line = insert(site, '<script src="https://cdn.example.com/thu-vien.js"></script>')
    fails_with(
        site,
        f"{XA}:{line}: lỗi: <script src> tải từ máy chủ ngoài cdn.example.com "
        "(“https://cdn.example.com/thu-vien.js”): hãy tự lưu trữ trên trang [external-host]",
        "external-host",
    )


def test_allowed_external_link_passes(site: Path) -> None:
    insert(
        site,
        '<a href="https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=148734">Luật</a>\n'
        '<a href="https://bocongan.gov.vn/">Bộ Công an</a>\n'
        '<a href="https://xaydungchinhsach.chinhphu.vn/print/luat.htm">Chính phủ</a>\n'
        '<a href="https://quochoi.vn/">Quốc hội</a>',
    )
    assert run(site) == (0, [f"Trang web đạt: không có lỗi ({counts(site)})."])


def test_government_subdomain_lookalike_is_refused(site: Path) -> None:
    line = insert(site, '<a href="https://vanban.chinhphu.vn.example.com/">Giả</a>')
    fails_with(
        site,
        f"{XA}:{line}: lỗi: liên kết tới máy chủ ngoài vanban.chinhphu.vn.example.com không "
        "thuộc danh sách được phép (“https://vanban.chinhphu.vn.example.com/”) [external-host]",
        "external-host",
    )


def test_link_to_a_host_outside_the_allow_list(site: Path) -> None:
    line = insert(site, '<a href="https://vbpl.vn.example.com/">Giả</a>')
    fails_with(
        site,
        f"{XA}:{line}: lỗi: liên kết tới máy chủ ngoài vbpl.vn.example.com không thuộc danh sách "
        "được phép (“https://vbpl.vn.example.com/”) [external-host]",
        "external-host",
    )


def test_tel_link_is_reported_without_the_number(site: Path) -> None:
    line = insert(site, '<a href="tel:0912345678">Gọi</a>')
    exit_code, lines = run(site)
    expected = (
        f"{XA}:{line}: lỗi: liên kết gọi điện “tel:091…78”: không đăng số điện thoại trên "
        "trang [external-host]"
    )
    assert expected in lines
    assert exit_code == 1


def test_requests_from_css_and_js(site: Path) -> None:
    css = next((site / "static/css").glob("*.css"))
    with css.open("a", encoding="utf-8") as f:
        f.write('\n@import url("https://fonts.example.com/css2");\n')
    script = next((site / "static/js").glob("*.js"))
    with script.open("a", encoding="utf-8") as f:
        f.write('\nfetch("https://api.example.com/so-lieu.json");\n')
    exit_code, lines = run(site)
    assert any(
        out.startswith(css.relative_to(site).as_posix())
        and "CSS url() tải từ máy chủ ngoài fonts.example.com" in out
        for out in lines
    )
    assert any(
        out.startswith(script.relative_to(site).as_posix())
        and "JS fetch() tải từ máy chủ ngoài api.example.com" in out
        for out in lines
    )
    assert exit_code == 1


def test_web_manifest_icons(site: Path) -> None:
    (site / "manifest.webmanifest").write_text(
        '{"start_url": "/", "scope": "/",\n'
        ' "icons": [{"src": "/static/icon-192.png"},\n'
        '           {"src": "https://cdn.example.com/icon.png"}]}\n',
        encoding="utf-8",
    )
    exit_code, lines = run(site)
    assert lines[:2] == [
        "manifest.webmanifest:2: lỗi: liên kết nội bộ “/static/icon-192.png” không dẫn tới tệp "
        "nào (cần có static/icon-192.png) [broken-link]",
        "manifest.webmanifest:3: lỗi: manifest src tải từ máy chủ ngoài cdn.example.com "
        "(“https://cdn.example.com/icon.png”): hãy tự lưu trữ trên trang [external-host]",
    ]
    assert exit_code == 1


def test_sitemap_namespace_and_self_urls_are_not_requests(built: Path) -> None:
    assert "http://www.sitemaps.org" in (built / "sitemap.xml").read_text(encoding="utf-8")
    report = check_site(built, BASE, link_hosts=())
    assert report.problems == []


# -- 6. size budgets ---------------------------------------------------------------------------


def test_page_over_budget(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A tiny budget for one page, as site.toml's [budgets] would set it.
    import generator.settings as settings_mod

    real = settings_mod.load_settings

    def tiny(site_dir: Path):  # noqa: ANN202
        return dataclasses.replace(real(site_dir), budgets={XA: 1024})

    monkeypatch.setattr(settings_mod, "load_settings", tiny)
    size = f"{len(gzip.compress((site / XA).read_bytes(), 9, mtime=0)):,}".replace(",", ".")
    fails_with(
        site,
        f"{XA}: lỗi: trang nặng {size} byte khi nén gzip, vượt ngân sách 1.024 byte "
        f"(mẫu “{XA}”) [size-budget]",
        "size-budget",
    )


def test_budgets_first_match_wins(built: Path) -> None:
    budgets = {"tinh/*/*/index.html": 100_000, "**/*.html": 10}
    report = check_site(built, BASE, budgets=budgets)
    paths = {p.file for p in report.problems}
    assert XA not in paths and "tinh/hai-phong/index.html" in paths
    assert {p.code for p in report.problems} == {"size-budget"}


def test_glob_patterns_stay_within_folders() -> None:
    xa = glob_regex("tinh/*/*/index.html")
    assert xa.match(XA) and not xa.match("tinh/hai-phong/index.html")
    assert not xa.match("tinh/a/b/c/index.html")
    lesson = glob_regex("bai-hoc/*/index.html")
    assert lesson.match("bai-hoc/mau/index.html")
    assert not lesson.match("bai-hoc/chu-de/ma-tuy/index.html")
    css = glob_regex("**/*.css")
    assert css.match("static/css/antq.1234.css") and css.match("a.css")


# -- the whole run -----------------------------------------------------------------------------


def test_page_urls() -> None:
    assert page_url("index.html") == "/"
    assert page_url("tinh/hai-phong/index.html") == "/tinh/hai-phong/"
    assert page_url("404.html") == "/404.html"


def test_parallel_run_finds_the_same(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    insert(site, '<a href="/khong-co/">x</a> <a href="/tinh/hai-phong/#khong-co">y</a>')
    insert(site, "<p>0912 345 678</p>", rel="tinh/hai-phong/index.html")
    serial = check_site(site, BASE, workers=1)
    monkeypatch.setattr(check_site_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(check_site_mod, "BATCH_BYTES", 1)
    parallel = check_site(site, BASE, workers=2)
    assert len(serial.problems) == 3
    assert parallel.problems == serial.problems
    assert (parallel.pages, parallel.files) == (serial.pages, serial.files)


def test_budgets_come_from_site_settings(tmp_path: Path) -> None:
    import shutil as _shutil

    from generator.settings import SettingsError, load_settings

    site = tmp_path / "site"
    _shutil.copytree(ROOT / "site", site)
    assert load_settings(site).budgets == {
        "tinh/*/*/index.html": 30720,
        "bai-hoc/*/index.html": 25600,
        "**/*.html": 102400,
        "**/*.css": 51200,
        "**/*.js": 51200,
    }
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("= 51200", "= -1", 1), "utf-8")
    with pytest.raises(SettingsError, match="số byte nguyên dương"):
        load_settings(site)
