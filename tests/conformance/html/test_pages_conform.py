"""Zero Nu Html Checker errors on every page template in its main states: the citizen pages in German
and English, the staff pages signed in, the error pages (pages.py lists them)."""

from __future__ import annotations

import pytest

from tests.conformance.html.conftest import assert_conforms, page_ids

# Not for the tests themselves (they read rendered pages) but for pytest-django: it creates only the test
# databases some selected test is marked for; run alone, ``checked_pages`` rendered into the dev database.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page_id", [page_id for page_id, *_ in page_ids()])
def test_page_has_no_html_errors(checked_pages, page_id):
    assert_conforms(checked_pages[page_id])


def test_the_english_pages_are_english(checked_pages):
    """The language cookie reaches the pages (and locale/en is compiled): else the "-en" ids would check
    the German pages twice."""
    html = checked_pages["report-form-en"].html.decode()
    assert '<html lang="en">' in html and "Submit report" in html
