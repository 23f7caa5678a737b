"""Shared fixtures. Every test runs against real PostGIS (pytest-django's ``test_<name>`` database)."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttling counters live in the shared cache; start every test from zero."""
    cache.clear()
    yield
