"""Requests Django itself refuses or cannot route get an answer in the caller's format: JSON on the API
and tiles, GeoReport errors on Open311, German HTML pages elsewhere."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_patterns

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("unexpected")


# A URLconf with one view that fails, to see what the 500 handler answers (used via pytest.mark.urls).
urlpatterns = [path("api/v1/boom/", boom), path("boom/", boom), *site_patterns]
handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"


def test_unknown_api_url_is_json_404(client):
    response = client.get("/api/v1/gibt-es-nicht/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden.", "code": "not_found"}


def test_unknown_page_is_the_german_html_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "nicht gefunden" in response.content.decode().lower()


def test_a_disallowed_host_on_the_api_is_json_400():
    response = Client(HTTP_HOST="evil.example").get("/api/v1/categories/")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "ungültig" in response.json()["detail"]


def test_a_disallowed_host_on_open311_is_a_georeport_error_in_the_path_format():
    response = Client(HTTP_HOST="evil.example").get("/open311/v2/services.xml")
    assert response.status_code == 400
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    assert root.find("error/code").text == "400"
    assert "ungültig" in root.find("error/description").text


def test_a_disallowed_host_on_a_page_is_the_german_html_400():
    response = Client(HTTP_HOST="evil.example").get("/meldungen/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Bad Request" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_an_unexpected_error_on_the_api_is_json_500(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "RuntimeError" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_an_unexpected_error_on_a_page_is_the_german_html_500(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "unexpected" not in response.content.decode()
