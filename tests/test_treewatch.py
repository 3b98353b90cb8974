"""generator.treewatch: the kernel's record of what changed under `antq serve`'s output
(issue 18). A watched tree's kept files are vouched for until something touches them or a
folder above them; suspects stay until a build that saw them commits (`settle`); the root
removed loses the watch. The build-level test (a page, a xã folder and a search copy removed
behind the server's back are made again, with its negative control) is in
tests/test_containers.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.treewatch import TreeWatch

FILES = ["a/index.html", "a/b/index.html", "c/index.html", "x.txt"]


@pytest.fixture()
def watched(tmp_path: Path) -> TreeWatch:
    for rel in FILES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    watch = TreeWatch(str(tmp_path))
    if not watch.start():
        pytest.fail("inotify is not available: the watch could not start")
    watch.begin()
    assert not any(watch.vouches(rel) for rel in FILES)  # fresh: nothing yet
    watch.settle()
    watch.begin()
    assert all(watch.vouches(rel) for rel in FILES)
    watch.settle()
    return watch


def _vouched(watch: TreeWatch) -> list[str]:
    watch.begin()
    return [rel for rel in FILES if watch.vouches(rel)]


def test_a_removed_file_is_suspect_until_a_build_that_saw_it_commits(watched, tmp_path) -> None:
    (tmp_path / "c" / "index.html").unlink()
    assert _vouched(watched) == ["a/index.html", "a/b/index.html", "x.txt"]
    assert "c/index.html" not in _vouched(watched)  # the first build failed: still suspect
    watched.settle()
    assert "c/index.html" in _vouched(watched)  # (its build made it again and committed)


def test_a_rewrite_or_a_change_of_attributes_is_seen(watched, tmp_path) -> None:
    (tmp_path / "x.txt").write_text("y")
    os.utime(tmp_path / "a" / "index.html", (0, 0))
    assert _vouched(watched) == ["a/b/index.html", "c/index.html"]


def test_a_folder_moved_or_made_makes_its_whole_subtree_suspect(watched, tmp_path) -> None:
    shutil.move(tmp_path / "a" / "b", tmp_path / "bb")
    assert _vouched(watched) == ["a/index.html", "c/index.html", "x.txt"]
    watched.settle()
    (tmp_path / "n" / "deep").mkdir(parents=True)  # (deep made before its watch could be)
    (tmp_path / "n" / "deep" / "f").write_text("1")
    watched.begin()
    assert not watched.vouches("n/deep/f")
    watched.settle()
    (tmp_path / "n" / "deep" / "g").write_text("1")  # watched since the folder was seen
    watched.begin()
    assert not watched.vouches("n/deep/g") and watched.vouches("n/deep/f")


def test_the_root_removed_loses_the_watch(watched, tmp_path) -> None:
    shutil.rmtree(tmp_path)
    assert _vouched(watched) == [] and watched.lost
    tmp_path.mkdir()
    assert watched.start() and watched.fresh


def test_control_a_watch_that_reads_no_event_vouches_for_a_removed_file(
    watched, tmp_path, monkeypatch
) -> None:
    """Negative control of the tests above: with the kernel's queue unread, the removed
    file is vouched for."""
    monkeypatch.setattr(TreeWatch, "_drain", lambda self: None)
    (tmp_path / "c" / "index.html").unlink()
    assert "c/index.html" in _vouched(watched)


def test_a_dropped_watch_gives_its_kernel_instance_back(tmp_path) -> None:
    """A watch is one of the user's inotify instances (128 by default, shared with every
    program of the user): a holder dropped without `close` gives it back. Control (by
    hand): without `TreeWatch.__del__` the 129th start fails."""
    for _ in range(135):  # (past the default limit, 128)
        watch = TreeWatch(str(tmp_path))
        assert watch.start()
        del watch
