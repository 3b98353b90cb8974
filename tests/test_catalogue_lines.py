"""Every catalogue code has a fixture that makes antq print it, and the exact line it prints.

The fixtures are in tests/catalogue_cases.py (edits of the good fixture package, or the input
of another command); the lines are below, whole: code, location, message and hint. A code
without a fixture yet is listed in NO_FIXTURE_YET with the reason; the list can only shrink
(a test fails when a listed code gets a fixture, or names a code that does not exist).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.data.messages_vi import CATALOGUE
from generator.data.problems import summary_line
from generator.data.validate import validate_package
from generator.errors import AntqError
from tests import catalogue_cases as cases
from tests.catalogue_cases import CallCase, Case, Sparse, Symlink

VALIDATION_CASES: dict[str, Case] = {
    **cases.DESCRIPTOR_CASES,
    **cases.ROW_CASES,
    **cases.FILE_CASES,
    **cases.LESSON_CASES,
    **cases.NEWS_CASES,
}
CALL_CASES: dict[str, CallCase] = {
    **cases.SETTINGS_CASES,
    **cases.CHECK_CASES,
    **cases.PUSH_CASES,
    **cases.MISC_CASES,
}

EXPECTED_VALIDATION: dict[str, list[str]] = {
    "descriptor-yaml": [
        "datapackage.yaml:2: lỗi: tệp mô tả không đúng cú pháp YAML (did not find expected node content) [descriptor-yaml] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 1 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "descriptor-not-mapping": [
        "datapackage.yaml: lỗi: tệp mô tả phải là một bảng khóa–giá trị (YAML mapping) [descriptor-not-mapping] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 1 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "descriptor-profile": [
        "datapackage.yaml: lỗi: thiếu hoặc sai “$schema”: phải là https://datapackage.org/profiles/2.0/datapackage.json (Data Package v2) [descriptor-profile] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 1 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "descriptor-no-resources": [
        "datapackage.yaml: lỗi: thiếu danh sách “resources” [descriptor-no-resources] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 1 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "resource-list": [
        "datapackage.yaml: lỗi: tài nguyên thứ 18 phải là một bảng khóa–giá trị [resource-not-mapping] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "datapackage.yaml: lỗi: tài nguyên thứ 19 thiếu “name” [resource-no-name] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "datapackage.yaml: lỗi: tài nguyên thứ 20: tên “Bang-Moi” không hợp lệ [resource-name] — Cách sửa: tên bảng chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ, ví dụ legal_documents",
        "datapackage.yaml: lỗi: bảng “units” được khai báo hai lần [resource-twice] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 4 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "resource-keys": [
        "datapackage.yaml: lỗi: bảng “unit_changes”: khóa “colour” không có trong mô tả bảng (resource) [resource-unknown-key] — Cách sửa: sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: name, title, description, path, encoding, schema, format, mediatype, $schema, type, dialect, licenses, sources, bytes, hash, scheme",
        "datapackage.yaml: lỗi: bảng “model_sites”: phải khai báo encoding: utf-8 [resource-encoding] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "datapackage.yaml: lỗi: bảng “awards”: không tìm thấy tệp lược đồ “schemas/khen_thuong.yaml” [schema-missing] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "datapackage.yaml: lỗi: bảng “events”: “path” phải là đường dẫn tương đối trong thư mục dữ liệu [resource-path] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 4 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "tables": [
        "datapackage.yaml: lỗi: bảng “su_kien” không thuộc dữ liệu của phong trào mà trang web dùng [unknown-table] — Cách sửa: xóa bảng này khỏi datapackage.yaml (hoặc sửa tên cho đúng); các bảng dùng được: units, legacy_units, unit_changes, places, assessments, targets, movement_classes, models, model_sites, security_teams, security_team_ratings, awards, legal_documents, events, place_classes, emulation_registrations, exemplar_recognitions",
        "datapackage.yaml: lỗi: thiếu bảng “events” trong datapackage.yaml [missing-table] — Cách sửa: khôi phục mục “events” trong danh sách resources từ phiên bản trước trên kho git",
        "Tổng cộng: 2 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "schema-yaml": [
        'schemas/places.yaml: lỗi: bảng “places”: lược đồ không đúng cú pháp YAML (while parsing a flow node did not find expected node content in "schemas/places.yaml", line 2, column 1) [schema-yaml] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”',
        "schemas/assessments.yaml: lỗi: bảng “assessments”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/model_sites.yaml: lỗi: bảng “model_sites”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/security_teams.yaml: lỗi: bảng “security_teams”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/place_classes.yaml: lỗi: bảng “place_classes”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/emulation_registrations.yaml: lỗi: bảng “emulation_registrations”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/exemplar_recognitions.yaml: lỗi: bảng “exemplar_recognitions”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 7 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "schema-no-fields": [
        "schemas/places.yaml: lỗi: bảng “places”: lược đồ phải có danh sách “fields” [schema-no-fields] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/assessments.yaml: lỗi: bảng “assessments”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/model_sites.yaml: lỗi: bảng “model_sites”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/security_teams.yaml: lỗi: bảng “security_teams”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/place_classes.yaml: lỗi: bảng “place_classes”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/emulation_registrations.yaml: lỗi: bảng “emulation_registrations”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/exemplar_recognitions.yaml: lỗi: bảng “exemplar_recognitions”: khóa ngoại trỏ tới bảng không tồn tại “places” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 7 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "schema-keys": [
        "schemas/places.yaml: lỗi: bảng “places”: khóa “missingValue” không có trong lược đồ (Table Schema) [schema-unknown-key] — Cách sửa: sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: $schema, name, title, description, fields, fieldsMatch, missingValues, primaryKey, uniqueKeys, foreignKeys, x-antq-max-rows",
        "schemas/places.yaml: lỗi: bảng “places”: “x-antq-max-rows” phải là số nguyên dương, không phải “-1” [schema-max-rows] — Cách sửa: ghi số dòng tối đa của bảng, ví dụ x-antq-max-rows: 100000",
        "schemas/places.yaml: lỗi: bảng “places”: khóa chính dùng trường không tồn tại “ma” [primary-key-field] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 3 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "fields": [
        "schemas/places.yaml:18 (name): lỗi: bảng “places”: trường có khóa lạ “descripton” [field-unknown-key] — Cách sửa: sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: name, title, description, type, format, constraints, categories, categoriesOrdered, example, missingValues, rdfType, floatNumber, bareNumber, groupChar, decimalChar, trueValues, falseValues",
        "schemas/places.yaml:39 (legacy_unit_code): lỗi: bảng “places”: trường có khóa lạ “colour” [field-unknown-key] — Cách sửa: sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: name, title, description, type, format, constraints, categories, categoriesOrdered, example, missingValues, rdfType, floatNumber, bareNumber, groupChar, decimalChar, trueValues, falseValues",
        "schemas/places.yaml: lỗi: bảng “places”, trường “lat”: “constraints” phải là bảng khóa–giá trị [field-constraints] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/places.yaml:53 (lat): lỗi: bảng “places”: trường có khóa lạ “limits” [field-unknown-key] — Cách sửa: sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: name, title, description, type, format, constraints, categories, categoriesOrdered, example, missingValues, rdfType, floatNumber, bareNumber, groupChar, decimalChar, trueValues, falseValues",
        "schemas/places.yaml: lỗi: bảng “places”: trường thứ 9 thiếu “name” [field-no-name] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/places.yaml: lỗi: bảng “places”: trường “name” khai báo hai lần [field-twice] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/places.yaml: lỗi: bảng “places”, trường “dien_tich”: kiểu dữ liệu “decimal” không hợp lệ; dùng một trong: string, integer, number, boolean, date [field-type] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/places.yaml: lỗi: bảng “places”, trường “ghi_chu”: ràng buộc “requird” không tồn tại [field-constraint-unknown] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 8 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "categories": [
        "schemas/units.yaml: lỗi: bảng “units”, trường “kind”: “categories” (nhãn tiếng Việt) phải có đúng các giá trị của “enum” [field-categories-enum] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/units.yaml:32 (kind): lỗi: bảng “units”: trường có khóa lạ “x-old” [field-unknown-key] — Cách sửa: sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: name, title, description, type, format, constraints, categories, categoriesOrdered, example, missingValues, rdfType, floatNumber, bareNumber, groupChar, decimalChar, trueValues, falseValues",
        'schemas/units.yaml (kind): lỗi: bảng “units”: “categories” phải là danh sách các mục {value, label} [category-not-list] — Cách sửa: mỗi dòng một mục: - {value: mã, label: "Nhãn"}',
        "schemas/places.yaml: lỗi: bảng “places”, trường “kind”: “categories” (nhãn tiếng Việt) phải có đúng các giá trị của “enum” [field-categories-enum] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        'schemas/places.yaml:30 (kind): lỗi: bảng “places”: mục nhãn của mã “co_quan” thiếu nhãn “label” [category-no-label] — Cách sửa: ghi nhãn tiếng Việt: {value: mã, label: "Nhãn"}',
        'schemas/places.yaml:31 (kind): lỗi: bảng “places”: mục nhãn của mã “doanh_nghiep” có khóa lạ “nghiep” [category-entry] — Cách sửa: mỗi mục phải có đúng hai khóa value và label; nhãn có dấu phẩy phải đặt trong ngoặc kép, ví dụ {value: ma_tuy, label: "Phòng, chống ma túy"}',
        "Tổng cộng: 6 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "foreign-keys": [
        "schemas/places.yaml: lỗi: bảng “places”: khóa ngoại thiếu “fields” hoặc “reference” [foreign-key-incomplete] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/places.yaml: lỗi: bảng “places”: khóa ngoại dùng trường không tồn tại “ma_xa” [foreign-key-field] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/places.yaml: lỗi: bảng “places”: khóa ngoại trỏ tới bảng không tồn tại “xa” [foreign-key-table] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "schemas/places.yaml: lỗi: bảng “places”: khóa ngoại trỏ tới trường không tồn tại “units.ma” [foreign-key-target] — Cách sửa: sửa tệp mô tả rồi chạy lại “antq validate”",
        "Tổng cộng: 4 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "places-rows": [
        "places.csv:9:G (lat): lỗi: số “20,83” dùng dấu phẩy thập phân; phải dùng dấu chấm: 20.83 [decimal-comma] — Cách sửa: trong Excel đổi dấu thập phân thành dấu chấm (File → Options → Advanced → Decimal separator) hoặc gõ lại số",
        "places.csv:10:G (lat): lỗi: tọa độ 106.35 nằm ngoài phạm vi tọa độ cho phép (vĩ độ phải từ 8,0 đến 23,5) [coordinates-outside-vietnam] — Cách sửa: kiểm tra có bị đảo vĩ độ với kinh độ không; vĩ độ (lat) khoảng 8–23,5, kinh độ (lon) khoảng 102–117,9; dùng dấu chấm thập phân",
        "places.csv:10:H (lon): lỗi: tọa độ 20.83 nằm ngoài phạm vi tọa độ cho phép (kinh độ phải từ 102,0 đến 117,9) [coordinates-outside-vietnam] — Cách sửa: kiểm tra có bị đảo vĩ độ với kinh độ không; vĩ độ (lat) khoảng 8–23,5, kinh độ (lon) khoảng 102–117,9; dùng dấu chấm thập phân",
        "places.csv:11:A (id): lỗi: giá trị “HP C” không đúng dạng quy định [pattern] — Cách sửa: Mã do cán bộ đặt, chỉ gồm chữ thường không dấu, số và dấu gạch ngang; không đổi.",
        "places.csv:12:B (name): lỗi: thiếu giá trị bắt buộc [required] — Cách sửa: điền giá trị vào ô này",
        "places.csv:13:C (kind): lỗi: giá trị “Khu dân cư” không nằm trong danh sách cho phép: khu_dan_cu (Khu dân cư), xa (Xã, phường, đặc khu), co_quan (Cơ quan), doanh_nghiep (Doanh nghiệp), co_so_giao_duc (Cơ sở giáo dục) [enum] — Cách sửa: có lẽ bạn muốn ghi “khu_dan_cu” (Khu dân cư)",
        "places.csv:14:D (unit_code): lỗi: giá trị “99999” không có trong cột “code” của bảng “units” [foreign-key] — Cách sửa: kiểm tra lại mã; danh sách mã đúng có trong tệp units.csv",
        "places.csv:15:B (name): lỗi: chữ Việt đã bị thay bằng dấu “?”: “Th?n Ngh? Kh?” — không thể khôi phục tự động [lost-characters] — Cách sửa: gõ lại nội dung có dấu rồi lưu dạng CSV UTF-8 (đừng lưu kiểu “CSV (Comma delimited)”)",
        "places.csv:16:B (name): lỗi: ô chứa ký tự điều khiển U+0007 (không nhìn thấy, không in ra được) [control-character] — Cách sửa: ký tự này thường theo vào khi dán từ phần mềm khác: xóa nội dung ô rồi gõ lại",
        "places.csv:17:B (name): lỗi: ô chứa ký tự ẩn U+202E (right-to-left override) làm chữ hiện ra khác với nội dung thật [bidi-character] — Cách sửa: ký tự này thường theo vào khi dán từ trang web hay tài liệu khác: xóa nội dung ô rồi gõ lại",
        "places.csv:18:B (name): lỗi: ô chứa ký tự vô hình U+200B (zero width space): hai giá trị trông giống nhau mà thực ra khác nhau [zero-width-character] — Cách sửa: xóa nội dung ô rồi gõ lại (đừng dán từ Word hay trang web)",
        "places.csv:19:D (unit_code): lỗi: mã “2494” đã mất số 0 ở đầu, đúng là “02494” (Xã Thái Bình) [lost-leading-zero] — Cách sửa: Excel đã coi cột này là số: chọn cả cột → Format Cells → Text rồi gõ lại mã (hoặc gõ dấu ' trước mã)",
        "places.csv:20:D (unit_code): cảnh báo: mã “11122” là đơn vị cũ (Xã Dân An, Huyện Tứ Kỳ, Tỉnh Hải Dương, trước 01/7/2025); đã quy về Xã Tân Kỳ (mã 11113) [legacy-unit] — Cách sửa: ghi mã mới “11113” vào cột này cho rõ",
        "places.csv:21:D (unit_code): cảnh báo: mã “11143” là đơn vị cũ (Xã Tiên Động, Huyện Tứ Kỳ, Tỉnh Hải Dương) đã bị chia cho nhiều đơn vị mới: Xã Lạc Phượng (11140), Xã Nguyên Giáp (11146); tạm dùng Xã Lạc Phượng (mã 11140) [legacy-unit-split] — Cách sửa: hãy chọn đúng đơn vị mới mà nơi này thuộc về và ghi mã của đơn vị đó vào cột này",
        "places.csv:22:E (legacy_unit_code): cảnh báo: đơn vị cũ “11113” (Xã Tân Kỳ, Huyện Tứ Kỳ, Tỉnh Hải Dương) không nằm trong Xã Lạc Phượng (mã 11140) [legacy-mismatch] — Cách sửa: kiểm tra lại mã đơn vị hiện nay hoặc mã đơn vị cũ",
        "places.csv:23: lỗi: dòng có nhiều ô hơn số cột (x) [extra-cell] — Cách sửa: có thể một ô chứa dấu phẩy mà không nằm trong ngoặc kép; kiểm tra lại dòng này",
        "places.csv:24:D (unit_code): lỗi: dòng thiếu ô cho cột này [missing-cell] — Cách sửa: thêm ô còn thiếu (có thể để trống nếu không bắt buộc)",
        "places.csv:24:D (unit_code): lỗi: thiếu giá trị bắt buộc [required] — Cách sửa: điền giá trị vào ô này",
        "places.csv:24:E (legacy_unit_code): lỗi: dòng thiếu ô cho cột này [missing-cell] — Cách sửa: thêm ô còn thiếu (có thể để trống nếu không bắt buộc)",
        "places.csv:24:F (legacy_unit_name): lỗi: dòng thiếu ô cho cột này [missing-cell] — Cách sửa: thêm ô còn thiếu (có thể để trống nếu không bắt buộc)",
        "places.csv:24:G (lat): lỗi: dòng thiếu ô cho cột này [missing-cell] — Cách sửa: thêm ô còn thiếu (có thể để trống nếu không bắt buộc)",
        "places.csv:24:H (lon): lỗi: dòng thiếu ô cho cột này [missing-cell] — Cách sửa: thêm ô còn thiếu (có thể để trống nếu không bắt buộc)",
        "places.csv:25:B (name): lỗi: nội dung dài 205 ký tự, tối đa 200 [too-long] — Cách sửa: rút gọn nội dung ô này",
        "places.csv:26: lỗi: mã id=xa-11113 trùng với dòng 2 [duplicate-key] — Cách sửa: mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
        "places.csv:27:B (name): cảnh báo: chữ Việt ở dạng tổ hợp (NFD); đã dùng dạng dựng sẵn (NFC) “Thôn Đồng Mới” [nfd-text] — Cách sửa: không bắt buộc; nên gõ lại bằng bộ gõ Unicode dựng sẵn để tìm kiếm, so khớp chính xác",
        "places.csv:28:B (name): lỗi: chữ Việt bị lỗi phông (kiểu TCVN3/VNI cũ): “Th«n Nghi Khª” [legacy-font] — Cách sửa: chuyển mã sang Unicode bằng Unikey (Công cụ chuyển mã: nguồn TCVN3 hoặc VNI, đích Unicode) rồi lưu lại dạng CSV UTF-8",
        "places.csv:29:B (name): lỗi: nội dung ngắn hơn 3 ký tự [too-short] — Cách sửa: bổ sung nội dung ô này",
        "Tổng cộng: 23 lỗi, 4 cảnh báo (17 tệp, 90 dòng dữ liệu).",
    ],
    "other-rows": [
        "legal_documents.csv:7:A (id): lỗi: khóa “—” không tạo được địa chỉ trang vì không có chữ cái hay chữ số nào [empty-slug] — Cách sửa: khóa phải có ít nhất một chữ cái hoặc chữ số, ví dụ “124/2021/TT-BCA”",
        "legal_documents.csv:8:A (id): lỗi: khóa “124/2021/tt-bca” cho cùng địa chỉ trang “124-2021-tt-bca” với khóa “124/2021/TT-BCA” ở dòng 2 [duplicate-slug] — Cách sửa: hai khóa chỉ khác nhau về chữ hoa/chữ thường, dấu hay ký hiệu: sửa cho chúng khác nhau rõ ràng, hoặc xóa dòng trùng",
        "assessments.csv:7:B (year): lỗi: giá trị “2025a” không phải số nguyên [type-error] — Cách sửa: chỉ ghi chữ số, không dùng dấu chấm hay dấu phẩy ngăn cách hàng nghìn",
        "assessments.csv:8:B (year): lỗi: giá trị 2020 nhỏ hơn mức tối thiểu 2022 [below-minimum] — Cách sửa: kiểm tra lại con số",
        "assessments.csv:9:B (year): lỗi: giá trị 2101 lớn hơn mức tối đa 2100 [above-maximum] — Cách sửa: kiểm tra lại con số",
        "assessments.csv:10:E (decision_date): lỗi: ngày “20/11/2023” viết theo kiểu ngày/tháng/năm; phải viết năm-tháng-ngày: 2023-11-20 [date-dmy] — Cách sửa: trong Excel chọn cột → Format Cells → Custom → gõ yyyy-mm-dd, rồi lưu lại",
        "assessments.csv:11:E (decision_date): cảnh báo: ngày quyết định 05/01/2021 nằm ngoài kỳ đánh giá năm 2023 (từ 01/11/2022 đến 31/10/2023) [assessment-date] — Cách sửa: kiểm tra lại năm đánh giá hoặc ngày ký quyết định",
        "targets.csv:4:A (unit_code): lỗi: mục tiêu phải ghi đúng một đơn vị: mã hiện nay hoặc mã trước 01/7/2025 (đang ghi không cột nào) [target-unit] — Cách sửa: ghi mã đơn vị hiện nay vào unit_code, hoặc mã đơn vị cũ đã đặt mục tiêu vào legacy_unit_code, không ghi cả hai",
        "model_sites.csv:5:G (started): lỗi: giá trị “ngay-xua” không phải ngày [type-error] — Cách sửa: viết năm-tháng-ngày, ví dụ 2024-12-20",
        "model_sites.csv:5:H (exemplar): lỗi: giá trị “co” không phải đúng/sai [type-error] — Cách sửa: ghi true (đúng) hoặc false (sai)",
        "model_sites.csv:5:I (lat): lỗi: giá trị “abc” không phải số [type-error] — Cách sửa: chỉ ghi số, dùng dấu chấm thập phân, ví dụ 21.0285",
        "model_sites.csv:7: lỗi: mã id=tka-b trùng với dòng 6 [duplicate-key] — Cách sửa: mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
        "awards.csv:4:G (reason): lỗi: ô có số điện thoại (091…78): không được đăng thông tin liên lạc cá nhân [personal-phone] — Cách sửa: kho dữ liệu và trang web là công khai: xóa thông tin này (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 và Nghị định 356/2025/NĐ-CP)",
        "awards.csv:5:D (recipient_name): lỗi: ô có dãy 12 chữ số giống số định danh cá nhân/CCCD (001…90): không được đăng số định danh [personal-id] — Cách sửa: kho dữ liệu và trang web là công khai: xóa thông tin này (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 và Nghị định 356/2025/NĐ-CP)",
        "events.csv:4:A (id): lỗi: giá trị “AB C” không đúng dạng quy định [pattern] — Cách sửa: xem mô tả của trường trong trang hướng dẫn cho cán bộ",
        "events.csv:4:C (kind): lỗi: giá trị “xyz” không nằm trong danh sách cho phép: ngay_hoi (Ngày hội), bao_cao (Hạn báo cáo), ky_niem (Ngày kỷ niệm, truyền thống), hoi_nghi (Hội nghị, sơ kết, tổng kết), khac (Khác) [enum] — Cách sửa: ghi đúng một trong các mã trên (chữ thường, không dấu)",
        "events.csv:4:E (recurrence): lỗi: thiếu giá trị bắt buộc; chọn một trong: khong (Không lặp lại), hang_nam (Hằng năm) [required-enum] — Cách sửa: ghi mã (phần trước ngoặc) vào ô này; trong mẫu Excel của “antq template” chọn từ danh sách thả xuống",
        "Tổng cộng: 16 lỗi, 1 cảnh báo (17 tệp, 83 dòng dữ liệu).",
    ],
    "nfc-duplicate": [
        "legal_documents.csv:8: lỗi: mã id=Hướng dẫn 22/HD trùng với dòng 7 (hai giá trị chỉ khác nhau về dạng Unicode NFC/NFD) [duplicate-key] — Cách sửa: mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
        "legal_documents.csv:8:A (id): cảnh báo: chữ Việt ở dạng tổ hợp (NFD); đã dùng dạng dựng sẵn (NFC) “Hướng dẫn 22/HD” [nfd-text] — Cách sửa: không bắt buộc; nên gõ lại bằng bộ gõ Unicode dựng sẵn để tìm kiếm, so khớp chính xác",
        "Tổng cộng: 1 lỗi, 1 cảnh báo (17 tệp, 71 dòng dữ liệu).",
    ],
    "law-in-force": [
        "assessments.csv:3:F (issuer): cảnh báo: “UBND xã Tân Kỳ” công nhận “Trường THPT Nghi Khê”, đơn vị không do cấp xã quản lý (Điều 10 Thông tư 124/2021/TT-BCA: cấp xã chỉ công nhận đơn vị thuộc thẩm quyền hoặc được ủy quyền quản lý) [tt124-provincial-unit] — Cách sửa: ghi đúng cơ quan quản lý đơn vị đã ra quyết định công nhận",
        "assessments.csv:4:C (result): cảnh báo: “Xã Tân Kỳ” được công nhận đạt năm 2025 nhưng dữ liệu không có mô hình phong trào nào đang hoạt động ở xã này (Điều 5 Thông tư 124/2021/TT-BCA: ít nhất 01 mô hình hoạt động hiệu quả) [tt124-xa-without-model] — Cách sửa: thêm điểm mô hình của xã vào model_sites.csv, hoặc kiểm tra lại kết quả",
        "assessments.csv:4:F (issuer): cảnh báo: “UBND xã Tân Kỳ” tự công nhận “Xã Tân Kỳ” đạt tiêu chuẩn: cấp xã chỉ công nhận khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục do mình quản lý (Điều 10 Thông tư 124/2021/TT-BCA) [tt124-xa-by-itself] — Cách sửa: ghi đúng cơ quan có thẩm quyền đã ra quyết định công nhận xã, phường, đặc khu",
        "assessments.csv:5:A (place_id): cảnh báo: “Trường Mầm non Cộng Lạc” không thuộc đối tượng xét “An toàn về an ninh, trật tự” theo Thông tư 124/2021/TT-BCA (loại trừ trường tiểu học, mầm non, nhà trẻ và đơn vị lực lượng vũ trang) [tt124-out-of-scope] — Cách sửa: xóa kết quả này, hoặc sửa tên/loại nơi được đánh giá trong places.csv nếu ghi nhầm",
        "models.csv:2:I (legal_basis): cảnh báo: trích dẫn 23/2012/TT-BCA, văn bản đã hết hiệu lực (không còn áp dụng) từ 10/02/2022; ngày xét: 10/12/2025 [legal-out-of-force] — Cách sửa: trích dẫn văn bản thay thế: 124/2021/TT-BCA",
        "awards.csv:2:L (legal_basis): cảnh báo: bản ghi ngày 15/08/2025 trích dẫn 15/2003/QH11, văn bản đã hết hiệu lực từ 01/01/2024, trước ngày của bản ghi [legal-superseded] — Cách sửa: ghi căn cứ có hiệu lực vào ngày của bản ghi: 06/2022/QH15",
        "events.csv:4:I (legal_basis): cảnh báo: trích dẫn 116/2025/QH15, văn bản chỉ có hiệu lực từ 01/07/2026; ngày xét: 10/12/2025 [legal-not-yet-in-force] — Cách sửa: trích dẫn văn bản đang có hiệu lực vào ngày xét; đổi sang 116/2025/QH15 khi văn bản này có hiệu lực",
        "events.csv:5:I (legal_basis): cảnh báo: trích dẫn 1/2010/TT-BCA, văn bản đã hết hiệu lực (không còn áp dụng) từ 01/01/2020; ngày xét: 10/12/2025 [legal-out-of-force] — Cách sửa: trích dẫn văn bản thay thế: văn bản đang có hiệu lực về cùng nội dung (thêm vào legal_documents.csv)",
        "Tổng cộng: 0 lỗi, 8 cảnh báo (17 tệp, 74 dòng dữ liệu).",
    ],
    "clean": [
        "Dữ liệu hợp lệ: không có lỗi, không có cảnh báo (17 tệp, 69 dòng dữ liệu).",
    ],
    "error-limit": [
        "places.csv: lỗi: có quá nhiều lỗi; chỉ hiện 2 lỗi đầu tiên của tệp này [too-many-errors] — Cách sửa: sửa các lỗi trên rồi chạy lại để xem tiếp",
        "places.csv:9:B (name): lỗi: thiếu giá trị bắt buộc [required] — Cách sửa: điền giá trị vào ô này",
        "places.csv:10:B (name): lỗi: thiếu giá trị bắt buộc [required] — Cách sửa: điền giá trị vào ô này",
        "Tổng cộng: 3 lỗi, 0 cảnh báo (17 tệp, 72 dòng dữ liệu).",
    ],
    "headers": [
        "places.csv:1:I: cảnh báo: 2 cột trống ở cuối tệp (từ cột I), thường do Excel thêm vào; đã bỏ qua [trailing-empty-columns] — Cách sửa: xóa các cột trống đó (chọn cột → Delete) hoặc chạy “antq import TỆP --fix”",
        "targets.csv:4: lỗi: dòng trống [blank-row] — Cách sửa: xóa dòng trống này",
        "targets.csv:5: lỗi: dòng trống [blank-row] — Cách sửa: xóa dòng trống này",
        "movement_classes.csv:1 (decision_no): lỗi: thiếu cột “decision_no” (Số quyết định) [missing-label] — Cách sửa: thêm cột có tiêu đề đúng là “decision_no” ở dòng 1",
        "models.csv:1:L: lỗi: cột thừa “x” không có trong lược đồ của bảng “models” [extra-label] — Cách sửa: xóa cột này, hoặc đề nghị người quản trị thêm trường vào lược đồ",
        "model_sites.csv:1:K: lỗi: cột “teams” xuất hiện hai lần [duplicate-label] — Cách sửa: xóa một trong hai cột trùng tên",
        "awards.csv:1:M: lỗi: cột không có tiêu đề [blank-label] — Cách sửa: ghi tiêu đề cho cột ở dòng 1, hoặc xóa cột nếu thừa",
        "events.csv:1:B (title): lỗi: tiêu đề cột là “tieu_de”, phải là “title” (Tên sự kiện) [renamed-label] — Cách sửa: sửa tiêu đề ở dòng 1 thành “title” (không dấu, chữ thường, gạch dưới)",
        "Tổng cộng: 7 lỗi, 1 cảnh báo (17 tệp, 58 dòng dữ liệu).",
    ],
    "files": [
        ".~lock.places.csv#: cảnh báo: tệp khóa do Excel/LibreOffice tạo ra khi đang mở một tệp, không thuộc gói dữ liệu [office-lock-file] — Cách sửa: đóng tệp đang mở trong Excel/LibreOffice; đừng đưa tệp khóa lên kho (nó ghi tên người dùng của máy tính)",
        "ghi-chu.txt: lỗi: tệp không thuộc gói dữ liệu [stray-file] — Cách sửa: thư mục dữ liệu chỉ chứa datapackage.yaml, README.md, schemas/*.yaml, các bảng khai báo trong datapackage.yaml, lessons/*.md, news/NĂM/TÊN-BÀI/ (index.md và ảnh) và geo/; xóa tệp này khỏi kho (nếu là khóa, mật khẩu hay tệp .env thì coi như đã lộ: đổi khóa, mật khẩu mới)",
        "news/2025/ngay-hoi-xa-tan-ky/index.md:8 (awards): lỗi: giá trị “2025-to-tu-quan-nghi-khe” không có trong cột “id” của bảng “awards” [foreign-key] — Cách sửa: kiểm tra lại mã; danh sách mã đúng có trong tệp awards.csv",
        "legal_documents.csv: lỗi: tệp nặng 65 MB, vượt giới hạn 64 MB nên không được đọc [file-too-large] — Cách sửa: có lẽ đã lưu nhầm tệp; kiểm tra lại nội dung, hoặc tách bớt dữ liệu cũ sang tệp khác",
        "targets.csv: lỗi: tệp rỗng, không có cả dòng tiêu đề [empty-file] — Cách sửa: mở lại tệp gốc và lưu dạng CSV UTF-8; dòng 1 phải là tên các cột",
        "movement_classes.csv: lỗi: tệp được lưu dạng “Unicode Text” (UTF-16), không phải CSV UTF-8 [encoding-utf16] — Cách sửa: trong Excel chọn File → Save As → kiểu “CSV UTF-8 (Comma delimited)”; trong LibreOffice chọn Character set “Unicode (UTF-8)”",
        "models.csv: lỗi: tệp không phải UTF-8, byte lỗi đầu tiên ở dòng 2 [encoding-not-utf8] — Cách sửa: trong Excel chọn File → Save As → kiểu “CSV UTF-8 (Comma delimited)”; trong LibreOffice chọn Character set “Unicode (UTF-8)”",
        "model_sites.csv: lỗi: không tìm thấy tệp dữ liệu của bảng “model_sites” [missing-file] — Cách sửa: kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) hoặc sửa “path” trong datapackage.yaml",
        "awards.csv: lỗi: tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào [no-rows] — Cách sửa: kiểm tra xem có lỡ xóa hết dữ liệu không; khôi phục từ phiên bản trước trên kho git",
        "events.csv: lỗi: tệp không phải UTF-8: có vẻ được lưu bằng Excel “CSV” kiểu Windows (bảng mã Windows-1258), byte lỗi đầu tiên ở dòng 2 [encoding-cp1258] — Cách sửa: trong Excel chọn File → Save As → kiểu “CSV UTF-8 (Comma delimited)”; trong LibreOffice chọn Character set “Unicode (UTF-8)”",
        "Tổng cộng: 9 lỗi, 1 cảnh báo (17 tệp, 51 dòng dữ liệu).",
    ],
    "symlink": [
        "units.csv: lỗi: là liên kết tượng trưng (symlink) nên không được đọc [data-symlink] — Cách sửa: thư mục dữ liệu chỉ được chứa tệp thật: xóa liên kết, chép chính tệp vào chỗ của nó",
        "Tổng cộng: 1 lỗi, 0 cảnh báo (0 tệp, 0 dòng dữ liệu).",
    ],
    "too-many-rows": [
        "events.csv: lỗi: bảng “events” có 2 dòng dữ liệu, vượt giới hạn 1 dòng nên không được kiểm tra tiếp [too-many-rows] — Cách sửa: có lẽ đã dán nhầm dữ liệu: kiểm tra lại tệp; nếu số dòng là đúng, đề nghị người quản trị nâng “x-antq-max-rows” trong schemas/events.yaml",
        "Tổng cộng: 1 lỗi, 0 cảnh báo (17 tệp, 67 dòng dữ liệu).",
    ],
    "lessons": [
        "lessons/Bài Mẫu.md: lỗi: tên tệp bài học “Bài Mẫu.md” không dùng được làm địa chỉ trang [lesson-file-name] — Cách sửa: đổi tên tệp thành “bai-mau.md”: chỉ chữ thường không dấu, chữ số và dấu gạch ngang",
        "lessons/cau-hoi.md:35: lỗi: phần tự kiểm tra chưa đúng mẫu: câu 1 phải có ít nhất hai phương án và đúng một đáp án [x] [lesson-quiz] — Cách sửa: mỗi câu: dòng “1. Câu hỏi”, các phương án thụt 4 dấu cách “- [ ] …”, đúng một phương án “- [x] …”, rồi “> Giải thích: …”",
        "lessons/chu-de.md: lỗi: tên tệp bài học “chu-de.md” trùng với mục “/bai-hoc/chu-de/” của thư viện bài học [lesson-file-name-reserved] — Cách sửa: đặt tên khác cho tệp, ví dụ “chu-de-bai-hoc.md”",
        "lessons/danh-sach.md:1: lỗi: phần đầu bài học (giữa hai dòng ---) không đọc được: không phải bảng khóa [lesson-front-matter] — Cách sửa: bài học phải mở đầu bằng dòng ---, các dòng “khóa: giá trị”, rồi một dòng --- nữa; xem mẫu trong một bài học có sẵn",
        "lessons/dia-chi.md:11: lỗi: địa chỉ “javascript:alert(1)” không được dùng trong bài học, nên liên kết hoặc hình đã bị bỏ [lesson-url] — Cách sửa: chỉ dùng địa chỉ bắt đầu bằng https://, http://, mailto:, tel:, một đường dẫn trong trang (/…) hoặc một neo (#…); không dùng javascript:, vbscript:, data:, file: (kể cả viết bằng mã &#…;) và không viết tắt bằng //",
        "lessons/khoa-la.md:9 (tac_gia): lỗi: khóa “tac_gia” không có trong phần đầu bài học [lesson-unknown-key] — Cách sửa: chỉ dùng các khóa: title, summary, topics, grades, legal_documents, updated, reading_time",
        "lessons/khong-cau-hoi.md:33: lỗi: phần tự kiểm tra chưa đúng mẫu: chưa có câu hỏi nào [lesson-quiz] — Cách sửa: mỗi câu: dòng “1. Câu hỏi”, các phương án thụt 4 dấu cách “- [ ] …”, đúng một phương án “- [x] …”, rồi “> Giải thích: …”",
        "lessons/khong-dau.md:1: lỗi: phần đầu bài học (giữa hai dòng ---) không đọc được: thiếu phần đầu [lesson-front-matter] — Cách sửa: bài học phải mở đầu bằng dòng ---, các dòng “khóa: giá trị”, rồi một dòng --- nữa; xem mẫu trong một bài học có sẵn",
        "lessons/khong-kiem-tra.md: lỗi: phần tự kiểm tra chưa đúng mẫu: thiếu phần “Tự kiểm tra” ở cuối bài [lesson-quiz] — Cách sửa: mỗi câu: dòng “1. Câu hỏi”, các phương án thụt 4 dấu cách “- [ ] …”, đúng một phương án “- [x] …”, rồi “> Giải thích: …”",
        "lessons/ky-tu.md:13: lỗi: dòng có ký tự điều khiển U+0007 (không nhìn thấy, không in ra được) [lesson-control-character] — Cách sửa: xóa ký tự này (thường lẫn vào khi chép từ tệp khác); nếu không thấy, hãy gõ lại cả dòng",
        "lessons/thuoc-tinh.md:13: lỗi: thuộc tính “onclick=alert(1)” không được dùng trong bài học, nên đã bị bỏ khỏi trang [lesson-attribute] — Cách sửa: bài học chỉ đặt được các thuộc tính id, class, lang, title, alt, width, height (id và class viết bằng chữ không dấu, chữ số, dấu gạch); không dùng thuộc tính sự kiện (on…), style, data-…, địa chỉ, và không gắn {…} vào dòng mở khối mã ```",
        "schemas/lesson.yaml:23 (topics): lỗi: mã “lua-dao-qua-mang” không cho được địa chỉ trang riêng (/bai-hoc/chu-de/lua-dao-qua-mang/, trùng với mã “Lừa Đảo Qua Mạng”) [lesson-category-slug] — Cách sửa: dùng mã bằng chữ thường không dấu, chữ số và dấu gạch ngang, mỗi mã một địa chỉ",
        "Tổng cộng: 12 lỗi, 0 cảnh báo (17 tệp, 69 dòng dữ liệu).",
    ],
    # Tổ bảo vệ an ninh, trật tự ở cơ sở (issue 14 item 2, security_teams)
    "security-teams": [
        "security_teams.csv:5:D (place_id): lỗi: tổ phụ trách “hp-tan-ky-thon-nghi-khe”, nhưng nơi này không phải thôn, tổ dân phố (khu dân cư) của đơn vị 11140 [security-team-place] — Cách sửa: ghi vào place_id mã của một thôn hoặc tổ dân phố (loại khu dân cư) thuộc đúng xã ở cột unit_code, hoặc để trống place_id",
        "security_teams.csv:6:D (place_id): lỗi: tổ phụ trách “xa-11113”, nhưng nơi này không phải thôn, tổ dân phố (khu dân cư) của đơn vị 11113 [security-team-place] — Cách sửa: ghi vào place_id mã của một thôn hoặc tổ dân phố (loại khu dân cư) thuộc đúng xã ở cột unit_code, hoặc để trống place_id",
        "security_teams.csv:7:E (members): cảnh báo: tổ chỉ có 2 thành viên, trong khi Tổ bảo vệ an ninh, trật tự gồm Tổ trưởng, Tổ phó và Tổ viên (Điều 16 Luật 30/2023/QH15) [security-team-few-members] — Cách sửa: kiểm tra lại số thành viên theo quyết định công nhận thành viên của Chủ tịch UBND xã; nếu tổ đang thiếu người, ghi đúng số hiện có",
        "security_teams.csv:8:B (unit_code): lỗi: giá trị “99999” không có trong cột “code” của bảng “units” [foreign-key] — Cách sửa: kiểm tra lại mã; danh sách mã đúng có trong tệp units.csv",
        "security_teams.csv:8:E (members): lỗi: giá trị 0 nhỏ hơn mức tối thiểu 1 [below-minimum] — Cách sửa: kiểm tra lại con số",
        "Tổng cộng: 4 lỗi, 1 cảnh báo (17 tệp, 73 dòng dữ liệu).",
    ],
    # Xếp loại Tổ bảo vệ an ninh, trật tự (issue 14 item 2, security_team_ratings)
    "security-team-ratings": [
        "security_team_ratings.csv:5:C (rating): cảnh báo: năm 2025, đơn vị 11140 có 1 tổ “Hoàn thành xuất sắc nhiệm vụ” và 0 tổ “Hoàn thành tốt nhiệm vụ”, nhưng số tổ xuất sắc không được vượt quá 20% số tổ hoàn thành tốt (Hướng dẫn 01/HD-BCA-V05, theo báo chí) [security-team-rating-quota] — Cách sửa: kiểm tra lại quyết định xếp loại của Chủ tịch UBND xã năm đó",
        "security_team_ratings.csv:6:B (year): cảnh báo: tổ thành lập ngày 01/07/2024, chưa đủ 9 tháng hoạt động đến 14/11/2024, nên theo hướng dẫn xếp loại (Hướng dẫn 01/HD-BCA-V05, theo báo chí) chưa được đánh giá năm 2024 [security-team-rating-too-new] — Cách sửa: kiểm tra lại năm đánh giá và ngày thành lập tổ trong security_teams.csv; nếu tổ chưa đủ 9 tháng, xóa dòng xếp loại này",
        "Tổng cộng: 0 lỗi, 2 cảnh báo (17 tệp, 71 dòng dữ liệu).",
    ],
    # Đăng ký thi đua, điển hình, phân loại phong trào của nơi (issue 14 item 2, vocab-14)
    "vocabulary": [
        "assessments.csv:7:F (issuer): cảnh báo: “UBND xã Tân Kỳ” công nhận “Thôn Kim Song”, nơi thuộc Xã Trường Lưu: cấp xã chỉ công nhận khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục thuộc thẩm quyền quản lý của mình (Điều 10 Thông tư 124/2021/TT-BCA) [tt124-other-xa] — Cách sửa: ghi đúng cơ quan đã ra quyết định; nếu trước 01/7/2025 nơi này thuộc xã khác, ghi tên xã cũ vào cột legacy_unit_name của places.csv",
        "place_classes.csv:3:A (place_id): lỗi: “xa-11113” là một xã, phường, đặc khu: phân loại phong trào của xã ghi ở movement_classes.csv [place-class-xa] — Cách sửa: chuyển dòng này sang movement_classes.csv (cột unit_code là mã xã)",
        "emulation_registrations.csv:4:D (registered_on): cảnh báo: bản đăng ký thi đua năm 2024 ghi ngày 02/05/2024, sau quý I: đăng ký phấn đấu được làm trong quý I hằng năm (Điều 5 Thông tư 124/2021/TT-BCA với xã; kế hoạch của phong trào) [registration-late] — Cách sửa: kiểm tra lại ngày trên bản đăng ký và cột year (năm thi đua)",
        "emulation_registrations.csv:5:C (goal): cảnh báo: “Phấn đấu trở thành điển hình về phong trào toàn dân bảo vệ ANTQ” không dành cho khu dân cư: các văn bản của phong trào nêu xã, phường, cơ quan, doanh nghiệp, cơ sở giáo dục điển hình, và Công an xã, phường điển hình, kiểu mẫu (của một xã) [exemplar-place-kind] — Cách sửa: kiểm tra lại mã nơi (cột place_id) hoặc loại điển hình",
        "exemplar_recognitions.csv:3:A (place_id): cảnh báo: “Điển hình về phong trào toàn dân bảo vệ ANTQ” không dành cho khu dân cư: các văn bản của phong trào nêu xã, phường, cơ quan, doanh nghiệp, cơ sở giáo dục điển hình, và Công an xã, phường điển hình, kiểu mẫu (của một xã) [exemplar-place-kind] — Cách sửa: kiểm tra lại mã nơi (cột place_id) hoặc loại điển hình",
        "exemplar_recognitions.csv:4:A (place_id): cảnh báo: “Công an xã, phường điển hình, kiểu mẫu về ANTT” không dành cho cơ sở giáo dục: các văn bản của phong trào nêu xã, phường, cơ quan, doanh nghiệp, cơ sở giáo dục điển hình, và Công an xã, phường điển hình, kiểu mẫu (của một xã) [exemplar-place-kind] — Cách sửa: kiểm tra lại mã nơi (cột place_id) hoặc loại điển hình",
        "exemplar_recognitions.csv:4:E (decision_no): cảnh báo: điển hình “được công nhận” nhưng không có số quyết định công nhận [exemplar-no-decision] — Cách sửa: ghi số quyết định vào cột decision_no, hoặc ghi tình trạng “xay_dung” nếu đang xây dựng",
        "Tổng cộng: 1 lỗi, 6 cảnh báo (17 tệp, 75 dòng dữ liệu).",
    ],
    "lesson-types": [
        "lessons/long.md:5 (grades): lỗi: giá trị “[…]” không phải danh sách mã [type-error] — Cách sửa: ghi [mã, mã]",
        "lessons/ma.md:5 (grades): lỗi: giá trị “lop-1” không nằm trong danh sách cho phép: tieu_hoc (Tiểu học), thcs (Trung học cơ sở), thpt (Trung học phổ thông), nguoi_lon (Người lớn) [enum] — Cách sửa: ghi đúng mã trong danh sách",
        "lessons/mau.md:2 (title): lỗi: giá trị “[…]” không phải văn bản [type-error] — Cách sửa: đặt trong ngoặc kép",
        "lessons/ngay.md:7 (updated): lỗi: giá trị “hôm qua” không phải ngày [type-error] — Cách sửa: viết năm-tháng-ngày",
        "lessons/so.md:8 (reading_time): lỗi: giá trị “ba” không phải số nguyên [type-error] — Cách sửa: chỉ ghi chữ số",
        "schemas/lesson.yaml:11 (summary): lỗi: bảng “bài học”: trường có khóa lạ “colour” [field-unknown-key] — Cách sửa: sửa lỗi chính tả hoặc xóa khóa này; các khóa dùng được: name, title, description, type, format, constraints, categories, categoriesOrdered, example, missingValues, rdfType, floatNumber, bareNumber, groupChar, decimalChar, trueValues, falseValues, references",
        "Tổng cộng: 6 lỗi, 0 cảnh báo (17 tệp, 69 dòng dữ liệu).",
    ],
    "news": [
        "news/2024/sai-nam/index.md:3 (date): lỗi: ngày đăng 2025-08-19 không thuộc năm 2024 của thư mục bài [news-year] — Cách sửa: chuyển thư mục bài vào news/ đúng năm, hoặc sửa ngày đăng",
        "news/2025/Bai Moi: lỗi: thư mục bài tin không đúng mẫu news/NĂM/TÊN-BÀI/ (năm bốn chữ số, tên bài chữ thường không dấu, chữ số, dấu gạch ngang) [news-folder] — Cách sửa: đổi thành “news/2025/bai-moi/index.md”",
        "news/2025/gps/san-khau.jpg: lỗi: ảnh có tọa độ GPS (nơi chụp) trong siêu dữ liệu; kho dữ liệu công khai như trang web [news-photo-gps] — Cách sửa: chạy “antq anh xoa-gps news/2025/gps/san-khau.jpg” để xóa tọa độ khỏi tệp, rồi commit lại ảnh",
        "news/2025/hai-lan/index.md:12: lỗi: ảnh “san-khau.jpg” được ghi hai lần trong bài [news-photo-twice] — Cách sửa: mỗi tệp ảnh chỉ ghi một lần",
        "news/2025/hong/san-khau.jpg: lỗi: không đọc được tệp ảnh (hỏng, hoặc không phải JPEG, PNG hay WebP) [news-photo-unreadable] — Cách sửa: mở ảnh bằng trình xem ảnh rồi lưu lại dưới dạng JPEG",
        "news/2025/khoa-la/index.md:11 (tac_gia): lỗi: khóa “tac_gia” không có trong phần đầu bài tin [news-unknown-key] — Cách sửa: chỉ dùng các khóa: title, date, summary, kind, units, models, awards, lessons, author_unit, photos, draft, sample, corrections",
        "news/2025/khoa-la/index.md:12 (photos.nguoi_chup): lỗi: khóa “photos.nguoi_chup” không có trong phần đầu bài tin [news-unknown-key] — Cách sửa: chỉ dùng các khóa: file, alt, caption, credit, minors, minors_consent, generated",
        "news/2025/khong-dau/index.md:1: lỗi: phần đầu bài tin (giữa hai dòng ---) không đọc được: thiếu phần đầu [news-front-matter] — Cách sửa: bài tin phải mở đầu bằng dòng ---, các dòng “khóa: giá trị”, rồi một dòng --- nữa; xem mẫu trong một bài tin có sẵn",
        "news/2025/kieu/index.md:10 (sample): lỗi: giá trị “có” không phải có/không [type-error] — Cách sửa: ghi true hoặc false",
        "news/2025/kieu/index.md:17 (corrections): lỗi: giá trị “[…]” không phải danh sách mục [type-error] — Cách sửa: mỗi mục một dòng “- khóa: giá trị” như bài mẫu",
        "news/2025/ten-anh/index.md:12: lỗi: tên tệp ảnh “Sân Khấu.jpg” không dùng được làm địa chỉ ảnh [news-photo-name] — Cách sửa: đổi tên tệp thành “san-khau.jpg” (chữ thường không dấu, chữ số, dấu gạch ngang; đuôi .jpg, .png hoặc .webp) và sửa tên trong bài",
        "news/2025/thieu-anh/index.md:12: lỗi: không có tệp ảnh “san-khau.jpg” trong thư mục bài [news-photo-missing] — Cách sửa: chép ảnh vào cùng thư mục với index.md, tên đúng như đã ghi (kể cả chữ hoa, chữ thường)",
        "news/2025/tre-em/index.md:12: lỗi: ảnh “san-khau.jpg” có trẻ em nhận ra được nhưng chưa ghi sự đồng ý (minors_consent) [news-photo-minors] — Cách sửa: ghi số, ngày văn bản đồng ý của cha mẹ hoặc người giám hộ (và của trẻ từ đủ 7 tuổi) vào minors_consent (khoản 11 Điều 6, Điều 21 Luật Trẻ em 2016), hoặc bỏ ảnh, hoặc dùng ảnh không nhận ra được trẻ",
        "news/2025/trong: lỗi: thư mục bài tin không có tệp index.md [news-no-index] — Cách sửa: viết bài vào tệp index.md trong thư mục này (xem một bài tin có sẵn), hoặc xóa thư mục",
        "Tổng cộng: 14 lỗi, 0 cảnh báo (17 tệp, 69 dòng dữ liệu).",
    ],
    "news-too-big": [
        "news/2025/ngay-hoi-xa-tan-ky/san-khau.jpg: lỗi: ảnh quá lớn (giới hạn 100.000 điểm ảnh) [news-photo-too-big] — Cách sửa: thu nhỏ ảnh (ví dụ cạnh dài 4000 điểm ảnh, JPEG) rồi chép lại vào thư mục bài",
        "Tổng cộng: 1 lỗi, 0 cảnh báo (17 tệp, 69 dòng dữ liệu).",
    ],
}

EXPECTED_CALLS: dict[str, list[str]] = {
    "photo-strip-gps": [
        "TMP/gps.jpg: đã xóa tọa độ GPS",
        "TMP/sach.jpg: không có tọa độ GPS, giữ nguyên",
        "TMP/khong-co.jpg: lỗi: không đọc hoặc không ghi được tệp ảnh [photo-strip-failed] — Cách sửa: kiểm tra đường dẫn và quyền ghi; nếu ảnh hỏng, mở bằng trình xem ảnh rồi lưu lại dưới dạng JPEG",
        "exit 1",
    ],
    "settings-missing": [
        "site/site.toml: lỗi: không tìm thấy tệp cấu hình trang [settings-missing]",
    ],
    "settings-toml": [
        "site/site.toml: lỗi: sai cú pháp TOML (Invalid value (at line 1, column 8)) [settings-toml]",
    ],
    "settings-values": [
        "site/site.toml: lỗi: [budgets] “**/*.css” phải là số byte nguyên dương [settings-budget]",
        "site/site.toml: lỗi: [targets] không còn dùng: mục tiêu phấn đấu nay là dữ liệu, trong data/targets.csv (đơn vị đặt ra, năm, loại nơi, tỷ lệ, văn bản nguồn) [settings-targets-moved] — Cách sửa: xóa bảng [targets] khỏi site.toml; ghi mục tiêu của từng đơn vị, với văn bản đặt ra nó, vào targets.csv (trang web chỉ so với mục tiêu ở nơi có mục tiêu)",
        "site/site.toml: lỗi: “short_name” có kiểu dữ liệu sai [settings-type]",
        "site/site.toml: lỗi: khóa không hợp lệ “colour” (kiểm tra chính tả) [settings-unknown-key]",
        "site/site.toml: lỗi: “scope” phải là một bảng [scope] [settings-not-table]",
        "site/site.toml: lỗi: thiếu khóa bắt buộc “name” [settings-required]",
        "site/site.toml: lỗi: base_url phải là địa chỉ http(s) đầy đủ, ví dụ https://antq.vn [settings-base-url]",
        "site/site.toml: lỗi: [push] thiếu “vapid_public_key” [settings-push-missing]",
        "site/site.toml: lỗi: [push] service_url phải là địa chỉ https đầy đủ của dịch vụ thông báo, ví dụ https://push.antq.vn [settings-push-url]",
    ],
    "settings-scope-contact": [
        'site/site.toml: lỗi: [scope] provinces phải là "national" hoặc danh sách mã tỉnh 2 chữ số viết trong ngoặc kép, ví dụ ["31", "08"] [settings-provinces-codes]',
        "site/site.toml: lỗi: [push] vapid_public_key phải là khóa công khai VAPID dạng base64url (87 ký tự, in ra bởi lệnh “antq push keys”) [settings-push-key]",
        "site/site.toml: lỗi: [contact] thiếu “organisation” (tên cơ quan công bố trang) [settings-contact-organisation]",
        "site/site.toml: lỗi: [contact] url phải là địa chỉ http(s) đầy đủ [settings-contact-url]",
        "site/site.toml: lỗi: [contact] email không đúng dạng, ví dụ gopy@congan.gov.vn [settings-contact-email]",
    ],
    "settings-provinces-budgets": [
        "site/site.toml: lỗi: [budgets] phải là bảng “mẫu đường dẫn” = số byte [settings-budgets]",
        "site/site.toml: lỗi: “scope.provinces” có kiểu dữ liệu sai [settings-type]",
        'site/site.toml: lỗi: [scope] provinces phải là "national" hoặc danh sách mã tỉnh [settings-provinces]',
    ],
    "check-site": [
        "a.css: lỗi: tệp nặng 65 byte khi nén gzip, vượt ngân sách 10 byte (mẫu “**/*.css”) [size-budget]",
        "a.txt:1: lỗi: tệp văn bản chứa ký tự NUL (1 lần, lần đầu ở dòng này) [output-control-character] — Cách sửa: tìm ký tự này trong dữ liệu, bài học hoặc mẫu trang đã tạo ra tệp, xóa nó rồi xây dựng lại",
        'en.html:2: lỗi: thẻ <html> phải có lang="vi" (hiện: lang="en") [missing-lang]',
        "index.html:9: lỗi: liên kết nội bộ “/khong-co/” không dẫn tới tệp nào (cần có khong-co/index.html) [broken-link]",
        "index.html:10: lỗi: liên kết nội bộ “/../../etc/passwd” trỏ ra ngoài thư mục trang web [broken-link]",
        "index.html:11: lỗi: liên kết “/#khong-co”: trang index.html không có phần tử id=“khong-co” [broken-link]",
        "index.html:12: lỗi: địa chỉ “javascript:alert(1)” chạy mã lệnh (javascript:): không được dùng trên trang [unsafe-url]",
        "index.html:13: lỗi: <script src> tải từ máy chủ ngoài cdn.example.com (“https://cdn.example.com/x.js”): hãy tự lưu trữ trên trang [external-host]",
        "index.html:14: lỗi: liên kết tới máy chủ ngoài example.org không thuộc danh sách được phép (“https://example.org/”) [external-host]",
        "index.html:15: lỗi: liên kết gọi điện “tel:091…78”: không đăng số điện thoại trên trang [external-host]",
        "index.html:15: lỗi: có số điện thoại (091…78): không đăng thông tin cá nhân [personal-data] — Cách sửa: xóa số này khỏi dữ liệu, bài học, mẫu trang hoặc site.toml đã tạo ra nó, rồi xây dựng lại",
        "index.html:16: lỗi: có số giống số định danh cá nhân/CCCD (001…90): không đăng thông tin cá nhân [personal-data] — Cách sửa: xóa số này khỏi dữ liệu, bài học, mẫu trang hoặc site.toml đã tạo ra nó, rồi xây dựng lại",
        "index.html:16: lỗi: có số điện thoại (091…78): không đăng thông tin cá nhân [personal-data] — Cách sửa: xóa số này khỏi dữ liệu, bài học, mẫu trang hoặc site.toml đã tạo ra nó, rồi xây dựng lại",
        "index.html:17: lỗi: có khóa bí mật (token GitHub: ghp_A1…): xóa khỏi trang, thu hồi và tạo khóa mới [secret]",
        'khong-the/index.html: lỗi: trang thiếu mô tả <meta name="description"> (hoặc mô tả rỗng) [missing-description]',
        'khong-the/index.html: lỗi: thẻ <html> phải có lang="vi" (hiện: không có thẻ <html>) [missing-lang]',
        'khong-the/index.html:1: lỗi: liên kết rel="canonical" phải là “https://antq.example.vn/khong-the/” (hiện: “/sai/”) [bad-canonical]',
        "khong-the/index.html:1: lỗi: trang thiếu tiêu đề <title> (hoặc tiêu đề rỗng) [missing-title]",
        'tran/index.html: lỗi: liên kết rel="canonical" phải là “https://antq.example.vn/tran/” (hiện: không có) [bad-canonical]',
        'tran/index.html: lỗi: trang thiếu mô tả <meta name="description"> (hoặc mô tả rỗng) [missing-description]',
        "tran/index.html: lỗi: trang thiếu tiêu đề <title> (hoặc tiêu đề rỗng) [missing-title]",
        'tran/index.html:1: lỗi: thẻ <html> phải có lang="vi" (hiện: không có lang) [missing-lang]',
        "tran/index.html:4: lỗi: trang chứa ký tự điều khiển U+0007 (1 lần, lần đầu ở dòng này) [output-control-character] — Cách sửa: tìm ký tự này trong dữ liệu, bài học hoặc mẫu trang đã tạo ra tệp, xóa nó rồi xây dựng lại",
        "Tổng cộng: 23 lỗi: bad-canonical 2, broken-link 3, external-host 3, missing-description 2, missing-lang 3, missing-title 2, output-control-character 2, personal-data 3, secret 1, size-budget 1, unsafe-url 1 (4 trang, 6 tệp).",
        "exit 1",
    ],
    "check-clean": [
        "Trang web đạt: không có lỗi (1 trang, 1 tệp).",
        "lỗi: không tìm thấy thư mục trang web “/khong-co” [check-no-site] — Cách sửa: chạy “antq build” trước, hoặc ghi đúng thư mục trang web đã xây dựng",
    ],
    "push-subscribe": [
        ": Nội dung yêu cầu phải là một đối tượng JSON. [push-body-not-object]",
        "colour: Trường không hợp lệ “colour”. [push-unknown-field]",
        "subscription: Thiếu thông tin đăng ký (subscription). [push-subscription-missing]",
        "action: action phải là replace, add hoặc remove. [push-action-invalid]",
        "topics: topics phải là danh sách chủ đề. [push-topics-invalid]",
        "subscription.endpoint: Thiếu địa chỉ nhận thông báo (endpoint). [push-endpoint-missing]",
        "subscription.keys: Thiếu khóa mã hóa của trình duyệt (keys). [push-keys-missing]",
        "topics: Chọn ít nhất một chủ đề để theo dõi. [push-topics-empty]",
        "subscription.endpoint: Địa chỉ nhận thông báo quá dài. [push-endpoint-too-long]",
        "topics: Chỉ theo dõi được tối đa 50 chủ đề. [push-topics-too-many]",
        "subscription.endpoint: Địa chỉ nhận thông báo không hợp lệ. [push-endpoint-invalid]",
        "subscription.keys: Khóa p256dh phải là điểm P-256 dạng không nén (65 byte, base64url). [push-keys-p256dh]",
        "subscription.keys: Khóa auth phải dài 16 byte (base64url). [push-keys-auth]",
        "topics: Chủ đề không hợp lệ “Xã!”. [push-topic-invalid]",
        "subscription.endpoint: Địa chỉ nhận thông báo phải dùng https. [push-endpoint-not-https]",
        "topics: Không có chủ đề “xa:99999” trong dữ liệu. [push-topic-unknown]",
        "subscription.endpoint: Địa chỉ nhận thông báo không được chứa tên người dùng. [push-endpoint-userinfo]",
        "subscription.endpoint: Địa chỉ nhận thông báo phải dùng cổng 443. [push-endpoint-port]",
        "subscription.endpoint: Địa chỉ nhận thông báo không thuộc dịch vụ thông báo đẩy nào được chấp nhận. [push-endpoint-host]",
    ],
    "push-service": [
        "403 Yêu cầu phải đến từ trang web của phong trào. [push-origin]",
        "415 Nội dung gửi lên phải là JSON. [push-content-type]",
        "413 Nội dung gửi lên quá lớn (tối đa 2000 byte). [push-too-large]",
        "400 Nội dung gửi lên không phải JSON hợp lệ. [push-bad-json]",
        "400 Nội dung gửi lên lồng nhau quá sâu (tối đa 8 cấp). [push-too-deep]",
        "422 Yêu cầu không hợp lệ. [push-invalid]",
        "404 Không có địa chỉ này. [push-not-found]",
        "405 Phương thức không được hỗ trợ ở địa chỉ này. [push-method]",
        "429 Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút. [push-rate-limited]",
        "429 Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút. [push-rate-limited]",
    ],
    "push-vapid": [
        "lỗi: Chỉ đặt một trong hai biến ANTQ_VAPID_PRIVATE_KEY và ANTQ_VAPID_PRIVATE_KEY_FILE. [push-key-both]",
        "lỗi: Chưa có khóa bí mật VAPID: đặt ANTQ_VAPID_PRIVATE_KEY_FILE (đường dẫn tệp, quyền 600) hoặc ANTQ_VAPID_PRIVATE_KEY. Tạo khóa bằng lệnh “antq push keys”. [push-key-unset]",
        "ANTQ_VAPID_PRIVATE_KEY: lỗi: không đọc được khóa bí mật VAPID. [push-key-unreadable]",
        "TMP/p384.pem: lỗi: khóa bí mật VAPID phải là khóa P-256 (prime256v1). [push-key-curve]",
        "ANTQ_VAPID_PRIVATE_KEY_FILE: lỗi: không tìm thấy tệp “TMP/khong-co.pem”. [push-key-file-missing]",
        "ANTQ_VAPID_PRIVATE_KEY_FILE: lỗi: “TMP/folder” không phải là tệp. [push-key-not-file]",
        "ANTQ_VAPID_PRIVATE_KEY_FILE: lỗi: tệp “TMP/open.pem” có quyền 644; người khác đọc được khóa bí mật. Chạy: chmod 600 TMP/open.pem [push-key-file-mode]",
        "lỗi: Chưa đặt ANTQ_VAPID_SUBJECT: địa chỉ liên hệ dạng mailto:ten@mien.vn hoặc https://… [push-subject-unset]",
        "lỗi: ANTQ_VAPID_SUBJECT phải là địa chỉ mailto: hoặc https: thật (ví dụ mailto:bcd138@antq.vn); Apple từ chối địa chỉ như admin@localhost. [push-subject-invalid]",
    ],
    "push-store": [
        "TMP/text.sqlite3: lỗi: không mở được cơ sở dữ liệu (file is not a database). [push-store-open]",
        "TMP/newer.sqlite3: lỗi: có lược đồ phiên bản N+1, mới hơn phiên bản N mà chương trình này hiểu [push-store-newer] — Cách sửa: cập nhật antq",
    ],
    "push-notify": [
        "Lượt aaaaaaaaaa..bbbbbbbbbb: 3 thay đổi, 2 chủ đề có tin, 5 người nhận.",
        "Lần chạy này: đã gửi 3, chờ gửi lại 1, xóa 1 đăng ký hết hạn/không hợp lệ, hủy 0 (đã bỏ theo dõi), lỗi 0.",
        "Toàn lượt: đã gửi 3/5, còn 2 chờ gửi lại ở lần chạy sau.",
        "  lỗi: https://fcm.googleapis.com/…0: 500",
        "  lỗi: https://fcm.googleapis.com/…1: 500",
        "  lỗi: https://fcm.googleapis.com/…2: 500",
        "  lỗi: https://fcm.googleapis.com/…3: 500",
        "  lỗi: https://fcm.googleapis.com/…4: 500",
        "  lỗi: https://fcm.googleapis.com/…5: 500",
        "  lỗi: https://fcm.googleapis.com/…6: 500",
        "  lỗi: https://fcm.googleapis.com/…7: 500",
        "  lỗi: https://fcm.googleapis.com/…8: 500",
        "  lỗi: https://fcm.googleapis.com/…9: 500",
        "  lỗi: https://fcm.googleapis.com/…10: 500",
        "  lỗi: https://fcm.googleapis.com/…11: 500",
        "  lỗi: https://fcm.googleapis.com/…12: 500",
        "  lỗi: https://fcm.googleapis.com/…13: 500",
        "  lỗi: https://fcm.googleapis.com/…14: 500",
        "  lỗi: https://fcm.googleapis.com/…15: 500",
        "  lỗi: https://fcm.googleapis.com/…16: 500",
        "  lỗi: https://fcm.googleapis.com/…17: 500",
        "  lỗi: https://fcm.googleapis.com/…18: 500",
        "  lỗi: https://fcm.googleapis.com/…19: 500",
        "  … và 1 lỗi khác",
        "Lượt aaaaaaaaaa..bbbbbbbbbb đã lập trước đó: chỉ gửi nốt phần còn lại.",
        "Lần chạy này: đã gửi 0, chờ gửi lại 0, xóa 0 đăng ký hết hạn/không hợp lệ, hủy 0 (đã bỏ theo dõi), lỗi 0.",
        "Toàn lượt: đã gửi 5/5.",
        "Xã Tân Kỳ và 1 mục theo dõi khác",
        "Thay đổi 0",
        "Thay đổi 1",
        "Thay đổi 2",
        "… và 2 thay đổi khác",
    ],
    "cli-usage": [
        "lỗi: định dạng không hợp lệ “xml” (chọn text hoặc github) [cli-format]",
        "exit 2",
        "antq: lỗi: không tìm thấy thư mục dữ liệu “TMP/khong-co” [data-dir-missing]",
        "exit 2",
        "antq: lỗi: không tìm thấy datapackage.yaml trong thư mục “TMP” [descriptor-missing]",
        "exit 2",
        "lỗi: không phục vụ trên “0.0.0.0”: chỉ cho phép 127.0.0.1, localhost hoặc ::1 (bản xem trước có dữ liệu chưa công bố) [serve-host-not-loopback]",
        "exit 2",
    ],
    "push-serve-no-data": [
        "lỗi: không tìm thấy thư mục dữ liệu “TMP/khong-co” [data-dir-missing]",
        "lỗi: không đọc được gói dữ liệu (các dòng trên): dịch vụ chưa chạy [push-serve-data] — Cách sửa: chạy “antq validate” để xem lỗi dữ liệu",
        "exit 2",
        "lỗi: Chưa chỉ định cơ sở dữ liệu: dùng --db TỆP hoặc biến ANTQ_PUSH_DB. [push-db-unset]",
        "exit 2",
    ],
    "push-keys": [
        "lỗi: Không ghi khóa bí mật vào “TMP/repo/keys”: thư mục này nằm trong một kho git (khóa có thể bị đưa lên kho). Chọn thư mục khác bằng --out-dir. [push-key-in-git]",
        "exit 2",
        "Đã ghi khóa bí mật VAPID vào TMP/k/vapid_private.pem (quyền 600). Không đưa tệp này lên kho git.",
        "Cho dịch vụ gửi thông báo:",
        "  export ANTQ_VAPID_PRIVATE_KEY_FILE=TMP/k/vapid_private.pem",
        "Thêm vào site/site.toml:",
        "  [push]",
        '  service_url = "https://…"  # địa chỉ công khai của antq push serve',
        '  vapid_public_key = "<khóa>"',
        "exit 0",
        "lỗi: “TMP/k/vapid_private.pem” đã có. Đổi khóa làm mọi đăng ký nhận thông báo hiện có mất hiệu lực; nếu thật sự muốn, chạy lại với --force. [push-key-exists]",
        "exit 2",
    ],
    "push-serve-bad-data": [
        "TMP/data/places.csv:1 (kind): lỗi: thiếu cột “kind” (Loại) [missing-label] — Cách sửa: thêm cột có tiêu đề đúng là “kind” ở dòng 1",
        "TMP/data/places.csv:1 (unit_code): lỗi: thiếu cột “unit_code” (Mã xã/phường hiện nay) [missing-label] — Cách sửa: thêm cột có tiêu đề đúng là “unit_code” ở dòng 1",
        "TMP/data/places.csv:1 (legacy_unit_code): lỗi: thiếu cột “legacy_unit_code” (Mã xã cũ) [missing-label] — Cách sửa: thêm cột có tiêu đề đúng là “legacy_unit_code” ở dòng 1",
        "TMP/data/places.csv:1 (legacy_unit_name): lỗi: thiếu cột “legacy_unit_name” (Tên đơn vị cũ) [missing-label] — Cách sửa: thêm cột có tiêu đề đúng là “legacy_unit_name” ở dòng 1",
        "TMP/data/places.csv:1 (lat): lỗi: thiếu cột “lat” (Vĩ độ) [missing-label] — Cách sửa: thêm cột có tiêu đề đúng là “lat” ở dòng 1",
        "TMP/data/places.csv:1 (lon): lỗi: thiếu cột “lon” (Kinh độ) [missing-label] — Cách sửa: thêm cột có tiêu đề đúng là “lon” ở dòng 1",
        "lỗi: không đọc được gói dữ liệu (các dòng trên): dịch vụ chưa chạy [push-serve-data] — Cách sửa: chạy “antq validate” để xem lỗi dữ liệu",
        "exit 2",
    ],
    "build": [
        "Đã xây dựng 73 trang và 178 tệp dữ liệu vào TMP/public/: ghi mới 261, giữ nguyên 0.",
        "exit 0",
        "Không có gì thay đổi: TMP/public/ giữ nguyên (73 trang).",
        "  inbox N s",
        "  settings N s",
        "  tổng N s",
        "exit 0",
        "TMP/bad/assessments.csv:2:E (decision_date): lỗi: ngày “20/11/2024” viết theo kiểu ngày/tháng/năm; phải viết năm-tháng-ngày: 2024-11-20 [date-dmy] — Cách sửa: trong Excel chọn cột → Format Cells → Custom → gõ yyyy-mm-dd, rồi lưu lại",
        "Dữ liệu có lỗi: chưa xây dựng lại trang web.",
        "exit 1",
        "TMP/warn/places.csv:3:B (name): cảnh báo: chữ Việt ở dạng tổ hợp (NFD); đã dùng dạng dựng sẵn (NFC) “Thôn Nghi Khê” [nfd-text] — Cách sửa: không bắt buộc; nên gõ lại bằng bộ gõ Unicode dựng sẵn để tìm kiếm, so khớp chính xác",
        "Dữ liệu có cảnh báo (--strict coi cảnh báo là lỗi): chưa xây dựng lại trang web.",
        "exit 1",
    ],
    "serve-pages": [
        "Dữ liệu có lỗi — trang chưa được cập nhật",
        "Dữ liệu có lỗi — trang chưa được cập nhật",
        "Sửa các lỗi dưới đây rồi lưu tệp: trang sẽ tự tải lại. Trang web đã xây dựng trước đó vẫn được giữ nguyên.",
        "places.csv:3:B (name): lỗi: thiếu giá trị bắt buộc [required]",
        "Lỗi chương trình khi xây dựng — trang chưa được cập nhật",
        "Lỗi chương trình khi xây dựng — trang chưa được cập nhật",
        "Đây là lỗi của chương trình antq, không phải lỗi dữ liệu. Hãy báo lỗi kèm nội dung dưới đây. Trang web trước đó vẫn được giữ nguyên.",
        "Traceback (most recent call last):",
        "máy chủ xem trước không trả lời yêu cầu gửi tới “evil.example”",
        "lỗi: máy chủ xem trước không trả lời yêu cầu gửi tới “evil.example” [serve-host-refused] — Cách sửa: mở bản xem trước tại http://127.0.0.1:8000/ (chỉ địa chỉ 127.0.0.1, localhost hoặc [::1] của máy này)",
        "Không tìm thấy trang",
        "Không tìm thấy trang",
        "Trang chủ",
        "Đang cập nhật chỉ mục tìm kiếm… Kết quả tìm kiếm có thể chưa có thay đổi vừa lưu.",
    ],
    "build-limits": [
        "events.csv: lỗi: bảng sự kiện có 10.001 dòng, vượt giới hạn 10.000 sự kiện của lịch phong trào (trang /lich/ và tệp lich.ics); chưa xây dựng lại trang web [calendar-too-many-events] — Cách sửa: chỉ giữ các ngày lễ, kỷ niệm và hoạt động của phong trào; xóa các dòng trùng hoặc sinh thừa",
        "places.csv: lỗi: bảng “places” có 1.000.001 dòng, vượt giới hạn 1.000.000 dòng mà một tệp hay một trang của trang web được chứa; chưa xây dựng lại trang web [output-too-many-rows] — Cách sửa: kiểm tra xem có lỡ dán trùng hay sinh thừa dữ liệu không; tách dữ liệu cũ sang kho lưu trữ riêng",
        "lỗi: trang web sẽ có 50.001 trang, vượt giới hạn 50.000 địa chỉ của một sơ đồ trang (sitemap.xml); chưa xây dựng lại trang web [sitemap-too-many-urls] — Cách sửa: kiểm tra xem dữ liệu có bị nhân bản không (nhiều dòng trùng tạo nhiều trang)",
        "lỗi: tệp XML (bản tin Atom, sơ đồ trang) “cap-nhat/atom.xml” sẽ nặng 11,0 MB, vượt giới hạn 10,0 MB; chưa xây dựng lại trang web [output-too-large] — Cách sửa: kiểm tra xem có lỡ dán trùng hay sinh thừa dữ liệu không; rút gọn các ô mô tả quá dài",
        "lỗi: lịch iCalendar “lich/lich.ics” sẽ nặng 11,0 MB, vượt giới hạn 10,0 MB; chưa xây dựng lại trang web [output-too-large] — Cách sửa: kiểm tra xem có lỡ dán trùng hay sinh thừa dữ liệu không; rút gọn các ô mô tả quá dài",
        "lỗi: tệp dữ liệu JSON “du-lieu/places.json” sẽ nặng 11,0 MB, vượt giới hạn 10,0 MB; chưa xây dựng lại trang web [output-too-large] — Cách sửa: kiểm tra xem có lỡ dán trùng hay sinh thừa dữ liệu không; rút gọn các ô mô tả quá dài",
        "lỗi: tệp bản đồ GeoJSON “ban-do/du-lieu/tinh.geojson” sẽ nặng 11,0 MB, vượt giới hạn 10,0 MB; chưa xây dựng lại trang web [output-too-large] — Cách sửa: kiểm tra xem có lỡ dán trùng hay sinh thừa dữ liệu không; rút gọn các ô mô tả quá dài",
        "lỗi: tệp “du-lieu/places.csv.gz” sẽ nặng 11,0 MB, vượt giới hạn 10,0 MB; chưa xây dựng lại trang web [output-too-large] — Cách sửa: kiểm tra xem có lỡ dán trùng hay sinh thừa dữ liệu không; rút gọn các ô mô tả quá dài",
    ],
    "export-search": [
        "Tìm bài học",
        "Tìm bài học, văn bản pháp luật",
        "Gõ có dấu hay không dấu đều được, ví dụ: “lừa đảo”, “ma túy”, “tín dụng đen”. Ô tìm kiếm có sẵn của Kiwix (như kiwix-serve 3.3 của Debian) không tìm được từ có dấu: hãy tìm ở trang này.",
        "Có 2 bài học và văn bản. Gõ từ cần tìm vào ô trên.",
    ],
}

# Codes with no fixture yet, each with the reason. Only shrinks.
# Web push past one machine (issue 20).
EXPECTED_CALLS.update(
    {
        "push-store-url": [
            "mysql://antq@db/push: lỗi: không biết loại cơ sở dữ liệu “mysql:” [push-db-scheme] — Cách sửa: dùng đường dẫn tệp SQLite, sqlite:///đường/dẫn hoặc postgresql://người@máy/tên",
            "exit 2",
            "sqlite://relative/p.sqlite3: lỗi: địa chỉ SQLite phải có dạng sqlite:///đường/dẫn/tuyệt/đối [push-db-sqlite-url] — Cách sửa: viết ba dấu gạch chéo sau sqlite: (hoặc chỉ ghi đường dẫn tệp)",
            "exit 2",
            "TMP/p.sqlite3: lược đồ phiên bản 0 → N.",
            "exit 0",
            "Chưa có lượt gửi nào.",
            "exit 0",
            "lỗi: không có lượt gửi “abc” [push-job-unknown] — Cách sửa: xem danh sách bằng “antq push status” (không ghi JOB)",
            "exit 2",
            "lỗi: thiếu --from và --to (hai phiên bản dữ liệu) [push-notify-range] — Cách sửa: ghi cả --from và --to, hoặc dùng --worker để chỉ gửi những gì đang chờ",
            "exit 2",
        ],
        "push-copy": [
            "Đã chép 1 đăng ký (2 chủ đề) từ TMP/a.sqlite3 sang TMP/b.sqlite3.",
            "exit 0",
            "lỗi: cơ sở dữ liệu đích đã có 1 đăng ký [push-copy-target-not-empty] — Cách sửa: chép vào một cơ sở dữ liệu mới, hoặc thêm --merge để gộp",
            "exit 2",
        ],
        "push-prune": [
            "Đã dọn 1 lượt gửi xong từ hơn 0 ngày trước (1 dòng nhật ký); số liệu của từng lượt vẫn còn trong antq push status.",
            "exit 0",
            "lỗi: --older-than -1: số ngày phải từ 0 trở lên [push-prune-days] — Cách sửa: ghi số ngày, ví dụ --older-than 30",
            "exit 2",
        ],
        "push-status": [
            "aaaaaaaaaa..bbbbbbbbbb: đã gửi 1, hết hạn 0, lỗi 0, đang chờ 2 / tổng 3",
            "  https://fcm.googleapis.com: tạm dừng đến T UTC (dịch vụ yêu cầu chờ: 429 Retry-After 3600 s)",
            "exit 0",
        ],
    }
)

# Officials working in Excel (issue 17): antq import, the inbox, antq template.
EXPECTED_CALLS.update(
    {
        "import-refusals": [
            "lỗi: cần đúng một nguồn: một tệp bảng tính, hoặc --inbox [cli-import-source] — Cách sửa: ví dụ: antq import mau.xlsx --fix, hoặc antq import --inbox",
            "exit 2",
            "lỗi: không tìm thấy tệp “TMP/khong-co.xlsx” [import-missing-file] — Cách sửa: kiểm tra tên tệp",
            "exit 2",
            "lỗi: không nhập được tệp “TMP/a.txt”: chỉ nhận .xlsx, .xlsm, .ods hoặc .csv [import-format] — Cách sửa: trong Excel chọn File → Save As → “Excel Workbook (*.xlsx)”",
            "exit 2",
            "lỗi: không đọc được bảng tính “TMP/hong.xlsx” (ZipError) [import-unreadable] — Cách sửa: mở lại tệp bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx",
            "exit 1",
            "lỗi: không có bảng “su_kien” [import-unknown-table] — Cách sửa: chọn một trong: units, legacy_units, unit_changes, legal_documents, places, assessments, targets, movement_classes, models, model_sites, security_teams, security_team_ratings, awards, events, place_classes, emulation_registrations, exemplar_recognitions",
            "exit 2",
            "lỗi: không có tỉnh/thành phố mã “99” [import-province-unknown] — Cách sửa: dùng mã 2 chữ số của tỉnh hiện nay",
            "exit 2",
            "lỗi: --sync cần biết phạm vi (tỉnh) của bảng tính [import-sync-no-scope] — Cách sửa: ghi --province MÃ_TỈNH, hoặc dùng mẫu tạo bằng “antq template --province”",
            "exit 2",
            "TMP/la.csv:1: lỗi: không biết trang tính “la” là bảng nào: dòng tiêu đề không khớp bảng nào [import-no-table] — Cách sửa: dùng mẫu của “antq template”, hoặc ghi --table TÊN_BẢNG; các bảng: legal_documents, places, assessments, targets, movement_classes, models, model_sites, security_teams, security_team_ratings, awards, events, place_classes, emulation_registrations, exemplar_recognitions",
            "lỗi: không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi [import-refused] — Cách sửa: sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
            "exit 1",
            "TMP/cot.csv:1:B: lỗi: cột “ten_goi” không phải tên cột nào của bảng “places” [import-header] — Cách sửa: dùng đúng tên cột của mẫu (“antq template places”); các cột: id, name, kind, unit_code, legacy_unit_code, legacy_unit_name, lat, lon",
            "TMP/cot.csv:1: lỗi: thiếu cột “name” (Tên) của bảng “places” [import-missing-column] — Cách sửa: thêm cột này vào dòng tiêu đề (có thể để trống các ô nếu không bắt buộc)",
            "TMP/cot.csv:1: lỗi: thiếu cột “lon” (Kinh độ) của bảng “places” [import-missing-column] — Cách sửa: thêm cột này vào dòng tiêu đề (có thể để trống các ô nếu không bắt buộc)",
            "lỗi: không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi [import-refused] — Cách sửa: sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
            "exit 1",
            "TMP/gop.xlsx[model_sites]:1: lỗi: dòng tiêu đề có ô gộp (A1:B1): không biết mỗi cột là trường nào [import-merged-header] — Cách sửa: bỏ gộp ô (Merge & Center → Unmerge Cells) để mỗi cột có một tiêu đề riêng ở dòng 1",
            "lỗi: không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi [import-refused] — Cách sửa: sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
            "exit 1",
            "TMP/khoa.csv:2: lỗi: dòng không có khóa chính (id): không biết gộp vào dòng nào [import-no-key] — Cách sửa: điền id cho dòng này hoặc xóa dòng",
            "TMP/khoa.csv:4: lỗi: khóa id=tka-moi lặp lại (đã có ở dòng 3 của bảng tính) [import-duplicate-key] — Cách sửa: mỗi dòng phải có khóa riêng: sửa hoặc xóa một trong hai dòng",
            "lỗi: không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi [import-refused] — Cách sửa: sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
            "exit 1",
            "TMP/ngay.csv:2:E (decision_date): lỗi: cột E có ngày dạng “01/02/2025” mà không ngày nào lớn hơn 12: không biết là ngày/tháng hay tháng/ngày [import-ambiguous-dates] — Cách sửa: ghi lại các ngày theo năm-tháng-ngày (yyyy-mm-dd) rồi nhập lại",
            "lỗi: không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi [import-refused] — Cách sửa: sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
            "exit 1",
        ],
        "import-fix": [
            "model_sites: thêm 3, sửa 1, giữ nguyên 0, xóa 0 dòng",
            "TMP/ms.csv:3:C (unit_code): lỗi: 3 ô ở cột C, dòng 3–5 (C3:C5): mã đã mất số 0 ở đầu (ví dụ: mã “2494” đã mất số 0 ở đầu, đúng là “02494” (Xã Thái Bình)) [lost-leading-zero] — Cách sửa: chạy “antq import TỆP --fix” để thêm lại số 0 theo bảng đơn vị; Excel đã coi cột này là số: chọn cả cột → Format Cells → Text rồi gõ lại mã (hoặc gõ dấu ' trước mã)",
            "TMP/ms.csv:3:G (started): lỗi: 3 ô ở cột G, dòng 3–5 (G3:G5): ngày viết kiểu dd/mm/yyyy (ví dụ: ngày “13/03/2024” viết theo kiểu ngày/tháng/năm; phải viết năm-tháng-ngày: 2024-03-13) [date-dmy] — Cách sửa: chạy “antq import TỆP --fix” để đổi tất cả sang năm-tháng-ngày, hoặc trong Excel chọn cột → Format Cells → Custom → gõ yyyy-mm-dd",
            "TMP/ms.csv:3:I (lat): lỗi: 3 ô ở cột I, dòng 3–5 (I3:I5): số dùng dấu phẩy thập phân (ví dụ: số “21,81” dùng dấu phẩy thập phân; phải dùng dấu chấm: 21.81) [decimal-comma] — Cách sửa: chạy “antq import TỆP --fix” để đổi dấu phẩy thành dấu chấm",
            "lỗi: không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi [import-refused] — Cách sửa: sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
            "exit 1",
            "model_sites: thêm 3, sửa 0, giữ nguyên 0, xóa 0 dòng",
            "TMP/loi.csv:2:D (place_id): lỗi: giá trị “xa-11436” không có trong cột “id” của bảng “places”; có phải là “xa-18436” (Xã Trường Lưu) hoặc “xa-11113” (Xã Tân Kỳ)? [foreign-key] — Cách sửa: kiểm tra lại mã; danh sách mã đúng có trong tệp TMP/data/places.csv",
            "TMP/loi.csv:2:F (members): lỗi: 3 ô ở cột F, dòng 2–4 (F2:F4) cùng một lỗi; ví dụ dòng đầu: giá trị “x1” không phải số nguyên [type-error] — Cách sửa: chỉ ghi chữ số, không dùng dấu chấm hay dấu phẩy ngăn cách hàng nghìn",
            "lỗi: không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi [import-refused] — Cách sửa: sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
            "exit 1",
            "TMP/ms.csv: bỏ 2 dòng trống ở cuối",
            "TMP/ms.csv: đã sửa mã mất số 0 ở đầu: 3 ô (C3:C5), ví dụ “2494” → “02494”",
            "TMP/ms.csv: đã sửa ngày dd/mm/yyyy thành yyyy-mm-dd: 3 ô (G3:G5), ví dụ “13/03/2024” → “2024-03-13”",
            "TMP/ms.csv: đã sửa dấu phẩy thập phân: 3 ô (I3:I5), ví dụ “21,81” → “21.81”",
            "model_sites: thêm 3, sửa 1, giữ nguyên 0, xóa 0 dòng",
            "+ model_sites id=tb-1",
            "+ model_sites id=tb-2",
            "+ model_sites id=tb-3",
            "~ model_sites id=tka-nghi-khe: members “18” → “20”",
            "Chạy thử: chưa ghi tệp nào.",
            "exit 0",
            "TMP/ms.csv: bỏ 2 dòng trống ở cuối",
            "TMP/ms.csv: đã sửa mã mất số 0 ở đầu: 3 ô (C3:C5), ví dụ “2494” → “02494”",
            "TMP/ms.csv: đã sửa ngày dd/mm/yyyy thành yyyy-mm-dd: 3 ô (G3:G5), ví dụ “13/03/2024” → “2024-03-13”",
            "TMP/ms.csv: đã sửa dấu phẩy thập phân: 3 ô (I3:I5), ví dụ “21,81” → “21.81”",
            "model_sites: thêm 3, sửa 1, giữ nguyên 0, xóa 0 dòng",
            "Đã ghi TMP/data/model_sites.csv; dữ liệu hợp lệ.",
            "exit 0",
            "TMP/ms.csv: bỏ 2 dòng trống ở cuối",
            "TMP/ms.csv: đã sửa mã mất số 0 ở đầu: 3 ô (C3:C5), ví dụ “2494” → “02494”",
            "TMP/ms.csv: đã sửa ngày dd/mm/yyyy thành yyyy-mm-dd: 3 ô (G3:G5), ví dụ “13/03/2024” → “2024-03-13”",
            "TMP/ms.csv: đã sửa dấu phẩy thập phân: 3 ô (I3:I5), ví dụ “21,81” → “21.81”",
            "model_sites: thêm 0, sửa 0, giữ nguyên 4, xóa 0 dòng",
            "Không có gì thay đổi.",
            "exit 0",
            "TMP/ms.csv: bỏ 2 dòng trống ở cuối",
            "TMP/ms.csv: đã sửa mã mất số 0 ở đầu: 3 ô (C3:C5), ví dụ “2494” → “02494”",
            "TMP/ms.csv: đã sửa ngày dd/mm/yyyy thành yyyy-mm-dd: 3 ô (G3:G5), ví dụ “13/03/2024” → “2024-03-13”",
            "TMP/ms.csv: đã sửa dấu phẩy thập phân: 3 ô (I3:I5), ví dụ “21,81” → “21.81”",
            "--sync sẽ xóa 2 dòng của phạm vi 31 không còn trong bảng tính:",
            "- model_sites id=tka-cong-lac",
            "- model_sites id=ttq-nghi-khe",
            "model_sites: thêm 0, sửa 0, giữ nguyên 4, xóa 2 dòng",
            "Chạy thử: chưa ghi tệp nào.",
            "exit 0",
        ],
        "import-inbox": [
            "TMP/data/nhap/a.xlsx[model_sites]: bỏ 2 cột trống ở cuối",
            "model_sites: thêm 1, sửa 0, giữ nguyên 0, xóa 0 dòng",
            "Đã ghi TMP/data/model_sites.csv; dữ liệu hợp lệ.",
            "Hộp nhận data/nhap/: đã nhập a.xlsx.",
            "TMP/data/nhap/b.csv:1: lỗi: không biết trang tính “b” là bảng nào: dòng tiêu đề không khớp bảng nào [import-no-table] — Cách sửa: dùng mẫu của “antq template”, hoặc ghi --table TÊN_BẢNG; các bảng: legal_documents, places, assessments, targets, movement_classes, models, model_sites, security_teams, security_team_ratings, awards, events, place_classes, emulation_registrations, exemplar_recognitions",
            "lỗi: không nhập: bảng tính còn lỗi, dữ liệu trong data/ không đổi [import-refused] — Cách sửa: sửa các lỗi trên (hoặc thêm --fix cho những lỗi sửa được) rồi nhập lại",
            "TMP/data/nhap/b.csv: lỗi: tệp trong hộp nhận “b.csv” chưa nhập được (lỗi ở các dòng trên) [inbox-failed] — Cách sửa: sửa bảng tính rồi tải lên lại vào data/nhap/",
            "exit 1",
        ],
        "template": [
            "lỗi: không có bảng “su_kien” để làm mẫu [template-unknown-table] — Cách sửa: chọn một trong: units, legacy_units, unit_changes, legal_documents, places, assessments, targets, movement_classes, models, model_sites, security_teams, security_team_ratings, awards, events, place_classes, emulation_registrations, exemplar_recognitions",
            "exit 2",
            "lỗi: không có tỉnh/thành phố mã “99” trong units.csv [template-unknown-province] — Cách sửa: dùng mã 2 chữ số của tỉnh hiện nay, ví dụ 31 (Hải Phòng)",
            "exit 2",
            "lỗi: tệp mẫu phải có đuôi .xlsx: “TMP/mau.csv” [template-out-suffix] — Cách sửa: ví dụ: --out mau-nhap.xlsx",
            "exit 2",
            "Đã ghi TMP/mau.xlsx: 1 bảng, 3 dòng dữ liệu (N giây).",
            "exit 0",
            "Hướng dẫn: visible",
            "places: visible",
            "Danh sách: hidden",
            "Mẫu nhập dữ liệu của antq. Mỗi trang tính là một bảng; dòng 1 là tên cột, dòng 2 (ẩn) là tên máy dùng khi nhập lại, đừng xóa hay sửa. Chọn mã từ danh sách thả xuống; ngày ghi năm-tháng-ngày. Xong thì lưu .xlsx và chạy “antq import TỆP” hoặc tải tệp lên thư mục data/nhap/ của kho dữ liệu.",
            "Mã tỉnh/thành phố của mẫu|31",
            "Bảng|Cột|Tên máy|Kiểu|Bắt buộc|Giá trị cho phép / ràng buộc|Mô tả",
            "Nơi được đánh giá|Mã nơi|id|văn bản|có|pattern [a-z0-9][a-z0-9-]{1,79}; khóa chính|Mã do cán bộ đặt, chỉ gồm chữ thường không dấu, số và dấu gạch ngang; không đổi.",
            "Nơi được đánh giá|Mã xã/phường hiện nay|unit_code|văn bản|có|mã trong bảng “units”|Mã 5 chữ số của xã/phường/đặc khu từ 01/7/2025. Mã cũ vẫn được nhận và quy đổi (có cảnh báo).",
            "Khu dân cư",
            "31 — Thành phố Hải Phòng",
        ],
        "output-paths": [
            "lỗi: trang “Đơn vị” (don-vi/) có địa chỉ “don-vi/” không hợp lệ (không bắt đầu bằng “/”); chưa xây dựng lại trang web [output-path-invalid] — Cách sửa: đặt mã (id), tên hoặc tên tệp bài học có ít nhất một chữ cái hoặc chữ số; tên tệp bài học chỉ gồm chữ không dấu, chữ số và “-” (không dấu cách, không “—”, “..”, “/”)",
            "lỗi: trang “/don-vi//xa/” (/don-vi//xa/) có địa chỉ “/don-vi//xa/” không hợp lệ (có một phần rỗng “//”: mã hoặc tên không còn chữ cái, chữ số nào); chưa xây dựng lại trang web [output-path-invalid] — Cách sửa: đặt mã (id), tên hoặc tên tệp bài học có ít nhất một chữ cái hoặc chữ số; tên tệp bài học chỉ gồm chữ không dấu, chữ số và “-” (không dấu cách, không “—”, “..”, “/”)",
            "lỗi: trang “/don-vi/ha..noi/” (/don-vi/ha..noi/) có địa chỉ “/don-vi/ha..noi/” không hợp lệ (phần “ha..noi” có ký tự không được dùng trong địa chỉ); chưa xây dựng lại trang web [output-path-invalid] — Cách sửa: đặt mã (id), tên hoặc tên tệp bài học có ít nhất một chữ cái hoặc chữ số; tên tệp bài học chỉ gồm chữ không dấu, chữ số và “-” (không dấu cách, không “—”, “..”, “/”)",
            "lỗi: trang “Tỉnh” (/tinh/) và trang “Tỉnh (chữ hoa)” (/TINH/) cùng ghi vào tệp “tinh/index.html” của trang web; không ghi đè, chưa xây dựng lại trang web [output-path-clash] — Cách sửa: đổi mã (id) hoặc tên của một trong hai bản ghi cho khác hẳn nhau (không chỉ khác chữ hoa, chữ thường hay dấu)",
            "lỗi: tệp /du-lieu/a.csv và trang “Bảng A” (/du-lieu/a.csv/x/) cùng ghi vào tệp “du-lieu/a.csv” của trang web; không ghi đè, chưa xây dựng lại trang web [output-path-clash] — Cách sửa: đổi mã (id) hoặc tên của một trong hai bản ghi cho khác hẳn nhau (không chỉ khác chữ hoa, chữ thường hay dấu)",
        ],
        "page-texts": [
            "PRODID:-//antq//Lịch phong trào toàn dân bảo vệ ANTQ//VI",
            "X-WR-CALNAME:Lịch phong trào — ANTQ",
            "Quay lại đoạn văn 1",
        ],
        "update-lines": [
            "Cập nhật dữ liệu",
            "thêm 1 kết quả “An toàn về an ninh, trật tự”",
            "sửa 1 kết quả “An toàn về an ninh, trật tự”",
            "xóa 1 kết quả “An toàn về an ninh, trật tự”",
            "thêm 1 mô hình",
            "sửa 1 mô hình",
            "xóa 1 mô hình",
            "thêm 1 khen thưởng",
            "thêm 1 tin tức",
            "sửa 1 tin tức",
            "xóa 1 tin tức",
            "thêm 1 bài học",
            "sửa 1 bài học",
            "xóa 1 bài học",
            "thêm 1 kết quả phân loại phong trào",
            "thêm 1 điểm mô hình",
            "thêm 1 nơi được đánh giá",
            "xóa 1 mục lịch",
            "sửa 1 văn bản",
            "sửa 1 đơn vị hành chính",
            "thêm 1 đơn vị hành chính cũ",
            "thêm 1 dòng quy đổi mã đơn vị",
            "Thôn Nghi Khê (Xã Tân Kỳ) đạt “An toàn về an ninh, trật tự” năm 2025",
            "Sửa kết quả: Thôn Nghi Khê (Xã Tân Kỳ) chưa đạt “An toàn về an ninh, trật tự” năm 2025",
            "Xóa kết quả năm 2024 của Thôn Nghi Khê (Xã Tân Kỳ)",
            "Ghi nhận mô hình “Tiếng kẻng an ninh”",
            "Cập nhật mô hình “Mô hình X”",
            "Gỡ mô hình “Mô hình Y”",
            "Thêm khen thưởng: Công an xã Tân Kỳ — Giấy khen của Giám đốc Công an tỉnh/thành phố (2024)",
            "Tin mới: “Tin A”",
            "Cập nhật tin: “Tin B”",
            "Gỡ tin: “Tin C”",
            "Gỡ bài học: “Bài C”",
            "Bài học mới: “Bài A”",
            "Cập nhật bài học: “Bài B”",
            "Thêm phân loại phong trào năm 2025 của Xã Tân Kỳ",
            "Thêm điểm mô hình “Tiếng kẻng an ninh”",
            "Thêm khu dân cư “Thôn Mới” (Xã Tân Kỳ)",
            "Xóa lịch: Ngày hội",
            "Sửa văn bản 124/2021/TT-BCA",
            "Sửa đơn vị hành chính uni18",
            "Thêm đơn vị hành chính cũ leg19",
            "Thêm dòng quy đổi mã đơn vị uni20",
        ],
        "legal-status": [
            "06/2014/NĐ-CP (2000-01-01): Chưa có hiệu lực",
            "06/2014/NĐ-CP (2023-01-01): Còn hiệu lực",
            "06/2014/NĐ-CP (2025-01-01): Hết hiệu lực",
            "Hướng dẫn 22/HD-BCA-V05 (2000-01-01): Chưa áp dụng",
            "Hướng dẫn 22/HD-BCA-V05 (2023-01-01): Đang áp dụng",
            "Hướng dẫn 22/HD-BCA-V05 (2025-01-01): Không còn áp dụng",
        ],
    }
)

NO_FIXTURE_YET: dict[str, str] = {
    "news-year-word": "a word inside news-folder's suggestion when the year folder is not a year; the case names a valid year",
    "export-start-title": "the <title> of the USB zip's start page, not a printed line; tests/test_export.py opens the zip",
    "push-db-no-driver": "psycopg is in the test extra: its absence cannot be shown here",
    "push-progress": "the label of a rich progress bar, drawn only on a terminal",
    "push-worker-started": "antq push notify --worker: needs a push receiver; tests/test_push_scale.py runs workers",
    "push-worker-done": "antq push notify --worker: needs a push receiver; tests/test_push_scale.py runs workers",
    "build-busy": "antq build's lines: each needs a build run (or a forced failure of Pagefind, the lock, the worker template); tests/test_build*.py assert several, not yet here",
    "build-busy-serve": "needs a live antq serve holding the output; tests/test_serve_search.py asserts it",
    "build-progress": "antq build's lines: each needs a build run (or a forced failure of Pagefind, the lock, the worker template); tests/test_build*.py assert several, not yet here",
    "cli-basemap-written": "antq geo basemap: needs Natural Earth's TopoJSON (tests/test_maps.py runs it); not yet here",
    "cli-needs-shapely": "antq geo basemap without shapely: shapely is in the test extra, cannot be absent here",
    "cli-rows-written": "antq units refresh / antq synth: writes a whole package (slow); tests/test_synth.py runs synth",
    "cli-scale": "printed by click inside its English usage-error box (typer.BadParameter), without its [code]: tests/test_synth.py asserts the text",
    "descriptor-error": "Frictionless' own descriptor check after ours passed: no input found yet that passes ours and fails Frictionless'",
    "export-done": "antq export: needs a ZIM/zip export run per case; tests/test_export.py covers the command, not yet the exact line here",
    "export-no-lessons": "antq export: needs a ZIM/zip export run per case; tests/test_export.py covers the command, not yet the exact line here",
    "export-not-reproducible": "antq export: needs a ZIM/zip export run per case; tests/test_export.py covers the command, not yet the exact line here",
    "other": "a Frictionless error antq has no code for: none known to reach it",
    "output-refused": "antq build's lines: each needs a build run (or a forced failure of Pagefind, the lock, the worker template); tests/test_build*.py assert several, not yet here",
    "part-control-character": "the name of a control character Python's unicodedata has no name for; not yet",
    "part-hint-type": "the type hint of a type none of the schemas uses (all are date, integer, number, boolean or string)",
    "part-lesson-bad-character": "a character YAML refuses in a lesson's front matter; no fixture yet",
    "part-lesson-too-deep": "front matter nested too deep; 60 levels of lists did not trigger it, deeper not tried",
    "part-lesson-whole": "part of a lesson line located on the whole file; no fixture yet",
    "part-vapid-private-key": "the kind named for a bare VAPID private key (generator/scan.py); tests/test_scans.py asserts the line, not yet here",
    "push-dry-run": "antq push notify --dry-run: needs a git repository with two data revisions (tests/test_push.py runs one); not yet here",
    "push-dry-run-planned": "antq push notify --dry-run on a run already planned: needs a git repository and a store; not yet here",
    "push-dry-run-topic": "antq push notify --dry-run: needs a git repository with two data revisions; not yet here",
    "push-error": "the service's answer to an HTTP error other than 404/405: none found reachable from a client",
    "push-git-failed": "git missing or failing under antq push notify: needs a broken git on PATH; not yet",
    "push-key-file-owner": "a key file owned by another user: needs root to create (chown); not asserted",
    "push-key-mismatch": "antq push notify with a key that does not match site.toml: needs a notifier run; not yet here",
    "push-no-key": "antq push notify without a VAPID key or subject: needs a notifier run; not yet here",
    "push-not-in-git": "antq push notify on data outside a git repository: needs a notifier run; not yet here",
    "push-revision-unknown": "antq push notify --from an unknown revision: needs a git repository; not yet here",
    "push-serve-listening": "printed once uvicorn starts listening: needs a running service; not yet",
    "push-server": "the service's answer to an exception inside it: needs a fault injected into the app; not yet",
    "push-store": "the service's answer when its store fails mid-request: needs a fault injected; not yet",
    "push-store-wal": "a filesystem where SQLite cannot use WAL mode: not reproducible here",
    "search-index-failed": "antq build's lines: each needs a build run (or a forced failure of Pagefind, the lock, the worker template); tests/test_build*.py assert several, not yet here",
    "worker-died": "a forked process killed meanwhile, not a file a case folder can hold; tests/test_validate_beside.py asserts the line",
    "workers-invalid": "an environment variable, not a file a case folder can hold; tests/test_build_reliability.py asserts the line",
    "search-no-detail": "antq build's lines: each needs a build run (or a forced failure of Pagefind, the lock, the worker template); tests/test_build*.py assert several, not yet here",
    "serve-built": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-more-files": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-more-lines": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-port": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-serving": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-stopped": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-stopping": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-unchanged": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-watch-failed": "antq serve: needs a running preview server (tests/test_serve*.py); not yet here",
    "serve-search-caught-up": "antq serve: needs a running preview server (tests/test_serve_search.py); not yet here",
    "sw-injection-point": "antq build's lines: each needs a build run (or a forced failure of Pagefind, the lock, the worker template); tests/test_build*.py assert several, not yet here",
    "validate-progress": "a transient progress line on the terminal (rich status), never in the output",
    "validate-progress-table": "a transient progress line on the terminal (rich status), never in the output",
    # Code structure (issue 19, wave-code): page texts and parts moved into the catalogue.
    # Tổ bảo vệ an ninh, trật tự ở cơ sở (issue 14 item 2): tests/test_security_teams.py
    # asserts these words on the change list and the pages.
    "update-resource-security_teams": "a table's name on /cap-nhat/ (generator.changes): tests/test_security_teams.py checks the change line",
    "update-security-team": "a line of /cap-nhat/ (generator.changes.describe): tests/test_security_teams.py asserts it whole",
    "security-team-count": "page text of the xã and province pages (generator.pages.units): tests/golden/site holds it; tests/test_security_teams.py asserts it",
    # Xếp loại Tổ bảo vệ an ninh, trật tự (issue 14 item 2): tests/test_security_team_ratings.py
    "update-resource-security_team_ratings": "a table's name on /cap-nhat/ (generator.changes): tests/test_security_team_ratings.py checks the change line",
    "update-security-team-rating": "a line of /cap-nhat/ (generator.changes.describe): tests/test_security_team_ratings.py asserts it whole",
    "security-team-rating-latest": "a cell of the xã page's tổ table (generator.pages.units): tests/test_security_team_ratings.py asserts it; tests/golden/site holds it",
    # Đăng ký thi đua, điển hình, phân loại phong trào của nơi (issue 14 item 2): tests/test_vocabulary.py
    "update-resource-place_classes": "a table's name on /cap-nhat/ (generator.changes): tests/test_vocabulary.py checks the change lines",
    "update-resource-emulation_registrations": "a table's name on /cap-nhat/ (generator.changes): tests/test_vocabulary.py checks the change lines",
    "update-resource-exemplar_recognitions": "a table's name on /cap-nhat/ (generator.changes): tests/test_vocabulary.py checks the change lines",
    "update-place-class": "a line of /cap-nhat/ (generator.changes.describe): tests/test_vocabulary.py asserts it whole",
    "update-registration": "a line of /cap-nhat/ (generator.changes.describe): tests/test_vocabulary.py asserts it whole",
    "update-exemplar": "a line of /cap-nhat/ (generator.changes.describe): tests/test_vocabulary.py asserts it whole",
}


def make_package(case: Case, root: Path) -> Path:
    package = root / "pkg"
    shutil.copytree(cases.FIXTURES / "good", package)
    for rel, edit in case.edits.items():
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if edit is None:
            path.unlink()
        elif isinstance(edit, Symlink):
            path.unlink()
            path.symlink_to(edit.target)
        elif isinstance(edit, Sparse):
            with path.open("r+b") as fh:
                fh.truncate(edit.megabytes * 1024 * 1024)
        elif isinstance(edit, bytes):
            path.write_bytes(edit)
        elif isinstance(edit, str):
            path.write_text(edit, encoding="utf-8")
        else:
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return package


def printed_codes(lines: list[str]) -> set[str]:
    return set(re.findall(r"\[([a-z0-9.-]+)\](?: — |$)", "\n".join(lines), flags=re.M))


def _pattern(template: str) -> str:
    # {name} is a parameter; so is %d, Python-Markdown's own (the footnote back-link title).
    parts = re.split(r"\{[a-z_]+\}|%d", template.replace("{{", "{").replace("}}", "}"))
    return ".*?".join(re.escape(part) for part in parts)


def shows(code: str, lines: list[str]) -> bool:
    """A line printed the entry `code`: its message with any parameters, and (for a problem,
    not an info line or part) its printed code, the key before a variant's dot (a grouped
    line, `group.<code>`, prints the code of its cells)."""
    entry = CATALOGUE[code]
    pattern = _pattern(entry.message)
    printed = code.split(".")[0]
    if printed == "group":  # a grouped line prints its cells' code: group.<code>, or any
        printed = code.split(".")[1] if code != "group.other" else "[a-z0-9-]+"
    else:
        printed = re.escape(printed)
    if entry.level != "info" and code not in cases.MESSAGE_ONLY:
        pattern += rf".* \[{printed}\]"
    return any(re.search(pattern, line) for line in lines)


def validation_lines(case: Case, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What `antq validate` prints for the case: its problem lines and its summary line (or
    the lines of a usage error), run from inside the package as officials do."""
    case.patch(monkeypatch)
    package = make_package(case, tmp)
    monkeypatch.chdir(package)
    try:
        result = validate_package(Path("."), use_cache=False, jobs=1)
    except AntqError as exc:
        return exc.lines
    lines = [p.line() for p in result.problems]
    return [*lines, summary_line(result.problems, result.files, result.rows)]


@pytest.mark.parametrize("name", sorted(VALIDATION_CASES))
def test_validation_prints_the_exact_lines(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = VALIDATION_CASES[name]
    lines = validation_lines(case, tmp_path, monkeypatch)
    assert lines == EXPECTED_VALIDATION[name]
    assert [code for code in case.covers if not shows(code, lines)] == []


@pytest.mark.parametrize("name", sorted(CALL_CASES))
def test_other_commands_print_the_exact_lines(name: str, tmp_path: Path) -> None:
    case = CALL_CASES[name]
    lines = case.run(tmp_path)
    assert lines == EXPECTED_CALLS[name]
    assert [code for code in case.covers if not shows(code, lines)] == []


def covered() -> set[str]:
    """Codes whose exact line a case above asserts (a variant's key, `code.variant`, is
    covered by its own case naming it)."""
    every: list[Case | CallCase] = [*VALIDATION_CASES.values(), *CALL_CASES.values()]
    return {code for case in every for code in case.covers}


def test_every_covered_code_exists() -> None:
    assert sorted(covered() - set(CATALOGUE)) == []


def test_every_code_has_a_fixture_or_a_reason() -> None:
    missing = sorted(set(CATALOGUE) - covered() - set(NO_FIXTURE_YET))
    assert missing == [], f"give these codes a fixture (or a reason in NO_FIXTURE_YET): {missing}"


def test_no_fixture_yet_only_shrinks() -> None:
    """The list names only codes that exist and still have no fixture."""
    assert sorted(set(NO_FIXTURE_YET) - set(CATALOGUE)) == []
    assert sorted(set(NO_FIXTURE_YET) & covered()) == []
    assert all(reason.strip() for reason in NO_FIXTURE_YET.values())


def test_a_wrong_line_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Negative control: the comparison sees one changed character of a line, and a case
    whose edits no longer trigger its code is caught by the `covers` check."""
    name = "descriptor-not-mapping"
    lines = validation_lines(VALIDATION_CASES[name], tmp_path, monkeypatch)
    changed = [lines[0].replace("YAML", "Yaml")]
    assert changed != EXPECTED_VALIDATION[name]
    assert not shows("descriptor-yaml", lines)
    assert shows("descriptor-not-mapping", lines)
    assert printed_codes(lines) == {"descriptor-not-mapping"}
    # A variant is told apart by its wording, though it prints its base code.
    outside = ["x.html:1: lỗi: liên kết nội bộ “/a” không dẫn tới tệp nào (cần có a) [broken-link]"]
    assert shows("broken-link", outside) and not shows("broken-link.outside", outside)
    # A grouped line must print its cells' code: the right wording with another code fails.
    grouped = [
        "a.csv:3:G (started): lỗi: 3 ô ở cột G, dòng 3–5 (G3:G5): ngày viết kiểu dd/mm/yyyy "
        "(ví dụ: x) [date-dmy]"
    ]
    assert shows("group.date-dmy", grouped)
    assert not shows("group.date-dmy", [grouped[0].replace("[date-dmy]", "[decimal-comma]")])


def test_coverage_figure() -> None:
    """Report the figure (shown with -rP): codes with an exact-line fixture / all codes."""
    print(f"catalogue codes with an exact-line fixture: {len(covered())}/{len(CATALOGUE)}")
    assert len(covered()) + len(NO_FIXTURE_YET) == len(CATALOGUE)
