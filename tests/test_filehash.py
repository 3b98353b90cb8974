"""Input files' hashes kept by `stat` (generator.filehash, issue 21): an unchanged file is
not read again, any change the store can see is, `--full` trusts nothing, a file hashed in
the tick it was written is hashed again. (A build with nothing changed reading no photo:
tests/test_news.py.)"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
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


def test_a_racy_file_is_hashed_once_a_pass_and_its_kept_bytes_are_read_once(
    tmp_path: Path,
) -> None:
    """One build (a pass) hashes a file just saved once, however often it asks (the next
    pass hashes it again); the bytes kept for the build's reads are exactly the file's, and
    a file changed since is read again."""
    from generator.data.rawcsv import read_raw, read_table

    path, other = tmp_path / "a.csv", tmp_path / "b.csv"
    path.write_bytes(b"ma,ten\n1,x\n")
    other.write_bytes(b"ma\n1\n")
    hashes = fresh(tmp_path / "cache")
    wanted = {os.path.abspath(path)}
    hashes.begin_pass(wanted.__contains__)
    digest = hashes.digest(path)
    assert [hashes.digest(path), hashes.digest(other), hashes.digest(other)][0] == digest
    assert hashes.read == 2  # racily clean, yet hashed once in the pass
    data = hashes.kept_bytes(path, os.stat(path))
    assert data == path.read_bytes() and hashes.digest_of(data) == digest
    assert hashes.kept_bytes(other, os.stat(other)) is None  # not a file the pass keeps
    assert hashes.digest_of(path.read_bytes()) is None  # equal bytes, another object
    hashes.end_pass()
    hashes.begin_pass(wanted.__contains__)
    hashes.digest(path)
    assert hashes.read == 3  # control: a new pass hashes the racy file again
    path.write_bytes(b"ma,ten\n1,yz\n")  # changed in the pass
    assert hashes.kept_bytes(path, os.stat(path)) is None
    assert hashes.digest(path) == hashlib.sha256(b"ma,ten\n1,yz\n").hexdigest()
    hashes.end_pass()
    assert hashes.kept_bytes(path, os.stat(path)) is None  # the pass ended: nothing kept
    # rawcsv reads the kept bytes and takes their digest (the build's HASHES)
    filehash.HASHES.begin_pass(wanted.__contains__)
    try:
        filehash.HASHES.digest(path)
        raw, _ = read_raw(path, "a.csv", "a")
        assert raw is not None and raw is filehash.HASHES.kept_bytes(path, os.stat(path))
        table, _ = read_table(raw, "a.csv")
        assert table is not None and table.sha256 == hashlib.sha256(raw).hexdigest()
    finally:
        filehash.HASHES.end_pass()


def test_kept_bytes_that_are_not_the_files_stop_a_checked_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Negative control of the kept bytes: bytes kept under the file's very `stat` but
    not its content (as a rewrite in the same clock tick would leave) are read as the
    file's; ANTQ_CHECK_DEPS=1 reads the file again and stops."""
    from generator.data.rawcsv import read_raw

    path = tmp_path / "a.csv"
    path.write_bytes(b"ma\n1\n")
    hashes = filehash.HASHES
    hashes.begin_pass({os.path.abspath(path)}.__contains__)
    try:
        hashes.digest(path)
        name = os.path.abspath(path)
        stat, _, digest = hashes.kept_data[name]
        hashes.kept_data[name] = (stat, b"ma\n2\n", digest)  # not the file's bytes
        assert read_raw(path, "a.csv", "a")[0] == b"ma\n2\n"  # taken as the file's
        monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
        with pytest.raises(RuntimeError, match="bytes this build kept"):
            read_raw(path, "a.csv", "a")
    finally:
        hashes.end_pass()


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


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A data repository with a photo and a table, hashed by one build (the store learns
    their blob ids), then cloned afresh: new paths, times and inodes (CI's checkout)."""
    source = tmp_path / "src"
    (source / "news").mkdir(parents=True)
    (source / "news" / "anh.jpg").write_bytes(b"\xff\xd8photo" * 1000)
    (source / "a.csv").write_bytes(b"ma,ten\n1,x\n")
    _git(source, "init", "-q")
    _git(source, "add", ".")
    _git(source, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "data")
    first = FileHashes()
    first.configure(tmp_path / "cache", trust=True, git_root=source)
    for name in ("news/anh.jpg", "a.csv"):
        first.digest(source / name)
    first.save()
    _git(tmp_path, "clone", "-q", str(source), "clone")
    return source, tmp_path / "clone"


def in_git(tmp_path: Path, root: Path, *, trust: bool = True) -> FileHashes:
    hashes = FileHashes()
    hashes.configure(tmp_path / "cache", trust=trust, git_root=root)
    return hashes


def test_a_fresh_checkout_is_not_read_again(tmp_path: Path, settled: None) -> None:
    source, clone = checkout(tmp_path)
    photo = clone / "news" / "anh.jpg"
    hashes = in_git(tmp_path, clone)
    assert hashes.digest(photo) == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert hashes.digest(clone / "a.csv") == hashlib.sha256(b"ma,ten\n1,x\n").hexdigest()
    assert hashes.read == 0  # git's index vouched for both
    full = in_git(tmp_path, clone, trust=False)  # control: --full reads every file
    full.digest(photo)
    assert full.read == 1
    (tmp_path / "cache" / filehash.STORE).unlink()  # control: no blob ids known, read
    unknown = in_git(tmp_path, clone)
    unknown.digest(photo)
    assert unknown.read == 1


def test_a_photo_changed_in_the_working_tree_is_never_taken_from_git(
    tmp_path: Path, settled: None
) -> None:
    _, clone = checkout(tmp_path)
    photo = clone / "news" / "anh.jpg"
    edited = photo.read_bytes().replace(b"photo", b"PHOTO", 1)  # same size
    before = os.stat(photo)
    photo.write_bytes(edited)
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))
    hashes = in_git(tmp_path, clone)
    assert hashes.digest(photo) == hashlib.sha256(edited).hexdigest()
    assert hashes.read == 1
    # Git told not to look (assume-unchanged) would call the edited file clean: not trusted.
    _git(clone, "checkout", "--", "news/anh.jpg")
    _git(clone, "update-index", "--assume-unchanged", "news/anh.jpg")
    photo.write_bytes(edited)
    blind = in_git(tmp_path, clone)
    assert blind.digest(photo) == hashlib.sha256(edited).hexdigest() and blind.read == 1
    untracked = clone / "news" / "moi.jpg"  # a new photo, not yet committed: read
    untracked.write_bytes(edited)
    assert blind.digest(untracked) == hashlib.sha256(edited).hexdigest() and blind.read == 2


def test_validate_keeps_the_hashes_as_build_does(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """`antq validate` keeps the input files' hashes too: a second validation reads no photo
    again (it re-hashed every photo on each run); `--no-cache` reads them all."""
    from generator.data.validate import run_cli
    from generator.filehash import HASHES

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "fixtures" / "good", data)
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(tmp_path / "cache"))
    photos = [p for p in (data / "news").rglob("*") if p.suffix.lower() in {".jpg", ".png"}]
    assert photos
    assert run_cli(data) == 0
    assert HASHES.read >= len(photos)
    assert run_cli(data) == 0
    assert HASHES.read == 0
    assert run_cli(data, use_cache=False) == 0  # control: every input file read again
    assert HASHES.read >= len(photos)
    capsys.readouterr()


def test_a_settled_file_saved_again_is_hashed_once_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file hashed once settled (its digest kept by `stat`), then saved again (the edit
    `antq serve` rebuilds for, racily clean now): one build's pass hashes it once, not at
    each of its readers (the kept digest of the old `stat` does not hide the pass's)."""
    path = tmp_path / "a.csv"
    path.write_bytes(b"ma\n1\n")
    hashes = fresh(tmp_path / "cache")
    monkeypatch.setattr(filehash, "RACY_NS", 0)
    hashes.digest(path)
    monkeypatch.setattr(filehash, "RACY_NS", 2_000_000_000)
    path.write_bytes(b"ma\n22\n")
    hashes.begin_pass()
    try:
        assert hashes.digest(path) == hashes.digest(path) == hashlib.sha256(b"ma\n22\n").hexdigest()
    finally:
        hashes.end_pass()
    assert hashes.read == 2
