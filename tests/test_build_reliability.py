"""antq build, issue 12: a code change re-renders, data outside git builds without the
clock, one build at a time, clean failure paths, output ceilings, output paths."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import build as build_mod
from generator import codeversion, limits, search
from generator import render as render_mod
from generator.build import BuildError, BuildOptions, build_site
from generator.data.schema import display_path
from generator.data.synth import SCALES
from generator.errors import AntqError
from generator.pages import FileOutput, Page, check_outputs
from tests.test_build import snapshot

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1763683200"  # 21/11/2025


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(ROOT / "site", target)
    return target


def contents(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def build(data: Path, out: Path, site: Path, **options: object):
    return build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=site, **options))  # type: ignore[arg-type]


# -- 1. the code that renders is part of every key ---------------------------------------------

_BUILD_SCRIPT = """
import sys
from pathlib import Path
from generator.build import BuildOptions, build_site
data, out, site, full = sys.argv[1:5]
report = build_site(BuildOptions(Path(data), Path(out), Path(site), full=full == "full"))
print(report.written, report.linked)
"""


def _build_in_new_process(
    code_root: Path | None, data: Path, out: Path, site: Path, cache: Path, *, full: bool
) -> tuple[int, int]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(ANTQ_CACHE_DIR=str(cache), SOURCE_DATE_EPOCH=EPOCH)
    if code_root is not None:
        env["PYTHONPATH"] = str(code_root)
    args = [str(data), str(out), str(site), "full" if full else "incremental"]
    done = subprocess.run(
        [sys.executable, "-c", _BUILD_SCRIPT, *args],
        cwd=cache.parent,  # not the repository: its generator/ would come first on sys.path
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written, linked = done.stdout.split()
    return int(written), int(linked)


def test_code_edit_then_incremental_build_equals_clean_build(
    make_package, site_dir, tmp_path
) -> None:
    """A formatting function edited between two builds (each in its own process, as a
    developer or CI would run them): the incremental build equals a clean build made by the
    edited code, byte for byte."""
    data, out, clean = make_package(), tmp_path / "public", tmp_path / "clean"
    cache = tmp_path / "cache"
    _build_in_new_process(None, data, out, site_dir, cache, full=False)
    before = contents(out)
    assert "05/12/2025" in before["tinh/hai-phong/xa-tan-ky/index.html"].decode()

    edited = tmp_path / "edited-code"
    shutil.copytree(
        ROOT / "generator", edited / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "pwa", edited / "pwa")  # the service worker's source, beside it
    textvi = edited / "generator" / "textvi.py"
    source = textvi.read_text(encoding="utf-8")
    old = 'return f"{value.day:02d}/{value.month:02d}/{value.year}"'
    assert old in source
    textvi.write_text(
        source.replace(old, 'return f"{value.day:02d}.{value.month:02d}.{value.year}"'), "utf-8"
    )

    _build_in_new_process(edited, data, out, site_dir, cache, full=False)
    _build_in_new_process(edited, data, clean, site_dir, tmp_path / "cache2", full=True)
    after, expected = contents(out), contents(clean)
    assert "05.12.2025" in expected["tinh/hai-phong/xa-tan-ky/index.html"].decode()
    differing = sorted(k for k in expected if after.get(k) != expected[k])
    assert differing == [] and after.keys() == expected.keys()
    assert before != after  # the edit did change the site


def test_cache_from_other_code_is_dropped(make_package, site_dir, tmp_path, monkeypatch) -> None:
    """The first build after an upgrade renders everything: a cache written by another
    antq (another code version) is ignored, whatever it says."""
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    monkeypatch.setattr(codeversion, "code_version", lambda: "another antq")
    report = build(data, out, site_dir)
    assert not report.skipped and report.linked == 0 and report.written > report.pages


def test_code_version_covers_the_package_and_its_libraries(monkeypatch) -> None:
    versions = dict(codeversion._library_versions())
    for name in ("jinja2", "markupsafe", "markdown", "pymdown-extensions", "pagefind-bin"):
        assert name in versions, name
    first = codeversion.code_version()
    monkeypatch.setattr(codeversion, "_library_versions", lambda: [("jinja2", "99.0")])
    assert codeversion.code_version() != first


def test_code_version_covers_the_code_not_the_readmes(monkeypatch, tmp_path) -> None:
    # Negative control: hashing every file of the package (READMEs too) fails the last line.
    (tmp_path / "push").mkdir()
    (tmp_path / "push" / "loop.py").write_text("X = 1\n")
    (tmp_path / "push" / "README.md").write_text("# guide\n")
    monkeypatch.setattr(codeversion, "CODE_DIR", tmp_path)
    first = codeversion.code_version()
    (tmp_path / "push" / "loop.py").write_text("X = 2\n")
    second = codeversion.code_version()
    assert second != first
    (tmp_path / "push" / "README.md").write_text("# guide, with this week's figures\n")
    assert codeversion.code_version() == second


# -- 2. data outside git: the build's date comes from the data ---------------------------------


def test_data_outside_git_builds_the_same_bytes_without_the_clock(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    # The latest record date of the fixture: assessment decision 4120/QĐ-UBND of 05/12/2025.
    assert info["data_time"] == "2025-12-05T00:00:00Z"
    assert info["data_revision"].startswith("sha256:")
    before = snapshot(out)
    report = build(data, out, site_dir)
    assert report.skipped and report.written == 0
    assert snapshot(out) == before

    places = data / "places.csv"
    places.write_text(
        places.read_text(encoding="utf-8").replace("Thôn Nghi Khê,", "Thôn Nghi Khê Mới,", 1),
        encoding="utf-8",
    )
    build(data, out, site_dir)
    build(data, tmp_path / "clean", site_dir, full=True)
    assert contents(out) == contents(tmp_path / "clean")
    changed = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert changed["data_revision"] != info["data_revision"]
    assert changed["data_time"] == info["data_time"]


def test_source_date_epoch_gives_the_time_outside_git(make_package, tmp_path, monkeypatch) -> None:
    from generator.build import data_revision

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    revision = data_revision(make_package())
    assert revision.time.isoformat() == "2025-11-21T00:00:00+00:00"
    assert revision.revision is not None and revision.revision.startswith("sha256:")


def test_no_clock_in_the_generator() -> None:
    """Every "as of" comes from the data's revision: no wall clock where output is made."""
    # The push service stamps deliveries and the preview server serves: neither makes a page.
    allowed = {"push", "serve.py"}
    for path in (ROOT / "generator").rglob("*.py"):
        if allowed & set(path.relative_to(ROOT / "generator").parts):
            continue
        text = path.read_text(encoding="utf-8")
        for clock in ("date.today(", "datetime.now(", "datetime.utcnow(", "time.time("):
            assert clock not in text, f"{path.name}: {clock}"


# -- 3. one build at a time ----------------------------------------------------------------------

_HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from generator.build import Builder, BuildOptions
builder = Builder(BuildOptions(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
with builder._lock():
    print("held", flush=True)
    time.sleep(600)
"""


def test_second_build_at_the_same_time_stops_with_a_message(
    make_package, site_dir, tmp_path
) -> None:
    data, out = make_package(), tmp_path / "public"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_SCRIPT, str(data), str(out), str(site_dir)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(BuildError) as caught:
            build(data, out, site_dir)
        assert caught.value.lines == [
            f"lỗi: đang có một lần xây dựng khác ghi vào “{out}” (tiến trình {holder.pid}); "
            "lần này dừng lại để hai lần không ghi đè lên nhau [build-busy] — Cách sửa: chờ "
            "lần xây dựng kia xong rồi chạy lại lệnh"
        ]
        assert caught.value.exit_code == 1
        assert not out.exists()
    finally:
        holder.send_signal(signal.SIGKILL)  # the lock goes with the process
        holder.wait()
    assert build(data, out, site_dir).pages > 0


# -- 4. the collector is unfrozen when a worker fails ----------------------------------------


def test_worker_failure_unfreezes_the_collector(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(build_mod, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(build_mod, "CHUNK", 5)

    def failing(self, name, context):  # noqa: ANN001
        raise RuntimeError("simulated crash in a render worker")

    monkeypatch.setattr(render_mod.Renderer, "render", failing)
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError, match="simulated crash"):
        build(make_package(), tmp_path / "public", site_dir)
    assert gc.get_freeze_count() == 0
    assert not (tmp_path / "public").exists()


# -- 4b. forked render workers: same bytes, same keys, same errors ---------------------------


def _parallel(monkeypatch: pytest.MonkeyPatch, workers: str) -> None:
    """Fork render workers even for the fixture's few pages (`workers` processes)."""
    monkeypatch.setattr(build_mod, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(build_mod, "CHUNK", 7)
    monkeypatch.setenv("ANTQ_WORKERS", workers)


def _build_entry(cache: Path) -> Path:
    # (the build's own file: not the offline lists kept beside it, `<key>-places.json`)
    (found,) = [p for p in (cache / "build").glob("*.json") if p.stem.isalnum()]
    return found


def _cache_outputs(cache: Path) -> dict[str, str]:
    return dict(json.loads(_build_entry(cache).read_text(encoding="utf-8"))["outputs"])


def test_workers_build_what_one_process_builds(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    """Two forked workers write the same bytes as one process, and the keys the render
    jobs make for pages without a previous key (a first build) are the keys the plan makes
    for a page it compares: a second build after an edit no page shows rewrites nothing."""
    data = make_package()
    outputs = {}
    for workers in ("1", "2"):
        _parallel(monkeypatch, workers)
        cache = tmp_path / f"cache-{workers}"
        build(data, tmp_path / workers, site_dir, cache_dir=cache)
        outputs[workers] = _cache_outputs(cache)
    assert contents(tmp_path / "1") == contents(tmp_path / "2")
    assert outputs["1"] == outputs["2"] and "" not in outputs["2"].values()
    # The saved fingerprint no longer matches: the next build plans every page again, and
    # the plan's keys (one process) must be the workers' for every page to be kept.
    saved = _build_entry(tmp_path / "cache-2")
    entry = json.loads(saved.read_text(encoding="utf-8"))
    saved.write_text(json.dumps({**entry, "fingerprint": "other"}), encoding="utf-8")
    report = build(data, tmp_path / "2", site_dir, cache_dir=tmp_path / "cache-2")
    assert (report.written, report.pages) == (0, 73)


def _pages_without_copy_wait_for(flag: Path, log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In each render worker, the first page of a render job whose pages have no search
    copy waits (up to 10 s) for `flag`, and `log` says whether it came."""
    real = render_mod.Renderer.render
    waited: list[bool] = []

    def render(self, name, context):  # noqa: ANN001
        jobs = build_mod._JOB["to_render"]
        at = next(i for i, job in enumerate(jobs) if job[2].url == context["page"]["url"])
        start = at - at % build_mod.CHUNK  # (the job's pages: `_run_in_pool`)
        if not waited and all(job[3] is None for job in jobs[start : start + build_mod.CHUNK]):
            deadline = time.monotonic() + 10
            while not flag.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            waited.append(True)
            with log.open("a", encoding="utf-8") as out:
                out.write("began\n" if flag.exists() else "not yet\n")
        return real(self, name, context)

    monkeypatch.setattr(render_mod.Renderer, "render", render)


def test_pagefind_begins_once_the_copied_pages_are_rendered(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    """With render workers, Pagefind begins as soon as every page with a search copy is
    rendered, while the pages without one still render (`search.Early`): each worker's
    first page without a copy waits for Pagefind here, and it comes. The site is the one a
    single process builds (Pagefind after the render stage). Negative control (run by hand):
    with `Builder._early` returning None, each wait ends in vain ("not yet")."""
    data = make_package()
    _parallel(monkeypatch, "1")
    build(data, tmp_path / "one", site_dir, cache_dir=tmp_path / "cache-1")
    _parallel(monkeypatch, "2")
    flag, log = tmp_path / "began", tmp_path / "log"
    real = search.run_pagefind

    def noted(copies: Path, out: Path, *rest: object) -> None:
        flag.touch()
        real(copies, out, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "run_pagefind", noted)
    _pages_without_copy_wait_for(flag, log, monkeypatch)
    build(data, tmp_path / "two", site_dir, cache_dir=tmp_path / "cache-2")
    assert set(log.read_text(encoding="utf-8").splitlines()) == {"began"}
    assert contents(tmp_path / "one") == contents(tmp_path / "two")


def test_a_build_failing_after_pagefind_began_stops_it(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    """A render job failing once Pagefind has begun (`search.Early`) stops the build as
    before: Pagefind's process is ended, nothing it made is left in the cache, nothing is
    published. Negative control (run by hand): without `early.close()` in `Builder._run`,
    Pagefind's process outlives the build."""
    data, out = make_package(), tmp_path / "public"
    _parallel(monkeypatch, "2")
    flag, log, pid = tmp_path / "began", tmp_path / "log", tmp_path / "pid"
    # Pagefind's stand-in: says it began, and runs until it is stopped.
    command = ["sh", "-c", f"echo $$ > {pid}; touch {flag}; exec sleep 120"]
    monkeypatch.setattr(search, "_command", lambda copies, result: command)
    _pages_without_copy_wait_for(flag, log, monkeypatch)
    real = render_mod.Renderer.render

    def failing(self, name, context):  # noqa: ANN001
        text = real(self, name, context)
        if flag.exists():
            raise RuntimeError("simulated crash after Pagefind began")
        return text

    monkeypatch.setattr(render_mod.Renderer, "render", failing)
    cache = tmp_path / "cache"
    with pytest.raises(RuntimeError, match="simulated crash"):
        build(data, out, site_dir, cache_dir=cache)
    assert "began" in log.read_text(encoding="utf-8").split()
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid.read_text(encoding="utf-8")), 0)
    assert not list(cache.rglob("antq-pagefind-*"))
    assert not out.exists()


def test_worker_error_is_the_one_process_error(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    """A page too large for its ceiling stops the build in a worker: the official reads the
    line one process gives (the first page in the build's order, whichever worker finished
    first), the command exits 1, and nothing is published or left half-written."""
    from typer.testing import CliRunner

    from generator.cli import app

    data = make_package()
    monkeypatch.setattr(limits, "MAX_FILE", 6_000)  # most pages and files are larger
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    lines = {}
    for workers in ("1", "2"):
        _parallel(monkeypatch, workers)
        out = tmp_path / f"out-{workers}"
        with pytest.raises(BuildError) as caught:
            build(data, out, site_dir, cache_dir=tmp_path / "cache")
        lines[workers] = caught.value.lines
        assert caught.value.exit_code == 1
        assert not out.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "good-0", "site"]
    assert len(lines["2"]) == 1 and "[output-too-large]" in lines["2"][0]
    assert lines["2"] == lines["1"]
    args = ["build", "--data", str(data), "--out", str(tmp_path / "out"), "--site", str(site_dir)]
    result = CliRunner().invoke(app, args, env={"ANTQ_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 1, result.output
    assert lines["2"][0] in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import workers

    monkeypatch.delenv("ANTQ_WORKERS", raising=False)
    assert 1 <= workers.count() <= workers.MAX_WORKERS
    monkeypatch.setenv("ANTQ_WORKERS", "1")
    assert workers.count() == 1
    monkeypatch.setenv("ANTQ_WORKERS", "64")
    assert workers.count() == workers.MAX_WORKERS
    for bad in ("0", "hai", "-1"):
        monkeypatch.setenv("ANTQ_WORKERS", bad)
        with pytest.raises(AntqError) as caught:
            workers.count()
        assert caught.value.exit_code == 2
        assert caught.value.lines[0].startswith(
            f"lỗi: biến môi trường ANTQ_WORKERS=“{bad}” không phải một số nguyên dương"
        )


# -- 4c. a build with nothing to do reads hashes, not the stages' modules ----------------------

_UNCHANGED_SCRIPT = """
import sys
from generator.cli import main
sys.argv = ["antq", "build", "--data", sys.argv[1], "--out", sys.argv[2], "--site", sys.argv[3]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
stages = ["generator.model", "generator.pages", "generator.render", "generator.scan",
          "generator.data.validate", "generator.data.load", "generator.importer", "jinja2",
          "PIL.Image"]
print(" ".join(m for m in stages if m in sys.modules) or "-")
"""


def test_unchanged_build_imports_no_stage(make_package, site_dir, tmp_path, monkeypatch) -> None:
    """`antq build` with nothing changed stops after hashing its inputs; importing the
    data, model, page, template and scan modules was most of its time (issue 18's
    no-change row): they are imported where their stage runs."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    done = subprocess.run(
        [sys.executable, "-c", _UNCHANGED_SCRIPT, str(data), str(out), str(site_dir)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.splitlines() == [f"Không có gì thay đổi: {out}/ giữ nguyên (73 trang).", "-"]


# -- 5. a Pagefind failure is a user-facing build error ----------------------------------------


def test_an_unchanged_build_repeats_the_warnings_and_a_strict_one_refuses_them(
    site_dir, tmp_path, monkeypatch
) -> None:
    """The bundled sample, judged on 21/11/2025, cites laws not yet in force (warnings). A
    second build of the same inputs stops as unchanged and prints the same warnings (they
    still stand); `--strict` after it refuses them, as a strict build with any edit would,
    and leaves the site; with --allow-lapsed-law (date warnings only) it passes.
    Negative control (run by hand): without the strict test in `Builder._unchanged`, the
    strict build stops as unchanged and passes (exit 0), found by tests/random_edits.py."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(tmp_path / "cache"))
    data, out = tmp_path / "data", tmp_path / "public"
    shutil.copytree(ROOT / "data", data)
    first = build(data, out, site_dir)
    assert first.warnings and all("legal-not-yet-in-force" in w for w in first.warnings)
    again = build(data, out, site_dir)
    assert again.skipped and again.warnings == first.warnings
    before = contents(out)
    with pytest.raises(BuildError) as refused:
        build(data, out, site_dir, strict=True)
    assert refused.value.lines[:-1] == first.warnings
    assert contents(out) == before
    lapsed = build(data, out, site_dir, strict=True, allow_lapsed_law=True)
    assert lapsed.warnings == first.warnings and lapsed.written == 0


def test_pagefind_failure_is_a_build_error(make_package, site_dir, tmp_path, monkeypatch) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: out of disk space' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "_binary", lambda: str(fake))
    with pytest.raises(BuildError) as caught:
        build(make_package(), tmp_path / "public", site_dir)
    assert isinstance(caught.value, AntqError) and caught.value.exit_code == 1
    assert caught.value.lines == [
        "lỗi: Pagefind không tạo được chỉ mục tìm kiếm (mã thoát 3): Error: out of disk space "
        "[search-index-failed] — Cách sửa: chạy lại “antq build”; nếu vẫn lỗi, cài lại antq "
        "(“pip install -e .”) để có lại Pagefind, hoặc báo lỗi kèm dòng này"
    ]
    assert not (tmp_path / "public").exists()


def test_missing_pagefind_is_a_build_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(search, "_binary", lambda: str(tmp_path / "no-such-binary"))
    with pytest.raises(BuildError) as caught:
        search.run_pagefind(tmp_path, tmp_path / "out")
    assert caught.value.lines[0].startswith(
        "lỗi: Pagefind không tạo được chỉ mục tìm kiếm (mã thoát —): [Errno 2]"
    )


# -- 6. output ceilings ---------------------------------------------------------------------------


def test_national_synthetic_package_is_well_inside_the_ceilings() -> None:
    national = SCALES["national"]
    largest = max(v for k, v in national.items() if isinstance(v, int))
    assert largest * 2 <= limits.MAX_ROWS_PER_OUTPUT
    assert national["events"] * 10 <= limits.MAX_CALENDAR_EVENTS
    # 177 bytes per assessment row in the JSON download (measured on the small package),
    # published per province (34) for a table this large: three times the average province.
    assert national["assessments"] * 177 // 34 * 3 <= limits.SIZE_CEILINGS[".json"][1]


def _never_render(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self, name, context):  # noqa: ANN001
        raise AssertionError("rendered a page past a ceiling")

    monkeypatch.setattr(render_mod.Renderer, "render", refuse)
    monkeypatch.setattr(
        "generator.pages.updates.calendar_file",
        lambda model: pytest.fail("made the calendar past a ceiling"),
    )


def test_too_many_events_are_refused_before_any_page(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(limits, "MAX_CALENDAR_EVENTS", 1)
    _never_render(monkeypatch)
    data = make_package()
    with pytest.raises(BuildError) as caught:
        build(data, tmp_path / "public", site_dir)
    assert caught.value.lines == [
        f"{display_path(data / 'events.csv')}: lỗi: bảng sự kiện có 2 dòng, vượt giới hạn 1 "
        "sự kiện của lịch phong trào (trang /lich/ và tệp lich.ics); chưa xây dựng lại trang web "
        "[calendar-too-many-events] — Cách sửa: chỉ giữ các ngày lễ, kỷ niệm và hoạt động "
        "của phong trào; xóa các dòng trùng hoặc sinh thừa"
    ]
    assert not (tmp_path / "public").exists()


def test_too_many_rows_in_a_table_are_refused_before_any_page(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS_PER_OUTPUT", 5)
    _never_render(monkeypatch)
    data = make_package()
    with pytest.raises(BuildError) as caught:
        build(data, tmp_path / "public", site_dir)
    assert caught.value.lines
    for line in caught.value.lines:
        assert "[output-too-many-rows]" in line and ", vượt giới hạn 5 dòng" in line
    assert any(
        line.startswith(f"{display_path(data / 'units.csv')}: lỗi: bảng “units” có ")
        for line in caught.value.lines
    )


def test_too_many_pages_for_the_sitemap_are_refused(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(limits, "MAX_SITEMAP_URLS", 3)
    monkeypatch.setattr(
        render_mod.Renderer, "render", lambda *a: pytest.fail("rendered past a ceiling")
    )
    with pytest.raises(BuildError) as caught:
        build(make_package(), tmp_path / "public", site_dir)
    [line] = caught.value.lines
    assert line.endswith(
        "vượt giới hạn 3 địa chỉ của một sơ đồ trang (sitemap.xml); chưa xây dựng lại trang "
        "web [sitemap-too-many-urls] — Cách sửa: kiểm tra xem dữ liệu có bị nhân bản không "
        "(nhiều dòng trùng tạo nhiều trang)"
    )


@pytest.mark.parametrize(
    ("suffix", "path", "kind"),
    [
        (".ics", "lich/lich.ics", "lịch iCalendar"),
        (".xml", "tin-tuc/atom.xml", "tệp XML (bản tin Atom, sơ đồ trang)"),  # the first made
        (".json", "du-lieu/units.json", "tệp dữ liệu JSON"),  # the first JSON made
    ],
)
def test_output_beyond_its_size_ceiling_is_refused(
    make_package, site_dir, tmp_path, monkeypatch, suffix, path, kind
) -> None:
    monkeypatch.setitem(limits.SIZE_CEILINGS, suffix, (kind, 100))
    out = tmp_path / "public"
    with pytest.raises(BuildError) as caught:
        build(make_package(), out, site_dir)
    [line] = caught.value.lines
    assert re.fullmatch(
        f"lỗi: {re.escape(kind)} “{re.escape(path)}” sẽ nặng [0-9.]+ byte, vượt giới hạn 100 "
        "byte; chưa xây dựng lại trang web \\[output-too-large\\] — Cách sửa: kiểm tra xem có "
        "lỡ dán trùng hay sinh thừa dữ liệu không; rút gọn các ô mô tả quá dài",
        line,
    ), line
    assert not out.exists()


def test_size_ceilings_name_sizes_readably() -> None:
    assert limits.check_size("a.json", 10) is None
    line = limits.check_size("du-lieu/a.json", 300 * limits.MB)
    assert line is not None and "sẽ nặng 300,0 MB, vượt giới hạn 10,0 MB" in line
    # Any other file (a page) is held to the limit for every published file (issue 16).
    assert limits.check_size("a.html", limits.MAX_FILE) is None
    line = limits.check_size("a.html", limits.MAX_FILE + 1)
    assert line is not None and line.startswith("lỗi: tệp “a.html” sẽ nặng 10,0 MB")


# -- 7. output paths -------------------------------------------------------------------------------


def _page(url: str, title: str) -> Page:
    return Page(url=url, templates=["x.html"], context={}, title=title)


def test_page_over_a_section_index_is_refused() -> None:
    """An id that slugifies to nothing makes "/van-ban//": never written over /van-ban/."""
    pages = [_page("/van-ban/", "Văn bản"), _page("/van-ban//", "Quyết định —")]
    with pytest.raises(BuildError) as caught:
        check_outputs(pages, [])
    assert caught.value.lines == [
        "lỗi: trang “Quyết định —” (/van-ban//) có địa chỉ “/van-ban//” không hợp lệ (có một "
        "phần rỗng “//”: mã hoặc tên không còn chữ cái, chữ số nào); chưa xây dựng lại trang "
        "web [output-path-invalid] — Cách sửa: đặt mã (id), tên hoặc tên tệp bài học có ít "
        "nhất một chữ cái hoặc chữ số; tên tệp bài học chỉ gồm chữ không dấu, chữ số và “-” "
        "(không dấu cách, không “—”, “..”, “/”)"
    ]


def test_legal_document_id_of_dashes_stops_the_build_and_keeps_the_site(
    make_package, site_dir, tmp_path
) -> None:
    """End to end: an id that slugifies to nothing ("—") stopped by a clear line (from
    validation, or else from the output paths), the previous /van-ban/ index kept."""
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    index = (out / "van-ban" / "index.html").read_bytes()
    with (data / "legal_documents.csv").open("a", encoding="utf-8") as table:
        table.write(
            "—,huong_dan,hanh_chinh,Văn bản có mã chỉ là một dấu gạch,Bộ Công an,2022-11-18,,,,,\n"
        )
    with pytest.raises(BuildError) as caught:
        build(data, out, site_dir)
    assert any("lỗi:" in line for line in caught.value.lines)
    assert (out / "van-ban" / "index.html").read_bytes() == index


def test_a_check_carried_over_finds_what_a_whole_check_finds() -> None:
    """`antq serve` checks only the URLs its last check did not hold (`CheckedOutputs`),
    against that check's files and folders; a possible problem sends it to the whole check,
    which words it. A sequence of outputs, each checked from the last check's result: an
    added page, then one over its path by case, one where it needs a folder, one inside
    it as a folder, and a removed page whose path a new one then takes: each gives the
    whole check's answer. Negative control: a carried result not updated with the added
    page's file or folders (stale) lets a clash of the next step through (this test
    fails)."""
    from generator.pages import _check_all

    base = [_page("/", "Trang chủ"), _page("/van-ban/", "Văn bản"), _page("/van-ban/a/", "A")]
    files = [FileOutput("/du-lieu/a.csv", "x", bytes)]
    first = check_outputs(base, files)
    assert first.urls == frozenset({"/", "/van-ban/", "/van-ban/a/", "/du-lieu/a.csv"})
    assert check_outputs(base, files, first) is first  # the same URLs: nothing checked
    added = [*base, _page("/van-ban/b/", "B")]
    second = check_outputs(added, files, first)
    assert second.urls == first.urls | {"/van-ban/b/"}
    assert second.files == _check_all([*added, *files]).files
    assert second.folders == _check_all([*added, *files]).folders
    for wrong in (
        _page("/van-ban/B/", "B hoa"),  # over /van-ban/b/ by case
        _page("/van-ban/b/index.html/x/", "X"),  # a file where it needs a folder
        _page("/du-lieu/a.csv/x/", "Y"),
        _page("/van-ban/a/index.html", "Z"),  # the same file, named as a file
        _page("/van-ban/b", "Tệp b"),  # a file where the added page needs a folder
        _page("/van-ban//", "Rỗng"),
    ):
        with pytest.raises(BuildError) as whole:
            check_outputs([*added, wrong], files)
        with pytest.raises(BuildError) as carried:
            check_outputs([*added, wrong], files, second)
        assert carried.value.lines == whole.value.lines
    folder = FileOutput("/van-ban", "z", bytes)  # a file where /van-ban/… need a folder
    with pytest.raises(BuildError) as carried:
        check_outputs(added, [*files, folder], second)
    with pytest.raises(BuildError) as whole:
        check_outputs(added, [*files, folder])
    assert carried.value.lines == whole.value.lines
    # /van-ban/b/ removed: its path is free again, under another case.
    moved = [*base, _page("/van-ban/B/", "B hoa")]
    third = check_outputs(moved, files, second)
    assert third.files == _check_all([*moved, *files]).files
    twice = [*moved, _page("/van-ban/B/", "B lần hai")]
    with pytest.raises(BuildError):
        check_outputs(twice, files, third)
    # One output given twice (a kept list shared by two families) is one file, as a whole
    # check says.
    again = [*moved, moved[-1]]
    assert check_outputs(again, files, third).files == _check_all([*again, *files]).files


def test_two_outputs_on_one_path_are_refused_naming_both() -> None:
    pages = [_page("/van-ban/qd-1/", "QĐ-1"), _page("/van-ban/QD-1/", "qd-1")]
    files = [FileOutput("/du-lieu/a.csv", "x", bytes), FileOutput("/du-lieu/a.csv", "y", bytes)]
    with pytest.raises(BuildError) as caught:
        check_outputs(pages, files)
    assert caught.value.lines == [
        "lỗi: trang “QĐ-1” (/van-ban/qd-1/) và trang “qd-1” (/van-ban/QD-1/) cùng ghi vào "
        "tệp “van-ban/qd-1/index.html” của trang web; không ghi đè, chưa xây dựng lại trang "
        "web [output-path-clash] — Cách sửa: đổi mã (id) hoặc tên của một trong hai bản ghi "
        "cho khác hẳn nhau (không chỉ khác chữ hoa, chữ thường hay dấu)",
        "lỗi: tệp /du-lieu/a.csv và tệp /du-lieu/a.csv cùng ghi vào tệp “du-lieu/a.csv” của "
        "trang web; không ghi đè, chưa xây dựng lại trang web [output-path-clash] — Cách sửa: "
        "đổi mã (id) hoặc tên của một trong hai bản ghi cho khác hẳn nhau (không chỉ khác chữ "
        "hoa, chữ thường hay dấu)",
    ]


@pytest.mark.parametrize(
    "url", ["/van-ban/../index.html", "/bai-hoc/chu-de/a b/", "tinh/x/", "/a/./"]
)
def test_odd_paths_are_refused(url: str) -> None:
    with pytest.raises(BuildError) as caught:
        check_outputs([_page(url, "T")], [])
    assert "[output-path-invalid]" in caught.value.lines[0]


def test_a_file_where_a_folder_is_needed_is_refused() -> None:
    pages = [_page("/tinh/a", "A"), _page("/tinh/a/", "A2")]
    with pytest.raises(BuildError) as caught:
        check_outputs(pages, [])
    assert caught.value.lines == [
        "lỗi: trang “A” (/tinh/a) và trang “A2” (/tinh/a/) cùng ghi vào tệp “tinh/a” của "
        "trang web; không ghi đè, chưa xây dựng lại trang web [output-path-clash] — Cách sửa: "
        "đổi mã (id) hoặc tên của một trong hai bản ghi cho khác hẳn nhau (không chỉ khác chữ "
        "hoa, chữ thường hay dấu)"
    ]


def test_unique_slugs_never_collide() -> None:
    from generator.model import _unique_slug

    taken: set[str] = set()
    got = [_unique_slug(b, c, taken) for b, c in (("x-2", "9"), ("x", "1"), ("x", "2"), ("x", "2"))]
    assert len(set(got)) == 4 and got[:3] == ["x-2", "x", "x-2-2"]


def test_validation_results_from_other_code_are_not_reused(monkeypatch) -> None:
    """The validation cache is keyed by the code too (not a hand-bumped number): results
    made by an older antq or another Frictionless are checked again."""
    from generator.data import cache as vcache

    vcache._code.cache_clear()
    before = vcache.make_key("bytes", "schema")
    assert vcache.make_key("bytes", "schema") == before  # stable within one code
    monkeypatch.setattr(codeversion, "code_version", lambda: "another antq")
    vcache._code.cache_clear()
    assert vcache.make_key("bytes", "schema") != before
    vcache._code.cache_clear()


def test_the_build_fingerprint_never_reads_a_link_target(tmp_path) -> None:
    from generator.revision import hash_files, tree_files

    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("một", encoding="utf-8")
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (data / "legal_documents.csv").symlink_to(secret)
    (data / "linked-dir").symlink_to(secret.parent, target_is_directory=True)
    files = tree_files(data)
    assert [p.relative_to(data).as_posix() for p in files] == [
        "a.csv",
        "legal_documents.csv",
        "linked-dir",
    ]
    before = hash_files(files, data)
    secret.write_text("hai", encoding="utf-8")  # the target changes, the links do not
    assert hash_files(tree_files(data), data) == before
