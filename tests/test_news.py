"""News articles (issue 21): the folder format and its checks, the photos (GPS refused,
metadata dropped, orientation applied, encoded once), the pages, links both ways and feeds.
One site is built per module from the good fixture package, which holds one article."""

from __future__ import annotations

import io
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from PIL import Image
from typer.testing import CliRunner

from bench._photos import camera_exif, illustration, jpeg
from generator import filehash, photos, search
from generator.build import BuildOptions, build_site
from generator.cli import app
from generator.data.validate import validate_package

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLE = "news/2025/ngay-hoi-xa-tan-ky"
INDEX = f"{ARTICLE}/index.md"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("news-site")
    shutil.copytree(FIXTURES / "good", root / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANTQ_CACHE_DIR", str(root / "cache"))
        build_site(BuildOptions(root / "data", root / "public", Path("site"), parallel=False))
    yield root / "public"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "good", target)
    return target


def lines(data: Path) -> list[str]:
    return [p.line() for p in validate_package(data, use_cache=False).problems]


def edit(data: Path, old: str, new: str) -> None:
    path = data / INDEX
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- validation ------------------------------------------------------------------------------


def test_the_fixture_article_is_valid(package: Path) -> None:
    assert lines(package) == []


def test_a_photo_with_gps_is_refused_with_the_command_that_strips_it(package: Path) -> None:
    photo = package / ARTICLE / "san-khau.jpg"
    photo.write_bytes(jpeg(illustration(1, 800, 500), exif=camera_exif(gps=True)))
    found = lines(package)
    assert len(found) == 1
    assert "san-khau.jpg" in found[0] and "[news-photo-gps]" in found[0]
    assert re.search(r"antq anh xoa-gps \S*san-khau\.jpg", found[0])
    # The command it names removes the position, keeps the rest of the EXIF block, and the
    # photo is accepted (the check's negative control).
    result = CliRunner().invoke(app, ["anh", "xoa-gps", str(photo)])
    assert result.exit_code == 0, result.output
    with Image.open(photo) as image:
        exif = image.getexif()
        assert not exif.get_ifd(photos.GPS_IFD) and exif[0x010F] == "AntqCam"
    assert lines(package) == []


def test_a_gps_position_in_xmp_is_refused_too(package: Path) -> None:
    image = illustration(2, 400, 300)
    out = io.BytesIO()
    xmp = b'<x:xmpmeta><rdf:Description exif:GPSLatitude="21,1.5N"/></x:xmpmeta>'
    image.save(out, "JPEG", xmp=xmp)
    (package / ARTICLE / "san-khau.jpg").write_bytes(out.getvalue())
    assert [line for line in lines(package) if "[news-photo-gps]" in line]


def test_unreadable_and_oversize_photos_are_refused(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = package / ARTICLE / "san-khau.jpg"
    original = photo.read_bytes()
    photo.write_bytes(b"not a photo at all")
    assert any("[news-photo-unreadable]" in line for line in lines(package))
    photo.write_bytes(original[: len(original) // 2])  # cut short: fails when decoded
    assert any("[news-photo-unreadable]" in line for line in lines(package))
    photo.write_bytes(original)
    monkeypatch.setattr(photos, "MAX_BYTES", len(original) - 1)
    assert any("[news-photo-too-big]" in line for line in lines(package))
    monkeypatch.setattr(photos, "MAX_BYTES", len(original))
    assert lines(package) == []  # control: at the limit it passes


def test_children_in_a_photo_need_the_consent_noted(package: Path) -> None:
    edit(package, "    generated: true\n", "    generated: true\n    minors: true\n")
    assert [line for line in lines(package) if "[news-photo-minors]" in line]
    edit(
        package, "    minors: true\n", "    minors: true\n    minors_consent: Giấy đồng ý 12/GĐY\n"
    )
    assert lines(package) == []


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ('credit: "antq (ảnh tạo bằng máy)"', 'credit: "Anh Nam 0912345678"', "personal-phone"),
        ("Ảnh minh họa do máy vẽ", "Ảnh của 001203004567", "personal-id"),
        ("Sáng 19/8", "Gọi 0912 345 678 sáng 19/8", "personal-phone"),
        ('units: ["11113"]', 'units: ["99999"]', "foreign-key"),
        ("models: [tieng-keng-an-ninh]", "models: [tieng-keng]", "foreign-key"),
        ("kind: tin-hoat-dong", "kind: tin-vui", "enum"),
        ("date: 2025-08-19", "date: 2024-08-19", "news-year"),
        ("sample: true", "sample: true\ntac_gia: A", "news-unknown-key"),
        ("generated: true", "generated: true\n    tac_gia: A", "news-unknown-key"),
        ("file: san-khau.jpg", "file: Sân Khấu.jpg", "news-photo-name"),
        ("file: san-khau.jpg", "file: khong-co.jpg", "news-photo-missing"),
        ("sample: true", "sample: có", "type-error"),
        (
            "[Tiếng kẻng an ninh](/mo-hinh/",
            "[x](javascript:alert(1)) [Tiếng kẻng](/mo-hinh/",
            "lesson-url",
        ),
        ("  - date: 2025-08-20\n", "  - date: 20/08/2025\n", "date-dmy"),
    ],
)
def test_each_check_refuses_its_case(package: Path, old: str, new: str, code: str) -> None:
    edit(package, old, new)
    found = lines(package)
    assert any(f"[{code}]" in line and f"{INDEX}:" in line for line in found), found


def test_a_folder_not_named_year_slug_is_refused(package: Path) -> None:
    (package / "news/2025").rename(package / "news/nam-nay")
    assert [line for line in lines(package) if "[news-folder]" in line]


def test_a_draft_is_validated_but_not_published(package: Path, tmp_path: Path) -> None:
    edit(package, "sample: true", "sample: true\ndraft: true")
    assert lines(package) == []
    build_site(BuildOptions(package, tmp_path / "out", Path("site"), parallel=False))
    assert not (tmp_path / "out" / "tin-tuc/2025/ngay-hoi-xa-tan-ky").exists()
    assert (tmp_path / "out" / "tin-tuc/index.html").is_file()


# -- photos ----------------------------------------------------------------------------------


def test_published_photos_carry_no_metadata(site: Path) -> None:
    files = sorted((site / "tin-tuc/2025/ngay-hoi-xa-tan-ky").glob("san-khau-*"))
    assert {f.suffix for f in files} == {".jpg", ".webp"} and len(files) == 6
    for path in files:
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"xmp", "icc_profile", "exif", "comment"} & set(image.info), path


def test_orientation_is_applied_and_metadata_dropped(tmp_path: Path) -> None:
    source = tmp_path / "dung.jpg"
    # Stored 400×200, shown turned a quarter (orientation 6): 200×400, GPS-free, EXIF'd.
    source.write_bytes(jpeg(illustration(3, 400, 200), exif=camera_exif(gps=False, orientation=6)))
    info = photos.inspect(source)
    assert (info.width, info.height) == (200, 400)
    made = photos.encode_all(source.read_bytes())
    assert set(made) == {(200, "webp"), (200, "jpg")}
    with Image.open(io.BytesIO(made[(200, "jpg")])) as image:
        assert image.size == (200, 400) and not image.getexif()
    # Control: the same pixels without the orientation tag keep their stored shape.
    plain = tmp_path / "ngang.jpg"
    plain.write_bytes(jpeg(illustration(3, 400, 200), exif=camera_exif(gps=False)))
    assert (photos.inspect(plain).width, photos.inspect(plain).height) == (400, 200)


def test_a_photo_is_encoded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "anh.jpg"
    source.write_bytes(jpeg(illustration(4, 900, 600)))
    digest = photos.inspect(source).digest
    calls: list[int] = []
    real = photos.encode_all

    def counted(data: bytes) -> dict[tuple[int, str], bytes]:
        calls.append(1)
        return real(data)

    monkeypatch.setattr(photos, "encode_all", counted)
    cache = tmp_path / "cache"
    first = [
        photos.encoded(source, digest, w, e, cache) for w in (360, 720) for e in ("jpg", "webp")
    ]
    again = [
        photos.encoded(source, digest, w, e, cache) for w in (360, 720) for e in ("jpg", "webp")
    ]
    assert first == again and len(calls) == 1
    shutil.rmtree(cache)  # control: without the cache it is encoded again
    photos.encoded(source, digest, 360, "jpg", cache)
    assert len(calls) == 2


# -- pages and feeds -------------------------------------------------------------------------


def test_the_article_page_shows_its_photo_with_its_size(site: Path) -> None:
    page = (site / "tin-tuc/2025/ngay-hoi-xa-tan-ky/index.html").read_text(encoding="utf-8")
    img = re.search(r"<img [^>]*>", page.split("<main", 1)[1])
    assert img is not None
    tag = img.group(0)
    assert 'width="800"' in tag and 'height="500"' in tag and "loading=" not in tag
    assert "san-khau-360.jpg 360w" in tag and "sizes=" in tag
    assert 'type="image/webp"' in page and "Đính chính" in page and "Bài mẫu" in page
    for url in re.findall(r"(/tin-tuc/[^ \"]+\.(?:jpg|webp))", page):
        assert (site / url.lstrip("/")).is_file(), url


def test_lists_link_to_the_article_and_it_links_back(site: Path) -> None:
    url = "/tin-tuc/2025/ngay-hoi-xa-tan-ky/"
    for page in (
        "tin-tuc/index.html",
        "tin-tuc/loai/tin-hoat-dong/index.html",
        "tin-tuc/tinh/hai-phong/index.html",
        "tinh/hai-phong/index.html",
        "tinh/hai-phong/xa-tan-ky/index.html",
        "mo-hinh/tieng-keng-an-ninh/index.html",
    ):
        assert f'href="{url}"' in (site / page).read_text(encoding="utf-8"), page
    # Control: a province and a model the article is not about do not list it.
    assert f'href="{url}"' not in (site / "tinh/ha-tinh/index.html").read_text(encoding="utf-8")
    assert not (site / "tin-tuc/tinh/ha-tinh").exists()
    article = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
    for link in ("/tinh/hai-phong/xa-tan-ky/", "/tinh/hai-phong/", "/mo-hinh/tieng-keng-an-ninh/"):
        assert f'href="{link}"' in article


def test_the_atom_feeds_parse(site: Path) -> None:
    for rel in ("tin-tuc/atom.xml", "tin-tuc/tinh/hai-phong/atom.xml"):
        data = (site / rel).read_bytes()
        root = ET.fromstring(data)  # well-formed XML
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 1
        assert entries[0].findtext(f"{ATOM}title", "").startswith("Ngày hội")
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries[0].link.endswith("/tin-tuc/2025/ngay-hoi-xa-tan-ky/")
    # Control: the parser does refuse a broken feed.
    with pytest.raises(ET.ParseError):
        ET.fromstring((site / "tin-tuc/atom.xml").read_bytes().replace(b"</feed>", b""))


# -- "Cập nhật" and push ---------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    import subprocess

    env = {
        "GIT_AUTHOR_NAME": "Cán bộ",
        "GIT_AUTHOR_EMAIL": "canbo@example.invalid",
        "GIT_COMMITTER_NAME": "Cán bộ",
        "GIT_COMMITTER_EMAIL": "canbo@example.invalid",
        "GIT_AUTHOR_DATE": "2025-09-01T08:00:00+07:00",
        "GIT_COMMITTER_DATE": "2025-09-01T08:00:00+07:00",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def test_a_new_article_is_news_for_the_places_and_models_it_is_about(tmp_path: Path) -> None:
    from generator.data.schema import load_package
    from generator.diff import diff_revisions
    from generator.push.topics import load_model, topic_items

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "good", repo / "data")
    article = repo / "data" / ARTICLE
    text = (article / "index.md").read_text(encoding="utf-8")
    (article / "index.md").write_text(text.replace("sample: true", "sample: true\ndraft: true"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "nháp")
    package = load_package(repo / "data")[0]

    def changes() -> list[Any]:
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "sửa")
        return diff_revisions(package, "HEAD~1", "HEAD")

    assert load_model(repo / "data", Path("site")).news == []  # a draft is no article yet
    (article / "index.md").write_text(text, encoding="utf-8")  # the draft is published
    published = changes()
    assert [(c.resource, c.kind, c.key) for c in published] == [
        ("news", "added", ("2025/ngay-hoi-xa-tan-ky",))
    ]
    model = load_model(repo / "data", Path("site"))
    assert [a.url for a in model.news] == ["/tin-tuc/2025/ngay-hoi-xa-tan-ky/"]  # as built
    items = topic_items(model, published)
    assert set(items) == {"xa:11113", "tinh:31", "mo-hinh:tieng-keng-an-ninh"}
    assert items["xa:11113"][0].url == "/tin-tuc/2025/ngay-hoi-xa-tan-ky/"
    assert items["xa:11113"][0].text.startswith("Tin mới: “Ngày hội")
    # Control: a correction is a change on "Cập nhật" but notifies nobody.
    (article / "index.md").write_text(text.replace("Nghi Kê.", "Nghi Kê!"), encoding="utf-8")
    corrected = changes()
    assert [(c.resource, c.kind) for c in corrected] == [("news", "changed")]
    assert topic_items(model, corrected) == {}


def test_a_build_with_nothing_changed_reads_no_photo(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: the no-change build hashes no input file again (generator.filehash)."""
    from generator.build import read_inputs
    from generator.codeversion import code_version
    from generator.filehash import HASHES

    root = site.parent
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(root / "cache"))
    monkeypatch.setattr(filehash, "RACY_NS", 0)  # the fixture's files were just copied
    options = BuildOptions(root / "data", site, Path("site"), parallel=False)
    assert build_site(options).skipped  # (stores the hashes the fixture's build found racy)
    real = Path.read_bytes
    photo_reads: list[Path] = []

    def watched(self: Path) -> bytes:
        if self.suffix == ".jpg":
            photo_reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", watched)
    assert build_site(options).skipped
    assert HASHES.read == 0 and not photo_reads
    before = read_inputs(options, code_version())
    # Controls, outside the built site: a copy of the data (new paths and inodes) is hashed
    # again, to the same fingerprint; a photo changed there changes it; --full reads all.
    HASHES.configure(root / "cache", trust=True)
    copy = tmp_path / "data"
    shutil.copytree(root / "data", copy)
    moved = read_inputs(BuildOptions(copy, site, Path("site")), code_version())
    assert HASHES.read > 0 and moved.data_hash == before.data_hash
    photo = next((copy / "news").rglob("*.jpg"))
    old = real(photo)
    photo.write_bytes(old[:2] + b"\xff\xfe\x00\x06moi!" + old[2:])
    changed = read_inputs(BuildOptions(copy, site, Path("site")), code_version())
    assert changed.data_hash != before.data_hash
    HASHES.configure(root / "cache", trust=False)
    read_inputs(options, code_version())
    assert HASHES.read >= len(list((root / "data").rglob("*.*")))
    HASHES.configure(None, trust=False)


def test_an_unchanged_article_is_read_from_the_store(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: a build after one new article reads that article only; what the store
    gives back equals a fresh reading (Article and problems)."""
    from generator import news

    calls: list[Path] = []
    real = news.load_article

    def counted(folder: Path, *args: Any) -> Any:
        calls.append(folder)
        return real(folder, *args)

    monkeypatch.setattr(news, "load_article", counted)
    refs = {"units.code": {"11113", "31"}, "models.id": {"tieng-keng-an-ninh"}}
    refs |= {"awards.id": {"2025-to-tu-quan-nghi-khe"}, "lessons.slug": set()}

    def read(cache: Path) -> tuple[list[Any], list[str]]:
        news._LAST.clear()  # (the in-process memo of one build)
        found, problems = news.load_news(package, refs, drafts=True, cache_dir=cache)
        return found, [p.line() for p in problems]

    first = read(tmp_path / "cache")
    assert len(calls) == 1 and first[0] and first[0][0].photos
    assert read(tmp_path / "cache") == first and len(calls) == 1  # from the store
    assert read(tmp_path / "other") == first and len(calls) == 2  # equal to a fresh reading
    edit(package, "Sáng 19/8", "Sáng ngày 19/8")  # control: an edited article is read again
    changed = read(tmp_path / "cache")
    assert len(calls) == 3 and changed[0][0].body != first[0][0].body
    refs["awards.id"] = set()  # control: the ids it names are part of the key
    assert read(tmp_path / "cache")[1] != changed[1] and len(calls) == 4


def test_a_photo_is_examined_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "anh.jpg"
    good.write_bytes(jpeg(illustration(5, 500, 400)))
    bad = tmp_path / "gps.jpg"
    bad.write_bytes(jpeg(illustration(5, 500, 400), exif=camera_exif(gps=True)))
    calls: list[int] = []
    real = photos._examine

    def counted(data: bytes) -> tuple[int, int]:
        calls.append(1)
        return real(data)

    monkeypatch.setattr(photos, "_examine", counted)
    cache = tmp_path / "cache"
    for _ in range(2):
        assert photos.inspect(good, cache).width == 500
        with pytest.raises(photos.PhotoRefused):
            photos.inspect(bad, cache)
    assert len(calls) == 2  # one per photo: the verdicts (a refusal too) were kept
    good.write_bytes(jpeg(illustration(6, 500, 400)))  # control: new bytes, examined again
    photos.inspect(good, cache)
    assert len(calls) == 3


# -- pagination: numbered from the oldest article ----------------------------------------------


def _add_articles(data: Path, numbers: range) -> None:
    """Text-only articles about xã Tân Kỳ, one a day from 1 March 2024 (older than the
    fixture's), of two kinds."""
    for n in numbers:
        folder = data / f"news/2024/tin-{n:02d}"
        folder.mkdir(parents=True)
        kind = ("thong-bao", "tin-hoat-dong")[n % 2]
        front = (
            f'title: "Tin thử số {n}"\ndate: 2024-03-{n + 1:02d}\nsummary: "Tóm tắt tin {n}."\n'
            f'kind: {kind}\nunits: ["11113"]\nauthor_unit: "31"'
        )
        (folder / "index.md").write_text(f"---\n{front}\n---\n\nNội dung {n}.\n", "utf-8")


def _walk(pages: dict[str, dict[str, Any]], url: str) -> list[str]:
    """The articles a reader finds from a list's first page following "Tin cũ hơn"."""
    found: list[str] = []
    while url:
        context = pages[url]
        found += [a["url"] for a in context["articles"]]
        url = (context["pager"] or {}).get("older")
    return found


def _listing_contexts(data: Path) -> dict[str, dict[str, Any]]:
    from generator.pages import news as news_pages
    from generator.push.topics import load_model

    model = load_model(data, Path("site"))
    return {p.url: p.context for p in news_pages.listings(model)}


def test_numbered_pages_count_from_the_oldest_and_stay_put(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new article changes the first page of its lists only; every article stays
    reachable by the pager. Controls: newest-first numbering moves every numbered page, and
    a first page without its "older" link strands the rest."""
    from generator.pages import news as news_pages

    monkeypatch.setenv("ANTQ_CACHE_DIR", str(package.parent / "cache"))
    monkeypatch.setattr(news_pages, "PER_PAGE", 3)
    _add_articles(package, range(6))  # 7 articles: first page, pages 1 and 2, one left over
    before = _listing_contexts(package)
    _add_articles(package, range(6, 7))
    after = _listing_contexts(package)
    numbered = sorted(url for url in after if "/trang/" in url)
    assert "/tin-tuc/trang/2/" in numbered and "/tin-tuc/trang/3/" not in numbered
    assert [u for u in numbered if u in before and before[u] != after[u]] == []
    # A list whose articles now fill more than its first page gets its page 1.
    assert [u for u in numbered if u not in before] == ["/tin-tuc/loai/thong-bao/trang/1/"]
    assert [u for u in after if u not in numbered and before[u] != after[u]] == [
        "/tin-tuc/",
        "/tin-tuc/loai/thong-bao/",  # the new article's kind and province
        "/tin-tuc/tinh/hai-phong/",
    ]
    assert [a["url"] for a in after["/tin-tuc/"]["articles"]][1] == "/tin-tuc/2024/tin-06/"
    assert [a["url"] for a in after["/tin-tuc/trang/1/"]["articles"]] == [
        f"/tin-tuc/2024/tin-{n:02d}/"
        for n in (2, 1, 0)  # the oldest three, newest first
    ]
    for first in ("/tin-tuc/", "/tin-tuc/loai/thong-bao/", "/tin-tuc/tinh/hai-phong/"):
        total = after[first]["total"]
        assert len(set(_walk(after, first))) == total and total > 3

    # Control: newest-first slices (the old pagination) move every numbered page.
    def newest_first(items: list[Any], size: int) -> list[list[Any]]:
        return [items[i : i + size] for i in range(size, len(items), size)]

    slices = news_pages._slices
    monkeypatch.setattr(news_pages, "_slices", newest_first)
    moved = _listing_contexts(package)
    _add_articles(package, range(7, 8))
    again = _listing_contexts(package)
    assert [u for u in numbered if moved[u]["articles"] != again[u]["articles"]]
    # Control: without its "older" link the first page strands the numbered pages.
    monkeypatch.setattr(news_pages, "_slices", slices)
    pager = news_pages._pager

    def no_older_on_first(url: str, n: int | None, older: int | None, count: int) -> Any:
        return pager(url, n, older if n else None, count)

    monkeypatch.setattr(news_pages, "_pager", no_older_on_first)
    stranded = _listing_contexts(package)
    assert len(_walk(stranded, "/tin-tuc/")) == 3 < stranded["/tin-tuc/"]["total"]


def test_a_new_article_rewrites_the_first_pages_and_the_news_index_only(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built: the numbered pages, the site's search index and the news indexes of the other
    articles of the previous build are kept (hard links: same inode); the incremental site equals a
    clean build byte for byte."""
    from generator.pages import news as news_pages

    monkeypatch.setattr(news_pages, "PER_PAGE", 3)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")

    def build(out: Path, cache: Path) -> dict[str, int]:
        monkeypatch.setenv("ANTQ_CACHE_DIR", str(cache))
        build_site(BuildOptions(package, out, Path("site"), parallel=False))
        return {
            p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()
        }

    _add_articles(package, range(6))
    before = build(tmp_path / "public", tmp_path / "cache")
    _add_articles(package, range(6, 7))
    after = build(tmp_path / "public", tmp_path / "cache")
    kept = {rel for rel in before if after.get(rel) == before[rel]}
    assert "tin-tuc/trang/1/index.html" in kept and "tin-tuc/trang/2/index.html" in kept
    lists = [r for r in after if r.startswith("tin-tuc/") and r.endswith("index.html")]
    assert sorted(r for r in lists if r in before and r not in kept) == [
        "tin-tuc/index.html",
        "tin-tuc/loai/thong-bao/index.html",
        "tin-tuc/tinh/hai-phong/index.html",
    ]
    assert [r for r in before if r.startswith("pagefind/") and r not in kept] == []
    # The lists' news index and the new article's shard are made again, the other shards kept.
    shard = search.news_index_dir("tin-tuc/2024/tin-06/index.html") + "/"
    remade = {r.split("/")[0] + "/" for r in after if r.startswith("pagefind-") and r not in kept}
    assert remade == {"pagefind-tin-tuc/", shard}
    assert len({r.split("/")[0] for r in before if r.startswith("pagefind-tin-tuc-")}) > 2
    clean = tmp_path / "clean"
    build(clean, tmp_path / "clean-cache")
    out = tmp_path / "public"
    files = sorted(p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert [f for f in files if (clean / f).read_bytes() != (out / f).read_bytes()] == []


def test_published_photos_are_the_cached_files_linked(site: Path) -> None:
    """Each published size is the photo cache's file itself (a hard link): a cold build of
    2,000 photos does not read and write their 12,000 sizes again (issue 21)."""
    cached = {
        p.stat().st_ino: p for p in (site.parent / "cache" / "photos").rglob("*") if p.is_file()
    }
    published = [p for p in (site / "tin-tuc").rglob("*") if p.suffix in (".jpg", ".webp")]
    assert published
    for path in published:
        assert path.stat().st_ino in cached, path


def test_a_photo_placed_across_file_systems_is_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.output import Staging

    source = tmp_path / "cache.webp"
    source.write_bytes(b"RIFF-bytes")

    def cross_device(*args: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    staging = Staging(tmp_path / "public")
    monkeypatch.setattr(os, "link", cross_device)
    placed = staging.place("tin-tuc/2025/a/anh-360.webp", source)
    assert placed.read_bytes() == b"RIFF-bytes"
    assert placed.stat().st_ino != source.stat().st_ino
