"""“Có phải là …?”: the closest known ids or names for a value that matches none (issue 17).

difflib (standard library) is enough here: it runs only for values already found unknown,
at most `MAX_LOOKUPS` per column, against candidates of similar length; rapidfuzz would be
faster on 100,000 ids but adds a compiled dependency for a path that is rarely hot.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from generator.textvi import fold

MAX_LOOKUPS = 50
MAX_CHOICES = 3
CUTOFF = 0.75


class Suggester:
    """Closest matches among `candidates` (id → display name, "" when it has none)."""

    def __init__(self, candidates: Mapping[str, str]) -> None:
        self.candidates = dict(candidates)
        self._by_length: dict[int, list[str]] = {}
        for key in self.candidates:
            self._by_length.setdefault(len(key), []).append(key)
        self._names: dict[str, str] = {}
        for key, name in self.candidates.items():
            if name:
                self._names.setdefault(fold(name).strip(), key)
        self.lookups = 0
        self._memo: dict[str, list[str]] = {}

    def __call__(self, value: str) -> list[str]:
        """Up to MAX_CHOICES known keys close to `value` (exactly its name first)."""
        if value in self._memo:
            return self._memo[value]
        if self.lookups >= MAX_LOOKUPS or not value:
            return []
        self.lookups += 1
        found: list[str] = []
        by_name = self._names.get(fold(value).strip())
        if by_name:
            found.append(by_name)
        pool = [
            key
            for length in range(len(value) - 3, len(value) + 4)
            for key in self._by_length.get(length, ())
        ]
        for key in difflib.get_close_matches(value, pool, n=MAX_CHOICES, cutoff=CUTOFF):
            if key not in found:
                found.append(key)
        if len(found) < MAX_CHOICES and self._names:
            folded = fold(value).strip()
            names = difflib.get_close_matches(folded, list(self._names), n=2, cutoff=0.85)
            found += [self._names[n] for n in names if self._names[n] not in found]
        self._memo[value] = found[:MAX_CHOICES]
        return self._memo[value]

    def text(self, value: str) -> str:
        """ "; có phải là “a” (Tên A)?" or "" — the part a message appends."""
        from generator.data.messages_vi import text

        keys = self(value)
        if not keys:
            return ""
        choices = text("part-or").join(
            f"“{k}” ({self.candidates[k]})" if self.candidates.get(k) else f"“{k}”" for k in keys
        )
        return text("part-did-you-mean", choices=choices)
