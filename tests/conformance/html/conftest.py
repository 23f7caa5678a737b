"""Render every page once per test session, check them all in one Nu Html Checker run, hand out the result
per page.

The pages are rendered inside one transaction that is rolled back afterwards, so the scene they show never
reaches the tests that follow; the checker (a JVM that takes seconds to start) runs once over all files."""

from __future__ import annotations

import re
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from tests.citizens.helpers import APP
from tests.conformance.html.pages import PUBLIC, STAFF, Page
from tests.conformance.html.scene import Scene, build_scene
from tests.conformance.html.vnu import check_files, describe
from tests.conftest import _restore_reference_data
from tests.staff_world import login

LANGUAGES = ("de", "en")
BROKEN = "broken-duplicate-id"  # the negative control: a real page with one id given twice


@dataclass
class Checked:
    """One page as the checker saw it: the response's status and type, or why it could not be rendered."""

    status: int = 0
    content_type: str = ""
    failure: str = ""
    html: bytes = b""
    errors: list[dict] = field(default_factory=list)


def page_ids() -> list[tuple[str, str, str, Page]]:
    """(test id, language, signed-in user, page) for every public page in each language and each staff page."""
    public = [(f"{name}-{lang}", lang, "", page) for name, page in PUBLIC.items() for lang in LANGUAGES]
    staff = [(f"staff-{name}-de", "de", user, page) for name, (user, page) in STAFF.items()]
    return public + staff


def _render(lang: str, user: str, page: Page, scene: Scene) -> Checked:
    prefix = uuid.uuid4().hex  # a fresh throttling namespace per page, as tests/conftest.py gives each test
    cache.key_prefix, caches["tiles"].key_prefix = f"mm-test-{prefix}", f"mm-test-tiles-{prefix}"
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    if user:
        login(client, user)
    try:
        with transaction.atomic():  # what a page's requests change is undone: each page sees the same scene
            response = page(client, scene)
            transaction.set_rollback(True)
    except Exception:  # noqa: BLE001 – reported as that page's failure, the other pages still get checked
        return Checked(failure=traceback.format_exc(limit=8))
    content_type = response.get("Content-Type", "")
    return Checked(status=response.status_code, content_type=content_type, html=response.content)


def _broken(html: bytes) -> bytes:
    """The first element with an id, given a second time right after <main>: one "Duplicate ID" error."""
    first_id = re.search(rb'<[a-z]+ [^>]*\bid="([^"]+)"', html).group(1)
    return html.replace(b"<main", b'<p id="' + first_id + b'">x</p><main', 1)


@pytest.fixture(scope="session")
def checked_pages(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Checked]:
    out = tmp_path_factory.mktemp("html")
    results: dict[str, Checked] = {}
    files: dict[str, Path] = {}
    previous = cache.key_prefix, caches["tiles"].key_prefix
    overrides = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("html-media")),
        MAP_TILE_URL="",
        SOCIALACCOUNT_PROVIDERS={"openid_connect": {"APPS": [APP]}},
    )
    try:
        with django_db_blocker.unblock(), overrides:
            _restore_reference_data()
            with transaction.atomic():
                scene = build_scene()
                for page_id, lang, user, page in page_ids():
                    results[page_id] = _render(lang, user, page, scene)
                transaction.set_rollback(True)
    finally:
        cache.key_prefix, caches["tiles"].key_prefix = previous
        translation.activate(settings.LANGUAGE_CODE)  # the client left the last page's language active
    for page_id, checked in results.items():
        if checked.html:
            files[page_id] = out / f"{page_id}.html"
            files[page_id].write_bytes(checked.html)
    files[BROKEN] = out / f"{BROKEN}.html"
    files[BROKEN].write_bytes(_broken(files["report-form-de"].read_bytes()))
    results[BROKEN] = Checked(status=200, content_type="text/html; charset=utf-8")
    for page_id, errors in check_files(list(files.values())).items():
        results[page_id.removesuffix(".html")].errors = errors
    return results


def assert_conforms(checked: Checked) -> None:
    """The page rendered as HTML (not a redirect or crash) and the checker found no error in it."""
    assert not checked.failure, checked.failure
    assert checked.content_type.startswith("text/html"), (checked.status, checked.content_type)
    assert not 300 <= checked.status < 400, f"a redirect ({checked.status}), not the page meant here"
    assert checked.errors == [], (
        f"Nu Html Checker, {len(checked.errors)} error(s):\n{describe(checked.errors)}"
    )
