"""Teachers, Kiwix and open data on phones (issue 16, items 2 and 3).

One small site (the good fixture package, its sample lesson and a second lesson on "tín dụng
đen" and "ma túy"), built once with the open-data split threshold lowered so that every
table with a province is split, serves every test; its ZIM is served by Debian's kiwix-serve
and its USB zip is opened from file:// in Debian's Chromium.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import urllib.error
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urljoin

import pytest

from generator import limits
from generator.build import BuildError, BuildOptions, build_site, data_revision
from generator.export import BuiltSite, write_bundle, write_zim
from generator.export_search import JS as SEARCH_JS
from generator.settings import load_settings

from .browser import block_external, launch, serve
from .kiwix import kiwix_serve

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EPOCH = "1763683200"  # 2025-11-21
BOOK = "antq_vi_bai-hoc"
LESSON = "bai-hoc/mau"
SECOND = "bai-hoc/tin-dung-den"
SECOND_TITLE = "Tín dụng đen và ma túy: những cái bẫy khó thoát"
RIGHT, WRONG = "Báo Công an", "Chuyển tiền"
EXPLANATION = "Công an không đòi chuyển tiền qua điện thoại."
# Columns through which a row reaches a province (scope.ProvinceIndex follows them).
LINK_COLUMNS = ("code", "unit_code", "province_code", "place_id", "model_id", "team_id")


def _package(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(FIXTURES / "good", data)
    (data / "lessons").mkdir()
    sample = (FIXTURES / "lessons" / "mau.md").read_text(encoding="utf-8")
    (data / "lessons" / "mau.md").write_text(sample, encoding="utf-8")
    second = sample.replace('title: "Bài mẫu: phòng tránh lừa đảo"', f'title: "{SECOND_TITLE}"')
    second = second.replace("Mở đầu có", "Vay tín dụng đen, buôn bán ma túy: mở đầu có")
    (data / "lessons" / "tin-dung-den.md").write_text(second, encoding="utf-8")
    return data


def _build(data: Path, out: Path, cache: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        mp.setenv("ANTQ_CACHE_DIR", str(cache))
        build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=ROOT / "site"))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _package(tmp_path_factory.mktemp("teach"))


@pytest.fixture(scope="module")
def built(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "public"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(limits, "SPLIT_ABOVE", 1)  # split every table that has a province
        _build(data, out, tmp_path_factory.mktemp("cache"))
    return out


@pytest.fixture(scope="module")
def exports(built: Path, data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    site = BuiltSite.scan(built, load_settings(ROOT / "site"), data_revision(data))
    folder = tmp_path_factory.mktemp("exports")
    paths = {"zim": folder / f"{BOOK}.zim", "zip": folder / f"{BOOK}.zip"}
    write_zim(site, paths["zim"])
    write_bundle(site, paths["zip"])
    return paths


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def kiwix(exports: dict[str, Path]) -> Iterator[str]:
    """Debian's kiwix-serve on a free port of 127.0.0.1, serving the ZIM."""
    with kiwix_serve(exports["zim"]) as base:
        yield base


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


# -- Kiwix: links and the folded search page ----------------------------------------------------


def test_every_link_of_a_lesson_page_resolves_in_kiwix_serve(browser: Any, kiwix: str) -> None:
    lesson = f"{kiwix}/{BOOK}/{LESSON}"
    context = browser.new_context()
    page = context.new_page()
    page.goto(lesson)
    assert page.locator("main h1").inner_text() == "Bài mẫu: phòng tránh lừa đảo"
    # Every link and every file the page loads, as the browser resolves them (Kiwix's own
    # toolbar included), fragments aside.
    urls = page.eval_on_selector_all(
        "a[href], link[href], img[src], script[src]",
        "els => els.map(e => e.href || e.src)",
    )
    context.close()
    targets = sorted({u.split("#")[0] for u in urls if u.startswith(kiwix)})
    statuses = {u: _status(u) for u in targets}
    assert {u: s for u, s in statuses.items() if s != 200} == {}
    assert f"{kiwix}/{BOOK}/bai-hoc" in statuses  # the brand, menu and breadcrumb link
    assert f"{kiwix}/{BOOK}/tim-kiem" in statuses  # the menu's search: the export's own
    assert len(targets) >= 10
    # Negative control: what `href="."` used to ask for is a 404 in kiwix-serve.
    assert _status(urljoin(lesson, ".")) == 404


def _kiwix_results(base: str, words: str) -> list[str]:
    url = f"{base}/search?content={BOOK}&pattern={quote_plus(words)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        page = response.read().decode("utf-8")
    return re.findall(rf'<a href="/{BOOK}/([^"]+)"', page)


def _own_search(page: Any, words: str) -> list[str]:
    page.fill("#q", words)
    return page.eval_on_selector_all(
        "#ket-qua li:not([hidden]) a", "els => els.map(a => a.getAttribute('href'))"
    )


@pytest.mark.browser
def test_the_zims_search_page_finds_accented_words_in_kiwix_serve(browser: Any, kiwix: str):
    # Kiwix's own full-text search finds the lesson typed without diacritics (the folded
    # keywords); Debian's 3.3.0 finds nothing typed with them, which the page's hint says.
    assert LESSON in _kiwix_results(kiwix, "lua dao")
    context = browser.new_context()
    attempts = block_external(context, allowed=kiwix)
    page = context.new_page()
    page.goto(f"{kiwix}/{BOOK}/{LESSON}")
    page.locator(".site-header a", has_text="Tìm kiếm").click()  # from the menu
    page.wait_for_url(f"**/{BOOK}/tim-kiem")
    assert "kiwix-serve 3.3" in page.locator("#tim-kiem-goi-y").inner_text()
    for words in ("lừa đảo", "lua dao", "Lừa Đảo"):
        assert _own_search(page, words)[:1] == ["bai-hoc/mau"], words
    for words in ("tín dụng đen", "tin dung den", "ma túy", "ma tuy"):
        assert _own_search(page, words)[:1] == ["bai-hoc/tin-dung-den"], words
    page.fill("#q", "tín dụng đen")
    # Negative controls: a word in no page finds nothing, and says so.
    assert _own_search(page, "qwxzvk") == []
    assert "Không tìm thấy" in page.locator("#tim-kiem-trang-thai").inner_text()
    page.fill("#q", "tín dụng đen")
    page.locator("#ket-qua a", has_text=SECOND_TITLE).click()
    page.wait_for_url(f"**/{BOOK}/{SECOND}")
    assert page.locator("main h1").inner_text() == SECOND_TITLE
    assert attempts == []
    context.close()


def test_the_search_script_folds_like_the_sites() -> None:
    """The ZIM page's fold() is the site's one folding (tim-xa.js `marks`, which tim-kiem.js
    takes from window.AntqFold)."""

    def fold_of(source: str, name: str = "fold") -> str:
        found = re.search(rf"function {name}\(text\) \{{.*?\n  \}}\n", source, re.S)
        assert found, f"no {name}() in the script"
        return found.group(0).replace(f"function {name}(", "function fold(")

    site_js = ROOT / "site" / "static" / "js"
    assert "window.AntqFold.marks" in (site_js / "tim-kiem.js").read_text(encoding="utf-8")
    site = fold_of((site_js / "tim-xa.js").read_text(encoding="utf-8"), "marks")
    assert fold_of(SEARCH_JS) == site
    # Negative control: the comparison sees a changed folding.
    with pytest.raises(AssertionError):
        assert fold_of(SEARCH_JS.replace('.replace(/đ/g, "d")', "")) == fold_of(site)
    # No module, no fetch: what file:// and some Kiwix readers refuse.
    assert not re.search(r"\bimport\b|\bfetch\(|XMLHttpRequest", SEARCH_JS)


# -- the quiz in the USB bundle and in Kiwix -------------------------------------------------------


def _quiz_feedback(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".quiz .quiz-feedback:visible").all_inner_texts()]


def _answer_quiz(page: Any) -> None:
    assert _quiz_feedback(page) == []  # negative control: nothing said before a choice
    page.locator(".quiz label", has_text=WRONG).click()
    assert _quiz_feedback(page) == ["Chưa đúng. Xem đáp án bên dưới."]
    page.locator(".quiz label", has_text=RIGHT).click()
    assert _quiz_feedback(page) == ["Đúng rồi!"]


@pytest.mark.browser
def test_quiz_gives_feedback_from_file_in_the_usb_bundle(
    browser: Any, exports: dict[str, Path], tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    with zipfile.ZipFile(exports["zip"]) as bundle:
        bundle.extractall(usb)
    assert "<script" not in (usb / LESSON / "index.html").read_text(encoding="utf-8")
    context = browser.new_context(java_script_enabled=False)  # the bundle carries none
    attempts = block_external(context, allowed="file://")
    page = context.new_page()
    page.goto((usb / LESSON / "index.html").as_uri())
    _answer_quiz(page)
    # The bundle's own search page works from file:// too (it has a script).
    script_context = browser.new_context()
    search = script_context.new_page()
    search.goto((usb / "tim-kiem" / "index.html").as_uri())
    assert _own_search(search, "tín dụng đen")[:1] == ["../bai-hoc/tin-dung-den/index.html"]
    assert attempts == []
    script_context.close()
    context.close()


@pytest.mark.browser
def test_quiz_gives_feedback_in_kiwix_serve(browser: Any, kiwix: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{kiwix}/{BOOK}/{LESSON}")
    _answer_quiz(page)
    context.close()


# -- print: the student's handout and the teacher's copy -------------------------------------------


def _printed(page: Any) -> str:
    """The lesson's text as printed (innerText leaves out what print CSS hides)."""
    page.emulate_media(media="print")
    printed: str = page.locator("article.lesson").inner_text()
    page.emulate_media(media="screen")
    return printed


def _answers_shown(printed: str) -> bool:
    return EXPLANATION in printed or "Đáp án" in printed


@pytest.mark.browser
def test_lesson_prints_as_student_handout_or_teacher_copy(browser: Any, built: Path) -> None:
    with serve(built) as server:
        context = browser.new_context(java_script_enabled=False)  # works without scripts
        page = context.new_page()
        page.goto(f"{server.url}/{LESSON}/")
        # The student's handout (the default): the questions and options, no answers.
        student = _printed(page)
        assert "Bạn nên làm gì?" in student and RIGHT in student and WRONG in student
        assert not _answers_shown(student)
        assert "In bài học" not in student  # the choice itself is not printed
        page.emulate_media(media="print")
        page.emulate_media(media="screen")
        # The teacher's copy: the same lesson, the answers once, at the end.
        page.locator("label[for=in-giao-vien]").click()
        teacher = _printed(page)
        assert _answers_shown(teacher)
        key = teacher.rindex("Đáp án phần tự kiểm tra")
        assert key > teacher.index("Bạn nên làm gì?")
        assert teacher[key:].count(EXPLANATION) == 1 and RIGHT in teacher[key:]
        assert EXPLANATION not in teacher[:key]  # not under the question
        # Negative controls: the check sees answers on screen once opened, and the
        # student's copy is back when chosen again.
        page.locator(".quiz summary").first.click()
        assert _answers_shown(page.locator("article.lesson").inner_text())
        page.locator("label[for=in-hoc-sinh]").click()
        assert not _answers_shown(_printed(page))
        context.close()


# -- open data per province ---------------------------------------------------------------------


def _csv_rows(data: bytes) -> tuple[list[str], list[tuple[str, ...]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    return rows[0], [tuple(r) for r in rows[1:] if any(r)]


def split_problems(site: Path) -> list[str]:
    """Each split table's province files parse, hold as many rows in CSV as in JSON, and
    together with the rows that have no province are exactly the whole-country file."""
    problems: list[str] = []
    folder = site / "du-lieu"
    tables = sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.csv.gz")))
    for name in tables:
        header, whole = _csv_rows(gzip.decompress((folder / f"{name}.csv.gz").read_bytes()))
        parts: Counter[tuple[str, ...]] = Counter()
        for part in sorted((folder / name).glob("*.csv.gz")):
            part_header, rows = _csv_rows(gzip.decompress(part.read_bytes()))
            records = json.loads(part.with_name(part.name[: -len(".csv.gz")] + ".json").read_text())
            if part_header != header:
                problems.append(f"{part}: header differs")
            if len(records) != len(rows):
                problems.append(f"{part}: {len(rows)} CSV rows, {len(records)} JSON rows")
            parts.update(rows)
        links = [i for i, column in enumerate(header) if column in LINK_COLUMNS]
        unplaced = Counter(r for r in whole if not any(r[i] for i in links))
        if parts + unplaced != Counter(whole):
            problems.append(f"{name}: province files do not add up to the whole-country file")
    return problems


def test_open_data_per_province_sums_to_the_whole_country(built: Path, tmp_path: Path) -> None:
    folder = built / "du-lieu"
    split = sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.csv.gz")))
    assert {"assessments", "places", "units", "awards", "model_sites"} <= set(split)
    assert not (folder / "legal_documents").is_dir() or not any(
        (folder / "legal_documents").glob("*.csv.gz")
    )  # no province: never split
    assert sorted(p.name for p in (folder / "units").glob("*.json")) == [
        "08.json",
        "31.json",
        "42.json",
    ]
    assert split_problems(built) == []
    # A split table is offered whole only compressed; the descriptor names that file.
    assert not (folder / "assessments.json").exists() and not (folder / "assessments.csv").exists()
    descriptor = (folder / "datapackage.yaml").read_text(encoding="utf-8")
    assert "path: assessments.csv.gz" in descriptor and "path: legal_documents.csv\n" in descriptor
    # gzip without a time stamp: the same data, the same bytes.
    packed = (folder / "assessments" / "31.csv.gz").read_bytes()
    assert packed[:2] == b"\x1f\x8b" and packed[4:8] == b"\0\0\0\0"
    # The pages name each whole-country file with its size, and every province file.
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="/du-lieu/assessments\.csv\.gz" download>CSV nén, \d+ KB<', index)
    table = (folder / "assessments" / "index.html").read_text(encoding="utf-8")
    assert 'href="/du-lieu/assessments/31.json"' in table and "Thành phố Hải Phòng" in table
    # Negative control: a row lost from one province file is caught.
    copy = tmp_path / "site"
    shutil.copytree(built / "du-lieu", copy / "du-lieu")
    part = copy / "du-lieu" / "assessments" / "31.csv.gz"
    lines = gzip.decompress(part.read_bytes()).decode("utf-8").splitlines(keepends=True)
    part.write_bytes(gzip.compress("".join(lines[:-1]).encode("utf-8"), mtime=0))
    (copy / "du-lieu" / "assessments" / "31.json").write_text(
        json.dumps(json.loads((part.with_suffix("").with_suffix(".json")).read_text())[:-1])
    )
    assert split_problems(copy) == [
        "assessments: province files do not add up to the whole-country file"
    ]


def test_frictionless_reads_the_published_package(built: Path) -> None:
    from frictionless import Package

    package = Package(str(built / "du-lieu" / "datapackage.yaml"))
    rows = package.get_resource("assessments").read_rows()
    _header, whole = _csv_rows(gzip.decompress((built / "du-lieu/assessments.csv.gz").read_bytes()))
    assert len(rows) == len(whole) > 0


def test_no_published_file_is_over_the_limit(built: Path, data: Path, tmp_path: Path) -> None:
    sizes = {p: p.stat().st_size for p in built.rglob("*") if p.is_file()}
    assert max(sizes.values()) <= limits.MAX_FILE
    assert limits.check_published(built) == []
    # Negative control: with the limit below the largest file, the check names it, and
    # the build refuses to publish anything.
    largest = max(sizes, key=sizes.__getitem__)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(limits, "MAX_FILE", sizes[largest] - 1)
        lines = limits.check_published(built)
        assert any(f"“{largest.relative_to(built).as_posix()}”" in line for line in lines)
        assert all("[output-too-large]" in line for line in lines)
        mp.setattr(limits, "MAX_FILE", 20_000)
        out = tmp_path / "public"
        with pytest.raises(BuildError) as caught:
            _build(data, out, tmp_path / "cache")
    assert re.fullmatch(
        r"lỗi: .+ “[^”]+” sẽ nặng [0-9.,]+ (byte|MB), vượt giới hạn 20\.000 byte; chưa xây "
        r"dựng lại trang web \[output-too-large\] — Cách sửa: .+",
        caught.value.lines[0],
    ), caught.value.lines
    assert not out.exists()
