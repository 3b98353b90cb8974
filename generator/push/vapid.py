"""VAPID keys (RFC 8292) and the environment the push service and the notifier read.

The private key signs every notification; whoever holds it can notify every subscriber, and
rotating it invalidates every subscription. So it lives outside the repository: in the
environment (ANTQ_VAPID_PRIVATE_KEY) or in a file only its owner can read
(ANTQ_VAPID_PRIVATE_KEY_FILE, mode 600). The public key goes into site/site.toml.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from generator.data.messages_vi import problem, say
from generator.errors import UsageError
from generator.push.endpoints import b64url_decode, b64url_encode

ENV_DB = "ANTQ_PUSH_DB"
ENV_ORIGIN = "ANTQ_PUSH_ORIGIN"
ENV_PRIVATE_KEY = "ANTQ_VAPID_PRIVATE_KEY"
ENV_PRIVATE_KEY_FILE = "ANTQ_VAPID_PRIVATE_KEY_FILE"
ENV_SUBJECT = "ANTQ_VAPID_SUBJECT"
PRIVATE_KEY_NAME = "vapid_private.pem"

# Apple refuses `sub` claims such as mailto:admin@localhost: require a dotted domain.
_MAILTO = re.compile(r"^mailto:[^@\s/]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_HTTPS = re.compile(r"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?(/\S*)?$")


class PushConfigError(UsageError):
    """A deployment mistake, explained in Vietnamese (exit code 2)."""


@dataclass(frozen=True)
class VapidKey:
    vapid: Vapid  # what pywebpush signs with

    @property
    def public_key(self) -> str:
        """The application server key as PushManager.subscribe and site.toml take it."""
        return public_key_b64(self.vapid.private_key)


def public_key_b64(private_key: ec.EllipticCurvePrivateKey) -> str:
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url_encode(raw)


def _inside_git_worktree(folder: Path) -> bool:
    probe = folder
    while not probe.exists():
        probe = probe.parent
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=probe,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.stdout.strip() == "true"


def default_key_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "antq"


def generate_keys(out_dir: Path, *, force: bool = False) -> tuple[Path, str]:
    """Write a new private key (PEM, mode 600, created that way: never readable by others,
    not even for an instant) and return its path and the public key for site.toml."""
    if _inside_git_worktree(out_dir):
        raise PushConfigError(say("push-key-in-git", out_dir=out_dir))
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = out_dir / PRIVATE_KEY_NAME
    if path.exists() and not force:
        raise PushConfigError(say("push-key-exists", path=path))
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(tmp, 0o600)  # in case the umask was stricter than needed, never looser
    tmp.replace(path)
    return path, public_key_b64(key)


def _parse_private_key(text: str, where: str) -> ec.EllipticCurvePrivateKey:
    """PEM (PKCS#8 or SEC1), or base64url of the raw 32-byte scalar (what other web-push
    tools print), or base64url DER."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = b64url_decode(text)
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError):
        raise PushConfigError(problem("push-key-unreadable", where).line()) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise PushConfigError(problem("push-key-curve", where).line())
    return key


def _key_file_line(code: str, path: Path, **params: Any) -> str:
    """A problem with the key file, located by the variable that names it."""
    return problem(code, ENV_PRIVATE_KEY_FILE, path=path, **params).line()


def load_private_key(env: Mapping[str, str] | None = None) -> VapidKey:
    env = os.environ if env is None else env
    inline, file_name = env.get(ENV_PRIVATE_KEY), env.get(ENV_PRIVATE_KEY_FILE)
    if inline and file_name:
        raise PushConfigError(
            say("push-key-both", inline=ENV_PRIVATE_KEY, file_var=ENV_PRIVATE_KEY_FILE)
        )
    if inline:
        return VapidKey(Vapid(private_key=_parse_private_key(inline, ENV_PRIVATE_KEY)))
    if not file_name:
        raise PushConfigError(
            say("push-key-unset", inline=ENV_PRIVATE_KEY, file_var=ENV_PRIVATE_KEY_FILE)
        )
    path = Path(file_name)
    try:
        info = path.stat()
    except OSError:
        raise PushConfigError(_key_file_line("push-key-file-missing", path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise PushConfigError(_key_file_line("push-key-not-file", path))
    # Like ssh with its identity files: a key others can read is a key to replace, not to use.
    if info.st_mode & 0o077:
        mode = f"{stat.S_IMODE(info.st_mode):03o}"
        raise PushConfigError(_key_file_line("push-key-file-mode", path, mode=mode))
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise PushConfigError(_key_file_line("push-key-file-owner", path))
    text = path.read_text(encoding="utf-8", errors="replace")
    return VapidKey(Vapid(private_key=_parse_private_key(text, str(path))))


def load_subject(env: Mapping[str, str] | None = None) -> str:
    """The VAPID `sub` claim: how a push service contacts us (a real mailto: or https:)."""
    env = os.environ if env is None else env
    value = (env.get(ENV_SUBJECT) or "").strip()
    if not value:
        raise PushConfigError(say("push-subject-unset", name=ENV_SUBJECT))
    if not (_MAILTO.match(value) or _HTTPS.match(value)) or "localhost" in value.lower():
        raise PushConfigError(say("push-subject-invalid", name=ENV_SUBJECT))
    return value
