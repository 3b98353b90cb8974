"""Fixtures for tests/test_catalogue_lines.py: for each catalogue code, the smallest change to
the good fixture package (or the input of another command) that makes antq print it.

A validation case is a set of edits laid over a copy of tests/fixtures/good/: a path maps to
new text, new bytes, a function of the old text, or None (delete the file). Cases touching
different tables or rows are batched into one validation run (see `BATCHES`), so the whole
catalogue is checked in a few runs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LESSON = (FIXTURES / "lessons" / "mau.md").read_text(encoding="utf-8")

Edit = str | bytes | None | Callable[[str], str]


def sub(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text, f"fixture edit: {old!r} not found"
        return text.replace(old, new, count)

    return apply


def append(extra: str) -> Callable[[str], str]:
    return lambda text: text + extra


@dataclass
class Case:
    edits: dict[str, Edit]
    covers: tuple[str, ...]  # the codes whose exact line this case's run must print
    setup: dict[str, object] = field(default_factory=dict)  # module attributes to patch

    def patch(self, monkeypatch: Any) -> None:
        """Set the module attributes `setup` names (dotted paths) for the test's duration."""
        for target, value in self.setup.items():
            monkeypatch.setattr(target, value)


# -- The descriptor and schemas: each stops the run before the tables are read, one run each.
DESCRIPTOR = "datapackage.yaml"
PLACES_SCHEMA = "schemas/places.yaml"

DESCRIPTOR_CASES: dict[str, Case] = {
    "descriptor-yaml": Case({DESCRIPTOR: "resources: [\n"}, ("descriptor-yaml",)),
    "descriptor-not-mapping": Case({DESCRIPTOR: "- a\n- b\n"}, ("descriptor-not-mapping",)),
    "descriptor-profile": Case(
        {DESCRIPTOR: sub("profiles/2.0/datapackage.json", "profiles/1.0/datapackage.json")},
        ("descriptor-profile",),
    ),
    "descriptor-no-resources": Case(
        {DESCRIPTOR: lambda t: t.split("resources:")[0]}, ("descriptor-no-resources",)
    ),
    "resource-list": Case(
        {
            DESCRIPTOR: append(
                "- just-a-string\n"
                "- title: Không tên\n"
                "  path: x.csv\n"
                "- name: Bang-Moi\n"
                "  path: x.csv\n"
                "- name: units\n"
                "  path: units.csv\n"
                "  encoding: utf-8\n"
                "  schema: schemas/units.yaml\n"
            )
        },
        ("resource-not-mapping", "resource-no-name", "resource-name", "resource-twice"),
    ),
    "resource-keys": Case(
        {
            DESCRIPTOR: lambda t: (
                t.replace("path: events.csv", "path: ../events.csv")
                .replace(
                    "path: model_sites.csv\n  encoding: utf-8",
                    "path: model_sites.csv\n  encoding: latin-1",
                )
                .replace("path: unit_changes.csv", "path: unit_changes.csv\n  colour: red")
                .replace("schema: schemas/awards.yaml", "schema: schemas/khen_thuong.yaml")
            )
        },
        ("resource-path", "resource-encoding", "resource-unknown-key", "schema-missing"),
    ),
    "tables": Case(
        {
            DESCRIPTOR: lambda t: t.replace("- name: events", "- name: su_kien").replace(
                "path: events.csv", "path: su_kien.csv"
            ),
            "events.csv": None,
            "su_kien.csv": (FIXTURES / "good" / "events.csv").read_text(encoding="utf-8"),
            "schemas/su_kien.yaml": (FIXTURES / "good" / "schemas/events.yaml").read_text(
                encoding="utf-8"
            ),
        },
        ("unknown-table", "missing-table"),
    ),
    "schema-yaml": Case({PLACES_SCHEMA: "fields: [\n"}, ("schema-yaml",)),
    "schema-no-fields": Case({PLACES_SCHEMA: "primaryKey: [id]\n"}, ("schema-no-fields",)),
    "schema-keys": Case(
        {
            PLACES_SCHEMA: lambda t: (
                t.replace("x-antq-max-rows: 500000", "x-antq-max-rows: -1")
                .replace("fieldsMatch: equal", "fieldsMatch: equal\nmissingValue: ['-']")
                .replace("primaryKey: [id]", "primaryKey: [ma]")
            )
        },
        ("schema-max-rows", "schema-unknown-key", "primary-key-field"),
    ),
    "fields": Case(
        {
            PLACES_SCHEMA: lambda t: (
                t.replace(
                    "  - name: legacy_unit_code\n",
                    "  - name: legacy_unit_code\n    colour: red\n",
                )
                .replace(
                    "    title: Tên\n    description: Ví dụ",
                    "    title: Tên\n    descripton: Ví dụ",
                )
                .replace(
                    "    floatNumber: true\n    constraints: {minimum: 8.0",
                    "    floatNumber: true\n    constraints: [8.0]\n    limits: {minimum: 8.0",
                    1,
                )
                .replace(
                    "primaryKey: [id]",
                    "  - title: Không tên\n    type: string\n"
                    "  - name: name\n    type: string\n"
                    "  - name: dien_tich\n    type: decimal\n"
                    "  - name: ghi_chu\n    type: string\n    constraints: {requird: true}\n"
                    "primaryKey: [id]",
                )
            )
        },
        (
            "field-unknown-key",
            "field-constraints",
            "field-no-name",
            "field-twice",
            "field-type",
            "field-constraint-unknown",
        ),
    ),
    "categories": Case(
        {
            PLACES_SCHEMA: lambda t: (
                t.replace(
                    "      - {value: co_quan, label: Cơ quan}\n", "      - {value: co_quan}\n"
                )
                .replace(
                    "      - {value: doanh_nghiep, label: Doanh nghiệp}\n",
                    "      - {value: doanh_nghiep, label: Doanh, nghiep: x}\n",
                )
                .replace("      - {value: co_so_giao_duc, label: Cơ sở giáo dục}\n", "")
            ),
            "schemas/units.yaml": sub("    categories:\n", "    categories: tinh\n    x-old:\n"),
        },
        ("category-no-label", "category-entry", "field-categories-enum", "category-not-list"),
    ),
    "foreign-keys": Case(
        {
            PLACES_SCHEMA: append(
                "  - fields: [unit_code]\n"
                "  - fields: [ma_xa]\n    reference: {resource: units, fields: [code]}\n"
                "  - fields: [unit_code]\n    reference: {resource: xa, fields: [code]}\n"
                "  - fields: [unit_code]\n    reference: {resource: units, fields: [ma]}\n"
            )
        },
        ("foreign-key-incomplete", "foreign-key-field", "foreign-key-table", "foreign-key-target"),
    ),
}


@dataclass(frozen=True)
class Symlink:
    target: str


@dataclass(frozen=True)
class Sparse:
    """A file grown to this many MB without writing them (refused before reading)."""

    megabytes: int


NFD_NAME = unicodedata.normalize("NFD", "Thôn Đồng Mới")
LONG_NAME = "Thôn " + "a" * 200

# -- Rows and cells: one batch, each table's problems in rows of their own.
ROW_CASES: dict[str, Case] = {
    "places-rows": Case(
        {
            "places.csv": append(
                'hp-a,Thôn A,khu_dan_cu,11113,,,"20,83",106.35\n'
                "hp-b,Thôn B,khu_dan_cu,11113,,,106.35,20.83\n"
                "HP C,Thôn C,khu_dan_cu,11113,,,,\n"
                "hp-d,,khu_dan_cu,11113,,,,\n"
                "hp-e,Thôn E,Khu dân cư,11113,,,,\n"
                "hp-f,Thôn F,khu_dan_cu,99999,,,,\n"
                "hp-g,Th?n Ngh? Kh?,khu_dan_cu,11113,,,,\n"
                "hp-h,Thôn\x07H,khu_dan_cu,11113,,,,\n"
                "hp-i,Thôn\u202eI,khu_dan_cu,11113,,,,\n"
                "hp-j,Thôn\u200bJ,khu_dan_cu,11113,,,,\n"
                "hp-k,Thôn K,khu_dan_cu,2494,,,,\n"
                "hp-l,Thôn L,khu_dan_cu,11122,,,,\n"
                "hp-m,Thôn M,khu_dan_cu,11143,,,,\n"
                "hp-n,Thôn N,khu_dan_cu,11140,11113,,,\n"
                "hp-o,Thôn O,khu_dan_cu,11113,,,,,x\n"
                "hp-p,Thôn P,khu_dan_cu\n"
                f"hp-q,{LONG_NAME},khu_dan_cu,11113,,,,\n"
                "xa-11113,Xã Tân Kỳ,xa,11113,,,,\n"
                f"hp-r,{NFD_NAME},khu_dan_cu,11113,,,,\n"
                "hp-s,Th«n Nghi Khª,khu_dan_cu,11113,,,,\n"
                "hp-t,Tổ,khu_dan_cu,11113,,,,\n"
            ),
            PLACES_SCHEMA: sub(
                "{required: true, maxLength: 200}", "{required: true, maxLength: 200, minLength: 3}"
            ),
        },
        (
            "decimal-comma",
            "coordinates-outside-vietnam",
            "part-axis-lat",
            "part-axis-lon",
            "part-hint-enum-label",
            "pattern",
            "required",
            "enum",
            "foreign-key",
            "lost-characters",
            "control-character",
            "bidi-character",
            "zero-width-character",
            "lost-leading-zero",
            "legacy-unit",
            "legacy-unit-split",
            "legacy-mismatch",
            "extra-cell",
            "missing-cell",
            "too-long",
            "too-short",
            "duplicate-key",
            "nfd-text",
            "legacy-font",
        ),
    ),
    "other-rows": Case(
        {
            "assessments.csv": append(
                "xa-11113,2025a,dat,,,,\n"
                "xa-11113,2020,dat,,,,\n"
                "xa-11113,2101,dat,,,,\n"
                "xa-11113,2023,dat,1/QĐ,20/11/2023,,\n"
                "hp-tan-ky-thon-nghi-khe,2023,dat,2/QĐ,2021-01-05,,\n"
            ),
            "awards.csv": append(
                "2025-a,2025,ca_nhan,Nguyễn Văn A,11113,bang_khen_ubnd_tinh,Liên hệ 0912345678,"
                "1/QĐ,2025-08-15,UBND,,\n"
                "2025-b,2025,ca_nhan,Nguyễn Văn B 001234567890,11113,bang_khen_ubnd_tinh,,"
                "2/QĐ,2025-08-15,UBND,,\n"
            ),
            "legal_documents.csv": append(
                "—,thong_tu,quy_pham,Văn bản không số,Bộ Công an,2021-12-28,,,,,\n"
                "124/2021/tt-bca,thong_tu,quy_pham,Trùng địa chỉ,Bộ Công an,2021-12-28,,,,,\n"
            ),
            "targets.csv": append(",,2025,xa,90,Kế hoạch (dữ liệu kiểm thử),\n"),
            "model_sites.csv": append(
                "tka-a,tieng-keng-an-ninh,11113,,1,5,ngay-xua,co,abc,106.3\n"
                "tka-b,tieng-keng-an-ninh,11113,,1,5,2020-01-01,true,,\n"
                "tka-b,tieng-keng-an-ninh,11113,,1,5,2020-01-01,true,,\n"
            ),
            "events.csv": append("AB C,Sự kiện,xyz,2025-01-01,,,,,\n"),
        },
        (
            "type-error",
            "below-minimum",
            "above-maximum",
            "date-dmy",
            "assessment-date",
            "personal-phone",
            "personal-id",
            "empty-slug",
            "duplicate-slug",
            "target-unit",
            "part-hint-integer",
            "part-hint-date",
            "part-hint-boolean",
            "part-hint-number",
            "part-hint-enum",
            "part-hint-pattern",
            "validate-total",
            "required-enum",
        ),
    ),
    "nfc-duplicate": Case(
        {
            "legal_documents.csv": append(
                "Hướng dẫn 22/HD,huong_dan,hanh_chinh,Văn bản,Bộ Công an,2021-12-28,,,,,\n"
                + unicodedata.normalize("NFD", "Hướng dẫn 22/HD")
                + ",huong_dan,hanh_chinh,Văn bản,Bộ Công an,2021-12-28,,,,,\n"
            )
        },
        ("duplicate-key", "part-nfc-note"),
    ),
    "clean": Case({}, ("validate-clean",)),
    "error-limit": Case(
        {"places.csv": append("".join(f"hp-{i},,khu_dan_cu,11113,,,,\n" for i in range(3)))},
        ("too-many-errors",),
        setup={"generator.data.frictionless_run.ERROR_LIMIT": 2},
    ),
    "headers": Case(
        {
            "movement_classes.csv": lambda t: (
                "\n".join(",".join(line.split(",")[:4]) for line in t.splitlines()) + "\n"
            ),
            "models.csv": lambda t: "\n".join(line + ",x" for line in t.splitlines()) + "\n",
            "events.csv": sub("id,title,", "id,tieu_de,"),
            "model_sites.csv": lambda t: (
                "\n".join(line + ",1" for line in t.splitlines()).replace("lon,1", "lon,teams")
                + "\n"
            ),
            # A blank-titled column holding values is refused; blank columns Excel adds at
            # the end of every row are only a warning.
            "awards.csv": lambda t: (
                "\n".join(line + ("," if i == 0 else ",x") for i, line in enumerate(t.splitlines()))
                + "\n"
            ),
            "places.csv": lambda t: "\n".join(line + ",," for line in t.splitlines()) + "\n",
            "targets.csv": append("\n\n"),
        },
        (
            "missing-label",
            "extra-label",
            "renamed-label",
            "duplicate-label",
            "blank-label",
            "blank-row",
            "trailing-empty-columns",
        ),
    ),
    # Law in force (generator/legal.py) and TT 124: judged at the package's own date (outside
    # git: its latest record date, 05/12/2025), records at their decision date.
    "law-in-force": Case(
        {
            "legal_documents.csv": append(
                "23/2012/TT-BCA,thong_tu,quy_pham,Thông tư cũ,Bộ Công an,2012-04-27,,2022-02-10,"
                "124/2021/TT-BCA,,\n"
                "1/2010/TT-BCA,thong_tu,quy_pham,Thông tư không có văn bản thay thế,Bộ Công an,"
                "2010-01-01,,2020-01-01,,,\n"
                "116/2025/QH15,luat,quy_pham,Luật An ninh mạng,Quốc hội,2025-12-10,2026-07-01,,,,\n"
                "15/2003/QH11,luat,quy_pham,Luật Thi đua khen thưởng,Quốc hội,2003-11-26,,"
                "2024-01-01,06/2022/QH15,,\n"
                "06/2022/QH15,luat,quy_pham,Luật Thi đua khen thưởng,Quốc hội,2022-06-15,"
                "2024-01-01,,,,\n"
            ),
            "models.csv": sub(",06/2014/NĐ-CP,", ",23/2012/TT-BCA,"),
            "events.csv": append(
                "ngay-moi,Ngày mới,ngay_hoi,2005-08-20,hang_nam,,,,116/2025/QH15\n"
                "ngay-cu,Ngày cũ,ngay_hoi,2005-08-21,hang_nam,,,,1/2010/TT-BCA\n"
            ),
            "awards.csv": sub("to-tu-quan-nghi-khe,\n", "to-tu-quan-nghi-khe,15/2003/QH11\n"),
            "assessments.csv": sub(
                "xa-11113,2025,dat,4120/QĐ-UBND,2025-12-05,UBND thành phố Hải Phòng",
                "xa-11113,2025,dat,4120/QĐ-UBND,2025-12-05,UBND xã Tân Kỳ",
            ),
            "places.csv": lambda t: t.replace(
                "Thôn Cộng Lạc,khu_dan_cu", "Trường Mầm non Cộng Lạc,co_so_giao_duc"
            ).replace("Thôn Nghi Khê,khu_dan_cu", "Trường THPT Nghi Khê,co_so_giao_duc"),
            "model_sites.csv": lambda t: "".join(
                line for line in t.splitlines(keepends=True) if ",11113," not in line
            ),
            # The two thôn above are now schools: their tổ no longer name them.
            "security_teams.csv": lambda t: t.replace(",hp-tan-ky-thon-nghi-khe,", ",,").replace(
                ",hp-lac-phuong-thon-cong-lac,", ",,"
            ),
        },
        (
            "legal-out-of-force",
            "legal-not-yet-in-force",
            "legal-superseded",
            "legal-no-replacement",
            "tt124-xa-by-itself",
            "tt124-out-of-scope",
            "tt124-provincial-unit",
            "tt124-xa-without-model",
        ),
    ),
}

# -- Files: how each is saved, and what else lies in data/.
# -- Tổ bảo vệ an ninh, trật tự ở cơ sở (issue 14 item 2, security_teams): a place of
#    another kind or xã, too few members; the good rows stay quiet (negative control).
SECURITY_TEAM_CASES: dict[str, Case] = {
    "security-teams": Case(
        {
            "security_teams.csv": append(
                "to-antt-sai-xa,11140,Thôn Nghi Khê,hp-tan-ky-thon-nghi-khe,3,,\n"
                "to-antt-sai-loai,11113,Xã Tân Kỳ,xa-11113,3,,\n"
                "to-antt-thieu,11113,Thôn Mới,,2,,\n"
                "to-antt-khong-co,99999,Thôn Lạ,,0,,\n"
            )
        },
        ("security-team-place", "security-team-few-members"),
    ),
}
ROW_CASES.update(SECURITY_TEAM_CASES)
# -- Xếp loại Tổ bảo vệ an ninh, trật tự (issue 14 item 2, security_team_ratings): a "xuất sắc"
#    with no "tốt" beside it in its xã, a tổ rated in the year it was set up.
SECURITY_TEAM_RATING_CASES: dict[str, Case] = {
    "security-team-ratings": Case(
        {
            "security_team_ratings.csv": append(
                "to-antt-lac-phuong-thon-cong-lac,2025,hoan_thanh_xuat_sac,,\n"
                "to-antt-truong-luu-thon-kim-song,2024,hoan_thanh,,\n"
            )
        },
        ("security-team-rating-quota", "security-team-rating-too-new"),
    ),
}
ROW_CASES.update(SECURITY_TEAM_RATING_CASES)
# -- Đăng ký thi đua, điển hình, phân loại phong trào của nơi (issue 14 item 2, vocab-14): a
#    registration after quý I, a khu dân cư registered and recognised as "điển hình", a Công
#    an xã kiểu mẫu on a school with no decision, a xã's class among the places', a xã that
#    recognises another xã's thôn. The good fixture's rows stay quiet (negative control).
VOCABULARY_CASES: dict[str, Case] = {
    "vocabulary": Case(
        {
            "emulation_registrations.csv": append(
                "xa-11113,2024,an_toan_antt,2024-05-02,\n"
                "hp-tan-ky-thon-nghi-khe,2024,dien_hinh,2024-02-01,\n"
            ),
            "exemplar_recognitions.csv": append(
                "hp-tan-ky-thon-nghi-khe,2024,phong_trao,xay_dung,,,,\n"
                "tq-thai-binh-truong-thcs,2024,cong_an_kieu_mau,cong_nhan,,,,\n"
            ),
            "place_classes.csv": append("xa-11113,2025,80,kha,\n"),
            "assessments.csv": append(
                "ht-truong-luu-thon-kim-song,2024,dat,1/QĐ-UBND,2024-11-21,UBND xã Tân Kỳ,"
                "124/2021/TT-BCA\n"
            ),
        },
        (
            "registration-late",
            "exemplar-place-kind",
            "exemplar-no-decision",
            "place-class-xa",
            "tt124-other-xa",
        ),
    ),
}
ROW_CASES.update(VOCABULARY_CASES)


FILE_CASES: dict[str, Case] = {
    "files": Case(
        {
            "events.csv": (FIXTURES / "bad" / "cp1258" / "places.csv").read_bytes(),
            "movement_classes.csv": "unit_code,year\n11113,2025\n".encode("utf-16-le"),
            "models.csv": b"id,name\nabc,\x80\x81\n",
            "targets.csv": "",
            "awards.csv": lambda t: t.splitlines()[0] + "\n",
            "model_sites.csv": None,
            "ghi-chu.txt": "ghi chú riêng\n",
            ".~lock.places.csv#": "Nguyen Van A,may-tinh,01.12.2025 08:00,\n",
            "legal_documents.csv": Sparse(65),
        },
        (
            "encoding-cp1258",
            "encoding-utf16",
            "encoding-not-utf8",
            "empty-file",
            "no-rows",
            "missing-file",
            "stray-file",
            "office-lock-file",
            "file-too-large",
        ),
    ),
    "symlink": Case({"units.csv": Symlink("legacy_units.csv")}, ("data-symlink",)),
    "too-many-rows": Case(
        {"schemas/events.yaml": lambda t: re.sub(r"x-antq-max-rows: \d+", "x-antq-max-rows: 1", t)},
        ("too-many-rows",),
    ),
}

# -- Lessons: lessons/*.md, each file its own problem.
LESSON_CASES: dict[str, Case] = {
    "lessons": Case(
        {
            "lessons/mau.md": LESSON,
            "lessons/khong-dau.md": "Chỉ có nội dung, không có phần đầu.\n",
            "lessons/khoa-la.md": LESSON.replace("reading_time: 3", "reading_time: 3\ntac_gia: A"),
            "lessons/cau-hoi.md": LESSON.replace("- [x]", "- [ ]"),
            "lessons/ky-tu.md": LESSON.replace("## Dấu hiệu", "## Dấu\x07hiệu"),
            "lessons/thuoc-tinh.md": LESSON.replace(
                "## Dấu hiệu", '## Dấu hiệu {: onclick="alert(1)" }'
            ),
            "lessons/dia-chi.md": LESSON.replace(
                "[một văn bản](legal:06/2014/NĐ-CP)", "[bấm vào](javascript:alert(1))"
            ),
            "lessons/Bài Mẫu.md": LESSON,
            "lessons/chu-de.md": LESSON,
            "lessons/khong-kiem-tra.md": LESSON.split("## Tự kiểm tra")[0],
            "lessons/khong-cau-hoi.md": LESSON.split("## Tự kiểm tra")[0]
            + "## Tự kiểm tra\n\nChưa có.\n",
            "lessons/danh-sach.md": "---\n- a\n- b\n---\n\nNội dung.\n",
            "schemas/lesson.yaml": lambda t: t.replace(
                "enum: [lua-dao-qua-mang,", "enum: [lua-dao-qua-mang, Lừa Đảo Qua Mạng,"
            ).replace(
                "      - {value: lua-dao-qua-mang,",
                "      - {value: Lừa Đảo Qua Mạng, label: Lừa đảo}\n      - {value: lua-dao-qua-mang,",
            ),
        },
        (
            "lesson-front-matter",
            "lesson-unknown-key",
            "lesson-quiz",
            "lesson-control-character",
            "lesson-attribute",
            "lesson-url",
            "lesson-file-name",
            "lesson-file-name-reserved",
            "lesson-category-slug",
            "part-lesson-category-clash",
            "part-lesson-no-front-matter",
            "part-lesson-question",
            "part-lesson-no-quiz",
            "part-lesson-no-question",
            "part-lesson-not-mapping",
        ),
    ),
}

LESSON_CASES["lesson-types"] = Case(
    {
        "lessons/mau.md": LESSON.replace('title: "Bài mẫu: phòng tránh lừa đảo"', "title: [a, b]"),
        "lessons/so.md": LESSON.replace("reading_time: 3", "reading_time: ba"),
        "lessons/ngay.md": LESSON.replace("updated: 2025-10-15", "updated: hôm qua"),
        "lessons/long.md": LESSON.replace("grades: [thcs, nguoi_lon]", "grades: [[thcs]]"),
        "lessons/ma.md": LESSON.replace("grades: [thcs, nguoi_lon]", "grades: [thcs, lop-1]"),
        "schemas/lesson.yaml": sub("  - name: summary\n", "  - name: summary\n    colour: red\n"),
    },
    (
        "lesson-what",
        "lesson-type-string",
        "lesson-hint-string",
        "lesson-type-integer",
        "lesson-hint-integer",
        "lesson-type-date",
        "lesson-hint-date",
        "lesson-type-list",
        "lesson-hint-list",
        "lesson-hint-enum",
    ),
)


# -- News articles: news/YEAR/SLUG/index.md and its photos (issue 21).
NEWS_DIR = "news/2025/ngay-hoi-xa-tan-ky"
NEWS = (FIXTURES / "good" / NEWS_DIR / "index.md").read_text(encoding="utf-8")
PHOTO = (FIXTURES / "good" / NEWS_DIR / "san-khau.jpg").read_bytes()


def _gps_photo() -> bytes:
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 2.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _article(folder: str, text: str = NEWS, photo: bytes | None = PHOTO) -> dict[str, Edit]:
    edits: dict[str, Edit] = {f"news/{folder}/index.md": text}
    if photo is not None:
        edits[f"news/{folder}/san-khau.jpg"] = photo
    return edits


NEWS_CASES: dict[str, Case] = {
    "news": Case(
        {
            **_article("2025/Bai Moi"),
            "news/2025/trong/anh.jpg": PHOTO,
            **_article("2025/khong-dau", "Chỉ có nội dung.\n"),
            **_article(
                "2025/khoa-la",
                NEWS.replace("sample: true", "sample: true\ntac_gia: A").replace(
                    "    generated: true", "    generated: true\n    nguoi_chup: B"
                ),
            ),
            **_article("2024/sai-nam"),
            **_article("2025/ten-anh", NEWS.replace("file: san-khau.jpg", "file: Sân Khấu.jpg")),
            **_article(
                "2025/hai-lan",
                NEWS.replace(
                    "corrections:",
                    "  - file: san-khau.jpg\n    alt: a\n    credit: b\ncorrections:",
                ),
            ),
            **_article("2025/thieu-anh", photo=None),
            **_article(
                "2025/tre-em",
                NEWS.replace("    generated: true", "    generated: true\n    minors: true"),
            ),
            **_article("2025/gps", photo=_gps_photo()),
            **_article("2025/hong", photo=b"khong phai anh"),
            **_article(
                "2025/kieu",
                NEWS.replace("sample: true", "sample: có").split("corrections:")[0]
                + "corrections: đã sửa\n---\n\nNội dung.\n",
            ),
        },
        (
            "news-folder",
            "news-no-index",
            "news-front-matter",
            "news-unknown-key",
            "news-year",
            "news-photo-name",
            "news-photo-twice",
            "news-photo-missing",
            "news-photo-minors",
            "news-photo-gps",
            "news-photo-unreadable",
            "lesson-type-boolean",
            "lesson-hint-boolean",
            "lesson-type-records",
            "lesson-hint-records",
        ),
    ),
    "news-too-big": Case(
        {},
        ("news-photo-too-big", "photo-limit-pixels"),
        setup={"generator.photos.MAX_PIXELS": 100_000},
    ),
}


# -- Other commands: a case is a function of a fresh folder returning the lines printed.
@dataclass
class CallCase:
    run: Callable[[Path], list[str]]
    covers: tuple[str, ...]


SITE_TOML = (
    'name = "Trang thử"\nshort_name = "Thử"\ndescription = "Trang thử nghiệm."\n'
    'base_url = "https://antq.example.vn"\n\n[scope]\nprovinces = "national"\n'
)


def settings_lines(toml: str) -> Callable[[Path], list[str]]:
    def run(tmp: Path) -> list[str]:
        from generator.settings import SettingsError, load_settings

        site = tmp / "site"
        site.mkdir()
        (site / "site.toml").write_text(toml, encoding="utf-8")
        try:
            load_settings(site)
        except SettingsError as exc:
            return [line.replace(str(site), "site") for line in exc.problems]
        return []

    return run


def _missing_settings(tmp: Path) -> list[str]:
    from generator.settings import SettingsError, load_settings

    try:
        load_settings(tmp)
    except SettingsError as exc:
        return [line.replace(str(tmp), "site") for line in exc.problems]
    return []


SETTINGS_CASES: dict[str, CallCase] = {
    "settings-missing": CallCase(_missing_settings, ("settings-missing",)),
    "settings-toml": CallCase(settings_lines("name = \n"), ("settings-toml",)),
    "settings-values": CallCase(
        settings_lines(
            'short_name = 5\ndescription = "x"\nbase_url = "antq.vn"\ncolour = "red"\n'
            'scope = "all"\ntargets = {rate = 95}\n'
            '[push]\nservice_url = "http://push.antq.vn"\n'
            '[budgets]\n"**/*.css" = -1\n'
        ),
        (
            "settings-required",
            "settings-base-url",
            "settings-unknown-key",
            "settings-type",
            "settings-not-table",
            "settings-targets-moved",
            "settings-push-missing",
            "settings-push-url",
            "settings-budget",
        ),
    ),
    "settings-scope-contact": CallCase(
        settings_lines(
            SITE_TOML.replace('"national"', '["31", 8]')
            + '[contact]\nurl = "gop-y"\nemail = "gopy"\n'
            + '[push]\nservice_url = "https://push.antq.vn"\nvapid_public_key = "abc"\n'
        ),
        (
            "settings-provinces-codes",
            "settings-contact-organisation",
            "settings-contact-url",
            "settings-contact-email",
            "settings-push-key",
        ),
    ),
    "settings-provinces-budgets": CallCase(
        settings_lines("budgets = 5\n" + SITE_TOML.replace('"national"', "31")),
        ("settings-provinces", "settings-budgets"),
    ),
}

SECRET = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
HEAD = (
    '<!doctype html>\n<html lang="vi">\n<head>\n<title>Trang</title>\n'
    '<link rel="canonical" href="https://antq.example.vn/{url}">\n'
    '<meta name="description" content="Mô tả.">\n</head>\n'
)


def _check_lines(tmp: Path) -> list[str]:
    from generator.check import run_cli

    site = tmp / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML + '[budgets]\n"**/*.css" = 10\n', encoding="utf-8")
    public = tmp / "public"
    public.mkdir()
    (public / "index.html").write_text(
        HEAD.format(url="")
        + '<body>\n<a id="dau" href="/khong-co/">a</a>\n<a href="/../../etc/passwd">b</a>\n'
        + '<a href="/#khong-co">c</a>\n<a href="javascript:alert(1)">d</a>\n'
        + '<script src="https://cdn.example.com/x.js"></script>\n'
        + '<a href="https://example.org/">e</a>\n<a href="tel:0912345678">f</a>\n'
        + "<p>Gọi 0912345678, CCCD 001234567890.</p>\n"
        + f"<p>{SECRET}</p>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    (public / "tran").mkdir()
    (public / "tran" / "index.html").write_text(
        "<html>\n<head>\n</head>\n<body>x\x07y</body>\n</html>\n", encoding="utf-8"
    )
    (public / "khong-the").mkdir()
    (public / "khong-the" / "index.html").write_text(
        '<head><title></title><link rel="canonical" href="/sai/"></head>\n', encoding="utf-8"
    )
    (public / "en.html").write_text(
        HEAD.format(url="en.html").replace('lang="vi"', 'lang="en"'), encoding="utf-8"
    )
    (public / "a.css").write_text("body { color: red; margin: 0; padding: 0 }\n" * 3)
    (public / "a.txt").write_bytes(b"x\x00y\n")
    lines: list[str] = []
    code = run_cli(public, site, echo=lambda line, err=False: lines.append(line))
    return [*lines, f"exit {code}"]


def _check_clean(tmp: Path) -> list[str]:
    from generator.check import run_cli

    site = tmp / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    public = tmp / "public"
    public.mkdir()
    (public / "index.html").write_text(HEAD.format(url="") + "<body></body></html>\n")
    lines: list[str] = []
    run_cli(public, site, echo=lambda line, err=False: lines.append(line))
    run_cli(tmp / "khong-co", site, echo=lambda line, err=False: lines.append(line))
    return [line.replace(str(tmp), "") for line in lines]


CHECK_CASES: dict[str, CallCase] = {
    "check-site": CallCase(
        _check_lines,
        (
            "broken-link",
            "broken-link.outside",
            "broken-link.anchor",
            "unsafe-url",
            "missing-title",
            "missing-lang",
            "bad-canonical",
            "missing-description",
            "personal-data.phone",
            "personal-data.id",
            "secret",
            "external-host",
            "external-host.link",
            "external-host.tel",
            "size-budget",
            "output-control-character.nul",
            "output-control-character",
            "check-total",
            "part-no-html-tag",
            "part-no-lang",
            "part-none",
            "part-file",
        ),
    ),
    "check-clean": CallCase(_check_clean, ("check-passed", "check-no-site")),
}


# -- Web push: a subscribe request's problems, and the service's answers over HTTP. A line is
#    `field: message [push-code]` or `status message [push-code]`, the message exactly as the
#    browser receives it.
# The public key of private key 1 on P-256 (the curve's generator): a valid browser key.
P256DH = "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU"
# The service names these two errors differently from their catalogue keys.
MESSAGE_ONLY = {"push-json-invalid", "push-json-too-deep"}


def _subscribe_lines(body: object) -> list[str]:
    from generator.push.endpoints import DEFAULT_POLICY
    from generator.push.service import validate_subscribe
    from generator.push.topics import Vocabulary

    vocabulary = Vocabulary({"xa:11113": "Xã Tân Kỳ"}, {"xa:11113": "/tinh/hai-phong/xa-tan-ky/"})
    problems, _ = validate_subscribe(body, vocabulary, DEFAULT_POLICY)
    return [f"{p['field']}: {p['message']} [push-{p['code']}]" for p in problems]


def _subscribe_cases(tmp: Path) -> list[str]:
    good_keys = {"p256dh": P256DH, "auth": "AAAAAAAAAAAAAAAAAAAAAA"}
    bodies: list[object] = [
        [],
        {"colour": 1, "action": "merge", "topics": "xa:11113"},
        {"subscription": {"endpoint": ""}, "topics": []},
        {
            "subscription": {"endpoint": "https://" + "a" * 2100, "keys": good_keys},
            "topics": ["xa:1"] * 300,
        },
        {
            "subscription": {"endpoint": "not a url", "keys": {"p256dh": "abc", "auth": "abc"}},
            "topics": ["Xã!"],
        },
        {
            "subscription": {"endpoint": "http://fcm.googleapis.com/x", "keys": good_keys},
            "topics": ["xa:99999"],
        },
        {
            "subscription": {"endpoint": "https://u@fcm.googleapis.com/x", "keys": good_keys},
            "topics": ["xa:11113"],
        },
        {
            "subscription": {"endpoint": "https://fcm.googleapis.com:8443/x", "keys": good_keys},
            "topics": ["xa:11113"],
        },
        {
            "subscription": {"endpoint": "https://push.example.com/x", "keys": good_keys},
            "topics": ["xa:11113"],
        },
    ]
    return [line for body in bodies for line in _subscribe_lines(body)]


def _service_lines(tmp: Path) -> list[str]:
    from starlette.testclient import TestClient

    from generator.push.service import ServiceConfig, create_app
    from generator.push.topics import Vocabulary

    vocabulary = Vocabulary({"xa:11113": "Xã Tân Kỳ"}, {"xa:11113": "/tinh/hai-phong/xa-tan-ky/"})
    config = ServiceConfig(
        db_path=tmp / "push.sqlite3",
        origin="https://antq.example.vn",
        vocabulary=vocabulary,
        max_body=2000,
        burst=5,
        rate=0.0001,
    )
    json_headers = {"content-type": "application/json"}
    lines: list[str] = []
    with TestClient(create_app(config), base_url="http://push.test") as client:
        answers = [
            client.post(
                "/subscriptions",
                content="{}",
                headers={**json_headers, "origin": "https://evil.example"},
            ),
            client.post("/subscriptions", content="{}", headers={"content-type": "text/plain"}),
            client.post("/subscriptions", content="x" * 3000, headers=json_headers),
            client.post("/subscriptions", content="{", headers=json_headers),
            client.post("/subscriptions", content="[" * 100 + "]" * 100, headers=json_headers),
            client.post("/subscriptions", content="[]", headers=json_headers),
            client.get("/khong-co"),
            client.put("/subscriptions", content="{}", headers=json_headers),
        ]
        answers += [
            client.post("/subscriptions", content="{}", headers=json_headers) for _ in range(2)
        ]
    for answer in answers:
        body = answer.json()
        lines.append(f"{answer.status_code} {body['message']} [push-{body['error']}]")
    return lines


PUSH_CASES: dict[str, CallCase] = {
    "push-subscribe": CallCase(
        _subscribe_cases,
        (
            "push-body-not-object",
            "push-unknown-field",
            "push-subscription-missing",
            "push-action-invalid",
            "push-topics-invalid",
            "push-topics-empty",
            "push-topics-too-many",
            "push-topic-invalid",
            "push-topic-unknown",
            "push-endpoint-missing",
            "push-endpoint-too-long",
            "push-endpoint-invalid",
            "push-endpoint-not-https",
            "push-endpoint-userinfo",
            "push-endpoint-port",
            "push-endpoint-host",
            "push-keys-missing",
            "push-keys-p256dh",
            "push-keys-auth",
        ),
    ),
    "push-service": CallCase(
        _service_lines,
        (
            "push-origin",
            "push-content-type",
            "push-too-large",
            "push-json-invalid",
            "push-json-too-deep",
            "push-invalid",
            "push-not-found",
            "push-method",
            "push-rate-limited",
        ),
    ),
}


# -- The command line: usage errors and what the commands print.
def cli(*commands: list[str], env: dict[str, str] | None = None) -> Callable[[Path], list[str]]:
    """Run each `antq` command line in a fresh folder (`{tmp}` in an argument is that
    folder); the lines are its stdout then stderr, the folder's path shown as `TMP`, and
    its exit code."""

    def run(tmp: Path) -> list[str]:
        from typer.testing import CliRunner

        from generator.cli import app
        from generator.errors import AntqError

        lines: list[str] = []
        for args in commands:
            argv = [a.replace("{tmp}", str(tmp)) for a in args]
            result = CliRunner().invoke(app, argv, env=env)
            out = result.stdout + result.stderr
            code = result.exit_code
            if isinstance(result.exception, AntqError):  # printed by the console script
                out += "".join(f"{line}\n" for line in result.exception.lines)
                code = result.exception.exit_code
            out = out.replace(str(tmp), "TMP")
            lines += [line for line in out.splitlines() if line.strip()]
            lines.append(f"exit {code}")
        return lines

    return run


def _git_folder(tmp: Path) -> list[str]:
    import subprocess

    (tmp / "repo").mkdir()
    subprocess.run(["git", "init", "-q", str(tmp / "repo")], check=True)
    keys = cli(
        ["push", "keys", "--out-dir", "{tmp}/repo/keys"],
        ["push", "keys", "--out-dir", "{tmp}/k"],
        ["push", "keys", "--out-dir", "{tmp}/k"],
    )
    # The public key is new each time: shown as <khóa>.
    return [re.sub(r'(vapid_public_key = ")[^"]+', r"\1<khóa>", line) for line in keys(tmp)]


def _strip_gps(tmp: Path) -> list[str]:
    (tmp / "gps.jpg").write_bytes(_gps_photo())
    (tmp / "sach.jpg").write_bytes(PHOTO)
    return cli(["anh", "xoa-gps", "{tmp}/gps.jpg", "{tmp}/sach.jpg", "{tmp}/khong-co.jpg"])(tmp)


MISC_CASES: dict[str, CallCase] = {
    "photo-strip-gps": CallCase(
        _strip_gps, ("photo-gps-stripped", "photo-gps-none", "photo-strip-failed")
    ),
    "cli-usage": CallCase(
        cli(
            ["validate", "{tmp}", "--format", "xml"],
            ["validate", "{tmp}/khong-co"],
            ["validate", "{tmp}"],
            ["serve", "--host", "0.0.0.0", "--data", "{tmp}", "--out", "{tmp}/public"],
        ),
        ("cli-format", "data-dir-missing", "descriptor-missing", "serve-host-not-loopback"),
    ),
    "push-serve-no-data": CallCase(
        cli(
            ["push", "serve", "--data", "{tmp}/khong-co", "--db", "{tmp}/p.sqlite3"],
            ["push", "serve", "--data", "{tmp}/khong-co"],
            env={"ANTQ_PUSH_DB": ""},
        ),
        ("push-serve-data", "push-db-unset"),
    ),
    "push-keys": CallCase(
        _git_folder,
        (
            "push-key-in-git",
            "push-keys-written",
            "push-key-exists",
            "push-keys-for-service",
            "push-keys-for-site",
            "push-keys-service-url",
        ),
    ),
}


def _push_serve_bad_data(tmp: Path) -> list[str]:
    import shutil

    shutil.copytree(FIXTURES / "good", tmp / "data")
    (tmp / "data" / "places.csv").write_text("id,name\n", encoding="utf-8")
    return cli(["push", "serve", "--data", "{tmp}/data", "--db", "{tmp}/p.sqlite3"])(tmp)


MISC_CASES["push-serve-bad-data"] = CallCase(
    _push_serve_bad_data, ("push-serve-data", "missing-label")
)


def _build_lines(tmp: Path) -> list[str]:
    """Build the fixture package twice (the second changes nothing), then with an error and
    with a warning under --strict; stage timings are shown as `N s`."""
    import os
    import shutil

    root = FIXTURES.parent.parent
    shutil.copytree(FIXTURES / "good", tmp / "data")
    shutil.copytree(FIXTURES / "good", tmp / "bad")
    shutil.copytree(FIXTURES / "bad" / "date-dmy", tmp / "bad", dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "good", tmp / "warn")
    shutil.copytree(FIXTURES / "bad" / "nfd-text", tmp / "warn", dirs_exist_ok=True)
    site = str(root / "site")
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1763683200"
    try:
        lines = cli(
            ["build", "--data", "{tmp}/data", "--out", "{tmp}/public", "--site", site],
            ["build", "--data", "{tmp}/data", "--out", "{tmp}/public", "--site", site, "-v"],
            ["build", "--data", "{tmp}/bad", "--out", "{tmp}/public", "--site", site],
            ["build", "--data", "{tmp}/warn", "--out", "{tmp}/public", "--site", site, "--strict"],
        )(tmp)
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return [re.sub(r"\s+\d+\.\d\d s$", " N s", line) for line in lines]


MISC_CASES["build"] = CallCase(
    _build_lines,
    (
        "build-done",
        "build-unchanged",
        "build-timing-total",
        "build-data-errors",
        "build-data-warnings-strict",
    ),
)


def _vapid_lines(tmp: Path) -> list[str]:
    """The private key and subject settings of the push service, each way they can be wrong."""
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from generator.push.vapid import PushConfigError, load_private_key, load_subject

    p384 = ec.derive_private_key(1, ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp / "p384.pem").write_bytes(p384)
    os.chmod(tmp / "p384.pem", 0o600)
    (tmp / "open.pem").write_bytes(p384)
    os.chmod(tmp / "open.pem", 0o644)
    (tmp / "folder").mkdir()
    file_var, inline = "ANTQ_VAPID_PRIVATE_KEY_FILE", "ANTQ_VAPID_PRIVATE_KEY"
    envs: list[dict[str, str]] = [
        {file_var: "a", inline: "b"},
        {},
        {inline: "không phải khóa"},
        {file_var: str(tmp / "p384.pem")},
        {file_var: str(tmp / "khong-co.pem")},
        {file_var: str(tmp / "folder")},
        {file_var: str(tmp / "open.pem")},
    ]
    lines: list[str] = []
    for env in envs:
        try:
            load_private_key(env)
        except PushConfigError as exc:
            lines.append(str(exc).replace(str(tmp), "TMP"))
    for subject in ({}, {"ANTQ_VAPID_SUBJECT": "mailto:admin@localhost"}):
        try:
            load_subject(subject)
        except PushConfigError as exc:
            lines.append(str(exc))
    return lines


PUSH_CASES["push-vapid"] = CallCase(
    _vapid_lines,
    (
        "push-key-both",
        "push-key-unset",
        "push-key-unreadable",
        "push-key-curve",
        "push-key-file-missing",
        "push-key-not-file",
        "push-key-file-mode",
        "push-subject-unset",
        "push-subject-invalid",
    ),
)


def _store_lines(tmp: Path) -> list[str]:
    """The subscription store: a file that is not a database, and one a newer antq wrote
    (schema versions shown as N and N+1: a new migration does not change the line)."""
    import sqlite3

    from generator.push.store import SCHEMA_VERSION, Store, StoreError

    (tmp / "text.sqlite3").write_text("không phải cơ sở dữ liệu\n" * 100, encoding="utf-8")
    newer = sqlite3.connect(tmp / "newer.sqlite3")
    newer.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    newer.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    newer.commit()
    newer.close()
    lines: list[str] = []
    for name in ("text.sqlite3", "newer.sqlite3"):
        try:
            Store(tmp / name).close()
        except StoreError as exc:
            line = str(exc).replace(str(tmp), "TMP")
            lines.append(
                line.replace(f"phiên bản {SCHEMA_VERSION + 1}", "phiên bản N+1").replace(
                    f"phiên bản {SCHEMA_VERSION} ", "phiên bản N "
                )
            )
    return lines


PUSH_CASES["push-store"] = CallCase(_store_lines, ("push-store-open", "push-store-newer"))


def _serve_pages(tmp: Path) -> list[str]:
    """The preview server's own pages (data error, build bug, refused host): their text."""
    from html.parser import HTMLParser

    from generator.serve import (
        NOT_FOUND_PAGE,
        error_page,
        host_refused_page,
        inject_search_notice,
    )

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[str] = []

        def handle_data(self, data: str) -> None:
            self.lines += [line for line in data.splitlines() if line.strip()]

    lines: list[str] = []
    pages = [
        error_page("data", ["places.csv:3:B (name): lỗi: thiếu giá trị bắt buộc [required]"]),
        error_page("bug", ["Traceback (most recent call last):"]),
        host_refused_page("evil.example", "http://127.0.0.1:8000/"),
        NOT_FOUND_PAGE.encode("utf-8"),
        inject_search_notice(b"<!doctype html><body></body>"),  # the index catching up
    ]
    for page in pages:
        parser = Text()
        parser.feed(page.decode("utf-8"))
        lines += parser.lines
    return lines


MISC_CASES["serve-pages"] = CallCase(
    _serve_pages,
    (
        "serve-data-error-heading",
        "serve-data-error-intro",
        "serve-bug-heading",
        "serve-bug-intro",
        "serve-host-refused",
        "serve-not-found",
        "serve-home",
        "serve-search-catching-up",
    ),
)


def _limit_lines(tmp: Path) -> list[str]:
    """The build's output ceilings (generator/limits.py), each passed (sizes by 1 MB)."""
    from generator import limits

    lines = limits.check_rows(
        {
            "places": ("places.csv", limits.MAX_ROWS_PER_OUTPUT + 1),
            "events": ("events.csv", limits.MAX_CALENDAR_EVENTS + 1),
        }
    )
    lines += limits.check_sitemap(limits.MAX_SITEMAP_URLS + 1)
    for rel in (
        "cap-nhat/atom.xml",
        "lich/lich.ics",
        "du-lieu/places.json",
        "ban-do/du-lieu/tinh.geojson",
    ):
        ceiling = next(c for s, (_, c) in limits.SIZE_CEILINGS.items() if rel.endswith(s))
        lines.append(limits.check_size(rel, ceiling + limits.MB) or "")
    # Any other published file (issue 16): the limit of every file.
    lines.append(limits.check_size("du-lieu/places.csv.gz", limits.MAX_FILE + limits.MB) or "")
    return lines


def _export_search_lines(tmp: Path) -> list[str]:
    """The offline exports' search page (generator.export_search): its heading, label, hint
    and status, as a reader sees them."""
    import html
    import re

    from generator.export_search import Item, search_page

    shell = "<html><head><title>x</title></head><body><main><h1>x</h1></main></body></html>"
    items = [Item("a", "Bài A", "", "bai a"), Item("b", "Bài B", "", "bai b")]
    page = search_page(shell, items, "s.js")
    found = re.findall(r"<(h1|label[^>]*|small|p id=\"tim-kiem-trang-thai\"[^>]*)>([^<]*)<", page)
    return [html.unescape(text) for _tag, text in found]


MISC_CASES["export-search"] = CallCase(
    _export_search_lines,
    ("zim-search-title", "zim-search-label", "zim-search-hint", "zim-search-all"),
)


MISC_CASES["build-limits"] = CallCase(
    _limit_lines,
    (
        "output-too-many-rows",
        "calendar-too-many-events",
        "sitemap-too-many-urls",
        "output-too-large",
        "part-kind-xml",
        "part-kind-ics",
        "part-kind-json",
        "part-kind-geojson",
        "part-kind-file",
    ),
)


def _notify_lines(tmp: Path) -> list[str]:
    """What `antq push notify` prints after a run, and a notification's title and body."""
    from collections import Counter

    from generator.push.notify import MAX_LINES, NotifyReport, compose, summary
    from generator.push.topics import Item, Vocabulary

    run_key = "a" * 40 + ".." + "b" * 40
    first = NotifyReport(run_key, changes=3, topics=2, planned=5)
    first.outcomes = Counter(sent=3, retry=1, gone=1)
    first.run_states = Counter(sent=3, pending=2)
    first.problems = [f"https://fcm.googleapis.com/…{n}: 500" for n in range(21)]
    again = NotifyReport(run_key, already_planned=True)
    again.run_states = Counter(sent=5)
    lines = summary(first) + summary(again)
    vocabulary = Vocabulary(
        {"xa:11113": "Xã Tân Kỳ", "tinh:31": "Hải Phòng"},
        {"xa:11113": "/tinh/hai-phong/xa-tan-ky/", "tinh:31": "/tinh/hai-phong/"},
    )
    items = [Item(f"Thay đổi {n}", None, (n, ())) for n in range(MAX_LINES + 2)]
    payload = compose(
        vocabulary, ["xa:11113", "tinh:31"], {"xa:11113": items, "tinh:31": items[:1]}, "t"
    )
    assert payload is not None
    return [*lines, payload["title"], *payload["body"].splitlines()]


PUSH_CASES["push-notify"] = CallCase(
    _notify_lines,
    (
        "push-run",
        "push-run-outcomes",
        "push-run-total-left",
        "push-run-problem",
        "push-run-more-problems",
        "push-run-planned",
        "push-run-total",
        "push-payload-more-topics",
        "push-payload-more-changes",
    ),
)


# -- Web push past one machine (issue 20): store URLs, migrate, copy, status.
def _store_url_lines(tmp: Path) -> list[str]:
    from generator.push.store import SCHEMA_VERSION

    lines = cli(
        ["push", "migrate", "--db", "mysql://antq@db/push"],
        ["push", "status", "--db", "sqlite://relative/p.sqlite3"],
        ["push", "migrate", "--db", "sqlite:///{tmp}/p.sqlite3"],
        ["push", "status", "--db", "{tmp}/p.sqlite3"],
        ["push", "status", "abc", "--db", "{tmp}/p.sqlite3"],
        ["push", "notify", "--db", "{tmp}/p.sqlite3"],
    )(tmp)
    # The schema version shown as N: a new migration does not change the line.
    return [line.replace(f"→ {SCHEMA_VERSION}.", "→ N.") for line in lines]


def _copy_lines(tmp: Path) -> list[str]:
    from generator.push.store import Store

    store = Store(tmp / "a.sqlite3")
    store.subscribe("https://fcm.googleapis.com/fcm/send/a", "k", "a", ["xa:11113", "tinh:31"])
    store.close()
    return cli(
        ["push", "copy", "--from", "{tmp}/a.sqlite3", "--to", "{tmp}/b.sqlite3"],
        ["push", "copy", "--from", "{tmp}/a.sqlite3", "--to", "{tmp}/b.sqlite3"],
    )(tmp)


def _status_lines(tmp: Path) -> list[str]:
    """A planned run half sent, and a push service that asked to wait (its time shown as T)."""
    import time

    from generator.push.store import Store

    store = Store(tmp / "p.sqlite3")
    endpoints = [f"https://fcm.googleapis.com/fcm/send/{n}" for n in range(3)]
    for endpoint in endpoints:
        store.subscribe(endpoint, "k", "a", ["xa:11113"])
    store.plan_run("a" * 40 + ".." + "b" * 40, "a" * 40, "b" * 40, dict.fromkeys(endpoints, "{}"))
    now = time.time()
    for delivery in store.claim("me", now, 30, 1):
        store.finish(delivery, "sent", 201, owner="me")
    store.pause_service("https://fcm.googleapis.com", now + 3600, "429 Retry-After 3600 s")
    store.close()
    lines = cli(["push", "status", "--db", "{tmp}/p.sqlite3"])(tmp)
    return [re.sub(r"đến \d\d:\d\d:\d\d UTC", "đến T UTC", line) for line in lines]


def _prune_lines(tmp: Path) -> list[str]:
    """A run wholly sent, pruned; then a negative day count."""
    import time

    from generator.push.store import Store

    store = Store(tmp / "p.sqlite3")
    store.subscribe("https://fcm.googleapis.com/fcm/send/a", "k", "a", ["xa:11113"])
    store.plan_run(
        "a" * 40 + ".." + "b" * 40,
        "a" * 40,
        "b" * 40,
        {"https://fcm.googleapis.com/fcm/send/a": "{}"},
    )
    for delivery in store.claim("me", time.time(), 30, 1):
        store.finish(delivery, "sent", 201, owner="me")
    store.close()
    return cli(
        ["push", "prune", "--older-than", "0", "--db", "{tmp}/p.sqlite3"],
        ["push", "prune", "--older-than", "-1", "--db", "{tmp}/p.sqlite3"],
    )(tmp)


PUSH_CASES["push-store-url"] = CallCase(
    _store_url_lines,
    (
        "push-db-scheme",
        "push-db-sqlite-url",
        "push-migrated",
        "push-job-none",
        "push-job-unknown",
        "push-notify-range",
    ),
)
PUSH_CASES["push-copy"] = CallCase(_copy_lines, ("push-copied", "push-copy-target-not-empty"))
PUSH_CASES["push-prune"] = CallCase(_prune_lines, ("push-pruned", "push-prune-days"))
PUSH_CASES["push-status"] = CallCase(_status_lines, ("push-job-line", "push-service-blocked"))


# -- Officials working in Excel (issue 17): antq import, the inbox data/nhap/, antq template.
MS_HEAD = "id,model_id,unit_code,place_id,teams,members,started,exemplar,lat,lon"
NEW_SITE = "tka-moi,tieng-keng-an-ninh,02494,xa-02494,1,9,2024-01-02,false,21.8,105.26"


def _import_refusals(tmp: Path) -> list[str]:
    """Every way `antq import` refuses a source before it changes data/."""
    import shutil

    import openpyxl

    shutil.copytree(FIXTURES / "good", tmp / "data")
    good_row = f"{NEW_SITE}\n"
    (tmp / "a.txt").write_text("x\n", encoding="utf-8")
    (tmp / "hong.xlsx").write_bytes(b"not a zip file")
    (tmp / "ms.csv").write_text(f"{MS_HEAD}\n{good_row}", encoding="utf-8")
    (tmp / "la.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    (tmp / "cot.csv").write_text(
        "id,ten_goi,kind,unit_code,legacy_unit_code,legacy_unit_name,lat\nx,y,xa,11113,,,20.8\n",
        encoding="utf-8",
    )
    (tmp / "khoa.csv").write_text(
        f"{MS_HEAD}\n,tieng-keng-an-ninh,02494,xa-02494,1,9,2024-01-02,false,21.8,105.26\n"
        f"{good_row}{good_row}",
        encoding="utf-8",
    )
    (tmp / "ngay.csv").write_text(
        "place_id,year,result,decision_no,decision_date,issuer,legal_basis\n"
        "xa-02494,2025,dat,1/QĐ,01/02/2025,UBND tỉnh Tuyên Quang,124/2021/TT-BCA\n"
        "xa-18436,2025,dat,2/QĐ,03/04/2025,UBND tỉnh Hà Tĩnh,124/2021/TT-BCA\n",
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "model_sites"
    ws.append(MS_HEAD.split(","))
    ws.merge_cells("A1:B1")
    wb.save(tmp / "gop.xlsx")
    data = ["--data", "{tmp}/data"]
    return cli(
        ["import", *data],
        ["import", "{tmp}/khong-co.xlsx", *data],
        ["import", "{tmp}/a.txt", *data],
        ["import", "{tmp}/hong.xlsx", *data],
        ["import", "{tmp}/ms.csv", "--table", "su_kien", *data],
        ["import", "{tmp}/ms.csv", "--province", "99", *data],
        ["import", "{tmp}/ms.csv", "--sync", *data],
        ["import", "{tmp}/la.csv", *data],
        ["import", "{tmp}/cot.csv", "--table", "places", *data],
        ["import", "{tmp}/gop.xlsx", *data],
        ["import", "{tmp}/khoa.csv", *data],
        ["import", "{tmp}/ngay.csv", "--fix", *data],
    )(tmp)


MISC_CASES["import-refusals"] = CallCase(
    _import_refusals,
    (
        "cli-import-source",
        "import-missing-file",
        "import-format",
        "import-unreadable",
        "import-unknown-table",
        "import-province-unknown",
        "import-sync-no-scope",
        "import-no-table",
        "import-header",
        "import-missing-column",
        "import-merged-header",
        "import-no-key",
        "import-duplicate-key",
        "import-ambiguous-dates",
        "import-refused",
    ),
)


def _model_sites_csv() -> str:
    """Three new model sites as Excel saves them (dd/mm/yyyy dates, decimal commas, unit
    codes that lost their leading zero, two empty columns and two empty rows at the end),
    one changed (members 18 → 20), one kept; tka-cong-lac is left out (for --sync)."""
    rows = [
        "tka-nghi-khe,tieng-keng-an-ninh,11113,hp-tan-ky-thon-nghi-khe,1,20,2022-06-15,false,"
        "20.8301,106.3571",
        *(
            f'tb-{n},tieng-keng-an-ninh,2494,xa-02494,1,{n},1{n + 2}/03/2024,false,"21,8{n}",105.26'
            for n in (1, 2, 3)
        ),
    ]
    return "".join(f"{r},,\n" for r in [MS_HEAD, *rows]) + ",,,,,,,,,,,\n,,,,,,,,,,,\n"


def _import_fix_lines(tmp: Path) -> list[str]:
    """A CSV as Excel writes it: refused with grouped lines, then --fix --dry-run (the plan
    and the diff), --fix (written), again (nothing), and --sync of the province."""
    import shutil

    shutil.copytree(FIXTURES / "good", tmp / "data")
    (tmp / "ms.csv").write_text(_model_sites_csv(), encoding="utf-8")
    (tmp / "loi.csv").write_text(
        f"{MS_HEAD}\n"
        + "".join(
            f"tb-{n},tieng-keng-an-ninh,02494,{place},1,x{n},2024-03-01,false,21.8,105.26\n"
            for n, place in ((1, "xa-11436"), (2, "xa-02494"), (3, "xa-02494"))
        ),
        encoding="utf-8",
    )
    data = ["--data", "{tmp}/data"]
    return cli(
        ["import", "{tmp}/ms.csv", *data],
        ["import", "{tmp}/loi.csv", *data],
        ["import", "{tmp}/ms.csv", "--fix", "--dry-run", *data],
        ["import", "{tmp}/ms.csv", "--fix", *data],
        ["import", "{tmp}/ms.csv", "--fix", *data],
        ["import", "{tmp}/ms.csv", "--fix", "--sync", "--province", "31", "--dry-run", *data],
    )(tmp)


MISC_CASES["import-fix"] = CallCase(
    _import_fix_lines,
    (
        "group.date-dmy",
        "group.decimal-comma",
        "group.lost-leading-zero",
        "group.other",
        "part-did-you-mean",
        "part-or",
        "import-fixed",
        "part-fix-date",
        "part-fix-zero",
        "part-fix-decimal",
        "part-fix-trailing-rows",
        "import-plan",
        "import-diff-added",
        "import-diff-changed",
        "import-dry-run",
        "import-written",
        "import-nothing",
        "import-sync-first",
        "import-diff-deleted",
    ),
)


def _inbox_lines(tmp: Path) -> list[str]:
    """data/nhap/: a good sheet is imported (and leaves the inbox), a bad one stops it."""
    import shutil

    import openpyxl

    shutil.copytree(FIXTURES / "good", tmp / "data")
    (tmp / "data" / "nhap").mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "model_sites"
    ws.append(MS_HEAD.split(","))
    ws.append(NEW_SITE.split(","))
    ws["L1"] = " "  # a blank-looking cell two columns past the table: Excel's trailing columns
    wb.save(tmp / "data" / "nhap" / "a.xlsx")
    (tmp / "data" / "nhap" / "b.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    return cli(["import", "--inbox", "--data", "{tmp}/data"])(tmp)


MISC_CASES["import-inbox"] = CallCase(
    _inbox_lines, ("inbox-imported", "inbox-failed", "part-fix-trailing-columns")
)


def _template_lines(tmp: Path) -> list[str]:
    """antq template's refusals and its written line (time shown as N), then the texts of
    the workbook it wrote: sheet names, the guide's intro, head and a row, a drop-down."""
    import openpyxl

    data = ["--data", str(FIXTURES / "good")]
    lines = cli(
        ["template", "su_kien", "--out", "{tmp}/mau.xlsx", *data],
        ["template", "--province", "99", "--out", "{tmp}/mau.xlsx", *data],
        ["template", "--out", "{tmp}/mau.csv", *data],
        ["template", "places", "--province", "31", "--with-data", "--out", "{tmp}/mau.xlsx", *data],
    )(tmp)
    lines = [re.sub(r"\(\d+(,\d)? giây\)", "(N giây)", line) for line in lines]
    wb = openpyxl.load_workbook(tmp / "mau.xlsx")
    guide = wb.worksheets[0]
    lines += [f"{ws.title}: {ws.sheet_state}" for ws in wb.worksheets]
    for row in guide.iter_rows(values_only=True):
        if row[2] in (None, "Tên máy", "id", "unit_code"):  # intro, province, head; 2 fields
            lines.append("|".join(str(v) if v is not None else "" for v in row).rstrip("|"))
    lines += [str(v) for v in next(wb["Danh sách"].iter_rows(max_row=1, values_only=True))]
    return lines


MISC_CASES["template"] = CallCase(
    _template_lines,
    (
        "template-unknown-table",
        "template-unknown-province",
        "template-out-suffix",
        "template-written",
        "template-guide-sheet",
        "template-lists-sheet",
        "template-guide-intro",
        "template-guide-head",
        "template-province-label",
        "template-yes",
        "template-key",
        "template-ref",
        "template-unit-pick",
    ),
)


def _output_lines(tmp: Path) -> list[str]:
    """The build's last check of its outputs' paths (generator.pages.check_outputs): each
    way a path is malformed, and two outputs on one file or a file where a folder must be."""
    from generator.errors import BuildError
    from generator.pages import FileOutput, Page, check_outputs

    def page(url: str, title: str = "") -> Page:
        return Page(url, [], {}, title)

    def file(url: str) -> FileOutput:
        return FileOutput(url, "", lambda: b"")

    pages = [
        page("don-vi/", "Đơn vị"),
        page("/don-vi//xa/"),
        page("/don-vi/ha..noi/"),
        page("/tinh/", "Tỉnh"),
        page("/TINH/", "Tỉnh (chữ hoa)"),
        page("/du-lieu/a.csv/x/", "Bảng A"),
    ]
    try:
        check_outputs(pages, [file("/du-lieu/a.csv")])
    except BuildError as exc:
        return exc.lines
    return []


MISC_CASES["output-paths"] = CallCase(
    _output_lines,
    (
        "output-path-invalid",
        "output-path-clash",
        "output-page",
        "output-file",
        "output-path-no-slash",
        "output-path-empty-segment",
        "output-path-bad-segment",
    ),
)


def _page_texts(tmp: Path) -> list[str]:
    """Texts a build writes into files rather than prints: the calendar's name and maker
    (lich.ics) and a lesson footnote's back-link title."""
    from datetime import date

    from generator.data.load import read_package
    from generator.lessons import LessonRenderer, load_lessons
    from generator.model import build_model
    from generator.pages.updates import calendar_file
    from generator.settings import load_settings

    site = load_settings(FIXTURES.parent.parent / "site")
    model = build_model(read_package(FIXTURES / "good"), site, date(2025, 11, 21))
    ics = calendar_file(model).produce().decode("utf-8").splitlines()
    lines = [line for line in ics if line.startswith(("PRODID", "X-WR-CALNAME"))]
    import shutil

    shutil.copytree(FIXTURES / "good", tmp / "data")
    (tmp / "data" / "lessons").mkdir()
    (tmp / "data" / "lessons" / "mau.md").write_text(LESSON, encoding="utf-8")
    lessons, _ = load_lessons(tmp / "data", {"06/2014/NĐ-CP"})
    html, _ = LessonRenderer({}).body(lessons[0])
    lines += re.findall(r'class="footnote-backref"[^>]*title="([^"]*)"', html)
    return lines


MISC_CASES["page-texts"] = CallCase(
    _page_texts, ("calendar-product", "calendar-name", "lesson-footnote-back")
)


def _update_lines(tmp: Path) -> list[str]:
    """The "Cập nhật" page's words for one commit touching every table (generator.changes
    and generator.pages.updates): its title, the counts, then one line per record."""
    from datetime import date, datetime

    from generator.data.load import read_package
    from generator.data.schema import load_package
    from generator.diff import Commit, RecordChange
    from generator.model import build_model
    from generator.pages import updates
    from generator.settings import load_settings

    site = load_settings(FIXTURES.parent.parent / "site")
    labels = load_package(FIXTURES / "good")[0].labels()
    model = build_model(read_package(FIXTURES / "good"), site, date(2025, 11, 21), labels=labels)
    place = {"place_id": "hp-tan-ky-thon-nghi-khe", "year": "2025"}
    rows: list[tuple[str, str, dict[str, str]]] = [
        ("assessments", "added", {**place, "result": "dat"}),
        ("assessments", "changed", {**place, "result": "chua_dat"}),
        ("assessments", "removed", {**place, "year": "2024", "result": "dat"}),
        ("models", "added", {"id": "tieng-keng-an-ninh", "name": "Tiếng kẻng an ninh"}),
        ("models", "changed", {"id": "x", "name": "Mô hình X"}),
        ("models", "removed", {"id": "y", "name": "Mô hình Y"}),
        (
            "awards",
            "added",
            {"recipient_name": "Công an xã Tân Kỳ", "award": "giay_khen_cong_an_tinh"}
            | {"year": "2024", "unit_code": "11113"},
        ),
        ("places", "added", {"kind": "khu_dan_cu", "name": "Thôn Mới", "unit_code": "11113"}),
        ("lessons", "added", {"title": "Bài A"}),
        ("lessons", "changed", {"title": "Bài B"}),
        ("lessons", "removed", {"title": "Bài C"}),
        ("news", "added", {"title": "Tin A"}),
        ("news", "changed", {"title": "Tin B"}),
        ("news", "removed", {"title": "Tin C"}),
        ("legal_documents", "changed", {"id": "124/2021/TT-BCA"}),
        ("events", "removed", {"title": "Ngày hội"}),
        ("model_sites", "added", {"model_id": "tieng-keng-an-ninh"}),
        ("movement_classes", "added", {"unit_code": "11113", "year": "2025"}),
        ("units", "changed", {}),
        ("legacy_units", "added", {}),
        ("unit_changes", "added", {}),
    ]
    changes = [
        RecordChange(resource, (resource[:3] + str(n),), kind, None, row)  # type: ignore[arg-type]
        for n, (resource, kind, row) in enumerate(rows)
    ]
    commit = Commit("a" * 40, datetime(2025, 11, 21, 8, 0), changes)
    view = updates.commit_view(model, commit)
    page = next(updates.pages(model, [commit]))
    return [page.title, *view["summary"], *(d["text"] for d in view["details"])]


MISC_CASES["update-lines"] = CallCase(
    _update_lines,
    (
        "update-title",
        "update-resource-units",
        "update-resource-legacy_units",
        "update-resource-unit_changes",
        "update-resource-places",
        "update-resource-assessments",
        "update-resource-movement_classes",
        "update-resource-models",
        "update-resource-model_sites",
        "update-resource-awards",
        "update-resource-legal_documents",
        "update-resource-events",
        "update-resource-lessons",
        "update-verb-added",
        "update-verb-changed",
        "update-verb-removed",
        "update-count-added",
        "update-count-changed",
        "update-count-removed",
        "update-result-dat",
        "update-result-chua_dat",
        "update-assessment-removed",
        "update-assessment",
        "update-assessment-changed",
        "update-model-added",
        "update-model-changed",
        "update-model-removed",
        "update-award",
        "update-place",
        "update-lesson-added",
        "update-lesson-changed",
        "update-lesson-removed",
        "update-news-added",
        "update-news-changed",
        "update-news-removed",
        "update-resource-news",
        "update-legal",
        "update-event",
        "update-model-site",
        "update-class",
        "update-other",
    ),
)


def _legal_status_lines(tmp: Path) -> list[str]:
    """The status a document's page shows (generator.legal.status_label): a law and an
    applied document, each before it applies, in force, and after it ceased."""
    import dataclasses
    from datetime import date

    from generator.data.load import read_package
    from generator.legal import status_label
    from generator.model import build_model
    from generator.settings import load_settings

    site = load_settings(FIXTURES.parent.parent / "site")
    model = build_model(read_package(FIXTURES / "good"), site, date(2025, 11, 21))
    lines: list[str] = []
    for doc_id in ("06/2014/NĐ-CP", "Hướng dẫn 22/HD-BCA-V05"):
        doc = model.legal_by_id[doc_id].document
        ended = dataclasses.replace(doc, out_of_force_from=date(2024, 1, 1))
        for version, on in (
            (doc, date(2000, 1, 1)),
            (doc, date(2023, 1, 1)),
            (ended, date(2025, 1, 1)),
        ):
            lines.append(f"{doc_id} ({on.isoformat()}): {status_label(version, on)}")
    return lines


MISC_CASES["legal-status"] = CallCase(
    _legal_status_lines,
    (
        "legal-status-law-chua-hieu-luc",
        "legal-status-law-con-hieu-luc",
        "legal-status-law-het-hieu-luc",
        "legal-status-applied-chua-hieu-luc",
        "legal-status-applied-con-hieu-luc",
        "legal-status-applied-het-hieu-luc",
    ),
)
