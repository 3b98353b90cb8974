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
    "kho dữ liệu và trang web là công khai: xóa thông tin này (Luật Bảo vệ dữ liệu cá nhân "
    "91/2025/QH15 và Nghị định 356/2025/NĐ-CP)"
)

_FIX_DESCRIPTOR = "sửa tệp mô tả rồi chạy lại “antq validate”"

CATALOGUE: dict[str, Entry] = {
    # The package descriptor and schemas
    # Frictionless' own check of the descriptor, after ours passed (its detail is English).
    "descriptor-error": Entry(
        "error", "tệp mô tả không hợp lệ theo Frictionless: {detail}", _FIX_DESCRIPTOR
    ),
    "data-dir-missing": Entry("error", "không tìm thấy thư mục dữ liệu “{root}”"),
    "descriptor-missing": Entry("error", "không tìm thấy {name} trong thư mục “{root}”"),
    "descriptor-yaml": Entry(
        "error", "tệp mô tả không đúng cú pháp YAML ({detail})", _FIX_DESCRIPTOR
    ),
    "descriptor-not-mapping": Entry(
        "error", "tệp mô tả phải là một bảng khóa–giá trị (YAML mapping)", _FIX_DESCRIPTOR
    ),
    "descriptor-profile": Entry(
        "error", "thiếu hoặc sai “$schema”: phải là {profile} (Data Package v2)", _FIX_DESCRIPTOR
    ),
    "descriptor-no-resources": Entry("error", "thiếu danh sách “resources”", _FIX_DESCRIPTOR),
    "resource-twice": Entry("error", "bảng “{resource}” được khai báo hai lần", _FIX_DESCRIPTOR),
    "resource-not-mapping": Entry(
        "error", "tài nguyên thứ {index} phải là một bảng khóa–giá trị", _FIX_DESCRIPTOR
    ),
    "resource-no-name": Entry("error", "tài nguyên thứ {index} thiếu “name”", _FIX_DESCRIPTOR),
    "resource-path": Entry(
        "error",
        "bảng “{resource}”: “path” phải là đường dẫn tương đối trong thư mục dữ liệu",
        _FIX_DESCRIPTOR,
    ),
    "resource-encoding": Entry(
        "error", "bảng “{resource}”: phải khai báo encoding: utf-8", _FIX_DESCRIPTOR
    ),
    "schema-missing": Entry(
        "error", "bảng “{resource}”: không tìm thấy tệp lược đồ “{schema}”", _FIX_DESCRIPTOR
    ),
    "schema-yaml": Entry(
        "error", "bảng “{resource}”: lược đồ không đúng cú pháp YAML ({detail})", _FIX_DESCRIPTOR
    ),
    "schema-no-fields": Entry(
        "error", "bảng “{resource}”: lược đồ phải có danh sách “fields”", _FIX_DESCRIPTOR
    ),
    "field-twice": Entry(
        "error", "bảng “{resource}”: trường “{name}” khai báo hai lần", _FIX_DESCRIPTOR
    ),
    "field-no-name": Entry(
        "error", "bảng “{resource}”: trường thứ {number} thiếu “name”", _FIX_DESCRIPTOR
    ),
    "field-type": Entry(
        "error",
        "bảng “{resource}”, trường “{name}”: kiểu dữ liệu “{ftype}” không hợp lệ; dùng một "
        "trong: string, integer, number, boolean, date",
        _FIX_DESCRIPTOR,
    ),
    "field-constraints": Entry(
        "error",
        "bảng “{resource}”, trường “{name}”: “constraints” phải là bảng khóa–giá trị",
        _FIX_DESCRIPTOR,
    ),
    "field-constraint-unknown": Entry(
        "error",
        "bảng “{resource}”, trường “{name}”: ràng buộc “{key}” không tồn tại",
        _FIX_DESCRIPTOR,
    ),
    "field-categories-enum": Entry(
        "error",
        "bảng “{resource}”, trường “{name}”: “categories” (nhãn tiếng Việt) phải có đúng các "
        "giá trị của “enum”",
        _FIX_DESCRIPTOR,
    ),
    "primary-key-field": Entry(
        "error", "bảng “{resource}”: khóa chính dùng trường không tồn tại “{key}”", _FIX_DESCRIPTOR
    ),
    "foreign-key-incomplete": Entry(
        "error", "bảng “{resource}”: khóa ngoại thiếu “fields” hoặc “reference”", _FIX_DESCRIPTOR
    ),
    "foreign-key-field": Entry(
        "error", "bảng “{resource}”: khóa ngoại dùng trường không tồn tại “{key}”", _FIX_DESCRIPTOR
    ),
    "foreign-key-table": Entry(
        "error",
        "bảng “{resource}”: khóa ngoại trỏ tới bảng không tồn tại “{target}”",
        _FIX_DESCRIPTOR,
    ),
    "foreign-key-target": Entry(
        "error",
        "bảng “{resource}”: khóa ngoại trỏ tới trường không tồn tại “{target}”",
        _FIX_DESCRIPTOR,
    ),
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
        "tọa độ {cell} nằm ngoài phạm vi tọa độ cho phép ({axis} phải từ {low} đến {high})",
        "kiểm tra có bị đảo vĩ độ với kinh độ không; vĩ độ (lat) khoảng 8–23,5, "
        "kinh độ (lon) khoảng 102–117,9; dùng dấu chấm thập phân",
    ),
    "duplicate-key": Entry(
        "error",
        "mã {key} trùng với dòng {other_row}{nfc_note}",
        "mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
    ),
    "foreign-key": Entry(
        "error",
        "giá trị “{cell}” không có trong cột “{ref_field}” của bảng “{ref_resource}”{suggestion}",
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
        "ô có dãy {digits} chữ số giống số định danh cá nhân/CCCD ({masked}): "
        "không được đăng số định danh",
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
    # antq validate's progress and closing lines (generator.data.validate, problems).
    "validate-progress": Entry("info", "Đang kiểm tra dữ liệu…"),
    "validate-progress-table": Entry("info", "Đang kiểm tra bảng “{name}”…"),
    "validate-clean": Entry(
        "info",
        "Dữ liệu hợp lệ: không có lỗi, không có cảnh báo ({files} tệp, {rows} dòng dữ liệu).",
    ),
    "validate-total": Entry(
        "info",
        "Tổng cộng: {errors} lỗi, {warnings} cảnh báo ({files} tệp, {rows} dòng dữ liệu).",
    ),
    # Hints of the cell lines above (type-error, enum, pattern) and an axis's name.
    "part-hint-date": Entry("info", "viết năm-tháng-ngày, ví dụ 2024-12-20"),
    "part-hint-integer": Entry(
        "info", "chỉ ghi chữ số, không dùng dấu chấm hay dấu phẩy ngăn cách hàng nghìn"
    ),
    "part-hint-number": Entry("info", "chỉ ghi số, dùng dấu chấm thập phân, ví dụ 21.0285"),
    "part-hint-boolean": Entry("info", "ghi true (đúng) hoặc false (sai)"),
    "part-hint-type": Entry("info", "sửa lại giá trị cho đúng kiểu"),
    "part-hint-enum-label": Entry("info", "có lẽ bạn muốn ghi “{value}” ({label})"),
    "part-hint-enum": Entry("info", "ghi đúng một trong các mã trên (chữ thường, không dấu)"),
    "part-hint-pattern": Entry("info", "xem mô tả của trường trong trang hướng dẫn cho cán bộ"),
    "part-axis-lat": Entry("info", "vĩ độ"),
    "part-axis-lon": Entry("info", "kinh độ"),
    # Parts of the lines above (a parameter's wording).
    "part-control-character": Entry("info", "ký tự điều khiển"),
    "part-nfc-note": Entry("info", " (hai giá trị chỉ khác nhau về dạng Unicode NFC/NFD)"),
    "data-symlink": Entry(
        "error",
        "là liên kết tượng trưng (symlink) nên không được đọc",
        "thư mục dữ liệu chỉ được chứa tệp thật: xóa liên kết, chép chính tệp vào chỗ của nó",
    ),
    "stray-file": Entry(
        "error",
        "tệp không thuộc gói dữ liệu",
        "thư mục dữ liệu chỉ chứa datapackage.yaml, README.md, schemas/*.yaml, các bảng khai "
        "báo trong datapackage.yaml, lessons/*.md, news/NĂM/TÊN-BÀI/ (index.md và ảnh) và "
        "geo/; xóa tệp này khỏi kho (nếu là khóa, "
        "mật khẩu hay tệp .env thì coi như đã lộ: đổi khóa, mật khẩu mới)",
    ),
    "office-lock-file": Entry(
        "warning",
        "tệp khóa do Excel/LibreOffice tạo ra khi đang mở một tệp, không thuộc gói dữ liệu",
        "đóng tệp đang mở trong Excel/LibreOffice; đừng đưa tệp khóa lên kho "
        "(nó ghi tên người dùng của máy tính)",
    ),
    "too-many-rows": Entry(
        "error",
        "bảng “{resource}” có {rows} dòng dữ liệu, vượt giới hạn {limit} dòng nên không được "
        "kiểm tra tiếp",
        "có lẽ đã dán nhầm dữ liệu: kiểm tra lại tệp; nếu số dòng là đúng, đề nghị người quản "
        "trị nâng “x-antq-max-rows” trong {schema}",
    ),
    "target-unit": Entry(
        "error",
        "mục tiêu phải ghi đúng một đơn vị: mã hiện nay hoặc mã trước 01/7/2025 (đang ghi {both})",
        "ghi mã đơn vị hiện nay vào unit_code, hoặc mã đơn vị cũ đã đặt mục tiêu vào "
        "legacy_unit_code, không ghi cả hai",
    ),
    "unknown-table": Entry(
        "error",
        "bảng “{resource}” không thuộc dữ liệu của phong trào mà trang web dùng",
        "xóa bảng này khỏi datapackage.yaml (hoặc sửa tên cho đúng); các bảng dùng được: {known}",
    ),
    "missing-table": Entry(
        "error",
        "thiếu bảng “{resource}” trong datapackage.yaml",
        "khôi phục mục “{resource}” trong danh sách resources từ phiên bản trước trên kho git",
    ),
    "resource-name": Entry(
        "error",
        "tài nguyên thứ {index}: tên “{name}” không hợp lệ",
        "tên bảng chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ, "
        "ví dụ legal_documents",
    ),
    "category-no-label": Entry(
        "error",
        "bảng “{resource}”: mục nhãn của mã “{value}” thiếu nhãn “label”",
        'ghi nhãn tiếng Việt: {{value: mã, label: "Nhãn"}}',
    ),
    "category-not-list": Entry(
        "error",
        "bảng “{resource}”: “categories” phải là danh sách các mục {{value, label}}",
        'mỗi dòng một mục: - {{value: mã, label: "Nhãn"}}',
    ),
    "resource-unknown-key": Entry(
        "error",
        "bảng “{resource}”: khóa “{key}” không có trong mô tả bảng (resource)",
        "sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: {allowed}",
    ),
    "field-unknown-key": Entry(
        "error",
        "bảng “{resource}”: trường có khóa lạ “{key}”",
        "sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: {allowed}",
    ),
    "category-entry": Entry(
        "error",
        "bảng “{resource}”: mục nhãn của mã “{value}” có khóa lạ “{keys}”",
        "mỗi mục phải có đúng hai khóa value và label; nhãn có dấu phẩy phải đặt trong ngoặc "
        'kép, ví dụ {{value: ma_tuy, label: "Phòng, chống ma túy"}}',
    ),
    "schema-unknown-key": Entry(
        "error",
        "bảng “{resource}”: khóa “{key}” không có trong lược đồ (Table Schema)",
        "sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: {allowed}",
    ),
    "schema-max-rows": Entry(
        "error",
        "bảng “{resource}”: “x-antq-max-rows” phải là số nguyên dương, không phải “{value}”",
        "ghi số dòng tối đa của bảng, ví dụ x-antq-max-rows: 100000",
    ),
    "control-character": Entry(
        "error",
        "ô chứa ký tự điều khiển {char} (không nhìn thấy, không in ra được)",
        "ký tự này thường theo vào khi dán từ phần mềm khác: xóa nội dung ô rồi gõ lại",
    ),
    "bidi-character": Entry(
        "error",
        "ô chứa ký tự ẩn {char} ({name}) làm chữ hiện ra khác với nội dung thật",
        "ký tự này thường theo vào khi dán từ trang web hay tài liệu khác: xóa nội dung ô rồi "
        "gõ lại",
    ),
    "zero-width-character": Entry(
        "error",
        "ô chứa ký tự vô hình {char} ({name}): hai giá trị trông giống nhau mà thực ra khác nhau",
        "xóa nội dung ô rồi gõ lại (đừng dán từ Word hay trang web)",
    ),
    "empty-slug": Entry(
        "error",
        "khóa “{cell}” không tạo được địa chỉ trang vì không có chữ cái hay chữ số nào",
        "khóa phải có ít nhất một chữ cái hoặc chữ số, ví dụ “124/2021/TT-BCA”",
    ),
    "duplicate-slug": Entry(
        "error",
        "khóa “{cell}” cho cùng địa chỉ trang “{slug}” với khóa “{other}” ở dòng {other_row}",
        "hai khóa chỉ khác nhau về chữ hoa/chữ thường, dấu hay ký hiệu: sửa cho chúng khác "
        "nhau rõ ràng, hoặc xóa dòng trùng",
    ),
    # -- Law in force and TT 124 (generator.legal, generator.data.validate): citations judged
    #    at the build's date or at the record's own date; who may recognise which place.
    "legal-out-of-force": Entry(
        "warning",
        "trích dẫn {doc}, văn bản đã hết hiệu lực (không còn áp dụng) từ {since}; ngày xét: {on}",
        "trích dẫn văn bản thay thế: {replacement}",
    ),
    "legal-superseded": Entry(
        "warning",
        "bản ghi ngày {on} trích dẫn {doc}, văn bản đã hết hiệu lực từ {since}, trước ngày "
        "của bản ghi",
        "ghi căn cứ có hiệu lực vào ngày của bản ghi: {replacement}",
    ),
    "legal-not-yet-in-force": Entry(
        "warning",
        "trích dẫn {doc}, văn bản chỉ có hiệu lực từ {since}; ngày xét: {on}",
        "trích dẫn văn bản đang có hiệu lực vào ngày xét; đổi sang {doc} khi văn bản này có "
        "hiệu lực",
    ),
    "legal-no-replacement": Entry(
        "info", "văn bản đang có hiệu lực về cùng nội dung (thêm vào legal_documents.csv)"
    ),
    "legal-status-law-chua-hieu-luc": Entry("info", "Chưa có hiệu lực"),
    "legal-status-law-con-hieu-luc": Entry("info", "Còn hiệu lực"),
    "legal-status-law-het-hieu-luc": Entry("info", "Hết hiệu lực"),
    "legal-status-applied-chua-hieu-luc": Entry("info", "Chưa áp dụng"),
    "legal-status-applied-con-hieu-luc": Entry("info", "Đang áp dụng"),
    "legal-status-applied-het-hieu-luc": Entry("info", "Không còn áp dụng"),
    "tt124-out-of-scope": Entry(
        "warning",
        "“{place}” không thuộc đối tượng xét “An toàn về an ninh, trật tự” theo Thông tư "
        "124/2021/TT-BCA (loại trừ trường tiểu học, mầm non, nhà trẻ và đơn vị lực lượng vũ trang)",
        "xóa kết quả này, hoặc sửa tên/loại nơi được đánh giá trong places.csv nếu ghi nhầm",
    ),
    "tt124-xa-by-itself": Entry(
        "warning",
        "“{issuer}” tự công nhận “{place}” đạt tiêu chuẩn: cấp xã chỉ công nhận khu dân cư, cơ "
        "quan, doanh nghiệp, cơ sở giáo dục do mình quản lý (Điều 10 Thông tư 124/2021/TT-BCA)",
        "ghi đúng cơ quan có thẩm quyền đã ra quyết định công nhận xã, phường, đặc khu",
    ),
    "tt124-provincial-unit": Entry(
        "warning",
        "“{issuer}” công nhận “{place}”, đơn vị không do cấp xã quản lý (Điều 10 Thông tư "
        "124/2021/TT-BCA: cấp xã chỉ công nhận đơn vị thuộc thẩm quyền hoặc được ủy quyền quản lý)",
        "ghi đúng cơ quan quản lý đơn vị đã ra quyết định công nhận",
    ),
    "tt124-xa-without-model": Entry(
        "warning",
        "“{place}” được công nhận đạt năm {year} nhưng dữ liệu không có mô hình phong trào nào "
        "đang hoạt động ở xã này (Điều 5 Thông tư 124/2021/TT-BCA: ít nhất 01 mô hình hoạt "
        "động hiệu quả)",
        "thêm điểm mô hình của xã vào model_sites.csv, hoặc kiểm tra lại kết quả",
    ),
    # -- Lessons: front matter, Markdown filters (attributes, links).
    #    (entries of lessons go here)
    # Parts of the lesson lines above (their {detail}, {other}, {nfc}).
    "part-lesson-category-clash": Entry("info", ", trùng với mã “{other}”"),
    "part-lesson-whole": Entry("info", "(toàn bài)"),
    "part-lesson-no-front-matter": Entry("info", "thiếu phần đầu"),
    "part-lesson-bad-character": Entry("info", "có ký tự không dùng được {char}"),
    "part-lesson-too-deep": Entry("info", "lồng quá sâu"),
    "part-lesson-not-mapping": Entry("info", "không phải bảng khóa"),
    "part-lesson-no-quiz": Entry("info", "thiếu phần “Tự kiểm tra” ở cuối bài"),
    "part-lesson-no-question": Entry("info", "chưa có câu hỏi nào"),
    "part-lesson-question": Entry(
        "info", "câu {number} phải có ít nhất hai phương án và đúng một đáp án [x]"
    ),
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
    # -- News articles and their photos (generator.news, generator.photos; issue 21).
    "news-folder": Entry(
        "error",
        "thư mục bài tin không đúng mẫu news/NĂM/TÊN-BÀI/ (năm bốn chữ số, tên bài chữ thường "
        "không dấu, chữ số, dấu gạch ngang)",
        "đổi thành “{suggestion}”",
    ),
    "news-no-index": Entry(
        "error",
        "thư mục bài tin không có tệp index.md",
        "viết bài vào tệp index.md trong thư mục này (xem một bài tin có sẵn), hoặc xóa thư mục",
    ),
    "news-front-matter": Entry(
        "error",
        "phần đầu bài tin (giữa hai dòng ---) không đọc được: {detail}",
        "bài tin phải mở đầu bằng dòng ---, các dòng “khóa: giá trị”, rồi một dòng --- nữa; "
        "xem mẫu trong một bài tin có sẵn",
    ),
    "news-unknown-key": Entry(
        "error",
        "khóa “{field}” không có trong phần đầu bài tin",
        "chỉ dùng các khóa: {allowed}",
    ),
    "news-year": Entry(
        "error",
        "ngày đăng {cell} không thuộc năm {year} của thư mục bài",
        "chuyển thư mục bài vào news/ đúng năm, hoặc sửa ngày đăng",
    ),
    "news-photo-name": Entry(
        "error",
        "tên tệp ảnh “{cell}” không dùng được làm địa chỉ ảnh",
        "đổi tên tệp thành “{suggestion}” (chữ thường không dấu, chữ số, dấu gạch ngang; đuôi "
        ".jpg, .png hoặc .webp) và sửa tên trong bài",
    ),
    "news-photo-twice": Entry(
        "error", "ảnh “{cell}” được ghi hai lần trong bài", "mỗi tệp ảnh chỉ ghi một lần"
    ),
    "news-photo-missing": Entry(
        "error",
        "không có tệp ảnh “{cell}” trong thư mục bài",
        "chép ảnh vào cùng thư mục với index.md, tên đúng như đã ghi (kể cả chữ hoa, chữ thường)",
    ),
    "news-photo-minors": Entry(
        "error",
        "ảnh “{cell}” có trẻ em nhận ra được nhưng chưa ghi sự đồng ý (minors_consent)",
        "ghi số, ngày văn bản đồng ý của cha mẹ hoặc người giám hộ (và của trẻ từ đủ 7 tuổi) vào "
        "minors_consent (khoản 11 Điều 6, Điều 21 Luật Trẻ em 2016), hoặc bỏ ảnh, hoặc dùng ảnh "
        "không nhận ra được trẻ",
    ),
    "news-photo-gps": Entry(
        "error",
        "ảnh có tọa độ GPS (nơi chụp) trong siêu dữ liệu; kho dữ liệu công khai như trang web",
        "chạy “antq anh xoa-gps {path}” để xóa tọa độ khỏi tệp, rồi commit lại ảnh",
    ),
    "news-photo-too-big": Entry(
        "error",
        "ảnh quá lớn (giới hạn {limit})",
        "thu nhỏ ảnh (ví dụ cạnh dài 4000 điểm ảnh, JPEG) rồi chép lại vào thư mục bài",
    ),
    "news-photo-unreadable": Entry(
        "error",
        "không đọc được tệp ảnh (hỏng, hoặc không phải JPEG, PNG hay WebP)",
        "mở ảnh bằng trình xem ảnh rồi lưu lại dưới dạng JPEG",
    ),
    # What changed ("Cập nhật", push): a news article added, changed, removed.
    "update-resource-news": Entry("info", "tin tức"),
    "update-news-added": Entry("info", "Tin mới: “{title}”"),
    "update-news-changed": Entry("info", "Cập nhật tin: “{title}”"),
    "update-news-removed": Entry("info", "Gỡ tin: “{title}”"),
    "photo-gps-stripped": Entry("info", "{path}: đã xóa tọa độ GPS"),
    "photo-gps-none": Entry("info", "{path}: không có tọa độ GPS, giữ nguyên"),
    "photo-strip-failed": Entry(
        "error",
        "không đọc hoặc không ghi được tệp ảnh",
        "kiểm tra đường dẫn và quyền ghi; nếu ảnh hỏng, mở bằng trình xem ảnh rồi lưu lại "
        "dưới dạng JPEG",
    ),
    # Front-matter types of the news schema (read by generator.lessons.check_field).
    "lesson-type-boolean": Entry("info", "có/không"),
    "lesson-hint-boolean": Entry("info", "ghi true hoặc false"),
    "lesson-type-records": Entry("info", "danh sách mục"),
    "lesson-hint-records": Entry("info", "mỗi mục một dòng “- khóa: giá trị” như bài mẫu"),
    # -- The build: settings, the build's stages, limits on outputs, the build lock.
    #    (entries of the build go here)
    "build-progress": Entry("info", "Đang tạo trang"),
    "part-kind-xml": Entry("info", "tệp XML (bản tin Atom, sơ đồ trang)"),
    "part-kind-ics": Entry("info", "lịch iCalendar"),
    "part-kind-json": Entry("info", "tệp dữ liệu JSON"),
    "part-kind-geojson": Entry("info", "tệp bản đồ GeoJSON"),
    "part-kind-file": Entry("info", "tệp"),  # any other published file (issue 16)
    # The build's closing lines and what it prints (generator.build, antq build).
    "build-data-errors": Entry("info", "Dữ liệu có lỗi: chưa xây dựng lại trang web."),
    "build-data-warnings-strict": Entry(
        "info",
        "Dữ liệu có cảnh báo (--strict coi cảnh báo là lỗi): chưa xây dựng lại trang web.",
    ),
    "build-unchanged": Entry("info", "Không có gì thay đổi: {out}/ giữ nguyên ({pages} trang)."),
    "build-done": Entry(
        "info",
        "Đã xây dựng {pages} trang và {files} tệp dữ liệu vào {out}/: ghi mới {written}, "
        "giữ nguyên {linked}.",
    ),
    "build-timing-total": Entry("info", "tổng"),
    "search-no-detail": Entry("info", "không có thông báo"),
    "sw-injection-point": Entry(
        "error",
        "cần đúng một chỗ chèn {point}, tìm thấy {count}",
        "giữ đúng một dòng `const BUILD = {point};` trong service worker",
    ),
    "export-no-lessons": Entry(
        "error",
        "chưa có bài học nào để xuất",
        "thêm bài vào thư mục lessons/ của gói dữ liệu",
    ),
    "export-done": Entry(
        "info",
        "Đã ghi {path}: {pages} trang, {files} tệp kèm theo, {size}, trong {seconds} giây.",
    ),
    "export-not-reproducible": Entry(
        "info",
        "Lưu ý: không thay được mã UUID ngẫu nhiên của libzim; tệp vẫn dùng được nhưng "
        "hai lần xuất cùng dữ liệu sẽ khác nhau vài byte.",
    ),
    # Teachers and Kiwix (issue 16, item 2): the exports' own search page
    # (generator.export_search) and the lesson's print copies.
    "zim-search-title": Entry("info", "Tìm bài học"),
    "zim-search-label": Entry("info", "Tìm bài học, văn bản pháp luật"),
    "zim-search-hint": Entry(
        "info",
        "Gõ có dấu hay không dấu đều được, ví dụ: “lừa đảo”, “ma túy”, “tín dụng đen”. "
        "Ô tìm kiếm có sẵn của Kiwix (như kiwix-serve 3.3 của Debian) không tìm được từ "
        "có dấu: hãy tìm ở trang này.",
    ),
    "zim-search-all": Entry("info", "Có {count} bài học và văn bản. Gõ từ cần tìm vào ô trên."),
    # Settings: site/site.toml (generator.settings).
    "settings-missing": Entry("error", "không tìm thấy tệp cấu hình trang"),
    "settings-toml": Entry("error", "sai cú pháp TOML ({detail})"),
    "settings-required": Entry("error", "thiếu khóa bắt buộc “{key}”"),
    "settings-base-url": Entry(
        "error", "base_url phải là địa chỉ http(s) đầy đủ, ví dụ https://antq.vn"
    ),
    "settings-provinces-codes": Entry(
        "error",
        '[scope] provinces phải là "national" hoặc danh sách mã tỉnh 2 chữ số viết trong '
        'ngoặc kép, ví dụ ["31", "08"]',
    ),
    "settings-provinces": Entry(
        "error", '[scope] provinces phải là "national" hoặc danh sách mã tỉnh'
    ),
    "settings-targets-moved": Entry(
        "error",
        "[targets] không còn dùng: mục tiêu phấn đấu nay là dữ liệu, trong data/targets.csv "
        "(đơn vị đặt ra, năm, loại nơi, tỷ lệ, văn bản nguồn)",
        "xóa bảng [targets] khỏi site.toml; ghi mục tiêu của từng đơn vị, với văn bản đặt ra "
        "nó, vào targets.csv (trang web chỉ so với mục tiêu ở nơi có mục tiêu)",
    ),
    "settings-push-missing": Entry("error", "[push] thiếu “{key}”"),
    "settings-push-url": Entry(
        "error",
        "[push] service_url phải là địa chỉ https đầy đủ của dịch vụ thông báo, "
        "ví dụ https://push.antq.vn",
    ),
    "settings-push-key": Entry(
        "error",
        "[push] vapid_public_key phải là khóa công khai VAPID dạng base64url "
        "(87 ký tự, in ra bởi lệnh “antq push keys”)",
    ),
    "settings-contact-organisation": Entry(
        "error", "[contact] thiếu “organisation” (tên cơ quan công bố trang)"
    ),
    "settings-contact-url": Entry("error", "[contact] url phải là địa chỉ http(s) đầy đủ"),
    "settings-contact-email": Entry(
        "error", "[contact] email không đúng dạng, ví dụ gopy@congan.gov.vn"
    ),
    "settings-budgets": Entry("error", "[budgets] phải là bảng “mẫu đường dẫn” = số byte"),
    "settings-budget": Entry("error", "[budgets] “{pattern}” phải là số byte nguyên dương"),
    "settings-unknown-key": Entry("error", "khóa không hợp lệ “{key}” (kiểm tra chính tả)"),
    "settings-not-table": Entry("error", "“{key}” phải là một bảng [{key}]"),
    "settings-type": Entry("error", "“{key}” có kiểu dữ liệu sai"),
    "build-busy": Entry(
        "error",
        "đang có một lần xây dựng khác ghi vào “{out}” (tiến trình {pid}); lần này dừng lại "
        "để hai lần không ghi đè lên nhau",
        "chờ lần xây dựng kia xong rồi chạy lại lệnh",
    ),
    "build-busy-serve": Entry(
        "error",
        "“antq serve” (tiến trình {pid}) đang dùng thư mục “{out}”; lần này dừng lại để hai "
        "tiến trình không ghi đè lên nhau",
        "dừng “antq serve” (Ctrl+C trong cửa sổ của nó) rồi chạy lại lệnh, hoặc dùng "
        "--out để ghi vào thư mục khác",
    ),
    "workers-invalid": Entry(
        "error",
        "biến môi trường {name}=“{value}” không phải một số nguyên dương (số tiến trình dựng "
        "trang chạy song song)",
        "đặt {name}=1 để chạy trong một tiến trình, một số lớn hơn để chạy song song, hoặc bỏ "
        "biến này để antq tự chọn theo số lõi CPU",
    ),
    "worker-died": Entry(
        "error",
        "tiến trình chạy song song ({pid}) dừng đột ngột (mã thoát {status}), chưa làm xong "
        "việc; không có gì được ghi vào trang web",
        "thường do máy hết bộ nhớ: đóng bớt chương trình rồi chạy lại lệnh, hoặc đặt "
        "ANTQ_WORKERS=1 để chạy trong một tiến trình",
    ),
    "search-index-failed": Entry(
        "error",
        "Pagefind không tạo được chỉ mục tìm kiếm (mã thoát {status}): {detail}",
        "chạy lại “antq build”; nếu vẫn lỗi, cài lại antq (“pip install -e .”) để có lại "
        "Pagefind, hoặc báo lỗi kèm dòng này",
    ),
    "output-too-many-rows": Entry(
        "error",
        "bảng “{table}” có {rows} dòng, vượt giới hạn {limit} dòng mà một tệp hay một trang "
        "của trang web được chứa; chưa xây dựng lại trang web",
        "kiểm tra xem có lỡ dán trùng hay sinh thừa dữ liệu không; tách dữ liệu cũ sang kho "
        "lưu trữ riêng",
    ),
    "calendar-too-many-events": Entry(
        "error",
        "bảng sự kiện có {rows} dòng, vượt giới hạn {limit} sự kiện của lịch phong trào "
        "(trang /lich/ và tệp lich.ics); chưa xây dựng lại trang web",
        "chỉ giữ các ngày lễ, kỷ niệm và hoạt động của phong trào; xóa các dòng trùng hoặc "
        "sinh thừa",
    ),
    "sitemap-too-many-urls": Entry(
        "error",
        "trang web sẽ có {urls} trang, vượt giới hạn {limit} địa chỉ của một sơ đồ trang "
        "(sitemap.xml); chưa xây dựng lại trang web",
        "kiểm tra xem dữ liệu có bị nhân bản không (nhiều dòng trùng tạo nhiều trang)",
    ),
    "output-too-large": Entry(
        "error",
        "{kind} “{path}” sẽ nặng {size}, vượt giới hạn {limit}; chưa xây dựng lại trang web",
        "kiểm tra xem có lỡ dán trùng hay sinh thừa dữ liệu không; rút gọn các ô mô tả quá dài",
    ),
    "output-path-clash": Entry(
        "error",
        "{first} và {second} cùng ghi vào tệp “{path}” của trang web; không ghi đè, "
        "chưa xây dựng lại trang web",
        "đổi mã (id) hoặc tên của một trong hai bản ghi cho khác hẳn nhau (không chỉ khác "
        "chữ hoa, chữ thường hay dấu)",
    ),
    "output-path-invalid": Entry(
        "error",
        "{what} có địa chỉ “{url}” không hợp lệ ({reason}); chưa xây dựng lại trang web",
        "đặt mã (id), tên hoặc tên tệp bài học có ít nhất một chữ cái hoặc chữ số; tên tệp "
        "bài học chỉ gồm chữ không dấu, chữ số và “-” (không dấu cách, không “—”, “..”, “/”)",
    ),
    # -- antq check: a built site's links, head, personal data, secrets, budgets.
    #    (entries of antq check go here)
    "check-passed": Entry("info", "Trang web đạt: không có lỗi ({pages} trang, {files} tệp)."),
    "check-total": Entry("info", "Tổng cộng: {count} lỗi: {detail} ({pages} trang, {files} tệp)."),
    "part-no-html-tag": Entry("info", "không có thẻ <html>"),
    "part-no-lang": Entry("info", "không có lang"),
    "part-none": Entry("info", "không có"),
    "part-file": Entry("info", "tệp"),
    "part-vapid-private-key": Entry("info", "khóa riêng VAPID"),
    #    Keys may carry a variant after a dot: the variant picks the wording, the printed
    #    code is the part before the dot (generator.scan.make_problem). The build's scan of
    #    what it writes uses the same entries, so both print the same line.
    "broken-link": Entry(
        "error", "liên kết nội bộ “{url}” không dẫn tới tệp nào (cần có {target})"
    ),
    "broken-link.outside": Entry("error", "liên kết nội bộ “{url}” trỏ ra ngoài thư mục trang web"),
    "broken-link.anchor": Entry(
        "error", "liên kết “{url}”: trang {target} không có phần tử id=“{anchor}”"
    ),
    "unsafe-url": Entry(
        "error", "địa chỉ “{url}” chạy mã lệnh ({scheme}): không được dùng trên trang"
    ),
    "missing-title": Entry("error", "trang thiếu tiêu đề <title> (hoặc tiêu đề rỗng)"),
    "missing-lang": Entry("error", 'thẻ <html> phải có lang="vi" (hiện: {found})'),
    "bad-canonical": Entry(
        "error", 'liên kết rel="canonical" phải là “{expected}” (hiện: {found})'
    ),
    "missing-description": Entry(
        "error", 'trang thiếu mô tả <meta name="description"> (hoặc mô tả rỗng)'
    ),
    "personal-data.phone": Entry(
        "error",
        "có số điện thoại ({masked}): không đăng thông tin cá nhân",
        "xóa số này khỏi dữ liệu, bài học, mẫu trang hoặc site.toml đã tạo ra nó, rồi xây dựng lại",
    ),
    "personal-data.id": Entry(
        "error",
        "có số giống số định danh cá nhân/CCCD ({masked}): không đăng thông tin cá nhân",
        "xóa số này khỏi dữ liệu, bài học, mẫu trang hoặc site.toml đã tạo ra nó, rồi xây dựng lại",
    ),
    "secret": Entry(
        "error", "có khóa bí mật ({kind}: {masked}): xóa khỏi trang, thu hồi và tạo khóa mới"
    ),
    "external-host": Entry(
        "error", "{what} tải từ máy chủ ngoài {host} (“{url}”): hãy tự lưu trữ trên trang"
    ),
    "external-host.link": Entry(
        "error",
        "liên kết tới máy chủ ngoài {host} không thuộc danh sách được phép (“{url}”)",
    ),
    "external-host.tel": Entry(
        "error", "liên kết gọi điện “{url}”: không đăng số điện thoại trên trang"
    ),
    "size-budget": Entry(
        "error",
        "{kind} nặng {size} byte khi nén gzip, vượt ngân sách {budget} byte (mẫu “{pattern}”)",
    ),
    "output-control-character.nul": Entry(
        "error",
        "tệp văn bản chứa ký tự NUL ({count} lần, lần đầu ở dòng này)",
        "tìm ký tự này trong dữ liệu, bài học hoặc mẫu trang đã tạo ra tệp, xóa nó "
        "rồi xây dựng lại",
    ),
    "output-control-character": Entry(
        "error",
        "trang chứa ký tự điều khiển {codepoint} ({count} lần, lần đầu ở dòng này)",
        "tìm ký tự này trong dữ liệu, bài học hoặc mẫu trang đã tạo ra tệp, xóa nó "
        "rồi xây dựng lại",
    ),
    "check-no-site": Entry(
        "error",
        "không tìm thấy thư mục trang web “{root}”",
        "chạy “antq build” trước, hoặc ghi đúng thư mục trang web đã xây dựng",
    ),
    "output-refused": Entry(
        "error",
        "dừng xây dựng: trang sắp đăng chứa thông tin không được công khai (các dòng trên); "
        "trang web cũ được giữ nguyên",
        "sửa từng dòng trên rồi chạy lại “antq build”",
    ),
    # -- antq serve: the preview server.
    #    (entries of antq serve go here)
    "serve-host-not-loopback": Entry(
        "error",
        "không phục vụ trên “{host}”: chỉ cho phép 127.0.0.1, localhost hoặc ::1 "
        "(bản xem trước có dữ liệu chưa công bố)",
    ),
    "serve-port": Entry("error", "không mở được cổng {port} trên {host}: {detail}"),
    "serve-data-error-heading": Entry("info", "Dữ liệu có lỗi — trang chưa được cập nhật"),
    "serve-bug-heading": Entry("info", "Lỗi chương trình khi xây dựng — trang chưa được cập nhật"),
    "serve-data-error-intro": Entry(
        "info",
        "Sửa các lỗi dưới đây rồi lưu tệp: trang sẽ tự tải lại. "
        "Trang web đã xây dựng trước đó vẫn được giữ nguyên.",
    ),
    "serve-bug-intro": Entry(
        "info",
        "Đây là lỗi của chương trình antq, không phải lỗi dữ liệu. "
        "Hãy báo lỗi kèm nội dung dưới đây. Trang web trước đó vẫn được giữ nguyên.",
    ),
    "serve-unchanged": Entry("info", "không có gì thay đổi ({seconds} s)."),
    "serve-built": Entry(
        "info",
        "đã xây dựng {pages} trang: ghi mới {written}, giữ nguyên {linked} ({seconds} s).",
    ),
    "serve-more-lines": Entry("info", "… và {count} dòng nữa (xem trong trình duyệt)."),
    "serve-more-files": Entry("info", " và {count} tệp khác"),
    "serve-serving": Entry("info", "Đang phục vụ tại {url} — Ctrl+C để dừng"),
    "serve-watch-failed": Entry("info", "Lỗi khi theo dõi thư mục (trang không tự cập nhật nữa):"),
    "serve-stopping": Entry("info", "Đang dừng…"),
    "serve-stopped": Entry("info", "Đã dừng."),
    "serve-host-refused": Entry(
        "error",
        "máy chủ xem trước không trả lời yêu cầu gửi tới “{host}”",
        "mở bản xem trước tại {url} (chỉ địa chỉ 127.0.0.1, localhost hoặc [::1] của máy này)",
    ),
    # -- Web push: keys, the service, the store, the notifier.
    #    (entries of web push go here)
    # A notification's title and body lines (generator.push.notify), shown on the phone.
    "push-payload-more-topics": Entry("info", "{first} và {count} mục theo dõi khác"),
    "push-payload-more-changes": Entry("info", "… và {count} thay đổi khác"),
    # The private key and its settings (generator.push.vapid).
    "push-key-in-git": Entry(
        "error",
        "Không ghi khóa bí mật vào “{out_dir}”: thư mục này nằm trong một kho git "
        "(khóa có thể bị đưa lên kho). Chọn thư mục khác bằng --out-dir.",
    ),
    "push-key-exists": Entry(
        "error",
        "“{path}” đã có. Đổi khóa làm mọi đăng ký nhận thông báo hiện có mất hiệu lực; "
        "nếu thật sự muốn, chạy lại với --force.",
    ),
    "push-key-unreadable": Entry("error", "không đọc được khóa bí mật VAPID."),
    "push-key-curve": Entry("error", "khóa bí mật VAPID phải là khóa P-256 (prime256v1)."),
    "push-key-both": Entry("error", "Chỉ đặt một trong hai biến {inline} và {file_var}."),
    "push-key-unset": Entry(
        "error",
        "Chưa có khóa bí mật VAPID: đặt {file_var} (đường dẫn tệp, quyền 600) hoặc {inline}. "
        "Tạo khóa bằng lệnh “antq push keys”.",
    ),
    "push-key-file-missing": Entry("error", "không tìm thấy tệp “{path}”."),
    "push-key-not-file": Entry("error", "“{path}” không phải là tệp."),
    "push-key-file-mode": Entry(
        "error",
        "tệp “{path}” có quyền {mode}; người khác đọc được khóa bí mật. Chạy: chmod 600 {path}",
    ),
    "push-key-file-owner": Entry("error", "tệp “{path}” không thuộc người dùng đang chạy dịch vụ."),
    "push-subject-unset": Entry(
        "error", "Chưa đặt {name}: địa chỉ liên hệ dạng mailto:ten@mien.vn hoặc https://…"
    ),
    "push-subject-invalid": Entry(
        "error",
        "{name} phải là địa chỉ mailto: hoặc https: thật (ví dụ mailto:bcd138@antq.vn); "
        "Apple từ chối địa chỉ như admin@localhost.",
    ),
    # The store (generator.push.store).
    "push-store-wal": Entry("error", "không bật được chế độ WAL ({mode})."),
    "push-store-open": Entry("error", "không mở được cơ sở dữ liệu ({detail})."),
    "push-store-newer": Entry(
        "error",
        "có lược đồ phiên bản {version}, mới hơn phiên bản {known} mà chương trình này hiểu",
        "cập nhật antq",
    ),
    # antq push commands (generator.push.commands, generator.push.notify).
    "push-db-unset": Entry("error", "Chưa chỉ định cơ sở dữ liệu: dùng --db TỆP hoặc biến {name}."),
    "push-keys-written": Entry(
        "info",
        "Đã ghi khóa bí mật VAPID vào {path} (quyền 600). Không đưa tệp này lên kho git.",
    ),
    "push-keys-for-service": Entry("info", "Cho dịch vụ gửi thông báo:"),
    "push-keys-for-site": Entry("info", "Thêm vào site/site.toml:"),
    "push-keys-service-url": Entry(
        "info", '  service_url = "https://…"  # địa chỉ công khai của antq push serve'
    ),
    "push-serve-data": Entry(
        "error",
        "không đọc được gói dữ liệu (các dòng trên): dịch vụ chưa chạy",
        "chạy “antq validate” để xem lỗi dữ liệu",
    ),
    "push-serve-listening": Entry(
        "info",
        "antq push: {topics} chủ đề, CORS cho {origin}, cơ sở dữ liệu {path}; "
        "nghe ở http://{host}:{port}",
    ),
    "push-git-failed": Entry("error", "không chạy được git: {detail}"),
    "push-revision-unknown": Entry(
        "error", "không tìm thấy phiên bản “{rev}” trong kho dữ liệu {repo}"
    ),
    "push-not-in-git": Entry("error", "“{path}” không nằm trong kho git ({detail})"),
    "push-no-key": Entry("error", "thiếu khóa VAPID hoặc địa chỉ liên hệ (sub)"),
    "push-key-mismatch": Entry(
        "error",
        "khóa bí mật VAPID không khớp vapid_public_key trong site.toml "
        "(khóa công khai của khóa đang dùng: {public_key})",
    ),
    "push-dry-run-planned": Entry(
        "info", "Thử (không gửi): lượt {run} đã lập; còn {pending} thông báo chờ gửi."
    ),
    "push-dry-run": Entry(
        "info",
        "Thử (không gửi): lượt {run}: {changes} thay đổi, {topics} chủ đề có tin, "
        "{recipients} người nhận.",
    ),
    "push-dry-run-topic": Entry("info", "  chủ đề {topic}: {changes} thay đổi"),
    "push-run-planned": Entry("info", "Lượt {run} đã lập trước đó: chỉ gửi nốt phần còn lại."),
    "push-run": Entry(
        "info",
        "Lượt {run}: {changes} thay đổi, {topics} chủ đề có tin, {recipients} người nhận.",
    ),
    "push-run-outcomes": Entry(
        "info",
        "Lần chạy này: đã gửi {sent}, chờ gửi lại {retry}, xóa {gone} đăng ký hết hạn/không "
        "hợp lệ, hủy {cancelled} (đã bỏ theo dõi), lỗi {failed}.",
    ),
    "push-run-total": Entry("info", "Toàn lượt: đã gửi {sent}/{total}."),
    "push-run-total-left": Entry(
        "info", "Toàn lượt: đã gửi {sent}/{total}, còn {left} chờ gửi lại ở lần chạy sau."
    ),
    "push-run-problem": Entry("info", "  lỗi: {line}"),
    "push-run-more-problems": Entry("info", "  … và {count} lỗi khác"),
    # Keys of a subscription (generator.push.endpoints); shown in the browser.
    "push-keys-missing": Entry("error", "Thiếu khóa mã hóa của trình duyệt (keys)."),
    "push-keys-p256dh": Entry(
        "error", "Khóa p256dh phải là điểm P-256 dạng không nén (65 byte, base64url)."
    ),
    "push-keys-auth": Entry("error", "Khóa auth phải dài 16 byte (base64url)."),
    # A subscribe request's fields and the service's answers (generator.push.service).
    "push-body-not-object": Entry("error", "Nội dung yêu cầu phải là một đối tượng JSON."),
    "push-unknown-field": Entry("error", "Trường không hợp lệ “{key}”."),
    "push-subscription-missing": Entry("error", "Thiếu thông tin đăng ký (subscription)."),
    "push-action-invalid": Entry("error", "action phải là replace, add hoặc remove."),
    "push-topics-invalid": Entry("error", "topics phải là danh sách chủ đề."),
    "push-topics-empty": Entry("error", "Chọn ít nhất một chủ đề để theo dõi."),
    "push-topics-too-many": Entry("error", "Chỉ theo dõi được tối đa {limit} chủ đề."),
    "push-topic-invalid": Entry("error", "Chủ đề không hợp lệ “{topic}”."),
    "push-topic-unknown": Entry("error", "Không có chủ đề “{topic}” trong dữ liệu."),
    "push-origin": Entry("error", "Yêu cầu phải đến từ trang web của phong trào."),
    "push-rate-limited": Entry("error", "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút."),
    "push-content-type": Entry("error", "Nội dung gửi lên phải là JSON."),
    "push-too-large": Entry("error", "Nội dung gửi lên quá lớn (tối đa {limit} byte)."),
    "push-invalid": Entry("error", "Yêu cầu không hợp lệ."),
    "push-store": Entry("error", "Cơ sở dữ liệu không sẵn sàng."),
    "push-not-found": Entry("error", "Không có địa chỉ này."),
    "push-method": Entry("error", "Phương thức không được hỗ trợ ở địa chỉ này."),
    "push-error": Entry("error", "Đã có lỗi, vui lòng thử lại sau."),
    "push-server": Entry("error", "Máy chủ gặp lỗi, vui lòng thử lại sau."),
    # Endpoints a subscription may name (generator.push.endpoints); shown in the browser.
    "push-endpoint-missing": Entry("error", "Thiếu địa chỉ nhận thông báo (endpoint)."),
    "push-endpoint-too-long": Entry("error", "Địa chỉ nhận thông báo quá dài."),
    "push-endpoint-invalid": Entry("error", "Địa chỉ nhận thông báo không hợp lệ."),
    "push-endpoint-not-https": Entry("error", "Địa chỉ nhận thông báo phải dùng https."),
    "push-endpoint-userinfo": Entry(
        "error", "Địa chỉ nhận thông báo không được chứa tên người dùng."
    ),
    "push-endpoint-port": Entry("error", "Địa chỉ nhận thông báo phải dùng cổng 443."),
    "push-endpoint-host": Entry(
        "error", "Địa chỉ nhận thông báo không thuộc dịch vụ thông báo đẩy nào được chấp nhận."
    ),
    # The subscription service's body (generator.push.service).
    "push-json-too-deep": Entry(
        "error",
        "Nội dung gửi lên lồng nhau quá sâu (tối đa {limit} cấp).",
    ),
    "push-json-invalid": Entry("error", "Nội dung gửi lên không phải JSON hợp lệ."),
    # -- Web push past one machine (issue 20: generator.push.db, store, worker, commands).
    "push-db-scheme": Entry(
        "error",
        "không biết loại cơ sở dữ liệu “{scheme}:”",
        "dùng đường dẫn tệp SQLite, sqlite:///đường/dẫn hoặc postgresql://người@máy/tên",
    ),
    "push-db-sqlite-url": Entry(
        "error",
        "địa chỉ SQLite phải có dạng sqlite:///đường/dẫn/tuyệt/đối",
        "viết ba dấu gạch chéo sau sqlite: (hoặc chỉ ghi đường dẫn tệp)",
    ),
    "push-db-no-driver": Entry(
        "error", "chưa cài thư viện PostgreSQL (psycopg)", 'pip install -e ".[postgres]"'
    ),
    "push-migrated": Entry("info", "{db}: lược đồ phiên bản {before} → {after}."),
    "push-copy-target-not-empty": Entry(
        "error",
        "cơ sở dữ liệu đích đã có {count} đăng ký",
        "chép vào một cơ sở dữ liệu mới, hoặc thêm --merge để gộp",
    ),
    "push-copied": Entry(
        "info", "Đã chép {subscriptions} đăng ký ({topics} chủ đề) từ {source} sang {target}."
    ),
    "push-job-unknown": Entry(
        "error",
        "không có lượt gửi “{job}”",
        "xem danh sách bằng “antq push status” (không ghi JOB)",
    ),
    "push-job-line": Entry(
        "info",
        "{job}: đã gửi {sent}, hết hạn {gone}, lỗi {failed}, đang chờ {waiting} / tổng {total}",
    ),
    "push-job-none": Entry("info", "Chưa có lượt gửi nào."),
    # Words inside other lines and pages (moved out of news.py, photos.py, export.py)
    "news-year-word": Entry("info", "NĂM"),
    "photo-limit-pixels": Entry("info", "{pixels} điểm ảnh"),
    "export-start-title": Entry("info", "Bài học pháp luật — {name}"),
    # antq push prune (issue 20: the delivery log does not grow forever)
    "push-pruned": Entry(
        "info",
        "Đã dọn {runs} lượt gửi xong từ hơn {days} ngày trước ({deliveries} dòng nhật ký); "
        "số liệu của từng lượt vẫn còn trong antq push status.",
    ),
    "push-prune-days": Entry(
        "error",
        "--older-than {days}: số ngày phải từ 0 trở lên",
        "ghi số ngày, ví dụ --older-than 30",
    ),
    "push-notify-range": Entry(
        "error",
        "thiếu --from và --to (hai phiên bản dữ liệu)",
        "ghi cả --from và --to, hoặc dùng --worker để chỉ gửi những gì đang chờ",
    ),
    "push-service-blocked": Entry(
        "info", "  {service}: tạm dừng đến {until} (dịch vụ yêu cầu chờ: {detail})"
    ),
    "push-progress": Entry("info", "Đang gửi {job}"),
    "push-worker-started": Entry(
        "info",
        "Bắt đầu nhận việc gửi ({worker}): {concurrency} luồng, tối đa {per_service} "
        "kết nối mỗi dịch vụ thông báo đẩy.",
    ),
    "push-worker-done": Entry("info", "Hết việc: đã gửi {sent}, hết hạn {gone}, lỗi {failed}."),
    # -- The command line: usage errors.
    #    (entries of the command line go here)
    "cli-rows-written": Entry("info", "{name}: {rows} dòng"),
    "cli-scale": Entry("error", "quy mô không hợp lệ: {scale} (chọn {choices})"),
    "cli-format": Entry("error", "định dạng không hợp lệ “{value}” (chọn text hoặc github)"),
    "cli-needs-shapely": Entry("error", "cần shapely", 'pip install -e ".[geo]"'),
    "cli-basemap-written": Entry("info", "Đã ghi {out}: {provinces} tỉnh, {size} byte."),
    # -- Officials working in Excel (issue 17): grouped lines, suggestions, templates, import,
    #    the inbox data/nhap/ and the Vietnamese command line. (generator.data.grouping,
    #    generator.workbook, generator.importer, generator.cli_vi)
    "group.other": Entry(
        "error",
        "{count} ô ở cột {letter}, dòng {rows} ({range}) cùng một lỗi; ví dụ dòng đầu: {example}",
        "{example_hint}",
    ),
    "group.date-dmy": Entry(
        "error",
        "{count} ô ở cột {letter}, dòng {rows} ({range}): ngày viết kiểu dd/mm/yyyy "
        "(ví dụ: {example})",
        "chạy “antq import TỆP --fix” để đổi tất cả sang năm-tháng-ngày, hoặc trong Excel "
        "chọn cột → Format Cells → Custom → gõ yyyy-mm-dd",
    ),
    "group.decimal-comma": Entry(
        "error",
        "{count} ô ở cột {letter}, dòng {rows} ({range}): số dùng dấu phẩy thập phân "
        "(ví dụ: {example})",
        "chạy “antq import TỆP --fix” để đổi dấu phẩy thành dấu chấm",
    ),
    "group.lost-leading-zero": Entry(
        "error",
        "{count} ô ở cột {letter}, dòng {rows} ({range}): mã đã mất số 0 ở đầu (ví dụ: {example})",
        "chạy “antq import TỆP --fix” để thêm lại số 0 theo bảng đơn vị; " + _TEXT_COLUMN,
    ),
    "required-enum": Entry(
        "error",
        "thiếu giá trị bắt buộc; chọn một trong: {allowed}",
        "ghi mã (phần trước ngoặc) vào ô này; trong mẫu Excel của “antq template” chọn từ danh "
        "sách thả xuống",
    ),
    "part-did-you-mean": Entry("info", "; có phải là {choices}?"),
    "part-or": Entry("info", " hoặc "),
    "trailing-empty-columns": Entry(
        "warning",
        "{count} cột trống ở cuối tệp (từ cột {first}), thường do Excel thêm vào; đã bỏ qua",
        "xóa các cột trống đó (chọn cột → Delete) hoặc chạy “antq import TỆP --fix”",
    ),
    # antq template (generator.workbook)
    "template-guide-sheet": Entry("info", "Hướng dẫn"),
    "template-lists-sheet": Entry("info", "Danh sách"),
    "template-guide-intro": Entry(
        "info",
        "Mẫu nhập dữ liệu của antq. Mỗi trang tính là một bảng; dòng 1 là tên cột, dòng 2 "
        "(ẩn) là tên máy dùng khi nhập lại, đừng xóa hay sửa. Chọn mã từ danh sách thả xuống; "
        "ngày ghi năm-tháng-ngày. Xong thì lưu .xlsx và chạy “antq import TỆP” hoặc tải tệp "
        "lên thư mục data/nhap/ của kho dữ liệu.",
    ),
    "template-guide-head": Entry(
        "info", "Bảng|Cột|Tên máy|Kiểu|Bắt buộc|Giá trị cho phép / ràng buộc|Mô tả"
    ),
    "template-yes": Entry("info", "có"),
    "template-province-label": Entry("info", "Mã tỉnh/thành phố của mẫu"),
    "template-key": Entry("info", "khóa chính"),
    "template-ref": Entry("info", "mã trong bảng “{resource}”"),
    "template-unit-pick": Entry("info", "{unit} — {name}"),
    "template-written": Entry(
        "info", "Đã ghi {out}: {sheets} bảng, {rows} dòng dữ liệu ({seconds} giây)."
    ),
    "template-unknown-table": Entry(
        "error",
        "không có bảng “{resource}” để làm mẫu",
        "chọn một trong: {known}",
    ),
    "template-unknown-province": Entry(
        "error",
        "không có tỉnh/thành phố mã “{province}” trong units.csv",
        "dùng mã 2 chữ số của tỉnh hiện nay, ví dụ 31 (Hải Phòng)",
    ),
    "template-out-suffix": Entry(
        "error", "tệp mẫu phải có đuôi .xlsx: “{out}”", "ví dụ: --out mau-nhap.xlsx"
    ),
    # antq import (generator.importer)
    "import-missing-file": Entry("error", "không tìm thấy tệp “{path}”", "kiểm tra tên tệp"),
    "import-format": Entry(
        "error",
        "không nhập được tệp “{path}”: chỉ nhận .xlsx, .xlsm, .ods hoặc .csv",
        "trong Excel chọn File → Save As → “Excel Workbook (*.xlsx)”",
    ),
    "import-unreadable": Entry(
        "error",
        "không đọc được bảng tính “{path}” ({detail})",
        "mở lại tệp bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx",
    ),
    "import-no-table": Entry(
        "error",
        "không biết trang tính “{sheet}” là bảng nào: dòng tiêu đề không khớp bảng nào",
        "dùng mẫu của “antq template”, hoặc ghi --table TÊN_BẢNG; các bảng: {known}",
    ),
    "import-unknown-table": Entry("error", "không có bảng “{resource}”", "chọn một trong: {known}"),
    "import-merged-header": Entry(
        "error",
        "dòng tiêu đề có ô gộp ({range}): không biết mỗi cột là trường nào",
        "bỏ gộp ô (Merge & Center → Unmerge Cells) để mỗi cột có một tiêu đề riêng ở dòng 1",
    ),
    "import-header": Entry(
        "error",
        "cột “{label}” không phải tên cột nào của bảng “{resource}”",
        "dùng đúng tên cột của mẫu (“antq template {resource}”); các cột: {known}",
    ),
    "import-missing-column": Entry(
        "error",
        "thiếu cột “{name}” ({title}) của bảng “{resource}”",
        "thêm cột này vào dòng tiêu đề (có thể để trống các ô nếu không bắt buộc)",
    ),
    "import-no-key": Entry(
        "error",
        "dòng không có khóa chính ({key}): không biết gộp vào dòng nào",
        "điền {key} cho dòng này hoặc xóa dòng",
    ),
    "import-duplicate-key": Entry(
        "error",
        "khóa {key} lặp lại (đã có ở dòng {other_row} của bảng tính)",
        "mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
    ),
    "import-ambiguous-dates": Entry(
        "error",
        "cột {letter} có ngày dạng “{sample}” mà không ngày nào lớn hơn 12: không biết là "
        "ngày/tháng hay tháng/ngày",
        "ghi lại các ngày theo năm-tháng-ngày (yyyy-mm-dd) rồi nhập lại",
    ),
    "import-fixed": Entry(
        "info", "đã sửa {what}: {count} ô ({range}), ví dụ “{before}” → “{after}”"
    ),
    "part-fix-date": Entry("info", "ngày dd/mm/yyyy thành yyyy-mm-dd"),
    "part-fix-zero": Entry("info", "mã mất số 0 ở đầu"),
    "part-fix-decimal": Entry("info", "dấu phẩy thập phân"),
    "part-fix-trailing-columns": Entry("info", "bỏ {count} cột trống ở cuối"),
    "part-fix-trailing-rows": Entry("info", "bỏ {count} dòng trống ở cuối"),
    "import-plan": Entry(
        "info",
        "{resource}: thêm {added}, sửa {changed}, giữ nguyên {unchanged}, xóa {deleted} dòng",
    ),
    "import-diff-added": Entry("info", "+ {resource} {key}"),
    "import-diff-changed": Entry("info", "~ {resource} {key}: {field} “{old}” → “{new}”"),
    "import-diff-deleted": Entry("info", "- {resource} {key}"),
    "import-sync-first": Entry(
        "info", "--sync sẽ xóa {count} dòng của phạm vi {scope} không còn trong bảng tính:"
    ),
    "import-sync-no-scope": Entry(
        "error",
        "--sync cần biết phạm vi (tỉnh) của bảng tính",
        "ghi --province MÃ_TỈNH, hoặc dùng mẫu tạo bằng “antq template --province”",
    ),
    "import-dry-run": Entry("info", "Chạy thử: chưa ghi tệp nào."),
    "import-refused": Entry(
        "error",
        "không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi",
        "sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
    ),
    "import-written": Entry("info", "Đã ghi {written}; dữ liệu hợp lệ."),
    "import-nothing": Entry("info", "Không có gì thay đổi."),
    "import-province-unknown": Entry(
        "error", "không có tỉnh/thành phố mã “{province}”", "dùng mã 2 chữ số của tỉnh hiện nay"
    ),
    "cli-import-source": Entry(
        "error",
        "cần đúng một nguồn: một tệp bảng tính, hoặc --inbox",
        "ví dụ: antq import mau.xlsx --fix, hoặc antq import --inbox",
    ),
    # The inbox data/nhap/ (generator.importer, generator.build)
    "inbox-imported": Entry("info", "Hộp nhận data/nhap/: đã nhập {name}."),
    "inbox-failed": Entry(
        "error",
        "tệp trong hộp nhận “{name}” chưa nhập được (lỗi ở các dòng trên)",
        "sửa bảng tính rồi tải lên lại vào data/nhap/",
    ),
    # -- Code structure (issue 19): the texts of the "Cập nhật" page, its feed and the
    #    calendar (generator.pages.updates), once inline there.
    "update-title": Entry("info", "Cập nhật dữ liệu"),
    "update-resource-units": Entry("info", "đơn vị hành chính"),
    "update-resource-legacy_units": Entry("info", "đơn vị hành chính cũ"),
    "update-resource-unit_changes": Entry("info", "dòng quy đổi mã đơn vị"),
    "update-resource-places": Entry("info", "nơi được đánh giá"),
    "update-resource-assessments": Entry("info", "kết quả “An toàn về an ninh, trật tự”"),
    "update-resource-movement_classes": Entry("info", "kết quả phân loại phong trào"),
    "update-resource-models": Entry("info", "mô hình"),
    "update-resource-model_sites": Entry("info", "điểm mô hình"),
    "update-resource-awards": Entry("info", "khen thưởng"),
    "update-resource-legal_documents": Entry("info", "văn bản"),
    "update-resource-events": Entry("info", "mục lịch"),
    "update-resource-lessons": Entry("info", "bài học"),
    "update-verb-added": Entry("info", "Thêm"),
    "update-verb-changed": Entry("info", "Sửa"),
    "update-verb-removed": Entry("info", "Xóa"),
    "update-count-added": Entry("info", "thêm {count} {what}"),
    "update-count-changed": Entry("info", "sửa {count} {what}"),
    "update-count-removed": Entry("info", "xóa {count} {what}"),
    "update-result-dat": Entry("info", "đạt"),
    "update-result-chua_dat": Entry("info", "chưa đạt"),
    "update-assessment-removed": Entry("info", "Xóa kết quả năm {year} của {name}{where}"),
    "update-assessment": Entry(
        "info", "{name}{where} {result} “An toàn về an ninh, trật tự” năm {year}"
    ),
    # The change list's line for an edited result record (generator.changes.ChangeLine);
    # a notification of a changed result reads without it (news, not a correction).
    "update-assessment-changed": Entry("info", "Sửa kết quả: {line}"),
    "update-model-added": Entry("info", "Ghi nhận mô hình “{name}”"),
    "update-model-changed": Entry("info", "Cập nhật mô hình “{name}”"),
    "update-model-removed": Entry("info", "Gỡ mô hình “{name}”"),
    "update-award": Entry("info", "{verb} khen thưởng: {recipient} — {award} ({year})"),
    "update-place": Entry("info", "{verb} {kind} “{name}”"),
    "update-lesson-added": Entry("info", "Bài học mới: “{title}”"),
    "update-lesson-changed": Entry("info", "Cập nhật bài học: “{title}”"),
    "update-lesson-removed": Entry("info", "Gỡ bài học: “{title}”"),
    "update-legal": Entry("info", "{verb} văn bản {id}"),
    "update-event": Entry("info", "{verb} lịch: {title}"),
    "update-model-site": Entry("info", "{verb} điểm mô hình “{name}”"),
    "update-class": Entry("info", "{verb} phân loại phong trào năm {year} của {unit}"),
    "update-other": Entry("info", "{verb} {what} {key}"),
    # -- Tổ bảo vệ an ninh, trật tự ở cơ sở (issue 14 item 2, security_teams): its change
    #    line, validation and pages.
    "update-resource-security_teams": Entry("info", "Tổ bảo vệ an ninh, trật tự"),
    "update-security-team": Entry("info", "{verb} Tổ bảo vệ an ninh, trật tự {area} ({unit})"),
    "security-team-place": Entry(
        "error",
        "tổ phụ trách “{place}”, nhưng nơi này không phải thôn, tổ dân phố (khu dân cư) của "
        "đơn vị {unit}",
        "ghi vào place_id mã của một thôn hoặc tổ dân phố (loại khu dân cư) thuộc đúng xã ở cột "
        "unit_code, hoặc để trống place_id",
    ),
    "security-team-few-members": Entry(
        "warning",
        "tổ chỉ có {members} thành viên, trong khi Tổ bảo vệ an ninh, trật tự gồm Tổ trưởng, "
        "Tổ phó và Tổ viên (Điều 16 Luật 30/2023/QH15)",
        "kiểm tra lại số thành viên theo quyết định công nhận thành viên của Chủ tịch UBND xã; "
        "nếu tổ đang thiếu người, ghi đúng số hiện có",
    ),
    "security-team-count": Entry("info", "{count} tổ, {members} thành viên"),
    # -- Xếp loại Tổ bảo vệ an ninh, trật tự (issue 14 item 2, security_team_ratings; scale
    #    from Hướng dẫn 01/HD-BCA-V05 as the press reports it): change line, checks, pages.
    "update-resource-security_team_ratings": Entry("info", "xếp loại Tổ bảo vệ an ninh, trật tự"),
    "update-security-team-rating": Entry(
        "info",
        "{verb} xếp loại năm {year} của Tổ bảo vệ an ninh, trật tự {area} ({unit}): {rating}",
    ),
    "security-team-rating-too-new": Entry(
        "warning",
        "tổ thành lập ngày {established}, chưa đủ 9 tháng hoạt động đến 14/11/{year}, nên theo "
        "hướng dẫn xếp loại (Hướng dẫn 01/HD-BCA-V05, theo báo chí) chưa được đánh giá năm {year}",
        "kiểm tra lại năm đánh giá và ngày thành lập tổ trong security_teams.csv; nếu tổ chưa đủ "
        "9 tháng, xóa dòng xếp loại này",
    ),
    "security-team-rating-quota": Entry(
        "warning",
        "năm {year}, đơn vị {unit} có {excellent} tổ “Hoàn thành xuất sắc nhiệm vụ” và {good} tổ "
        "“Hoàn thành tốt nhiệm vụ”, nhưng số tổ xuất sắc không được vượt quá 20% số tổ hoàn "
        "thành tốt (Hướng dẫn 01/HD-BCA-V05, theo báo chí)",
        "kiểm tra lại quyết định xếp loại của Chủ tịch UBND xã năm đó",
    ),
    "security-team-rating-latest": Entry("info", "{rating} ({year})"),
    # -- Đăng ký thi đua, điển hình, phân loại phong trào của nơi (issue 14 item 2, vocab-14:
    #    emulation_registrations, exemplar_recognitions, place_classes): checks, change lines,
    #    page text, and the TT 124 check on a xã recognising another xã's place.
    "update-resource-place_classes": Entry(
        "info", "phân loại phong trào của khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục"
    ),
    "update-resource-emulation_registrations": Entry("info", "đăng ký thi đua"),
    "update-resource-exemplar_recognitions": Entry("info", "điển hình"),
    "update-place-class": Entry("info", "{verb} phân loại phong trào năm {year} của {name}"),
    "update-registration": Entry("info", "{verb} đăng ký thi đua năm {year} của {name}: {goal}"),
    "update-exemplar": Entry("info", "{verb} điển hình năm {year}: {name} — {kind} ({status})"),
    "registration-late": Entry(
        "warning",
        "bản đăng ký thi đua năm {year} ghi ngày {when}, sau quý I: đăng ký phấn đấu được làm "
        "trong quý I hằng năm (Điều 5 Thông tư 124/2021/TT-BCA với xã; kế hoạch của phong trào)",
        "kiểm tra lại ngày trên bản đăng ký và cột year (năm thi đua)",
    ),
    "exemplar-place-kind": Entry(
        "warning",
        "“{what}” không dành cho {kind}: các văn bản của phong trào nêu xã, phường, cơ quan, doanh "
        "nghiệp, cơ sở giáo dục điển hình, và Công an xã, phường điển hình, kiểu mẫu (của một xã)",
        "kiểm tra lại mã nơi (cột place_id) hoặc loại điển hình",
    ),
    "exemplar-no-decision": Entry(
        "warning",
        "điển hình “được công nhận” nhưng không có số quyết định công nhận",
        "ghi số quyết định vào cột decision_no, hoặc ghi tình trạng “xay_dung” nếu đang xây dựng",
    ),
    "place-class-xa": Entry(
        "error",
        "“{place}” là một xã, phường, đặc khu: phân loại phong trào của xã ghi ở "
        "movement_classes.csv",
        "chuyển dòng này sang movement_classes.csv (cột unit_code là mã xã)",
    ),
    "tt124-other-xa": Entry(
        "warning",
        "“{issuer}” công nhận “{place}”, nơi thuộc {unit}: cấp xã chỉ công nhận khu dân cư, cơ "
        "quan, doanh nghiệp, cơ sở giáo dục thuộc thẩm quyền quản lý của mình (Điều 10 Thông tư "
        "124/2021/TT-BCA)",
        "ghi đúng cơ quan đã ra quyết định; nếu trước 01/7/2025 nơi này thuộc xã khác, ghi tên "
        "xã cũ vào cột legacy_unit_name của places.csv",
    ),
    "calendar-product": Entry("info", "-//antq//Lịch phong trào toàn dân bảo vệ ANTQ//VI"),
    "calendar-name": Entry("info", "Lịch phong trào — {site}"),
    #    What an output is, and why its address is refused (generator.pages).
    "output-page": Entry("info", "trang “{title}” ({url})"),
    "output-file": Entry("info", "tệp {url}"),
    "output-path-no-slash": Entry("info", "không bắt đầu bằng “/”"),
    "output-path-empty-segment": Entry(
        "info", "có một phần rỗng “//”: mã hoặc tên không còn chữ cái, chữ số nào"
    ),
    "output-path-bad-segment": Entry(
        "info", "phần “{segment}” có ký tự không được dùng trong địa chỉ"
    ),
    #    Lessons (generator.lessons): front-matter types and hints, the footnote back-link.
    "lesson-what": Entry("info", "bài học"),
    "lesson-type-string": Entry("info", "văn bản"),
    "lesson-hint-string": Entry("info", "đặt trong ngoặc kép"),
    "lesson-type-integer": Entry("info", "số nguyên"),
    "lesson-hint-integer": Entry("info", "chỉ ghi chữ số"),
    "lesson-type-date": Entry("info", "ngày"),
    "lesson-hint-date": Entry("info", "viết năm-tháng-ngày"),
    "lesson-type-list": Entry("info", "danh sách mã"),
    "lesson-hint-list": Entry("info", "ghi [mã, mã]"),
    "lesson-hint-enum": Entry("info", "ghi đúng mã trong danh sách"),
    # Python-Markdown's footnotes fill "%d" with the footnote's number (a literal "%").
    "lesson-footnote-back": Entry("info", "Quay lại đoạn văn %d"),
    #    The dev server's page for an address nothing is built at (generator.serve).
    "serve-not-found": Entry("info", "Không tìm thấy trang"),
    "serve-home": Entry("info", "Trang chủ"),
    # antq serve: the search index follows the pages (issue 18 item 5, generator.serve).
    "serve-search-catching-up": Entry(
        "info",
        "Đang cập nhật chỉ mục tìm kiếm… Kết quả tìm kiếm có thể chưa có thay đổi vừa lưu.",
    ),
    "serve-search-caught-up": Entry(
        "info", "chỉ mục tìm kiếm đã cập nhật ({seconds} s sau khi trang được thay)."
    ),
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


def text(code: str, **params: Any) -> str:
    """Only the formatted message of an entry: a progress or summary line (level "info"),
    or a message another line embeds. Strict like `problem`: a missing parameter raises."""
    return CATALOGUE[code].message.format_map(_Params(params))


def say(code: str, **params: Any) -> str:
    """A catalogue line with no file location (the server, push, the command line):
    `lỗi: message [code] — Cách sửa: hint`."""
    return problem(code, "", **params).line()


# -- The command line's own words (issue 17, item 5): click's and typer's English strings,
#    as their sources pass them to gettext, with the Vietnamese generator.cli_vi installs.
#    Strings only a developer meets (a command declared wrongly) are left in English.
CLI_VI: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "[OPTIONS]": "[TÙY-CHỌN]",
    "COMMAND [ARGS]...": "LỆNH [ĐỐI-SỐ]...",
    "Options": "Tùy chọn",
    "Arguments": "Đối số",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số theo vị trí",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "[default: {}]": "[mặc định: {}]",
    "default: {default}": "mặc định: {default}",
    "[env var: {}]": "[biến môi trường: {}]",
    "env var: {var}": "biến môi trường: {var}",
    "[required]": "[bắt buộc]",
    "required": "bắt buộc",
    "(dynamic)": "(tùy lúc chạy)",
    "(deprecated) ": "(không còn dùng) ",
    "deprecated": "không còn dùng",
    "Error": "Lỗi",
    "Error: {message}": "Lỗi: {message}",
    "Aborted!": "Đã dừng!",
    "Aborted.": "Đã dừng.",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Did you mean {possibility}?": "Có phải là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải là một trong: {possibilities}?)",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Gõ [blue]'{command_path} {help_option}'[/] để xem hướng dẫn."
    ),
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "Argument {name!r} takes {nargs} values.": "Đối số {name!r} nhận {nargs} giá trị.",
    "Invalid start character for option ({option})": "Ký tự đầu của tùy chọn sai ({option})",
    "Takes {nargs} values but 1 was given.": "Cần {nargs} giá trị nhưng chỉ có 1.",
    "Takes {nargs} values but {len} were given.": "Cần {nargs} giá trị nhưng có {len}.",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "unknown error": "lỗi không rõ",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "Do you want to continue?": "Tiếp tục?",
    "Confirm the action without prompting.": "Xác nhận luôn, không hỏi lại.",
    "Press any key to continue...": "Nhấn một phím bất kỳ để tiếp tục...",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai giá trị vừa nhập không khớp.",
    "Error: invalid input": "Lỗi: giá trị nhập không hợp lệ",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc {choices}.",
    "{value!r} does not match the format {format}.": "{value!r} không đúng dạng {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} không đúng dạng {formats}.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} không phải giá trị đúng/sai. Các giá trị nhận: {states}"
    ),
    "{len_type} values are required, but {len_value} was given.": (
        "cần {len_type} giá trị, nhưng có {len_value}."
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "cần {len_type} giá trị, nhưng có {len_value}."
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} không phải {number_type} hợp lệ.",
    "{value!r} is not a valid UUID.": "{value!r} không phải UUID hợp lệ.",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục.",
    "{name} {filename!r} is not readable.": "Không đọc được {name} {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được {name} {filename!r}.",
    "{name} {filename!r} is not executable.": "Không chạy được {name} {filename!r}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Cảnh báo: lệnh {name!r} không còn dùng.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Cảnh báo: {param_type} {name!r} không còn dùng.{extra_message}"
    ),
    "Unknown color {colour!r}": "Không biết màu {colour!r}",
    "Windows error: {error}": "Lỗi Windows: {error}",
    "{editor}: Editing failed": "{editor}: sửa không được",
    "{editor}: Editing failed: {e}": "{editor}: sửa không được: {e}",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Không nhận ra phiên bản Bash: không hỗ trợ gợi ý lệnh."
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Bash cũ hơn 4.4: không hỗ trợ gợi ý lệnh."
    ),
    "Unknown standard stream '{name}'": "Không biết luồng chuẩn '{name}'",
}
# The value kinds typer shows beside an option (<path>, <str>…); a flag shows none.
CLI_TYPES_VI: dict[str, str] = {
    "path": "ĐƯỜNG-DẪN",
    "str": "CHỮ",
    "int": "SỐ",
    "float": "SỐ",
    "text": "CHỮ",
    "integer": "SỐ",
    "list[str]": "CHỮ…",
}
# The vendored click's error lines are f-strings: translated by pattern where they are shown.
CLI_ERRORS_VI: tuple[tuple[str, str], ...] = (
    (r"^No such option: ", "Không có tùy chọn: "),
    (r"\(Possible options: ", "(Các tùy chọn có: "),
    (r"^Missing argument ", "Thiếu đối số "),
    (r"^Missing option ", "Thiếu tùy chọn "),
    (r"^Missing parameter", "Thiếu tham số"),
    (r"^Invalid value for ", "Giá trị không hợp lệ cho "),
    (r"^Invalid value: ", "Giá trị không hợp lệ: "),
    (r"^Got unexpected extra argument\(s\)", "Thừa đối số"),
    (r"^Option (\S+) requires an argument\.", r"Tùy chọn \1 cần một giá trị."),
    (r"^Option (\S+) does not take a value\.", r"Tùy chọn \1 không nhận giá trị."),
    (r"^Could not open file ", "Không mở được tệp "),
    (r" is not a valid integer( range)?\.", r" không phải số nguyên hợp lệ."),
    (r" is not a valid float( range)?\.", r" không phải số hợp lệ."),
    (r" is not one of ", " không thuộc "),
)
# Help panels for the commands (typer's rich_help_panel).
CLI_PANEL_TOOLS = "Công cụ cho nhà phát triển"
