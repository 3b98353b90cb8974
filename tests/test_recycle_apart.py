"""Issue 18: `antq build` replacing a site does not wait for the old one to be emptied
(output.Staging `hand_off`: ~1.8 s of a national rebuild after its new site was live). The
old tree is emptied and kept as the skeleton by a process of its own; nothing of it is ever
published, and the skeleton appears only once emptied.

Negative control, kept as a test: without `hand_off` the emptying is this process's (a
thread `finish` waits for), which the first test would see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import output
from generator.output import Staging, skeleton


def _site(out: Path, name: str, hand_off: bool = False) -> Staging:
    staging = Staging(out, hand_off=hand_off)
    for rel in (f"a/{name}.html", "a/b/index.html", "index.html"):
        with staging.create(rel) as f:
            f.write(name.encode())
    staging.commit()
    staging.finish()
    return staging


def _in_process(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Path]]:
    """The trees this process empties (`_recycle` called here, not in another process)."""
    calls: list[tuple[Path, Path]] = []
    monkeypatch.setattr(output, "_recycle", lambda tree, folders: calls.append((tree, folders)))
    return calls


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


def test_a_replaced_site_is_emptied_by_a_process_of_its_own(tmp_path, monkeypatch) -> None:
    out = tmp_path / "public"
    _site(out, "old")
    calls = _in_process(monkeypatch)
    staging = _site(out, "new", hand_off=True)
    assert not calls and staging._cleanup is None  # nothing emptied or waited for here
    assert _files(out) == ["a/b/index.html", "a/new.html", "index.html"]
    assert (out / "index.html").read_bytes() == b"new"
    output._APART[-1].wait(timeout=60)
    folders = skeleton(out)
    assert folders.is_dir() and not _files(folders) and (folders / "a" / "b").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.skeleton", "public"]


def test_without_hand_off_this_process_empties_it(tmp_path, monkeypatch) -> None:
    """The control: the same replacement without `hand_off` empties the old tree here."""
    out = tmp_path / "public"
    _site(out, "old")
    calls = _in_process(monkeypatch)
    _site(out, "new")
    assert [tree.name for tree, _ in calls] == [f".public.old-{output.os.getpid()}"]
