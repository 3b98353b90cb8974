"""What every published byte is scanned for: personal data, secrets, control characters.

One scan, run by the build on each text file as it writes it (pages, feeds, calendars, data
downloads, the manifest, the service worker, assets) and by `antq check` on every file of a
built site, so that both refuse the same things with the same line. Where the build scans:
the render and produce jobs scan each page and data file they publish, unless an earlier
build by the same code scanned those very bytes at that path clean (generator.scanmemo:
by their digest; a file with a finding is scanned, and refused, every time); the verify
stage scans every other file the build wrote; a file hard-linked from the last build was
scanned by the build that wrote it. `antq check` scans every file, remembering nothing.

A file is text unless its suffix says it is binary (`BINARY_SUFFIXES`, an allow-list): a NUL
byte never makes a text file skip the scan, it is reported.

The rule for a number is `generator.data.checks.find_personal_data`'s, the one validation
applies to every cell.
"""

from __future__ import annotations

import base64
import posixpath
import re
from array import array
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from typing import Any

import ahocorasick_rs

from generator.data.checks import find_personal_data, mask
from generator.data.messages_vi import problem, text
from generator.data.problems import Problem

# Never scanned as text: their bytes are compressed or encoded, so digit runs mean nothing.
# Pagefind's index files (.pf_*, .pagefind) are gzip-compressed.
BINARY_SUFFIXES = frozenset(
    (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".bmp", ".tif", ".tiff")
    + (".woff", ".woff2", ".ttf", ".otf", ".eot")
    + (".gz", ".br", ".zst", ".zip", ".pdf", ".xlsx", ".xls", ".docx", ".odt", ".ods")
    + (".mp3", ".mp4", ".m4a", ".ogg", ".oga", ".ogv", ".webm", ".wasm")
    + (".pagefind", ".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter")
)
_MARKUP_SUFFIXES = frozenset((".html", ".htm", ".xml", ".svg"))


def is_text(rel: str) -> bool:
    return posixpath.splitext(rel)[1].lower() not in BINARY_SUFFIXES


def make_problem(file: str, line: int, key: str, **params: object) -> Problem:
    """A problem from its catalogue key; every value shown is stripped of numbers and
    secrets. A key may carry a variant after a dot ("personal-data.phone"): the variant picks
    the wording, the printed code is the part before the dot, the one scripts filter on."""
    shown: dict[str, Any] = {name: _redact(str(value)) for name, value in params.items()}
    if "url" in shown:
        shown["url"] = _shorten(shown["url"].strip())
    found = problem(key, file, row=line or None, **shown)
    return replace(found, code=key.split(".")[0])


def scan_published(rel: str, data: bytes) -> list[Problem]:
    """Everything in a file about to be (or already) published that must not be: control
    characters, phone and ID numbers, secrets. Binary files (by suffix) are not read."""
    if not is_text(rel):
        return []
    problems = _control_characters(rel, data)
    if not (rel.startswith("vendor/") and _is_vendor_copy(rel, data)):
        # Minified Leaflet holds constants shaped like a phone and an ID number; an exact copy
        # of the upstream file (checked by content, not path) is exempt, nothing else is.
        problems += _personal_data(rel, data)
    problems += _secrets(rel, data)
    return problems


# -- control characters ----------------------------------------------------------------------

# C0 controls but tab, newline, form feed and carriage return, and DEL: never in a text we
# publish (HTML calls them parse errors, XML forbids them); C1 controls (U+0080–U+009F) are
# what is left of Windows-1252 text decoded as Latin-1.
_C0 = bytes(range(0x01, 0x09)) + b"\x0b" + bytes(range(0x0E, 0x20)) + b"\x7f"
_NOT_C0 = bytes(b for b in range(256) if b not in _C0)
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_ANY_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")


def _control_characters(rel: str, data: bytes) -> list[Problem]:
    """NUL in any text file; other control characters in markup (pages, feeds, sitemaps).
    One line per kind and file: the first place, and how many there are."""
    problems: list[Problem] = []
    if b"\0" in data:
        first = data.index(b"\0")
        problems.append(
            make_problem(
                rel,
                data.count(b"\n", 0, first) + 1,
                "output-control-character.nul",
                count=data.count(b"\0"),
            )
        )
    if posixpath.splitext(rel)[1].lower() in _MARKUP_SUFFIXES and (
        data.translate(None, _NOT_C0) or (b"\xc2" in data and _C1.search(data))
    ):
        found = list(_ANY_CONTROL.finditer(data))
        char = found[0].group().decode("utf-8")
        problems.append(
            make_problem(
                rel,
                data.count(b"\n", 0, found[0].start()) + 1,
                "output-control-character",
                codepoint=f"U+{ord(char):04X}",
                count=len(found),
            )
        )
    return problems


# -- redaction: a report must never republish what it found ------------------------------------

_DIGIT_RUN = re.compile(r"\+?\d(?:[ .-]?\d){8,}")


def _redact(text: str) -> str:
    text = _DIGIT_RUN.sub(lambda m: mask(m.group()), text)
    for _, _, regex, keep, _ in _SECRET_PATTERNS:
        text = regex.sub(partial(_mask_secret, keep=max(keep, 0)), text)
    return _BARE_TOKEN_STR.sub(
        lambda m: m.group()[:2] + "…" if _is_p256_scalar(m.group()) else m.group(), text
    )


def _shorten(url: str, width: int = 120) -> str:
    return url if len(url) <= width else url[: width - 1] + "…"


# -- personal data: byte-level pre-filters before find_personal_data ---------------------------

# find_personal_data reports a phone number (a 0, +84 or 0084 then 9–10 more digits, one
# separator [ .-] allowed between digits) or an ID number (9 or 12 digits in a row). With every
# digit mapped to "0", a phone number is ten zeros once separators are deleted, an ID nine
# zeros as written: two translates and two substring searches (~400 MB/s) rule out a file.
# (Nine zeros after deleting separators would also catch every "kt-2022-00001" award id.)
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_PHONE_ZEROS = b"0" * 10
_ID_ZEROS = b"0" * 9


def _decimals_beyond_ascii() -> list[str]:
    """Every non-ASCII character `str.isdecimal` accepts (Unicode's Nd, which is also what
    `\\d` matches), in code point order. One regex pass over every code point but the
    surrogates, as one string: a third of the time of a `chr` loop, and every antq command
    imports this module (issue 18: the no-change build)."""
    every = "".join(
        array("I", range(lo, hi)).tobytes().decode("utf-32-le")
        for lo, hi in ((0x80, 0xD800), (0xE000, 0x110000))
    )
    return re.findall(r"\d", every)


def _nonascii_digit_regexes() -> tuple[bytes, re.Pattern[bytes], re.Pattern[bytes]]:
    """`\\d` in find_personal_data also matches non-ASCII digits (Arabic-Indic, fullwidth…).

    Returns the bytes that are *not* lead bytes of such digits in UTF-8 (to delete them in one
    translate), a regex for any such digit, and one for those led by 0xE1 — the lead byte of
    most Vietnamese letters, so the usual case needs only that cheap regex."""
    tails: dict[bytes, set[int]] = {}
    for ch in _decimals_beyond_ascii():
        encoded = ch.encode("utf-8")
        tails.setdefault(encoded[:-1], set()).add(encoded[-1])
    leads = {prefix[0] for prefix in tails}
    alternatives = [
        re.escape(prefix) + b"[" + b"".join(re.escape(bytes([t])) for t in sorted(ends)) + b"]"
        for prefix, ends in sorted(tails.items())
    ]
    e1 = [a for a, prefix in zip(alternatives, sorted(tails), strict=True) if prefix[0] == 0xE1]
    not_leads = bytes(b for b in range(256) if b not in leads)
    return not_leads, re.compile(b"|".join(alternatives)), re.compile(b"|".join(e1) or b"(?!)")


_NOT_DIGIT_LEADS, _NONASCII_DIGIT, _E1_DIGIT = _nonascii_digit_regexes()


def _may_hold_number(data: bytes) -> bool:
    """False only when find_personal_data cannot find anything in `data` decoded."""
    joined = data.translate(_DIGITS_TO_ZERO, b" .-")
    # Nine digits in a row (an ID) are also nine zeros once the separators are deleted: a
    # file without those holds neither number, and is not translated again for the ID's
    # check (45 of the national site's 8,246 pages and data files have them; that translate
    # was 0.45 of the 1.57 CPU s this function took over all of them).
    if _ID_ZEROS in joined:
        if _PHONE_ZEROS in joined:
            return True
        if _ID_ZEROS in data.translate(_DIGITS_TO_ZERO):
            return True
    leads = data.translate(None, _NOT_DIGIT_LEADS)
    if not leads:
        return False
    if leads.strip(b"\xe1"):
        return _NONASCII_DIGIT.search(data) is not None
    return _E1_DIGIT.search(data) is not None


_CHUNK = 1 << 20
# Digits, separators, and the ASCII word characters that decide whether a digit run is a
# number (see find_personal_data): a cut never falls inside a run of them.
_NUMBER_BYTES = frozenset(b"0123456789 .-+_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _chunks(data: bytes) -> Iterator[tuple[int, bytes]]:
    """~1 MB pieces (with their first line number), never cutting a token or a character:
    a 70 MB JSON download is a single line, and only the pieces that might hold a number
    should be decoded and scanned."""
    start, line = 0, 1
    while start < len(data):
        end = min(start + _CHUNK, len(data))
        while end < len(data):
            byte = data[end]
            if byte in _NUMBER_BYTES or 0x80 <= byte < 0xC0:
                end += 1  # a digit, a separator, a letter, or the rest of a character
            elif byte >= 0xC0 and data[end : end + 4].decode(errors="ignore")[:1].isdecimal():
                end += 1  # a fullwidth or other non-ASCII digit
            else:
                break
        piece = data[start:end]
        yield line, piece
        line += piece.count(b"\n")
        start = end


def _is_vendor_copy(rel: str, data: bytes) -> bool:
    from generator.maps import is_vendor_copy

    return is_vendor_copy(rel, data)


def _personal_data(rel: str, data: bytes) -> list[Problem]:
    if not _may_hold_number(data):
        return []
    problems: list[Problem] = []
    for first_line, piece in _chunks(data):
        if not _may_hold_number(piece):
            continue
        text = piece.decode("utf-8", errors="replace")
        if not find_personal_data(text):
            continue
        # Numbers never span lines, so a line-by-line scan finds the same and locates them.
        for offset, line_text in enumerate(text.split("\n")):
            for code, masked in find_personal_data(line_text):
                key = "personal-data.phone" if code == "personal-phone" else "personal-data.id"
                problems.append(make_problem(rel, first_line + offset, key, masked=masked))
    return problems


# -- secrets -----------------------------------------------------------------------------------


def _any_case(word: bytes) -> tuple[bytes, ...]:
    """Every ASCII spelling of `word` in upper and lower case ("ecr": 8): the literals of a
    case-insensitive pattern, which must find "sEcReT_access_key" too (the one-pass search
    below has no case-insensitive mode; a lowered copy of each file would cost a pass over
    460 MB). A short, rare part of the word, so that few files run the patterns: of the
    national site's 8,230 text files, "ecr" is in none, "rer" in 3, "ivat" in 3 ("vat" in
    59: Vạt Lai's address)."""
    spellings = [b""]
    for c in word:
        spellings = [s + bytes([v]) for s in spellings for v in sorted({c, ord(chr(c).upper())})]
    return tuple(spellings)


# (what it is, regex, characters shown, literals). Every match of the regex holds one of its
# literals: a regex that starts with a literal, that literal (its character classes spelled
# out); a case-insensitive one, every case of a part of its words (`_any_case`: its start
# would be 20x slower to search on the big data files). A file holding none of them is not
# searched with the regex. Shown: that many characters of the token (or of its `value`
# group); -1: the whole match (a PEM header names the key type, not the key).
_SECRET_SOURCES: tuple[tuple[str, str, int, tuple[bytes, ...]], ...] = (
    (
        "khóa riêng PEM",
        r"-----BEGIN (?:(?:EC|RSA|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----",
        -1,
        (b"PRIVATE KEY-----",),
    ),
    (
        "khóa riêng PGP",
        r"-----BEGIN PGP PRIVATE KEY BLOCK-----",
        -1,
        (b"-----BEGIN PGP PRIVATE KEY BLOCK-----",),
    ),
    ("token GitHub", r"gh[pousr]_[A-Za-z0-9]{36,}", 6, tuple(b"gh%c_" % c for c in b"pousr")),
    ("token GitHub", r"github_pat_[A-Za-z0-9_]{22,}", 13, (b"github_pat_",)),
    ("token GitLab", r"glpat-[A-Za-z0-9_-]{20,}", 8, (b"glpat-",)),
    ("token Slack", r"xox[abprse]-[A-Za-z0-9-]{10,}", 7, tuple(b"xox%c-" % c for c in b"abprse")),
    ("khóa API Google", r"AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", 6, (b"AIza",)),
    ("khóa Stripe", r"[sr]k_live_[0-9A-Za-z]{20,}", 10, (b"k_live_",)),
    # Access key ids: AKIA… long-term, ASIA… temporary (STS), both with their secret.
    ("khóa AWS", r"A(?:KIA|SIA)[0-9A-Z]{16}(?![0-9A-Z])", 6, (b"AKIA", b"ASIA")),
    (
        "khóa bí mật AWS",
        r"(?P<name>(?i:(?:aws_?)?secret_?access_?key|aws_?secret(?:_?key)?))[\"']?\s*[:=]\s*"
        r"[\"'`]?(?P<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        2,
        _any_case(b"ecr"),
    ),
    # A JSON Web Token: a base64url JSON header ("{"…" is "eyJ"), a payload, a signature.
    ("JWT", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", 6, (b"eyJ",)),
    (
        "Authorization: Bearer",
        r"(?i:authorization)[\"']?\s*[:=]\s*[\"']?(?i:bearer)\s+(?P<value>[A-Za-z0-9._~+/=-]{8,})",
        2,
        _any_case(b"rer"),
    ),
    (
        "khóa riêng VAPID",
        r"(?P<name>(?i:(?:vapid_?)?private_?key))[\"']?\s*[:=]\s*[\"'`]?"
        r"(?P<value>[A-Za-z0-9_-]{43})=?(?![A-Za-z0-9_-])",
        2,
        _any_case(b"ivat"),
    ),
)
_SECRET_PATTERNS: tuple[
    tuple[str, re.Pattern[bytes], re.Pattern[str], int, tuple[bytes, ...]], ...
] = tuple(
    (kind, re.compile(source.encode()), re.compile(source), keep, triggers)
    for kind, source, keep, triggers in _SECRET_SOURCES
)
# Whether a file holds any pattern's literal at all, in one pass (nearly no file does): the
# patterns' literals and regexes, searched one by one, were 16 passes over each file, 3.7 CPU
# s on the national site's 460 MB of pages and data files (~5 % of its cold build); one
# leftmost-first Aho-Corasick pass (ahocorasick-rs: Rust's aho-corasick, whose SIMD search
# takes a few dozen literals at once) took 0.04 s. Leftmost-first reports a match whenever
# any literal occurs, so a file without one is exactly a file every pattern skips.
_ANY_SECRET_LITERAL = ahocorasick_rs.BytesAhoCorasick(
    [literal for *_, literals in _SECRET_PATTERNS for literal in literals],
    matchkind=ahocorasick_rs.MatchKind.LeftmostFirst,
)


def _mask_secret(match: re.Match[str], keep: int) -> str:
    if keep < 0:
        return match.group()
    groups = match.re.groupindex
    if "value" not in groups:
        return match.group()[:keep] + "…"
    name = match.group("name") + " = " if "name" in groups else ""
    return name + match.group("value")[:keep] + "…"


def _secrets(rel: str, data: bytes) -> list[Problem]:
    problems: list[Problem] = []
    spans: list[tuple[int, int]] = []
    for kind, regex, regex_str, keep, literals in (
        _SECRET_PATTERNS if _ANY_SECRET_LITERAL.find_matches_as_indexes(data) else ()
    ):
        if not any(t in data for t in literals):
            continue
        for match in regex.finditer(data):
            start = match.start()
            if (
                "value" not in regex.groupindex
                and keep >= 0
                and start
                and _is_word(data[start - 1])
            ):
                continue  # a token prefix inside a longer word
            found = regex_str.match(match.group().decode("utf-8", errors="replace"))
            if found is None:
                continue
            spans.append(match.span())
            problems.append(_secret(rel, data, start, kind, _mask_secret(found, keep)))
    for start, end in _bare_scalars(data):
        if not any(a <= start and end <= b for a, b in spans):
            token = data[start:end].decode()
            kind = text("part-vapid-private-key")
            problems.append(_secret(rel, data, start, kind, token[:2] + "…"))
    return problems


def _secret(rel: str, data: bytes, start: int, kind: str, masked: str) -> Problem:
    line = data.count(b"\n", 0, start) + 1
    return problem("secret", rel, row=line, kind=kind, masked=masked)


def _is_word(byte: int) -> bool:
    return chr(byte).isalnum() or byte == 0x5F


# A VAPID (or any P-256) private key written bare: 32 bytes in unpadded base64url, the form
# `antq push keys` and web-push libraries use, with no name near it to match. Shape alone
# would flag every 43-character token, so a token counts only when it is a whole token of
# exactly 43 characters (not part of a longer base64 text: a SHA-256 digest in base64 is 43
# characters and a "=", the VAPID public key 87), mixes upper case, lower case and digits
# (a slug or a hex hash does not), is the canonical encoding of 32 bytes (its last character
# holds 4 bits, so 3 random tokens in 4 fail) and is a valid P-256 scalar (0 < d < n).
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_B64_ANY = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/="
_B64_RUNS = bytes.maketrans(
    bytes(range(256)), bytes(0x61 if b in _B64_ANY else 0x20 for b in range(256))
)
_SCALAR_CHARS = re.compile(r"[A-Za-z0-9_-]{43}")
_BARE_TOKEN_STR = re.compile(r"(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_+/=-])")


def _bare_scalars(data: bytes) -> Iterator[tuple[int, int]]:
    """Spans of the bare private keys in `data`: runs of base64 characters found with a
    translate and substring searches (memchr speed), checked one by one."""
    runs = data.translate(_B64_RUNS)
    at = runs.find(b"a" * 43)
    while at >= 0:
        end = runs.find(b" ", at)
        end = len(data) if end < 0 else end
        if end - at == 43 and _is_p256_scalar(data[at:end].decode("ascii")):
            yield at, end
        at = runs.find(b"a" * 43, end)


def _is_p256_scalar(token: str) -> bool:
    if not (
        _SCALAR_CHARS.fullmatch(token)
        and any(c.isupper() for c in token)
        and any(c.islower() for c in token)
        and any(c.isdigit() for c in token)
    ):
        return False
    raw = base64.urlsafe_b64decode(token + "=")
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
        return False
    return 0 < int.from_bytes(raw, "big") < _P256_ORDER
