"""Fixture "world": two organisations (Dresden, Leipzig) with members of every role and reports in both.

Registered for all tests through ``pytest_plugins`` in tests/conftest.py."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from domains.reports.models import Report
from domains.reports.services import report_assign
from kernel.organisations.api_tokens import api_token_issue
from kernel.organisations.models import ApiToken, Organisation, OrganisationKind
from kernel.organisations.services import membership_set
from tests.factories import DRESDEN, LEIPZIG, make_report

PASSWORD = "ein-sicheres-Passwort-42"


@dataclass
class World:
    dresden: Organisation
    leipzig: Organisation
    users: dict
    tokens: dict
    own: Report  # Dresden, assigned to crew_a
    own_unassigned: Report  # Dresden, not assigned
    other: Report  # Leipzig


def _user(username: str, email: str = ""):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, email=email)
    return user


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    """The world itself, for fixtures of a wider scope than one test (tests/conformance/html)."""
    dresden = Organisation.objects.get(kind=OrganisationKind.COMMUNE, ags="14612000")
    leipzig = Organisation.objects.get(kind=OrganisationKind.COMMUNE, ags="14713000")
    dresden.email = "maengel@dresden.example"
    dresden.save()
    users = {
        name: _user(name)
        for name in ["admin_a", "caseworker_a", "crew_a", "crew_a2", "caseworker_b", "outsider"]
    }
    membership_set(actor=None, organisation=dresden, username="admin_a", role="admin")
    membership_set(actor=None, organisation=dresden, username="caseworker_a", role="caseworker")
    membership_set(actor=None, organisation=dresden, username="crew_a", role="crew", team="Kolonne Nord")
    membership_set(actor=None, organisation=dresden, username="crew_a2", role="crew", team="Kolonne Süd")
    membership_set(actor=None, organisation=leipzig, username="caseworker_b", role="caseworker")
    own = make_report(lonlat=DRESDEN, email="buerger@example.org").report
    own_unassigned = make_report(lonlat=(13.75, 51.06)).report
    other = make_report(lonlat=LEIPZIG).report
    report_assign(actor=users["caseworker_a"], public_id=own.public_id, assignee="crew_a")
    tokens = {
        name: api_token_issue(actor=None, user=user, name="Test", days=30).key
        for name, user in users.items()
        if name != "outsider"  # a token is issued to staff members only …
    }
    # … the outsider's is one left from a former membership (the API answers it with 403).
    tokens["outsider"] = ApiToken.objects.create(users["outsider"], name="Alt")[1]
    # Organisation admins must use a second factor (tests/staff/test_second_factor.py covers enrolment).
    TOTPDevice.objects.create(user=users["admin_a"], name="Test", confirmed=True)
    for user in users.values():
        user.__dict__.pop("_mm_scope", None)
    return World(dresden, leipzig, users, tokens, own, own_unassigned, other)


def state(report: Report) -> tuple:
    """Everything a refused request must leave unchanged."""
    report.refresh_from_db()
    return (
        report.status,
        report.organisation_id,
        report.assignee_id,
        report.team_id,
        report.description_hidden,
        report.duplicate_of_id,
        report.history.count(),
    )


def confirmed_second_factor(username: str) -> None:
    """Give a user a confirmed TOTP device, as organisation admins must have (issue 15); ``login`` then
    confirms the session with it."""
    TOTPDevice.objects.create(
        user=get_user_model().objects.get(username=username), name="Test", confirmed=True
    )


def login(client, username: str) -> None:
    """Log in without the password and code round trip (django-axes requires a request for real logins;
    tests/staff/test_login.py and test_second_factor.py cover the real forms). A user with a confirmed
    TOTP device gets a session confirmed with it, as after the code step."""
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
