"""docs/configuration.md lists exactly the environment variables ``config/`` reads.

The reads are found in the source, not at run time (a run only reads the branches it takes): every call
on ``env``/``_env`` (config.env.Env: ``str``, ``int``, ``bool``, ``list``, ``raw``), ``os.environ.get``,
``os.environ.setdefault``, ``os.getenv``, ``os.environ[...]`` and ``... in os.environ`` under ``config/``.
A name built in a loop over a literal table (``f"LEIKA_KEY_{service.upper()}"`` over ``LEIKA_DEFAULTS``)
is expanded; a name the test cannot work out fails it, so every read stays visible to this check.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
DOC = ROOT / "docs" / "configuration.md"

ENV_OBJECTS = {"env", "_env"}
ENV_METHODS = {"str", "int", "bool", "list", "raw"}
OS_CALLS = {"os.environ.get", "os.environ.setdefault", "os.environ.pop", "os.getenv"}
# Sections of the page about variables that scripts and the Makefile read, not config/.
OUTSIDE_HEADING = "outside `config/`"
NAME = re.compile(r"`([A-Z][A-Z0-9_]{2,})`")


class Unresolved(Exception):
    pass


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _name_argument(node: ast.AST) -> ast.expr | None:
    """The expression naming the variable, if ``node`` reads the environment."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ENV_METHODS
            and _dotted(func.value) in ENV_OBJECTS
        ):
            return node.args[0]
        if _dotted(func) in OS_CALLS:
            return node.args[0]
    if isinstance(node, ast.Subscript) and _dotted(node.value) == "os.environ":
        return node.slice
    if (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], ast.In | ast.NotIn)
        and _dotted(node.comparators[0]) == "os.environ"
    ):
        return node.left
    return None


def _literal(expr: ast.expr, module: ast.Module) -> list:
    """The elements a loop iterates over: a literal, a module-level literal, or ``LITERAL.items()``."""
    items = isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "items"
    target = expr.func.value if items else expr
    if isinstance(target, ast.Name):
        for stmt in module.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == target.id for t in stmt.targets
            ):
                target = stmt.value
                break
    try:
        value = ast.literal_eval(target)
    except ValueError:
        raise Unresolved(ast.unparse(expr)) from None
    return list(value.items()) if items else list(value)


def _bind(target: ast.expr, value, bindings: dict) -> None:
    if isinstance(target, ast.Name):
        bindings[target.id] = value
    elif isinstance(target, ast.Tuple):
        for element, item in zip(target.elts, value, strict=True):
            _bind(element, item, bindings)
    else:
        raise Unresolved(ast.unparse(target))


def _loops(node: ast.AST, parents: dict) -> list[tuple[ast.expr, ast.expr, ast.AST]]:
    """(target, iter, body owner) of every loop and comprehension around ``node``, innermost first."""
    loops = []
    current = node
    while current in parents:
        current = parents[current]
        if isinstance(current, ast.For):
            loops.append((current.target, current.iter, current))
        elif isinstance(current, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            loops.extend((gen.target, gen.iter, current) for gen in current.generators)
    return loops


def _names(arg: ast.expr, node: ast.AST, parents: dict, module: ast.Module) -> list[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    loops = _loops(node, parents)
    if isinstance(arg, ast.Name):  # a name assigned from an f-string inside the loop
        for _target, _iter, owner in loops:
            for stmt in ast.walk(owner):
                if isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == arg.id for t in stmt.targets
                ):
                    if isinstance(stmt.value, ast.JoinedStr):
                        return _names(stmt.value, node, parents, module)
    if not loops:
        raise Unresolved(ast.unparse(arg))
    combinations: list[dict] = [{}]
    for target, iterable, _owner in loops:
        combinations = [
            {**bindings, **new}
            for bindings in combinations
            for item in _literal(iterable, module)
            for new in [_bound(target, item)]
        ]
    code = compile(ast.Expression(body=arg), "<env name>", "eval")
    try:
        return [eval(code, {"__builtins__": {}}, bindings) for bindings in combinations]  # noqa: S307
    except Exception as exc:  # noqa: BLE001 - anything else is a read this test cannot follow
        raise Unresolved(ast.unparse(arg)) from exc


def _bound(target: ast.expr, item) -> dict:
    bindings: dict = {}
    _bind(target, item, bindings)
    return bindings


def variables_read(directory: Path = CONFIG) -> dict[str, str]:
    """Every environment variable read under ``directory`` → the first place it is read."""
    found: dict[str, str] = {}
    unresolved = []
    for path in sorted(directory.rglob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        parents = {child: parent for parent in ast.walk(module) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(module):
            arg = _name_argument(node)
            if arg is None:
                continue
            where = f"{path.relative_to(directory.parent)}:{node.lineno}"
            try:
                for name in _names(arg, node, parents, module):
                    found.setdefault(name, where)
            except Unresolved as exc:
                unresolved.append(f"{where}: {exc}")
    assert not unresolved, "environment reads whose variable name this test cannot work out:\n" + "\n".join(
        unresolved
    )
    return found


def _table_rows(text: str) -> Iterator[tuple[str, str]]:
    """(heading, first cell) of every table row on the page."""
    heading = ""
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line
        elif line.startswith("|") and not re.match(r"\|\s*-", line):
            yield heading, line.split("|")[1]


def documented(text: str) -> tuple[set[str], set[str]]:
    """(variables the page lists for config/, variables it lists as read elsewhere)."""
    inside, outside = set(), set()
    for heading, cell in _table_rows(text):
        (outside if OUTSIDE_HEADING in heading else inside).update(NAME.findall(cell))
    return inside, outside


def test_every_variable_config_reads_is_on_the_page_and_nothing_else_is():
    read = variables_read()
    inside, _outside = documented(DOC.read_text(encoding="utf-8"))
    missing = {name: where for name, where in read.items() if name not in inside}
    assert not missing, f"read by config/ but not listed in docs/configuration.md: {missing}"
    stale = inside - read.keys()
    assert not stale, f"listed in docs/configuration.md but not read by config/: {sorted(stale)}"


def test_the_finder_sees_literal_and_built_names():
    """Negative control: the finder is not silent — it sees plain and loop-built names and refuses others."""
    read = variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "TEST_DB_SUFFIX", "DJANGO_SETTINGS_MODULE"} <= read.keys()
    assert {"LEIKA_KEY_PARKING", "A11Y_ENFORCEMENT_URL", "AWS_S3_REGION_NAME"} <= read.keys()


def test_a_missing_row_and_an_unknown_row_both_fail(tmp_path):
    """Negative control of the comparison: a page without one row, or with a row nobody reads, differs."""
    text = DOC.read_text(encoding="utf-8")
    inside, _ = documented(text)
    without = "\n".join(line for line in text.splitlines() if "`SITE_URL`" not in line)
    assert "SITE_URL" in inside and "SITE_URL" not in documented(without)[0]
    extra = (
        text
        + "\n## More\n\n| variable | default | meaning |\n|---|---|---|\n| `NOT_READ_ANYWHERE` | – | – |\n"
    )
    assert "NOT_READ_ANYWHERE" in documented(extra)[0] - variables_read().keys()


def test_a_read_with_a_computed_name_is_refused(tmp_path):
    (tmp_path / "settings.py").write_text("import os\nNAME = os.environ.get(prefix() + '_X')\n")
    try:
        variables_read(tmp_path)
    except AssertionError as exc:
        assert "cannot work out" in str(exc)
    else:
        raise AssertionError("a computed variable name passed unnoticed")
