"""The OpenAPI schema generates without warnings and validates against the OpenAPI spec."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_schema_generates_cleanly_and_validates():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    assert '"openapi"' in out.getvalue()
