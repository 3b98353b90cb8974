"""The one root of every error a user can fix, kept apart from bugs.

A user error (bad data, a wrong setting, a command called wrongly, a missing tool, a
deployment mistake) carries one or more Vietnamese lines and an exit code; the command line
prints the lines and exits with the code, never a traceback. Any other exception is a bug in
antq and keeps its traceback. Every class that reports such an error derives from
`AntqError`; the lines come from the message catalogue (`generator.data.messages_vi`).
"""

from __future__ import annotations

from collections.abc import Iterable


class AntqError(Exception):
    """An error the user can fix. `lines` are Vietnamese; `exit_code` 1 means the input is
    wrong (data, settings, a site), 2 that the command was called or deployed wrongly."""

    exit_code: int = 1

    def __init__(self, lines: str | Iterable[str] = (), *, exit_code: int | None = None) -> None:
        self.lines: list[str] = [lines] if isinstance(lines, str) else list(lines)
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__("\n".join(self.lines))


class BuildError(AntqError):
    """The build stopped for a reason the user can fix; `lines` are Vietnamese messages.
    Here rather than in `generator.build` so that the stages below the build (pages, search)
    raise it without importing the build."""


class UsageError(AntqError):
    """The command was called wrongly or cannot run here (exit code 2), not a data error."""

    exit_code = 2
