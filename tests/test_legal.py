"""Law in force, computed (issue 14, item 1): generator/legal.py and what it drives.

The status follows from the dates at the build's date; validation warns about citations
not in force (judged today for lessons, models and recurring events, at the record's own
date for assessments and awards); `--allow-lapsed-law` keeps a midnight lapse from
stopping a strict scheduled build; pages link both ways; TT 124 checks. Each check has a
negative control: the same data a day earlier (or correct) gives no warning.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generator import legal
from generator.build import BuildError, BuildOptions, build_site
from generator.data.records import LegalDocument
from generator.data.validate import run_cli, validate_package

ROOT = Path(__file__).resolve().parents[1]
LAPSE = date(2026, 7, 1)  # Luật An ninh mạng 24/2018/QH14 → 116/2025/QH15
EVE = date(2026, 6, 30)


def doc(**kw: object) -> LegalDocument:
    values: dict[str, object] = {
        "id": "1/2020/QH14",
        "kind": "luat",
        "system": "quy_pham",
        "title": "Luật thử",
        "issuer": "Quốc hội",
        "issued": date(2020, 1, 1),
        "in_force_from": None,
        "out_of_force_from": None,
        "replaced_by": None,
        "amended_by": None,
        "official_url": None,
    }
    values.update(kw)
    return LegalDocument(**values)  # type: ignore[arg-type]


# -- the status at a date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 6, 30), legal.NOT_YET),  # the day before it takes effect
        (date(2026, 7, 1), legal.IN_FORCE),  # the day it takes effect
        (date(2026, 12, 31), legal.IN_FORCE),  # the last day in force
        (date(2027, 1, 1), legal.OUT),  # the first day out of force
    ],
)
def test_status_at_boundaries(on: date, expected: str) -> None:
    d = doc(in_force_from=date(2026, 7, 1), out_of_force_from=date(2027, 1, 1))
    assert legal.status(d, on) == expected
    assert legal.applies(d, on) is (expected == legal.IN_FORCE)


def test_blank_in_force_date_means_the_issue_date() -> None:
    d = doc(issued=date(2025, 3, 14))
    assert legal.status(d, date(2025, 3, 13)) == legal.NOT_YET
    assert legal.status(d, date(2025, 3, 14)) == legal.IN_FORCE


def test_party_document_has_no_legal_status() -> None:
    d = doc(id="44-KL/TW", kind="ket_luan", system="dang")
    assert legal.status(d, date(2026, 12, 3)) is None
    assert legal.status_label(d, date(2026, 12, 3)) is None
    assert legal.applies(d, date(2026, 12, 3))
    # Negative control: the same document as a legal normative one has a status.
    assert legal.status_label(doc(system="quy_pham"), date(2026, 12, 3)) == "Còn hiệu lực"
    assert legal.status_label(doc(system="hanh_chinh"), date(2026, 12, 3)) == "Đang áp dụng"


def test_replacement_chain_and_loop() -> None:
    a = doc(id="A", out_of_force_from=date(2020, 6, 1), replaced_by="B")
    b = doc(
        id="B", in_force_from=date(2020, 6, 1), out_of_force_from=date(2024, 1, 1), replaced_by="C"
    )
    c = doc(id="C", in_force_from=date(2024, 1, 1))
    docs = {d.id: d for d in (a, b, c)}
    assert legal.current_replacement("A", docs, date(2021, 1, 1)).id == "B"  # type: ignore[union-attr]
    assert legal.current_replacement("A", docs, date(2025, 1, 1)).id == "C"  # type: ignore[union-attr]
    looped = {"A": doc(id="A", replaced_by="B"), "B": doc(id="B", replaced_by="A")}
    assert legal.current_replacement("A", looped, date(2025, 1, 1)).id == "B"  # type: ignore[union-attr]


def test_sample_rows_follow_the_law_in_force() -> None:
    """The bundled table: the facts of data/sources/phap-luat-2026.md, at December 2026."""
    from generator.data.load import read_package

    docs = {d.id: d for d in read_package(ROOT / "data").legal_documents}
    today = date(2026, 12, 3)
    for old, new, since in [
        ("24/2018/QH14", "116/2025/QH15", date(2026, 7, 1)),
        ("13/2023/NĐ-CP", "356/2025/NĐ-CP", date(2026, 1, 1)),
        ("73/2021/QH14", "120/2025/QH15", date(2026, 7, 1)),
        ("41/2019/QH14", "127/2025/QH15", date(2026, 7, 1)),
        ("29/2018/QH14", "117/2025/QH15", date(2026, 3, 1)),
        ("06/2008/PL-UBTVQH12", "30/2023/QH15", date(2024, 7, 1)),
    ]:
        assert docs[old].replaced_by == new and docs[old].out_of_force_from == since, old
        assert docs[new].in_force_from == since, new
        assert legal.status(docs[old], today) == legal.OUT, old
        assert legal.status(docs[new], today) == legal.IN_FORCE, new
        eve = date.fromordinal(since.toordinal() - 1)
        assert legal.status(docs[old], eve) == legal.IN_FORCE, old  # negative control
        assert legal.status(docs[new], eve) == legal.NOT_YET, new
    for missing_on_main in (
        "118/2025/QH15",
        "86/2025/QH15",
        "173/2024/QH15",
        "371/2025/NĐ-CP",
        "07/CTrPH-BCA-MTTW",
        "09/CTr-BCA-MTTW",
        "09/CT-BCA-V28",
        "11/CT-BCA-V05",
        "51-NQ/TW",
        "23/2012/TT-BCA",
    ):
        assert missing_on_main in docs, missing_on_main
    assert docs["30/2023/QH15"].amended_by == "118/2025/QH15"
    assert docs["100/2015/QH13"].amended_by == "86/2025/QH15"
    assert docs["124/2021/TT-BCA"].amended_by == "48/2025/TT-BCA"
    assert docs["124/2021/TT-BCA"].replaced_by is None  # amended, not replaced
    for party in ("44-KL/TW", "09-CT/TW", "51-NQ/TW"):
        assert docs[party].system == "dang" and legal.status(docs[party], today) is None


def test_messages_cite_only_law_in_force() -> None:
    """The catalogue's hints name documents; each must be in the table and in force."""
    import re

    from generator.data.load import read_package
    from generator.data.messages_vi import CATALOGUE

    docs = {d.id: d for d in read_package(ROOT / "data").legal_documents}
    number = re.compile(r"\b\d{1,4}/\d{4}/(?:QH\d\d|NĐ-CP|TT-BCA|QĐ-TTg)\b")
    cited = {m for e in CATALOGUE.values() for m in number.findall(f"{e.message} {e.hint or ''}")}
    assert {"91/2025/QH15", "356/2025/NĐ-CP"} <= cited
    stale = [
        c for c in sorted(cited) if c not in docs or not legal.applies(docs[c], date(2026, 12, 3))
    ]
    assert stale == []
    # Negative control: the old hint's document is caught.
    assert not legal.applies(docs["13/2023/NĐ-CP"], date(2026, 12, 3))


def test_no_cong_an_vien_in_data_or_templates() -> None:
    """The role ended with Luật 30/2023/QH15 (01/7/2024): data, templates and shared text
    name the Tổ bảo vệ an ninh, trật tự ở cơ sở instead."""
    places = [*(ROOT / "data").glob("*.csv"), *(ROOT / "site/templates").glob("*.html")]
    places += [ROOT / "generator/data/messages_vi.py"]
    found = [p.name for p in places if "công an viên" in p.read_text(encoding="utf-8").lower()]
    assert found == []
    assert (
        "tổ bảo vệ an ninh, trật tự ở cơ sở"
        in (ROOT / "data/models.csv").read_text(encoding="utf-8").lower()
    )


# -- validation ----------------------------------------------------------------------------------

EXTRA_DOCS = (
    "24/2018/QH14,luat,quy_pham,Luật An ninh mạng,Quốc hội,2018-06-12,2019-01-01,2026-07-01,"
    "116/2025/QH15,,\n"
    "116/2025/QH15,luat,quy_pham,Luật An ninh mạng,Quốc hội,2025-12-10,2026-07-01,,,,\n"
    '15/2003/QH11,luat,quy_pham,"Luật Thi đua, khen thưởng",Quốc hội,2003-11-26,2004-07-01,'
    "2024-01-01,06/2022/QH15,,\n"
    '06/2022/QH15,luat,quy_pham,"Luật Thi đua, khen thưởng",Quốc hội,2022-06-15,2024-01-01,,,,\n'
)

LESSON = """---
title: "Bài thử: an ninh mạng"
summary: "Bài học thử."
topics: [an-ninh-mang]
grades: [thcs]
legal_documents: ["{doc}"]
updated: 2025-10-15
reading_time: 3
---

Theo [Luật An ninh mạng](legal:{doc}).

## Tự kiểm tra

1. Luật nào đang có hiệu lực?
    - [x] Luật An ninh mạng
    - [ ] Không luật nào

    > Giải thích: xem văn bản được trích.
"""


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(ROOT / "site", target)
    return target


@pytest.fixture
def package(make_package) -> Path:
    data = make_package()
    with (data / "legal_documents.csv").open("a", encoding="utf-8") as fh:
        fh.write(EXTRA_DOCS)
    (data / "lessons").mkdir(exist_ok=True)
    (data / "lessons" / "an-ninh-mang-thu.md").write_text(
        LESSON.format(doc="24/2018/QH14"), encoding="utf-8"
    )
    return data


def codes(data: Path, on: date) -> list[tuple[str, str]]:
    result = validate_package(data, use_cache=False, on=on)
    return [(p.code, p.message) for p in result.problems if p.code.startswith(("legal-", "tt124"))]


def test_lesson_citing_lapsed_law_warns_from_the_day_it_lapses(package: Path) -> None:
    assert codes(package, EVE) == []  # negative control: the day before
    found = codes(package, LAPSE)
    assert [c for c, _ in found] == ["legal-out-of-force"]
    result = validate_package(package, use_cache=False, on=LAPSE)
    line = next(p.line() for p in result.problems if p.code == "legal-out-of-force")
    assert "an-ninh-mang-thu.md:6" in line and "24/2018/QH14" in line
    assert "116/2025/QH15" in line  # names the replacement
    # Citing the new law: nothing on the lapse day, "not yet" the day before.
    lesson = package / "lessons" / "an-ninh-mang-thu.md"
    lesson.write_text(LESSON.format(doc="116/2025/QH15"), encoding="utf-8")
    assert codes(package, LAPSE) == []
    assert [c for c, _ in codes(package, EVE)] == ["legal-not-yet-in-force"]


def test_model_citing_lapsed_law_warns(package: Path) -> None:
    models = package / "models.csv"
    text = models.read_text(encoding="utf-8")
    models.write_text(text.replace(",06/2014/NĐ-CP,", ",24/2018/QH14,", 1), encoding="utf-8")
    (package / "lessons" / "an-ninh-mang-thu.md").unlink()
    assert codes(package, EVE) == []
    found = validate_package(package, use_cache=False, on=LAPSE).problems
    lines = [p.line() for p in found if p.code == "legal-out-of-force"]
    assert len(lines) == 1 and "models.csv:2:I (legal_basis)" in lines[0], lines
    assert "116/2025/QH15" in lines[0]


def test_records_are_judged_at_their_own_date(package: Path) -> None:
    """An award citing the law in force on its date is right forever; one citing a law
    already replaced (or not yet in force) then is flagged, whatever the build's date."""
    (package / "lessons" / "an-ninh-mang-thu.md").unlink()
    awards = package / "awards.csv"
    rows = awards.read_text(encoding="utf-8").splitlines()
    header, first = rows[0], rows[1].split(",")
    assert header.endswith(",legal_basis")
    date_col = header.split(",").index("decision_date")
    when = first[date_col]
    assert when  # the fixture's first award has a decision date
    right = "15/2003/QH11" if when < "2024-01-01" else "06/2022/QH15"
    wrong = "06/2022/QH15" if when < "2024-01-01" else "15/2003/QH11"
    far_future = date(2040, 1, 1)
    rows[1] = ",".join([*first[:-1], right])
    awards.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert codes(package, far_future) == []  # negative control: right then, right now
    rows[1] = ",".join([*first[:-1], wrong])
    awards.write_text("\n".join(rows) + "\n", encoding="utf-8")
    expected = "legal-not-yet-in-force" if when < "2024-01-01" else "legal-superseded"
    assert [c for c, _ in codes(package, far_future)] == [expected]


def test_strict_and_allow_lapsed_law(package: Path, monkeypatch, capsys) -> None:
    import generator.data.validate as validate_mod

    real = validate_mod.validate_package

    def on_lapse(root: Path, **kw: object):
        return real(root, **{**kw, "on": LAPSE})  # type: ignore[arg-type]

    monkeypatch.setattr(validate_mod, "validate_package", on_lapse)
    assert run_cli(package, strict=True, use_cache=False) == 1
    assert run_cli(package, strict=True, allow_lapsed_law=True, use_cache=False) == 0
    assert run_cli(package, strict=False, use_cache=False) == 0
    out = capsys.readouterr().out
    assert "[legal-out-of-force]" in out
    # Negative control: --allow-lapsed-law does not excuse other warnings.
    places = package / "places.csv"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("Thôn Nghi Khê", "Trường Mầm non Nghi Khê", 1), encoding="utf-8")
    assessments = package / "assessments.csv"
    assert "hp-tan-ky-thon-nghi-khe" in assessments.read_text(encoding="utf-8")
    kinds = places.read_text(encoding="utf-8").replace(
        "Trường Mầm non Nghi Khê,khu_dan_cu", "Trường Mầm non Nghi Khê,co_so_giao_duc"
    )
    places.write_text(kinds, encoding="utf-8")
    assert run_cli(package, strict=True, allow_lapsed_law=True, use_cache=False) == 1
    assert "[tt124-out-of-scope]" in capsys.readouterr().out


def test_build_strict_on_the_lapse_day(
    package: Path, site_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """A strict build stops on the lapse day unless --allow-lapsed-law; then the lesson page
    says so and the document pages link both ways. The day before: no notice."""
    lapse_epoch = "1782864000"  # 2026-07-01 00:00 UTC
    eve_epoch = str(int(lapse_epoch) - 86400)
    out = tmp_path / "public"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", eve_epoch)
    build_site(BuildOptions(data_dir=package, out_dir=out, site_dir=site_dir, strict=True))
    page = (out / "bai-hoc" / "an-ninh-mang-thu" / "index.html").read_text(encoding="utf-8")
    assert "đã hết hiệu lực" not in page  # negative control
    old = (out / "van-ban" / "24-2018-qh14" / "index.html").read_text(encoding="utf-8")
    assert "Còn hiệu lực" in old
    monkeypatch.setenv("SOURCE_DATE_EPOCH", lapse_epoch)
    with pytest.raises(BuildError) as caught:
        build_site(BuildOptions(data_dir=package, out_dir=out, site_dir=site_dir, strict=True))
    assert any("[legal-out-of-force]" in line for line in caught.value.lines)
    build_site(
        BuildOptions(
            data_dir=package, out_dir=out, site_dir=site_dir, strict=True, allow_lapsed_law=True
        )
    )
    page = (out / "bai-hoc" / "an-ninh-mang-thu" / "index.html").read_text(encoding="utf-8")
    assert "đã hết hiệu lực từ 01/07/2026" in page
    assert 'href="/van-ban/116-2025-qh15/"' in page
    old = (out / "van-ban" / "24-2018-qh14" / "index.html").read_text(encoding="utf-8")
    new = (out / "van-ban" / "116-2025-qh15" / "index.html").read_text(encoding="utf-8")
    assert "Hết hiệu lực" in old and 'href="/van-ban/116-2025-qh15/"' in old
    assert "Còn hiệu lực" in new and 'href="/van-ban/24-2018-qh14/"' in new
    amended = (out / "van-ban" / "124-2021-tt-bca" / "index.html").read_text(encoding="utf-8")
    amending = (out / "van-ban" / "48-2025-tt-bca" / "index.html").read_text(encoding="utf-8")
    assert 'href="/van-ban/48-2025-tt-bca/"' in amended and "Được sửa đổi, bổ sung bởi" in amended
    assert 'href="/van-ban/124-2021-tt-bca/"' in amending and "Sửa đổi, bổ sung" in amending


# -- TT 124 ----------------------------------------------------------------------------------------


def _set_issuer(package: Path, place_id: str, year: str, issuer: str) -> None:
    path = package / "assessments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == place_id and cells[1] == year:
            cells[5] = issuer
            lines[i] = ",".join(cells)
            break
    else:
        raise AssertionError(place_id)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_tt124_xa_by_itself_and_provincial_unit(make_package) -> None:
    data = make_package()
    assert codes(data, date(2026, 12, 3)) == []  # negative control: the fixture is right
    _set_issuer(data, "xa-11113", "2025", "UBND xã Tân Kỳ")
    assert [c for c, _ in codes(data, date(2026, 12, 3))] == ["tt124-xa-by-itself"]
    _set_issuer(data, "xa-11113", "2025", "UBND thành phố Hải Phòng")
    places = data / "places.csv"
    places.write_text(
        places.read_text(encoding="utf-8").replace(
            "Thôn Nghi Khê,khu_dan_cu", "Trường THPT Nghi Khê,co_so_giao_duc"
        ),
        encoding="utf-8",
    )
    found = [c for c, _ in codes(data, date(2026, 12, 3))]
    assert found == ["tt124-provincial-unit"]  # 2025: "UBND xã Tân Kỳ" recognised it
    _set_issuer(data, "hp-tan-ky-thon-nghi-khe", "2025", "UBND thành phố Hải Phòng")
    assert codes(data, date(2026, 12, 3)) == []


def test_tt124_xa_without_model(make_package) -> None:
    data = make_package()
    sites = data / "model_sites.csv"
    lines = sites.read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if ",11113," not in line]
    assert len(kept) < len(lines)
    sites.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert [c for c, _ in codes(data, date(2026, 12, 3))] == ["tt124-xa-without-model"]


def test_bundled_data_has_no_legal_or_tt124_warning(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    assert codes(data, date(2026, 12, 3)) == []


def test_citations_are_judged_again_only_when_what_they_read_changed(
    package: Path, monkeypatch
) -> None:
    """The last judgement is kept (`antq serve` validates again for each edit of another
    table): the same inputs and date judge nothing again; a model's citation changed is
    judged (with the same lessons, documents and date)."""
    from generator import legal

    judged: list[date] = []
    real = legal.undated_problems

    def spy(documents, on, tables, lessons):  # type: ignore[no-untyped-def]
        judged.append(on)
        return real(documents, on, tables, lessons)

    monkeypatch.setattr(legal, "undated_problems", spy)
    (package / "lessons" / "an-ninh-mang-thu.md").unlink()
    assert codes(package, LAPSE) == codes(package, LAPSE) == []
    assert judged == [LAPSE]
    models = package / "models.csv"
    text = models.read_text(encoding="utf-8")
    models.write_text(text.replace(",06/2014/NĐ-CP,", ",24/2018/QH14,", 1), encoding="utf-8")
    assert [c for c, _ in codes(package, LAPSE)] == ["legal-out-of-force"]
    assert judged == [LAPSE, LAPSE]


def test_a_kept_judgement_that_differs_stops_a_checked_build(package: Path, monkeypatch) -> None:
    """Negative control of the kept judgement: kept under a key that forgets the models'
    table, a model's citation changed is missed; ANTQ_CHECK_DEPS=1 judges again and stops."""
    from generator.data import validate as validate_mod

    (package / "lessons" / "an-ninh-mang-thu.md").unlink()
    assert codes(package, LAPSE) == []
    ((key, found),) = validate_mod._LEGAL_MEMO.items()
    monkeypatch.setattr(validate_mod, "_LEGAL_MEMO", _Forgetful({key: found}))
    models = package / "models.csv"
    text = models.read_text(encoding="utf-8")
    models.write_text(text.replace(",06/2014/NĐ-CP,", ",24/2018/QH14,", 1), encoding="utf-8")
    assert codes(package, LAPSE) == []  # stale: the lapsed citation missed
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
    with pytest.raises(RuntimeError, match="judgement of the citations"):
        codes(package, LAPSE)


class _Forgetful(dict):  # type: ignore[type-arg]
    """The memo with keys that ignore what the judgement read of the tables."""

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        return next(iter(self.values()), default)


def _read_back(path: Path) -> tuple[int, tuple[str, ...]]:
    """What the citations' judgement read of a lesson file before the checks kept it: the
    file read again as text, the line of `legal_documents:`, every `legal:ID` link."""
    from generator.lessons import LEGAL_LINK

    source = path.read_text(encoding="utf-8")
    lines = source.split("\n")
    line = next((i for i, t in enumerate(lines, 1) if t.startswith("legal_documents:")), 1)
    return line, tuple(LEGAL_LINK.findall(source))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_lesson_citations_kept_by_the_checks_are_what_the_file_says(
    tmp_path: Path, newline: str, bom: bytes
) -> None:
    """`Lesson.legal_line`/`cited` (found by the checks from the bytes they read) equal a
    read of the file as text, whatever its newlines and BOM; and the warning is located on
    that line in every case."""
    from generator.lessons import _citations

    # The front matter cites the law in force; the body links the lapsed one.
    text = LESSON.format(doc="116/2025/QH15").replace(
        "(legal:116/2025/QH15)", "(legal:24/2018/QH14)"
    )
    path = tmp_path / "bai.md"
    path.write_bytes(bom + text.replace("\n", newline).encode("utf-8"))
    found = _citations(path.read_bytes())
    assert (found["legal_line"], found["cited"]) == _read_back(path) == (6, ("24/2018/QH14",))
    # Negative control: the bytes decoded without universal newlines miss the line of a
    # file whose lines end in a lone CR.
    naive = path.read_bytes().decode("utf-8").split("\n")
    naive_line = next((i for i, t in enumerate(naive, 1) if t.startswith("legal_docu")), 1)
    assert (naive_line == found["legal_line"]) == (newline != "\r")
