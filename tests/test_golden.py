"""Golden pages: the small fixture package builds exactly these bytes.

After an intended change to templates or pages, regenerate and review the diff:

    ANTQ_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
PAGES = [
    "index.html",
    "tinh/hai-phong/index.html",
    "tinh/hai-phong/xa-tan-ky/index.html",
    "mo-hinh/tieng-keng-an-ninh/index.html",
    "mo-hinh/index.html",
    "khen-thuong/2025/index.html",
    "van-ban/124-2021-tt-bca/index.html",
    "bai-hoc/mau/index.html",
    "lich/index.html",
    "du-lieu/places/index.html",
    "sitemap.xml",
    "404.html",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("golden")
    data = tmp / "data"
    shutil.copytree(ROOT / "tests/fixtures/good", data)
    (data / "lessons").mkdir()
    shutil.copy(ROOT / "tests/fixtures/lessons/mau.md", data / "lessons/mau.md")
    old = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "ANTQ_CACHE_DIR")}
    os.environ["SOURCE_DATE_EPOCH"] = "1763683200"
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


@pytest.mark.parametrize("page", PAGES)
def test_golden_page(built: Path, page: str) -> None:
    actual = (built / page).read_text(encoding="utf-8")
    golden = GOLDEN / page.replace("/", "__")
    if os.environ.get("ANTQ_UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file for {page}: run with ANTQ_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{page} differs from {golden.relative_to(ROOT)}; if intended, regenerate it "
        "(see this module's docstring) and review the diff"
    )
