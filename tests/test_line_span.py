"""rawcsv.line_span (issue 18): the span of changed lines found by comparing slices gives
exactly what comparing the two texts' line lists from each end gives."""

from __future__ import annotations

import random

import pytest

from generator.data import rawcsv
from generator.data.rawcsv import line_span, span_lines


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _by_lists(a: list[str], b: list[str], first: int) -> tuple[int, int, int]:
    """The loops line_span replaces (generator.deps.changed_span, from line `first`)."""
    start = first
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    return start, end_a, end_b


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice("ab\n\n") for _ in range(rng.randrange(0, 14)))


def _edited(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randrange(0, 3)):
        at = rng.randrange(0, len(lines) + 1)
        kind = rng.randrange(3)
        if kind == 0:
            lines.insert(at, rng.choice(["a", "b", "", "ab"]))
        elif kind == 1 and at < len(lines):
            del lines[at]
        elif at < len(lines):
            lines[at] = lines[at] + rng.choice("ab")
    return "\n".join(lines)


@pytest.mark.parametrize("chunk", [1, 4])
def test_line_span_equals_the_line_lists(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(rawcsv, "_SPAN_CHUNK", chunk)
    rng = random.Random(18 + chunk)
    for _ in range(1500):
        a = _random_text(rng)
        b = _edited(rng, a) if rng.random() < 0.7 else _random_text(rng)
        la, lb = _lines(a), _lines(b)
        for first in (0, 1):
            if first and (not la or not lb or la[0] != lb[0]):
                continue  # (the callers compare the header themselves)
            span = line_span(a, b, first)
            want = _by_lists(la, lb, first)
            assert (span.start, span.end_a, span.end_b) == want, (a, b, first)
            assert (span.count_a, span.count_b) == (len(la), len(lb))
            assert span_lines(a, span.at, span.end_at_a) == la[span.start : span.end_a]
            assert span_lines(b, span.at, span.end_at_b) == lb[span.start : span.end_b]
            raw = line_span(a.encode(), b.encode(), first)
            assert (raw.start, raw.end_a, raw.end_b) == want


def test_a_one_row_edit_of_a_large_table() -> None:
    rows = [f"{i},x{i % 7},2024" for i in range(200_000)]
    old = ("id,v,year\n" + "\n".join(rows) + "\n").encode()
    rows[123_456] = "123456,changed,2024"
    new = ("id,v,year\n" + "\n".join(rows) + "\n").encode()
    span = line_span(old, new, 1)
    assert (span.start, span.end_a, span.end_b) == (123_457, 123_458, 123_458)
    assert span_lines(new, span.at, span.end_at_b) == [b"123456,changed,2024"]
    assert span_lines(old, span.at, span.end_at_a) == [b"123456,x4,2024"]


def test_a_span_asked_again_for_equal_texts_is_not_found_again(monkeypatch) -> None:
    """One build asks the span of the same two table bytes several times (the patch, the
    changed keys, the open-data split): the last one is given again for the same or equal
    texts, never for others (each of which is found, and right)."""
    found: list[tuple[bytes, bytes, int]] = []
    real = rawcsv._line_span

    def spy(a, b, first=0):  # type: ignore[no-untyped-def]
        found.append((a, b, first))
        return real(a, b, first)

    monkeypatch.setattr(rawcsv, "_line_span", spy)
    monkeypatch.setattr(rawcsv, "_SPANS", [])
    a, b, c = b"h\n1\n2\n3\n", b"h\n1\nX\n3\n", b"h\n1\n2\nY\n"
    span = rawcsv.line_span(a, b, 1)
    equal = b"".join([a[:3], a[3:]]), b"".join([b[:3], b[3:]])
    assert equal[0] is not a and rawcsv.line_span(*equal, 1) is span
    assert len(found) == 1
    for x, y, first in ((a, c, 1), (c, b, 1), (a, b, 0), (a, b, 1)):
        assert rawcsv.line_span(x, y, first) == real(x, y, first)
    assert len(found) == 5  # each new pair, and (a, b, 1) again after others
    assert rawcsv.line_span("h\n1\n", "h\n2\n", 1) == real("h\n1\n", "h\n2\n", 1)
    assert rawcsv.line_span("h\n1\n", "h\n2\n", 1) is not rawcsv.line_span("h\n1\n", "h\n2\n", 1)
