"""``POST /api/v1/permits/estimate/`` is throttled per client like the other expensive endpoints (issue 25
item 9): each call intersects a client's polygon with the communes and fee zones in PostGIS."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from tests.permits.helpers import body

pytestmark = pytest.mark.django_db
URL = "/api/v1/permits/estimate/"


def estimate(client, **extra):
    return client.post(URL, body(), content_type="application/json", **extra)


def test_estimate_is_throttled_per_client_with_a_german_429(client, monkeypatch):
    # Every scope's rate at 2 per hour (set on DRF's base class, as the scope's class may be new).
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"permit_estimate": "2/hour"})
    assert estimate(client).status_code == 200
    assert estimate(client).status_code == 200
    third = estimate(client)
    assert third.status_code == 429, third.content
    assert third.json()["code"] == "throttled" and "Zu viele Anfragen" in third.json()["detail"]
    assert int(third["Retry-After"]) > 0
    assert estimate(client, REMOTE_ADDR="10.7.7.7").status_code == 200  # another client is not affected


def test_estimate_has_its_own_configurable_rate():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["permit_estimate"]
