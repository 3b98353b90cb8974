"""The catalogue of data problems: stable codes, Vietnamese messages and Excel hints.

Every problem antq reports about data comes from here, so the wording stays consistent and
another language can be added later by adding a catalogue. Codes are stable: tests, the
officials' guide and CI annotations refer to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.data.problems import Level, Problem


@dataclass(frozen=True)
class Entry:
    level: Level
    message: str
    hint: str | None = None


_SAVE_UTF8 = (
    "trong Excel chọn File → Save As → kiểu “CSV UTF-8 (Comma delimited)”; "
    "trong LibreOffice chọn Character set “Unicode (UTF-8)”"
)
_TEXT_COLUMN = (
    "Excel đã coi cột này là số: chọn cả cột → Format Cells → Text rồi gõ lại mã "
    "(hoặc gõ dấu ' trước mã)"
)
_PRIVACY = (
    "kho dữ liệu và trang web là công khai: xóa thông tin này "
    "(Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân)"
)

CATALOGUE: dict[str, Entry] = {
    # The package descriptor and schemas
    "descriptor-error": Entry("error", "{detail}", "sửa tệp mô tả rồi chạy lại “antq validate”"),
    # Files
    "missing-file": Entry(
        "error",
        "không tìm thấy tệp dữ liệu của bảng “{resource}”",
        "kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) hoặc sửa “path” trong datapackage.yaml",
    ),
    "file-too-large": Entry(
        "error",
        "tệp nặng {size_mb} MB, vượt giới hạn {limit_mb} MB nên không được đọc",
        "có lẽ đã lưu nhầm tệp; kiểm tra lại nội dung, hoặc tách bớt dữ liệu cũ sang tệp khác",
    ),
    "empty-file": Entry(
        "error",
        "tệp rỗng, không có cả dòng tiêu đề",
        "mở lại tệp gốc và lưu dạng CSV UTF-8; dòng 1 phải là tên các cột",
    ),
    "no-rows": Entry(
        "error",
        "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào",
        "kiểm tra xem có lỡ xóa hết dữ liệu không; khôi phục từ phiên bản trước trên kho git",
    ),
    "encoding-cp1258": Entry(
        "error",
        "tệp không phải UTF-8: có vẻ được lưu bằng Excel “CSV” kiểu Windows (bảng mã "
        "Windows-1258), byte lỗi đầu tiên ở dòng {line}",
        _SAVE_UTF8,
    ),
    "encoding-utf16": Entry(
        "error",
        "tệp được lưu dạng “Unicode Text” (UTF-16), không phải CSV UTF-8",
        _SAVE_UTF8,
    ),
    "encoding-not-utf8": Entry(
        "error",
        "tệp không phải UTF-8, byte lỗi đầu tiên ở dòng {line}",
        _SAVE_UTF8,
    ),
    "legacy-font": Entry(
        "error",
        "chữ Việt bị lỗi phông (kiểu TCVN3/VNI cũ): “{sample}”",
        "chuyển mã sang Unicode bằng Unikey (Công cụ chuyển mã: nguồn TCVN3 hoặc VNI, "
        "đích Unicode) rồi lưu lại dạng CSV UTF-8",
    ),
    "lost-characters": Entry(
        "error",
        "chữ Việt đã bị thay bằng dấu “?”: “{sample}” — không thể khôi phục tự động",
        "gõ lại nội dung có dấu rồi lưu dạng CSV UTF-8 (đừng lưu kiểu “CSV (Comma delimited)”)",
    ),
    "nfd-text": Entry(
        "warning",
        "chữ Việt ở dạng tổ hợp (NFD); đã dùng dạng dựng sẵn (NFC) “{nfc}”",
        "không bắt buộc; nên gõ lại bằng bộ gõ Unicode dựng sẵn để tìm kiếm, so khớp chính xác",
    ),
    # Header
    "missing-label": Entry(
        "error",
        "thiếu cột “{field}” ({title})",
        "thêm cột có tiêu đề đúng là “{field}” ở dòng 1",
    ),
    "extra-label": Entry(
        "error",
        "cột thừa “{label}” không có trong lược đồ của bảng “{resource}”",
        "xóa cột này, hoặc đề nghị người quản trị thêm trường vào lược đồ",
    ),
    "renamed-label": Entry(
        "error",
        "tiêu đề cột là “{label}”, phải là “{field}” ({title})",
        "sửa tiêu đề ở dòng 1 thành “{field}” (không dấu, chữ thường, gạch dưới)",
    ),
    "duplicate-label": Entry(
        "error",
        "cột “{label}” xuất hiện hai lần",
        "xóa một trong hai cột trùng tên",
    ),
    "blank-label": Entry(
        "error",
        "cột không có tiêu đề",
        "ghi tiêu đề cho cột ở dòng 1, hoặc xóa cột nếu thừa",
    ),
    # Rows and cells
    "blank-row": Entry("error", "dòng trống", "xóa dòng trống này"),
    "extra-cell": Entry(
        "error",
        "dòng có nhiều ô hơn số cột ({cell})",
        "có thể một ô chứa dấu phẩy mà không nằm trong ngoặc kép; kiểm tra lại dòng này",
    ),
    "missing-cell": Entry(
        "error",
        "dòng thiếu ô cho cột này",
        "thêm ô còn thiếu (có thể để trống nếu không bắt buộc)",
    ),
    "type-error": Entry(
        "error",
        "giá trị “{cell}” không phải {type_vi}",
        "{type_hint}",
    ),
    "date-dmy": Entry(
        "error",
        "ngày “{cell}” viết theo kiểu ngày/tháng/năm; phải viết năm-tháng-ngày: {iso}",
        "trong Excel chọn cột → Format Cells → Custom → gõ yyyy-mm-dd, rồi lưu lại",
    ),
    "decimal-comma": Entry(
        "error",
        "số “{cell}” dùng dấu phẩy thập phân; phải dùng dấu chấm: {fixed}",
        "trong Excel đổi dấu thập phân thành dấu chấm (File → Options → Advanced → "
        "Decimal separator) hoặc gõ lại số",
    ),
    "required": Entry("error", "thiếu giá trị bắt buộc", "điền giá trị vào ô này"),
    "enum": Entry(
        "error",
        "giá trị “{cell}” không nằm trong danh sách cho phép: {allowed}",
        "{enum_hint}",
    ),
    "pattern": Entry(
        "error",
        "giá trị “{cell}” không đúng dạng quy định",
        "{pattern_hint}",
    ),
    "too-long": Entry(
        "error",
        "nội dung dài {length} ký tự, tối đa {limit}",
        "rút gọn nội dung ô này",
    ),
    "too-short": Entry("error", "nội dung ngắn hơn {limit} ký tự", "bổ sung nội dung ô này"),
    "below-minimum": Entry(
        "error", "giá trị {cell} nhỏ hơn mức tối thiểu {limit}", "kiểm tra lại con số"
    ),
    "above-maximum": Entry(
        "error", "giá trị {cell} lớn hơn mức tối đa {limit}", "kiểm tra lại con số"
    ),
    "coordinates-outside-vietnam": Entry(
        "error",
        "tọa độ {cell} nằm ngoài lãnh thổ Việt Nam ({axis} phải từ {low} đến {high})",
        "kiểm tra có bị đảo vĩ độ với kinh độ không; vĩ độ (lat) khoảng 8–23,5, "
        "kinh độ (lon) khoảng 102–117,9; dùng dấu chấm thập phân",
    ),
    "duplicate-key": Entry(
        "error",
        "khóa {key} bị trùng với dòng {other_row}{nfc_note}",
        "mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
    ),
    "foreign-key": Entry(
        "error",
        "giá trị “{cell}” không có trong cột “{ref_field}” của bảng “{ref_resource}”",
        "kiểm tra lại mã; danh sách mã đúng có trong tệp {ref_file}",
    ),
    "lost-leading-zero": Entry(
        "error",
        "mã “{cell}” đã mất số 0 ở đầu, đúng là “{fixed}” ({unit_name})",
        _TEXT_COLUMN,
    ),
    "legacy-unit": Entry(
        "warning",
        "mã “{cell}” là đơn vị cũ ({old_name}, trước 01/7/2025); đã quy về {new_name} "
        "(mã {new_code})",
        "ghi mã mới “{new_code}” vào cột này cho rõ",
    ),
    "legacy-unit-split": Entry(
        "warning",
        "mã “{cell}” là đơn vị cũ ({old_name}) đã bị chia cho nhiều đơn vị mới: {choices}; "
        "tạm dùng {new_name} (mã {new_code})",
        "hãy chọn đúng đơn vị mới mà nơi này thuộc về và ghi mã của đơn vị đó vào cột này",
    ),
    "legacy-mismatch": Entry(
        "warning",
        "đơn vị cũ “{legacy}” ({old_name}) không nằm trong {new_name} (mã {cell})",
        "kiểm tra lại mã đơn vị hiện nay hoặc mã đơn vị cũ",
    ),
    "personal-phone": Entry(
        "error",
        "ô có số điện thoại ({masked}): không được đăng thông tin liên lạc cá nhân",
        _PRIVACY,
    ),
    "personal-id": Entry(
        "error",
        "ô có dãy {digits} chữ số giống số CMND/CCCD ({masked}): không được đăng số định danh",
        _PRIVACY,
    ),
    "assessment-date": Entry(
        "warning",
        "ngày quyết định {date} nằm ngoài kỳ đánh giá năm {year} (từ {start} đến {end})",
        "kiểm tra lại năm đánh giá hoặc ngày ký quyết định",
    ),
    "lesson-front-matter": Entry(
        "error",
        "phần đầu bài học (giữa hai dòng ---) không đọc được: {detail}",
        "bài học phải mở đầu bằng dòng ---, các dòng “khóa: giá trị”, rồi một dòng --- nữa; "
        "xem mẫu trong một bài học có sẵn",
    ),
    "lesson-unknown-key": Entry(
        "error",
        "khóa “{field}” không có trong phần đầu bài học",
        "chỉ dùng các khóa: {allowed}",
    ),
    "lesson-quiz": Entry(
        "error",
        "phần tự kiểm tra chưa đúng mẫu: {detail}",
        "mỗi câu: dòng “1. Câu hỏi”, các phương án thụt 4 dấu cách “- [ ] …”, đúng một "
        "phương án “- [x] …”, rồi “> Giải thích: …”",
    ),
    "too-many-errors": Entry(
        "error",
        "có quá nhiều lỗi; chỉ hiện {limit} lỗi đầu tiên của tệp này",
        "sửa các lỗi trên rồi chạy lại để xem tiếp",
    ),
    "other": Entry("error", "{detail}", None),
    # -- Every data file, as the one raw reader opens it (generator.data.rawcsv): symlinks,
    #    control characters, stray files in data/, row ceilings.
    #    (entries of the raw reader go here)
    # -- Lessons: front matter, Markdown filters (attributes, links).
    #    (entries of lessons go here)
    "lesson-category-slug": Entry(
        "error",
        "mã “{cell}” không cho được địa chỉ trang riêng ({url}{other})",
        "dùng mã bằng chữ thường không dấu, chữ số và dấu gạch ngang, mỗi mã một địa chỉ",
    ),
    "lesson-control-character": Entry(
        "error",
        "dòng có ký tự điều khiển {char} (không nhìn thấy, không in ra được)",
        "xóa ký tự này (thường lẫn vào khi chép từ tệp khác); nếu không thấy, hãy gõ lại cả dòng",
    ),
    "lesson-attribute": Entry(
        "error",
        "thuộc tính “{attribute}” không được dùng trong bài học, nên đã bị bỏ khỏi trang",
        "bài học chỉ đặt được các thuộc tính {allowed} (id và class viết bằng chữ không dấu, "
        "chữ số, dấu gạch); không dùng thuộc tính sự kiện (on…), style, data-…, địa chỉ, "
        "và không gắn {{…}} vào dòng mở khối mã ```",
    ),
    "lesson-url": Entry(
        "error",
        "địa chỉ “{url}” không được dùng trong bài học, nên liên kết hoặc hình đã bị bỏ",
        "chỉ dùng địa chỉ bắt đầu bằng https://, http://, mailto:, tel:, một đường dẫn "
        "trong trang (/…) hoặc một neo (#…); không dùng javascript:, vbscript:, data:, file: "
        "(kể cả viết bằng mã &#…;) và không viết tắt bằng //",
    ),
    "lesson-file-name": Entry(
        "error",
        "tên tệp bài học “{name}” không dùng được làm địa chỉ trang",
        "đổi tên tệp thành “{suggestion}”: chỉ chữ thường không dấu, chữ số và dấu gạch ngang",
    ),
    "lesson-file-name-reserved": Entry(
        "error",
        "tên tệp bài học “{name}” trùng với mục “/bai-hoc/{slug}/” của thư viện bài học",
        "đặt tên khác cho tệp, ví dụ “{slug}-bai-hoc.md”",
    ),
    # -- The build: settings, the build's stages, limits on outputs, the build lock.
    #    (entries of the build go here)
    # -- antq check: a built site's links, head, personal data, secrets, budgets.
    #    (entries of antq check go here)
    # -- antq serve: the preview server.
    #    (entries of antq serve go here)
    # -- Web push: keys, the service, the store, the notifier.
    #    (entries of web push go here)
    # -- The command line: usage errors.
    #    (entries of the command line go here)
}


class MissingParameter(KeyError):
    """A catalogue entry was formatted without one of its parameters: a bug in antq (the
    line would reach an official with a raw placeholder in it)."""


class _Params(dict[str, Any]):
    """Format parameters that fail loudly on a placeholder nobody passed."""

    def __missing__(self, key: str) -> str:
        raise MissingParameter(key)


def problem(
    code: str,
    file: str,
    *,
    row: int | None = None,
    column: int | None = None,
    field: str | None = None,
    level: Level | None = None,
    **params: Any,
) -> Problem:
    entry = CATALOGUE[code]
    values = _Params(params, field=field)
    hint = entry.hint.format_map(values) if entry.hint else None
    return Problem(
        file=file,
        code=code,
        level=level or entry.level,
        message=entry.message.format_map(values),
        row=row,
        column=column,
        field=field,
        hint=hint or None,
    )


def say(code: str, **params: Any) -> str:
    """A catalogue line with no file location (the server, push, the command line):
    `lỗi: message [code] — Cách sửa: hint`."""
    return problem(code, "", **params).line()
