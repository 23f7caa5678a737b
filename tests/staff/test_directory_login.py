"""Staff sign-in through the organisation's own directory (issue 29.7) against the real OpenID Connect
provider the citizen login tests use (panva's ``oidc-provider`` on loopback, tests/oidc_provider.mjs) with
its staff client: groups → roles only in the directory's organisation, no mapped group → refused, the
directory's ``amr`` as second factor when the organisation accepts it, tampered state and nonce refused."""

from __future__ import annotations

import urllib.parse

import pytest
import requests
from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from interfaces.staff.directory_login import ProtocolError, _challenge, validated_claims
from kernel.organisations.directory_models import (
    DirectoryGroupRole,
    DirectoryIdentity,
    SecondFactorSource,
    StaffDirectory,
)
from kernel.organisations.models import AuditEvent, Membership, Organisation, OrganisationKind, Team
from tests.citizens.provider_login import _follow, _submit
from tests.oidc_peer import STAFF_CLIENT_ID, STAFF_CLIENT_SECRET, OidcProvider, tamper_signature
from tests.staff_world import PASSWORD, confirmed_second_factor, login

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
CALLBACK = "/anmelden/verzeichnis/zurueck/"
ACCOUNTS = {
    "anna": {"groups": ["/Rathaus/mm-sachbearbeitung"], "amr": ["pwd", "mfa"]},
    "bernd": {"groups": ["mm-bauhof"], "amr": ["pwd"]},
    "carla": {"groups": ["Alle Mitarbeitenden"], "amr": ["pwd", "otp"]},
    "dora": {"groups": ["mm-admin-leipzig"], "amr": ["pwd", "hwk"]},
    "emil": {"groups": ["mm-sachbearbeitung"], "acr": "urn:mm:loa:hoch"},
}


@pytest.fixture(scope="module")
def provider():
    peer = OidcProvider(
        f"{SITE}/konto/unused/", f"{SITE}/", staff_redirect_uri=SITE + CALLBACK, staff_accounts=ACCOUNTS
    )
    yield peer
    peer.stop()


@pytest.fixture
def orgs():
    dresden = Organisation.objects.get(kind=OrganisationKind.COMMUNE, ags="14612000")
    leipzig = Organisation.objects.get(kind=OrganisationKind.COMMUNE, ags="14713000")
    return dresden, leipzig


@pytest.fixture
def directory(provider, orgs, monkeypatch):
    dresden, leipzig = orgs
    monkeypatch.setenv("STAFF_OIDC_SECRET_14612000", "mm-staff-secret")
    found = StaffDirectory.objects.create(
        organisation=dresden,
        issuer=provider.issuer,
        client_id=STAFF_CLIENT_ID,
        scopes="openid profile email groups",
        second_factor=SecondFactorSource.PROVIDER,
    )
    north = Team.objects.create(organisation=dresden, name="Kolonne Nord")
    DirectoryGroupRole.objects.create(directory=found, group="mm-sachbearbeitung", role="caseworker")
    DirectoryGroupRole.objects.create(directory=found, group="mm-bauhof", role="crew", team=north)
    # Leipzig's admin group and a mapping with a Leipzig crew: neither may give anything in Leipzig.
    foreign_team = Team.objects.create(organisation=leipzig, name="Leipziger Kolonne")
    DirectoryGroupRole.objects.create(
        directory=found, group="mm-admin-leipzig", role="crew", team=foreign_team
    )
    return found


def start(client, organisation: Organisation):
    return client.post("/anmelden/verzeichnis/", {"organisation": organisation.pk, "next": "/verwaltung/"})


def at_provider(location: str, login: str) -> str:
    """Sign in at the provider as ``login``; returns our callback path with code and state."""
    browser = requests.Session()
    page = _follow(browser, browser.get(location, allow_redirects=False))
    consent = _submit(browser, page, login=login, password="geheim")
    back = _submit(browser, consent)
    assert back.status_code == 303 and back.headers["Location"].startswith(SITE + CALLBACK), back.text[:300]
    return back.headers["Location"][len(SITE) :]


def sign_in(client, organisation: Organisation, login: str):
    started = start(client, organisation)
    assert started.status_code == 302, started.content[:300]
    return client.get(at_provider(started["Location"], login))


def signed_in_user(client):
    return client.session.get("_auth_user_id")


def test_the_login_page_offers_the_directory(client, directory, orgs):
    page = client.get("/anmelden/").content.decode()
    assert 'action="/anmelden/verzeichnis/"' in page
    assert f'value="{orgs[0].pk}">Anmelden über {orgs[0].name}</button>' in page
    directory.active = False
    directory.save()
    assert "/anmelden/verzeichnis/" not in client.get("/anmelden/").content.decode()


def test_group_maps_to_role_with_mfa_from_the_provider(client, directory, orgs):
    response = sign_in(client, orgs[0], "anna")
    assert (response.status_code, response["Location"]) == (302, "/verwaltung/")
    user = DirectoryIdentity.objects.get(issuer=directory.issuer, subject="anna").user
    assert signed_in_user(client) == str(user.pk)
    assert not user.has_usable_password() and not user.is_staff and not user.is_superuser
    assert [(m.organisation, m.role, m.active) for m in Membership.objects.filter(user=user)] == [
        (orgs[0], "caseworker", True)
    ]
    assert DEVICE_ID_SESSION_KEY in client.session  # the directory's mfa counts: no local code
    assert client.get("/verwaltung/").status_code == 200
    assert AuditEvent.objects.filter(action="membership.directory", organisation=orgs[0]).count() == 1
    assert AuditEvent.objects.filter(action="directory.login", actor=user).exists()


def test_crew_group_gets_its_team_and_a_second_login_reuses_the_account(client, directory, orgs):
    sign_in(client, orgs[0], "bernd")
    client.logout()
    sign_in(client, orgs[0], "bernd")
    user = get_user_model().objects.get(directory_identities__subject="bernd")
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.team.name) == ("crew", "Kolonne Nord")
    assert get_user_model().objects.filter(directory_identities__subject="bernd").count() == 1


def test_a_directory_cannot_grant_a_role_in_another_organisation(client, directory, orgs):
    dresden, leipzig = orgs
    response = sign_in(client, dresden, "dora")  # only group: mapped with a crew of Leipzig
    assert response.status_code == 403
    assert "keine Gruppe" in response.content.decode()
    assert not Membership.objects.filter(
        organisation=leipzig, user__directory_identities__subject="dora"
    ).exists()
    assert signed_in_user(client) is None
    with pytest.raises(Exception, match="gehört nicht zur Organisation"):
        DirectoryGroupRole.objects.get(group="mm-admin-leipzig").full_clean()


def test_no_mapped_group_is_refused_and_a_removed_group_ends_the_role(client, directory, orgs):
    response = sign_in(client, orgs[0], "carla")
    assert response.status_code == 403 and "keine Gruppe" in response.content.decode()
    assert signed_in_user(client) is None
    assert AuditEvent.objects.filter(action="directory.refused").exists()
    # carla gets the group in the directory, then loses it again
    DirectoryGroupRole.objects.create(directory=directory, group="Alle Mitarbeitenden", role="caseworker")
    sign_in(client, orgs[0], "carla")
    membership = Membership.objects.get(user__directory_identities__subject="carla")
    assert membership.active
    client.logout()
    DirectoryGroupRole.objects.filter(group="Alle Mitarbeitenden").delete()
    assert sign_in(client, orgs[0], "carla").status_code == 403
    membership.refresh_from_db()
    assert not membership.active
    assert AuditEvent.objects.filter(action="membership.directory_end", object_id=str(membership.pk)).exists()


def test_without_mfa_the_local_totp_is_required(client, directory, orgs, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    response = sign_in(client, orgs[0], "bernd")  # amr: pwd only
    assert response["Location"].startswith("/verwaltung/zwei-faktor/")
    user = get_user_model().objects.get(directory_identities__subject="bernd")
    assert DEVICE_ID_SESSION_KEY not in client.session
    client.logout()
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    response = sign_in(client, orgs[0], "bernd")
    assert response["Location"] == "/anmelden/code/"
    assert signed_in_user(client) is None  # not before the code
    now = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/anmelden/code/", {"code": now})["Location"] == "/verwaltung/"
    assert signed_in_user(client) == str(user.pk)


def test_local_setting_ignores_the_providers_mfa(client, directory, orgs):
    directory.second_factor = SecondFactorSource.LOCAL
    directory.save()
    response = sign_in(client, orgs[0], "anna")
    assert response["Location"].startswith("/verwaltung/zwei-faktor/")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_acr_in_the_accepted_list_counts(client, directory, orgs):
    directory.accepted_acr = "urn:mm:loa:hoch"
    directory.save()
    assert sign_in(client, orgs[0], "emil")["Location"] == "/verwaltung/"
    assert DEVICE_ID_SESSION_KEY in client.session


def test_tampered_state_is_refused(client, directory, orgs):
    callback = at_provider(start(client, orgs[0])["Location"], "anna")
    response = client.get(callback.replace("state=", "state=x"))
    assert response.status_code == 400 and "nicht angemeldet" in response.content.decode()
    assert signed_in_user(client) is None
    assert not DirectoryIdentity.objects.exists()


def test_tampered_nonce_is_refused(client, directory, orgs):
    location = start(client, orgs[0])["Location"]
    session = client.session
    session["mm_directory_flow"] = session["mm_directory_flow"] | {"nonce": "ein-anderer-nonce"}
    session.save()
    response = client.get(at_provider(location, "anna"))
    assert response.status_code == 400
    assert signed_in_user(client) is None
    assert not DirectoryIdentity.objects.exists()


def test_a_disabled_directory_is_refused(client, directory, orgs):
    location = start(client, orgs[0])["Location"]
    directory.active = False
    directory.save()
    response = client.get(at_provider(location, "anna"))
    assert response.status_code == 403 and "abgeschaltet" in response.content.decode()
    assert signed_in_user(client) is None
    assert start(client, orgs[0]).status_code == 403


def test_a_directory_never_takes_over_a_local_account(client, directory, orgs):
    local = get_user_model().objects.create_user(username="anna@14612000", password="x-y-z-123456")
    sign_in(client, orgs[0], "anna")
    user = DirectoryIdentity.objects.get(subject="anna").user
    assert user != local and user.username == "anna@14612000-2"
    assert not Membership.objects.filter(user=local).exists()


def test_only_a_superuser_configures_a_directory_and_it_is_audited(client, orgs):
    get_user_model().objects.create_superuser("betrieb", "betrieb@example.org", PASSWORD)
    helper = get_user_model().objects.create_user("helfer", password=PASSWORD, is_staff=True)
    confirmed_second_factor("betrieb")
    confirmed_second_factor("helfer")
    url = "/admin/organisations/staffdirectory/add/"
    login(client, "helfer")
    assert client.get(url).status_code == 403
    client.logout()
    login(client, "betrieb")
    inline = "group_roles"
    response = client.post(
        url,
        {
            "organisation": orgs[0].pk,
            "active": "on",
            "issuer": "https://id.example.de/realms/dresden",
            "client_id": "maengelmelder",
            "scopes": "openid profile email",
            "groups_claim": "groups",
            "second_factor": "provider",
            "accepted_amr": "mfa otp hwk",
            "accepted_acr": "",
            f"{inline}-TOTAL_FORMS": "1",
            f"{inline}-INITIAL_FORMS": "0",
            f"{inline}-0-group": "mm-sachbearbeitung",
            f"{inline}-0-role": "caseworker",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    directory = StaffDirectory.objects.get(organisation=orgs[0])
    assert directory.secret_env_name == "STAFF_OIDC_SECRET_14612000"
    event = AuditEvent.objects.get(action="directory.created")
    assert (event.organisation, event.actor.username) == (orgs[0], "betrieb")
    assert event.data["mappings"] == [{"group": "mm-sachbearbeitung", "role": "caseworker", "team": None}]
    assert helper.memberships.count() == 0


def _real_id_token(provider: OidcProvider, nonce: str) -> str:
    """An ID token of the staff client straight from the provider (the test plays the client)."""
    verifier = "v" * 64
    query = {
        "response_type": "code",
        "client_id": STAFF_CLIENT_ID,
        "redirect_uri": SITE + CALLBACK,
        "scope": "openid groups",
        "state": "s",
        "nonce": nonce,
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    }
    callback = at_provider(f"{provider.issuer}/auth?{urllib.parse.urlencode(query)}", "anna")
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(callback).query)["code"][0]
    answer = requests.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": SITE + CALLBACK,
            "code_verifier": verifier,
        },
        auth=(STAFF_CLIENT_ID, STAFF_CLIENT_SECRET),
        timeout=10,
    )
    return answer.json()["id_token"]


def test_the_id_token_signature_audience_and_nonce_are_checked(provider, directory):
    config = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10).json()
    token = _real_id_token(provider, "n-1")
    assert validated_claims(directory, config, token, "n-1")["sub"] == "anna"
    for spoiled, nonce in [(tamper_signature(token), "n-1"), (token, "n-2")]:
        with pytest.raises(ProtocolError):
            validated_claims(directory, config, spoiled, nonce)
    directory.client_id = "ein-anderer-client"
    with pytest.raises(ProtocolError):
        validated_claims(directory, config, token, "n-1")


def test_without_the_secret_in_the_environment_the_directory_is_not_usable(
    client, directory, orgs, monkeypatch
):
    monkeypatch.delenv("STAFF_OIDC_SECRET_14612000")
    response = start(client, orgs[0])
    assert response.status_code == 503 and "noch nicht eingerichtet" in response.content.decode()
