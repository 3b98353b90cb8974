"""A large package's validation runs in a forked process beside the build's load, model and
pages stages (issue 18: those stages ran one after the other with one core idle;
generator.build `Builder._start_validation`, generator.workers `Beside`). The build gives
what it gave when validation ran first: the same site byte for byte, the same warnings,
and on bad input the same Vietnamese problems, even when the data that validation refuses
breaks the stages that ran beside it. A validation process that dies says so in Vietnamese
with nothing written; a build stopped meanwhile ends that process and every process it
started. The fixture packages are small: `ALONGSIDE_MIN_BYTES` is set to 0 here."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from generator import build as build_mod
from generator import workers
from generator.build import BuildOptions, build_site
from generator.errors import AntqError, BuildError
from tests.test_build_reliability import contents

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1763683200"


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("ANTQ_WORKERS", "2")


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The validations started beside the stages (every package is large enough)."""
    monkeypatch.setattr(build_mod, "ALONGSIDE_MIN_BYTES", 0)
    found: list[Any] = []
    original = workers.Beside

    class Spy(original):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            found.append(self)

    monkeypatch.setattr(workers, "Beside", Spy)
    return found


def _build(data: Path, out: Path, cache: Path, **options: Any) -> Any:
    return build_site(
        BuildOptions(data_dir=data, out_dir=out, site_dir=ROOT / "site", cache_dir=cache, **options)
    )


def _lines(data: Path, out: Path, cache: Path, **options: Any) -> list[str]:
    with pytest.raises(BuildError) as raised:
        _build(data, out, cache, **options)
    assert not out.exists()  # nothing written
    return raised.value.lines


def test_a_build_validated_beside_equals_one_validated_first(
    make_package, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    data = make_package("legacy-unit")  # (warnings only: the build goes on)
    monkeypatch.setattr(build_mod, "ALONGSIDE_MIN_BYTES", 1 << 62)
    first = _build(data, tmp_path / "first", tmp_path / "cache-first")
    assert not started
    assert first.warnings
    monkeypatch.setattr(build_mod, "ALONGSIDE_MIN_BYTES", 0)
    beside = _build(data, tmp_path / "beside", tmp_path / "cache-beside")
    assert len(started) == 1 and started[0]._process.exitcode == 0
    assert beside.warnings == first.warnings
    assert contents(tmp_path / "beside") == contents(tmp_path / "first")
    # --strict stops on the warnings, as when validation ran first
    strict = _lines(data, tmp_path / "strict", tmp_path / "cache-strict", strict=True)
    assert strict[: len(first.warnings)] == first.warnings


# Bad input whose records the stages beside validation cannot read (a type, a file) or
# read wrongly (a reference: they go on, and validation stops the build after them), and
# one the raw reader refuses.
CASES = ["wrong-type", "missing-file", "foreign-key", "cp1258"]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_the_problems_validation_finds(
    make_package, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any], case: str
) -> None:
    data = make_package(case)
    beside = _lines(data, tmp_path / "beside", tmp_path / "cache-beside")
    assert len(started) == 1
    monkeypatch.setattr(build_mod, "ALONGSIDE_MIN_BYTES", 1 << 62)
    first = _lines(data, tmp_path / "first", tmp_path / "cache-first")
    assert len(started) == 1
    assert beside == first


def test_the_stages_beside_break_on_refused_data_and_validation_speaks(
    make_package, tmp_path: Path, started: list[Any]
) -> None:
    """The load stage cannot read a year that is not a number; the official reads
    validation's line for it, not a traceback of the load."""
    data = make_package("wrong-type")
    from generator.data.load import read_package

    with pytest.raises(ValueError):
        read_package(data)
    lines = _lines(data, tmp_path / "out", tmp_path / "cache")
    assert any("[type-error]" in line or "[decimal-comma]" in line for line in lines), lines


def _killed(*_: Any) -> list[str]:
    os.kill(os.getpid(), signal.SIGKILL)
    return []


def test_a_validation_process_that_dies_says_so(
    make_package, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    monkeypatch.setattr(build_mod, "validate", _killed)
    lines = _lines(make_package(), tmp_path / "out", tmp_path / "cache")
    pid = started[0]._process.pid
    assert lines == [
        f"lỗi: tiến trình chạy song song ({pid}) dừng đột ngột (mã thoát -9), chưa làm xong "
        "việc; không có gì được ghi vào trang web [worker-died] — Cách sửa: thường do máy hết "
        "bộ nhớ: đóng bớt chương trình rồi chạy lại lệnh, hoặc đặt ANTQ_WORKERS=1 để chạy "
        "trong một tiến trình"
    ]


def _slow(pid_file: Path) -> Any:
    def validate(*_: Any) -> list[str]:
        import subprocess

        child = subprocess.Popen(["sleep", "60"])  # a process of the validation's own
        pid_file.write_text(str(child.pid))
        time.sleep(60)
        return []

    return validate


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
    except FileNotFoundError:
        return True
    return state == "Z"  # ended, not yet reaped (by whoever adopted it)


def test_a_build_stopped_meanwhile_ends_the_validation_and_its_processes(
    make_package, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    pid_file = tmp_path / "pid"
    monkeypatch.setattr(build_mod, "validate", _slow(pid_file))

    def stopped(*_: Any) -> Any:
        for _ in range(500):  # the validation's own process started
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.01)
        raise KeyboardInterrupt

    monkeypatch.setattr(build_mod.Builder, "_prepare", stopped)
    begun = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        _build(make_package(), tmp_path / "out", tmp_path / "cache")
    assert time.monotonic() - begun < 20
    assert started[0]._process.exitcode == -signal.SIGTERM
    grandchild = int(pid_file.read_text())
    for _ in range(200):
        if _gone(grandchild):
            break
        time.sleep(0.01)
    assert _gone(grandchild)


# -- workers.Beside itself -------------------------------------------------------------------


def _fails(kind: str) -> None:
    if kind == "antq":
        raise BuildError(["dòng một", "dòng hai"], exit_code=2)
    if kind == "bug":
        raise KeyError("khóa")
    raise _Unpicklable(lambda: None)


class _Unpicklable(Exception):
    def __init__(self, held: Any) -> None:
        super().__init__("không gửi được")
        self.held = held


def test_beside_gives_the_value_or_the_exception() -> None:
    assert workers.Beside(sum, [1, 2, 3]).result() == 6
    with pytest.raises(BuildError) as raised:
        workers.Beside(_fails, "antq").result()
    assert raised.value.lines == ["dòng một", "dòng hai"]
    assert isinstance(raised.value, AntqError) and raised.value.exit_code == 2
    assert not getattr(raised.value, "__notes__", None)  # (its lines say it all)
    with pytest.raises(KeyError) as bug:  # a bug: the traceback where it was raised
        workers.Beside(_fails, "bug").result()
    assert "in _fails" in bug.value.__notes__[0] and "KeyError: 'khóa'" in bug.value.__notes__[0]
    with pytest.raises(RuntimeError, match="không gửi được"):
        workers.Beside(_fails, "lambda").result()
