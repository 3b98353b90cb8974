"""Search without a browser: đ → d folding of what Pagefind indexes, the index in the
build (which files, made from which pages, relinked when nothing changed)."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from generator import htmlread, search
from generator.build import BuildOptions, build_site
from generator.data.cache import default_cache_dir
from generator.errors import BuildError
from generator.textvi import fold
from generator.urlpath import path_to_url, url_to_path
from tests.test_build import snapshot

ROOT = Path(__file__).resolve().parents[1]

PAGE = """<!doctype html><html lang="vi"><head><title>T</title></head><body>
<header><nav>Điều hướng</nav></header>
<main id="noi-dung"><nav class="crumbs">Trang chủ › Đắk Nông</nav>
<h1>Tỉnh Đắk Lắk</h1><p>Lừa đảo qua mạng ở Đắk Lắk; phòng chống <b>đánh bạc</b>.</p>
<h2>Điểm mô hình</h2><aside class="related">Đường dây nóng</aside>
<p>Hòa giải ở cơ sở &amp; an ninh.</p></main><footer>Địa chỉ</footer></body></html>"""


def test_fold_is_what_people_type() -> None:
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("LỪA ĐẢO") == "lua dao"
    assert fold("Tiếng kẻng an ninh") == "tieng keng an ninh"
    assert fold("Hoà giải") == fold("Hòa giải") == "hoa giai"


def test_folded_words_are_the_d_words_with_repeats() -> None:
    assert search.folded_words("Đắk Lắk, đặc khu Đắk Lắk; hòa giải") == ["dak", "dac", "dak"]
    assert search.folded_words("an ninh trật tự") == []


# Words next to punctuation, digits, underscores, tabs and newlines, đ first, last, in the
# middle and twice, Đ, a word of non-Latin letters: the shapes the fast paths must keep.
_WORDS = "đ, xđy Đồng_2đ.đđ\tĐắk-lắk\n(đường)ađbđc 2đ 'đâu' ĐĐ abc đ_ αđβ"


def test_folded_words_find_what_the_plain_regex_finds() -> None:
    """folded_words looks token by token with a possessive regex (issue 18 item 7): the
    words must be those of the plain `\\w*[đĐ]\\w*`, in order, with repeats."""
    plain = [fold(w) for w in re.findall(r"\w*[đĐ]\w*", _WORDS)]
    assert search.folded_words(_WORDS) == plain
    assert len(plain) == 12
    # Negative control: without `\b` the regex also starts inside a word and gives other words.
    assert [fold(w) for w in re.findall(r"[^\WđĐ]*+[đĐ]", _WORDS)] != plain


def _drop_whole_elements(html_text: str, starts: Iterable[re.Match[str]]) -> str:
    """The slow reference the fast readers are checked against: `html_text` without each
    element whose start tag is in `starts` (group 1 its name), found by counting that
    name's start and end tags; an element never closed is kept; starts inside a dropped
    element are skipped."""
    out, pos = [], 0
    for found in starts:
        if found.start() < pos:
            continue
        tags = re.compile(rf"<(/?){found.group(1)}\b[^>]*>")
        depth, end = 1, -1
        for match in tags.finditer(html_text, found.end()):
            depth += -1 if match.group(1) else 1
            if depth == 0:
                end = match.end()
                break
        if end >= 0:
            out.append(html_text[pos : found.start()])
            pos = end
    return "".join([*out, html_text[pos:]])


def test_drop_ignored_finds_what_a_whole_scan_finds() -> None:
    """drop_ignored starts its regex at the tag holding each mark, not at every tag: the
    result must be the whole scan's (nested, unclosed, a mark in text, in an attribute)."""
    marked = 'data-pagefind-ignore="all"'
    text = (
        f"<p>{marked} in text</p><div class=a {marked}><div>x</div><ul {marked}>y</ul></div>"
        f"<b>keep</b><ul\n{marked}><li>z</li></ul><span title='{marked}'>t</span>"
        f"<table {marked}><tr><td>1</td></tr><i>open</i><section {marked}>unclosed"
    )

    def whole_scan(html_text: str) -> str:
        return _drop_whole_elements(html_text, htmlread.PAGEFIND_IGNORED.finditer(html_text))

    assert htmlread.drop_ignored(text) == whole_scan(text)
    assert htmlread.drop_ignored(text).startswith(f"<p>{marked} in text</p><b>keep</b><span")
    # Negative control: the reference is not the identity.
    assert whole_scan(text) != text


def test_annotate_adds_hidden_folded_words_weighted_like_headings() -> None:
    out = search.annotate(PAGE)
    assert out.startswith(PAGE[: PAGE.index("</main>")])  # the page itself is untouched
    hidden = out[PAGE.index("</main>") : out.index("</main>")]
    assert hidden == (
        '<p hidden data-pagefind-weight="7">¦ dak</p>'
        '<p hidden data-pagefind-weight="6">¦ diem</p>'
        '<p hidden data-pagefind-weight="1">¦ dao dak danh</p>'
    )
    # Navigation, side boxes, header and footer are not content: their đ-words stay out.
    assert "dong" not in hidden and "duong" not in hidden and "dia" not in hidden
    # A page without đ-words, or without <main>, goes to Pagefind as it is.
    plain = "<html><body><main><h1>An ninh</h1></main></body></html>"
    assert search.annotate(plain) == plain
    assert search.annotate("<p>Đắk Lắk</p>") == "<p>Đắk Lắk</p>"


def test_which_pages_are_indexed() -> None:
    assert search.indexed("bai-hoc/ma-tuy/index.html")
    assert search.indexed("index.html")
    assert search.indexed("tin-tuc/index.html")
    assert search.indexed("tin-tuc/loai/thong-bao/index.html")
    for rel in ("404.html", "offline/index.html", "tim-kiem/index.html", "sw.js"):
        assert not search.indexed(rel)
    # The numbered pages of the news lists hold titles and dates only (generator.pages.news).
    assert not search.indexed("tin-tuc/trang/2/index.html")
    assert not search.indexed("tin-tuc/tinh/ha-noi/trang/12/index.html")


def _fragments(out: Path, where: str = search.INDEX_DIR) -> dict[str, dict]:
    """Pagefind's per-page records, by URL (gzip, then a signature, then JSON)."""
    records = {}
    for path in (out / where / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        record = json.loads(data[len(b"pagefind_dcd") :])
        records[record["url"]] = record
    return records


@pytest.fixture
def built(make_package, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    options = BuildOptions(data_dir=make_package(), out_dir=tmp_path / "public", site_dir=site)
    build_site(options)
    return options


def test_the_build_indexes_every_page_with_folded_words(built: BuildOptions) -> None:
    out = built.out_dir
    names = {p.relative_to(out / "pagefind").as_posix() for p in (out / "pagefind").rglob("*")}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json"} <= names
    assert not [n for n in names if "-ui" in n or "highlight" in n]  # unused UIs left out
    pages = [p for p in out.rglob("*.html") if search.indexed(p.relative_to(out).as_posix())]
    # Every indexed page is in exactly one index: the site's shard or the news index its
    # address hashes to (issue 21: a new article rebuilds only one news index; issue 18: the
    # site's index in shards made side by side).
    held = _held(out)
    assert sorted(held) == sorted(path_to_url(p.relative_to(out).as_posix()) for p in pages)
    assert {url.strip("/") for url in search.site_indexes()} <= set(held.values())
    news = {url for url, where in held.items() if where.startswith(search.NEWS_INDEX_DIR)}
    assert "/tin-tuc/2025/ngay-hoi-xa-tan-ky/" in news and "/tin-tuc/" in news
    assert all(url.startswith("/tin-tuc/") for url in news)
    records = {
        u: r for w in search.site_indexes() for u, r in _fragments(out, w.strip("/")).items()
    }
    assert not [url for url in records if url.startswith("/tin-tuc/")]
    assert "/offline/" not in records and "/tim-kiem/" not in records
    document = records["/van-ban/521-2005-qd-ttg/"]  # "Quyết định 521/2005/QĐ-TTg"
    visible, hidden = document["content"].split("¦", 1)
    assert "Quyết định" in visible and {"dinh", "qd"} <= set(re.findall(r"\w+", hidden))
    assert "định" not in hidden
    # Parts marked data-pagefind-ignore="all" are not searched: the home page's figures
    # and lists, the xã's yearly results (tables of numbers, lists of indexed pages).
    assert records["/"]["content"].startswith("An ninh Tổ quốc")
    assert "Khen thưởng mới nhất" not in records["/"]["content"]
    ward = records["/tinh/hai-phong/xa-tan-ky/"]
    assert "Xã Tân Kỳ" in ward["content"] and "An toàn về an ninh, trật tự”" not in ward["content"]
    # The published page has no hidden words: only Pagefind's copy had them.
    html = (out / "index.html").read_text("utf-8")
    assert "¦" not in html and "data-pagefind-weight" not in html


# What a page shows but search leaves out (issue 18 item 5): text that repeats on every xã,
# province or model page of a national site (labels, links every such page has, an award's
# year, reason, model, kind, decision and legal basis, a model's usual status, who recognised
# it, its dates, counts and cited document). A word on ~6,000 pages makes each index chunk a
# first search loads hundreds of kB: "mo hinh tu quan" cost 1.27 MB on the national site, 0.64
# once these were left out (bench/search_bytes.py).
SHOWN_NOT_SEARCHED = {
    "tinh/hai-phong/xa-tan-ky/index.html": (
        "Trước 01/7/2025",
        "Xem trên bản đồ",
        "Các xã, phường khác",
        "Có thành tích xuất sắc",  # an award's reason
        "Bằng khen của Chủ tịch UBND",  # an award's kind
        "2890/QĐ-UBND",
        "Mô hình:",
        "Hình thức",
    ),
    "tinh/hai-phong/index.html": ("Trước 01/7/2025", "Bản đồ xã, phường"),
    "mo-hinh/to-tu-quan-nghi-khe/index.html": (
        "Ghi nhận",
        "Ban Chỉ đạo 138",
        "88/QĐ-BCĐ",
        "Đang hoạt động",
        "Căn cứ pháp lý",
        "biện pháp vận động quần chúng",  # the cited document's title
        "Nơi triển khai mô hình",
        "2890/QĐ-UBND",  # an award citing the model: searched on its xã's page
    ),
}
# What each of those pages must still be found by.
SEARCHED = {
    "tinh/hai-phong/xa-tan-ky/index.html": (
        "Xã Tân Kỳ",
        "huyện Tứ Kỳ",  # a name before 1/7/2025
        "Tổ tự quản về ANTT thôn Nghi Khê",  # the recipients of its awards
        "Công an xã Tân Kỳ",
    ),
    "tinh/hai-phong/index.html": ("Thành phố Hải Phòng", "tỉnh Hải Dương"),
    "mo-hinh/to-tu-quan-nghi-khe/index.html": (
        "Tổ tự quản về ANTT thôn Nghi Khê",
        "Tự quản về ANTT",  # its field
        "tuần tra và hòa giải",  # its description
        "Thành phố Hải Phòng",
    ),
}


def test_what_repeats_on_every_page_of_a_family_is_shown_but_not_searched(
    built: BuildOptions,
) -> None:
    """Issue 18 item 5: the search copies leave out what SHOWN_NOT_SEARCHED lists, which the
    published pages still show, keep what SEARCHED lists, and hold each award's recipient on
    one page only, its unit's (negative control: with main's templates, which indexed every
    award row whole on its xã's, province's and model's pages, this fails)."""
    out = built.out_dir
    for rel, phrases in SHOWN_NOT_SEARCHED.items():
        page = (out / rel).read_text(encoding="utf-8")
        copy = htmlread.tag_text(search.search_copy(page, rel) or "")
        for phrase in phrases:
            assert phrase in page, (rel, phrase)
            assert phrase not in copy, (rel, phrase)
        for phrase in SEARCHED[rel]:
            assert phrase in copy, (rel, phrase)
    holders = []
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        if search.indexed(rel):
            copy = search.search_copy(path.read_text(encoding="utf-8"), rel) or ""
            if "Công an xã Tân Kỳ" in copy:
                holders.append(rel)
    assert holders == ["tinh/hai-phong/xa-tan-ky/index.html"]


# A lesson's quiz: each option's feedback and the answer's labels are the same on every
# lesson ("chưa đúng" found every lesson with a quiz); the questions and answers are its own.
QUIZ_SHOWN_NOT_SEARCHED = ("Chưa đúng. Xem đáp án bên dưới.", "Đúng rồi!", "Xem đáp án", "Đáp án:")


def test_a_lessons_quiz_boilerplate_is_shown_but_not_searched(sample_site: Any) -> None:
    """Every sample lesson with a quiz shows the feedback and labels QUIZ_SHOWN_NOT_SEARCHED
    lists, and its search copy holds none of them, but does hold its questions and the
    right answers (negative control: the lesson template without its ignore marks → the
    feedback is in every copy)."""
    out = sample_site.public
    lessons = 0
    for path in sorted(out.glob("bai-hoc/*/index.html")):
        page = path.read_text(encoding="utf-8")
        if 'class="quiz"' not in page:
            continue
        lessons += 1
        copy = htmlread.tag_text(search.search_copy(page, path.relative_to(out).as_posix()) or "")
        for phrase in QUIZ_SHOWN_NOT_SEARCHED:
            assert phrase in page and phrase not in copy, (path, phrase)
        questions = re.findall(r'<p id="cau-\d+-hoi">(.*?)</p>', page)
        answers = re.findall(r"Đáp án:</strong> (.*?)</p>", page)
        assert questions and len(answers) == len(questions), path
        for text in questions + answers:
            assert htmlread.tag_text(text).strip() in copy, (path, text)
    assert lessons >= 5


def _held(out: Path) -> dict[str, str]:
    """Each page's URL → the index folder holding it, over every index of the built site
    `out`; a page in two indexes fails."""
    held: dict[str, str] = {}
    for where in sorted(p.name for p in out.glob("pagefind*")):
        for url in _fragments(out, where):
            assert url not in held, f"{url} in {held[url]} and {where}"
            held[url] = where
    return held


def test_the_pages_every_site_has_fill_every_site_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search page names every shard of the site's index (`site_indexes`): each must
    exist, and Pagefind makes no index of no page. The pages every site has (whatever its
    data: generator.pages.home, guide, about, opendata) are in each, split in one shard
    (today) or two."""
    always = ["index.html", "huong-dan/index.html", "gioi-thieu/index.html", "du-lieu/index.html"]
    for shards in (search.SITE_SHARDS, 2):
        monkeypatch.setattr(search, "SITE_SHARDS", shards)
        found = {search.index_dir(rel, library=True, news=True) for rel in always}
        assert {f"/{where}/" for where in found if where} == set(search.site_indexes())
        assert len(search.site_indexes()) == shards


def test_an_edit_remakes_only_the_shard_of_its_page(
    built: BuildOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model's new description changes the search copy of the model's page only: the
    shard holding that page is made again (one Pagefind run), the other site shard and the
    news indexes are linked from the previous build, file for file (with `SITE_SHARDS` at 2
    this test passed, control included, at the commit that split the site's index)."""
    out = built.out_dir
    where = search.index_dir("mo-hinh/tieng-keng-an-ninh/index.html", library=True, news=True)
    assert where == search.shard_dir(search.INDEX_DIR, search.SITE_SHARDS - 1)
    inodes = {p: p.stat().st_ino for p in out.glob("pagefind*/**/*") if p.is_file()}
    runs = _counted_runs(monkeypatch)
    models = built.data_dir / "models.csv"
    text = models.read_text(encoding="utf-8")
    assert "gõ kẻng báo động để" in text
    models.write_text(text.replace("gõ kẻng báo động để", "gõ kẻng báo động ngay để"), "utf-8")
    build_site(built)
    assert runs == [where]
    kept = {p for p, ino in inodes.items() if p.is_file() and p.stat().st_ino == ino}
    assert {p for p in inodes if not p.relative_to(out).as_posix().startswith(where)} <= kept
    assert "động ngay để" in _fragments(out, where)["/mo-hinh/tieng-keng-an-ninh/"]["content"]


def test_no_library_index_without_lessons(built: BuildOptions) -> None:
    assert not (built.out_dir / "pagefind-bai-hoc").exists()  # the fixture has no lessons
    assert not (built.out_dir / "bai-hoc/offline.json").exists()


def test_index_is_relinked_when_no_page_changed(built: BuildOptions) -> None:
    out = built.out_dir
    index = {p: p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()}
    (built.site_dir / "templates" / "unused.html").write_text("x", encoding="utf-8")
    report = build_site(built)
    assert not report.skipped and report.written == 0
    assert {p: p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()} == index


def test_long_lists_are_left_out_of_the_whole_site_index() -> None:
    from generator.search import indexed

    assert indexed("tinh/hai-phong/xa-tan-ky/index.html")
    assert indexed("khen-thuong/index.html") and indexed("phan-loai/index.html")
    assert not indexed("khen-thuong/2025/trang-2/index.html")
    assert not indexed("phan-loai/2025/index.html")
    assert not indexed("ban-do/hai-phong/index.html")
    assert not indexed("cap-nhat/index.html")  # changes with every data commit
    # Page 2, 3, … of a long list repeat page 1's title (issue 15); a xã named like a page
    # number is no later page (a negative control of the pattern).
    for rel in (
        "tinh/ho-chi-minh/trang-2/",
        "mo-hinh/31-tu-quan-0001/trang-3/",
        "mo-hinh/trang-2/",
    ):
        assert not indexed(rel + "index.html"), rel
    assert indexed("tinh/ho-chi-minh/index.html") and indexed("tinh/x/trang-moi/index.html")


def test_search_copy_is_main_without_ignored_parts() -> None:
    page = (
        '<html lang="vi"><head><title>T</title></head><body><header>Đầu trang</header>'
        '<main id="noi-dung"><h1>Xã Tân Kỳ</h1>'
        '<section aria-labelledby="a" data-pagefind-ignore="all"><h2 id="a">Kết quả</h2>'
        "<section><p>lồng nhau</p></section><p>2025: Đạt</p></section>"
        '<section aria-labelledby="b"><h2 id="b">Khen thưởng</h2><p>Công an xã</p></section>'
        "</main><footer>Địa chỉ</footer></body></html>"
    )
    copy = search.search_copy(page)
    assert copy is not None
    assert "Xã Tân Kỳ" in copy and "Công an xã" in copy and "Khen thưởng" in copy
    # The ignored section goes whole, the nested section with it; the page chrome too.
    assert "Kết quả" not in copy and "lồng nhau" not in copy and "2025" not in copy
    assert "Đầu trang" not in copy and "Địa chỉ" not in copy
    assert copy.count("<section") == copy.count("</section>") == 1
    # Its đ-words are still folded (from what is left).
    assert "¦ dia" not in copy
    assert search.search_copy("<p>không có main</p>") is None
    # An ignored element that never closes is kept (Pagefind skips it itself).
    broken = '<main><div data-pagefind-ignore="all"><p>x</p></main>'
    assert "<p>x</p>" in (search.search_copy(broken) or "")


def test_drop_classes_finds_what_a_whole_scan_finds() -> None:
    """drop_classes looks for the class attribute, then the tag holding it: the result must
    be a scan of every start tag's class tokens (nested, unclosed, several classes, a class
    name in text or as part of another name)."""
    text = (
        '<p>class="toc" in text</p><nav class="crumbs" aria-label="x"><ol><li>a</li></ol></nav>'
        '<div class="card related wide"><div>x</div><ul class="pager">y</ul></div>'
        '<b class="tocx">keep</b><p class="my-toc">keep</p><span title="toc">t</span>'
        '<p\nclass="print-only">in</p><aside class="filters"><aside>n</aside></aside>'
        '<i>open</i><section class="toc">unclosed'
    )
    names = ("crumbs", "toc", "related", "filters", "pager", "print-only")

    def whole_scan(html_text: str) -> str:
        starts = re.finditer(r'<(\w+)\b[^>]*?\sclass="([^"]*)"[^>]*>', html_text)
        marked = (found for found in starts if set(found.group(2).split()) & set(names))
        return _drop_whole_elements(html_text, marked)

    dropped = htmlread.drop_classes(text, names)
    assert dropped == whole_scan(text)
    assert dropped == (
        '<p>class="toc" in text</p><b class="tocx">keep</b><p class="my-toc">keep</p>'
        '<span title="toc">t</span><i>open</i><section class="toc">unclosed'
    )
    # Negative control: the reference is not the identity.
    assert whole_scan(text) != text


# A lesson's <main> as bai-hoc-bai.html writes it, with every part Pagefind is told to skip.
_LESSON_MAIN = """<main id="noi-dung"><nav class="crumbs" aria-label="Vị trí"><ol>
<li><a href="/">Trang chủ</a></li><li><span aria-current="page">Lừa đảo</span></li></ol></nav>
<article class="lesson"><header><h1>Phòng chống lừa đảo qua mạng</h1></header>
<nav class="toc" aria-label="Mục lục"><ol><li><a href="#a">Dấu hiệu đáng ngờ</a></li></ol></nav>
<div class="lesson-body"><p>Đừng chuyển tiền cho người lạ gọi điện.</p>
<h2 id="a">Dấu hiệu đáng ngờ</h2><p>Đối tượng tự xưng là Công an, đòi đóng phạt.</p></div>
<p class="print-only">In từ https://example.org/bai-hoc/lua-dao/ — cập nhật 01/09/2025.</p>
<nav class="pager" aria-label="Phân trang"><ul><li><a href="?">Trang đầu</a></li></ul></nav>
</article><aside class="related"><h2>Bài học liên quan</h2><ul><li class="card">
<a href="/bai-hoc/ma-tuy/">Ma túy: đường dây</a><p>Đề phòng độc hại</p></li></ul></aside>
<aside class="filters"><p>Lọc theo đối tượng</p></aside></main>"""


def _index_files(tmp: Path, name: str, copy: str) -> dict[str, bytes]:
    (tmp / name / "bai-hoc/lua-dao").mkdir(parents=True)
    (tmp / name / "bai-hoc/lua-dao/index.html").write_text(copy, encoding="utf-8")
    search.run_pagefind(tmp / name, tmp / f"{name}-index")
    files = [f for f in (tmp / f"{name}-index").rglob("*") if f.is_file()]
    return {f.relative_to(tmp / f"{name}-index").as_posix(): f.read_bytes() for f in files}


def test_search_copy_leaves_out_what_pagefind_excludes_and_the_index_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy no longer holds the parts Pagefind is told to exclude (issue 18: a lesson's
    copy is ~26 % smaller, Pagefind parses less); the index made from it is byte for byte
    the one made from the copy that held them."""
    page = f'<!doctype html><html lang="vi"><body><header>x</header>{_LESSON_MAIN}</body></html>'
    rel = "bai-hoc/lua-dao/index.html"
    copy = search.search_copy(page, rel)
    assert copy is not None and "Đừng chuyển tiền" in copy and "đòi đóng phạt" in copy
    for gone in ("Trang chủ", "Mục lục", "In từ", "Trang đầu", "Bài học liên quan", "Lọc theo"):
        assert gone not in copy, gone
    assert "doi dong</p>" in copy
    with monkeypatch.context() as patched:
        patched.setattr(search, "EXCLUDED_CLASSES", ())
        whole = search.search_copy(page, rel)
        # The copy that held them also folded the đ-words of an excluded paragraph into the
        # indexed hidden text: that copy's index found the lesson for "dau"; this one does not.
        paper = page.replace("cập nhật 01/09/2025", "cập nhật đầu tháng")
        assert " dau" in (search.search_copy(paper, rel) or "")
    assert " dau" not in (search.search_copy(paper, rel) or "dau")
    assert whole is not None and "Bài học liên quan" in whole and len(copy) < len(whole)
    small, full = _index_files(tmp_path, "small", copy), _index_files(tmp_path, "full", whole)
    assert any(name.startswith("fragment/") for name in small)
    assert small == full
    # Negative control: a copy that also lost indexed text makes another index.
    lost = copy.replace("<p>Đừng chuyển tiền cho người lạ gọi điện.</p>", "")
    assert _index_files(tmp_path, "lost", lost) != small


def test_each_page_goes_to_one_index() -> None:
    # A lesson to the library's shard its address hashes to, the library's lists to its
    # first shard (which the search page always names), every other page to the site's
    # shard its address hashes to: the same on every machine (a stable hash of the address).
    assert search.index_dir("bai-hoc/ma-tuy/index.html", library=True) == "pagefind-bai-hoc-2"
    assert search.index_dir("bai-hoc/tin-dung-den/index.html", True) == "pagefind-bai-hoc"
    assert search.index_dir("bai-hoc/index.html", library=True) == "pagefind-bai-hoc"
    assert search.index_dir("bai-hoc/chu-de/ma-tuy/index.html", True) == "pagefind-bai-hoc"
    assert search.index_dir("bai-hoc/danh-cho/hoc-sinh/index.html", True) == "pagefind-bai-hoc"
    assert search.index_dir("bai-hoc/index.html", library=False) == "pagefind"
    assert search.index_dir("tinh/hai-phong/index.html", library=True) == "pagefind"
    assert search.index_dir("tinh/hai-phong/xa-tan-ky/index.html", True) == "pagefind"
    lessons = [f"/bai-hoc/bai-{n}/" for n in range(40)]
    spread = {search.library_index_dir(url_to_path(url)) for url in lessons}
    assert spread == {"pagefind-bai-hoc", "pagefind-bai-hoc-2"}
    assert search.library_indexes(lessons) == ["/pagefind-bai-hoc/", "/pagefind-bai-hoc-2/"]
    # The first shard is named even when no lesson is in it: it holds the lists.
    assert search.library_indexes(["/bai-hoc/ma-tuy/"]) == [
        "/pagefind-bai-hoc/",
        "/pagefind-bai-hoc-2/",
    ]
    assert search.library_indexes(["/bai-hoc/tin-dung-den/"]) == ["/pagefind-bai-hoc/"]
    assert search.index_dir("404.html", library=True) is None
    shard = search.index_dir("tin-tuc/2025/x/index.html", False, news=True)
    assert shard and re.fullmatch(r"pagefind-tin-tuc-[1-8]", shard)
    shards = {search.news_index_dir(f"tin-tuc/2025/bai-{n}/index.html") for n in range(100)}
    assert len(shards) == search.NEWS_SHARDS  # spread over every shard
    assert search.index_dir("tin-tuc/index.html", True, news=True) == "pagefind-tin-tuc"
    assert search.index_dir("tin-tuc/tinh/ha-noi/index.html", True, news=True) == "pagefind-tin-tuc"
    assert search.index_dir("tin-tuc/index.html", True, news=False) == "pagefind"
    assert search.index_dir("bai-hoc/index.html", True, news=True) == "pagefind-bai-hoc"


def test_search_copy_separates_labels_values_and_title_parts() -> None:
    """Issue 15: what Pagefind would glue ("Cơ quan ban hànhQuốc hội") is kept apart; the
    browser test in tests/test_find_ui.py shows the glue without it (negative control)."""
    page = (
        '<html lang="vi"><body><main><h1>Xã Tứ Kỳ <small>Thành phố Hải Phòng</small></h1>'
        "<dl><dt>Cơ quan ban hành</dt><dd>Quốc hội</dd><dt>Ngày:</dt><dd>1/7/2025</dd></dl>"
        '<table><tr><td data-label="Điểm mô hình">3</td></tr></table></main></body></html>'
    )
    copy = search.search_copy(page, "van-ban/x/index.html") or ""
    assert "<h1>Xã Tứ Kỳ <small>— Thành phố Hải Phòng</small> </h1>" in copy
    assert "<dt>Cơ quan ban hành:</dt> <dd>Quốc hội</dd> " in copy
    assert "<dt>Ngày:</dt>" in copy  # no second colon
    assert 'data-label="Điểm mô hình">Điểm mô hình: 3</td>' in copy
    assert search.LIST_META not in copy
    # List pages carry the metadata the search page ranks by; content pages do not.
    assert search.LIST_META in (search.search_copy(page, "bai-hoc/chu-de/ma-tuy/index.html") or "")
    for rel in ("bai-hoc/index.html", "mo-hinh/trang-2/index.html", "tinh/hai-phong/index.html"):
        assert search.is_index_page(rel), rel
    for rel in ("bai-hoc/ma-tuy/index.html", "tinh/hai-phong/xa-tu-ky/index.html"):
        assert not search.is_index_page(rel), rel


def test_lesson_lists_copies_leave_out_the_lessons_cards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18: a lesson list's copy (/bai-hoc/, a topic's, an audience's) holds its own
    title, not its lessons' cards (each lesson is indexed on its own page; on the peers
    corpus the lists were a sixth of the library's copies); Pagefind is told to exclude them
    too. Read from the golden topic page, as rendered."""
    rel = "bai-hoc/chu-de/lua-dao-qua-mang/index.html"
    page = (ROOT / "tests" / "golden" / "site" / rel).read_text(encoding="utf-8")
    card = '<li class="card"><a href="/bai-hoc/mau/">Bài mẫu: phòng tránh lừa đảo</a>'
    assert card in page
    copy = search.search_copy(page, rel) or ""
    assert "<h1>Bài học về lừa đảo qua mạng</h1>" in copy and search.LIST_META in copy
    assert "Bài mẫu: phòng tránh lừa đảo" not in copy and 'class="card"' not in copy
    assert ".lessons" in search.EXCLUDE_SELECTORS
    # Negative control: without the class excluded, the cards are in the copy.
    monkeypatch.setattr(search, "EXCLUDED_CLASSES", ("crumbs", "toc", "related", "filters"))
    assert "Bài mẫu: phòng tránh lừa đảo" in (search.search_copy(page, rel) or "")


# Stands in for Pagefind: notes that it started (a file named as its --site folder's under
# the folder of the notes), then does what the folder's name says: "wait-NAME" waits until
# NAME has started, "fail" exits 1, "slow" takes half a second, "hang" waits to be killed.
_FAKE_PAGEFIND = """#!{python}
import sys, time
from pathlib import Path
args = sys.argv[1:]
site = Path(args[args.index("--site") + 1])
out = Path(args[args.index("--output-path") + 1])
notes = site.parent / "started"
(notes / site.name).touch()
if site.name.startswith("wait-"):
    for _ in range(60):
        if (notes / site.name.removeprefix("wait-")).exists():
            break
        time.sleep(0.05)
    else:
        sys.exit("never saw the other run start")
elif site.name == "fail":
    sys.exit("broken copy")
elif site.name == "slow":
    time.sleep(0.5)
elif site.name == "hang":
    time.sleep(30)
out.mkdir(parents=True)
(out / "pagefind-entry.json").write_text(site.name)
"""


def _fake_runs(tmp: Path, monkeypatch: pytest.MonkeyPatch, *names: str) -> list[tuple[Path, Path]]:
    import sys

    tmp.mkdir(exist_ok=True)
    binary = tmp / "pagefind"
    binary.write_text(_FAKE_PAGEFIND.format(python=sys.executable), encoding="utf-8")
    binary.chmod(0o755)
    monkeypatch.setattr(search, "_binary", lambda: str(binary))
    (tmp / "started").mkdir()
    for name in names:
        (tmp / name).mkdir()
    return [(tmp / name, tmp / "out" / name) for name in names]


def test_indexes_are_made_side_by_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18: the site's, the library's and the news' indexes are made by Pagefind runs
    side by side (each keeps one core busy): the first run here waits for the second to
    start, which only happens when they run at the same time."""
    runs = _fake_runs(tmp_path, monkeypatch, "wait-b", "b")
    search._run_all(runs, None, parallel=2)
    assert [(out / "pagefind-entry.json").read_text() for _, out in runs] == ["wait-b", "b"]
    # Negative control: one at a time, the first run never sees the second start.
    runs = _fake_runs(tmp_path / "one", monkeypatch, "wait-d", "d")
    with pytest.raises(BuildError) as failed:
        search._run_all(runs, None, parallel=1)
    assert "never saw the other run start" in " ".join(failed.value.lines)


def test_a_failed_run_is_reported_and_a_cancel_stops_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed run's own message is what the build reports, whichever run ends last; a
    cancelled build (`antq serve`: a newer edit) stops every run."""
    runs = _fake_runs(tmp_path, monkeypatch, "fail", "slow")
    with pytest.raises(BuildError) as failed:
        search._run_all(runs, None, parallel=2)
    assert "broken copy" in " ".join(failed.value.lines)
    assert (runs[1][1] / "pagefind-entry.json").read_text() == "slow"  # it was not stopped
    with pytest.raises(search.Cancelled):
        search._run_all(_fake_runs(tmp_path / "c", monkeypatch, "hang", "x"), lambda: True, 2)


def _index_bytes(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.glob("pagefind*/**/*")
        if p.is_file()
    }


def _counted_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    runs: list[str] = []
    real = search.run_pagefind

    def noted(copies: Path, *rest: Any) -> None:
        runs.append(copies.name)
        real(copies, *rest)

    monkeypatch.setattr(search, "run_pagefind", noted)
    return runs


def test_a_full_build_into_a_new_folder_links_the_kept_index(
    built: BuildOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--full` into a new folder (nothing to link the index from): the index kept in the
    cache for the same copies and code is linked, Pagefind does not run, and the bytes are
    those Pagefind made. Negative controls: a changed copy, or other code, makes it again."""
    out = built.out_dir
    before = _index_bytes(out)
    runs = _counted_runs(monkeypatch)
    full = dataclasses.replace(built, full=True)
    shutil.rmtree(out)
    build_site(full)
    assert runs == []
    assert _index_bytes(out) == before
    # Another code version: the kept index is not this code's.
    store = next((default_cache_dir(built.data_dir) / "build").glob("*-index"), None)
    assert store is not None
    assert search.Store(store, "other code").files(search.INDEX_DIR, "x") is None
    # A changed page: its copy changes the key, Pagefind runs, the new words are found.
    models = built.data_dir / "models.csv"
    text = models.read_text(encoding="utf-8")
    models.write_text(text.replace("gõ kẻng báo động để", "gõ kẻng báo động ngay để"), "utf-8")
    shutil.rmtree(out)
    build_site(full)
    where = search.index_dir("mo-hinh/tieng-keng-an-ninh/index.html", library=True, news=True)
    assert runs == [where]
    assert "động ngay để" in _fragments(out, where)["/mo-hinh/tieng-keng-an-ninh/"]["content"]


def test_check_deps_makes_the_kept_index_again_and_compares(
    built: BuildOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ANTQ_CHECK_DEPS=1: a kept index is made anyway and must be the same bytes; a kept
    index whose recorded bytes differ (a damaged store) stops the build."""
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
    runs = _counted_runs(monkeypatch)
    full = dataclasses.replace(built, full=True)
    shutil.rmtree(built.out_dir)
    build_site(full)
    # Every index made again, and the same bytes.
    assert sorted(runs) == sorted(p.name for p in built.out_dir.glob("pagefind*"))
    store = next((default_cache_dir(built.data_dir) / "build").glob("*-index"))
    manifest = store / f"{search.INDEX_DIR}.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    entry = f"{search.INDEX_DIR}/pagefind-entry.json"
    data["files"][entry] = "0" * 64
    manifest.write_text(json.dumps(data), encoding="utf-8")
    shutil.rmtree(built.out_dir)
    with pytest.raises(RuntimeError, match="Pagefind made other bytes"):
        build_site(full)


def test_the_caller_goes_on_once_pagefind_has_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_run_all(started=…)`: `started` (the build freeing its model and pages) runs once
    the first run's Pagefind process has started, while it runs — not before it (a
    collection holds the interpreter's lock: Pagefind would wait for it), nor after it.
    A run that fails before starting Pagefind still ends the wait, and its error is raised.
    Negative control (run by hand): calling `started` without waiting for the process
    gives ["started", "spawned", "ended"]."""
    import threading
    import time

    events: list[str] = []

    def pagefind(copies: Path, out: Path, cancel: Any = None, spawned: Any = None) -> None:
        time.sleep(0.2)
        if copies.name == "broken":
            raise BuildError(["Pagefind không chạy được"])
        events.append("spawned")
        assert isinstance(spawned, threading.Event)
        spawned.set()
        time.sleep(0.2)
        events.append("ended")

    monkeypatch.setattr(search, "run_pagefind", pagefind)
    runs = [(Path("site"), Path("out"))]
    search._run_all(runs, None, 1, [1], started=lambda: events.append("started"))
    assert events == ["spawned", "started", "ended"]
    events.clear()
    with pytest.raises(BuildError):
        search._run_all([(Path("broken"), Path("out"))], None, 1, [1], lambda: events.append("x"))
    assert events == ["x"]


def test_the_index_pagefind_made_is_scanned_even_when_kept_and_linked(
    built: BuildOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind's files are hard links (from the index store), yet every published byte is
    scanned: an index whose script holds a phone number is refused, and so is the same index
    when the next build takes it from the store, where the refused build kept it (then it is
    linked, not made). Negative control (run by hand): `_verify` skipping every hard-linked
    file (without `Derived.fresh`) publishes it."""
    real = search.run_pagefind

    def leaky(copies: Path, out: Path, *rest: Any) -> None:
        real(copies, out, *rest)
        with (out / "pagefind.js").open("a", encoding="utf-8") as script:
            script.write("\n// gọi 0912 345 678\n")

    out = built.out_dir
    before = snapshot(out)
    models = built.data_dir / "models.csv"
    text = models.read_text(encoding="utf-8")
    models.write_text(text.replace("gõ kẻng báo động để", "gõ kẻng báo động ngay để"), "utf-8")
    monkeypatch.setattr(search, "run_pagefind", leaky)
    with pytest.raises(BuildError) as first:
        build_site(built)
    where = search.index_dir("mo-hinh/tieng-keng-an-ninh/index.html", library=True, news=True)
    refused = [line for line in first.value.lines if "[personal-data]" in line]
    assert refused and all(f"{where}/pagefind.js" in line for line in refused)
    assert snapshot(out) == before
    # Pagefind as it is: the same copies' index is the store's, linked, and refused again.
    runs = _counted_runs(monkeypatch)
    for options in (built, dataclasses.replace(built, full=True)):
        with pytest.raises(BuildError) as again:
            build_site(options)
        assert any(f"{where}/pagefind.js" in line for line in again.value.lines)
        assert runs == []
        assert snapshot(out) == before
