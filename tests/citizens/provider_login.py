"""Signing in through the real test provider (``tests.oidc_peer.OidcProvider``) with Django's test client,
no browser: the client starts the login and receives the callback; the provider's own pages (login form,
consent) are filled in over HTTP like a browser would, and the backend's token and JWKS requests go to
the provider for real."""

from __future__ import annotations

import re
import urllib.parse

import requests

from tests.oidc_peer import CLIENT_ID, CLIENT_SECRET, OidcProvider

PROVIDER_ID = "testkonto"
SITE = "http://testserver"
CALLBACK = f"/konto/oidc/{PROVIDER_ID}/login/callback/"


def start_provider(*, email_verified: bool) -> OidcProvider:
    return OidcProvider(f"{SITE}{CALLBACK}", f"{SITE}/", email_verified=email_verified)


def configure(settings, provider: OidcProvider) -> None:
    configure_server(settings, provider.issuer)


def configure_server(settings, server_url: str) -> None:
    """Our site as the client of the OpenID provider at ``server_url`` (the peer itself or a proxy)."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Testkonto",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {
                        "server_url": server_url,
                        "oauth_pkce_enabled": True,
                        "token_auth_method": "client_secret_post",
                        "scope": ["openid", "profile", "email", "address"],
                    },
                }
            ],
        }
    }


def _follow(session: requests.Session, response: requests.Response) -> requests.Response:
    """Follow the provider's redirects until one leads back to our site (the callback)."""
    while response.status_code in (302, 303) and not response.headers["Location"].startswith(SITE):
        url = urllib.parse.urljoin(response.url, response.headers["Location"])
        response = session.get(url, allow_redirects=False)
    return response


def _submit(session: requests.Session, page: requests.Response, **fields: str) -> requests.Response:
    form = re.search(r"<form.*?</form>", page.text, re.S).group(0)
    action = re.search(r'action="([^"]+)"', form).group(1)
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)) | fields
    response = session.post(urllib.parse.urljoin(page.url, action), data=data, allow_redirects=False)
    return _follow(session, response)


def sign_in(client, login: str) -> None:
    """Log ``client`` in as the provider's account ``login`` (its address: ``<login>@example.org``)."""
    start = client.post(f"/konto/oidc/{PROVIDER_ID}/login/")
    assert start.status_code == 302, start.content[:500]
    browser = requests.Session()
    page = _follow(browser, browser.get(start["Location"], allow_redirects=False))
    consent = _submit(browser, page, login=login, password="geheim")
    back = _submit(browser, consent)
    assert back.status_code == 303 and back.headers["Location"].startswith(SITE + CALLBACK)
    done = client.get(back.headers["Location"][len(SITE) :])
    assert (done.status_code, done["Location"]) == (302, "/mein-konto/"), done.content[:500]
