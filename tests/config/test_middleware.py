"""A lost database connection anywhere in a view becomes a 503 with Retry-After, not a 500 page."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from config.middleware import DatabaseUnavailableMiddleware


def _middleware():
    return DatabaseUnavailableMiddleware(lambda request: HttpResponse("ok"))


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/v1/reports/", "application/json"), ("/meldungen/", "text/html; charset=utf-8")],
)
def test_operational_error_becomes_503(path, content_type):
    request = RequestFactory().get(path)
    response = _middleware().process_exception(request, OperationalError("server closed the connection"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"] == content_type
    assert "vorübergehend nicht erreichbar" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "content_type", "fragment"),
    [
        ("/open311/v2/requests.json", "application/json", '"code": 503'),
        ("/open311/v2/services.xml", "text/xml", "<code>503</code>"),
    ],
)
def test_open311_gets_its_own_error_shape_with_retry_after(path, content_type, fragment):
    request = RequestFactory().get(path)
    response = _middleware().process_exception(
        request, OperationalError("the database system is starting up")
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"].startswith(content_type)
    body = response.content.decode()
    assert fragment in body.replace('"code":503', '"code": 503')
    assert "vorübergehend nicht erreichbar" in body


def test_other_errors_are_left_alone():
    request = RequestFactory().get("/")
    assert _middleware().process_exception(request, ValueError("boom")) is None


def teapot(request, status, message, code):
    return HttpResponse(f"{status} {code}: {message}", status=418, content_type="text/plain")


def test_an_interface_error_format_comes_from_the_error_renderers_setting(settings):
    """config answers in an interface's own format without importing it: the path prefix names the
    renderer in settings.ERROR_RENDERERS; the rest keeps the default JSON/HTML answer."""
    settings.ERROR_RENDERERS = {"/kanne/": "tests.config.test_middleware.teapot"}
    error = OperationalError("server closed the connection")
    kanne = _middleware().process_exception(RequestFactory().get("/kanne/x"), error)
    assert kanne.status_code == 418
    assert kanne.content.decode().startswith("503 service_unavailable: Der Dienst")
    assert kanne["Retry-After"] == "10"
    open311 = _middleware().process_exception(RequestFactory().get("/open311/v2/requests.xml"), error)
    assert open311["Content-Type"].startswith("text/html")  # no renderer registered for it here
