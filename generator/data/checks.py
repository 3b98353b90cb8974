"""Cell checks Frictionless does not make: Unicode form, legacy fonts, personal data.

Each function takes one cell's text and returns (code, params) pairs for the catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Vietnamese letters that live in Latin-1; every other Latin-1 letter or sign in a Vietnamese
# text is the mark of TCVN3 ("Céng hoµ") or VNI ("Coäng hoøa") bytes read as Windows-1252.
_VIET_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_HARMLESS = set("\u00a0°²³×«»")
_MOJIBAKE = "".join(
    ch for ch in map(chr, range(0xA1, 0x100)) if ch not in _VIET_LATIN1 and ch not in _HARMLESS
)
# VNI writes â/ê/ô as a vowel followed by "â", and ă as "aê": sequences Vietnamese never has.
_MOJIBAKE_RE = re.compile(f"[{re.escape(_MOJIBAKE)}]|[aeoAEO][âÂ]|[aA][êÊ]")
# A '?' between two letters: what Windows-1252 leaves of a Vietnamese letter it cannot hold.
_LOST_RE = re.compile(r"[^\W\d_]\?[^\W\d_]")

# Where a number may start and end: never next to an ASCII letter, digit or underscore. A
# digit run inside a word-like token (a commit hash "…3eae089250975b76…", a file name
# "en_0123456789ab.pf_fragment", a base64url key) is part of an identifier, not a number.
# Letters outside ASCII do not count: "số0912345678", typed without a space, is still a phone.
_START = r"(?<![0-9A-Za-z_+])(?<!\d)"
_END = r"(?![0-9A-Za-z_])(?!\d)"
# Phone numbers: 0 or +84 followed by 9–10 digits, spaces, dots or dashes allowed between.
_PHONE_RE = re.compile(_START + r"(?:\+84|0084|0)[ .-]?\d(?:[ .-]?\d){8,9}" + _END)
# Citizen ID (CCCD, 12 digits) and the old identity card number (9 digits).
_ID_RE = re.compile(_START + r"(?:\d{12}|\d{9})" + _END)
# A UUID is an identifier by shape, whatever its groups hold: "…-a456-426614174000" is
# bounded by dashes, which numbers may also be, so it is recognised whole.
_UUID_RE = re.compile(r"[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}")


def mask(number: str) -> str:
    """Show enough of a number to find it, not enough to republish it."""
    digits = re.sub(r"\D", "", number)
    return digits[:3] + "…" + digits[-2:]


def text_checks(cell: str) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if not cell.isascii():
        if _MOJIBAKE_RE.search(cell):
            found.append(("legacy-font", {"sample": _excerpt(cell)}))
        else:
            nfc = unicodedata.normalize("NFC", cell)
            if nfc != cell:
                found.append(("nfd-text", {"nfc": nfc}))
    if "?" in cell and _LOST_RE.search(cell):
        found.append(("lost-characters", {"sample": _excerpt(cell)}))
    # Every item of the cell (issue 17): an official deletes them all in one pass.
    for kind, number in _numbers(cell):
        if kind == "personal-phone":
            found.append(("personal-phone", {"masked": mask(number)}))
        else:
            found.append(("personal-id", {"masked": mask(number), "digits": len(number)}))
    return found


def may_have_text_problems(text: str) -> bool:
    """False when `text_checks` finds nothing in any part of `text` (a lesson's lines): each
    of its searches, run once on the whole text, finds whatever it finds in a part (none
    looks around a match), and a text in NFC has every part in NFC. A lesson of 100 lines is
    searched once rather than line by line.

    Each search is one that finds something exactly when `text_checks`' does, made cheap
    for a long text (issue 18: the three were ~20 % of checking a lesson, ~10x less now):
    `_MOJIBAKE_RE` as its single characters and its pairs apart, `_LOST_RE` tried only at
    each "?", `_SCAN_RE` without its optional "+" (which keeps Python's regular
    expressions from skipping to the next digit)."""
    return bool(
        (not text.isascii() and _has_mojibake(text))
        or not unicodedata.is_normalized("NFC", text)
        or ("?" in text and _has_lost(text))
        or _SCAN_ANY.search(text)
    )


_MOJIBAKE_ONE = re.compile(f"[{re.escape(_MOJIBAKE)}]")
_PAIR_END = re.compile("[âÂêÊ]")
_PAIR_START = {"â": "aeoAEO", "Â": "aeoAEO", "ê": "aA", "Ê": "aA"}  # _MOJIBAKE_RE's pairs


def _has_mojibake(text: str) -> bool:
    """Whether `_MOJIBAKE_RE.search(text)` finds something."""
    if _MOJIBAKE_ONE.search(text):
        return True
    for end in _PAIR_END.finditer(text):
        at = end.start()
        if at and text[at - 1] in _PAIR_START[end.group()]:
            return True
    return False


def _has_lost(text: str) -> bool:
    """Whether `_LOST_RE.search(text)` finds something: each of its matches has "?" second."""
    at = text.find("?", 1)
    while at != -1:
        if _LOST_RE.match(text, at - 1):
            return True
        at = text.find("?", at + 1)
    return False


def _excerpt(cell: str, width: int = 40) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + "…"


# Any run of 9+ digits, possibly with separators: the only places worth a closer look.
_SCAN_RE = re.compile(r"\+?\d(?:[ .-]?\d){8,}")
_SCAN_ANY = re.compile(r"\d(?:[ .-]?\d){8,}")  # a match where _SCAN_RE has one


def find_personal_data(text: str) -> list[tuple[str, str]]:
    """Every phone or ID-like number in a text, masked: ("personal-phone" | "personal-id",
    masked). The one rule for a data cell, a lesson, every file the build writes and every
    file `antq check` reads.

    A number is a run of digits (spaces, dots or dashes allowed between them, as people
    write "0912 345 678") that is not glued to an ASCII letter, digit or underscore on
    either side: a digit run inside a word-like token (a commit hash, a content-hashed file
    name, a base64url key) belongs to an identifier, and a UUID is an identifier whole. So
    "CCCD 012345678901", "(012345678)", "ĐT:0912345678", "tel:+84912345678" are numbers,
    "ccd90091d3a7093eae089250975b76…" and "en_0123456789ab" are not; a number typed glued
    to ASCII letters ("CCCD012345678901") is missed, the price of never refusing a commit.

    A cheap scan for long digit runs first: the build scans hundreds of megabytes."""
    return [(kind, mask(number)) for kind, number in _numbers(text)]


def _numbers(text: str) -> list[tuple[str, str]]:
    """(kind, number as written) for every number of `text`: in each run of digits, its
    phone numbers, or else its ID-like numbers."""
    found: list[tuple[str, str]] = []
    for candidate in _SCAN_RE.finditer(text):
        # The patterns run on the whole text, from the run's start, so that their
        # boundaries see the characters around it; one character past the run is enough.
        span = (candidate.start(), min(len(text), candidate.end() + 1))
        matches = [m for m in _PHONE_RE.finditer(text, *span) if not _in_uuid(text, m)]
        kind = "personal-phone"
        if not matches:
            matches = [m for m in _ID_RE.finditer(text, *span) if not _in_uuid(text, m)]
            kind = "personal-id"
        found += [(kind, m.group()) for m in matches]
    return found


def _in_uuid(text: str, number: re.Match[str]) -> bool:
    if "-" not in text[max(0, number.start() - 1) : number.end() + 1]:
        return False
    window = max(0, number.start() - 36), min(len(text), number.end() + 36)
    return any(
        u.start() <= number.start() and number.end() <= u.end()
        for u in _UUID_RE.finditer(text, *window)
    )
