"""data/nhap/, the inbox officials upload workbooks into (imported by generator.importer):
its place and what counts as a file in it, apart from the importer so that `antq build`
looks at it without importing the importer (a build with nothing to do is mostly imports)."""

from __future__ import annotations

from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
INBOX = "nhap"  # data/nhap/: workbooks uploaded through the git host's web page
INBOX_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")


def inbox_files(data_dir: Path) -> list[Path]:
    folder = data_dir / INBOX
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.is_symlink() and p.suffix.lower() in INBOX_SUFFIXES
    )
