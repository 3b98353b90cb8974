"""“Tìm xã, phường của bạn” (issue 15): the finder's index, its page without JavaScript, the
header menu and the province pages' order and filter.

The index is checked against every row of data/legacy_units.csv, read here with the csv
module (not through the generator): each old province, huyện and xã, under its old parents,
leads to each of its successors in unit_changes.csv (split wards to every one, the default
first). Browser tests run in Debian Chromium at 320–360 px with the network blocked.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import functools
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator import pwa
from generator.data.load import read_package
from generator.model import SiteModel, build_model
from generator.pages import finder
from generator.settings import load_settings
from generator.textvi import sort_key
from tests.browser import axe_options, block_external, launch, serve
from tests.conftest import SampleSite

ROOT = Path(__file__).resolve().parents[1]
LAC_PHUONG = "/tinh/hai-phong/xa-lac-phuong/"


@dataclass
class Sample:
    out: Path
    model: SiteModel  # the sample's scope (site/site.toml)


@pytest.fixture(scope="module")
def sample(sample_site: SampleSite) -> Sample:
    """The sample built once for the run (tests/conftest.py) and its model."""
    data, site = sample_site.data, sample_site.site
    model = build_model(read_package(data), load_settings(site), date(2025, 11, 21))
    return Sample(sample_site.public, model)


@pytest.fixture(scope="module")
def national() -> SiteModel:
    """The bundled data with the whole country in scope: every legacy row has a successor."""
    settings = dataclasses.replace(load_settings(ROOT / "site"), provinces=None)
    return build_model(read_package(ROOT / "data"), settings, date(2025, 11, 21))


def built_index(out: Path) -> dict[str, Any]:
    index: dict[str, Any] = json.loads((out / "tim-xa/chi-muc.json").read_text("utf-8"))
    return index


# -- the index covers every old name -------------------------------------------------------


@functools.cache
def _csv(name: str) -> list[dict[str, str]]:
    """A table of the bundled data, read once for the module (read only)."""
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@functools.cache
def expected_successors() -> dict[str, list[str]]:
    """Legacy code → the codes of the units that took it over, the default first: a ward's
    rows of unit_changes.csv; an old province's or huyện's replaced_by, or else (a huyện
    split between xã) where its wards went."""
    changes: dict[str, list[str]] = defaultdict(list)
    for row in sorted(_csv("unit_changes.csv"), key=lambda r: r["is_default"] != "true"):
        changes[row["legacy_code"]].append(row["new_code"])
    rows = _csv("legacy_units.csv")
    children: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        children[row["parent_code"]].append(row["code"])
    out = {}
    for row in rows:
        new = changes.get(row["code"]) or ([row["replaced_by"]] if row["replaced_by"] else [])
        if not new:
            new = [n for child in children[row["code"]] for n in changes.get(child, [])]
        out[row["code"]] = list(dict.fromkeys(new))
    return out


@functools.cache
def strip_marks(text: str) -> str:
    """The name as typed without diacritics: 'Xã Tiên Động' → 'Xa Tien Dong'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def lookup(index: dict[str, Any], typed: list[str]) -> list[list[str]]:
    """What the finder offers for an old unit typed as its name, its old huyện's and its
    old province's (`typed`, the unit first, kind words included): the target URLs of each
    old entry with those names, folded. Typed with diacritics, only the entries written
    exactly so (a few old xã of one huyện differ only in their tones: both are offered)."""
    key = tuple(_folded(name) for name in typed)
    exact = tuple(name.casefold() for name in typed)
    found = _chains(index).get(key, [])
    if exact != tuple(_fold(name) for name in typed):  # typed with diacritics
        found = [(names, urls) for names, urls in found if names == exact]
    return [urls for _, urls in found]


# The site's own folding, remembered: a check over every legacy row folds each province's
# and huyện's name thousands of times.
_folded = functools.cache(finder.folded)
_fold = functools.cache(finder.fold)

_CHAINS: dict[int, tuple[dict[str, Any], dict[tuple[str, ...], list[Any]]]] = {}


def _chains(index: dict[str, Any]) -> dict[tuple[str, ...], list[Any]]:
    """Each old entry's full name (kind word and name, folded) and its parents' → (the full
    names as written, lower-case; the target URLs)."""
    if id(index) in _CHAINS and _CHAINS[id(index)][0] is index:
        return _CHAINS[id(index)][1]
    kinds = index["k"]
    # What the script matches: the stored folded name (the kind word is not typed, or
    # dropped from the query: "xa cong lac" → "cong lac").
    matched = [f"{finder.folded(kinds[e[1]])} {e[2]}".strip() for e in index["o"]]
    shown = [f"{kinds[e[1]]} {e[0]}".strip().casefold() for e in index["o"]]
    chains: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for number, entry in enumerate(index["o"]):
        keys, names, at = [], [], number
        while at >= 0:
            keys.append(matched[at])
            names.append(shown[at])
            at = index["o"][at][3]
        chains[tuple(keys)].append((tuple(names), [_target_url(index, t) for t in entry[4]]))
    _CHAINS[id(index)] = (index, chains)
    return chains


def _target_url(index: dict[str, Any], target: int) -> str:
    if target < 0:
        return str(index["p"][-1 - target][3])
    unit = index["u"][target]
    kind = finder.folded(index["k"][unit[1]])
    slug = unit[4] if len(unit) > 4 else f"{kind} {unit[2]}".strip().replace(" ", "-")
    return f"{index['p'][unit[3]][3]}{slug}/"


def uncovered(index: dict[str, Any], model: SiteModel) -> list[str]:
    """Every legacy row whose successors are in `model`'s scope, typed with and without
    diacritics, must lead to exactly those successors, the default first (for an old huyện
    split between xã: the first xã its first ward went to); the others must be absent.
    Returns what is wrong, one line per row."""
    rows = {row["code"]: row for row in _csv("legacy_units.csv")}
    successors = expected_successors()
    problems = []
    for code in rows:
        names = []
        at: str | None = code
        while at:
            names.append(rows[at]["name"])
            at = rows[at]["parent_code"] or None
        urls = [u for u in map(model.unit_url, successors[code]) if u is not None]
        for typed in (names, [strip_marks(n) for n in names]):
            found = lookup(index, typed)
            if not urls:
                if found:
                    problems.append(f"{code} {typed[0]}: out of scope but in the index")
            elif not any(sorted(f) == sorted(urls) and f[0] == urls[0] for f in found):
                problems.append(f"{code} {', '.join(typed)}: {found} ≠ {urls}")
            elif typed == names and len(found) != 1:
                problems.append(f"{code} {', '.join(typed)}: twice in the index")
    return problems


def test_index_covers_every_legacy_row_nationally(national: SiteModel) -> None:
    index = json.loads(finder.build_index(national).to_json())
    rows = _csv("legacy_units.csv")
    assert len(rows) == 10794 and len(index["o"]) >= len(rows)
    assert uncovered(index, national) == []
    # Split wards: several successors each, the default first.
    split = [r for r in rows if r["split"] == "true"]
    assert len(split) == 471
    tien_dong = lookup(index, ["Xã Tiên Động", "Huyện Tứ Kỳ", "Tỉnh Hải Dương"])
    assert tien_dong == [[LAC_PHUONG, "/tinh/hai-phong/xa-nguyen-giap/"]]


def test_built_index_covers_every_row_in_scope(sample: Sample) -> None:
    index = built_index(sample.out)
    assert uncovered(index, sample.model) == []
    # Old names that only places carry ("xã Cộng Lạc", merged before 2025 into Lạc Phượng).
    assert lookup(index, ["xã Cộng Lạc", "huyện Tứ Kỳ", "tỉnh Hải Dương"]) == [[LAC_PHUONG]]
    assert lookup(index, ["Tỉnh Hải Dương"]) == [["/tinh/hai-phong/"]]


def test_coverage_check_fails_when_a_name_or_successor_is_missing(sample: Sample) -> None:
    """Negative controls: the coverage check catches a dropped old name, a split ward that
    lost one of its successors, and an old name pointing at a wrong xã."""
    index = built_index(sample.out)
    names = [entry[2] for entry in index["o"]]
    dropped = copy.deepcopy(index)
    at = names.index("tien dong")
    dropped["o"][at][2] = "tien"  # as if the name were missing
    assert any("Tiên Động" in line for line in uncovered(dropped, sample.model))
    split = next(i for i, e in enumerate(index["o"]) if len(e[4]) > 1 and index["o"][e[3]][3] >= 0)
    lost = copy.deepcopy(index)
    lost["o"][split][4].pop()
    assert len(uncovered(lost, sample.model)) == 2  # with and without diacritics
    wrong = copy.deepcopy(index)
    wrong["o"][at][4] = [0]
    assert len(uncovered(wrong, sample.model)) == 2


def test_index_is_compact_and_precached(sample: Sample) -> None:
    data = (sample.out / "tim-xa/chi-muc.json").read_bytes()
    index = json.loads(data)
    assert set(index) == {"k", "p", "u", "o"}
    assert len(index["u"]) == len(sample.model.ward_by_code)
    for entry in index["p"] + index["u"] + index["o"]:
        assert entry[2] == finder.folded(entry[0]) and re.fullmatch("[a-z0-9 ]+", entry[2])
    assert len(data) < 80_000  # 53 KB for the sample's 3 provinces (15 KB gzipped)
    worker = re.search(r"^const BUILD = (\{.*\});$", (sample.out / "sw.js").read_text(), re.M)
    assert worker
    precache = dict(json.loads(worker.group(1))["precache"])
    assert precache[pwa.FINDER_INDEX_URL] == pwa.revision(data)


def test_finder_page_lists_every_unit_with_its_old_names(sample: Sample) -> None:
    html = (sample.out / "tim-xa/index.html").read_text("utf-8")
    assert 'action="/tim-xa/" method="get"' in html
    # One page per province (the whole country on one page: ~10,000 elements).
    for province in sample.model.provinces:
        assert f'<li id="{province.slug}"><a href="/tim-xa/{province.slug}/">' in html
        own = (sample.out / f"tim-xa/{province.slug}/index.html").read_text("utf-8")
        for ward in province.wards:
            assert f'href="{ward.url}"' not in html and f'href="{ward.url}"' in own
    own = (sample.out / "tim-xa/hai-phong/index.html").read_text("utf-8")
    row = re.search(r'<li><a href="/tinh/hai-phong/xa-lac-phuong/">[^<]*</a>(.*?)</li>', own)
    assert row and "Cộng Lạc" in row.group(1) and "Tiên Động" in row.group(1)


def test_province_lists_units_with_a_result_first(sample: Sample) -> None:
    pages = []  # the list is paged, 100 a page: page 1 keeps the old address
    for rel in ("tinh/hai-phong/index.html", "tinh/hai-phong/trang-2/index.html"):
        html = (sample.out / rel).read_text("utf-8")
        table = html[html.index('id="ds-xa"') :]
        table = table[: table.index("</table>")]
        pages.append(re.findall(r"<tr><th scope=\"row\"><a [^>]*>([^<]*)</a>.*?</tr>", table))
    assert [len(p) for p in pages] == [100, 14]
    rows = pages[0] + pages[1]
    with_result = [
        w.name for w in sample.model.province_by_code["31"].wards if w.own_result.get(2025)
    ]
    assert len(with_result) == 5 and rows[: len(with_result)] == with_result
    assert len(rows) == 114  # then the rest, each group in Vietnamese order
    assert rows[5:] == sorted(rows[5:], key=sort_key)
    assert rows[:5] == sorted(rows[:5], key=sort_key)


# -- in Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def _phone(browser: Any, width: int = 360, **options: Any) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 740}, has_touch=True, is_mobile=True, **options
    )
    block_external(context)
    return context


def _suggestions(page: Any, listbox: str = "#tim-xa-goi-y") -> list[str]:
    page.locator(f"{listbox} [role=option]").first.wait_for(timeout=10_000)
    return [a.inner_text() for a in page.locator(f"{listbox} [role=option]").all()]


@pytest.mark.browser
def test_old_name_without_marks_then_one_tap(browser: Any, sample: Sample) -> None:
    with serve(sample.out) as server:
        context = _phone(browser)
        page = context.new_page()
        page.goto(server.url + "/")
        box = page.get_by_label("Tìm xã, phường của bạn")
        box.fill("cong lac")
        found = _suggestions(page)
        assert found[0].startswith("Cộng Lạc (cũ) → xã Lạc Phượng, thành phố Hải Phòng")
        combo = page.get_by_role("combobox", name="Tìm xã, phường của bạn")
        assert combo.get_attribute("aria-expanded") == "true"
        page.locator("#tim-xa-goi-y [role=option]").first.tap()
        page.wait_for_url(server.url + LAC_PHUONG)
        assert page.locator("h1").inner_text().startswith("Xã Lạc Phượng")
        context.close()


@pytest.mark.browser
def test_old_name_missing_from_index_is_not_suggested(browser: Any, sample: Sample) -> None:
    """Negative control: the same typing with "Cộng Lạc" taken out of the index."""
    index = built_index(sample.out)
    index["o"] = [e for e in index["o"] if e[2] != "cong lac"]
    body = json.dumps(index, ensure_ascii=False)
    with serve(sample.out) as server:
        context = _phone(browser)
        context.route(
            "**/tim-xa/chi-muc.json",
            lambda route: route.fulfill(body=body, content_type="application/json"),
        )
        page = context.new_page()
        page.goto(server.url + "/")
        page.locator("#tim-xa").fill("cong lac")
        page.locator(".finder-status", has_text="Không có tên nào khớp").wait_for()
        assert page.locator("#tim-xa-goi-y [role=option]").count() == 0
        context.close()


@pytest.mark.browser
def test_diacritics_split_ward_and_keyboard(browser: Any, sample: Sample) -> None:
    index = built_index(sample.out)
    split = next(e for e in index["o"] if len(e[4]) > 1 and e[4][0] >= 0 and e[3] >= 0)
    successors = [index["u"][t][0] for t in split[4]]
    with serve(sample.out) as server:
        context = _phone(browser)
        page = context.new_page()
        page.goto(server.url + "/tinh/hai-phong/")  # the header's finder
        box = page.locator("#tim-xa-dau")
        box.fill("Tiên Động")
        assert any("→ xã Lạc Phượng" in s for s in _suggestions(page, "#tim-xa-dau-goi-y"))
        box.fill(split[0])  # a split ward: one suggestion per successor
        found = [s for s in _suggestions(page, "#tim-xa-dau-goi-y") if "(cũ)" in s]
        for name in successors:
            assert any(name in s for s in found), (name, found)
        box.fill("lac phuong")
        _suggestions(page, "#tim-xa-dau-goi-y")
        box.press("ArrowDown")
        active = box.get_attribute("aria-activedescendant")
        assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
        box.press("Escape")
        assert box.get_attribute("aria-expanded") == "false"
        box.press("ArrowDown")
        box.press("Enter")
        page.wait_for_url(server.url + LAC_PHUONG)
        context.close()


MENU = """() => {
  const bar = document.querySelector(".topbar").getBoundingClientRect();
  const brand = document.querySelector(".brand").getBoundingClientRect();
  const summary = document.querySelector(".menu summary").getBoundingClientRect();
  const links = [...document.querySelectorAll(".menu nav a")];
  return {
    height: bar.height, oneRow: Math.abs(brand.top - summary.top) < 8,
    summary: summary.height, open: document.querySelector(".menu").open,
    visible: links.filter((a) => a.checkVisibility()).length,
    links: links.map((a) => a.getAttribute("href")),
    tall: links.every((a) => a.getBoundingClientRect().height >= 44),
  };
}"""


@pytest.mark.browser
def test_menu_is_one_row_and_a_closed_disclosure(browser: Any, sample: Sample) -> None:
    with serve(sample.out) as server:
        for width in (320, 360):
            context = _phone(browser, width)
            page = context.new_page()
            for url in ("/", "/tinh/hai-phong/", LAC_PHUONG, "/bai-hoc/"):
                page.goto(server.url + url)
                menu = page.evaluate(MENU)
                assert menu["oneRow"] and menu["height"] < 60, (width, url, menu)
                assert not menu["open"] and menu["visible"] == 0 and menu["summary"] >= 44
                assert "/ban-do/" in menu["links"]
                header = page.locator(".site-header").bounding_box()
                assert header["height"] < 110, (width, url, header)  # was 196 px
            page.locator(".menu summary").tap()
            menu = page.evaluate(MENU)
            assert menu["open"] and menu["visible"] == 9 and menu["tall"]  # 9 with Tin tức
            # Negative control: the old layout (links wrapping under the brand) is caught.
            page.evaluate(
                """() => { document.querySelector(".topbar").style.flexWrap = "wrap";
                document.querySelector(".brand").style.flexBasis = "100%"; }"""
            )
            assert not page.evaluate(MENU)["oneRow"]
            context.close()


@pytest.mark.browser
def test_without_javascript_the_form_goes_to_the_finder_page(browser: Any, sample: Sample) -> None:
    with serve(sample.out) as server:
        context = _phone(browser, java_script_enabled=False)
        page = context.new_page()
        page.goto(server.url + "/")
        page.locator("#tim-xa").fill("cong lac")
        page.locator("#tim-xa").press("Enter")
        page.wait_for_url(server.url + "/tim-xa/?q=cong+lac")
        # Cộng Lạc was in Hải Dương, now part of Hải Phòng: the province says so.
        page.locator(".province-jump li", has_text="Hải Dương").locator("a").click()
        page.wait_for_url(server.url + "/tim-xa/hai-phong/")
        row = page.locator(".finder-units li", has_text="Cộng Lạc")
        assert row.locator("a").get_attribute("href") == LAC_PHUONG
        assert page.locator("[role=combobox], [role=listbox]").count() == 0
        context.close()
        # With JavaScript, the same address shows the matches on top.
        context = _phone(browser)
        page = context.new_page()
        page.goto(server.url + "/tim-xa/?q=cong+lac")
        first = page.locator("#ket-qua-tim-xa li a").first
        first.wait_for()
        assert first.get_attribute("href") == LAC_PHUONG
        assert page.locator("#tim-xa-trang").input_value() == "cong lac"
        context.close()


@pytest.mark.browser
def test_finder_works_offline_and_province_filter(browser: Any, sample: Sample) -> None:
    with serve(sample.out) as server:
        context = _phone(browser)
        page = context.new_page()
        page.goto(server.url + "/")
        deadline = 200
        while not page.evaluate("navigator.serviceWorker.controller !== null") and deadline:
            page.wait_for_timeout(50)
            deadline -= 1
        context.set_offline(True)
        page.reload()
        page.locator("#tim-xa").fill("tien dong")
        assert any("Lạc Phượng" in s for s in _suggestions(page))
        context.set_offline(False)
        page.add_init_script(COUNT_FOLDS)
        page.goto(server.url + "/tinh/hai-phong/")
        # The rows' names are folded on the first key, not as the page starts (a large
        # province's list delayed every visit); the same count proves the probe sees folds.
        assert page.evaluate("window.__folds") == 0
        box = page.get_by_label("Lọc theo tên xã, phường")
        box.fill("lac phuong")
        assert page.evaluate("window.__folds") >= 100
        assert page.locator("#ds-xa tbody tr:visible").count() == 1
        box.fill("")
        assert page.locator("#ds-xa tbody tr:visible").count() == 100  # page 1 of the list
        # A xã on the list's page 2 is linked under the box from the finder's index; one on
        # this page is not (its row shows), nor one of another province (negative controls).
        later = page.evaluate(LATER_PAGE_XA)
        on_page = page.locator("#ds-xa tbody th a").first
        box.fill(later["name"])
        elsewhere = page.locator("#loc-xa-khac a")
        elsewhere.first.wait_for()
        assert later["url"] in elsewhere.evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert "ở trang khác" in page.locator("#loc-xa-dem").inner_text()
        box.fill(on_page.inner_text())
        page.wait_for_timeout(300)
        assert page.locator("#ds-xa tbody tr:visible").count() >= 1
        shown = elsewhere.evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert on_page.get_attribute("href") not in shown
        assert all(href.startswith("/tinh/hai-phong/") for href in shown)
        context.close()


# Counts the page's Vietnamese foldings (tim-xa.js folds through String.normalize).
COUNT_FOLDS = """(() => {
  const normalize = String.prototype.normalize;
  window.__folds = 0;
  String.prototype.normalize = function (...args) {
    window.__folds += 1;
    return normalize.apply(this, args);
  };
})()"""


# The first xã of the province's list page 2 (fetched as the page's script would not).
LATER_PAGE_XA = """async () => {
  const html = await (await fetch("/tinh/hai-phong/trang-2/")).text();
  const doc = new DOMParser().parseFromString(html, "text/html");
  const a = doc.querySelector("#ds-xa tbody th a");
  return { name: a.textContent, url: a.getAttribute("href") };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_suggestions_open(browser: Any, sample: Sample, scheme: str) -> None:
    """The combobox with its list open, the open menu, the finder page and a filtered
    province list: no WCAG 2.1 A/AA violation (the negative control of this check is
    tests/test_pwa.py's, which proves that axe reports faint text)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = axe_options(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    with serve(sample.out) as server:
        context = _phone(browser, color_scheme=scheme)
        page = context.new_page()
        page.goto(server.url + "/")
        page.locator("#tim-xa").fill("lac")
        _suggestions(page)
        page.locator("#tim-xa").press("ArrowDown")
        result = axe.run(page, options=options)
        assert result.violations_count == 0, result.generate_report()
        page.goto(server.url + "/tim-xa/?q=tu+ky")
        page.locator("#ket-qua-tim-xa li").first.wait_for()
        page.locator(".menu summary").tap()
        result = axe.run(page, options=options)
        assert result.violations_count == 0, result.generate_report()
        page.goto(server.url + "/tinh/hai-phong/")
        page.locator("#tim-xa-dau").fill("tien")
        _suggestions(page, "#tim-xa-dau-goi-y")
        page.get_by_label("Lọc theo tên xã, phường").fill("lac")
        result = axe.run(page, options=options)
        assert result.violations_count == 0, result.generate_report()
        context.close()
