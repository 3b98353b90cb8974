"""Every reference a file makes (links, loads, anchors): classified, resolved against the
site's file list, reported once per kind and target."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.check.config import _Config
from generator.data.problems import Problem
from generator.scan import make_problem
from generator.urlpath import dir_to_path

_TOP_ANCHOR = "top"  # "#top" scrolls to the top of any page, with or without such an id


# -- URLs --------------------------------------------------------------------------------------

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in a URL
_UNSAFE_SCHEMES = frozenset({"javascript", "vbscript"})
_CALL_SCHEMES = frozenset({"tel", "sms", "callto"})
_HARMLESS_SCHEMES = frozenset({"mailto", "data", "blob", "about"})


def _classify(url: str, base_host: str) -> tuple[str, str]:
    """(kind, detail): kind is skip, unsafe, call, self, external (detail: host) or internal."""
    url = _URL_NOISE.sub("", url).strip(" \f\v\x00")
    if not url:
        return "skip", ""
    scheme_match = _SCHEME.match(url)
    if scheme_match:
        scheme = scheme_match.group(1).lower()
        if scheme in _UNSAFE_SCHEMES:
            return "unsafe", scheme
        if scheme in _CALL_SCHEMES:
            return "call", scheme
        if scheme in _HARMLESS_SCHEMES:
            return "skip", scheme
        host = _host(url) or scheme + ":"
    elif url.startswith("//"):
        host = _host("https:" + url)
    else:
        return "internal", ""
    return ("self" if host == base_host else "external"), host


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


@dataclass
class _Result:
    problems: list[Problem] = field(default_factory=list)
    ids: frozenset[str] | None = None  # set for HTML pages
    # Links to an anchor on another page: (source, line, url, target page, anchor).
    anchors: list[tuple[str, int, str, str, str]] = field(default_factory=list)


@dataclass
class _Context:
    """What every file's check needs: shared with forked workers as a module global (inherited,
    never pickled), since the set of every file's path is large on the national site."""

    config: _Config
    root: Path
    files: frozenset[str]  # every file, relative to root
    # Addresses already found fine from any page, per kind of reference: the header and
    # footer links of every page are checked once per worker, not 6,500 times.
    good: dict[str, set[str]] = field(
        default_factory=lambda: {"link": set(), "load": set(), "css": set()}
    )


class _Links:
    """Checks the references one file makes, resolving internal ones against the file list."""

    def __init__(self, rel: str, context: _Context) -> None:
        self.rel = rel
        self.good = context.good
        self.config = context.config
        self.files = context.files
        self.problems: list[Problem] = []
        self.anchors: list[tuple[str, int, str, str, str]] = []
        self.local: list[tuple[int, str, str]] = []  # same-page anchors: (line, url, anchor)
        self.base_dir = posixpath.dirname(rel)
        self._cache: dict[str, tuple[str, str]] = {}

    def check(self, line: int, kind: str, what: str, url: str) -> None:
        """kind: "link" (a navigation: allow-listed hosts pass), "load" (fetched by the
        browser: any other host fails) or "css" (a load whose #fragment is not an anchor)."""
        known = self.good[kind]
        if url in known:
            return  # the same site-wide link on the previous page: every nav link, mostly
        category, detail = _classify(url, self.config.base_host)
        if category in ("skip", "self"):
            known.add(url)
            return
        if category == "unsafe":
            self._add(line, "unsafe-url", url=url, scheme=detail + ":")
        elif category == "call":
            self._add(line, "external-host.tel", url=url)
        elif category == "external":
            if kind == "link":
                if self.config.link_allowed(detail):
                    known.add(url)
                else:
                    self._add(line, "external-host.link", host=detail, url=url)
            else:
                self._add(line, "external-host", what=what, host=detail, url=url)
        elif self._internal(line, url.strip(), anchors=kind != "css") and url[:1] == "/":
            known.add(url)  # a site-relative address resolves the same from every page

    def _internal(self, line: int, url: str, *, anchors: bool) -> bool:
        """False when the link is broken or goes to an anchor (still to be checked)."""
        path, _, fragment = url.partition("#")
        path = path.partition("?")[0]
        if path:
            resolved = self._cache.get(path)
            if resolved is None:
                resolved = self._cache[path] = self._resolve(path)
            target, error = resolved
            if error:
                self._add(line, error, url=url, target=target)
                return False
        else:
            target = self.rel
        fragment = unquote(fragment)
        if not anchors or not fragment or fragment.startswith(":~:") or fragment == _TOP_ANCHOR:
            return True
        if not target.endswith(".html"):
            return True  # #page=2 of a PDF, a row of a CSV: not ours to check
        if target == self.rel:
            self.local.append((line, url, fragment))
        else:
            self.anchors.append((self.rel, line, url, target, fragment))
        return False

    def _resolve(self, path: str) -> tuple[str, str]:
        """(target file, message key or "")."""
        path = unquote(path)
        wants_dir = path.endswith("/") or path.rsplit("/", 1)[-1] in (".", "..")
        joined = path if path.startswith("/") else posixpath.join("/", self.base_dir, path)
        # normpath turns "/.." into "/", as browsers do; a link that needs that is still wrong.
        if ".." in joined and _escapes_root(joined):
            return "", "broken-link.outside"
        rel = posixpath.normpath(joined).lstrip("/")
        index = dir_to_path(rel)
        if wants_dir or not rel:
            return index, "" if index in self.files else "broken-link"
        if rel in self.files:
            return rel, ""
        if index in self.files:
            return index, ""  # /x → /x/: a redirect, not a broken link
        return rel, "broken-link"

    def _add(self, line: int, key: str, **params: object) -> None:
        self.problems.append(make_problem(self.rel, line, key, **params))

    def finish(self, ids: frozenset[str], result: _Result) -> None:
        for line, url, fragment in self.local:
            if fragment not in ids:
                self._add(line, "broken-link.anchor", url=url, target=self.rel, anchor=fragment)
        result.problems += self.problems
        result.anchors += self.anchors


def _escapes_root(path: str) -> bool:
    depth = 0
    for part in path.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


# HTML is scanned on an ASCII-lowercased copy (same length, so offsets carry over to the
