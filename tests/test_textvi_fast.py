"""textvi's collation key and folding made in C (issue 18: a third of the national model's
time), against their rules spelled out per character."""

from __future__ import annotations

import unicodedata

from generator.textvi import fold, sort_key


def test_sort_key_is_each_characters_key_in_three_columns() -> None:
    """The key built in C (zip) is the one spelled out per character: letters, tones, case;
    the empty string and a lone combining mark included (the key's fast path, issue 18)."""
    from generator.textvi import _char_key

    texts = ["", "\u0301", "a\u0301", "Đắk Lắk", "Nguyễn Thị Ánh", "Ia H'Drai", "x1 2"]
    for text in texts:
        keys = [_char_key(ch) for ch in unicodedata.normalize("NFC", text)]
        spelled = tuple(tuple(k[i] for k in keys) for i in range(3))
        assert sort_key.__wrapped__(text) == spelled, text
    assert sort_key("") == ((), (), ())
    # Tones rank after letters, case last: the columns must not be swapped.
    assert sort_key("Á")[0] == sort_key("a")[0] and sort_key("Á")[1:] != sort_key("a")[1:]


def test_fold_drops_exactly_the_combining_marks() -> None:
    """fold (marks dropped by str.translate) against the rule spelled out per character."""
    texts = ["", "\u0301", "Đắk Lắk", "Nguyễn Thị Ánh", "ǅ\u0345x", "ﬁ İ", "Ia H'Drai 12"]
    for text in texts:
        nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        spelled = "".join(ch for ch in nfd if not unicodedata.combining(ch)).lower()
        assert fold(text) == spelled, text
    assert fold("Phường Ngọc Hà") == "phuong ngoc ha"


def test_sort_text_orders_exactly_as_sort_key() -> None:
    """sort_text (the key as one string, issue 18) against sort_key on every pair: the
    same order and the same ties, including prefixes, lone marks, NFD text, punctuation
    (primary ranks below zero), other scripts, NUL and a character past the BMP."""
    import random

    from generator.textvi import sort_text

    alphabet = list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÔƠƯ019 -,.'()/") + [
        "à", "ả", "ã", "á", "ạ", "Ầ", "ữ", "\u0301", "\u0323", "中", "ß", "Ω", "\x00",
        "\U0001d400", "ｱ",
    ]  # fmt: skip
    rng = random.Random(18)
    texts = ["", "a", "A", "à", "a ", "a-", "ă", "b", "đ", "d", "Đà Nẵng", "Da Nang"]
    for _ in range(250):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        texts.append(unicodedata.normalize(rng.choice(["NFC", "NFD"]), text))
    keys = [(sort_key(t), sort_text(t)) for t in texts]
    for key_a, text_a in keys:
        for key_b, text_b in keys:
            assert ((key_a > key_b) - (key_a < key_b)) == ((text_a > text_b) - (text_a < text_b))
    assert sorted(texts, key=sort_key) == sorted(texts, key=sort_text)
