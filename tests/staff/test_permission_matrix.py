"""The permission matrix, generated from the URL configuration (issue 25, item 14).

Every protected route × method (tests/staff/permission_matrix/) is requested by each role — anonymous,
signed in without a membership, caseworker and admin of the owning commune (Dresden), caseworker of
another commune (Leipzig), Bauhof crew, Vollzugsdienst — and must answer exactly the status of its row; a
refused write must leave its object's row unchanged. A route of the URL configuration with neither a row
nor a reason in tests/staff/public_routes.py fails ``test_every_route_is_classified``.
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.conftest import _restore_reference_data
from tests.staff.matrix_scene import USERNAMES, Scene, build_scene
from tests.staff.permission_matrix import CASES, ROLES, Case
from tests.staff.public_routes import NOT_IN_MATRIX
from tests.staff.url_inventory import routes, unclassified
from tests.staff_world import login


@pytest.fixture(scope="module")
def matrix_scene(django_db_setup, django_db_blocker, tmp_path_factory):
    """One scene for the whole module, rolled back at its end; each test runs in a savepoint of it (the
    ``db`` fixture), so what one request changed is gone for the next."""
    media = str(tmp_path_factory.mktemp("matrix-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        _restore_reference_data()
        with transaction.atomic():
            yield build_scene(), media
            transaction.set_rollback(True)


@pytest.fixture
def scene(matrix_scene, db, settings) -> Scene:
    built, media = matrix_scene
    settings.MEDIA_ROOT = media  # the scene's files (tests/conftest.py gives each test an empty one)
    return built


def _request(client, scene: Scene, case: Case, role: str):
    url = reverse(case.route, kwargs=case.kwargs(scene))
    username = USERNAMES.get(role)
    data = case.data(scene)
    if case.api:
        if username:
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {scene.tokens[username]}"
        if case.method == "get":
            return client.get(url, data)
        return getattr(client, case.method)(url, json.dumps(data), content_type="application/json")
    if username:
        login(client, username)
    return getattr(client, case.method)(url, data)


CELLS = [pytest.param(case, role, id=f"{case.id}[{role}]") for case in CASES for role in ROLES]


@pytest.mark.parametrize(("case", "role"), CELLS)
def test_matrix(client, scene, case, role):
    before = case.state(scene) if case.state else None
    response = _request(client, scene, case, role)
    expected = case.expect[role]
    assert response.status_code == expected, (
        f"{case.id} as {role} ({USERNAMES.get(role, 'not signed in')}): {response.status_code}, "
        f"expected {expected} (tests/staff/permission_matrix/)"
    )
    if role == "anonymous" and expected == 302:
        assert "login" in response["Location"] or response["Location"].startswith("/anmelden/")
    if case.shows is not None and response.status_code == 200:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        shown = case.shows(scene).encode() in body
        assert shown is (role in case.sees), f"{case.id} as {role}: shows {case.shows(scene)!r}: {shown}"
    if case.state is not None:
        changed = case.state(scene) != before
        assert changed is (role in case.writes), f"{case.id} as {role}: changed={changed}"


def test_every_route_is_classified():
    problems = unclassified(routes(), [(c.route, c.method) for c in CASES], NOT_IN_MATRIX)
    assert not problems, "\n".join(problems)


def test_no_stale_entries():
    """A row or reason for a route that is gone is an error too: the lists describe today's routes."""
    keys = {route.key for route in routes()}
    namespaces = {key.split(":")[0] + ":*" for key in keys if ":" in key}
    stale = [key for key in NOT_IN_MATRIX if key not in keys and key not in namespaces]
    stale += [case.id for case in CASES if case.route not in keys]
    assert not stale, stale
    assert not set(NOT_IN_MATRIX) & {case.route for case in CASES}, "a route is both public and protected"


@override_settings(ROOT_URLCONF="tests.staff.matrix_fake_urls")
def test_a_new_route_without_a_row_fails_the_check():
    """The negative control: the project's routes plus a new staff page and a new method on a staff API
    view; the coverage check names both and says where to add them."""
    problems = unclassified(routes(), [(c.route, c.method) for c in CASES], NOT_IN_MATRIX)
    assert len(problems) == 2, problems
    assert problems[0].startswith("staff-new:export (verwaltung/neu/export.csv → ")
    assert "add cases to tests/staff/permission_matrix/ CASES" in problems[0]
    assert problems[1].startswith("staff-report-detail DELETE (api/v1/staff/reports/<str:public_id>/ → ")
