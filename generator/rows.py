"""The rows of the national site's largest tables and lists, made in Python.

Issue 18 item 7: a row looped in a Jinja2 template (a macro call, a `x.name` look-up and an
escape per field, a generator step per piece of text) was most of the render stage of a
national build: ~24 model cards, ~30 places, ~20 security teams and ~14 awards on each of
3,321 xã pages, ~43 sites on each of 2,888 model pages, 50 awards on each of 1,269 award
list pages. These functions give, byte for byte, what the loops they replace gave
(tests/test_golden.py compares every page of the sample site; tests/test_render_rows.py a
hostile name in each): the page's structure stays in its template, only the repeated rows
are made here. Every value a reader's data can hold goes through `markupsafe.escape`,
as Jinja's autoescape did (`_e`), numbers and dates through the templates' own filters.
(Jinja2 has no cheaper way to repeat a row; a library that renders HTML rows would be one
more template language for the same few rows.)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from generator.textvi import format_date, format_number

# What each row reads of its dict (generator.pages.common: award_view, model_card, ...).
Row = Mapping[str, Any]
_IGNORE = ' data-pagefind-ignore="all"'
try:
    # markupsafe's escape of a str (in C), as a str: `escape` gives the same text wrapped in
    # a new Markup object, most of its cost (~0.3 µs a value, ~3 million values a national
    # build). Private to markupsafe (its module is `_native` without the C extension): any
    # other markupsafe gets `_escape_str` below (tests/test_render_rows.py: the same text).
    from markupsafe._speedups import _escape_inner as _escape_str
except ImportError:  # pragma: no cover (markupsafe without its C extension, or another one)

    def _escape_str(text: str, /) -> str:
        return str(escape(text))


def _e(value: Any) -> str:
    """A value as `{{ value }}` shows it with autoescape: `markupsafe.escape`d, None as
    "None". A str is escaped without making a `Markup` of it, an int is its digits."""
    kind = type(value)
    if kind is str:
        return _escape_str(value)
    if kind is int:
        return str(value)
    return str(escape(value))


def _number(value: float | int | None) -> str:
    """`{{ value | number_vi }}` (digits and separators: nothing to escape)."""
    return "" if value is None else format_number(value)


def _date(value: Any) -> str:
    """`{{ value | date_vi }}` (digits and slashes: nothing to escape)."""
    return format_date(value) if value else ""


_BADGES = {
    "dat": '<span class="badge ok">Đạt</span>',
    "chua_dat": '<span class="badge no">Chưa đạt</span>',
}
_NO_BADGE = '<span class="badge none">Chưa có dữ liệu</span>'


def badge(code: str | None) -> Markup:
    """macros.html `result_badge`: a result's badge."""
    return Markup(_BADGES.get(code or "", _NO_BADGE))


def _legal(legal: Row | None) -> str:
    if not legal:
        return ""
    url, ident = _e(legal["url"]), _e(legal["id"])
    return f' <small>Căn cứ: <a class="nowrap" href="{url}">{ident}</a></small>'


def award_rows(awards: Iterable[Row], show_unit: bool, home: str | None, index: bool) -> Markup:
    """macros.html `award_table`'s rows (each ends with a line break), as its loop made them."""
    out = []
    for a in awards:
        own = bool(index and home and a["unit_url"] == home)
        mark = _IGNORE if own else ""
        head = f"<tr{_IGNORE if index and not own else ''}>"
        cells = [f'{head}<td class="yr"{mark}>{_e(a["year"])}</td><th scope="row">']
        cells.append(_e(a["recipient"]))
        if a["reason"]:
            cells.append(f" <small{mark}>{_e(a['reason'])}</small>")
        if model := a["model"]:
            link = f'<a href="{_e(model["url"])}">{_e(model["name"])}</a>'
            cells.append(f" <small{mark}>Mô hình: {link}</small>")
        cells.append(f'</th><td data-label="Hình thức"{mark}>{_e(a["award"])}</td>')
        if show_unit:
            unit = _e(a["unit"])
            if a["unit_url"]:
                unit = f'<a href="{_e(a["unit_url"])}">{unit}</a>'
            cells.append(f'<td data-label="Đơn vị"{mark}>{unit}</td>')
        cells.append(f'<td data-label="Quyết định"{mark}>{_e(a["decision_no"] or "")}')
        if a["decision_date"]:
            cells.append(f' <span class="nowrap">{_date(a["decision_date"])}</span>')
        if a["issuer"]:
            cells.append(f" <small>{_e(a['issuer'])}</small>")
        cells.append(f"{_legal(a['legal'])}</td></tr>\n")
        out.append("".join(cells))
    return Markup("".join(out))


def model_cards(models: Iterable[Row], h: int) -> Markup:
    """macros.html `model_list`'s cards (each ends with a line break). A model's card is
    the same on every xã page it runs in (~24 cards a page, 2,500 models): made once per
    content (`_card`, keyed by every value it shows)."""
    return Markup(
        "".join(
            _card(
                h,
                m["url"],
                m["name"],
                m["field"],
                m["status_code"],
                m["status"],
                m["sites"],
                tuple(m["provinces"]),
            )
            for m in models
        )
    )


@functools.lru_cache(maxsize=8192, typed=True)  # typed: 3 and 3.0 show apart
def _card(
    h: int,
    url: str,
    name: str,
    field: str,
    status_code: str,
    status: str,
    sites: int,
    provinces: tuple[str, ...],
) -> str:
    level = _e(h)
    shown = ""
    if status_code != "dang_hoat_dong":
        shown = f' <span class="tag muted">{_e(status)}</span>'
    where = " · " + ", ".join(_e(p) for p in provinces) if provinces else ""
    return (
        f'<li class="card"><h{level}><a href="{_e(url)}">{_e(name)}</a></h{level}>\n'
        f'<p><span class="tag">{_e(field)}</span>{shown} <small class="nowrap">'
        f"{_number(sites)} nơi triển khai{where}</small></p></li>\n"
    )


def site_rows(sites: Iterable[Row]) -> Markup:
    """mo-hinh.html: the rows of a model's sites."""
    out = []
    for s in sites:
        badge = ' <span class="badge ok">Điển hình</span>' if s["exemplar"] else ""
        unit = _e(s["unit"])
        if s["unit_url"]:
            unit = f'<a href="{_e(s["unit_url"])}">{unit}</a>'
        province = f" <small>{_e(s['province'])}</small>" if s["province"] else ""
        out.append(
            f'<tr><th scope="row">{_e(s["place"] or "—")}{badge}</th>'
            f'<td data-label="Xã, phường">{unit}{province}</td>'
            f'<td class="num inl" data-label="Tổ, đội">{_number(s["teams"])}</td>'
            f'<td class="num inl" data-label="Thành viên">{_number(s["members"])}</td>'
            f'<td class="inl" data-label="Bắt đầu">{_date(s["started"])}</td></tr>'
        )
    return Markup("".join(out))


def place_items(places: Iterable[Row], year: Any) -> Markup:
    """xa.html: the items of a xã's places (with each one's result when the page has a year)."""
    out = []
    for p in places:
        legacy = f"; trước 01/7/2025 thuộc {_e(p['legacy'])}" if p["legacy"] else ""
        result = f" {_BADGES.get(p['result'], _NO_BADGE)}" if year else ""
        out.append(f"<li>{_e(p['name'])} <small>— {_e(p['kind'])}{legacy}</small>{result}</li>")
    return Markup("".join(out))


def team_rows(teams: Iterable[Row], rated: bool) -> Markup:
    """xa.html: the rows of a xã's security teams."""
    out = []
    for t in teams:
        decision = f" <small>{_e(t['decision_no'])}</small>" if t["decision_no"] else ""
        rating = ""
        if rated:
            rating = f'<td class="inl" data-label="Xếp loại">{_e(t["rating"] or "")}</td>'
        out.append(
            f'<tr><th scope="row">{_e(t["area"])}</th>'
            f'<td class="num inl" data-label="Số thành viên">{_number(t["members"])}</td>'
            f'<td class="inl" data-label="Thành lập">{_date(t["established"])}{decision}</td>'
            f"{rating}</tr>"
        )
    return Markup("".join(out))


def _percent(value: float | None) -> str:
    """`{{ value | percent_vi }}` (one decimal, ",0" dropped; nothing to escape)."""
    if value is None:
        return "—"
    text = format_number(value, 1)
    if text.endswith(",0"):
        text = text[:-2]
    return f"{text}%"


def coverage_cell(cov: Row | None) -> Markup:
    """macros.html `cov_cell`: a coverage in a table's cell."""
    return Markup(_coverage_html(cov))


def _coverage_html(cov: Row | None) -> str:
    if cov and cov["percent"] is not None:
        missing = ""
        if cov["missing"]:
            missing = f"; {_number(cov['missing'])} chưa có dữ liệu"
        counts = f"{_number(cov['passed'])}/{_number(cov['assessed'])} đã đánh giá{missing}"
        return f"{_percent(cov['percent'])} <small>({counts})</small>"
    if cov:
        return f"<small>chưa có dữ liệu ({_number(cov['registered'])})</small>"
    return "—"


def coverage_rows(coverage: Iterable[Row], kinds: Iterable[str]) -> Markup:
    """macros.html `coverage_table`'s rows: a year's coverage of each kind."""
    kinds = list(kinds)
    out = []
    for row in coverage:
        cells = row["cells"]
        out.append(f'<tr><th scope="row">{_e(row["year"])}</th>')
        out.extend(f'<td class="num">{_coverage_html(cells[k])}</td>' for k in kinds)
        out.append("</tr>")
    return Markup("".join(out))


def pager_items(pager: Row) -> Markup:
    """macros.html `pager`'s links, one to each page of the list, the page shown marked (a
    list of n pages: n links on each of its n pages, ~100,000 for the national awards)."""
    number = pager["number"]
    out = []
    for item in pager["pages"]:
        n = _e(item["n"])
        if item["n"] == number:
            out.append(f'<li><span aria-current="page">{n}</span></li>')
        else:
            out.append(f'<li><a href="{_e(item["url"])}" aria-label="Trang {n}">{n}</a></li>')
    return Markup("".join(out))


def running_and_stopped(models: Iterable[Row]) -> tuple[list[Row], list[Row]]:
    """xa.html: the models still running (`dang_hoat_dong`), then the others, each in order."""
    running: list[Row] = []
    stopped: list[Row] = []
    for m in models:
        (running if m["status_code"] == "dang_hoat_dong" else stopped).append(m)
    return running, stopped


def lesson_cards(lessons: Iterable[Row]) -> Markup:
    """The lesson library's cards (each ends with a line break), as the card partial
    `bai-hoc-the.html` included once per card gave them: ~6 related lessons on each lesson
    page (5,000 lessons: 30,000 includes, each a template context made and rendered), and
    every card of the library's lists. A card is the same on every page: made once per
    content (`_lesson_card`). `topics`/`grades`: their labels."""
    return Markup(
        "".join(
            _lesson_card(
                c["url"],
                c["title"],
                c["summary"],
                tuple(c["topics"]),
                tuple(c["grades"]),
                c["reading_time"],
            )
            for c in lessons
        )
    )


@functools.lru_cache(maxsize=16384, typed=True)
def _lesson_card(
    url: str,
    title: str,
    summary: str,
    topics: tuple[str, ...],
    grades: tuple[str, ...],
    reading_time: int,
) -> str:
    # `join(", ")` of plain strings gives a plain string, which `{{ }}` then escapes whole.
    return (
        f'<li class="card"><a href="{_e(url)}">{_e(title)}</a>\n<p>{_e(summary)}</p>\n'
        f"<p><small>{_e(', '.join(topics))} · {_e(', '.join(grades))} · "
        f"{_e(reading_time)} phút đọc</small></p></li>\n"
    )


ROWS = {
    "badge": badge,
    "running_and_stopped": running_and_stopped,
    "award_rows": award_rows,
    "model_cards": model_cards,
    "site_rows": site_rows,
    "place_items": place_items,
    "team_rows": team_rows,
    "coverage_cell": coverage_cell,
    "coverage_rows": coverage_rows,
    "pager_items": pager_items,
    "lesson_cards": lesson_cards,
}
