"""The code's shape, read from its syntax trees: imports point one way, one module per
primitive (URL ↔ path, reading HTML), the model frozen once built. Each rule is a function
over source text, run on the package and on a small source that breaks it (its negative
control)."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"


def _modules() -> dict[str, str]:
    """Dotted module name → source, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = path.read_text(encoding="utf-8")
    return out


def _imports(source: str, *, top_only: bool = False) -> set[str]:
    """The generator modules a source imports (`top_only`: at module level only, not in a
    function: a lazy import is the documented way to keep a heavy or optional one off the
    start-up path)."""
    tree = ast.parse(source)
    nodes = tree.body if top_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {name for name in found if name.startswith("generator")}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


# (importer prefix, imported prefix, top-level imports only): the importer must not import it.
# Layers, bottom up: textvi/urlpath → data → lessons → model → pages → post (maps, search,
# pwa, feeds) → build → check/serve/export → cli.
FORBIDDEN: list[tuple[str, str, bool]] = [
    ("generator.textvi", "generator", False),
    ("generator.urlpath", "generator", False),
    ("generator.data", "generator.model", False),
    ("generator.data", "generator.pages", False),
    ("generator.data", "generator.build", False),
    ("generator.data", "generator.cli", False),
    ("generator.data.validate", "generator.lessons", True),
    ("generator.model", "generator.pages", False),
    ("generator.model", "generator.build", False),
    ("generator.pages", "generator.build", False),
    ("generator.pages", "generator.check", False),
    ("generator.pages", "generator.serve", False),
    ("generator.pages", "generator.cli", False),
    ("generator.check", "generator.maps", False),
    ("generator.check", "generator.pages", False),
    ("generator.check", "generator.build", False),
    ("generator.build", "generator.serve", False),
    ("generator.build", "generator.cli", False),
    ("generator.build", "generator.check", False),
    ("generator.serve", "generator.cli", False),
]


def import_violations(modules: dict[str, str]) -> list[str]:
    out = []
    for name, source in modules.items():
        everywhere, top = _imports(source), _imports(source, top_only=True)
        for importer, imported, top_only in FORBIDDEN:
            if not _under(name, importer):
                continue
            for target in sorted(top if top_only else everywhere):
                if _under(target, imported) and not _under(target, importer):
                    out.append(f"{name} imports {target}")
    return sorted(set(out))


def test_imports_point_one_way() -> None:
    assert import_violations(_modules()) == []


def test_imports_negative_control() -> None:
    bad = {
        "generator.check.links": "from generator.maps import basemap\n",
        "generator.data.validate": "from generator.lessons import load_lessons\n",
        "generator.model": "def f():\n    from generator.pages import collect\n",
    }
    assert import_violations(bad) == [
        "generator.check.links imports generator.maps",
        "generator.check.links imports generator.maps.basemap",
        "generator.data.validate imports generator.lessons",
        "generator.data.validate imports generator.lessons.load_lessons",
        "generator.model imports generator.pages",
        "generator.model imports generator.pages.collect",
    ]
    lazy = {"generator.data.validate": "def f():\n    from generator.lessons import x\n"}
    assert import_violations(lazy) == []


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def url_mappers(modules: dict[str, str]) -> list[str]:
    """Modules other than `generator.urlpath` that spell a page's file name: every mapping
    between a URL and its file goes through urlpath. Docstrings, prose (a string with a
    space: a message naming the file to a reader) and globs (size budgets) do not map. A
    regex counts too: `index\\.html` is the same file name with its dot escaped."""
    out = []
    for name, source in modules.items():
        if name == "generator.urlpath":
            continue
        tree = ast.parse(source)
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and "index.html" in node.value.replace("\\.", ".")
                and " " not in node.value
                and "*" not in node.value
            ):
                out.append(f"{name}:{node.lineno}")
    return out


def test_only_urlpath_maps_urls_to_paths() -> None:
    assert url_mappers(_modules()) == []


def test_url_mapping_negative_control() -> None:
    bad = {"generator.pwa": 'def rel(url):\n    return url.lstrip("/") + "index.html"\n'}
    assert url_mappers(bad) == ["generator.pwa:2"]
    regex = {"generator.search": 'PAGE = re.compile(r"^bai-hoc/[^/]+/index\\.html$")\n'}
    assert url_mappers(regex) == ["generator.search:1"]
    fine = {"generator.check": 'BUDGET = {"tinh/*/index.html": 1}\n"""A page\'s index.html."""\n'}
    assert url_mappers(fine) == []


def html_parsers(modules: dict[str, str]) -> list[str]:
    """Modules other than `generator.htmlread` that import an HTML parser."""
    out = []
    for name, source in modules.items():
        if name == "generator.htmlread":
            continue
        tree = ast.parse(source)
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            if any(n.startswith(("html.parser", "lxml", "bs4", "html5lib")) for n in names):
                out.append(f"{name}:{node.lineno}")
    return out


def test_only_htmlread_parses_html() -> None:
    assert html_parsers(_modules()) == []


def test_html_parser_negative_control() -> None:
    bad = {"generator.search": "from html.parser import HTMLParser\n"}
    assert html_parsers(bad) == ["generator.search:1"]


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    from generator.data.load import read_package
    from generator.data.schema import load_package
    from generator.model import build_model
    from generator.settings import load_settings

    package, _ = load_package(ROOT / "data")
    dataset = read_package(ROOT / "data", package)
    settings = load_settings(ROOT / "site")
    return build_model(dataset, settings, date(2026, 1, 1), labels=package.labels())


def accepts_writes(obj: object, name: str) -> bool:
    try:
        setattr(obj, name, getattr(obj, name))
    except dataclasses.FrozenInstanceError:
        return False
    return True


def test_model_is_frozen_after_build(model) -> None:  # type: ignore[no-untyped-def]
    assert model.labels  # set by the build afterwards once, now passed in
    for name in ("revision", "labels", "lessons", "provinces"):
        assert not accepts_writes(model, name), name


def test_model_freeze_negative_control(model) -> None:  # type: ignore[no-untyped-def]
    unfrozen = dataclasses.make_dataclass("Unfrozen", [("revision", object)])(None)
    assert accepts_writes(unfrozen, "revision")
    # dataclasses.replace is the way to a changed copy; the built model stays as it was.
    assert dataclasses.replace(model, revision="abc").revision == "abc"
    assert model.revision is None
