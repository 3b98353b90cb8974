"""Golden site: the fixture package builds exactly this output tree, every file of it.

Text files are stored whole under `tests/golden/site/`; binary files, large vendored assets
(Leaflet, jQuery, Pagefind's engine, images) and the theme's own JS/CSS copies only as a sha256
per path in `tests/golden/site.sha256`. A file added, removed or changed fails the test with a
unified diff of the first differing files.

After an intended change to templates, pages, feeds or the worker, regenerate and review:

    ANTQ_UPDATE_GOLDEN=1 .venv/bin/pytest -q tests/test_golden.py
    git diff --stat tests/golden/ && git diff tests/golden/
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
GOLDEN_TEXT = GOLDEN / "site"
GOLDEN_HASHES = GOLDEN / "site.sha256"
EPOCH = "1763683200"  # 2025-11-21: the fixed build date of the golden site

TEXT_SUFFIXES = {
    ".html",
    ".xml",
    ".ics",
    ".json",
    ".geojson",
    ".js",
    ".css",
    ".txt",
    ".webmanifest",
    ".csv",
    ".svg",
    ".yaml",
    ".md",
    "",  # _headers, _redirects
}
# Text files bigger than this are vendored or machine-made (Leaflet, a bundled index):
# stored by hash only, so the golden stays small and reviewable.
MAX_TEXT_BYTES = 64 * 1024
# Files a diff cannot help review even when small: third-party code and Pagefind's own engine;
# the theme's scripts and styles (static/js, static/css) are fingerprinted copies of
# site/static/, whose own diff is the review (stored whole they would only repeat the sources).
HASH_ONLY_PARTS = ("vendor/", "pagefind", "static/js/", "static/css/")
DIFF_FILES = 3  # unified diffs shown on a mismatch


def _is_text(rel: str, data: bytes) -> bool:
    if Path(rel).suffix not in TEXT_SUFFIXES or len(data) > MAX_TEXT_BYTES:
        return False
    if any(part in rel for part in HASH_ONLY_PARTS):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def snapshot(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(text files by relative path, sha256 of the other files by relative path)."""
    texts: dict[str, str] = {}
    hashes: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        data = path.read_bytes()
        if _is_text(rel, data):
            texts[rel] = data.decode("utf-8")
        else:
            hashes[rel] = hashlib.sha256(data).hexdigest()
    return texts, hashes


def read_golden() -> tuple[dict[str, str], dict[str, str]]:
    texts = {
        p.relative_to(GOLDEN_TEXT).as_posix(): p.read_bytes().decode("utf-8")
        for p in sorted(GOLDEN_TEXT.rglob("*"))
        if p.is_file()
    }
    hashes = {}
    for line in GOLDEN_HASHES.read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        hashes[rel] = digest
    return texts, hashes


def write_golden(texts: dict[str, str], hashes: dict[str, str]) -> None:
    shutil.rmtree(GOLDEN_TEXT, ignore_errors=True)
    for rel, content in texts.items():
        target = GOLDEN_TEXT / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8"))
    GOLDEN_HASHES.write_text(
        "".join(f"{digest}  {rel}\n" for rel, digest in sorted(hashes.items())), encoding="utf-8"
    )


def differences(
    actual: tuple[dict[str, str], dict[str, str]], golden: tuple[dict[str, str], dict[str, str]]
) -> list[str]:
    """Human-readable differences: missing and extra files, changed hashes, and unified
    diffs of the first few changed text files. Empty when the trees are equal."""
    (texts, hashes), (gold_texts, gold_hashes) = actual, golden
    out: list[str] = []
    paths_now = set(texts) | set(hashes)
    paths_gold = set(gold_texts) | set(gold_hashes)
    out += [f"new file (not in golden): {p}" for p in sorted(paths_now - paths_gold)]
    out += [f"missing file (in golden): {p}" for p in sorted(paths_gold - paths_now)]
    out += [
        f"changed binary/hashed file: {p}"
        for p in sorted(set(hashes) & set(gold_hashes))
        if hashes[p] != gold_hashes[p]
    ]
    out += [
        f"file moved between text and hash lists: {p}"
        for p in sorted((set(texts) & set(gold_hashes)) | (set(hashes) & set(gold_texts)))
    ]
    changed = [p for p in sorted(set(texts) & set(gold_texts)) if texts[p] != gold_texts[p]]
    for p in changed[:DIFF_FILES]:
        out.append(
            "".join(
                difflib.unified_diff(
                    gold_texts[p].splitlines(keepends=True),
                    texts[p].splitlines(keepends=True),
                    f"golden/{p}",
                    f"built/{p}",
                )
            )
        )
    out += [f"changed text file (diff not shown): {p}" for p in changed[DIFF_FILES:]]
    return out


def build_fixture_site(tmp: Path) -> Path:
    data = tmp / "data"
    shutil.copytree(ROOT / "tests/fixtures/good", data)
    (data / "lessons").mkdir()
    shutil.copy(ROOT / "tests/fixtures/lessons/mau.md", data / "lessons/mau.md")
    old = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "ANTQ_CACHE_DIR")}
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    os.environ["ANTQ_CACHE_DIR"] = str(tmp / "cache")
    try:
        build_site(BuildOptions(data_dir=data, out_dir=tmp / "public", site_dir=ROOT / "site"))
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return tmp / "public"


@pytest.fixture
def built(fixture_site: Path) -> Path:
    """The site build_fixture_site makes, built once for the session (tests/conftest.py)."""
    return fixture_site


def test_the_whole_site_matches_the_golden(built: Path) -> None:
    actual = snapshot(built)
    if os.environ.get("ANTQ_UPDATE_GOLDEN"):
        write_golden(*actual)
    assert GOLDEN_HASHES.exists(), "no golden site: run with ANTQ_UPDATE_GOLDEN=1"
    diff = differences(actual, read_golden())
    assert diff == [], (
        "the built fixture site differs from tests/golden/; if intended, regenerate it (see "
        "this module's docstring) and review the diff:\n" + "\n".join(diff)
    )


def test_every_page_family_is_in_the_golden() -> None:
    """The golden covers each kind of output, not just a few pages."""
    texts, hashes = read_golden()
    paths = set(texts) | set(hashes)
    for expected in (
        "index.html",
        "404.html",
        "sitemap.xml",
        "sw.js",
        "_headers",
        "lich/lich.ics",
        "lich/index.html",
        "cap-nhat/atom.xml",
        "build.json",
        "manifest.webmanifest",
        "robots.txt",
        "tim-xa/chi-muc.json",
        "bai-hoc/offline.json",
        "bai-hoc/mau/index.html",
        "mo-hinh/index.html",
    ):
        assert expected in paths, expected
    suffixes = {Path(p).suffix for p in paths}
    assert {".html", ".xml", ".ics", ".json", ".geojson", ".js", ".css"} <= suffixes
    assert any(p.startswith("ban-do/du-lieu/") for p in texts), "no map data"
    assert any(p.startswith("du-lieu/") and p.endswith(".csv") for p in texts), "no downloads"


def test_a_one_byte_change_is_reported(built: Path, tmp_path: Path) -> None:
    """Negative control: a copy of the site with one byte changed, one file removed and one
    added does not pass the comparison."""
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    golden = snapshot(built)
    page = copy / "index.html"
    data = bytearray(page.read_bytes())
    index = data.index(b"<main")
    data[index + 1] = ord("M")
    page.write_bytes(bytes(data))
    diff = differences(snapshot(copy), golden)
    assert len(diff) == 1 and diff[0].startswith("--- golden/index.html"), diff
    assert "-<main" in diff[0] and "+<Main" in diff[0]

    binary = next(p for p in sorted(copy.rglob("*.png")))
    raw = bytearray(binary.read_bytes())
    raw[-1] ^= 1
    binary.write_bytes(bytes(raw))
    (copy / "sitemap.xml").unlink()
    (copy / "extra.txt").write_text("x", encoding="utf-8")
    lines = differences(snapshot(copy), golden)
    rel = binary.relative_to(copy).as_posix()
    assert f"changed binary/hashed file: {rel}" in lines
    assert "missing file (in golden): sitemap.xml" in lines
    assert "new file (not in golden): extra.txt" in lines
