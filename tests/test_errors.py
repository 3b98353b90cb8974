"""The error layer: one root for user errors, a strict catalogue, no traceback for users."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.data.messages_vi import CATALOGUE, MissingParameter, problem, say
from generator.errors import AntqError, UsageError

ROOT = Path(__file__).resolve().parents[1]
# Exceptions that never reach a user: internal control flow, or a bug report by design.
# (BadJson: a request body the push service answers with 400, never raised to a user.)
# Carriers caught inside antq and turned into a catalogue line or a delivery's outcome, never
# shown to a user as they are.
INTERNAL = {
    "_BodyTooLarge",
    "TooManyTopics",
    "MissingParameter",
    "BadJson",
    "PhotoRefused",
    "WireError",
    "Expired",  # push loop: a request past its deadline, a WireError (a delivery outcome)
    "_Stale",
    "Cancelled",  # search: serve's index no longer wanted (a newer edit), caught by serve
    "_Unmapped",  # deps: a changed row whose pages cannot be said: the whole pass instead
    "WarmMismatch",  # warm: the developers' self-check (ANTQ_CHECK_DEPS) found a bug
}


def _exception_classes() -> dict[str, list[str]]:
    """Every class in generator/ whose bases name an exception, with its bases."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b) for b in node.bases]
                if any(b.endswith(("Error", "Exception")) for b in bases):
                    found[f"{path.relative_to(ROOT)}:{node.name}"] = bases
    return found


def test_every_user_error_class_derives_from_the_one_root() -> None:
    classes = _exception_classes()
    assert len(classes) >= 14  # the classes this test exists for are all seen
    roots = {"AntqError", "UsageError"}
    user_errors = {k for k in classes if k.split(":")[1] not in roots | INTERNAL}
    strays = {}
    for key in user_errors:
        module, name = key.split(":")
        mod = __import__(module[:-3].replace("/", "."), fromlist=[name])
        cls = getattr(mod, name)
        if not issubclass(cls, AntqError):
            strays[key] = classes[key]
    assert strays == {}


def test_the_root_keeps_lines_and_exit_code() -> None:
    err = AntqError(["một", "hai"])
    assert err.lines == ["một", "hai"] and err.exit_code == 1 and str(err) == "một\nhai"
    assert AntqError("một").lines == ["một"]
    assert UsageError("x").exit_code == 2
    assert AntqError("x", exit_code=2).exit_code == 2


def test_a_missing_catalogue_parameter_fails() -> None:
    with pytest.raises(MissingParameter):
        problem("missing-file", "data/x.csv")  # needs {resource}
    line = problem("missing-file", "data/x.csv", resource="x").line()
    assert line == (
        "data/x.csv: lỗi: không tìm thấy tệp dữ liệu của bảng “x” [missing-file] — Cách sửa: "
        "kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) hoặc sửa “path” trong datapackage.yaml"
    )


def test_a_line_without_a_file_has_no_empty_location() -> None:
    assert say("other", detail="hỏng") == "lỗi: hỏng [other]"


def test_every_catalogue_entry_names_its_level_and_has_no_stray_braces() -> None:
    import string

    for code, entry in CATALOGUE.items():
        assert entry.level in ("error", "warning", "info"), code
        for text in (entry.message, entry.hint or ""):
            # Parsing raises on an unbalanced brace: a typo that would reach an official.
            names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
            assert all(n.isidentifier() for n in names), (code, names)


def _antq(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1763683200"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def test_a_user_error_reaches_the_user_without_a_traceback(tmp_path: Path) -> None:
    # No data package there: a usage error (exit 2), one Vietnamese line, no traceback.
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    result = _antq("build", "--data", "khong-co", "--site", str(site), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "không tìm thấy thư mục dữ liệu “khong-co”" in result.stderr + result.stdout


def test_build_strict_refuses_warnings(make_package, tmp_path: Path) -> None:
    data = make_package("nfd-text")  # NFD text is a warning, not an error
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    args = ("build", "--data", str(data), "--site", str(site))
    strict = _antq(*args, "--out", str(tmp_path / "strict"), "--strict", cwd=tmp_path)
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "[nfd-text]" in strict.stdout
    assert "--strict coi cảnh báo là lỗi" in strict.stdout
    assert not (tmp_path / "strict").exists()
    # Control: the same data builds without --strict, the warning printed.
    plain = _antq(*args, "--out", str(tmp_path / "plain"), cwd=tmp_path)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "[nfd-text]" in plain.stdout
    assert (tmp_path / "plain" / "index.html").is_file()


def test_a_hidden_character_quoted_by_a_message_is_shown_not_printed() -> None:
    # Frictionless quotes the raw cell in its type error: NUL, a bidi override, a zero-width
    # space would reach the terminal or the CI annotation as they are.
    cell = "2025\x00-08\u202e-19\u200b"
    bad = problem(
        "type-error",
        "events.csv",
        row=3,
        column=4,
        field="date",
        cell=cell,
        type_vi="ngày",
        type_hint="sửa ngày",
    )
    line = bad.line()
    assert "\x00" not in line and "\u202e" not in line and "\u200b" not in line
    assert "“2025<U+0000>-08<U+202E>-19<U+200B>”" in line
    assert "<U+0000>" in bad.github() and "\x00" not in bad.github()
