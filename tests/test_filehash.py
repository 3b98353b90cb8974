"""Input files' hashes kept by `stat` (generator.filehash, issue 21): an unchanged file is
not read again, any change the store can see is, `--full` trusts nothing, a file hashed in
the tick it was written is hashed again. (A build with nothing changed reading no photo:
tests/test_news.py.)"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator import filehash
from generator.filehash import FileHashes


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files just written count as settled (else every one is "racily clean")."""
    monkeypatch.setattr(filehash, "RACY_NS", 0)


def fresh(store: Path, *, trust: bool = True) -> FileHashes:
    """A new process's view of the store."""
    hashes = FileHashes()
    hashes.configure(store, trust=trust)
    return hashes


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, settled: None) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"ma,ten\n1,x\n")
    first = fresh(tmp_path / "cache")
    assert first.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    first.save()
    second = fresh(tmp_path / "cache")
    assert second.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (first.read, second.read) == (1, 0)
    third = fresh(tmp_path / "cache", trust=False)  # control: --full reads every file
    third.digest(path)
    assert third.read == 1


def test_a_change_is_seen_even_with_size_and_mtime_kept(tmp_path: Path, settled: None) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"ma,ten\n1,x\n")
    before = os.stat(path)
    first = fresh(tmp_path / "cache")
    first.digest(path)
    first.save()
    path.write_bytes(b"ma,ten\n1,y\n")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime set back
    second = fresh(tmp_path / "cache")
    assert second.digest(path) == hashlib.sha256(b"ma,ten\n1,y\n").hexdigest()
    assert second.read == 1  # the change time moved: read again
    path.write_bytes(b"ma,ten\n1,longer\n")  # control: another size, of course read
    assert fresh(tmp_path / "cache").digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_hashed_in_the_tick_it_was_written_is_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"x")
    for _ in range(2):
        hashes = fresh(tmp_path / "cache")
        hashes.digest(path)
        hashes.save()
        assert hashes.read == 1  # written < RACY_NS before it was hashed: never trusted
    monkeypatch.setattr(filehash, "RACY_NS", 0)  # control: a settled file is trusted
    fresh(tmp_path / "cache").digest(path)
    fresh(tmp_path / "cache").save()
    hashes = fresh(tmp_path / "cache")
    hashes.digest(path)
    hashes.save()
    again = fresh(tmp_path / "cache")
    again.digest(path)
    assert again.read == 0


def test_a_moved_or_copied_file_is_hashed_again_with_the_same_value(
    tmp_path: Path, settled: None
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"abc")
    first = fresh(tmp_path / "cache")
    value = first.digest(path)
    first.save()
    copy = tmp_path / "b.csv"
    shutil.copy2(path, copy)  # same size and mtime, another inode and path
    second = fresh(tmp_path / "cache")
    assert second.digest(copy) == value and second.read == 1
