"""What the data folder may hold: real files only, and only the files of the package.

The folder is published as a public git repository and read by antq on the build machine:
a symbolic link would make antq read (and print, or publish) a file outside it
(`legal_documents.csv → /etc/passwd`), and a stray file (`.env`, `*.pem`, `id_rsa`, a sheet
saved beside the tables) is either a leak or a file nobody checks. Links are found without
being followed and before any file is read; stray files by an allow-list of the package's
own files, not by a list of dangerous names.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from generator.data.messages_vi import problem
from generator.data.problems import Problem
from generator.data.schema import DESCRIPTOR_NAME, PackageSpec, display_path

# Files a package may hold besides its tables, as patterns relative to the data folder.
ALLOWED = (
    DESCRIPTOR_NAME,
    "README.md",
    ".gitattributes",
    ".gitignore",
    "schemas/*.yaml",
    "lessons/*.md",
    "geo/*.geojson",
    # News articles (generator.news): a folder per article with its text and photos.
    "news/*/*/index.md",
    *(f"news/*/*/*.{ext}" for ext in ("jpg", "jpeg", "png", "webp", "JPG", "JPEG", "PNG")),
    "geo/README.md",
    # Where the package's facts come from (the legal documents' official sources, the
    # searches tried for what could not be verified): prose for officials and reviewers.
    "sources/*.md",
    # The inbox (issue 17): workbooks uploaded through the git host's web page, imported
    # into the tables by `antq build` and CI (generator.importer).
    "nhap/*.xlsx",
    "nhap/*.xlsm",
    "nhap/*.xls",
    "nhap/*.ods",
    "nhap/*.csv",
    "nhap/README.md",
)
# Version-control metadata when the data folder is a repository of its own: not content.
SKIPPED_DIRS = {".git"}


def symlinks(root: Path) -> list[Problem]:
    """Every symbolic link under `root` (files and folders), found without following any:
    each folder's entries as `os.scandir` lists them (the link bit comes with the listing,
    no `lstat` per file: 2,000 news photos), its folders first, then its files, by name."""
    found: list[Problem] = []
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:  # unreadable: skipped, as os.walk does (reading it reports it)
            continue
        dirs = [e for e in entries if e.is_dir() and e.name not in SKIPPED_DIRS]
        files = [e for e in entries if not e.is_dir()]
        found += [
            problem("data-symlink", display_path(Path(e.path)))
            for e in [*dirs, *files]
            if e.is_symlink()
        ]
        folders += [e.path for e in reversed(dirs) if not e.is_symlink()]
    return found


def stray_files(package: PackageSpec) -> list[Problem]:
    """Files under the data folder that are not part of the package."""
    root = package.root
    tables = {PurePosixPath(spec.rel_path).as_posix() for spec in package.resources}
    found: list[Problem] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        prefix = Path(folder).relative_to(root).as_posix() + "/"
        for name in sorted(files):
            rel = name if prefix == "./" else prefix + name
            if rel in tables or _ALLOWED.fullmatch(rel):
                continue
            code = "office-lock-file" if _office_lock(name) else "stray-file"
            found.append(problem(code, display_path(Path(folder) / name)))
    return found


def _glob(pattern: str) -> str:
    # A `*` stays within one part: "schemas/*.yaml" does not take "schemas/x/y.yaml".
    assert not set("?[]") & set(pattern), pattern  # only `*` is used, and translated
    return "[^/]*".join(re.escape(chunk) for chunk in pattern.split("*"))


# The allowed files as one regular expression: a data folder with 2,000 news photos is
# checked in milliseconds (a `PurePosixPath.match` per pattern and file took ~0.5 s).
_ALLOWED = re.compile("|".join(f"(?:{_glob(p)})" for p in ALLOWED))


def _office_lock(name: str) -> bool:
    """LibreOffice (`.~lock.units.csv#`) and Microsoft Office (`~$units.xlsx`) lock files:
    they exist while a sheet is open, so `antq serve` on an official's computer meets them."""
    return (name.startswith(".~lock.") and name.endswith("#")) or name.startswith("~$")
