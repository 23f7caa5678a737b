"""English mode shows European dates and 24-hour times, not the US "Dec. 7, 2026, 1:30 p.m." (issue 26)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import formats, timezone, translation

from domains.permits.services import PermitDraft, permit_create
from kernel.cases.tracking import tracking_token
from tests.permits.helpers import applicant, future
from tests.permits.test_conflicts import box

pytestmark = pytest.mark.django_db


def test_english_formats_are_day_month_year_and_24_hours():
    moment = dt.datetime(2026, 12, 7, 13, 30)
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "7 December 2026, 13:30"
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "7 December 2026"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "07/12/2026"
    with translation.override("de"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "7. Dezember 2026 13:30"


def test_the_applicants_page_in_english_has_no_us_dates(client, world):
    permit = permit_create(
        draft=PermitDraft(
            kind="container", geometry=box(), start=future(3), end=future(5), applicant=applicant()
        )
    ).permit
    token = tracking_token(type(permit), permit.public_id)
    html = client.get(f"/sondernutzung/{permit.public_id}/verfolgen/{token}/?lang=en").content.decode()
    created = timezone.localtime(permit.created)
    assert f"{created.day} {created:%B %Y}, {created:%H:%M}" in html
    assert not re.search(r"\b[ap]\.m\.", html)
