"""`antq --help` and every command's help read in Vietnamese (issue 17, item 5).

The English strings are taken from click's and typer's own sources (every gettext call, and
the vendored click's help-option text, usage prefix and placeholders), not typed by hand."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import click
import typer
import typer.main
from typer.testing import CliRunner

from generator import cli_vi
from generator.cli import app

runner = CliRunner()


def _shipped_english() -> set[str]:
    found: set[str] = set()
    for package in (click, typer):
        for path in Path(package.__file__).parent.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    args = list(node.args)
                    if name not in ("_", "ngettext"):
                        args = [k.value for k in node.keywords if k.arg == "help"]
                    for arg in args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            found.add(arg.value)
                elif isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names = {getattr(t, "id", getattr(t, "attr", "")) for t in targets}
                    value = node.value
                    if names & {"prefix", "subcommand_metavar"} and isinstance(value, ast.Constant):
                        found.add(str(value.value))
                elif isinstance(node, ast.arguments):
                    for arg, default in zip(
                        node.args[-len(node.defaults) :] if node.defaults else [],
                        node.defaults,
                        strict=True,
                    ):
                        if arg.arg == "options_metavar" and isinstance(default, ast.Constant):
                            found.add(str(default.value))
    # Words a help page can show; one-letter or symbol-only entries say nothing.
    return {s.strip() for s in found if re.search(r"[A-Za-z]{3}", s) and "{" not in s[:1]}


def _commands() -> list[list[str]]:
    group = typer.main.get_command(app)
    out: list[list[str]] = [[]]

    def walk(cmd: click.Command | object, path: list[str]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            out.append([*path, name])
            walk(sub, [*path, name])

    walk(group, [])
    return out


def _help(path: list[str]) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, (path, result.output)
    return result.output


ENGLISH = _shipped_english()


def test_the_english_list_is_read_from_the_sources() -> None:
    assert {"Show this message and exit.", "Usage:", "[default: {}]", "[required]"} <= ENGLISH
    assert "[OPTIONS]" in ENGLISH and "COMMAND [ARGS]..." in ENGLISH


def test_every_help_page_is_vietnamese() -> None:
    commands = _commands()
    assert ["import"] in commands and ["template"] in commands and ["push", "notify"] in commands
    for path in commands:
        page = _help(path)
        leaks = sorted(s for s in ENGLISH if len(s) > 3 and s.rstrip(":") in page)
        leaks = [s for s in leaks if not _allowed(s)]
        assert not leaks, (path, leaks)
        assert "<bool>" not in page and "Cách dùng:" in page


def _allowed(english: str) -> bool:
    # Option and command names are the program's words, not English prose.
    # "directory" is the name of antq check's argument.
    return english.startswith("--") or english in {"path", "file", "directory", "Error"}


def test_negative_control_without_the_translation() -> None:
    """The same check finds click's English when the catalogue has no Vietnamese for it."""
    saved = dict(cli_vi.CLI_VI)
    try:
        cli_vi.CLI_VI.pop("Show this message and exit.")
        page = runner.invoke(app, ["validate", "--help"], env={"COLUMNS": "200"}).output
    finally:
        cli_vi.CLI_VI.clear()
        cli_vi.CLI_VI.update(saved)
    assert "Show this message and exit." in page


def test_order_flags_defaults_and_seed() -> None:
    page = _help([])
    names = [m.group(1) for m in re.finditer(r"^│ (\w+) ", page, re.M)]
    assert names[:11] == [
        "validate",
        "build",
        "serve",
        "check",
        "import",
        "template",
        "export",
        "anh",
        "push",
        "units",
        "geo",
    ]
    assert names[-1] == "synth" and "Công cụ cho nhà phát triển" in page
    validate = _help(["validate"])
    assert re.search(r"--strict\s+Coi cảnh báo là lỗi", validate)  # a flag, no value kind
    assert validate.count("mặc định") == validate.count("[mặc định:")  # said once
    assert "Hạt giống ngẫu nhiên" in _help(["synth"])


def test_errors_in_vietnamese() -> None:
    result = runner.invoke(app, ["validate", "--bogus"], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "Không có tùy chọn: --bogus" in result.output
    result = runner.invoke(app, ["import"], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "cần đúng một nguồn" in result.output


def test_rich_panels_translated_when_typer_imports_them() -> None:
    """typer's rich panels (typer.rich_utils, which brings rich's Markdown and Pygments) are
    not imported by `antq` itself, only by typer for a help page or an error, and are in
    Vietnamese then (cli_vi._RichFinder). Controls: the same process in Vietnamese with
    the panels imported first (test_every_help_page_is_vietnamese)."""
    import subprocess
    import sys

    probe = "import sys, generator.cli; print(sorted(m for m in sys.modules if 'rich' in m))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]", loaded
    page = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    assert "╭─ Tùy chọn " in page and "Options" not in page, page
