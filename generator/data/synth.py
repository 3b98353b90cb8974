"""Synthetic data package of the same shape as data/, for benchmarks and tests at scale.

`antq synth --scale national` writes a package with every current unit, about 100,000 places,
400,000 assessments, 124,000 model sites and 50,000 awards, so that validation, the typed
reader and the site build can be measured on national volumes long before real data exists.
`--scale small` writes the wards of two provinces only, small enough for a test to validate
and build in a few seconds.

Reference tables (units, legacy units, the old→new code table, legal documents) are copied
from the real package; everything else is invented but plausible and valid against the Table
Schemas: foreign keys resolve, primary keys are unique, enum values are read from the schemas
(so a schema change is followed without touching this file) and the CSV column order is the
schema field order. Output depends on the seed only: the same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import random
import shutil
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple, TypedDict

import yaml

from generator.data.rawcsv import open_table
from generator.data.schema import ResourceSpec, display_path, load_package
from generator.errors import AntqError

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "data"


class Scale(TypedDict):
    """Target sizes of one synthetic package; counts are approximate where noted."""

    provinces: tuple[str, ...] | None  # None: every current province
    places: int  # exact, including one place per ward for the ward itself
    models: int
    model_sites: int
    assessments: int  # at most places × years: every place assessed every year
    awards: int
    events: int
    years: tuple[int, ...]  # assessment, classification and award years


# One dict per scale so that a benchmark scale can be added in one place.
SCALES: dict[str, Scale] = {
    "small": {
        "provinces": ("31", "08"),  # Hải Phòng and Tuyên Quang: 238 wards, town and mountain
        "places": 2_000,
        "models": 50,
        "model_sites": 1_500,
        "assessments": 8_000,
        "awards": 500,
        "events": 40,
        "years": (2022, 2023, 2024, 2025),
    },
    "national": {
        "provinces": None,
        "places": 100_000,
        "models": 2_500,
        "model_sites": 124_000,
        "assessments": 400_000,
        "awards": 50_000,
        "events": 200,
        "years": (2022, 2023, 2024, 2025),
    },
}

# Resources copied from the source package rather than invented.
COPIED = ("units", "legacy_units", "unit_changes", "legal_documents")

SYNTHETIC_DESCRIPTION = (
    "DỮ LIỆU TỔNG HỢP, sinh tự động bằng lệnh `antq synth` (quy mô {scale}, seed {seed}) để đo "
    "hiệu năng và kiểm thử; cùng cấu trúc với gói dữ liệu mở của phong trào toàn dân bảo vệ an "
    "ninh Tổ quốc. Đơn vị hành chính, bảng quy đổi mã và văn bản pháp luật chép từ gói thật; "
    "nơi được đánh giá, kết quả, phân loại, mô hình, điểm mô hình, khen thưởng và lịch là bịa, "
    "không phản ánh thực tế và không có thông tin về cá nhân có thật."
)

_BATCH = 20_000  # rows per writerows call: large enough to amortise, small enough for memory


def _nfc(items: Sequence[str]) -> tuple[str, ...]:
    # Literals below are typed by hand; normalising once here guarantees NFC output.
    return tuple(unicodedata.normalize("NFC", s) for s in items)


def _words(text: str) -> tuple[str, ...]:
    return _nfc(text.split())


# --- Vocabulary --------------------------------------------------------------------------------

_HAMLET_NAMES = _nfc(
    [
        "Đông",
        "Tây",
        "Nam",
        "Bắc",
        "Trung",
        "Thượng",
        "Hạ",
        "Tân Lập",
        "Tân Phú",
        "An Bình",
        "Hòa Bình",
        "Thống Nhất",
        "Quyết Thắng",
        "Đồng Tâm",
        "Đoàn Kết",
        "Phú Xuân",
        "Tiền Phong",
        "Hưng Long",
        "Minh Khai",
        "Quang Trung",
        "Đại Đồng",
        "Phú Lợi",
        "Hồng Phong",
        "Tân Tiến",
        "Liên Hiệp",
        "Thắng Lợi",
        "Cẩm Hoàng",
        "An Lạc",
        "Vĩnh Phúc",
        "Nghi Khê",
        "Bình Minh",
        "Yên Thịnh",
        "Hợp Nhất",
        "Đồng Xuân",
        "Phúc Lâm",
        "Thanh Bình",
    ]
)
# Residential areas are "thôn"/"xóm" in communes ("bản" in the northern mountains) and
# "tổ dân phố"/"khu phố" in wards.
_HAMLET_PREFIX = {
    "xa": _nfc(["Thôn", "Thôn", "Thôn", "Xóm"]),
    "xa_mountain": _nfc(["Thôn", "Bản", "Bản"]),
    "phuong": _nfc(["Tổ dân phố", "Tổ dân phố", "Khu phố"]),
    "dac_khu": _nfc(["Thôn", "Tổ dân phố"]),
}
_MOUNTAIN_PROVINCES = frozenset(["04", "08", "11", "12", "14", "15", "19", "20"])
# Police and military units are outside Thông tư 124/2021/TT-BCA: none is assessed.
_OFFICES = _nfc(
    [
        "Ủy ban nhân dân {ward}",
        "Trạm Y tế {ward}",
        "Bưu điện văn hóa {ward}",
        "Trung tâm Phục vụ hành chính công {ward}",
        "Chi nhánh Ngân hàng Nông nghiệp {short}",
        "Điện lực {short}",
        "Kho bạc Nhà nước khu vực {short}",
        "Ban Quản lý chợ {short}",
    ]
)
_BUSINESS_KIND = _nfc(
    [
        "Công ty TNHH May {short}",
        "Công ty TNHH Thực phẩm {short}",
        "Công ty cổ phần Xây dựng {short}",
        "Công ty TNHH Vận tải {short}",
        "Công ty TNHH Cơ khí {short}",
        "Công ty cổ phần Gạch ngói {short}",
        "Công ty TNHH Thủy sản {short}",
        "Công ty TNHH Chế biến gỗ {short}",
        "Công ty TNHH Điện tử {short}",
        "Công ty cổ phần Thương mại và Dịch vụ {short}",
        "Hợp tác xã Nông nghiệp {short}",
        "Hợp tác xã Dịch vụ tổng hợp {short}",
    ]
)
# Thông tư 124/2021/TT-BCA leaves out tiểu học, mầm non and nhà trẻ: no such school is assessed.
_SCHOOLS = _nfc(
    [
        "Trường THCS {short}",
        "Trường THPT {short}",
    ]
)
_PROVINCIAL_PREFIXES = ("Trường THPT", "Trung tâm Y tế", "Bệnh viện")
_SCHOOL_SUFFIX = _nfc(["", " A", " B", " số 2", " số 3"])

# Model names by field value; a field value not listed here (a schema change) falls back to
# the category label read from the schema.
_MODEL_NAMES: dict[str, tuple[str, ...]] = {
    k: _nfc(v)
    for k, v in {
        "tu_quan": [
            "Tổ tự quản về an ninh, trật tự",
            "Khu dân cư tự quản về an ninh, trật tự",
            "Dòng họ tự quản về an ninh, trật tự",
            "Tổ liên gia tự quản",
            "Chợ tự quản về an ninh, trật tự",
        ],
        "canh_bao": [
            "Kẻng báo động phòng, chống tội phạm",
            "Loa cảnh báo tội phạm",
            "Nhóm liên lạc cảnh báo tội phạm",
        ],
        "camera": ["Camera giám sát an ninh", "Camera với an ninh, trật tự", "Mắt thần khu phố"],
        "pccc": ["Tổ liên gia an toàn phòng cháy, chữa cháy", "Điểm chữa cháy công cộng"],
        "hoa_giai": ["Tổ hòa giải ở cơ sở", "Câu lạc bộ hòa giải", "Hòa giải viên giỏi"],
        "tai_hoa_nhap": [
            "Tiếp sức người lao động tái hòa nhập cộng đồng",
            "Giúp đỡ người lầm lỗi tái hòa nhập",
            "Vòng tay nhân ái",
        ],
        "ma_tuy": [
            "Câu lạc bộ phòng, chống ma túy",
            "Khu dân cư không có tệ nạn ma túy",
            "Gia đình không có người nghiện ma túy",
        ],
        "giao_thong": [
            "Tuyến đường tự quản về an toàn giao thông",
            "Cổng trường an toàn giao thông",
            "Đưa đón học sinh an toàn",
        ],
        "an_ninh_mang": [
            "Tổ công nghệ số cộng đồng phòng, chống lừa đảo",
            "Mỗi người dân là một chiến sĩ an ninh mạng",
            "Cảnh giác lừa đảo trực tuyến",
        ],
        "truong_hoc": [
            "Trường học an toàn về an ninh, trật tự",
            "Cổng trường an toàn",
            "Đội thanh niên xung kích trường học",
        ],
        "doanh_nghiep": [
            "Doanh nghiệp an toàn về an ninh, trật tự",
            "Tổ bảo vệ an ninh doanh nghiệp",
            "Công đoàn với an ninh, trật tự",
        ],
        "ton_giao": [
            "Giáo xứ bình yên",
            "Người có uy tín giữ bình yên thôn bản",
            "Đồng bào dân tộc với an ninh biên giới",
        ],
        "khac": [
            "Phụ nữ với an ninh, trật tự",
            "Cựu chiến binh tham gia giữ gìn an ninh, trật tự",
            "Thanh niên xung kích giữ gìn an ninh, trật tự",
        ],
    }.items()
}
_MODEL_DESCRIPTIONS = _nfc(
    [
        "Mô hình do nhân dân tự quản, có quy chế hoạt động và phân công trực theo ca.",
        "Được duy trì thường xuyên, kết hợp tuyên truyền, vận động nhân dân tố giác tội phạm.",
        "Huy động nguồn lực xã hội hóa; lực lượng tham gia được tập huấn kỹ năng cơ bản.",
        "Phối hợp chặt chẽ với Công an cấp xã trong phát hiện, xử lý vụ việc ngay từ cơ sở.",
    ]
)

_FAMILY = _words(
    "Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô "
    "Dương Lý Đinh Lương Trịnh Mai Cao Tạ"
)
_MIDDLE_M = _words("Văn Văn Đức Hữu Minh Quang Công Xuân Thanh Ngọc Đình")
_MIDDLE_F = _words("Thị Thị Thu Ngọc Thanh Kim Minh Hồng Thùy")
_GIVEN_M = _words(
    "An Bình Cường Dũng Hải Hùng Huy Khánh Long Minh Nam Phong Quân Sơn Thắng Tuấn Việt Vinh"
)
_GIVEN_F = _words("Anh Hà Hạnh Hoa Hương Lan Linh Mai Nga Nhung Oanh Phương Thảo Trang Yến Hằng")

_COLLECTIVES_WARD = _nfc(
    [
        "Công an {ward}",
        "Ban Chỉ đạo phong trào toàn dân bảo vệ an ninh Tổ quốc {ward}",
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh {ward}",
        "Hội Liên hiệp Phụ nữ {ward}",
        "Hội Cựu chiến binh {ward}",
        "Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở {ward}",
    ]
)
_COLLECTIVES_PLACE = _nfc(
    [
        "Tổ bảo vệ an ninh, trật tự {place}, {ward}",
        "Nhân dân và cán bộ {place}, {ward}",
        "Chi hội Cựu chiến binh {place}, {ward}",
        "Tổ tự quản {place}, {ward}",
    ]
)
_COLLECTIVES_PROVINCE = _nfc(
    [
        "Công an {province}",
        "Phòng Xây dựng phong trào bảo vệ an ninh Tổ quốc, Công an {province}",
        "Ban Chỉ đạo phong trào toàn dân bảo vệ an ninh Tổ quốc {province}",
    ]
)
_AWARD_REASONS = _nfc(
    [
        "Có thành tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc năm {year}",
        "Có thành tích trong xây dựng khu dân cư an toàn về an ninh, trật tự năm {year}",
        "Có thành tích trong phát hiện, tố giác tội phạm năm {year}",
        "Có thành tích trong công tác hòa giải ở cơ sở năm {year}",
    ]
)
_AWARD_REASON_MODEL = unicodedata.normalize(
    "NFC", "Có thành tích trong xây dựng, nhân rộng mô hình “{model}”"
)
_AWARD_REASON_KNC = unicodedata.normalize(
    "NFC", "Có nhiều đóng góp cho sự nghiệp bảo vệ an ninh Tổ quốc"
)

# Decision-number suffixes and issuers, keyed by enum values; unknown values fall back to a
# generic provincial issuer so a new enum value still produces a valid row.
_AWARD_ISSUER = {
    "ky_niem_chuong_bvantq": ("QĐ-BCA", "Bộ Công an"),
    "bang_khen_thu_tuong": ("QĐ-TTg", "Thủ tướng Chính phủ"),
    "bang_khen_bo_truong": ("QĐ-BCA", "Bộ trưởng Bộ Công an"),
    "bang_khen_ubnd_tinh": ("QĐ-UBND", "UBND {province}"),
    "giay_khen_cong_an_tinh": ("QĐ-CAT", "Giám đốc Công an {province}"),
    "giay_khen_ubnd_xa": ("QĐ-UBND", "UBND {ward}"),
}
_MODEL_SUFFIX = {
    "bo_cong_an": "QĐ-BCA",
    "bcd138_tinh": "QĐ-BCĐ138",
    "cong_an_tinh": "QĐ-CAT",
    "ubnd_tinh": "QĐ-UBND",
}

# Preferred legal bases by purpose, used when present in legal_documents.csv; otherwise a
# document of the right kind (or any) is chosen, so the foreign key always resolves.
_BASIS_ASSESSMENT = ("124/2021/TT-BCA",)
_BASIS_MODEL = ("06/2014/NĐ-CP", "124/2021/TT-BCA")
_BASIS_FESTIVAL = ("521/2005/QĐ-TTg",)
_BASIS_CLASS = ("510/QĐ-BCA-V05",)


# --- Schema access -----------------------------------------------------------------------------


def _enum(schema: ResourceSpec, name: str) -> list[str]:
    spec = schema.field(name)
    values = spec.enum if spec else None
    if not values:
        raise ValueError(f"schema field {name!r} has no enum constraint")
    return values


def _bounds(schema: ResourceSpec, name: str, default: tuple[float, float]) -> tuple[float, float]:
    spec = schema.field(name)
    c = spec.constraints if spec else {}
    return float(c.get("minimum", default[0])), float(c.get("maximum", default[1]))


def _label(schema: ResourceSpec, name: str, value: str) -> str:
    spec = schema.field(name)
    return spec.labels.get(value, value) if spec else value


def _weights(values: Sequence[str], prefs: dict[str, float], default: float) -> list[float]:
    # Weights follow the enum order; values absent from prefs (new in the schema) get `default`.
    return [prefs.get(v, default) for v in values]


# --- Reference data ----------------------------------------------------------------------------


class _Ward(NamedTuple):
    code: str
    name: str  # "Xã Tân Kỳ"
    lname: str  # "xã Tân Kỳ", for use inside a sentence
    short: str
    kind: str
    province: str
    lat: float | None
    lon: float | None


class _Model(NamedTuple):
    id: str
    province: str
    started: int
    name: str
    title: str  # the name without "Mô hình" and place, for quoting in award reasons
    field: str
    stopped: bool = False  # status "ngung": its sites count for no xã (TT 124 check)


class _Province(NamedTuple):
    code: str
    lname: str  # "thành phố Hải Phòng"
    wards: list[_Ward]


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """A source table through the raw reader (Excel's CSV UTF-8 reads as the plain form)."""
    table, problems = open_table(path, display_path(path), path.stem)
    if table is None:
        raise AntqError([p.line() for p in problems])
    return table.header, [cells for _, cells in table.rows() if any(cells)]


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _to_float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and rows (None → empty cell) with `\\n` line endings; return the count."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        it = iter(rows)
        while batch := list(islice(it, _BATCH)):
            writer.writerows(batch)
            n += len(batch)
    return n


def _write_table(
    path: Path, schema: ResourceSpec, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Write rows produced in `columns` order in the schema's field order.

    The generators below produce the schema order already; the reordering only matters after a
    schema change (a field added, removed or moved), which then still yields a valid file.
    """
    names = schema.field_names
    if list(columns) == names:
        return _write_rows(path, names, rows)
    index = [columns.index(f) if f in columns else -1 for f in names]
    reordered = (tuple(r[i] if i >= 0 else None for i in index) for r in rows)
    return _write_rows(path, names, reordered)


class _Generator:
    """Holds the reference data and the schemas; one method per generated resource."""

    def __init__(self, source: Path, out: Path, scale: Scale, seed: int) -> None:
        self.source = source
        self.out = out
        self.scale = scale
        self.seed = seed
        self.years = scale["years"]
        package = yaml.safe_load((source / "datapackage.yaml").read_text(encoding="utf-8"))
        self.package: dict[str, Any] = package
        # The schemas through the real loader (generator.data.schema), as validation reads them.
        spec, problems = load_package(source)
        if any(p.level == "error" for p in problems):
            raise AntqError([p.line() for p in problems])
        self.schemas: dict[str, ResourceSpec] = {r.name: r for r in spec.resources}
        self.paths: dict[str, str] = {r.name: r.rel_path for r in spec.resources}
        self.lat_bounds = _bounds(self.schemas["places"], "lat", (8.0, 23.5))
        self.lon_bounds = _bounds(self.schemas["places"], "lon", (102.0, 117.9))
        # Filled by the steps below and used by later resources.
        self.places_by_ward: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self.place_coords: dict[str, tuple[str | None, str | None]] = {}
        self.models: list[_Model] = []
        # ward code → first year a working model site started there: a xã is recognised
        # "đạt" only from then on (validate's tt124-xa-without-model).
        self.site_years: dict[str, int] = {}

    def rng(self, resource: str) -> random.Random:
        # One stream per resource, seeded from a string (hashed with SHA-512 by `random`, so not
        # affected by PYTHONHASHSEED): a change in one generator does not reshuffle the others.
        return random.Random(f"antq-synth:{self.seed}:{resource}")

    # --- copied tables ---

    def copy_reference(self) -> dict[str, int]:
        """Copy units, legacy units, code changes and legal documents; load what is needed."""
        counts: dict[str, int] = {}
        provinces = self.scale["provinces"]
        header, units = _read_csv(self.source / self.paths["units"])
        col = {name: i for i, name in enumerate(header)}
        if provinces is not None:
            keep = set(provinces)
            units = [r for r in units if r[col["code"]] in keep or r[col["parent_code"]] in keep]
        counts["units"] = self._copy_or_write("units", header, units, provinces is None)
        kept_units = {r[col["code"]] for r in units}

        # Legacy units: for a subset, keep rows whose replacement is kept (or none) and whose
        # parent chain is kept, so both self- and cross-references still resolve.
        lheader, legacy = _read_csv(self.source / self.paths["legacy_units"])
        lcol = {name: i for i, name in enumerate(lheader)}
        if provinces is not None:
            legacy = [
                r
                for r in legacy
                if r[lcol["replaced_by"]] in kept_units or not r[lcol["replaced_by"]]
            ]
            while True:
                codes = {r[lcol["code"]] for r in legacy}
                pruned = [
                    r
                    for r in legacy
                    if not r[lcol["parent_code"]] or r[lcol["parent_code"]] in codes
                ]
                if len(pruned) == len(legacy):
                    break
                legacy = pruned
        counts["legacy_units"] = self._copy_or_write(
            "legacy_units", lheader, legacy, provinces is None
        )
        legacy_names = {r[lcol["code"]]: r[lcol["full_name"]] for r in legacy}
        # Places give the old name as people say it: "xã Cộng Lạc, huyện Tứ Kỳ, tỉnh Hải Dương".
        spoken = {
            code: ", ".join(_lower_first(part) for part in name.split(", "))
            for code, name in legacy_names.items()
        }

        cheader, changes = _read_csv(self.source / self.paths["unit_changes"])
        ccol = {name: i for i, name in enumerate(cheader)}
        if provinces is not None:
            changes = [
                r
                for r in changes
                if r[ccol["new_code"]] in kept_units and r[ccol["legacy_code"]] in legacy_names
            ]
        counts["unit_changes"] = self._copy_or_write(
            "unit_changes", cheader, changes, provinces is None
        )

        dheader, docs = _read_csv(self.source / self.paths["legal_documents"])
        counts["legal_documents"] = self._copy_or_write("legal_documents", dheader, docs, True)
        dcol = {name: i for i, name in enumerate(dheader)}
        self.legal_ids: list[str] = [r[dcol["id"]] for r in docs]
        if not self.legal_ids:
            raise ValueError("legal_documents.csv is empty: legal_basis cannot resolve")

        # Provinces and wards in code order (the file order, made explicit for determinism).
        by_code = {r[col["code"]]: r for r in units if not r[col["valid_to"]]}
        self.provinces: dict[str, _Province] = {}
        for code in sorted(c for c in by_code if len(c) == 2):
            self.provinces[code] = _Province(code, _lower_first(by_code[code][col["name"]]), [])
        self.wards: list[_Ward] = []
        for code in sorted(c for c in by_code if len(c) == 5):
            r = by_code[code]
            prov = self.provinces.get(r[col["parent_code"]])
            if prov is None:
                continue  # orphan ward: nothing can refer to it consistently
            name = unicodedata.normalize("NFC", r[col["name"]])
            ward = _Ward(
                code,
                name,
                _lower_first(name),
                unicodedata.normalize("NFC", r[col["short_name"]]),
                r[col["kind"]],
                prov.code,
                _to_float(r[col["lat"]]),
                _to_float(r[col["lon"]]),
            )
            self.wards.append(ward)
            prov.wards.append(ward)
        # Provinces without wards cannot host places or models.
        self.provinces = {k: p for k, p in self.provinces.items() if p.wards}
        if not self.wards:
            raise ValueError("no current wards in units.csv for the chosen scale")

        # Old communes merged into each new ward (5-digit codes only), for legacy_unit_code.
        self.legacy_of: dict[str, list[tuple[str, str]]] = {}
        for r in changes:
            old, new = r[ccol["legacy_code"]], r[ccol["new_code"]]
            if len(old) == 5 and old in legacy_names:
                self.legacy_of.setdefault(new, []).append((old, spoken[old]))
        return counts

    def _copy_or_write(
        self, name: str, header: list[str], rows: list[list[str]], whole: bool
    ) -> int:
        target = self.out / self.paths[name]
        if whole:
            shutil.copyfile(self.source / self.paths[name], target)
            return len(rows)
        return _write_rows(target, header, rows)

    # --- helpers ---

    def basis(self, preferred: Sequence[str], kind_hint: str) -> str:
        for doc_id in preferred:
            if doc_id in self.legal_ids:
                return doc_id
        for doc_id in self.legal_ids:
            if kind_hint in doc_id:
                return doc_id
        return self.legal_ids[0]

    def near(self, rng: random.Random, ward: _Ward) -> tuple[str | None, str | None]:
        """A point within ±0.02° of the ward centre, clamped to the schema bounds."""
        if ward.lat is None or ward.lon is None:
            return None, None
        lat = min(max(ward.lat + rng.uniform(-0.02, 0.02), self.lat_bounds[0]), self.lat_bounds[1])
        lon = min(max(ward.lon + rng.uniform(-0.02, 0.02), self.lon_bounds[0]), self.lon_bounds[1])
        return f"{lat:.5f}", f"{lon:.5f}"

    @staticmethod
    def day(rng: random.Random, start: date, end: date) -> str:
        return date.fromordinal(rng.randint(start.toordinal(), end.toordinal())).isoformat()

    # --- places ---

    def places(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        rng = self.rng("places")
        schema = self.schemas["places"]
        kinds = _enum(schema, "kind")
        # The ward itself is a place of kind "xa"; the rest are spread over wards by weight.
        own_kind = "xa" if "xa" in kinds else kinds[0]
        other_kinds = [k for k in kinds if k != own_kind]
        kind_w = _weights(
            other_kinds,
            {"khu_dan_cu": 0.72, "co_quan": 0.1, "doanh_nghiep": 0.09, "co_so_giao_duc": 0.09},
            0.02,
        )
        ward_w = [{"phuong": 1.4, "xa": 1.0}.get(w.kind, 0.6) for w in self.wards]
        extra = max(self.scale["places"] - len(self.wards), 0)
        counts: dict[tuple[int, str], int] = {}
        for wi, kind in zip(
            rng.choices(range(len(self.wards)), ward_w, k=extra),
            rng.choices(other_kinds, kind_w, k=extra),
            strict=True,
        ):
            counts[(wi, kind)] = counts.get((wi, kind), 0) + 1
        columns = [
            "id",
            "name",
            "kind",
            "unit_code",
            "legacy_unit_code",
            "legacy_unit_name",
            "lat",
            "lon",
        ]

        def rows() -> Iterator[tuple[object, ...]]:
            for wi, ward in enumerate(self.wards):
                by_kind: dict[str, list[tuple[str, str]]] = {}
                self.places_by_ward[ward.code] = by_kind
                lat, lon = self.near(rng, ward)
                pid = f"xa-{ward.code}"  # the convention of the real package
                by_kind[own_kind] = [(pid, ward.name)]
                self.place_coords[pid] = (lat, lon)
                yield pid, ward.name, own_kind, ward.code, None, None, lat, lon
                legacy = self.legacy_of.get(ward.code, [])
                for kind in other_kinds:
                    n = counts.get((wi, kind), 0)
                    if not n:
                        continue
                    names = self.place_names(rng, ward, kind, n)
                    abbr = _KIND_ABBR.get(kind, kind.replace("_", "-"))
                    lst = by_kind.setdefault(kind, [])
                    for i, name in enumerate(names, 1):
                        pid = f"{ward.code}-{abbr}-{i:03d}"
                        lat, lon = self.near(rng, ward)
                        self.place_coords[pid] = (lat, lon)
                        lst.append((pid, name))
                        old_code = old_name = None
                        # Most places know the commune they belonged to before the 2025 merger.
                        if legacy and rng.random() < 0.8:
                            old_code, old_name = legacy[rng.randrange(len(legacy))]
                        yield pid, name, kind, ward.code, old_code, old_name, lat, lon

        return columns, rows()

    def place_names(self, rng: random.Random, ward: _Ward, kind: str, n: int) -> list[str]:
        if kind == "khu_dan_cu":
            kind_key = ward.kind
            if kind_key == "xa" and ward.province in _MOUNTAIN_PROVINCES:
                kind_key = "xa_mountain"
            prefixes = _HAMLET_PREFIX.get(kind_key, _HAMLET_PREFIX["xa"])
            prefix = prefixes[rng.randrange(len(prefixes))]
            pool = list(_HAMLET_NAMES)
            rng.shuffle(pool)
            out = []
            for i in range(1, n + 1):
                # Numbered areas ("Thôn 5", "Tổ dân phố 12") are the common case; names are
                # taken without repetition inside a ward.
                if pool and rng.random() < 0.35:
                    out.append(f"{prefix} {pool.pop()}")
                else:
                    out.append(f"{prefix} {i}")
            return out
        if kind == "co_quan":
            templates = _OFFICES
        elif kind == "doanh_nghiep":
            templates = _BUSINESS_KIND
        elif kind == "co_so_giao_duc":
            # Schools cycle through levels, then repeat with "A", "B", "số 2"… suffixes.
            return [
                _SCHOOLS[i % len(_SCHOOLS)].format(short=ward.short)
                + _SCHOOL_SUFFIX[min(i // len(_SCHOOLS), len(_SCHOOL_SUFFIX) - 1)]
                for i in range(n)
            ]
        else:
            return [f"{ward.short} {i}" for i in range(1, n + 1)]
        return [
            templates[rng.randrange(len(templates))].format(ward=ward.lname, short=ward.short)
            for _ in range(n)
        ]

    # --- assessments ---

    def assessments(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        rng = self.rng("assessments")
        schema = self.schemas["assessments"]
        results = _enum(schema, "result")
        result_w = _weights(results, {"dat": 0.92, "chua_dat": 0.08}, 0.02)
        passed = "dat" if "dat" in results else results[0]
        not_passed = next((r for r in results if r != passed), passed)
        basis = self.basis(_BASIS_ASSESSMENT, "TT-BCA")
        total = sum(len(v) for kinds in self.places_by_ward.values() for v in kinds.values())
        keep_p = min(1.0, self.scale["assessments"] / max(total * len(self.years), 1))
        columns = [
            "place_id",
            "year",
            "result",
            "decision_no",
            "decision_date",
            "issuer",
            "legal_basis",
        ]

        # One recognition decision per ward and year (UBND cấp xã for residential areas,
        # agencies and schools), one per province and year for the wards themselves.
        prov_dec = {
            (p.code, y): (
                f"{rng.randint(1000, 4999)}/QĐ-UBND",
                self.day(rng, date(y, 11, 20), date(y, 12, 31)),
                f"UBND {p.lname}",
            )
            for p in self.provinces.values()
            for y in self.years
        }

        def rows() -> Iterator[tuple[object, ...]]:
            for ward in self.wards:
                decisions = {}
                for y in self.years:
                    ward_dec = (
                        f"{rng.randint(1, 999)}/QĐ-UBND",
                        self.day(rng, date(y, 11, 16), date(y, 12, 31)),
                        f"UBND {ward.lname}",
                    )
                    decisions[y] = (ward_dec, prov_dec[(ward.province, y)])
                for kind, places in self.places_by_ward[ward.code].items():
                    for pid, name in places:
                        # Schools the province manages are recognised by the province (TT 124
                        # Điều 10: a xã recognises only what it manages).
                        provincial = name.startswith(_PROVINCIAL_PREFIXES)
                        level = 1 if kind == "xa" or provincial else 0
                        for y in self.years:
                            if keep_p < 1.0 and rng.random() >= keep_p:
                                continue
                            result = rng.choices(results, result_w)[0]
                            first_site = self.site_years.get(ward.code)
                            if kind == "xa" and (first_site is None or first_site > y):
                                result = not_passed
                            if result == passed:
                                no, when, issuer = decisions[y][level]
                                yield pid, y, result, no, when, issuer, basis
                            else:
                                yield pid, y, result, None, None, None, basis

        return columns, rows()

    # --- targets ---

    def targets(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        """Each province's own "phấn đấu" targets for the latest year (its yearly plan)."""
        columns = ["unit_code", "legacy_unit_code", "year", "kind", "percent", "source"]
        columns.append("legal_basis")
        year = self.years[-1]
        rows = [
            (prov.code, None, year, kind, percent, f"Kế hoạch năm {year} của {prov.lname}", None)
            for prov in self.provinces.values()
            for kind, percent in (("xa", "100"), ("khu_dan_cu", "95"))
        ]
        return columns, iter(rows)

    # --- movement classes ---

    def movement_classes(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        rng = self.rng("movement_classes")
        classes = _enum(self.schemas["movement_classes"], "class")  # best first
        n = len(classes)
        # Score thresholds 90 / 70 / 50 for four classes; spread evenly for another count.
        cuts = [90 - 40 * i / (n - 2) for i in range(n - 1)] if n > 2 else [70.0][: n - 1]
        columns = ["unit_code", "year", "score", "class", "decision_no"]
        prov_no = {
            (p, y): f"{rng.randint(100, 999)}/QĐ-UBND" for p in self.provinces for y in self.years
        }

        def classify(score: float) -> str:
            for i, cut in enumerate(cuts):
                if score >= cut:
                    return classes[i]
            return classes[-1]

        def rows() -> Iterator[tuple[object, ...]]:
            for ward in self.wards:
                for y in self.years:
                    # Mostly good or fair; a few weak wards so that every class occurs.
                    mean = 45.0 if rng.random() < 0.02 else 82.0
                    score = round(min(100.0, max(20.0, rng.gauss(mean, 8))), 1)
                    yield ward.code, y, f"{score:.1f}", classify(score), prov_no[(ward.province, y)]

        return columns, rows()

    # --- models ---

    def models_rows(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        rng = self.rng("models")
        schema = self.schemas["models"]
        fields = _enum(schema, "field")
        field_w = _weights(
            fields, {"tu_quan": 4, "camera": 2, "an_ninh_mang": 1.5, "hoa_giai": 1.5}, 1.0
        )
        levels = _enum(schema, "recognised_by")
        level_w = _weights(
            levels, {"cong_an_tinh": 5, "ubnd_tinh": 3, "bcd138_tinh": 2, "bo_cong_an": 0.5}, 1.0
        )
        statuses = _enum(schema, "status")
        status_w = _weights(statuses, {"dang_hoat_dong": 90, "tam_dung": 6, "ngung": 4}, 1.0)
        basis = self.basis(_BASIS_MODEL, "BCA")
        provs = list(self.provinces.values())
        prov_w = [len(p.wards) for p in provs]
        seq: dict[tuple[str, str], int] = {}
        last_year = max(self.years)
        rows: list[tuple[object, ...]] = []
        for _ in range(self.scale["models"]):
            prov = rng.choices(provs, prov_w)[0]
            field = rng.choices(fields, field_w)[0]
            ward = prov.wards[rng.randrange(len(prov.wards))]
            names = _MODEL_NAMES.get(field) or (_label(schema, "field", field),)
            title = names[rng.randrange(len(names))]
            name = f"Mô hình “{title}” {ward.lname}"
            key = (prov.code, field)
            seq[key] = seq.get(key, 0) + 1
            mid = f"{prov.code}-{field.replace('_', '-')}-{seq[key]:04d}"
            started = rng.randint(1995, last_year - 1)
            level = rng.choices(levels, level_w)[0]
            dec_year = rng.randint(started, last_year)
            description = " ".join(rng.sample(_MODEL_DESCRIPTIONS, 2))
            status = rng.choices(statuses, status_w)[0]
            self.models.append(
                _Model(mid, prov.code, started, name, title, field, status == "ngung")
            )
            rows.append(
                (
                    mid,
                    name,
                    field,
                    description,
                    prov.code,
                    level,
                    f"{rng.randint(1, 999)}/{_MODEL_SUFFIX.get(level, 'QĐ-UBND')}",
                    self.day(rng, date(dec_year, 1, 2), date(dec_year, 12, 28)),
                    basis,
                    status,
                    started,
                )
            )
        columns = [
            "id",
            "name",
            "field",
            "description",
            "province_code",
            "recognised_by",
            "decision_no",
            "decision_date",
            "legal_basis",
            "status",
            "started",
        ]
        return columns, iter(rows)

    # --- model sites ---

    def model_sites(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        rng = self.rng("model_sites")
        target = self.scale["model_sites"]
        n_models = len(self.models)
        # Every model has a site; the rest follow a skewed (log-normal) popularity so that a
        # few models are replicated widely, as in reality.
        popularity = [rng.lognormvariate(0, 1) for _ in range(n_models)]
        per_model = [1] * n_models
        for mi in rng.choices(range(n_models), popularity, k=max(target - n_models, 0)):
            per_model[mi] += 1
        last = date(max(self.years), 6, 30)
        columns = [
            "id",
            "model_id",
            "unit_code",
            "place_id",
            "teams",
            "members",
            "started",
            "exemplar",
            "lat",
            "lon",
        ]

        def rows() -> Iterator[tuple[object, ...]]:
            for model, count in zip(self.models, per_model, strict=True):
                mid = model.id
                wards = self.provinces[model.province].wards
                first = date(max(model.started, 2000), 1, 1)
                kind = _SITE_PLACE_KIND.get(model.field, "khu_dan_cu")
                for k in range(1, count + 1):
                    ward = wards[rng.randrange(len(wards))]
                    place_id = None
                    lat, lon = self.near(rng, ward)
                    if rng.random() < 0.7:
                        candidates = self.places_by_ward[ward.code].get(kind)
                        if candidates:
                            place_id = candidates[rng.randrange(len(candidates))][0]
                            lat, lon = self.place_coords[place_id]
                    teams = rng.randint(1, 12)
                    started = self.day(rng, first, last)
                    if not model.stopped:
                        year = int(str(started)[:4])
                        self.site_years[ward.code] = min(year, self.site_years.get(ward.code, year))
                    yield (
                        f"{mid}-{k:04d}",
                        mid,
                        ward.code,
                        place_id,
                        teams,
                        teams * rng.randint(3, 15),
                        started,
                        "true" if rng.random() < 0.08 else "false",
                        lat,
                        lon,
                    )

        return columns, rows()

    # --- Tổ bảo vệ an ninh, trật tự ở cơ sở (issue 14 item 2) ---

    def security_teams(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        """One tổ per thôn/tổ dân phố (khu dân cư place) of every xã, set up from 01/7/2024
        (Luật 30/2023/QH15); 3–8 members, as provincial criteria set them. Needs places()."""
        rng = self.rng("security_teams")
        columns = [
            "id",
            "unit_code",
            "area_name",
            "place_id",
            "members",
            "established",
            "decision_no",
        ]
        start, end = date(2024, 7, 1), date(2024, 9, 30)

        def rows() -> Iterator[tuple[object, ...]]:
            for ward in self.wards:
                areas = self.places_by_ward.get(ward.code, {}).get("khu_dan_cu", [])
                if not areas:
                    continue
                established = self.day(rng, start, end)
                decision = f"{rng.randint(10, 400)}/QĐ-UBND"
                for place_id, name in areas:
                    yield (
                        f"to-antt-{place_id}",
                        ward.code,
                        name,
                        place_id,
                        rng.choice((3, 3, 3, 4, 4, 5, 6, 8)),
                        established,
                        decision,
                    )

        return columns, rows()

    # --- awards ---

    def awards(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        rng = self.rng("awards")
        schema = self.schemas["awards"]
        kinds = _enum(schema, "recipient_kind")
        person = "ca_nhan" if "ca_nhan" in kinds else kinds[0]
        group = "tap_the" if "tap_the" in kinds else kinds[-1]
        awards = _enum(schema, "award")
        award_w = _weights(
            awards,
            {
                "giay_khen_ubnd_xa": 40,
                "giay_khen_cong_an_tinh": 25,
                "bang_khen_ubnd_tinh": 20,
                "bang_khen_bo_truong": 8,
                "ky_niem_chuong_bvantq": 5,
                "bang_khen_thu_tuong": 2,
            },
            5,
        )
        models_by_prov: dict[str, list[_Model]] = {}
        for m in self.models:
            models_by_prov.setdefault(m.province, []).append(m)
        seq: dict[int, int] = {}
        columns = [
            "id",
            "year",
            "recipient_kind",
            "recipient_name",
            "unit_code",
            "award",
            "reason",
            "decision_no",
            "decision_date",
            "issuer",
            "model_id",
            "legal_basis",
        ]
        # The award law in force on the decision date (Luật Thi đua, khen thưởng 2003 until
        # 31/12/2023, 2022 from 01/01/2024), when the package's legal_documents has it.
        old_law = "15/2003/QH11" if "15/2003/QH11" in self.legal_ids else None
        new_law = "06/2022/QH15" if "06/2022/QH15" in self.legal_ids else None

        def rows() -> Iterator[tuple[object, ...]]:
            for _ in range(self.scale["awards"]):
                year = self.years[rng.randrange(len(self.years))]
                seq[year] = seq.get(year, 0) + 1
                award = rng.choices(awards, award_w)[0]
                ward = self.wards[rng.randrange(len(self.wards))]
                province = self.provinces[ward.province]
                # Commune-level awards go to the ward; higher ones sometimes to the province.
                at_province = award != "giay_khen_ubnd_xa" and rng.random() < 0.15
                unit = province.code if at_province else ward.code
                if award == "ky_niem_chuong_bvantq" or rng.random() < 0.15:
                    kind = person
                    if rng.random() < 0.6:
                        name = (
                            f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_M)} {rng.choice(_GIVEN_M)}"
                        )
                    else:
                        name = (
                            f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_F)} {rng.choice(_GIVEN_F)}"
                        )
                else:
                    kind = group
                    name = self.collective(rng, ward, province, at_province)
                model_id = None
                if award == "ky_niem_chuong_bvantq":
                    reason = _AWARD_REASON_KNC
                else:
                    reason = _AWARD_REASONS[rng.randrange(len(_AWARD_REASONS))].format(year=year)
                    candidates = models_by_prov.get(province.code)
                    if candidates and rng.random() < 0.2:
                        model = candidates[rng.randrange(len(candidates))]
                        if model.started <= year:
                            model_id = model.id
                            reason = _AWARD_REASON_MODEL.format(model=model.title)
                suffix, issuer = _AWARD_ISSUER.get(award, ("QĐ-UBND", "UBND {province}"))
                # Most awards follow the Ngày hội (19/8) or the year-end review.
                if rng.random() < 0.4:
                    when = self.day(rng, date(year, 8, 1), date(year, 8, 31))
                else:
                    when = self.day(rng, date(year, 11, 15), date(year, 12, 31))
                yield (
                    f"kt-{year}-{seq[year]:05d}",
                    year,
                    kind,
                    name,
                    unit,
                    award,
                    reason,
                    f"{rng.randint(1, 4999)}/{suffix}",
                    when,
                    issuer.format(province=province.lname, ward=ward.lname),
                    model_id,
                    old_law if str(when) < "2024-01-01" else new_law,
                )

        return columns, rows()

    def collective(
        self, rng: random.Random, ward: _Ward, province: _Province, at_province: bool
    ) -> str:
        if at_province:
            return _COLLECTIVES_PROVINCE[rng.randrange(len(_COLLECTIVES_PROVINCE))].format(
                province=province.lname
            )
        r = rng.random()
        places = self.places_by_ward[ward.code]
        if r < 0.5 and places.get("khu_dan_cu"):
            lst = places["khu_dan_cu"]
            place = _lower_first(lst[rng.randrange(len(lst))][1])
            template = _COLLECTIVES_PLACE[rng.randrange(len(_COLLECTIVES_PLACE))]
            return template.format(place=place, ward=ward.lname)
        if r < 0.65:
            for kind in ("co_so_giao_duc", "doanh_nghiep", "co_quan"):
                if places.get(kind):
                    lst = places[kind]
                    return lst[rng.randrange(len(lst))][1]
        return _COLLECTIVES_WARD[rng.randrange(len(_COLLECTIVES_WARD))].format(ward=ward.lname)

    # --- events ---

    def events(self) -> tuple[list[str], Iterator[tuple[object, ...]]]:
        rng = self.rng("events")
        schema = self.schemas["events"]
        kinds = _enum(schema, "kind")
        recurrences = _enum(schema, "recurrence")
        yearly = "hang_nam" if "hang_nam" in recurrences else recurrences[-1]
        once = "khong" if "khong" in recurrences else recurrences[0]

        def k(value: str) -> str:
            return value if value in kinds else kinds[-1]

        basis = self.basis(_BASIS_ASSESSMENT, "TT-BCA")
        rows: list[tuple[object, ...]] = [
            (
                "ngay-hoi-toan-dan-bao-ve-antq",
                "Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
                k("ngay_hoi"),
                "2005-08-19",
                yearly,
                None,
                None,
                "Tổ chức ở khu dân cư, xã, phường, đặc khu trên cả nước.",
                self.basis(_BASIS_FESTIVAL, "QĐ-TTg"),
            ),
            (
                "ngay-truyen-thong-cand",
                "Ngày truyền thống Công an nhân dân",
                k("ky_niem"),
                "1945-08-19",
                yearly,
                None,
                None,
                None,
                None,
            ),
            (
                "han-danh-gia-an-toan-antt",
                "Hạn hoàn thành đánh giá, công nhận “An toàn về an ninh, trật tự”",
                k("bao_cao"),
                "2022-11-15",
                yearly,
                None,
                None,
                "Khu dân cư đánh giá đến 31/10; các loại khác đến 15/11.",
                basis,
            ),
        ]
        provs = list(self.provinces.values())
        n = 0
        while len(rows) < self.scale["events"]:
            n += 1
            year = self.years[rng.randrange(len(self.years))]
            r = rng.random()
            if r < 0.5:
                ward = self.wards[rng.randrange(len(self.wards))]
                rows.append(
                    (
                        f"ngay-hoi-{year}-{ward.code}-{n}",
                        f"Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm {year} tại {ward.lname}",
                        k("ngay_hoi"),
                        self.day(rng, date(year, 8, 1), date(year, 8, 31)),
                        once,
                        None,
                        ward.code,
                        "Điểm tổ chức Ngày hội của tỉnh, thành phố.",
                        None,
                    )
                )
            elif r < 0.8:
                prov = provs[rng.randrange(len(provs))]
                half = rng.random() < 0.5
                title = "Hội nghị sơ kết 6 tháng" if half else "Hội nghị tổng kết"
                when = (
                    self.day(rng, date(year, 6, 15), date(year, 7, 20))
                    if half
                    else self.day(rng, date(year, 12, 1), date(year, 12, 28))
                )
                rows.append(
                    (
                        f"hoi-nghi-{year}-{prov.code}-{n}",
                        f"{title} phong trào toàn dân bảo vệ an ninh Tổ quốc năm {year}, "
                        f"{prov.lname}",
                        k("hoi_nghi"),
                        when,
                        once,
                        None,
                        prov.code,
                        None,
                        None,
                    )
                )
            else:
                prov = provs[rng.randrange(len(provs))]
                rows.append(
                    (
                        f"bao-cao-{year}-{prov.code}-{n}",
                        f"Hạn gửi báo cáo kết quả phân loại phong trào năm {year}, {prov.lname}",
                        k("bao_cao"),
                        self.day(rng, date(year, 12, 1), date(year, 12, 20)),
                        once,
                        None,
                        prov.code,
                        None,
                        self.basis(_BASIS_CLASS, "QĐ-BCA"),
                    )
                )
        columns = [
            "id",
            "title",
            "kind",
            "date",
            "recurrence",
            "valid_until",
            "unit_code",
            "description",
            "legal_basis",
        ]
        return columns, iter(rows[: self.scale["events"]])


# Short id infixes for place kinds; an unknown (new) kind uses its value with hyphens.
_KIND_ABBR = {"khu_dan_cu": "kdc", "co_quan": "cq", "doanh_nghiep": "dn", "co_so_giao_duc": "gd"}
# Which place kind a model site sits in, by model field; default residential area.
_SITE_PLACE_KIND = {
    "truong_hoc": "co_so_giao_duc",
    "doanh_nghiep": "doanh_nghiep",
    "giao_thong": "co_so_giao_duc",
}


def write_package(
    out: Path,
    scale: str,
    seed: int,
    source: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic data package to `out`; return rows written per CSV file name.

    `progress`, if given, is called with each resource name as its file is started (the
    national package takes a few seconds). `source` defaults to the project's data/ package
    (looked up at call time so tests can point DEFAULT_SOURCE elsewhere).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    out = Path(out)
    source = Path(source) if source is not None else DEFAULT_SOURCE
    (out / "schemas").mkdir(parents=True, exist_ok=True)
    gen = _Generator(source, out, SCALES[scale], seed)

    # Descriptor: unchanged except that it says it is synthetic.
    package = dict(gen.package)
    package["description"] = SYNTHETIC_DESCRIPTION.format(scale=scale, seed=seed)
    (out / "datapackage.yaml").write_text(
        yaml.safe_dump(package, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    for res in gen.package["resources"]:
        schema_path = res.get("schema")
        if isinstance(schema_path, str):
            (out / schema_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / schema_path, out / schema_path)

    def report(name: str) -> None:
        if progress is not None:
            progress(name)

    report("units")
    counts = gen.copy_reference()
    steps: list[tuple[str, Callable[[], tuple[list[str], Iterator[tuple[object, ...]]]]]] = [
        ("places", gen.places),
        # Models and their sites first: a xã is "đạt" only where a model works (assessments).
        ("models", gen.models_rows),
        ("model_sites", gen.model_sites),
        ("security_teams", gen.security_teams),
        ("assessments", gen.assessments),
        ("targets", gen.targets),
        ("movement_classes", gen.movement_classes),
        ("awards", gen.awards),
        ("events", gen.events),
    ]
    for name, step in steps:
        report(name)
        columns, rows = step()
        counts[name] = _write_table(out / gen.paths[name], gen.schemas[name], columns, rows)

    # Any other resource the descriptor gains later is copied as is, so the package stays whole.
    for name, path in gen.paths.items():
        if name not in counts and (source / path).is_file():
            report(name)
            shutil.copyfile(source / path, out / path)
            counts[name] = len(_read_csv(source / path)[1])

    # Keyed by file name, in descriptor order.
    return {gen.paths[name]: counts[name] for name in gen.paths if name in counts}
