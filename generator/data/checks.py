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

# Phone numbers: 0 or +84 followed by 9–10 digits, spaces, dots or dashes allowed between.
_PHONE_RE = re.compile(r"(?<![\d+])(?:\+84|0084|0)[ .-]?\d(?:[ .-]?\d){8,9}(?!\d)")
# Citizen ID (CCCD, 12 digits) and the old identity card (CMND, 9 digits).
_ID_RE = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")
# Cheap pre-filter: nine digits, possibly separated, must be present for either pattern.
_CANDIDATE_RE = re.compile(r"\d(?:[ .-]?\d){8}")


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
    if _CANDIDATE_RE.search(cell):
        phone = _PHONE_RE.search(cell)
        if phone:
            found.append(("personal-phone", {"masked": mask(phone.group())}))
        else:
            ident = _ID_RE.search(cell)
            if ident:
                found.append(
                    ("personal-id", {"masked": mask(ident.group()), "digits": len(ident.group())})
                )
    return found


def _excerpt(cell: str, width: int = 40) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + "…"


# Any run of 9+ digits, possibly with separators: the only places worth a closer look.
_SCAN_RE = re.compile(r"\+?\d(?:[ .-]?\d){8,}")


def find_personal_data(text: str) -> list[tuple[str, str]]:
    """Every phone or ID-like number in a whole text (the build's last check of its output).

    A cheap scan for long digit runs first: the build scans hundreds of megabytes."""
    found: list[tuple[str, str]] = []
    for candidate in _SCAN_RE.finditer(text):
        chunk = candidate.group()
        phones = list(_PHONE_RE.finditer(chunk))
        for match in phones:
            found.append(("personal-phone", mask(match.group())))
        if not phones:
            for match in _ID_RE.finditer(chunk):
                found.append(("personal-id", mask(match.group())))
    return found
