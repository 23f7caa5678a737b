"""A backstop against very large modules and functions, Python and JavaScript; size is review guidance.

What a reviewer asks (the project's style guide): past ~400 lines a module, ~60 a function, look for a second topic.
That is a question, not a rule: a gate at those numbers split coherent modules and packed tuples onto
lines to stay under them (issue 28: an average module of 88 lines, ``config/settings/base.py`` at exactly
400). So this test fails only at twice the guidance, where no coherent piece of this code base ends up:

- **modules over 800 lines** — more than a reviewer reads in one sitting; the largest hand-written module
  today has about 400 (Python) or 300 (JavaScript, since ``static/js/map.js`` became ``static/js/map/``);
- **functions over 120 lines** — two screens; no single step of this code base is that long, the longest
  function today has about 60. Counted are a function's own lines: functions defined inside it are
  checked on their own (see ``_own_lines``; in Python nearly no function has any).

JavaScript was exempt before (``map.js`` had 767 lines of eight concerns; it was split in review, by
concern, which is the point). Checked are our own scripts under
``static/`` (not ``static/vendor/``, copies of npm packages, nor the bundle ``static/js/map.js``, which
``scripts/build-js.sh`` makes from modules that are checked themselves). Python functions are found with
``ast``; JavaScript functions with the small tokenizer below (comments, strings, template literals and
regular expressions skipped, braces matched), so no JavaScript parser is needed. Tests, benchmarks and
migrations are exempt.

Also here: no import inside a Python function unless a comment on that line or the one above says why
(such imports hide dependency cycles from import-linter's contracts)."""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "config",
    "kernel/core",
    "kernel/geo",
    "kernel/cases",
    "kernel/boundaries",
    "kernel/organisations",
    "shared/operations",
    "shared/citizens",
    "kernel/notifications",
    "domains/reports",
    "domains/permits",
    "domains/accessibility",
    "shared/privacy",
    "shared/subscriptions",
    "interfaces/api",
    "interfaces/web",
    "interfaces/staff",
    "kernel/addresses",
    "shared/http",
    "interfaces/ogcapi",
    "interfaces/opendata",
]
STATIC = ROOT / "static"
NOT_OURS = {STATIC / "vendor"}  # npm packages, copied by scripts/vendor-static.sh
GENERATED = {STATIC / "js" / "map.js"}  # made from static/js/map/*.js by scripts/build-js.sh
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 120


def _python_modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _js_sources() -> list[Path]:
    return [
        path
        for path in sorted(STATIC.rglob("*.js"))
        if path not in GENERATED and not any(path.is_relative_to(folder) for folder in NOT_OURS)
    ]


def _python_functions(text: str) -> list[tuple[str, int, int]]:
    """(name, first line, last line) of every function and method."""
    return [
        (node.name, node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


# After these, a "/" starts a regular expression, not a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"", "return", "typeof", "case", "do", "else", "in", "of", "new"}
_WORD = re.compile(r"[A-Za-z_$][\w$]*")


def _skip_quoted(text: str, i: int, quote: str) -> int:
    """Index after the string, template literal or regular expression starting at ``i``."""
    in_class = False  # inside [...] of a regular expression a "/" does not end it
    i += 1
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if quote == "/" and char in "[]":
            in_class = char == "["
        elif char == quote and not in_class:
            return i + 1
        i += 1
    return i


def _js_tokens(text: str) -> Iterator[tuple[str, int]]:
    """(token, line) of the code: words, ``=>`` and single punctuation characters; comments, strings,
    template literals and regular expressions are skipped (yielded as ``"a"``, a value)."""
    newlines = [n for n, c in enumerate(text) if c == "\n"]
    last = ""  # the previous token, to tell a regular expression from a division
    i = 0
    while i < len(text):
        if text.startswith(("//", "/*"), i):
            closing = "\n" if text[i + 1] == "/" else "*/"
            end = text.find(closing, i + 2)
            i = len(text) if end < 0 else end + len(closing)
            continue
        if text[i].isspace():
            i += 1
            continue
        line = bisect.bisect_left(newlines, i) + 1
        if text[i] in "'\"`" or (text[i] == "/" and last in _REGEX_AFTER):
            i, last = _skip_quoted(text, i, text[i]), "a"
        elif word := _WORD.match(text, i):
            i, last = word.end(), word.group()
        else:
            last = "=>" if text.startswith("=>", i) else text[i]
            i += len(last)
        yield last, line


def _js_functions(text: str) -> list[tuple[str, int, int]]:
    """(``function`` or ``=>``, first line, last line) of every function with a braced body.

    Written for the ES2018 our scripts use: ``function`` declarations and expressions and arrow
    functions; braces in comments, strings, template literals and regular expressions do not count."""
    found: list[tuple[str, int, int]] = []
    opened: list[tuple[str, int] | None] = []  # per open brace: the function it starts, if any
    pending: tuple[str, int] | None = None  # a function whose body brace comes next
    for token, line in _js_tokens(text):
        if pending and pending[0] == "=>" and token != "{":
            pending = None  # an arrow function with an expression body
        if token in ("function", "=>"):
            pending = (token, line)
        elif token == "{":
            opened.append(pending)
            pending = None
        elif token == "}" and opened and (start := opened.pop()):
            found.append((start[0], start[1], line))
    return found


def _long_modules(paths: list[Path], limit: int = MAX_MODULE_LINES) -> dict[str, int]:
    return {_name(p): n for p in paths if (n := p.read_text().count("\n")) > limit}


def _own_lines(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """(name, first line, lines of its own) per function: the functions defined inside one are not counted
    in it but checked themselves, as a class's methods are not its length. Our scripts keep their helpers
    as closures in a function — the ``(function () { … })()`` around each file, ``init()`` of a form —
    which a whole-span count would turn into a 120-line limit per script."""
    own = []
    for name, first, last in spans:
        inner = {
            n
            for _, a, b in spans
            if first <= a and b <= last and (a, b) != (first, last)
            for n in range(a, b + 1)
        }
        own.append((name, first, last - first + 1 - len(inner)))
    return own


def _long_functions(paths: list[Path], limit: int = MAX_FUNCTION_LINES) -> dict[str, int]:
    long = {}
    for path in paths:
        functions = _python_functions if path.suffix == ".py" else _js_functions
        for name, first, length in _own_lines(functions(path.read_text())):
            if length > limit:
                long[f"{_name(path)}:{first} {name}"] = length
    return long


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def test_the_checked_packages_and_scripts_exist():
    assert all((ROOT / package / "__init__.py").exists() for package in PACKAGES)
    assert len(_python_modules()) > 50
    scripts = {_name(p) for p in _js_sources()}
    assert {"static/js/map/index.js", "static/js/report-form.js", "static/staff/kontrolle.js"} <= scripts
    assert not any(name.startswith("static/vendor/") for name in scripts)
    assert "static/js/map.js" not in scripts


def test_no_module_is_longer_than_800_lines():
    assert _long_modules(_python_modules() + _js_sources()) == {}


def test_no_function_is_longer_than_120_lines():
    assert _long_functions(_python_modules() + _js_sources()) == {}


def test_the_checks_find_a_long_module_and_long_functions(tmp_path):
    """The checker itself, on synthetic files: it must be able to fail."""
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES))
    py = tmp_path / "long.py"
    py.write_text(f"def short():\n    return 1\n\n\ndef long():\n{body}")
    js_body = "".join(f'    var x{n} = "{{";\n' for n in range(MAX_FUNCTION_LINES))
    js = tmp_path / "long.js"
    js.write_text(f"var a = function () {{\n{js_body}}};\nvar b = () => {{ return 1; }};\n")
    assert _long_functions([py, js]) == {"long.py:5 long": 121, "long.js:1 function": 122}
    assert _long_modules([py, js], limit=MAX_FUNCTION_LINES) == {"long.py": 125, "long.js": 123}
    assert _long_modules([py, js]) == {}


def test_the_javascript_tokenizer_skips_braces_that_are_not_code():
    text = """function a(x) {
  // a comment with a brace {
  /* and a block comment } */
  var s = "}" + '{' + `${x} }`;
  var r = /[/{]+\\/}/g.test(s) ? x / 2 : 1;
  [1].map((v) => v + 1);
  return { r: r };
}
var b = (y) => {
  return function () { return y; };
};
"""
    assert sorted(_js_functions(text)) == [("=>", 9, 11), ("function", 1, 8), ("function", 10, 10)]


def test_imports_inside_functions_say_why():
    unexplained = []
    for path in _python_modules():
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
