"""Hostile lesson Markdown (issue 12): attributes, URL schemes, control characters, file
names. The rendered HTML is read back with html.parser (which decodes character
references as a browser does) and judged by an oracle written apart from the filter."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest

from generator import lessons as lessons_module
from generator.build import BuildOptions, build_site
from generator.data.validate import validate_package
from generator.lessons import EXTENSION_CONFIGS, EXTENSIONS, LessonRenderer

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "tests/fixtures/lessons/mau.md"
ANTQ = Path(sys.executable).parent / "antq"
BODY_LINE = 11  # "Mở đầu có …", the fixture's first body line

# Event handler content attributes: the HTML standard's GlobalEventHandlers,
# WindowEventHandlers and DocumentAndElementEventHandlers, SVG's animation events, and
# those Chromium and others expose beyond them (the Chromium test below checks this list
# against Chromium's own).
EVENT_HANDLERS = """
onabort onafterprint onanimationcancel onanimationend onanimationiteration onanimationstart
onauxclick onbeforecopy onbeforecut onbeforeinput onbeforematch onbeforepaste onbeforeprint
onbeforetoggle onbeforeunload onbeforexrselect onbegin onblur oncancel oncanplay
oncanplaythrough onchange onclick onclose oncommand oncontentvisibilityautostatechange
oncontextlost oncontextmenu oncontextrestored oncopy oncuechange oncut ondblclick ondrag
ondragend ondragenter ondragexit ondragleave ondragover ondragstart ondrop ondurationchange
onemptied onend onended onerror onfocus onfocusin onfocusout onformdata onfullscreenchange
onfullscreenerror ongotpointercapture onhashchange oninput oninvalid onkeydown onkeypress
onkeyup onlanguagechange onload onloadeddata onloadedmetadata onloadend onloadstart
onlostpointercapture onmessage onmessageerror onmousedown onmouseenter onmouseleave
onmousemove onmouseout onmouseover onmouseup onmousewheel onoffline ononline onpagehide
onpagereveal onpageshow onpageswap onpaste onpause onplay onplaying onpointercancel
onpointerdown onpointerenter onpointerleave onpointermove onpointerout onpointerover
onpointerrawupdate onpointerup onpopstate onprogress onratechange onreadystatechange
onrejectionhandled onrepeat onreset onresize onscroll onscrollend onscrollsnapchange
onscrollsnapchanging onsearch onsecuritypolicyviolation onseeked onseeking onselect
onselectionchange onselectstart onslotchange onstalled onstorage onsubmit onsuspend
ontimeupdate ontoggle ontouchcancel ontouchend ontouchmove ontouchstart ontransitioncancel
ontransitionend ontransitionrun ontransitionstart onunhandledrejection onunload
onvisibilitychange onvolumechange onwaiting onwebkitanimationend onwebkitanimationiteration
onwebkitanimationstart onwebkittransitionend onwheel
onappinstalled onbeforeinstallprompt ondevicemotion ondeviceorientation
ondeviceorientationabsolute onencrypted onenterpictureinpicture onfreeze ongamepadconnected
ongamepaddisconnected onleavepictureinpicture onpointerlockchange onpointerlockerror
onprerenderingchange onresume onwaitingforkey onwebkitfullscreenchange onwebkitfullscreenerror
""".split()  # noqa: SIM905 (a list literal would take 140 lines)
assert len(EVENT_HANDLERS) == len(set(EVENT_HANDLERS)) > 150


def spellings(name: str) -> list[str]:
    """onload, ONLOAD, OnLoad."""
    return [name, name.upper(), "On" + name[2:].capitalize()]


# Attributes that are not event handlers but can run script, load something, or change
# what the page does: all of them must go.
OTHER_ATTRIBUTES = [
    'style="background:url(javascript:alert(1))"',
    'style="width:expression(alert(1))"',
    'style="color:red"',
    'formaction="javascript:alert(1)"',
    'action="javascript:alert(1)"',
    'srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"',
    'href="javascript:alert(1)"',
    'href="/ok"',  # a URL on a non-link: links have their own syntax
    'src="javascript:alert(1)"',
    'xlink:href="javascript:alert(1)"',
    'srcset="javascript:alert(1) 1x"',
    'poster="javascript:alert(1)"',
    'background="javascript:alert(1)"',
    'data="javascript:alert(1)"',
    'data-x="1"',
    "autofocus",
    'tabindex="1"',
    'contenteditable="true"',
    'target="_blank"',
    'is="x-evil"',
    'slot="x"',
    'popover="auto"',
    'id="a b"',
    'id="1a"',
    'class="x&quot;y"',
    'lang="vi&quot;"',
    'width="100%"',
    "title",  # no value
]
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def dangerous_url(value: str) -> bool:
    """How a browser reads a URL (WHATWG): leading and trailing C0 controls and spaces
    stripped, tab/LF/CR removed anywhere, then a scheme of ASCII letters, digits, + - .
    Percent-encoding is never decoded in the scheme."""
    text = value.strip("".join(map(chr, range(0x21)))).translate({9: None, 10: None, 13: None})
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    return bool(scheme) and scheme.group(1).lower() not in SAFE_SCHEMES


class Attributes(HTMLParser):
    """Every (tag, attribute, decoded value) of a fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.found += [(tag, name, value or "") for name, value in attrs]


def hostile(html: str) -> list[tuple[str, str, str]]:
    return [
        (tag, name, value)
        for tag, name, value in Attributes(html).found
        if name.startswith("on") or dangerous_url(value) or name not in ALLOWED_OUT
    ]


# What a rendered lesson may hold (the dialect's own output included).
ALLOWED_OUT = {"id", "class", "lang", "title", "alt", "width", "height", "href", "src"}
ALLOWED_OUT |= {"scope", "style", "open", "type", "name", "checked", "for", "data-tabs"}


def unfiltered(text: str) -> str:
    """The same dialect with none of our filters: the negative control."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return md.convert(text)


def render(text: str) -> tuple[str, list]:
    renderer = LessonRenderer({})
    renderer.md.reset()
    html = renderer.md.convert(text)
    return html, list(renderer.dropped)


# -- 1. Attributes ---------------------------------------------------------------------


def test_every_event_handler_in_every_case_is_dropped_from_every_element() -> None:
    names = [spelled for name in EVENT_HANDLERS for spelled in spellings(name)]
    blocks = []
    for name in names:
        blocks += [
            f'para\n{{: {name}="alert(1)" }}',
            f"## H {name} {{: {name}=alert(1) }}",
            f"[a](/x){{: {name}='alert(1)' }} ![i](/i.png){{: #ok {name}=alert(1) }}",
            f"*em*{{: .c {name}=alert(1) }}",
        ]
    text = "\n\n".join(blocks)
    html, dropped = render(text)
    assert hostile(html) == []
    assert len(dropped) == 5 * len(names)
    assert {d.name for d in dropped} == set(names)
    # Negative control: without the filter every one of them reaches the page.
    raw = {name for _tag, name, _value in Attributes(unfiltered(text)).found}
    assert {n.lower() for n in names} <= raw


@pytest.mark.parametrize("attribute", OTHER_ATTRIBUTES)
def test_other_dangerous_attributes_are_dropped(attribute: str) -> None:
    text = f"para\n{{: {attribute} }}\n\n[a](/x){{: {attribute} }}"
    html, dropped = render(text)
    assert hostile(html) == []
    assert html == '<p>para</p>\n<p><a href="/x">a</a></p>'
    assert len(dropped) == 2


def test_allowed_attributes_are_kept() -> None:
    text = (
        'Đoạn\n{: #muc-1 .ghi-chu .to lang="vi" title="Chú ý" }\n\n'
        "![Ảnh](/a.png){: width=320 height=200 }"
    )
    html, dropped = render(text)
    assert dropped == []
    assert html == (
        '<p class="ghi-chu to" id="muc-1" lang="vi" title="Chú ý">Đoạn</p>\n'
        '<p><img alt="Ảnh" height="200" src="/a.png" width="320" /></p>'
    )


FENCES = [
    # (fence, what pymdownx alone writes into the page unescaped)
    ("```{.python data-x='\"><img src=x onerror=alert(1)>'}\ncode\n```", "<img src=x"),
    ('```{.python #a"/contenteditable}\ncode\n```', 'id="a"/contenteditable"'),
    ('```{.python .a"/autofocus/x}\ncode\n```', 'class="a"/autofocus/x'),
    ('```{.python onclick="alert(1)" style="x"}\ncode\n```', None),  # dropped by pygments
]


@pytest.mark.parametrize(("fence", "escaped"), FENCES)
def test_code_fence_attributes_cannot_break_out(fence: str, escaped: str | None) -> None:
    html, dropped = render(fence)
    assert hostile(html) == [] and "<img" not in html
    assert html.startswith("<p><code>")  # not a fence: shown as text
    assert dropped
    if escaped:  # negative control: pymdownx alone lets the payload out
        assert escaped in unfiltered(fence) and hostile(unfiltered(fence))


def test_plain_code_fences_and_their_options_still_work() -> None:
    html, dropped = render('```python title="Ví dụ" hl_lines="1"\nprint(1)\n```')
    assert dropped == [] and 'class="filename">Ví dụ<' in html and 'class="hll"' in html
    html, dropped = render("``` {.python}\nx\n```")
    assert dropped == [] and 'class="highlight"' in html


# -- 2. URLs -----------------------------------------------------------------------------

JS = "alert(1)"
BAD_URLS = [
    f"javascript:{JS}",
    f"JaVaScRiPt:{JS}",
    f"<javascript:{JS}>",
    f"< javascript:{JS}>",
    f"\x01javascript:{JS}",
    f"java\tscript:{JS}",
    f"java\x00script:{JS}",
    f"java&#x09;script:{JS}",
    f"java&#9;script:{JS}",
    f"java&#x0A;script:{JS}",
    f"jav&#x0D;ascript:{JS}",
    f"jav&Tab;ascript:{JS}",
    f"jav&NewLine;ascript:{JS}",
    f"&#106;avascript:{JS}",
    f"&#x6A;avascript:{JS}",
    f"&#X6a;avascript:{JS}",
    f"&#0000106;avascript:{JS}",
    f"&#106avascript:{JS}",
    f"&#x6A&#x61vascript:{JS}",
    f"javascript&colon;{JS}",
    f"javascript&#58;{JS}",
    f"javascript&#x3a;{JS}",
    f"&#x20;javascript:{JS}",
    f"&#1;javascript:{JS}",
    f"&amp;#106;avascript:{JS}",  # decoded twice by nobody; refused all the same
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "file:///etc/passwd",
    "blob:https://example.com/1",
    "livescript:alert(1)",
    "//evil.example/x",
    "/\\evil.example/x",
    r"\\\\evil.example/x",  # a Markdown escape each: \\evil.example, read as //
]
GOOD_URLS = [
    "https://chinhphu.vn/",
    "http://example.com/a?b=1&amp;c=2",
    "mailto:cong-an@example.vn",
    "tel:113",
    "/van-ban/",
    "../bai-hoc/",
    "#dau-hieu",
    "?trang=2",
    # Not a scheme for any browser ("%" cannot start one): a relative path, kept.
    f"%6Aavascript:{JS}",
]


def _forms(url: str) -> list[str]:
    """A URL as a link, an image, a reference link and a reference image."""
    dest = url[1:-1] if url.startswith("<") else url
    target = f"<{dest}>" if url.startswith("<") or re.search(r"[\s()<>]", dest) else dest
    forms = [f"[bấm]({target})", f"![ảnh]({target})"]
    if not target.startswith("<"):  # a reference definition takes no <…> with spaces
        forms += [f"[bấm][r]\n\n[r]: {target}", f"![ảnh][r]\n\n[r]: {target}"]
    return forms


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_urls_are_dropped_in_links_images_and_references(url: str) -> None:
    for form in _forms(url):
        html, dropped = render(form)
        parsed = Attributes(html)
        assert {"a", "img"} & set(parsed.tags), (form, html)  # it was read as a link
        assert hostile(html) == [], (form, html)
        assert not [v for _t, n, v in parsed.found if n in ("href", "src")], (form, html)
        assert [(d.kind, d.value) for d in dropped] == [("url", dropped[0].value)], form


def test_bad_urls_reach_the_page_without_the_filter() -> None:
    """Negative control for the oracle and the spellings: unfiltered, a browser would
    run or load most of them."""
    reached = [url for url in BAD_URLS if hostile(unfiltered(_forms(url)[0]))]
    assert len(reached) >= 25, reached


@pytest.mark.parametrize("url", GOOD_URLS)
def test_good_urls_are_kept(url: str) -> None:
    for form in _forms(url):
        html, dropped = render(form)
        assert dropped == [], (form, dropped)
        assert [n for _t, n, _v in Attributes(html).found if n in ("href", "src")], html


def test_autolinks_and_raw_html() -> None:
    html, dropped = render("<https://example.vn/> <cong-an@example.vn> <javascript:alert(1)>")
    assert dropped == [] and hostile(html) == []
    assert 'href="https://example.vn/"' in html and "&lt;javascript:alert(1)&gt;" in html
    assert "mailto:" in Attributes(html).found[1][2]  # the e-mail link, entity-encoded
    html, dropped = render('<a href="javascript:alert(1)">x</a> <svg onload=alert(1)>')
    assert Attributes(html).found == [] and "&lt;svg onload=alert(1)&gt;" in html


# -- validate names what it drops ------------------------------------------------------


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


def edit(data: Path, old: str, new: str, name: str = "mau.md") -> None:
    path = data / "lessons" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


URL_HINT = (
    " — Cách sửa: chỉ dùng địa chỉ bắt đầu bằng https://, http://, mailto:, tel:, một "
    "đường dẫn trong trang (/…) hoặc một neo (#…); không dùng javascript:, vbscript:, data:, "
    "file: (kể cả viết bằng mã &#…;) và không viết tắt bằng //"
)
ATTRIBUTE_HINT = (
    " — Cách sửa: bài học chỉ đặt được các thuộc tính id, class, lang, title, alt, width, "
    "height (id và class viết bằng chữ không dấu, chữ số, dấu gạch); không dùng thuộc tính "
    "sự kiện (on…), style, data-…, địa chỉ, và không gắn {…} vào dòng mở khối mã ```"
)


def test_validate_names_each_dropped_attribute_and_url_with_its_line(package) -> None:
    edit(
        package,
        "## Dấu hiệu\n",
        '## Dấu hiệu\n\nĐoạn một.\n{: onload="alert(1)" }\n\n'
        "[x](&#106;avascript:alert(1)) và [y](java&#x09;script:alert(2))\n\n"
        "![ảnh][r]\n\n[r]: data:text/html;base64,PHNjcmlwdD4=\n\n"
        "Đoạn hai.\n{: .dep OnClick='alert(3)' style=\"color:red\" }\n\n"
        "```{.python data-x='\"><img src=x onerror=alert(4)>'}\nx\n```\n",
    )
    edit(package, "    - [ ] Im lặng", "    - [ ] [Im lặng](vbscript:msgbox(1))")
    found = lines(package)
    where = "lessons/mau.md"
    attribute = "không được dùng trong bài học, nên đã bị bỏ khỏi trang [lesson-attribute]"
    url = "không được dùng trong bài học, nên liên kết hoặc hình đã bị bỏ [lesson-url]"
    assert found == [
        f"{where}:16: lỗi: thuộc tính “onload=alert(1)” {attribute}{ATTRIBUTE_HINT}",
        f"{where}:18: lỗi: địa chỉ “&#106;avascript:alert(1)” {url}{URL_HINT}",
        f"{where}:18: lỗi: địa chỉ “java&#x09;script:alert(2)” {url}{URL_HINT}",
        f"{where}:22: lỗi: địa chỉ “data:text/html;base64,PHNjcmlwdD4=” {url}{URL_HINT}",
        f"{where}:25: lỗi: thuộc tính “OnClick=alert(3)” {attribute}{ATTRIBUTE_HINT}",
        f"{where}:25: lỗi: thuộc tính “style=color:red” {attribute}{ATTRIBUTE_HINT}",
        f'{where}:27: lỗi: thuộc tính “data-x="><img src=x onerror=alert(4)>” {attribute}'
        f"{ATTRIBUTE_HINT}",
        f"{where}:54: lỗi: địa chỉ “vbscript:msgbox(1)” {url}{URL_HINT}",  # in the quiz
    ]
    # The rendering's verdict is kept by the lesson's source: a new process (the in-process
    # memo cleared) gives the same lines without rendering the lesson; --no-cache renders it.
    renders: list[str] = []
    real = lessons_module.LessonRenderer.body

    def counting(self: Any, lesson: Any) -> Any:
        renders.append(lesson.slug)
        return real(self, lesson)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lessons_module.LessonRenderer, "body", counting)
        lessons_module._LAST.clear()
        kept = [p.line() for p in validate_package(Path(".")).problems]
        lessons_module._LAST.clear()
        assert [p.line() for p in validate_package(Path(".")).problems] == kept
        assert found == [line for line in kept if line.startswith(where)]
        assert renders.count("mau") == 1  # the first cached run rendered it, the second not
        lessons_module._LAST.clear()
        validate_package(Path("."), use_cache=False)  # control: --no-cache renders again
        assert renders.count("mau") == 2


# -- 3. Control characters ---------------------------------------------------------------

CONTROL_HINT = (
    " — Cách sửa: xóa ký tự này (thường lẫn vào khi chép từ tệp khác); nếu không thấy, "
    "hãy gõ lại cả dòng"
)


def _control(where: str, row: int, char: str) -> str:
    return (
        f"{where}:{row}: lỗi: dòng có ký tự điều khiển {char} (không nhìn thấy, không in ra "
        f"được) [lesson-control-character]{CONTROL_HINT}"
    )


@pytest.mark.parametrize(
    ("old", "new", "row", "char"),
    [
        ('title: "Bài mẫu:', 'title: "Bài\x00 mẫu:', 2, "U+0000"),  # front matter
        ("Mở đầu có", "Mở\x00 đầu có", BODY_LINE, "U+0000"),  # body
        ("- [x] Báo Công an", "- [x] Báo Công\x00 an", 37, "U+0000"),  # quiz
    ],
)
def test_control_characters_are_refused_by_validate_and_build(
    package, tmp_path, old: str, new: str, row: int, char: str
) -> None:
    edit(package, old, new)
    expected = _control("lessons/mau.md", row, char)
    validate = subprocess.run(
        [str(ANTQ), "validate", "."], capture_output=True, text=True, check=False
    )
    assert validate.returncode == 1, validate.stderr
    assert expected in validate.stdout.splitlines() + validate.stderr.splitlines()
    assert "Traceback" not in validate.stdout + validate.stderr
    out = tmp_path / "public"
    args = ["build", "--data", ".", "--out", str(out), "--site", str(ROOT / "site")]
    build = subprocess.run([str(ANTQ), *args], capture_output=True, text=True, check=False)
    assert build.returncode == 1, build.stdout + build.stderr
    assert expected in build.stdout.splitlines() + build.stderr.splitlines()
    assert "Traceback" not in build.stdout + build.stderr
    assert not (out / "bai-hoc/mau/index.html").exists()


@pytest.mark.parametrize(
    "char", ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]
)
def test_every_kind_of_control_character_is_named(package, char: str) -> None:
    edit(package, "Mở đầu có", f"Mở{char} đầu có")
    assert lines(package) == [_control("lessons/mau.md", BODY_LINE, f"U+{ord(char):04X}")]


def test_tab_and_crlf_are_not_control_characters(package) -> None:
    path = package / "lessons" / "mau.md"
    text = path.read_text(encoding="utf-8").replace("Mở đầu có", "Mở\tđầu có")
    path.write_bytes(text.replace("\n", "\r\n").encode())
    assert lines(package) == []


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "topics: " + "[" * 5000 + "]" * 5000,
            "lessons/mau.md:4: lỗi: phần đầu bài học (giữa hai dòng ---) không đọc được: ",
        ),
        (
            "topics: [lua-dao-qua-mang]\ngrades: [thcs, \ufffe]",
            "lessons/mau.md:5: lỗi: phần đầu bài học (giữa hai dòng ---) không đọc được: có ký "
            "tự không dùng được U+FFFE [lesson-front-matter]",
        ),
        (
            "topics: [[lua-dao-qua-mang, [x]]]",
            "lessons/mau.md:4 (topics): lỗi: giá trị “[…]” không phải danh sách mã [type-error]",
        ),
    ],
)
def test_odd_front_matter_gives_a_line_not_a_traceback(package, front, expected) -> None:
    edit(package, "topics: [lua-dao-qua-mang]\ngrades: [thcs, nguoi_lon]", front)
    found = lines(package)
    assert any(line.startswith(expected) for line in found), found


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("grades", "giá trị “[…]” không phải danh sách mã [type-error] — Cách sửa: ghi [mã, mã]"),
        ("reading_time", "giá trị “[…]” không phải số nguyên [type-error]"),
        ("updated", "giá trị “[…]” không phải ngày [type-error]"),
    ],
)
def test_a_yaml_alias_bomb_is_refused_quickly(package, key: str, expected: str) -> None:
    """Before: 9 levels of 9 aliases were turned into text (9^9 items): 14 GB, no end."""
    bomb = "topics: &a0 [lua-dao-qua-mang]\n"
    bomb += "".join(f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
    bomb += "grades: [thcs]"
    front = "topics: [lua-dao-qua-mang]\ngrades: [thcs, nguoi_lon]"
    if key != "grades":
        edit(package, f"{key}: ", f"{key}: *a9 # ")  # the old value becomes a comment
    else:
        bomb = bomb.replace("x9: &a9", "grades: &a9").replace("\ngrades: [thcs]", "")
    edit(package, front, bomb)
    found = lines(package)
    assert any(line.endswith(expected) or expected in line for line in found), found


# -- 4. File names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "..md",
            "lessons/..md: lỗi: tên tệp bài học “..md” không dùng được làm địa chỉ trang "
            "[lesson-file-name] — Cách sửa: đổi tên tệp thành “ten-bai-hoc.md”: chỉ chữ "
            "thường không dấu, chữ số và dấu gạch ngang",
        ),
        ("—.md", "lessons/—.md: lỗi: tên tệp bài học “—.md” không dùng được"),
        ("Mau.md", "Cách sửa: đổi tên tệp thành “mau.md”"),
        ("bài-học.md", "Cách sửa: đổi tên tệp thành “bai-hoc.md”"),
        ("ma\u200btuy.md", "Cách sửa: đổi tên tệp thành “ma-tuy.md”"),
        ("a b.md", "Cách sửa: đổi tên tệp thành “a-b.md”"),
        (
            "chu-de.md",
            "lessons/chu-de.md: lỗi: tên tệp bài học “chu-de.md” trùng với mục "
            "“/bai-hoc/chu-de/” của thư viện bài học [lesson-file-name-reserved] — Cách sửa: "
            "đặt tên khác cho tệp, ví dụ “chu-de-bai-hoc.md”",
        ),
        ("danh-cho.md", "[lesson-file-name-reserved]"),
    ],
)
def test_lesson_file_names_must_be_slugs(package, name: str, expected: str) -> None:
    shutil.copy(LESSON, package / "lessons" / name)
    found = lines(package)
    assert any(line.startswith(expected) or expected in line for line in found), found


def test_a_dot_named_lesson_cannot_overwrite_the_library_index(package, tmp_path) -> None:
    """Before: `..md` has the stem ".", its page /bai-hoc/./ was /bai-hoc/index.html."""
    shutil.copy(LESSON, package / "lessons" / "..md")
    from generator.build import BuildError

    with pytest.raises(BuildError) as err:
        build_site(BuildOptions(data_dir=package, out_dir=tmp_path / "o", site_dir=ROOT / "site"))
    assert any("[lesson-file-name]" in line for line in err.value.lines)


def test_a_lesson_named_like_a_library_template_gets_the_lesson_template(package, tmp_path) -> None:
    """Before: the lesson `the.md` looked for `bai-hoc-the.html` first, the card partial."""
    for name in ("the", "danh-sach", "loc"):
        shutil.copy(LESSON, package / "lessons" / f"{name}.md")
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=package, out_dir=out, site_dir=ROOT / "site"))
    for name in ("the", "danh-sach", "loc", "mau"):
        page = (out / f"bai-hoc/{name}/index.html").read_text(encoding="utf-8")
        assert '<summary data-pagefind-ignore="all">Xem đáp án</summary>' in page, (
            name
        )  # the quiz: a lesson page


# -- In Chromium, without a CSP (a teacher's offline copy) --------------------------------

MARKER = "CHO-THU-BAI-HOC"
PAYLOAD = "\n\n".join(
    [
        "![ảnh](/khong-co.png){: onerror=\"alert('onerror')\" }",
        "Đoạn có tiêu điểm.\n{: tabindex=1 autofocus onfocus=\"alert('onfocus')\" }",
        "[một](javascript:alert(1)) [hai](&#106;avascript:alert(2)) "
        "[ba](java&#x09;script:alert(3)) [bốn](jav&NewLine;ascript:alert(4)) "
        "[năm](javascript&colon;alert(5)) [sáu](&#x6A;avascript:alert(6))",
        "[bảy][r]\n\n[r]: &#0000106;avascript:alert(7)",
        '```{.python data-x=\'"><img src=x onerror=alert("fence")>\'}\nx\n```',
        *(f'Đoạn {name}.\n{{: {name}="alert(1)" }}' for name in EVENT_HANDLERS),
    ]
)
_DOM = """() => {
  const handlers = [];
  const urls = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) if (a.name.startsWith('on')) handlers.push(a.name);
    if (el.href !== undefined && typeof el.href === 'string' && el.getAttribute('href'))
      urls.push(new URL(el.href).protocol);
    if (el.tagName === 'IMG' && el.getAttribute('src')) urls.push(new URL(el.src).protocol);
  }
  const names = new Set();
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  for (const o of [window, document, document.body, document.createElement('video'), svg])
    for (const k in o) if (k.startsWith('on')) names.add(k);
  return {handlers, urls, names: [...names]};
}"""


def _visit(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    from .browser import block_external, launch

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            context = browser.new_context()
            block_external(context)
            page = context.new_page()
            fired: list[str] = []
            page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
            page.goto(url)
            page.wait_for_timeout(300)
            dom = page.evaluate(_DOM)
            for link in page.locator("#thu a").all():
                if link.is_visible():
                    link.click(no_wait_after=True, timeout=2000)
                    page.wait_for_timeout(50)
                    if page.url != url:
                        page.goto(url)
            return {"fired": fired, **dom}
        finally:
            browser.close()


@pytest.mark.browser
def test_hostile_lesson_is_inert_in_chromium_without_csp(package, tmp_path) -> None:
    from generator.pages.lessons import LessonDoc

    from .test_xss_browser import _plain_server

    edit(package, "Mở đầu có", f"{MARKER}\n\nMở đầu có")
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=package, out_dir=out, site_dir=ROOT / "site"))
    page = out / "bai-hoc/mau/index.html"
    built = page.read_text(encoding="utf-8")
    assert f"<p>{MARKER}</p>" in built
    # What the build writes for this body (validation would refuse it first), and,
    # as the negative control, the same dialect without our filters.
    filtered = LessonDoc({"body": PAYLOAD, "quiz": [], "links": {}}).body
    for name, html in (("loc", str(filtered)), ("tho", unfiltered(PAYLOAD))):
        target = out / f"bai-hoc/{name}/index.html"
        target.parent.mkdir()
        target.write_text(
            built.replace(f"<p>{MARKER}</p>", f'<div id="thu">{html}</div>', 1), encoding="utf-8"
        )
    httpd = _plain_server(out)
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}/bai-hoc"
        clean = _visit(f"{base}/loc/")
        control = _visit(f"{base}/tho/")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert clean["fired"] == [] and clean["handlers"] == []
    assert set(clean["urls"]) <= {"http:", "https:", "mailto:", "tel:"}, clean["urls"]
    # Negative control: unfiltered, the payloads run and the handlers are there.
    assert {"onerror", "onfocus", "fence", "1", "2", "3", "4", "5", "6", "7"} <= set(
        control["fired"]
    ), control["fired"]
    assert len(control["handlers"]) >= len(EVENT_HANDLERS)
    assert "javascript:" in control["urls"]
    # Every event handler Chromium knows is in our list (so the list is complete).
    assert sorted(set(clean["names"]) - set(EVENT_HANDLERS)) == [], " ".join(
        sorted(set(clean["names"]) - set(EVENT_HANDLERS))
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{value: hoa-giai, label: Hòa giải ở cơ sở}",
            '{value: "..", label: Hòa giải ở cơ sở}',
            "schemas/lesson.yaml:{line} (topics): lỗi: mã “..” không cho được địa chỉ trang riêng "
            "(/bai-hoc/chu-de//) [lesson-category-slug] — Cách sửa: dùng mã bằng chữ thường "
            "không dấu, chữ số và dấu gạch ngang, mỗi mã một địa chỉ",
        ),
        (
            "{value: thpt, label:",
            "{value: THCS, label:",
            "schemas/lesson.yaml:{line} (grades): lỗi: mã “THCS” không cho được địa chỉ trang "
            "riêng (/bai-hoc/danh-cho/thcs/, trùng với mã “thcs”) [lesson-category-slug]",
        ),
    ],
)
def test_topic_and_grade_codes_must_give_pages_of_their_own(package, old, new, expected) -> None:
    """Before: a topic code ".." made the page /bai-hoc/chu-de/../, and "THCS" beside
    "thcs" wrote two grade pages to one file."""
    path = package / "schemas" / "lesson.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    where = text[: text.index(old)].count("\n") + 1  # the line the schema holds the code on
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = lines(package)
    assert any(line.startswith(expected.format(line=where)) for line in found), found


def test_topic_pages_use_the_code_as_its_url_part(package, tmp_path) -> None:
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=package, out_dir=out, site_dir=ROOT / "site"))
    page = (out / "bai-hoc/mau/index.html").read_text(encoding="utf-8")
    assert 'href="/bai-hoc/chu-de/lua-dao-qua-mang/"' in page
    assert 'href="/bai-hoc/danh-cho/nguoi-lon/"' in page
    assert (out / "bai-hoc/danh-cho/nguoi-lon/index.html").exists()
