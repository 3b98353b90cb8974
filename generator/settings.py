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

from generator.data.messages_vi import problem
from generator.errors import AntqError

SETTINGS_FILE = "site.toml"
_PROVINCE_CODE = re.compile(r"^[0-9]{2}$")


class SettingsError(AntqError):
    """site.toml is wrong; `lines` lists every problem at once."""

    @property
    def problems(self) -> list[str]:
        return self.lines


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
    # The publisher: who runs the site and how a citizen reaches them (shown in every footer
    # and on /gioi-thieu/); `url` is a public form or page, never the officials' guide.
    "contact": {"organisation": str, "url": str, "address": str, "email": str},
    "push": {"service_url": str, "vapid_public_key": str},
}
_REQUIRED = {"name", "short_name", "description", "base_url", "scope"}


def _line(code: str, where: str, **params: Any) -> str:
    """One settings problem as the catalogue writes it: `site/site.toml: lỗi: … [code]`."""
    return problem(code, where, **params).line()


def load_settings(site_dir: Path) -> Settings:
    path = site_dir / SETTINGS_FILE
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError([_line("settings-missing", where)]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([_line("settings-toml", where, detail=exc)]) from None
    problems: list[str] = []
    budgets = _budgets(raw.pop("budgets", None), where, problems)
    if raw.pop("targets", None) is not None:
        # One target for every province was the mistake (issue 13): each unit's own target,
        # with its source, is data now.
        problems.append(_line("settings-targets-moved", where))
    _check(raw, _SCHEMA, "", where, problems)
    for key in sorted(_REQUIRED - set(raw)):
        problems.append(_line("settings-required", where, key=key))
    base_url = str(raw.get("base_url", ""))
    if base_url and not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", base_url):
        problems.append(_line("settings-base-url", where))
    scope = raw.get("scope", {})
    provinces: tuple[str, ...] | None = None
    value = scope.get("provinces") if isinstance(scope, dict) else None
    if value == "national":
        provinces = None
    elif isinstance(value, list):
        bad = [v for v in value if not isinstance(v, str) or not _PROVINCE_CODE.match(v)]
        if bad or not value:
            problems.append(_line("settings-provinces-codes", where))
        provinces = tuple(value)
    elif value is not None:
        problems.append(_line("settings-provinces", where))
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
            found.append(_line("settings-push-missing", where, key=name))
    if isinstance(url, str) and not _SERVICE_URL.match(url):
        found.append(_line("settings-push-url", where))
    if isinstance(key, str) and not _valid_public_key(key):
        found.append(_line("settings-push-key", where))
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
        problems.append(_line("settings-contact-organisation", where))
    url = contact.get("url")
    if isinstance(url, str) and not re.match(r"^https?://[^\s/]+(/\S*)?$", url):
        problems.append(_line("settings-contact-url", where))
    email = contact.get("email")
    if isinstance(email, str) and not _EMAIL.match(email):
        problems.append(_line("settings-contact-email", where))


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
        problems.append(_line("settings-budgets", where))
        return None
    out: dict[str, int] = {}
    for pattern, limit in value.items():
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            problems.append(_line("settings-budget", where, pattern=pattern))
        else:
            out[pattern] = limit
    return out


def _check(
    raw: dict[str, Any], schema: dict[str, Any], prefix: str, where: str, out: list[str]
) -> None:
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in schema:
            out.append(_line("settings-unknown-key", where, key=name))
            continue
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                out.append(_line("settings-not-table", where, key=name))
            else:
                _check(value, expected, f"{name}.", where, out)
        elif not isinstance(value, expected) or isinstance(value, bool):
            out.append(_line("settings-type", where, key=name))
