"""numberMatched of report pages comes from the pre-aggregated counts (no count over all reports), and is
still exact for property filters; a place filter counts the rows."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CHEMNITZ, DRESDEN, LEIPZIG, make_report, set_status

pytestmark = pytest.mark.django_db

ITEMS = "/ogcapi/collections/reports/items"


@pytest.fixture
def four_reports():
    reports = [make_report(lonlat=p).report for p in (DRESDEN, LEIPZIG, CHEMNITZ)]
    reports.append(make_report(lonlat=DRESDEN, category="graffiti").report)
    set_status(reports[0], "in_review")
    return reports


def _page(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(ITEMS, params)
    assert response.status_code == 200
    counted = [
        q["sql"] for q in ctx.captured_queries if 'COUNT(*) AS "__count" FROM "reports_report"' in q["sql"]
    ]
    return json.loads(response.content), counted


def test_full_pages_take_number_matched_from_the_counts(client, four_reports):
    body, counted = _page(client, limit=2)
    assert body["numberMatched"] == 4 and body["numberReturned"] == 2 and not counted
    assert any(link["rel"] == "next" for link in body["links"])
    body, counted = _page(client, limit=1, status="submitted")
    assert body["numberMatched"] == 3 and not counted
    body, counted = _page(client, limit=1, category="graffiti", commune="14612000")
    assert body["numberMatched"] == 1 and not counted


def test_a_place_filter_counts_the_rows(client, four_reports):
    body, counted = _page(client, limit=1, bbox="13.6,51.0,13.9,51.1")
    assert body["numberMatched"] == 2 and counted
