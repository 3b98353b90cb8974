"""Names, places and phrases the synthetic generator draws from (all NFC-normalised)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


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
# Short id infixes for place kinds; an unknown (new) kind uses its value with hyphens.
_KIND_ABBR = {"khu_dan_cu": "kdc", "co_quan": "cq", "doanh_nghiep": "dn", "co_so_giao_duc": "gd"}
# Which place kind a model site sits in, by model field; default residential area.
_SITE_PLACE_KIND = {
    "truong_hoc": "co_so_giao_duc",
    "doanh_nghiep": "doanh_nghiep",
    "giao_thong": "co_so_giao_duc",
}
