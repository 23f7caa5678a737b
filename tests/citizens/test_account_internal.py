"""A signed-in citizen's own report that staff marked „intern“ stays in their account list, unlinked
(its public page is gone) and marked as not public (issue 30 item 1)."""

from __future__ import annotations

import pytest

from domains.reports.models import Report
from domains.reports.services.visibility import report_set_internal
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_own_internal_report_is_listed_without_a_public_link(signed_in, citizen, world):
    report = make_report(email="erika@example.org").report
    Report.objects.filter(pk=report.pk).update(account=citizen)  # taken over (tests/citizens/test_claim*)
    report_set_internal(actor=world.users["caseworker_a"], public_id=report.public_id, internal=True)
    html = signed_in.get("/mein-konto/").content.decode()
    assert report.public_id in html and "nicht öffentlich" in html
    assert f'href="/meldungen/{report.public_id}/"' not in html
