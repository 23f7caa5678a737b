"""Mein Konto without a browser: what is offered with and without a provider, the account's cases,
prefilled forms, taking over anonymous cases by a mailed link, deleting the account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from config.env import Env
from config.features import oidc_providers
from domains.permits.models import ParkingPermit
from domains.permits.services import parking_decide
from domains.reports.models import Report
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import Membership, Organisation, Role
from shared.citizens.oidc import is_staff_user
from shared.citizens.selectors import citizen_of
from shared.citizens.services import accounts_expire
from tests.citizens.helpers import APP, CLAIMS, erika_parking
from tests.factories import make_report
from tests.permits.notice_helpers import configure_bank

pytestmark = pytest.mark.django_db


def test_without_provider_no_login_is_offered(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "/mein-konto/" not in client.get("/").content.decode()
    page = client.get("/mein-konto/")
    assert page.status_code == 200
    assert "nicht eingerichtet" in page.content.decode()
    assert client.post("/konto/oidc/testkonto/login/").status_code == 404


def test_with_provider_the_header_offers_login(client, with_provider):
    html = client.get("/").content.decode()
    assert re.search(r'href="/mein-konto/"[^>]*>Anmelden<', html)
    assert "Anmelden mit Testkonto" in client.get("/mein-konto/").content.decode()


def test_login_is_started_only_by_post(client, with_provider):
    assert client.get("/konto/oidc/testkonto/login/").status_code == 405


def test_providers_come_from_the_environment():
    env = Env(
        environ={
            "OIDC_PROVIDERS": '[{"id": "amt24", "name": "Amt24", "issuer": "https://id.example/realms/sn/",'
            ' "client_id": "mm", "secret": "x"}, {"id": "bundid", "name": "BundID",'
            ' "issuer": "https://bund.example", "client_id": "mm2"}]'
        }
    )
    apps = oidc_providers(env)
    assert [(a["provider_id"], a["settings"]["server_url"]) for a in apps] == [
        ("amt24", "https://id.example/realms/sn"),
        ("bundid", "https://bund.example"),
    ]
    assert all(a["settings"]["oauth_pkce_enabled"] for a in apps)
    single = oidc_providers(Env(environ={"OIDC_ISSUER": "https://id.example", "OIDC_CLIENT_ID": "mm"}))
    assert [a["client_id"] for a in single] == ["mm"]
    assert oidc_providers(Env(environ={})) == []
    for bad in (
        "{not json",
        '{"id": "x"}',
        '[{"id": "x", "name": "X"}]',
        '[{"id": "A B", "name": "X", "issuer": "https://i", "client_id": "c"}]',
    ):
        with pytest.raises(ImproperlyConfigured):
            oidc_providers(Env(environ={"OIDC_PROVIDERS": bad}))


def test_staff_never_count_as_citizens(citizen):
    assert citizen_of(citizen) == citizen
    staff = get_user_model().objects.create_user(username="sb", email="sb@example.org", password="x")
    SocialAccount.objects.create(user=staff, provider="testkonto", uid="sb")
    staff.is_staff = True
    staff.save()
    assert citizen_of(get_user_model().objects.get(pk=staff.pk)) is None
    # A caseworker without the staff flag (a membership) who signs in through the provider: staff too.
    member = get_user_model().objects.create_user(username="mb", email="mb@example.org")
    SocialAccount.objects.create(user=member, provider="testkonto", uid="mb")
    Membership.objects.create(user=member, organisation=Organisation.objects.first(), role=Role.CASEWORKER)
    assert citizen_of(get_user_model().objects.get(pk=member.pk)) is None


def test_citizen_password_login_at_staff_login_fails(client, citizen):
    response = client.post("/anmelden/", {"username": "erika", "password": ""})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 400)


def test_account_lists_only_own_cases_with_status(signed_in, citizen):
    own = erika_parking(account=citizen)
    other = make_report(email="erika@example.org").report  # anonymous: not listed until taken over
    html = signed_in.get("/mein-konto/").content.decode()
    assert "Angemeldet als Erika Mustermann" in html
    assert own.public_id in html and "Beantragt" in html
    assert other.public_id not in html


def test_forms_are_prefilled_from_the_claims(signed_in):
    parking = signed_in.get("/parkausweis/beantragen/").content.decode()
    assert 'value="Erika Mustermann"' in parking
    assert 'value="Alaunstraße 1, 01099 Dresden"' in parking
    assert 'value="erika@example.org"' in signed_in.get("/sondernutzung/beantragen/").content.decode()
    assert 'value="erika@example.org"' in signed_in.get("/").content.decode()


def test_anonymous_forms_are_empty(client, with_provider):
    assert "Erika" not in client.get("/parkausweis/beantragen/").content.decode()


def test_case_made_while_signed_in_belongs_to_the_account(signed_in, citizen):
    response = signed_in.post(
        "/parkausweis/beantragen/",
        {
            "lon": "13.7550",
            "lat": "51.0670",
            "licence_plate": "DD-QZ 78",
            "name": "Erika Mustermann",
            "email": "erika@example.org",
            "address": "Alaunstraße 1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ParkingPermit.objects.get().account == citizen


def _claim_path() -> str:
    mail = OutgoingMail.objects.get(kind="account_claim")
    assert mail.to == "erika@example.org"
    return re.search(r"/mein-konto/uebernehmen/[^/\s]+/", mail.body).group(0)


def test_anonymous_cases_are_taken_over_by_the_mailed_link(
    signed_in, citizen, django_capture_on_commit_callbacks
):
    mine = make_report(email="Erika@Example.org").report
    someone_elses = make_report(email="other@example.org").report
    with django_capture_on_commit_callbacks():
        signed_in.post("/mein-konto/faelle-uebernehmen/")
    path = _claim_path()
    assert Report.objects.get(pk=mine.pk).account is None  # not before the link was opened

    signed_in.get(path)
    assert Report.objects.get(pk=mine.pk).account == citizen
    assert Report.objects.get(pk=someone_elses.pk).account is None
    assert mine.public_id in signed_in.get("/mein-konto/").content.decode()


def test_claim_link_works_only_for_the_account_that_asked(
    client, signed_in, citizen, django_capture_on_commit_callbacks
):
    mine = make_report(email="erika@example.org").report
    with django_capture_on_commit_callbacks():
        signed_in.post("/mein-konto/faelle-uebernehmen/")
    path = _claim_path()
    intruder = get_user_model().objects.create_user(username="mallory", email="erika@example.org")
    SocialAccount.objects.create(
        user=intruder, provider="testkonto", uid="mallory", extra_data={"id_token": CLAIMS}
    )
    client.force_login(intruder)
    client.get(path)
    client.get(path[:-5] + "xxxx/")
    assert Report.objects.get(pk=mine.pk).account is None


def test_deleting_the_account_erases_its_cases_not_unclaimed_ones_and_signs_out(signed_in, citizen):
    permit = erika_parking(account=citizen)
    # Under the same address but never taken over by the mailed link: not proven to be hers, stays.
    anonymous = make_report(email="erika@example.org", name="Erika").report
    response = signed_in.post("/mein-konto/loeschen/", {"confirm": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=citizen.pk).exists()
    assert not SocialAccount.objects.exists()
    permit.refresh_from_db()
    anonymous.refresh_from_db()
    assert (permit.account, permit.applicant_name, permit.applicant_email, permit.licence_plate) == (
        None,
        "",
        "",
        "",
    )
    assert (anonymous.reporter_name, anonymous.reporter_email) == ("Erika", "erika@example.org")
    assert "_auth_user_id" not in signed_in.session


def test_deleting_needs_the_confirmation(signed_in, citizen):
    signed_in.post("/mein-konto/loeschen/", {})
    assert get_user_model().objects.filter(pk=citizen.pk).exists()


def test_a_member_of_an_organisation_is_refused_as_citizen(citizen):
    assert not is_staff_user(citizen)
    Membership.objects.create(user=citizen, organisation=Organisation.objects.first(), role=Role.CASEWORKER)
    assert is_staff_user(citizen)


def test_unused_accounts_expire_but_their_cases_stay(citizen, settings):
    settings.CITIZEN_ACCOUNT_RETENTION_DAYS = 30
    permit = erika_parking(account=citizen)
    staff = get_user_model().objects.create_user(username="alt", email="alt@example.org")
    SocialAccount.objects.create(user=staff, provider="testkonto", uid="alt")
    Membership.objects.create(user=staff, organisation=Organisation.objects.first(), role=Role.CASEWORKER)
    get_user_model().objects.update(last_login=timezone.now() - dt.timedelta(days=31))
    assert accounts_expire(as_of=timezone.localdate() - dt.timedelta(days=2)) == 0
    assert accounts_expire(as_of=timezone.localdate()) == 1
    permit.refresh_from_db()
    assert permit.account is None and permit.applicant_name == "Erika Mustermann"
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["alt"]


def test_account_page_in_english(signed_in):
    html = signed_in.get("/mein-konto/?lang=en").content.decode()
    assert "Signed in as Erika Mustermann" in html and "Delete account" in html


def test_privacy_page_names_the_account_data_only_with_a_provider(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "Bürgerkonto" not in client.get("/datenschutz/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [APP]}}
    assert "730 Tage nach der letzten Anmeldung" in client.get("/datenschutz/").content.decode()


def test_logout_works_when_the_provider_cannot_be_reached(signed_in):
    response = signed_in.post("/mein-konto/abmelden/")  # the test app's issuer is a closed port
    assert (response.status_code, response["Location"]) == (302, "/")
    assert "_auth_user_id" not in signed_in.session


def test_the_person_downloads_their_data(signed_in, citizen):
    permit = erika_parking(account=citizen)
    response = signed_in.post("/mein-konto/daten/")
    assert response["Content-Disposition"] == 'attachment; filename="meine-daten.json"'
    data = response.json()
    assert data["account"]["address"] == "Alaunstraße 1, 01099 Dresden"
    assert data["account"]["cases"] == [permit.public_id]
    assert [p["public_id"] for p in data["parking_permits"]] == [permit.public_id]


def test_unreachable_provider_gives_a_german_page_not_an_error(client, with_provider):
    response = client.post("/konto/oidc/testkonto/login/")  # the test app's issuer is a closed port
    assert response.status_code == 503
    assert "Anmeldedienst ist gerade nicht erreichbar" in response.content.decode()
    callback = client.get("/konto/oidc/testkonto/login/callback/?code=x&state=y")
    assert callback.status_code in (400, 503)
    assert "_auth_user_id" not in client.session


def test_account_links_each_permit_to_its_page_and_notices(signed_in, citizen, world):
    configure_bank(world.dresden)
    permit = erika_parking(account=citizen)
    parking_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved")
    html = signed_in.get("/mein-konto/").content.decode()
    page = re.search(rf'href="(/parkausweis/{permit.public_id}/verfolgen/[^"/]+/)"', html).group(1)
    assert signed_in.get(page).status_code == 200
    links = re.findall(r'<a href="([^"]+\?token=[^"]+)" download>(Bescheid|Gebührenbescheid)</a>', html)
    assert [title for _, title in links] == ["Bescheid", "Gebührenbescheid"]
    signed_in.logout()  # the link itself opens the file, as in the decision mail
    response = signed_in.get(links[0][0].replace("&amp;", "&"))
    assert response.status_code == 200 and b"".join(response).startswith(b"%PDF")
    assert signed_in.get(links[0][0].split("?")[0]).status_code == 404  # not without the token
