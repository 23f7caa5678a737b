"""``/healthz``: 200 with the PostGIS version; 503 (same JSON shape) when PostgreSQL is unreachable."""

from __future__ import annotations

import copy

import pytest
from django.db import connections

import config.health


@pytest.mark.django_db
def test_healthz_reports_database_and_postgis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["postgis"].startswith("3.")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def _unreachable_connection():
    """A real PostGIS connection object pointed at a port where nothing listens."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict["PORT"] = 1
    settings_dict["HOST"] = "127.0.0.1"
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 1}
    return connections["default"].__class__(settings_dict, alias="default")


@pytest.mark.django_db
def test_healthz_answers_503_when_database_is_down(client, monkeypatch):
    monkeypatch.setattr(config.health, "connection", _unreachable_connection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "postgis": None}
    assert response["Retry-After"]


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
