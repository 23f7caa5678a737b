"""Negative control: the checker is really run on the pages and its errors fail a test. A rendered page
with one id given twice must come back with the "Duplicate ID" error and fail ``assert_conforms``."""

from __future__ import annotations

import pytest

from tests.conformance.html.conftest import BROKEN, assert_conforms


def test_a_duplicate_id_is_reported_and_fails_the_page(checked_pages):
    checked = checked_pages[BROKEN]
    assert [m["message"] for m in checked.errors if m["message"].startswith("Duplicate ID")], checked.errors
    with pytest.raises(AssertionError, match="Duplicate ID"):
        assert_conforms(checked)
