"""Which push endpoints and subscription keys we accept: the guard against SSRF.

A subscription's endpoint is a URL the browser gives us and the notifier later POSTs to. Taken
blindly, anyone could make our server POST to http://127.0.0.1:6379/ or to a cloud metadata
address. So an endpoint must be https on port 443, carry no userinfo, and name (a subdomain of)
a real push service. The check runs at subscribe time and again before every send (the
allow-list may have shrunk since, or the row may have been written by something else).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

# "name" matches the host itself and its subdomains; "*.name" only its subdomains.
KNOWN_PUSH_SERVICES: tuple[str, ...] = (
    "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet, Opera
    "updates.push.services.mozilla.com",  # Firefox
    "*.push.apple.com",  # Safari (web.push.apple.com)
    "*.notify.windows.com",  # Edge on Windows (WNS)
)
MAX_ENDPOINT_LENGTH = 1024  # real endpoints are 150-500 characters

# Parsed with our own strict pattern rather than urllib: no "\", spaces, "@" or "%" can reach
# the authority part, so there is no disagreement between our parser and requests' about
# which host is meant ("https://fcm.googleapis.com\\@evil.example/").
_ENDPOINT = re.compile(
    r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>[/?#].*)?$", re.S
)
_HOST = re.compile(r"^[a-z0-9.-]+$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_PATH = re.compile(r"^/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$")
_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str  # Vietnamese, shown to the person subscribing


@dataclass(frozen=True)
class EndpointPolicy:
    """The allow-list. Production uses the default; only tests build another one (the CLI
    offers no way to), to reach a receiver on 127.0.0.1 over plain http."""

    hosts: tuple[str, ...] = KNOWN_PUSH_SERVICES
    allow_http: bool = False
    any_port: bool = False

    def host_allowed(self, host: str) -> bool:
        for entry in self.hosts:
            if entry.startswith("*."):
                if host.endswith(entry[1:]) and len(host) > len(entry) - 1:
                    return True
            elif host == entry or host.endswith("." + entry):
                return True
        return False

    def refusal(self, endpoint: object) -> Refusal | None:
        """Why this endpoint is refused, or None when it is acceptable."""
        if not isinstance(endpoint, str) or not endpoint:
            return Refusal("endpoint-missing", "Thiếu địa chỉ nhận thông báo (endpoint).")
        if len(endpoint) > MAX_ENDPOINT_LENGTH:
            return Refusal("endpoint-too-long", "Địa chỉ nhận thông báo quá dài.")
        match = _ENDPOINT.match(endpoint)
        if match is None:
            return Refusal("endpoint-invalid", "Địa chỉ nhận thông báo không hợp lệ.")
        scheme = match["scheme"].lower()
        if scheme != "https" and not (self.allow_http and scheme == "http"):
            return Refusal("endpoint-not-https", "Địa chỉ nhận thông báo phải dùng https.")
        authority = match["authority"]
        if "@" in authority:
            return Refusal(
                "endpoint-userinfo", "Địa chỉ nhận thông báo không được chứa tên người dùng."
            )
        host, _, port = authority.partition(":")
        if port or authority.endswith(":"):
            if not _PORT.match(port):
                return Refusal("endpoint-invalid", "Địa chỉ nhận thông báo không hợp lệ.")
            if int(port) != 443 and not self.any_port:
                return Refusal("endpoint-port", "Địa chỉ nhận thông báo phải dùng cổng 443.")
        host = host.lower()
        if not _HOST.match(host) or not all(host.split(".")):
            return Refusal("endpoint-invalid", "Địa chỉ nhận thông báo không hợp lệ.")
        if not self.host_allowed(host):
            return Refusal(
                "endpoint-host",
                "Địa chỉ nhận thông báo không thuộc dịch vụ thông báo đẩy nào được chấp nhận.",
            )
        if not _PATH.match(match["rest"] or ""):
            return Refusal("endpoint-invalid", "Địa chỉ nhận thông báo không hợp lệ.")
        return None


DEFAULT_POLICY = EndpointPolicy()


def b64url_decode(text: str) -> bytes:
    """Strict base64url (padding optional), as PushSubscription.toJSON() gives it."""
    if not _B64URL.match(text):
        raise ValueError("not base64url")
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def key_refusals(keys: object) -> list[Refusal]:
    """p256dh: the browser's P-256 public key, uncompressed (65 bytes) and on the curve;
    auth: the 16-byte authentication secret (RFC 8291)."""
    if not isinstance(keys, dict):
        return [Refusal("keys-missing", "Thiếu khóa mã hóa của trình duyệt (keys).")]
    out: list[Refusal] = []
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        raw = b64url_decode(p256dh) if isinstance(p256dh, str) else b""
        if len(raw) != 65 or raw[0] != 4:
            raise ValueError("length")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        out.append(
            Refusal(
                "keys-p256dh",
                "Khóa p256dh phải là điểm P-256 dạng không nén (65 byte, base64url).",
            )
        )
    try:
        raw = b64url_decode(auth) if isinstance(auth, str) else b""
        if len(raw) != 16:
            raise ValueError("length")
    except ValueError:
        out.append(Refusal("keys-auth", "Khóa auth phải dài 16 byte (base64url)."))
    return out
