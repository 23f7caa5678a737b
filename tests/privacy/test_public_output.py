"""What the public sees of a case does not change when its personal data is erased (retention or request):
the REST GeoJSON detail and the Open311 request answer byte-for-byte the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from domains.reports.models import Report
from domains.reports.services import report_support
from shared.privacy.requests import personal_data_erase
from tests.factories import photo, set_status
from tests.privacy.helpers import PERSON, reported

pytestmark = pytest.mark.django_db


def public_views(client, public_id: str) -> tuple[bytes, bytes, bytes]:
    rest = client.get(f"/api/v1/reports/{public_id}/")
    open311 = client.get(f"/open311/v2/requests/{public_id}.json")
    open311_xml = client.get(f"/open311/v2/requests/{public_id}.xml")
    assert rest.status_code == open311.status_code == open311_xml.status_code == 200
    return rest.content, open311.content, open311_xml.content


def closed_report_with_everything():
    report = reported(photos=[photo()], place="Altmarkt, vor Haus 4")
    report_support(public_id=report.public_id, client_identity="app:42", address="192.0.2.9")
    set_status(report, "resolved", public_note="Repariert am Montag.")
    return report


def test_public_output_is_unchanged_after_retention(client):
    report = closed_report_with_everything()
    before = public_views(client, report.public_id)
    call_command("apply_retention", "--as-of", (timezone.localdate() + dt.timedelta(days=91)).isoformat())
    assert Report.objects.get(pk=report.pk).reporter_email == ""
    assert report.supports.get().client_hash.startswith("geloescht:")
    assert public_views(client, report.public_id) == before


def test_public_output_is_unchanged_after_erasure_on_request(client):
    report = closed_report_with_everything()
    before = public_views(client, report.public_id)
    personal_data_erase(email=PERSON)
    assert Report.objects.get(pk=report.pk).reporter_name == ""
    assert public_views(client, report.public_id) == before
