"""`antq check DIR`: the command's output and exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from generator.check.site import check_site
from generator.data.messages_vi import say


def _echo(text: str, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


def run_cli(root: Path, site_dir: Path, echo: Callable[..., Any] = _echo) -> int:
    """`antq check`: one line per problem, then a summary; 0 clean, 1 problems, 2 usage."""
    from generator.settings import SettingsError, load_settings

    if not root.is_dir():
        echo(say("check-no-site", root=root), err=True)
        return 2
    try:
        settings = load_settings(site_dir)
    except SettingsError as exc:
        for line in exc.problems:
            echo(line, err=True)
        return 2
    budgets: Mapping[str, int] | None = settings.budgets  # None: DEFAULT_BUDGETS
    report = check_site(root, settings.base_url, budgets=budgets)
    for problem in report.problems:
        echo(problem.line())
    echo(report.summary())
    return 1 if report.problems else 0
