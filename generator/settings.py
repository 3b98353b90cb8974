"""Site settings from `site/site.toml`: typed, with every error reported at once.

Unknown keys are errors (a misspelt key silently ignored is a setting that does not work).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SETTINGS_FILE = "site.toml"
_PROVINCE_CODE = re.compile(r"^[0-9]{2}$")


class SettingsError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Targets:
    xa_percent: float
    khu_dan_cu_percent: float


@dataclass(frozen=True)
class Settings:
    name: str
    short_name: str
    description: str
    base_url: str  # without trailing slash
    provinces: tuple[str, ...] | None  # None: national
    targets: Targets
    contact_organisation: str
    contact_url: str | None

    @property
    def national(self) -> bool:
        return self.provinces is None


_SCHEMA: dict[str, Any] = {
    "name": str,
    "short_name": str,
    "description": str,
    "base_url": str,
    "scope": {"provinces": (str, list)},
    "targets": {"xa_percent": (int, float), "khu_dan_cu_percent": (int, float)},
    "contact": {"organisation": str, "url": str},
}
_REQUIRED = {"name", "short_name", "description", "base_url", "scope", "targets"}


def load_settings(site_dir: Path) -> Settings:
    path = site_dir / SETTINGS_FILE
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError([f"{where}: không tìm thấy tệp cấu hình trang"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([f"{where}: sai cú pháp TOML ({exc})"]) from None
    problems: list[str] = []
    _check(raw, _SCHEMA, "", where, problems)
    for key in sorted(_REQUIRED - set(raw)):
        problems.append(f"{where}: thiếu khóa bắt buộc “{key}”")
    base_url = str(raw.get("base_url", ""))
    if base_url and not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", base_url):
        problems.append(f"{where}: base_url phải là địa chỉ http(s) đầy đủ, ví dụ https://antq.vn")
    scope = raw.get("scope", {})
    provinces: tuple[str, ...] | None = None
    value = scope.get("provinces") if isinstance(scope, dict) else None
    if value == "national":
        provinces = None
    elif isinstance(value, list):
        bad = [v for v in value if not isinstance(v, str) or not _PROVINCE_CODE.match(v)]
        if bad or not value:
            problems.append(
                f'{where}: [scope] provinces phải là "national" hoặc danh sách mã tỉnh '
                f'2 chữ số viết trong ngoặc kép, ví dụ ["31", "08"]'
            )
        provinces = tuple(value)
    elif value is not None:
        problems.append(f'{where}: [scope] provinces phải là "national" hoặc danh sách mã tỉnh')
    targets = raw.get("targets", {}) if isinstance(raw.get("targets"), dict) else {}
    for key in ("xa_percent", "khu_dan_cu_percent"):
        v = targets.get(key)
        if v is None:
            problems.append(f"{where}: [targets] thiếu “{key}”")
        elif isinstance(v, (int, float)) and not 0 <= v <= 100:
            problems.append(f"{where}: [targets] {key} phải từ 0 đến 100")
    if problems:
        raise SettingsError(problems)
    contact = raw.get("contact", {})
    return Settings(
        name=raw["name"],
        short_name=raw["short_name"],
        description=raw["description"],
        base_url=base_url.rstrip("/"),
        provinces=provinces,
        targets=Targets(float(targets["xa_percent"]), float(targets["khu_dan_cu_percent"])),
        contact_organisation=str(contact.get("organisation", "")),
        contact_url=contact.get("url"),
    )


def _check(
    raw: dict[str, Any], schema: dict[str, Any], prefix: str, where: str, out: list[str]
) -> None:
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in schema:
            out.append(f"{where}: khóa không hợp lệ “{name}” (kiểm tra chính tả)")
            continue
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                out.append(f"{where}: “{name}” phải là một bảng [{name}]")
            else:
                _check(value, expected, f"{name}.", where, out)
        elif not isinstance(value, expected) or isinstance(value, bool):
            out.append(f"{where}: “{name}” có kiểu dữ liệu sai")
