"""The command line in Vietnamese, click's and typer's own words included (issue 17, item 5).

click and typer mark their strings with the standard library's gettext (`from gettext import
gettext as _`), looked up when a help page or an error is printed, and typer computes its
rich panel titles once at import. Shipping a compiled `.mo` catalogue and setting LANGUAGE
would depend on the user's environment; instead `install()` points each of their modules'
`_`/`ngettext` at our catalogue (generator.data.messages_vi.CLI_VI) and translates typer's
precomputed titles. It also shows an on/off flag as a flag (no `<bool>`) and names the kind
of value an option takes in Vietnamese. Idempotent; called by generator.cli on import.
"""

from __future__ import annotations

import gettext
import importlib.abc
import importlib.machinery
import re
import sys
from typing import Any

from generator.data.messages_vi import CLI_ERRORS_VI, CLI_TYPES_VI, CLI_VI

_installed = False


def translate(message: str) -> str:
    return CLI_VI.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    import click  # noqa: F401
    import typer
    import typer.core

    for name, module in list(sys.modules.items()):
        if not (name == "click" or name.startswith(("click.", "typer"))) or module is None:
            continue
        _patch_gettext(module)
    # typer's rich panels (typer.rich_utils, with rich's Markdown and Pygments: a third of
    # what `antq build` with nothing changed spent) are imported by typer only to print a
    # help page or an error: translated the moment they are, not imported here.
    if "typer.rich_utils" in sys.modules:
        _patch_rich(sys.modules["typer.rich_utils"])
    else:
        sys.meta_path.insert(0, _RichFinder())
    _patch_types(typer.core)
    _patch_vendored_click(typer.core)
    _patch_errors()


def _patch_gettext(module: Any) -> None:
    if getattr(module, "_", None) is gettext.gettext:
        module._ = translate
    if getattr(module, "ngettext", None) is gettext.ngettext:
        module.ngettext = ntranslate


def _patch_rich(rich: Any) -> None:
    """typer's rich panels: their gettext calls and precomputed titles in Vietnamese."""
    _patch_gettext(rich)
    for attr, value in list(vars(rich).items()):
        if attr.isupper() and isinstance(value, str) and value in CLI_VI:
            setattr(rich, attr, CLI_VI[value])


class _RichFinder(importlib.abc.MetaPathFinder):
    """Finds typer.rich_utils as Python would, and translates it once it has run."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "typer.rich_utils":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: Any) -> None:
            run(module)
            _patch_rich(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]  # (its own loader)
        return spec


def vi_error(message: str) -> str:
    for pattern, replacement in CLI_ERRORS_VI:
        message = re.sub(pattern, replacement, message)
    return message


def _patch_errors() -> None:
    from typer._click import exceptions

    for cls in vars(exceptions).values():
        if isinstance(cls, type) and "format_message" in vars(cls):
            _wrap_format_message(cls)


def _wrap_format_message(cls: Any) -> None:
    original = cls.format_message

    def vi_format_message(self: Any) -> str:
        return vi_error(original(self))

    cls.format_message = vi_format_message


def _patch_vendored_click(core: Any) -> None:
    """typer ≥ 0.2x carries its own copy of click (typer._click) whose strings are plain
    literals, not gettext calls: the usage prefix, the usage placeholders and the help
    option's text are translated where they are used."""
    from typer._click import core as click_core
    from typer._click import formatting

    write_usage = formatting.HelpFormatter.write_usage

    def vi_write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, f"{translate('Usage:')} " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = vi_write_usage  # type: ignore[method-assign]
    for cls in {click_core.Command, core.TyperCommand, core.TyperGroup}:
        if "collect_usage_pieces" in vars(cls):
            _wrap_usage_pieces(cls)
        if "get_help_option" in vars(cls):
            _wrap_help_option(cls)


def _wrap_usage_pieces(cls: Any) -> None:
    pieces = cls.collect_usage_pieces

    def vi_pieces(self: Any, ctx: Any) -> list[str]:
        return [translate(piece) for piece in pieces(self, ctx)]

    cls.collect_usage_pieces = vi_pieces


def _wrap_help_option(cls: Any) -> None:
    get = cls.get_help_option

    def vi_help_option(self: Any, ctx: Any) -> Any:
        option = get(self, ctx)
        if option is not None and option.help:
            option.help = translate(option.help)
        return option

    cls.get_help_option = vi_help_option


def _patch_types(core: Any) -> None:
    """A flag shows no value kind; the others a Vietnamese one."""
    option_display = core.TyperOption.display_type_rich
    argument_display = core.TyperArgument.display_type_rich

    def option_type(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False):
            return None
        shown = option_display(self, ctx)
        return _vi_type(shown)

    def argument_type(self: Any, ctx: Any) -> str | None:
        return _vi_type(argument_display(self, ctx))

    core.TyperOption.display_type_rich = option_type
    core.TyperArgument.display_type_rich = argument_type


def _vi_type(shown: str | None) -> str | None:
    if shown is None:
        return None
    bare = shown.strip("<>")
    vi = CLI_TYPES_VI.get(bare)
    return f"<{vi}>" if vi else shown
