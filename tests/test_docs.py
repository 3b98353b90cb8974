"""The docs are held to the code (Datasette's test_docs.py is the model).

- every option of every `antq` command is named in that command's row of README.md's
  command table (the app is introspected, not listed here);
- every key `generator/settings.py` accepts is in `site/README.md`'s settings table;
- every code `antq validate` can print is explained in the officials' guide
  `generator/data/README.md`, and the guide names no code that does not exist.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main

from generator import settings
from generator.cli import app
from generator.data.messages_vi import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SITE_README = ROOT / "site" / "README.md"
GUIDE = ROOT / "generator" / "data" / "README.md"


# -- CLI options ----------------------------------------------------------------------------


def commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, list[str]]]:
    """(command path such as "push serve", its long option names) for every leaf command."""
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in sorted(subcommands.items()):
            yield from commands(sub, (*path, name))
        return
    options = [
        opt
        for param in command.params
        if param.param_type_name == "option"
        for opt in param.opts
        if opt.startswith("--")
    ]
    yield " ".join(path), options


def command_rows(readme: str) -> list[tuple[str, str]]:
    """(first cell, whole row) of each row of the README's command table."""
    section = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return [
        (line.split("|")[1], line) for line in section.splitlines() if line.startswith("| `antq ")
    ]


def row_for(path: str, rows: list[tuple[str, str]]) -> str | None:
    """The row documenting a command: its first cell names `antq <group>` and the command
    (`antq push keys / serve / notify` documents all three push commands)."""
    *group, name = path.split()
    prefix = "antq " + " ".join(group) if group else "antq " + name
    for first, row in rows:
        if prefix in first and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", first):
            return row
    return None


def undocumented_options(found: list[tuple[str, list[str]]], readme: str) -> list[str]:
    rows = command_rows(readme)
    missing = []
    for path, options in found:
        row = row_for(path, rows)
        if row is None:
            missing.append(f"antq {path} (no row)")
            continue
        missing += [
            f"antq {path} {opt}"
            for opt in options
            if not re.search(rf"{re.escape(opt)}(?![\w-])", row)
        ]
    return missing


COMMANDS = list(commands(typer.main.get_command(app)))


def test_the_introspection_finds_every_command() -> None:
    paths = {path for path, _ in COMMANDS}
    assert {"validate", "build", "serve", "check", "push notify", "export zim"} <= paths
    assert len(paths) >= 12


def test_every_cli_option_is_in_the_readme() -> None:
    assert undocumented_options(COMMANDS, README.read_text(encoding="utf-8")) == []


def test_a_fake_option_or_command_is_reported_missing() -> None:
    """Negative control: an option or a command the README does not name is reported."""
    readme = README.read_text(encoding="utf-8")
    fake = [("build", ["--no-such-option"]), ("frobnicate", [])]
    assert undocumented_options(fake, readme) == [
        "antq build --no-such-option",
        "antq frobnicate (no row)",
    ]
    # A prefix of a real option does not count as naming it.
    assert undocumented_options([("validate", ["--str"])], readme) == ["antq validate --str"]


# -- Settings keys --------------------------------------------------------------------------


def settings_keys() -> set[str]:
    """Every key site.toml may hold: the schema's keys (tables as `table.key`) and the
    tables load_settings takes out before checking the rest (`raw.pop("budgets")`), except
    the ones it only pops to refuse (`targets`)."""
    keys: set[str] = set()

    def walk(schema: dict[str, Any], prefix: str) -> None:
        for key, value in schema.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                keys.add(prefix + key)

    walk(settings._SCHEMA, "")
    source = ast.parse(Path(settings.__file__).read_text(encoding="utf-8"))
    popped = {
        node.args[0].value
        for node in ast.walk(source)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "pop"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    return keys | (popped - {"targets"})


def undocumented_keys(keys: set[str], readme: str) -> list[str]:
    return sorted(k for k in keys if f"`{k}`" not in readme)


def test_settings_introspection_sees_nested_and_popped_keys() -> None:
    keys = settings_keys()
    assert {"name", "base_url", "scope.provinces", "push.service_url", "budgets"} <= keys
    assert "targets" not in keys and "scope" not in keys


def test_every_settings_key_is_in_the_site_readme() -> None:
    assert undocumented_keys(settings_keys(), SITE_README.read_text(encoding="utf-8")) == []


def test_a_fake_settings_key_is_reported_missing() -> None:
    readme = SITE_README.read_text(encoding="utf-8")
    assert undocumented_keys({"name", "contact.fax"}, readme) == ["contact.fax"]


# -- The officials' guide to validation codes -----------------------------------------------

# What `antq validate` runs: the data package's checks and the lessons' checks.
VALIDATION_MODULES = [
    p for p in (ROOT / "generator" / "data").glob("*.py") if p.name not in ("messages_vi.py",)
] + [ROOT / "generator" / "lessons.py", ROOT / "generator" / "lesson_filter.py"]


def validation_codes() -> set[str]:
    """Catalogue codes of level error or warning named in the validation modules: the lines
    an official can see from `antq validate` (info codes are progress lines and parts)."""
    named = {
        node.value
        for path in VALIDATION_MODULES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    return {code for code in named & set(CATALOGUE) if CATALOGUE[code].level != "info"}


def guide_codes(guide: str) -> set[str]:
    """Codes the guide documents: the first cell of each table row, in backticks."""
    return set(re.findall(r"^\| `([a-z0-9.-]+)` \|", guide, flags=re.M))


def test_validation_codes_are_found() -> None:
    codes = validation_codes()
    assert {"missing-file", "encoding-cp1258", "duplicate-key", "lesson-quiz"} <= codes
    assert not any(c.startswith(("push-", "serve-", "part-")) for c in codes)
    assert len(codes) >= 80


def test_every_validation_code_is_in_the_officials_guide() -> None:
    documented = guide_codes(GUIDE.read_text(encoding="utf-8"))
    assert sorted(validation_codes() - documented) == []


def test_the_guide_names_only_existing_codes() -> None:
    documented = guide_codes(GUIDE.read_text(encoding="utf-8"))
    assert sorted(documented - set(CATALOGUE)) == []


def test_a_code_missing_from_the_guide_or_made_up_is_reported() -> None:
    """Negative control: the guide without one code's row fails the first check; a row for
    a code that does not exist fails the second."""
    guide = GUIDE.read_text(encoding="utf-8")
    without = re.sub(r"^\| `duplicate-key` \|.*\n", "", guide, flags=re.M)
    assert "duplicate-key" in validation_codes() - guide_codes(without)
    assert guide_codes(guide + "| `ma-gia` | lỗi | nghĩa | cách sửa |\n") - set(CATALOGUE) == {
        "ma-gia"
    }


# -- the test command ---------------------------------------------------------------------------

CI_RUN = ROOT / ".ci" / "run"


def readme_commands(readme: str) -> list[str]:
    """The README's fenced bash commands, in order (the first sets up and serves, the second
    installs what the tests need and runs the whole suite)."""
    return [block.strip() for block in re.findall(r"^```bash\n(.*?)^```", readme, re.M | re.S)]


def ci_command(script: str) -> str:
    """The last line of .ci/run: the command CI runs."""
    return script.strip().splitlines()[-1].strip()


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    """CI and a developer run the same suite the same way (in parallel: pytest-xdist)."""
    test_command = readme_commands(README.read_text(encoding="utf-8"))[1]
    assert ci_command(CI_RUN.read_text(encoding="utf-8")) == test_command
    # --durations: the slowest tests in every CI log, to keep the run well under 15 minutes
    assert test_command.endswith(".venv/bin/pytest -q -n auto --dist loadgroup --durations=30")


def test_a_ci_command_that_drifts_from_the_readme_is_reported() -> None:
    """Negative control: .ci/run without the parallel options no longer matches."""
    test_command = readme_commands(README.read_text(encoding="utf-8"))[1]
    drifted = CI_RUN.read_text(encoding="utf-8").replace(" -n auto --dist loadgroup", "")
    assert ci_command(drifted) != test_command
