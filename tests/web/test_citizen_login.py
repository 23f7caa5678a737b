"""Citizen login through OpenID Connect against a real provider (``oidc-provider`` under Node, started
here on loopback): login shows the name, logout ends the session, a tampered or expired ID token is
refused with a German message and leaves nobody signed in."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from kernel.organisations.models import Membership, Organisation, Role
from tests.citizens.provider_login import PROVIDER_ID, configure_server
from tests.oidc_peer import (
    BackChannelProxy,
    OidcProvider,
    hold_until_expired,
    tamper_signature,
)
from tests.web.conftest import axe_serious, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _provider(site: str, **options) -> OidcProvider:
    return OidcProvider(f"{site}/konto/oidc/{PROVIDER_ID}/login/callback/", f"{site}/", **options)


@pytest.fixture
def provider(site, settings):
    peer = _provider(site)
    configure_server(settings, peer.issuer)
    yield peer
    peer.stop()


def _sign_in_at_provider(page, site: str) -> None:
    page.goto(f"{site}/mein-konto/")
    page.get_by_role("button", name="Anmelden mit Testkonto").click()
    page.locator("input[name=login]").fill("erika")
    page.locator("input[name=password]").fill("geheim")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def _signed_in_sessions() -> list[dict]:
    return [s.get_decoded() for s in Session.objects.all() if "_auth_user_id" in s.get_decoded()]


def test_citizen_signs_in_sees_name_and_signs_out(page, site, provider):
    page.goto(f"{site}/")
    page.get_by_role("link", name="Anmelden").click()
    _sign_in_at_provider(page, site)

    expect(page.get_by_text("Angemeldet als Erika Mustermann")).to_be_visible()
    expect(page.get_by_text("Obermarkt 1, 02826 Görlitz")).to_be_visible()
    user = get_user_model().objects.get(socialaccount__uid="erika")
    assert (user.email, user.is_staff, user.is_superuser, user.has_usable_password()) == (
        "erika@example.org",
        False,
        False,
        False,
    )
    assert [s["_auth_user_id"] for s in _signed_in_sessions()] == [str(user.pk)]
    assert axe_serious(page) == []

    page.goto(f"{site}/parkausweis/beantragen/")
    expect(page.locator("input[name=name]")).to_have_value("Erika Mustermann")
    expect(page.locator("input[name=address]")).to_have_value("Obermarkt 1, 02826 Görlitz")
    expect(page.locator("input[name=email]")).to_have_value("erika@example.org")
    page.goto(f"{site}/mein-konto/")

    page.get_by_role("button", name="Abmelden").click()
    # Our session ends at once; then the provider's (RP-Initiated Logout) and back to our start page.
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{site}/")
    assert _signed_in_sessions() == []
    page.goto(f"{site}/mein-konto/")
    page.get_by_role("button", name="Anmelden mit Testkonto").click()
    expect(page.locator("input[name=login]")).to_be_visible()  # the provider asks again


@pytest.mark.parametrize(
    ("ttl", "spoil"),
    [(3600, tamper_signature), (1, hold_until_expired)],
    ids=["tampered-signature", "expired"],
)
def test_bad_id_token_is_refused_and_nobody_is_signed_in(page, site, settings, ttl, spoil):
    peer = _provider(site, id_token_ttl=ttl)
    proxy = BackChannelProxy(peer.issuer, spoil=spoil)
    configure_server(settings, proxy.url)
    try:
        _sign_in_at_provider(page, site)
        expect(page.get_by_role("heading", name="Anmeldung fehlgeschlagen")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("ungültig oder abgelaufen")
        assert axe_serious(page) == []
        assert proxy.token_responses == 1  # the token really came back through the proxy
    finally:
        proxy.stop()
        peer.stop()
    assert _signed_in_sessions() == []
    assert not SocialAccount.objects.exists()
    assert not get_user_model().objects.filter(email="erika@example.org").exists()
    page.goto(f"{site}/mein-konto/")
    expect(page.get_by_role("button", name="Anmelden mit Testkonto")).to_be_visible()


def test_provider_identity_of_a_staff_member_is_refused(page, site, provider):
    """Even if a provider identity were linked to a staff member, it never signs them in."""
    staff = get_user_model().objects.create_user(username="sachbearbeitung", email="sb@example.org")
    Membership.objects.create(user=staff, organisation=Organisation.objects.first(), role=Role.CASEWORKER)
    SocialAccount.objects.create(user=staff, provider=PROVIDER_ID, uid="erika")
    _sign_in_at_provider(page, site)
    expect(page.get_by_role("alert")).to_contain_text("keine Anmeldung als Bürgerin oder Bürger möglich")
    assert _signed_in_sessions() == []


def test_callback_carried_into_another_browser_is_refused(page, browser, site, provider):
    """Login injection: a valid code and state from one browser opened in another session. allauth binds
    ``state`` (and the PKCE verifier) to the session that started the login, so it is refused."""
    seen: list[str] = []

    def stop_before_callback(route) -> None:
        # Redirects are not routed one by one: fetch each provider answer without following it and keep
        # the Location that would take this browser to our callback.
        answer = route.fetch(max_redirects=0)
        location = answer.headers.get("location", "")
        while location.startswith(provider.issuer):  # the provider's own redirects (cookies shared)
            answer = page.context.request.get(location, max_redirects=0)
            location = answer.headers.get("location", "")
        if "/login/callback/" in location:
            seen.append(location)
            route.fulfill(status=200, content_type="text/html", body="<title>angehalten</title>angehalten")
        else:
            route.fulfill(response=answer)

    page.context.route(lambda url: url.startswith(provider.issuer), stop_before_callback)
    _sign_in_at_provider(page, site)
    expect(page).to_have_title("angehalten")
    assert len(seen) == 1 and "code=" in seen[0] and "state=" in seen[0]

    other = new_context(browser)
    try:
        victim = other.new_page()
        victim.goto(seen[0])
        expect(victim.get_by_role("heading", name="Anmeldung fehlgeschlagen")).to_be_visible()
    finally:
        other.close()
    assert _signed_in_sessions() == []
    assert not SocialAccount.objects.exists()
