"""Issue 19 item 5: no function over 60 lines without a reason in its docstring. The rule is a
function over source text, run on the package and on small sources that break and keep it
(its negative control)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"
LIMIT = 60


def _unexplained_long(source: str, name: str = "<src>") -> list[str]:
    """`name:line function (n lines)` for each function longer than LIMIT lines whose docstring
    has no line starting "Long because"."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length <= LIMIT:
            continue
        doc = ast.get_docstring(node) or ""
        if any(line.strip().startswith("Long because") for line in doc.splitlines()):
            continue
        out.append(f"{name}:{node.lineno} {node.name} ({length} lines)")
    return out


def test_long_functions_give_a_reason() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        found += _unexplained_long(path.read_text(encoding="utf-8"), rel)
    assert not found, "functions over 60 lines without 'Long because …' in the docstring:\n" + (
        "\n".join(found)
    )


def _long_function(doc: str) -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(LIMIT - 1))
    return f'def f():\n    """{doc}"""\n{body}'


def test_negative_control_long_function_without_reason_is_reported() -> None:
    source = _long_function("Does things.")
    assert len(source.splitlines()) == LIMIT + 1
    assert _unexplained_long(source) == ["<src>:1 f (61 lines)"]


def test_long_function_with_reason_is_accepted() -> None:
    source = _long_function("Does things.\n\n    Long because it is a table.\n    ")
    assert _unexplained_long(source) == []
    # a function of exactly LIMIT lines needs no reason
    short = "def g():\n" + "".join(f"    x{i} = {i}\n" for i in range(LIMIT - 1))
    assert _unexplained_long(short) == []
