"""The Django admin ``/admin/`` needs a session confirmed with the second factor (issue 25, item 13).

Every account that may open the admin (Django's ``is_staff``) needs it, whatever its organisation role:
the admin reaches every commune's data. The admin has no password form of its own; it sends to the staff
login (password, then code). A superuser without a device is told in German where to set one up."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.organisations.models import RecoveryCode
from kernel.organisations.recovery_codes import recovery_codes_generate
from tests.staff.test_second_factor import code, enrol
from tests.staff_world import PASSWORD, confirmed_second_factor, login

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
PAGE = "/verwaltung/zwei-faktor/"


@pytest.fixture(autouse=True)
def no_waiting_between_codes(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser("betrieb", "betrieb@example.org", PASSWORD)


def test_a_superuser_session_without_the_code_does_not_reach_the_admin(client, operator):
    confirmed_second_factor("betrieb")
    client.force_login(operator)  # password only: the code step was skipped
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Zwei-Faktor-Anmeldung" in html and PAGE in html
    assert client.get("/admin/organisations/organisation/").status_code == 302


def test_a_superuser_session_confirmed_with_the_code_reaches_the_admin(client, operator):
    confirmed_second_factor("betrieb")
    login(client, "betrieb")
    assert client.get(ADMIN).status_code == 200
    assert client.get("/admin/organisations/organisation/").status_code == 200


def test_the_admin_login_goes_through_password_and_code(client, operator):
    device = TOTPDevice.objects.create(user=operator, name="Test", confirmed=True)
    first = client.get(ADMIN, follow=True)
    assert first.redirect_chain[-1][0] == "/anmelden/?next=/admin/"
    # The admin's own password form is gone: a password posted there logs nobody in.
    posted = client.post("/admin/login/", {"username": "betrieb", "password": PASSWORD})
    assert posted.status_code == 302 and posted["Location"].startswith("/anmelden/")
    assert client.get(ADMIN).status_code == 302
    step = client.post(
        "/anmelden/?next=/admin/",
        {"username": "betrieb", "password": PASSWORD, "next": ADMIN},
        REMOTE_ADDR="10.0.0.1",
    )
    assert step["Location"] == "/anmelden/code/"
    done = client.post("/anmelden/code/", {"code": code(device, step=1)})
    assert done.status_code == 302 and done["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_superuser_without_a_device_is_told_how_to_set_one_up_and_can(client, operator):
    client.force_login(operator)
    refused = client.get(ADMIN, follow=True)
    assert refused.status_code == 403  # a page, not a loop and not a 500
    html = refused.content.decode()
    assert "Richten Sie" in html and f"{PAGE}?next=%2Fadmin%2F" in html
    enrol(client, "betrieb")  # the operator reaches the enrolment page without a membership
    assert client.get(ADMIN).status_code == 200


def test_staff_without_the_admin_flag_never_reach_the_admin(client, world):
    login(client, "admin_a")  # organisation admin, session confirmed with the code
    refused = client.get(ADMIN, follow=True)
    assert refused.status_code == 403 and "keinen Zugang" in refused.content.decode()
    login(client, "caseworker_a")
    assert client.get(ADMIN, follow=True).status_code == 403


def test_the_admin_lists_recovery_codes_without_their_hash(admin_client, admin_user):
    recovery_codes_generate(user=admin_user)
    page = admin_client.get("/admin/organisations/recoverycode/")
    assert page.status_code == 200
    html = page.content.decode()
    assert all(row.code_hash not in html for row in RecoveryCode.objects.all())
    assert admin_client.get("/admin/organisations/recoverycode/add/").status_code == 403
