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
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from generator.data.messages_vi import text

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
# which host is meant ("https://fcm.googleapis.com\\@evil.example/"). Every pattern is used with
# fullmatch: "$" would let a trailing newline through.
_ENDPOINT = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>[/?#].*)?", re.S
)
_HOST = re.compile(r"[a-z0-9.-]+")
_PORT = re.compile(r"[0-9]{1,5}")
_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*")
_PERCENT = re.compile(r"%(?P<hex>[0-9A-Fa-f]{2})?")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_B64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
DEFAULT_PORTS = {"https": 443, "http": 80}


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
    any_host: bool = False  # only to put rows already stored in canonical form

    def host_allowed(self, host: str) -> bool:
        if self.any_host:
            return True
        for entry in self.hosts:
            if entry.startswith("*."):
                if host.endswith(entry[1:]) and len(host) > len(entry) - 1:
                    return True
            elif host == entry or host.endswith("." + entry):
                return True
        return False

    def check(self, endpoint: object) -> tuple[str, None] | tuple[None, Refusal]:
        """The endpoint's canonical form, or why it is refused.

        Canonical: scheme and host in lower case, no default port, no trailing dot on the
        host, percent-escapes of unreserved characters decoded and the others in upper case
        (what requests sends anyway). No whitespace, control or non-ASCII character anywhere,
        no "." or ".." path segment: such spellings are refused, not repaired. Two spellings of
        one push endpoint have one canonical form, which is the store's key."""
        if not isinstance(endpoint, str) or not endpoint:
            return None, refusal("endpoint-missing")
        if len(endpoint) > MAX_ENDPOINT_LENGTH:
            return None, refusal("endpoint-too-long")
        match = _ENDPOINT.fullmatch(endpoint)
        # Printable ASCII and no space: 0x21-0x7E (str methods: a generator over each
        # character cost 0.1 ms an endpoint, checked again before every send).
        if match is None or not (
            endpoint.isascii() and endpoint.isprintable() and " " not in endpoint
        ):
            return None, refusal("endpoint-invalid")
        scheme = match["scheme"].lower()
        if scheme != "https" and not (self.allow_http and scheme == "http"):
            return None, refusal("endpoint-not-https")
        authority = match["authority"]
        if "@" in authority:
            return None, refusal("endpoint-userinfo")
        host, colon, port_text = authority.partition(":")
        port = DEFAULT_PORTS[scheme]
        if colon:
            if not _PORT.fullmatch(port_text) or not 0 < int(port_text) <= 65535:
                return None, refusal("endpoint-invalid")
            port = int(port_text)
            if port != 443 and not self.any_port:
                return None, refusal("endpoint-port")
        host = host.lower()
        if host.endswith("."):
            host = host[:-1]  # the root label: "fcm.googleapis.com." is the same name
        labels = host.split(".")
        if (
            not _HOST.fullmatch(host)
            or len(host) > 253
            or not all(0 < len(label) <= 63 for label in labels)
        ):
            return None, refusal("endpoint-invalid")
        if not self.host_allowed(host):
            return None, refusal("endpoint-host")
        path = _canonical_path(match["rest"] or "")
        if path is None:
            return None, refusal("endpoint-invalid")
        netloc = host if port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
        return f"{scheme}://{netloc}{path}", None

    def refusal(self, endpoint: object) -> Refusal | None:
        """Why this endpoint is refused, or None when it is acceptable."""
        return self.check(endpoint)[1]


def _canonical_path(rest: str) -> str | None:
    """The path and query with unreserved characters unescaped and other escapes in upper
    case; None when it is not a plain ASCII path or has a dot segment."""
    if not _PATH.fullmatch(rest):
        return None
    path = rest if "%" not in rest else _unescape(rest)  # checked before every send: no
    if path is None:  # work where nothing is escaped or dotted
        return None
    head = path.split("?", 1)[0]
    if "/." in head and any(segment in (".", "..") for segment in head.split("/")):
        return None  # requests would remove them: another spelling of another path
    return path


def _unescape(rest: str) -> str | None:
    out: list[str] = []
    at = 0
    for escape in _PERCENT.finditer(rest):
        if escape["hex"] is None:
            return None  # a lone "%"
        out.append(rest[at : escape.start()])
        char = chr(int(escape["hex"], 16))
        out.append(char if char in _UNRESERVED else escape[0].upper())
        at = escape.end()
    out.append(rest[at:])
    return "".join(out)


def refusal(code: str, **params: Any) -> Refusal:
    """A refusal with its message from the catalogue (entry `push-<code>`)."""
    return Refusal(code, text(f"push-{code}", **params))


DEFAULT_POLICY = EndpointPolicy()


def b64url_decode(text: str) -> bytes:
    """Strict base64url (padding optional), as PushSubscription.toJSON() gives it."""
    if not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def key_refusals(keys: object) -> list[Refusal]:
    """p256dh: the browser's P-256 public key, uncompressed (65 bytes) and on the curve;
    auth: the 16-byte authentication secret (RFC 8291)."""
    if not isinstance(keys, dict):
        return [refusal("keys-missing")]
    out: list[Refusal] = []
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        raw = b64url_decode(p256dh) if isinstance(p256dh, str) else b""
        if len(raw) != 65 or raw[0] != 4:
            raise ValueError("length")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        out.append(refusal("keys-p256dh"))
    try:
        raw = b64url_decode(auth) if isinstance(auth, str) else b""
        if len(raw) != 16:
            raise ValueError("length")
    except ValueError:
        out.append(refusal("keys-auth"))
    return out
