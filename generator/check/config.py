"""`antq check`'s settings: the hosts pages may link to and the size budgets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

# Official sources pages may link to; the site's own host is always allowed on top.
DEFAULT_LINK_HOSTS: tuple[str, ...] = (
    "vbpl.vn",
    "thuvienphapluat.vn",
    "chinhphu.vn",
    # the Government's portals: vanban., congbao., xaydungchinhsach. (legal documents' pages)
    "*.chinhphu.vn",
    "quochoi.vn",
    "*.quochoi.vn",
    "*.gov.vn",
    "creativecommons.org",
    "datapackage.org",
    "www.sitemaps.org",
)

# Glob (relative to the site root; `*` stays within one folder, `**/` spans any) → maximum
# gzip-compressed bytes. The first matching pattern wins, so specific patterns come first.
DEFAULT_BUDGETS: dict[str, int] = {
    "tinh/*/*/index.html": 30 * 1024,  # a xã page: read on phones over slow connections
    "bai-hoc/*/index.html": 25 * 1024,  # a lesson: meant to be opened offline, in class
    "**/*.html": 100 * 1024,
    "**/*.css": 50 * 1024,
    "**/*.js": 50 * 1024,
}


# -- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Config:
    base_url: str  # without trailing slash
    base_host: str
    link_hosts: tuple[str, ...]
    budgets: tuple[tuple[str, re.Pattern[str], int], ...]  # (pattern, regex, max gz bytes)

    def link_allowed(self, host: str) -> bool:
        if host == self.base_host:
            return True
        return any(
            fnmatchcase(host, pattern) if "*" in pattern else host == pattern
            for pattern in self.link_hosts
        )

    def budget(self, rel: str) -> tuple[str, int] | None:
        for pattern, regex, limit in self.budgets:
            if regex.match(rel):
                return pattern, limit
        return None


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob where `*` and `?` stay within one folder and `**/` spans any number of
    folders: "tinh/*/*/index.html" must not also match deeper pages, as fnmatch would."""
    out: list[str] = []
    i, pattern = 0, pattern.lstrip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")
