"""Site settings from `site/site.toml`: typed, with every error reported at once.

Unknown keys are errors (a misspelt key silently ignored is a setting that does not work).
"""

from __future__ import annotations

import base64
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import AntqError

SETTINGS_FILE = "site.toml"
_PROVINCE_CODE = re.compile(r"^[0-9]{2}$")


class SettingsError(AntqError):
    """site.toml is wrong; `lines` lists every problem at once."""

    @property
    def problems(self) -> list[str]:
        return self.lines


@dataclass(frozen=True)
class Targets:
    xa_percent: float
    khu_dan_cu_percent: float


@dataclass(frozen=True)
class PushSettings:
    """Where the follow buttons send subscriptions, and the VAPID public key (the
    "application server key") browsers subscribe with. The private half never lives here."""

    service_url: str  # https, without trailing slash
    vapid_public_key: str  # base64url of the 65-byte uncompressed P-256 point

    @property
    def origin(self) -> str:
        """scheme://host[:port], for the Content Security Policy's connect-src."""
        scheme, rest = self.service_url.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0]}"


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
    contact_address: str | None = None
    contact_email: str | None = None
    push: PushSettings | None = None  # None: no follow buttons, no push service
    # [budgets]: path pattern → largest gzip size in bytes (antq check); None: the defaults
    budgets: dict[str, int] | None = None

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
    # The publisher: who runs the site and how a citizen reaches them (shown in every footer
    # and on /gioi-thieu/); `url` is a public form or page, never the officials' guide.
    "contact": {"organisation": str, "url": str, "address": str, "email": str},
    "push": {"service_url": str, "vapid_public_key": str},
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
    budgets = _budgets(raw.pop("budgets", None), where, problems)
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
    push = _push(raw.get("push"), where, problems)
    contact = raw.get("contact", {}) if isinstance(raw.get("contact"), dict) else {}
    _contact(contact, where, problems)
    if problems:
        raise SettingsError(problems)
    return Settings(
        name=raw["name"],
        short_name=raw["short_name"],
        description=raw["description"],
        base_url=base_url.rstrip("/"),
        provinces=provinces,
        targets=Targets(float(targets["xa_percent"]), float(targets["khu_dan_cu_percent"])),
        contact_organisation=str(contact.get("organisation", "")),
        contact_url=contact.get("url"),
        contact_address=contact.get("address"),
        contact_email=contact.get("email"),
        push=push,
        budgets=budgets,
    )


# https, a host name (no user, no spaces), an optional port and path; no query or fragment (the
# client script appends "/subscriptions" to it). Plain http only on this machine, for trying
# the service locally: browsers treat localhost as a secure context.
_SERVICE_URL = re.compile(
    r"^(https://[A-Za-z0-9.-]+|http://(localhost|127\.0\.0\.1))(:[0-9]{1,5})?"
    r"(/[A-Za-z0-9._~/-]*)?$"
)
_B64URL = re.compile(r"^[A-Za-z0-9_-]+$")


def _push(value: Any, where: str, problems: list[str]) -> PushSettings | None:
    """The optional [push] table: both keys or neither, each well formed."""
    if not isinstance(value, dict):
        return None  # absent (or not a table: _check already reported it)
    found: list[str] = []
    url = value.get("service_url")
    key = value.get("vapid_public_key")
    for name in ("service_url", "vapid_public_key"):
        if name not in value:
            found.append(f"{where}: [push] thiếu “{name}”")
    if isinstance(url, str) and not _SERVICE_URL.match(url):
        found.append(
            f"{where}: [push] service_url phải là địa chỉ https đầy đủ của dịch vụ thông báo, "
            f"ví dụ https://push.antq.vn"
        )
    if isinstance(key, str) and not _valid_public_key(key):
        found.append(
            f"{where}: [push] vapid_public_key phải là khóa công khai VAPID dạng base64url "
            f"(87 ký tự, in ra bởi lệnh “antq push keys”)"
        )
    problems += found
    if found or not isinstance(url, str) or not isinstance(key, str):
        return None
    return PushSettings(service_url=url.rstrip("/"), vapid_public_key=key)


_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _contact(contact: dict[str, Any], where: str, problems: list[str]) -> None:
    """[contact]: the publisher's organisation is required once the table exists; the link is
    an http(s) address, the e-mail a plain address (both end up in every page's footer)."""
    if not contact:
        return
    if not str(contact.get("organisation", "")).strip():
        problems.append(f"{where}: [contact] thiếu “organisation” (tên cơ quan công bố trang)")
    url = contact.get("url")
    if isinstance(url, str) and not re.match(r"^https?://[^\s/]+(/\S*)?$", url):
        problems.append(f"{where}: [contact] url phải là địa chỉ http(s) đầy đủ")
    email = contact.get("email")
    if isinstance(email, str) and not _EMAIL.match(email):
        problems.append(f"{where}: [contact] email không đúng dạng, ví dụ gopy@congan.gov.vn")


def _valid_public_key(text: str) -> bool:
    """A P-256 point in uncompressed form (0x04 ‖ x ‖ y, 65 bytes), as PushManager.subscribe
    expects its applicationServerKey. Checked on the curve: a typo is caught here, not by
    every browser refusing to subscribe."""
    from cryptography.hazmat.primitives.asymmetric import ec

    if not _B64URL.match(text):
        return False
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return len(raw) == 65


def _budgets(value: Any, where: str, problems: list[str]) -> dict[str, int] | None:
    """Free-form keys (path patterns, first match wins), positive integer byte counts."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        problems.append(f"{where}: [budgets] phải là bảng “mẫu đường dẫn” = số byte")
        return None
    out: dict[str, int] = {}
    for pattern, limit in value.items():
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            problems.append(f"{where}: [budgets] “{pattern}” phải là số byte nguyên dương")
        else:
            out[pattern] = limit
    return out


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
