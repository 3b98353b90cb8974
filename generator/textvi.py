"""Vietnamese text helpers: NFC, collation key, diacritic folding, slugs, number/date formats.

Used everywhere and depends on nothing else in the package. We write our own collation key
because Python's default order and pyuca both misplace Vietnamese letters (Đ after Z, Ă before
A…), and ICU is not a dependency worth a compiled extension for one sort key.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

# Base letters in Vietnamese alphabetical order (plus f, j, w, z); letters with breve,
# circumflex or horn, and đ, are letters of their own, placed right after their base letter.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # f j w z for foreign names
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# (base letter, combining mark) pairs that make another letter of the alphabet:
# breve, circumflex and horn.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Tone marks, ranked: no tone < huyền < hỏi < ngã < sắc < nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """Split text into (letter, tone, is_upper) triples using NFD decomposition."""
    out: list[tuple[str, int, bool]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if not out:
                continue
            base, tone, upper = out[-1]
            if ch in _TONE_RANK:
                out[-1] = (base, _TONE_RANK[ch], upper)
            elif (base, ch) in _LETTER_MARKS:
                out[-1] = (_LETTER_MARKS[(base, ch)], tone, upper)
            continue
        low = ch.lower()
        out.append((low, 0, ch != low))
    return out


class _CharKeys(dict[str, tuple[int, int, int]]):
    """Each character's key, made on first use (`_char_key`)."""

    def __missing__(self, ch: str) -> tuple[int, int, int]:
        return _char_key(ch)


_CHAR_KEYS = _CharKeys()
_NO_KEY: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] = ((), (), ())


def _char_key(ch: str) -> tuple[int, int, int]:
    letters = _letters(ch)
    if not letters:  # a lone combining mark
        key = (0, 0, 0)
    else:
        base, tone, upper = letters[0]
        if base in _LETTER_RANK:
            primary = _LETTER_RANK[base] + 1000
        else:
            primary = ord(base) + (0 if base.isalnum() else -1000)
        key = (primary, tone, int(upper))
    _CHAR_KEYS[ch] = key
    return key


@lru_cache(maxsize=200_000)
def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Collation key: letters first, then tones, then case (as Intl.Collator('vi') orders).

    Computed per character from a table filled on first use: names repeat and the national
    package sorts ~300,000 of them per build.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # The characters' keys turned into the three columns in C (zip), not three generators:
    # a third of the national model's time was spent here (issue 18).
    columns = tuple(zip(*map(_CHAR_KEYS.__getitem__, text), strict=True))
    return columns or _NO_KEY  # type: ignore[return-value]


class _KeyColumn(dict[int, str]):
    """For `str.translate`: a character's code point → one column of its key (`_char_key`)
    as one character, `offset` above the column's least value (so above NUL)."""

    def __init__(self, column: int, offset: int) -> None:
        super().__init__()
        self.column, self.offset = column, offset

    def __missing__(self, code: int) -> str:
        value = _CHAR_KEYS[chr(code)][self.column] + self.offset
        if not 0 < value <= 0x10FFFF:  # (an alphanumeric past U+10FC16: none is assigned)
            raise ValueError(f"no sort character for U+{code:04X}")
        self[code] = kept = chr(value)
        return kept


# Primary ranks go down to -1000 (`_char_key`: punctuation), tones and case from 0.
_KEY_COLUMNS = (_KeyColumn(0, 1001), _KeyColumn(1, 1), _KeyColumn(2, 1))


@lru_cache(maxsize=200_000)  # (names repeat: 100,000 places have 26,000 names)
def sort_text(text: str) -> str:
    """`sort_key` as one string, in the same order (and equal exactly when it is): its
    three columns, each character's rank as one character, joined by NUL (below every
    rank: a shorter column that is a prefix sorts first, as a shorter tuple does). Made by
    three `str.translate` calls in C and compared as strings, not tuples of tuples: the
    national model sorts 250,000 records by name: its sorts of the awards, places and tổ
    took 0.68 s with `sort_key`, 0.43 s with this."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    primary, tone, case = _KEY_COLUMNS
    return f"{text.translate(primary)}\0{text.translate(tone)}\0{text.translate(case)}"


class _Unmarked(dict[int, str | None]):
    """For `str.translate`: a combining mark's code point → None (dropped), any other
    character → itself; each decided once, on first use (`unicodedata.combining`)."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        kept = None if unicodedata.combining(ch) else ch
        self[code] = kept
        return kept


_UNMARKED = _Unmarked()


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for matching: tones and letter marks removed, đ → d.
    The marks are dropped by `str.translate` (in C), not a generator over every character:
    slugs, the finder and the search text fold ~40,000 names a build (issue 18)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return decomposed.translate(_UNMARKED).lower()


_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII slug: 'Xã Tân Kỳ' → 'xa-tan-ky'. Stable: depends on the text only."""
    return _SLUG_STRIP.sub("-", fold(text)).strip("-")


def format_number(value: float | int, decimals: int = 0) -> str:
    """Vietnamese number format: 1.234 and 12,5. A whole number is formatted once per
    process (`_whole`): counts repeat on thousands of pages (issue 18 item 7)."""
    if type(value) is int and decimals == 0:
        return _whole(value)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# Memos of pure functions of one value, exactly typed (`type(value) is int`, `is date`): a
# float, a bool or a datetime is not memoised (-0.0 == 0.0 but shows "-0"; two equal
# datetimes may fall on different days). Bounded: a long `antq serve` keeps at most this many.
@lru_cache(maxsize=65536)
def _whole(value: int) -> str:
    return f"{value:,.0f}".replace(",", ".")  # (.0f as for any number: past 2**53, rounded)


def format_date(value: date) -> str:
    """dd/mm/yyyy; a date (not a datetime) formatted once per process (`_day`)."""
    if type(value) is date:
        return _day(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


@lru_cache(maxsize=65536)
def _day(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def excel_column(number: int) -> str:
    """1 → A, 27 → AA: the column letters Excel and LibreOffice show."""
    letters = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# Characters no text antq publishes may hold (refused in data by the raw reader, shown by
# `visible` in every message). Each class is invisible in Excel, so an official cannot see
# what is wrong, and each does harm once published:
# - C0 controls other than tab/LF/CR, DEL and C1 controls: NUL made `antq check` skip a whole
#   page, the others are copied as is into HTML, XML feeds (where they are not even legal) and
#   JSON; no spreadsheet writes them on purpose.
# - bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069) and the
#   directional marks U+200E/U+200F: Vietnamese is written left to right only; these reorder
#   what a reader sees ("Trojan Source"), so a text can display other than it reads.
# - the line and paragraph separators U+2028/U+2029: line breaks nothing shows in a cell,
#   and raw line terminators inside JavaScript strings of older engines.
# - zero-width characters (U+200B–U+200D, U+2060, U+FEFF inside the text): two keys that look
#   the same differ ("44/NĐ-CP" and "44/N\u200bĐ-CP"), a slug or a search silently misses.
#   Refused rather than stripped with a warning: a stripped key could then collide with another
#   row, and a key must read the same in the file and on the site.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
ZERO_WIDTH_CHARACTERS = "\u200b-\u200d\u2060\ufeff"
HIDDEN_RE = re.compile(f"[{CONTROL_CHARACTERS}{_BIDI}{ZERO_WIDTH_CHARACTERS}]")


def visible(text: str) -> str:
    """The text with each hidden character written as its code point, for a message."""
    return HIDDEN_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


# The nouns that open an administrative unit's name, longest first ("Thị xã" before "Xã").
UNIT_NOUNS = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)
_UNIT_NOUN_RE = re.compile(rf"(^|, )({'|'.join(UNIT_NOUNS)}) ")


@lru_cache(maxsize=65536)  # (a xã page's former units: the same names on many pages)
def unit_prose(name: str) -> str:
    """A unit's name as running text writes it: the unit noun in lower case, the proper
    name as it is ("Xã Dân An, Huyện Tứ Kỳ" → "xã Dân An, huyện Tứ Kỳ")."""
    return _UNIT_NOUN_RE.sub(lambda m: f"{m[1]}{m[2].lower()} ", name)
