"""The one message catalogue: every entry formats, and no user-facing line is written inline.

A user-facing line is one printed to a terminal or a log, sent in an HTTP error body, or
raised in an exception. It must come from `generator.data.messages_vi` (stable code, strict
formatting). The scan below finds Vietnamese string literals that reach such a sink in the
Python source, outside the modules that write page content (the built site's text).
"""

from __future__ import annotations

import ast
import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from generator.data.messages_vi import CATALOGUE, MissingParameter, problem, say, text

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"

# Modules whose Vietnamese strings are page content (titles, labels, text of the built site,
# sample data), or the catalogue itself. Paths relative to generator/; a folder ends in "/".
PAGE_CONTENT = (
    "pages/",
    "changes.py",  # the lines of the change list and of notifications (issue 19)
    "model.py",
    "maps.py",
    "render.py",
    "textvi.py",
    "lesson_filter.py",
    "geo.py",
    "data/synth/",
    "data/messages_vi.py",
    "data/problems.py",  # the frame of every catalogue line (“lỗi: … — Cách sửa: …”)
)

# Calls whose arguments a user reads: terminal output, logs, HTTP bodies, exceptions built
# outside a `raise`, lines collected for a report.
SINK_CALLS = {
    "echo",
    "secho",
    "print",
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "critical",
    "log",
    "Response",
    "JSONResponse",
    "PlainTextResponse",
    "HTMLResponse",
    "send_error",
    "Exit",
    "track",  # rich's progress bar
    "status",  # rich's spinner
    # The catalogue's own functions: their parameters are parts of a user's line.
    "problem",
    "say",
    "text",
    "make_problem",
}


def _vietnamese(value: str) -> bool:
    """A letter with a diacritic (or đ): Vietnamese text, not ASCII identifiers or symbols."""
    return any(
        ord(c) > 127 and c.isalpha() and (c in "đĐ" or len(unicodedata.normalize("NFD", c)) > 1)
        for c in value
    )


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _dotted(rel: str) -> str:
    """generator/`rel` as a module name: "data/validate.py" -> "generator.data.validate"."""
    parts = ["generator", *rel.removesuffix(".py").split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(rel: str, tree: ast.Module) -> dict[str, set[str]]:
    """The names a module binds by import (in any of its functions), and its own top-level
    functions, each to the dotted names it stands for: more than one when functions import
    different things under one name. Relative imports are resolved against the module."""
    module = _dotted(rel)
    bound: dict[str, set[str]] = {}
    for n in tree.body:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound.setdefault(n.name, set()).add(f"{module}.{n.name}")
    # The package a relative import starts from: the module itself for an __init__.py.
    package = module.split(".") + (["__init__"] if rel.endswith("__init__.py") else [])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    bound.setdefault(a.asname, set()).add(a.name)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            for a in node.names:
                bound.setdefault(a.asname or a.name, set()).add(f"{source}.{a.name}")
    return bound


def _qualified(node: ast.Call, bound: dict[str, set[str]]) -> set[str]:
    """The dotted names a called function may be when the module says (its own function, one
    imported, or `module.function`), else the bare name: a method or a name the scan cannot
    resolve, matched against every function of that name."""
    func = node.func
    if isinstance(func, ast.Name) and func.id in bound:
        return bound[func.id]
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in bound
    ):
        return {f"{target}.{func.attr}" for target in bound[func.value.id]}
    return {_callee(node)}


def _literals(node: ast.AST) -> list[ast.Constant]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and _vietnamese(n.value)
    ]


# Collecting calls that are sinks only when the collection is a report's: `problems.append`,
# `lines.extend`, `sys.stderr.write` (not `rows.append` of a table being built).
COLLECTING = {"append", "extend", "write", "update"}
REPORT_RECEIVER = re.compile(r"problem|lines|error|message|warning|std(err|out)|status", re.I)


def _message_classes() -> set[str]:
    """Classes of generator/ that carry a user-facing text: a field named like one."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and item.target.id in ("message", "lines", "detail", "hint")
                for item in node.body
            ):
                names.add(node.name)
    return names


MESSAGE_CLASSES = _message_classes()


def _is_sink(node: ast.Call) -> bool:
    name = _callee(node)
    if name in COLLECTING and isinstance(node.func, ast.Attribute):
        return bool(REPORT_RECEIVER.search(ast.unparse(node.func.value)))
    return name in SINK_CALLS or name in MESSAGE_CLASSES or name.endswith(("Error", "Exception"))


def _reaching(scope: ast.AST, reported: set[str]) -> list[ast.AST]:
    """The expressions of one module or function whose value reaches a user: raised
    exceptions, sink arguments, what is assigned to (or iterated into) a name passed to a
    sink, and what a function returns when its result is passed to a sink."""
    parts: list[ast.AST] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Raise) and node.exc is not None:
            parts.append(node.exc)
        elif isinstance(node, ast.Call) and _is_sink(node):
            parts.extend(node.args)
            parts.extend(k.value for k in node.keywords)
    names = {n.id for p in parts for n in ast.walk(p) if isinstance(n, ast.Name)}
    for node in ast.walk(scope):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in names for t in targets):
                parts.append(node.value)
        elif isinstance(node, (ast.For, ast.comprehension)) and any(
            isinstance(t, ast.Name) and t.id in names for t in ast.walk(node.target)
        ):
            parts.append(node.iter)
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and scope.name in reported:
        parts.extend(n.value for n in ast.walk(scope) if isinstance(n, ast.Return) and n.value)
        # A function returning a list of lines: what it appends is returned too.
        parts.extend(
            arg
            for n in ast.walk(scope)
            if isinstance(n, ast.Call) and _callee(n) in COLLECTING
            for arg in n.args
        )
    return parts


def _scopes(tree: ast.Module) -> list[ast.AST]:
    return [tree] + [
        n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def _reported_functions(modules: dict[str, ast.Module]) -> set[str]:
    """Functions whose result reaches a user (e.g. `echo(report.summary())`): dotted names
    where the calling module says which function it is, bare names where it cannot."""
    names: set[str] = set()
    binds = {_dotted(rel): _imports(rel, tree) for rel, tree in modules.items()}
    for rel, tree in modules.items():
        for scope in _scopes(tree):
            for part in _reaching(scope, set()):
                for node in ast.walk(part):
                    if isinstance(node, ast.Call) and _callee(node):
                        names |= _qualified(node, binds[_dotted(rel)])
    # Follow re-exports: `generator.check.run_cli` is what generator/check/__init__.py
    # imports from generator/check/cli.py.
    todo = list(names)
    while todo:
        module, _, name = todo.pop().rpartition(".")
        for target in binds.get(module, {}).get(name, set()) - names:
            names.add(target)
            todo.append(target)
    return names


def _inline_lines(rel: str, tree: ast.Module, reported: set[str]) -> list[ast.Constant]:
    module = _dotted(rel)
    # A function of this module is reported by its dotted name, or by a bare call of its
    # name that no module resolved (a method, say).
    here = {
        n.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and ({n.name, f"{module}.{n.name}"} & reported)
    }
    found: list[ast.Constant] = []
    for scope in _scopes(tree):
        for part in _reaching(scope, here):
            found.extend(_literals(part))
    return found


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if not rel.startswith(PAGE_CONTENT):
            modules[rel] = ast.parse(path.read_text(encoding="utf-8"))
    return modules


MODULES = _modules()
REPORTED = _reported_functions(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_inline_vietnamese_user_line(module: str) -> None:
    found = sorted({(c.lineno, c.value) for c in _inline_lines(module, MODULES[module], REPORTED)})
    assert found == [], f"generator/{module}: move these lines into messages_vi.CATALOGUE"


def test_the_scan_sees_each_kind_of_sink() -> None:
    source = """
def f(x):
    raise ValueError(f"tệp {x} hỏng")
def g():
    msg = "không đọc được"
    typer.echo(msg)
def h():
    log.warning("đang dừng")
    rows.append(["Thành phố"])
    problems.append(problem("x", name="ký tự"))
    return JSONResponse({"error": "Yêu cầu không hợp lệ."}, status_code=400)
def summary():
    return "Tổng cộng: hai lỗi"
def page():
    return "<h1>Trang chủ</h1>"
def lines():
    out = []
    out.append(f"Lượt {x}")
    return out
def refuse():
    return [Refusal("keys", "Thiếu khóa.")]
def main():
    print(summary())
    for line in lines():
        typer.echo(line)
"""
    tree = ast.parse(source)
    reported = _reported_functions({"cli.py": tree})
    seen = {c.value for c in _inline_lines("cli.py", tree, reported)}
    assert seen == {
        "tệp ",
        " hỏng",
        "không đọc được",
        "đang dừng",
        "ký tự",
        "Yêu cầu không hợp lệ.",
        "Tổng cộng: hai lỗi",
        "Lượt ",
        "Thiếu khóa.",
    }


def test_a_reported_function_is_told_from_a_namesake_in_another_module() -> None:
    """`_cell` reported by data/validate.py is its own: rows.py's `_cell`, page text of the
    same name, is not read as a message line (it once was, matched by bare name). A call
    the scan cannot resolve (a method) still counts for every function of that name."""
    modules = {
        "data/validate.py": ast.parse(
            "def _cell(x):\n    return f'ô {x} trống'\ndef report(x):\n    typer.echo(_cell(x))\n"
        ),
        "pages/rows.py": ast.parse("def _cell(x):\n    return f'<td>Ô {x}</td>'\n"),
        "cli.py": ast.parse("from .pages import rows\ndef page(x):\n    return rows._cell(x)\n"),
    }
    reported = _reported_functions(modules)
    assert "generator.data.validate._cell" in reported

    def lines(rel: str) -> set[str]:
        return {c.value for c in _inline_lines(rel, modules[rel], reported)}

    assert lines("data/validate.py") == {"ô ", " trống"}
    assert lines("pages/rows.py") == set()
    modules["cli.py"] = ast.parse("def report(obj):\n    typer.echo(obj._cell(1))\n")
    assert lines("pages/rows.py") == set()
    reported = _reported_functions(modules)
    assert lines("pages/rows.py") == {"<td>Ô "}


def test_a_reported_function_is_found_through_a_re_export_and_a_reused_name() -> None:
    """`run_cli` bound by two imports in two functions of cli.py stands for both; the one
    of generator.check is re-exported from check/cli.py, where its line is."""
    modules = {
        "cli.py": ast.parse(
            "def a():\n    from generator.data.validate import run_cli\n    run_cli()\n"
            "def b():\n    from generator.check import run_cli\n    typer.echo(run_cli())\n"
        ),
        "check/__init__.py": ast.parse("from .cli import run_cli\n"),
        "check/cli.py": ast.parse("def run_cli():\n    return 'Trang hỏng'\n"),
        "data/validate.py": ast.parse("def run_cli():\n    return 'Dữ liệu hỏng'\n"),
    }
    reported = _reported_functions(modules)
    for rel, line in (("check/cli.py", "Trang hỏng"), ("data/validate.py", "Dữ liệu hỏng")):
        assert {c.value for c in _inline_lines(rel, modules[rel], reported)} == {line}


def _placeholders(code: str) -> set[str]:
    entry = CATALOGUE[code]
    names = set()
    for template in (entry.message, entry.hint or ""):
        names |= {f for _, f, _, _ in string.Formatter().parse(template) if f}
    return names


def _failures(check: Callable[[str], None], codes: Iterable[str]) -> dict[str, str]:
    """check(code) for every code (one test for hundreds of entries, not one test each: the
    per-test cost was most of the time); the codes whose check failed, each with why."""
    failed: dict[str, str] = {}
    for code in codes:
        try:
            check(code)
        except (AssertionError, pytest.fail.Exception) as exc:
            failed[code] = str(exc) or type(exc).__name__
    return failed


def test_every_entry_formats_with_exactly_its_placeholders() -> None:
    assert _failures(_formats_with_exactly_its_placeholders, sorted(CATALOGUE)) == {}


def _formats_with_exactly_its_placeholders(code: str) -> None:
    names = _placeholders(code)
    params = {n: f"<{n}>" for n in names if n != "field"}
    field = "<field>" if "field" in names else None
    made = problem(code, "data/x.csv", field=field, **params)
    for rendered in (made.message, made.hint or "", made.line(), say(code, **params, field=field)):
        # A literal brace in a message is written doubled ({{…}}) and prints single: compare
        # with the template's own literal braces.
        assert rendered.count("{") == rendered.count("}")
        for name in names:
            assert "{" + name + "}" not in rendered, (code, name)
    template_braces = sum(
        len(literal) - len(literal.replace("{", ""))
        for _, template in ((0, CATALOGUE[code].message),)
        for literal, _, _, _ in string.Formatter().parse(template)
    )
    assert made.message.count("{") == template_braces, code
    assert text(code, **params, **({"field": field} if field else {})) == made.message


def test_a_missing_parameter_raises() -> None:
    codes = sorted(c for c in CATALOGUE if _placeholders(c) - {"field"})
    assert codes  # (not vacuous)
    assert _failures(_missing_parameter_raises, codes) == {}


def test_a_failing_entry_is_reported() -> None:
    """Negative control of the two loops above: a check failing for one code names it."""

    def check(code: str) -> None:
        assert code != "b", "broken"
        if code == "c":
            with pytest.raises(MissingParameter):
                pass

    failed = _failures(check, ["a", "b", "c"])
    assert sorted(failed) == ["b", "c"] and "broken" in failed["b"]


def _missing_parameter_raises(code: str) -> None:
    names = sorted(_placeholders(code) - {"field"})
    for left_out in names:
        params = {n: "x" for n in names if n != left_out}
        with pytest.raises(MissingParameter):
            problem(code, "data/x.csv", field="f", **params)
        with pytest.raises(MissingParameter):
            say(code, field="f", **params)
        if "{" + left_out + "}" in CATALOGUE[code].message:
            with pytest.raises(MissingParameter):
                text(code, field="f", **params)


def test_no_placeholder_shadows_a_parameter_of_problem() -> None:
    # `problem(code, file, row=, column=, level=, ...)` takes these itself: an entry naming
    # one of them could never be formatted (field is the located field, passed on purpose).
    reserved = {"code", "file", "row", "column", "level"}
    assert {c: _placeholders(c) & reserved for c in CATALOGUE if _placeholders(c) & reserved} == {}
