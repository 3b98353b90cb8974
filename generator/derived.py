"""Files derived from the written site (the search index, the lesson library list, the
service worker): made after the pages, from their bytes, then written into the staging
directory, or hard-linked from the previous build when their bytes are the same, so that
"incremental == full build" holds and an unchanged file keeps its inode."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from generator.output import Staging


class Derived:
    """Writes derived files into `staging` and records their content hash in `outputs`
    (the build cache's rel path → hash map, which `old_outputs` is from the last build)."""

    def __init__(self, staging: Staging, old_outputs: dict[str, str], outputs: dict[str, str]):
        self.staging = staging
        self.old_outputs = old_outputs
        self.outputs = outputs
        self.emitted: list[str] = []
        # The SHA-256 of each file `emit` or `place` wrote or linked in this build (the
        # search index's files: the service worker's lists name them by revision, without
        # reading them).
        self.content: dict[str, str] = {}
        # The files `place` put from a cache (not linked from the previous build's site):
        # hard links, yet not the bytes a build published and scanned (`Builder._verify`
        # scans them: a search index kept in the store by a build that then refused it).
        self.fresh: set[str] = set()
        self._present: dict[str, bool] = {}

    def emit(self, rel: str, data: bytes) -> None:
        digest = hashlib.sha256(data).hexdigest()
        self.outputs[rel] = digest
        self.content[rel] = digest
        self._present[rel] = True
        self.emitted.append(rel)
        if not (self.old_outputs.get(rel) == digest and self.staging.link(rel)):
            self.staging.write(rel, data)

    def place(self, rel: str, source: str, digest: str) -> None:
        """`emit` of a kept file whose bytes hash to `digest` (a cache file never rewritten
        in place): linked from the previous build when the same (counted as linked), else
        from `source`, counted as written (`BuildReport.written`: "ghi mới", new in the
        site's folder) as `emit` counts it, whether Pagefind just made it or it was kept
        in the build cache (a `--full` build, a new output folder)."""
        self.outputs[rel] = digest
        self.content[rel] = digest
        self._present[rel] = True
        self.emitted.append(rel)
        if not (self.old_outputs.get(rel) == digest and self.staging.link(rel)):
            self.staging.place(rel, Path(source))
            self.staging.written += 1
            self.fresh.add(rel)

    def relink(self, rels: list[str]) -> bool:
        """Hard-link every file of `rels` from the previous build, if all are there."""
        staging = self.staging
        if not all(rel in self.old_outputs for rel in rels):
            return False
        if staging.link_checks_only:  # (in place: the link is the check, one stat a file)
            linked = staging.linked
            if not all(staging.link(rel) for rel in rels):
                staging.linked = linked  # (none of them counts as linked: they are emitted)
                return False
        else:
            target, isfile = os.fspath(staging.target), os.path.isfile  # (strings: 6,000 files)
            if not all(isfile(f"{target}/{rel}") for rel in rels):
                return False
            for rel in rels:
                staging.link(rel)
        for rel in rels:
            self.outputs[rel] = self.old_outputs[rel]
            self.emitted.append(rel)
            self._present[rel] = True
        return True

    def is_file(self, rel: str) -> bool:
        """Whether the site has a file at `rel`, asked once a build (the offline lists ask
        it of the same few scripts for each of 5,000 lessons; no file is removed while the
        stages after the pages run)."""
        found = self._present.get(rel)
        if found is None:
            found = self._present[rel] = os.path.isfile(self.where(rel))
        return found

    def read(self, rel: str) -> bytes:
        return self.path(rel).read_bytes()

    def path(self, rel: str) -> Path:
        return self.staging.find(rel)

    def where(self, rel: str) -> str:
        """`path`, as a string."""
        return self.staging.where(rel)
