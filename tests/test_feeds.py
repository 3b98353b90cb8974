"""What changed: data diff from git history, the "Cập nhật" page, Atom and iCalendar feeds."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import pytest

from generator.build import BuildOptions, build_site
from generator.data.schema import load_package
from generator.diff import diff_revisions, history
from generator.revision import git_revision

ROOT = Path(__file__).resolve().parents[1]


def git(repo: Path, *args: str, when: str = "2025-09-01T08:00:00+07:00") -> str:
    env = {
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Cán bộ",
        "GIT_AUTHOR_EMAIL": "canbo@example.invalid",
        "GIT_COMMITTER_NAME": "Cán bộ",
        "GIT_COMMITTER_EMAIL": "canbo@example.invalid",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository with two commits: the fixture, then one new award and an edit."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "tests/fixtures/good", root / "data")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Dữ liệu ban đầu", when="2025-08-01T08:00:00+07:00")
    awards = root / "data/awards.csv"
    awards.write_text(
        awards.read_text(encoding="utf-8")
        + "2025-thon-nghi-khe,2025,tap_the,Nhân dân thôn Nghi Khê,11113,giay_khen_ubnd_xa,"
        ",20/QĐ-UBND,2025-08-19,UBND xã Tân Kỳ,,\n",
        encoding="utf-8",
    )
    assessments = root / "data/assessments.csv"
    assessments.write_text(
        assessments.read_text(encoding="utf-8").replace(
            "hp-lac-phuong-thon-cong-lac,2025,chua_dat,,,,",
            "hp-lac-phuong-thon-cong-lac,2025,dat,77/QĐ-UBND,2025-11-25,UBND xã Lạc Phượng,"
            "124/2021/TT-BCA",
        ),
        encoding="utf-8",
    )
    git(root, "commit", "-q", "-am", "Khen thưởng 19/8", when="2025-08-20T09:00:00+07:00")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


def test_diff_between_revisions(repo: Path) -> None:
    package, _ = load_package(repo / "data")
    head = git(repo, "rev-parse", "HEAD").strip()
    changes = diff_revisions(package, f"{head}~1", head)
    assert [(c.resource, c.kind, c.key) for c in changes] == [
        ("assessments", "changed", ("hp-lac-phuong-thon-cong-lac", "2025")),
        ("awards", "added", ("2025-thon-nghi-khe",)),
    ]
    assert changes[0].fields == ("decision_date", "decision_no", "issuer", "legal_basis", "result")
    commits = history(package)
    assert len(commits) == 2 and commits[0].revision == head
    assert len(commits[1].changes) > 30  # the first commit adds everything


def test_reordered_rows_are_not_a_change(repo: Path) -> None:
    package, _ = load_package(repo / "data")
    events = repo / "data/events.csv"
    header, *rows = events.read_text(encoding="utf-8").splitlines()
    events.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Đổi thứ tự dòng")
    head = git(repo, "rev-parse", "HEAD").strip()
    assert diff_revisions(package, f"{head}~1", head) == []


def test_updates_page_and_feeds(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=repo / "data", out_dir=out, site_dir=ROOT / "site"))
    page = (out / "cap-nhat/index.html").read_text(encoding="utf-8")
    assert "Thêm khen thưởng: Nhân dân thôn Nghi Khê" in page
    assert "Thôn Cộng Lạc (Xã Lạc Phượng) đạt “An toàn về an ninh, trật tự” năm 2025" in page
    assert '<time datetime="2025-08-20T02:00:00+00:00">20/08/2025</time>' in page

    feed = feedparser.parse((out / "cap-nhat/atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title.endswith("Cập nhật dữ liệu")
    assert len(feed.entries) == 2
    newest = feed.entries[0]
    assert newest.title.startswith("Cập nhật ngày 20/08/2025: sửa 1 kết quả")
    assert "Nhân dân thôn Nghi Khê" in newest.summary
    assert newest.id == f"urn:antq:{git(repo, 'rev-parse', 'HEAD').strip()}"

    calendar = icalendar.Calendar.from_ical((out / "lich/lich.ics").read_bytes())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    festival = events["ngay-hoi-19-8@antq.netlify.app"]
    assert str(festival["summary"]) == "Ngày hội toàn dân bảo vệ an ninh Tổ quốc"
    assert festival["rrule"]["FREQ"] == ["YEARLY"]
    assert festival.decoded("dtstart").isoformat() == "2005-08-19"
    # The build is as of the data's last commit, not the clock: the same revision, same bytes.
    info = (out / "build.json").read_text(encoding="utf-8")
    assert '"data_time": "2025-08-20T02:00:00Z"' in info


def test_feed_parser_catches_a_broken_feed() -> None:
    """Negative control: the parser used above does reject malformed Atom."""
    broken = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</feed>'
    )
    assert feedparser.parse(broken).bozo
    with pytest.raises(ValueError):
        icalendar.Calendar.from_ical(b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR")


def test_home_page_shows_the_data_date_and_build_json_the_revision(
    repo: Path, tmp_path: Path
) -> None:
    """Citizens read the date the data is as of; the commit hash is a machine identifier
    (build.json, feed ids, anchors), never text on a page (issue 13)."""
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=repo / "data", out_dir=out, site_dir=ROOT / "site"))
    head = git(repo, "rev-parse", "HEAD").strip()
    home = (out / "index.html").read_text(encoding="utf-8")
    changes = (out / "cap-nhat" / "index.html").read_text(encoding="utf-8")
    assert head[:7] not in home
    assert "Phiên bản dữ liệu" not in changes
    assert head[:7] not in re.sub(r'"u-[0-9a-f]+"', "", changes)  # only in anchors
    assert "Dữ liệu cập nhật đến 20/08/2025" in home
    assert f'"data_revision": "{head}"' in (out / "build.json").read_text(encoding="utf-8")


def _count_git_logs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every `git log` the code under test runs (the question "which commits touched
    the data"); other git calls (show, diff, ls-tree) read content and are not counted."""
    calls: list[list[str]] = []
    real = subprocess.run

    def run(args: Any, *rest: Any, **kwargs: Any) -> Any:
        if isinstance(args, list) and args[:2] == ["git", "log"]:
            calls.append(list(args))
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", run)
    return calls


def test_a_build_asks_git_for_the_data_log_once(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The revision and the update history come from one `git log`, passed down (before:
    3, the revision asked twice and the history once)."""
    calls = _count_git_logs(monkeypatch)
    out = tmp_path / "out"
    build_site(BuildOptions(data_dir=repo / "data", out_dir=out, site_dir=ROOT / "site"))
    assert len(calls) == 1, calls
    # …and that one answer served both: the revision and both commits on the updates page.
    head = git(repo, "rev-parse", "HEAD").strip()
    assert head in (out / "build.json").read_text(encoding="utf-8")
    assert [c.revision for c in history(load_package(repo / "data")[0])] == [
        head,
        git(repo, "rev-parse", "HEAD~1").strip(),
    ]


def test_asking_revision_and_history_separately_counts_two(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Negative control for the count above: the two old paths each ask git."""
    calls = _count_git_logs(monkeypatch)
    git_revision(repo / "data")
    history(load_package(repo / "data")[0])
    assert len(calls) == 2, calls


def test_each_commit_is_diffed_once_and_kept(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update pages' commits are kept in the cache folder by the pair compared: a build
    after one more commit diffs only that commit (the first commit, which adds every record,
    is not parsed again), and its pages are the bytes a build with an empty cache makes. A
    damaged kept file is diffed and written again; a kept commit is what the page shows (a
    tampered one shows through), and with
    ANTQ_CHECK_DEPS=1 every commit is diffed again and a kept one that differs stops the
    build."""
    import generator.pages.updates as updates

    diffed: list[tuple[str | None, str]] = []
    real = updates.diff_revisions

    def counting(package: Any, old: str | None, new: str) -> Any:
        diffed.append((old, new))
        return real(package, old, new)

    monkeypatch.setattr(updates, "diff_revisions", counting)
    data, cache = repo / "data", tmp_path / "cache"

    def build(out: str, cache_dir: Path = cache) -> str:
        options = BuildOptions(data_dir=data, out_dir=tmp_path / out, site_dir=ROOT / "site")
        build_site(dataclasses.replace(options, cache_dir=cache_dir))
        return (tmp_path / out / "cap-nhat/index.html").read_text(encoding="utf-8")

    build("first")
    assert len(diffed) == 2 and len(list((cache / "updates").glob("*.json"))) == 2
    events = data / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("Ngày hội", "Ngày Hội", 1))
    git(repo, "commit", "-q", "-am", "Sửa tên sự kiện", when="2025-08-21T09:00:00+07:00")
    head = git(repo, "rev-parse", "HEAD").strip()
    diffed.clear()
    page = build("second")
    assert diffed == [(git(repo, "rev-parse", "HEAD~1").strip(), head)]
    assert len(list((cache / "updates").glob("*.json"))) == 3
    assert page == build("clean", tmp_path / "empty-cache")
    assert "Thêm khen thưởng: Nhân dân thôn Nghi Khê" in page and "… và " in page

    oldest = max((cache / "updates").glob("*.json"), key=lambda p: p.stat().st_size)
    kept_bytes = oldest.read_bytes()
    oldest.write_text('[{"cắt": "dở', encoding="utf-8")  # (damaged: diffed again)
    assert build("damaged") == page and oldest.read_bytes() == kept_bytes
    kept = json.loads(oldest.read_text(encoding="utf-8"))
    kept[0] = [[table, kind, count + 1000] for table, kind, count in kept[0]]
    oldest.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    tampered = build("tampered")
    assert "… và " in tampered and tampered != page  # (what is kept is what is shown)
    monkeypatch.setenv("ANTQ_CHECK_DEPS", "1")
    with pytest.raises(RuntimeError, match="kept, yet its changes differ"):
        build("checked")
