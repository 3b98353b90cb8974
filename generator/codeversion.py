"""What, besides the data, the site and its templates, shapes antq's output: the code.

Every cache keyed by content (the build's per-page keys, the validation results) includes
`code_version()`, so an edited generator, an upgraded library or another Python never reuses
results an older code made (the Hugo class of bug: stale pages after an upgrade).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import generator
from generator.revision import hash_files, tree_files

CODE_DIR = Path(generator.__file__).resolve().parent

# Bump when the cache's layout changes; the code's hash below covers every other change.
CACHE_FORMAT = 2


def code_version() -> str:
    """What, besides the data, site and templates, shapes the output: this package's files,
    the installed libraries it uses (their versions), Python's version and the cache format.
    It is part of every page's and file's key, and a cache written under another one is
    dropped: a code change re-renders everything (which pages it affects cannot be known)."""
    digest = hashlib.sha256()
    digest.update(f"format {CACHE_FORMAT}|python {sys.version}|".encode())
    # The package's READMEs are documentation (no output reads them): editing one must not
    # make the next build, or a running `antq serve`'s next rebuild, a whole one.
    code = [path for path in tree_files(CODE_DIR) if path.suffix != ".md"]
    digest.update(hash_files(code, CODE_DIR).encode())
    for name, version in _library_versions():
        digest.update(f"|{name}=={version}".encode())
    return digest.hexdigest()


def _library_versions() -> list[tuple[str, str]]:
    """The installed distributions antq requires, directly or through another one (extras
    included when installed), as (name, version); every installed distribution when antq's
    own metadata is missing (run from a source tree): then any upgrade counts. Read from the
    `*.dist-info` folders' names and only the needed METADATA files (importlib.metadata
    parses every distribution's metadata: a third of a second on each build)."""
    import re

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    installed: dict[str, tuple[str, Path]] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name.removesuffix(".dist-info").rpartition("-")
                installed.setdefault(canonical(project), (version, Path(entry or ".") / name))
    if "antq" not in installed:
        return sorted((name, version) for name, (version, _) in installed.items())
    requirement = re.compile(r"^Requires-Dist:\s*([A-Za-z0-9][A-Za-z0-9._-]*)", re.MULTILINE)
    found: dict[str, str] = {}
    todo = ["antq"]
    while todo:
        name = todo.pop()
        if name in found or name not in installed:
            continue
        version, folder = installed[name]
        found[name] = version
        try:
            text = (folder / "METADATA").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        todo += [canonical(m) for m in requirement.findall(text.partition("\n\n")[0])]
    return sorted(found.items())
