"""Lessons: front matter checked like the data, Markdown dialect, quiz, escaping."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.data.validate import validate_package

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "tests/fixtures/lessons/mau.md"


@pytest.fixture
def package(make_package, monkeypatch) -> Path:
    data = make_package()
    (data / "lessons").mkdir()
    shutil.copy(LESSON, data / "lessons" / "mau.md")
    monkeypatch.chdir(data)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    return data


def lines(data: Path) -> list[str]:
    return [p.line() for p in validate_package(Path("."), use_cache=False).problems]


def edit(data: Path, old: str, new: str) -> None:
    path = data / "lessons" / "mau.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_sample_lessons_and_fixture_are_valid(package) -> None:
    assert lines(package) == []
    # Judged on a day in December 2026: the tests' build date (21/11/2025) precedes the laws
    # the lessons now cite (generator/legal.py; tests/test_legal.py covers the dates).
    result = validate_package(ROOT / "data", use_cache=False, on=date(2026, 12, 3))
    assert [p.line() for p in result.problems if "lessons/" in p.file] == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "topics: [lua-dao-qua-mang]",
            "topics: [lua-dao]",
            "lessons/mau.md:4 (topics): lỗi: giá trị “lua-dao” không nằm trong danh sách cho phép:",
        ),
        (
            "updated: 2025-10-15",
            "updated: 15/10/2025",
            "lessons/mau.md:7 (updated): lỗi: ngày “15/10/2025” viết theo kiểu ngày/tháng/năm; "
            "phải viết năm-tháng-ngày: 2025-10-15 [date-dmy]",
        ),
        (
            'legal_documents: ["06/2014/NĐ-CP"]',
            'legal_documents: ["99/2099/QH99"]',
            "lessons/mau.md:6 (legal_documents): lỗi: giá trị “99/2099/QH99” không có trong cột "
            "“id” của bảng “legal_documents” [foreign-key]",
        ),
        (
            "reading_time: 3",
            "reading_time: 3\nauthor: Ai đó",
            "lessons/mau.md:9 (author): lỗi: khóa “author” không có trong phần đầu bài học "
            "[lesson-unknown-key]",
        ),
        (
            'title: "Bài mẫu: phòng tránh lừa đảo"\n',
            "",
            "lessons/mau.md (title): lỗi: thiếu giá trị bắt buộc [required]",
        ),
        (
            "    - [ ] Im lặng",
            "    - [x] Im lặng",
            "lessons/mau.md:35: lỗi: phần tự kiểm tra chưa đúng mẫu: câu 1 phải có ít nhất hai "
            "phương án và đúng một đáp án [x] [lesson-quiz]",
        ),
        (
            "(legal:06/2014/NĐ-CP)",
            "(legal:1/2000/XX)",
            "lessons/mau.md:11 (legal:): lỗi: giá trị “1/2000/XX” không có trong cột “id”",
        ),
        (
            "Báo thầy cô.",
            "Gọi 0912 345 678.",
            "lessons/mau.md:22: lỗi: ô có số điện thoại (091…78)",
        ),
    ],
)
def test_bad_lesson_gives_a_located_line(package, old: str, new: str, expected: str) -> None:
    edit(package, old, new)
    found = lines(package)
    assert any(line.startswith(expected) for line in found), found


def test_lesson_page_renders_the_dialect_and_quiz(package, tmp_path) -> None:
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=package, out_dir=out, site_dir=ROOT / "site"))
    html = (out / "bai-hoc/mau/index.html").read_text(encoding="utf-8")
    assert 'class="admonition warning"' in html
    assert "<details" in html and "<summary>Xem thêm</summary>" in html
    assert 'class="tabbed-set' in html
    assert "<table>" in html and 'class="footnote"' in html
    assert 'href="/van-ban/06-2014-nd-cp/"' in html  # legal: link resolved
    assert (
        '<summary data-pagefind-ignore="all">Xem đáp án</summary>' in html and "Báo Công an" in html
    )
    doc = (out / "van-ban/06-2014-nd-cp/index.html").read_text(encoding="utf-8")
    assert 'href="/bai-hoc/mau/"' in doc  # the document page lists the lesson citing it
    assert (out / "bai-hoc/chu-de/lua-dao-qua-mang/index.html").exists()
    assert (out / "bai-hoc/danh-cho/thcs/index.html").exists()


def test_raw_html_in_lessons_is_shown_as_text(package, tmp_path) -> None:
    edit(
        package,
        "Mở đầu có",
        "Mở đầu <img src=x onerror=alert(1)> <script>alert(2)</script> có",
    )
    # javascript: links are refused by validation: tests/test_lesson_security.py
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=package, out_dir=out, site_dir=ROOT / "site"))
    html = (out / "bai-hoc/mau/index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_plain_inline_text_skips_markdown_with_the_same_result() -> None:
    from generator.lessons import LessonRenderer, is_plain_inline

    renderer = LessonRenderer({})
    samples = [
        "Báo ngay cho Công an xã.",
        "Đúng, vì (theo Điều 5) người dân có quyền tố giác.",
        "“Tổ tự quản” — 100% hộ tham gia; 1.000 người?",
        "Sai",
        # Markdown syntax: converted, never passed through.
        "1. Một",
        "- gạch đầu dòng",
        "!!! note",
        "chữ *nghiêng*",
        "tên_biến",
        "a & b",
        "xem [Điều 5](legal:06-2014-nd-cp)",
        "hai  dấu cách",
    ]
    plain = [t for t in samples if is_plain_inline(t)]
    assert plain == samples[:4]  # negative control: the others must not take the shortcut
    for text in samples[:4]:
        renderer.md.reset()
        converted = renderer.md.convert(text).removeprefix("<p>").removesuffix("</p>")
        assert renderer.inline(text) == converted == text
    # Every quiz text of the bundled lessons gives the same HTML either way.
    import csv

    from generator.lessons import _parse_quiz, load_lessons

    with (ROOT / "data/legal_documents.csv").open(encoding="utf-8") as fh:
        legal_ids = {row["id"] for row in csv.DictReader(fh)}
    lessons, problems = load_lessons(ROOT / "data", legal_ids)
    files = list((ROOT / "data/lessons").glob("*.md"))
    assert len(lessons) == len(files) > 0 and not [p for p in problems if p.level == "error"]
    checked = 0
    for lesson in lessons:
        for _n, _line, options, _explain in _parse_quiz(lesson.quiz_source):
            for option, _ok in options:
                if is_plain_inline(option):
                    renderer.md.reset()
                    html = renderer.md.convert(option)
                    assert html.removeprefix("<p>").removesuffix("</p>") == option
                    checked += 1
    assert checked > 20


def test_related_lessons_equal_a_scan_of_the_whole_library() -> None:
    import random
    from types import SimpleNamespace

    from generator.pages.lessons import RELATED, _related

    rng = random.Random(7)
    topics = [f"t{i}" for i in range(12)]
    library = [
        SimpleNamespace(slug=f"l{i}", topics=rng.sample(topics, rng.randint(1, 3)))
        for i in range(400)
    ]
    by_topic: dict = {}
    for lesson in library:
        for topic in lesson.topics:
            if len(by_topic.setdefault(topic, [])) <= RELATED:
                by_topic[topic].append(lesson)
    order = {lesson.slug: i for i, lesson in enumerate(library)}
    for lesson in library:
        scan = [
            o.slug for o in library if o.slug != lesson.slug and set(o.topics) & set(lesson.topics)
        ][:RELATED]
        assert _related(lesson, by_topic, order) == scan  # type: ignore[arg-type]


# A cold build converts each lesson once (issue 18 item 6): validation converts it with a
# placeholder URL for each `legal:` link (`LessonRenderer.template`), the render puts the
# model's URLs in. These lessons and the bundled ones must give the page the bytes a
# conversion with the URLs gives.
_TEMPLATE_QUIZ = [
    "",
    "1. Theo [văn bản](legal:A-1), ai báo tin?",
    "    - [x] Mọi người, xem [điều 5](legal:B)",
    "    - [ ] Không ai",
    "    > Giải thích: [văn bản](legal:A-1) quy định.",
]
_TEMPLATE_BODIES = {
    "fence": "Đoạn.\n\n```python\nx = '[a](legal:A-1)'\n```\n\nVà [c](legal:B).\n",
    "footnote": "Có chú thích[^1] và [l](legal:A-1).\n\n[^1]: Xem [văn bản](legal:B).\n",
    "tabs": '=== "Một"\n\n    [a](legal:A-1)\n\n=== "Hai"\n\n    [b](legal:B)\n\n'
    '!!! note "Lưu ý"\n    [c](legal:A-1) và [c](legal:A-1)\n',
    "heading": "## Theo [luật](legal:A-1)\n\nNội dung.\n\n## Hết\n\nHết.\n",
    "no-link": "## Một\n\nChỉ có chữ.\n",
    # A link in a heading's code span reaches the heading's id slugified: no template.
    "code-heading": "## Xem `[a](legal:A-1)` nhé\n\nVăn bản [b](legal:A-1).\n",
}


def _lesson(body: str, quiz: list[str]):  # type: ignore[no-untyped-def]
    from generator.lessons import Lesson

    return Lesson("x", Path("x.md"), "", "", [], [], [], date.min, 0, body, quiz)


def _both_ways(lesson, links: dict[str, str]):  # type: ignore[no-untyped-def]
    """(the page's conversion through the template, or None without one; the direct one)."""
    from generator import lessons as lessons_module
    from generator.pages import lessons as lesson_pages

    source = {"body": lesson.body, "quiz": lesson.quiz_source, "links": links}
    lessons_module._CONVERTED.clear()
    direct = lesson_pages.convert(source)
    template = lessons_module.LessonRenderer({}).template(lesson)
    if template is None:
        return None, direct
    lessons_module._CONVERTED[lessons_module._source_key(lesson.body, lesson.quiz_source)] = (
        template
    )
    try:
        return lesson_pages.convert(source), direct
    finally:
        lessons_module._CONVERTED.clear()


@pytest.mark.parametrize("name", sorted(_TEMPLATE_BODIES))
def test_a_lesson_converted_once_gives_the_same_page(name: str, monkeypatch) -> None:
    links = {"A-1": "/van-ban/a-1/"}  # B is not among them: "/van-ban/", as a direct conversion
    via, direct = _both_ways(_lesson(_TEMPLATE_BODIES[name], _TEMPLATE_QUIZ), links)
    if name != "code-heading":
        assert via == direct and "/van-ban/a-1/" in direct.body + str(direct.quiz)
        return
    assert via is None  # converted again when the page is rendered
    # Negative control: without the check the placeholder's slug stays in the heading's id.
    from generator import lessons as lessons_module

    monkeypatch.setattr(lessons_module, "placeholders_whole", lambda *args: True)
    via, direct = _both_ways(_lesson(_TEMPLATE_BODIES[name], _TEMPLATE_QUIZ), links)
    assert via is not None and via != direct


def test_bundled_lessons_converted_once_give_the_same_pages() -> None:
    import csv

    from generator.lessons import load_lessons
    from generator.pages.lessons import legal_ids

    with (ROOT / "data/legal_documents.csv").open(encoding="utf-8") as fh:
        ids = {row["id"] for row in csv.DictReader(fh)}
    found, _ = load_lessons(ROOT / "data", ids, cache=False)
    found.append(_lesson(*_parse(ROOT / "tests/fixtures/lessons/mau.md")))
    linked = 0
    for lesson in found:
        cited = legal_ids(lesson)
        linked += len(cited)
        links = {
            doc: f"/van-ban/{n}-{doc.lower().replace('/', '-')}/" for n, doc in enumerate(cited)
        }
        via, direct = _both_ways(lesson, links)
        assert via == direct
    assert linked > 10


def _parse(path: Path) -> tuple[str, list[str]]:
    from generator.lessons import QUIZ_HEADING

    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    main, _, quiz = body.partition(QUIZ_HEADING)
    return main, quiz.split("\n")


class _NotMerged(dict):  # type: ignore[type-arg]
    def update(self, *args: object, **kwargs: object) -> None:
        """What the workers send back is dropped."""


@pytest.mark.parametrize("sent_back", [True, False])
def test_a_large_library_is_checked_by_workers_with_the_same_result(
    tmp_path, monkeypatch, sent_back: bool
) -> None:
    """Forked workers check (and convert) a large library: the same lessons, problems (a
    bad lesson among them) and conversions for the render as one process. Negative control:
    conversions not sent back from the workers leave the render none to use."""
    import csv

    from generator import lessons as lessons_module

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    text = (data / "lessons/ma-tuy.md").read_text(encoding="utf-8")
    (data / "lessons/hong.md").write_text(text.replace("title:", "tittle:"), encoding="utf-8")
    with (data / "legal_documents.csv").open(encoding="utf-8") as fh:
        ids = {row["id"] for row in csv.DictReader(fh)}
    monkeypatch.setattr(lessons_module, "PARALLEL_MIN_LESSONS", 2)
    monkeypatch.setattr(lessons_module, "_CHUNK", 5)
    if not sent_back:
        monkeypatch.setattr(lessons_module, "_CONVERTED", _NotMerged())
    runs = []
    for jobs in (1, 2):
        lessons_module._LAST.clear()
        found = lessons_module.load_lessons(data, ids, cache=False, jobs=jobs)
        runs.append((found, dict(lessons_module._CONVERTED)))
    (serial, serial_made), (forked, forked_made) = runs
    assert forked == serial and any(p.level == "error" for p in serial[1])
    assert len(serial_made) == len(serial[0]) > 20
    assert (forked_made == serial_made) is sent_back


def test_words_counts_the_runs_of_word_characters() -> None:
    """`lessons.words` (counted by `subn`) is the number of `\\w+` runs, on every bundled
    lesson and on edges (none, underscores and digits inside words, other scripts)."""
    import re

    from generator.lessons import words

    root = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.glob("data/lessons/*.md"))]
    texts += ["", " ", "a", "an_ninh 12,5% — x", "Tổ quốc…Việt\tNam\n\nĐội 3a"]
    assert len(texts) > 6
    for text in texts:
        assert words(text) == len(re.findall(r"\w+", text)), text
