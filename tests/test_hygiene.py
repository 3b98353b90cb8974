"""The tests themselves: no silent skips, and no test that asserts nothing.

- `importorskip`, `pytest.skip`, `skipif`/`skip` marks and `xfail` are not used: what the test
  extra installs is there, and a test that cannot run fails. A strict xfail naming a known
  bug may be added to ALLOWED_SKIPS with the bug it names.
- Every test function asserts something: an `assert`, a `pytest.raises`/`warns`, or a call
  of a helper of the tests that does (found by the same scan, helpers of helpers included).
  A test that only runs code passes whatever the code does.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

SKIPS = {"importorskip", "skip", "skipif", "xfail"}
# (file, function) pairs allowed to skip or xfail, each with the reason. Empty: none.
ALLOWED_SKIPS: dict[tuple[str, str], str] = {}
# Test functions allowed without an assert of their own, each with the reason.
ALLOWED_NO_ASSERT: dict[tuple[str, str], str] = {}


def _modules() -> dict[str, ast.Module]:
    return {
        p.name: ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(TESTS.glob("*.py"))
        if p.name != "test_hygiene.py"
    }


def _enclosing_functions(tree: ast.Module) -> dict[ast.AST, str]:
    owner: dict[ast.AST, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                owner.setdefault(inner, node.name)
    return owner


def skips(tree: ast.Module, filename: str) -> list[str]:
    """Every use of a skip or xfail: `pytest.importorskip(…)`, `pytest.skip(…)`,
    `@pytest.mark.skipif(…)`, `pytest.xfail(…)`."""
    owner = _enclosing_functions(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SKIPS:
            function = owner.get(node, "<module>")
            if (filename, function) not in ALLOWED_SKIPS:
                found.append(f"{filename}:{node.lineno} {function}: {node.attr}")
    return found


def _asserts(function: ast.FunctionDef | ast.AsyncFunctionDef, helpers: set[str]) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and _name(call.func) in ("raises", "warns"):
                    return True
        if isinstance(node, ast.Call) and _name(node.func) in helpers:
            return True
    return False


def asserting_helpers(trees: list[ast.Module]) -> set[str]:
    """Names of functions in the tests that assert, directly or through another such helper."""
    functions = [
        node
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    helpers: set[str] = set()
    while True:
        found = {f.name for f in functions if f.name not in helpers and _asserts(f, helpers)}
        if not found:
            return helpers
        helpers |= found


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def assertionless(tree: ast.Module, filename: str, helpers: set[str]) -> list[str]:
    return [
        f"{filename}:{node.lineno} {node.name}"
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.name.startswith("test_")
        and (filename, node.name) not in ALLOWED_NO_ASSERT
        and not _asserts(node, helpers)
    ]


def test_no_silent_skips() -> None:
    found = [line for name, tree in _modules().items() for line in skips(tree, name)]
    assert found == [], "a test that cannot run must fail, not skip"


def test_every_test_asserts_something() -> None:
    modules = _modules()
    helpers = asserting_helpers(list(modules.values()))
    found = [line for name, tree in modules.items() for line in assertionless(tree, name, helpers)]
    assert found == []


def test_the_scans_catch_what_they_look_for() -> None:
    """Negative control: each scan on a small source that breaks its rule."""
    source = ast.parse(
        "import pytest\n"
        "shapely = pytest.importorskip('shapely')\n"
        "@pytest.mark.skipif(True, reason='x')\n"
        "def test_a():\n    assert 1\n"
        "def test_runs_only():\n    build()\n"
        "def test_raises():\n    with pytest.raises(ValueError):\n        int('x')\n"
        "def test_helper():\n    same(1, 1)\n"
        "def test_silent_helper():\n    helper()\n"
        "def same(a, b):\n    check(a, b)\n"
        "def check(a, b):\n    assert a == b\n"
        "def helper():\n    pass\n"
    )
    assert skips(source, "x.py") == ["x.py:2 <module>: importorskip", "x.py:3 test_a: skipif"]
    helpers = asserting_helpers([source])
    assert helpers == {"test_a", "test_raises", "test_helper", "same", "check"}
    assert assertionless(source, "x.py", helpers) == [
        "x.py:6 test_runs_only",
        "x.py:13 test_silent_helper",
    ]
