"""Every route of a URL configuration, walked from ``django.urls.get_resolver()``: the input of the
permission matrix's coverage check (tests/staff/test_permission_matrix.py).

A route is known by its reversible name (``staff:report``, ``staff-report-detail``); a route without a
name by ``<namespace>:<pattern>`` (``admin:<admin/auth/user/<path:object_id>/>``), so it still needs a
conscious entry. Class-based views also say which HTTP methods they implement: each needs its own row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or "namespace:<pattern>" for an unnamed route
    pattern: str  # the whole pattern from the root, as Django prints it
    view: str  # dotted path of the callback, for the failure message
    methods: tuple[str, ...]  # implemented methods of a class-based view; () for a function view


def _methods(callback: object) -> tuple[str, ...]:
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:
        return ()
    return tuple(m for m in HTTP_METHODS if hasattr(cls, m))


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            local = entry.name or f"<{pattern}>"
            callback = entry.callback
            view = f"{callback.__module__}.{getattr(callback, '__qualname__', callback)}"
            yield Route(f"{namespace}:{local}" if namespace else local, pattern, view, _methods(callback))


def routes(urlconf: str | None = None) -> list[Route]:
    """Every route of ``urlconf`` (the project's ROOT_URLCONF by default)."""
    return list(_walk(get_resolver(urlconf), "", ""))


def _exempt(key: str, exempt: Mapping[str, str]) -> bool:
    """An entry ``"admin:*"`` covers a whole namespace; any other entry names one route."""
    return key in exempt or any(entry.endswith(":*") and key.startswith(entry[:-1]) for entry in exempt)


def unclassified(
    found: Iterable[Route], covered: Iterable[tuple[str, str]], exempt: Mapping[str, str]
) -> list[str]:
    """One message per route (or implemented method of a class-based view) that is neither in the matrix
    (``covered``: (route key, method) pairs) nor in the explicit list of routes outside it (``exempt``)."""
    rows = set(covered)
    in_matrix = {key for key, _ in rows}
    problems = []
    for route in found:
        if _exempt(route.key, exempt):
            continue
        if route.key not in in_matrix:
            problems.append(
                f"{route.key} ({route.pattern} → {route.view}) has no row: add cases to "
                "tests/staff/permission_matrix/ CASES, or, if it is public, a reason to NOT_IN_MATRIX"
            )
            continue
        for method in route.methods:
            if (route.key, method) not in rows:
                problems.append(
                    f"{route.key} {method.upper()} ({route.pattern} → {route.view}) has no row: add a case "
                    "with this method to tests/staff/permission_matrix/ CASES"
                )
    return problems
