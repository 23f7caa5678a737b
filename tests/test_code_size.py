"""The limits the project keeps (README, architecture): no hand-written module of the application
packages over 400 lines, no function over 60 lines (larger ones hide two topics; split them by topic),
and no import inside a function unless a comment on that line or the one above says why (such imports
hide dependency cycles from import-linter's contracts).

Tests, benchmarks and migrations are exempt. Read from the source with ``ast``, not imported."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "config",
    "core",
    "geo",
    "cases",
    "boundaries",
    "organisations",
    "operations",
    "citizens",
    "notifications",
    "reports",
    "permits",
    "accessibility",
    "privacy",
    "subscriptions",
    "api",
    "web",
    "staff",
    "addresses",
    "requestkit",
    "ogcapi",
    "opendata",
]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_the_checked_packages_exist():
    assert all((ROOT / package / "__init__.py").exists() for package in PACKAGES)
    assert len(_modules()) > 50


def test_no_module_is_longer_than_400_lines():
    long = {
        str(p.relative_to(ROOT)): n for p in _modules() if (n := p.read_text().count("\n")) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_longer_than_60_lines():
    limit = MAX_FUNCTION_LINES
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = length
    assert long == {}


def test_imports_inside_functions_say_why():
    unexplained = []
    for path in _modules():
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    here, above = lines[inner.lineno - 1], lines[inner.lineno - 2]
                    if "#" not in here and not above.strip().startswith("#"):
                        unexplained.append(f"{path.relative_to(ROOT)}:{inner.lineno}: {here.strip()}")
    assert unexplained == []
