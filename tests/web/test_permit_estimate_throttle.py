"""The page's „Gebühr berechnen“ without JavaScript (``action=estimate``) costs the same PostGIS work as
``POST /api/v1/permits/estimate/`` and shares its per-client limit (``THROTTLE_PERMIT_ESTIMATE``)."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from domains.permits.models import Permit
from tests.permits.helpers import body
from tests.web.test_permit_pages import URL, _values

pytestmark = pytest.mark.django_db


def test_the_no_script_estimate_is_throttled_with_a_german_page(client, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"permit_estimate": "2/hour", "report_create": "5/hour"}
    )
    estimate = {**_values(), "action": "estimate"}
    assert client.post(URL, estimate).status_code == 200
    assert client.post(URL, estimate).status_code == 200
    third = client.post(URL, estimate)
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    html = third.content.decode()
    assert "Zu viele Berechnungen" in html and "Minute" in html
    scripted = client.post(URL, estimate, HTTP_ACCEPT="application/json")
    assert scripted.status_code == 429 and scripted.json()["code"] == "throttled"
    # One budget with the API's estimate, another client unaffected, and submitting is limited apart.
    api = client.post("/api/v1/permits/estimate/", body(), content_type="application/json")
    assert api.status_code == 429
    assert client.post(URL, estimate, REMOTE_ADDR="10.7.7.7").status_code == 200
    assert client.post(URL, _values()).status_code == 302
    assert Permit.objects.count() == 1
