"""OpenID Connect login of citizens through django-allauth's ``openid_connect`` provider.

allauth does the protocol: PKCE (S256), ``state`` bound to the session, ``nonce``, the ID token's issuer,
audience and expiry. One thing is tightened here: allauth skips the ID token's *signature* when the token
came straight from the token endpoint (OIDC Core 3.1.3.7 allows it over TLS). We check it always against
the provider's JWKS — a broker behind a TLS-terminating proxy or a misconfigured http issuer must not make
an altered token pass.

Citizen accounts never get staff rights: they are created without ``is_staff``/``is_superuser`` and
with an unusable password (so the staff login at /anmelden/ cannot be used with them), staff access comes
only from organisation memberships, and a provider login that would land on a staff account is refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.organisations.models import Membership

ACCOUNT_HOME = "/mein-konto/"


def providers() -> list[dict[str, str]]:
    """The configured providers (id and display name) for the login buttons; empty: no citizen login."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return [{"id": app["provider_id"], "name": app["name"]} for app in apps]


def is_staff_user(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser or Membership.objects.filter(user_id=user.pk).exists())


class SignatureCheckingAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        # allauth would skip the signature for a token fetched from the token endpoint; never skip it.
        self.did_fetch_access_token = False
        return super()._decode_id_token(app, id_token)


def login_failed(request: HttpRequest, reason: str = "", *, status: int = 400) -> HttpResponse:
    """The one answer to every failed or cancelled provider login: a German page, no session."""
    return render(request, "socialaccount/authentication_error.html", {"reason": reason}, status=status)


def _provider_unreachable(request: HttpRequest) -> HttpResponse:
    # Discovery, token or JWKS request failed (broker down, network): a page, never a 500.
    reason = _("Der Anmeldedienst ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut.")
    return login_failed(request, reason, status=503)


@require_POST
def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Start the login (POST only, with CSRF: a link cannot start a login in someone's browser)."""
    try:
        return OAuth2LoginView.adapter_view(SignatureCheckingAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except requests.RequestException:
        return _provider_unreachable(request)


def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2CallbackView.adapter_view(SignatureCheckingAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except requests.RequestException:
        return _provider_unreachable(request)


class CitizenAccountAdapter(DefaultAccountAdapter):
    """Only social logins use allauth here: no sign-up form, no password login, no allauth e-mails."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return ACCOUNT_HOME

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # The first login creates the account ("signup"): also to Mein Konto, never to /verwaltung/.
        return ACCOUNT_HOME

    def add_message(self, *args: Any, **kwargs: Any) -> None:
        return None


class CitizenSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        user = sociallogin.user
        if user.pk and is_staff_user(user):
            raise ImmediateHttpResponse(
                login_failed(
                    request, _("Mit diesem Konto ist keine Anmeldung als Bürgerin oder Bürger möglich.")
                )
            )

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict) -> Any:
        user = super().populate_user(request, sociallogin, data)
        user.is_staff = False
        user.is_superuser = False
        return user

    def on_authentication_error(
        self, request: HttpRequest, provider: Any, error: Any = None, **kwargs: Any
    ) -> None:
        """Every failure — refused token, wrong state, provider error, cancelled — gets the German page."""
        reason = _("Die Anmeldung wurde abgebrochen.") if error == AuthError.CANCELLED else ""
        raise ImmediateHttpResponse(login_failed(request, reason))


def provider_logout_url(request: HttpRequest, user: Any) -> str:
    """Where to send the browser after our own logout so that the broker's session ends too (OpenID
    Connect RP-Initiated Logout: ``end_session_endpoint`` from discovery, ``client_id`` instead of an
    ``id_token_hint`` because the raw token is not kept). On a shared computer the next "Anmelden" must
    ask for the login again. Empty when the provider has no such endpoint or cannot be reached: then only
    our session ends."""
    account = SocialAccount.objects.filter(user_id=user.pk).order_by("-last_login").first()
    if account is None:
        return ""
    try:
        adapter = SignatureCheckingAdapter(request, account.provider)
        endpoint = str(adapter.openid_config.get("end_session_endpoint") or "")
        client_id = adapter.get_provider().app.client_id
    except (SocialApp.DoesNotExist, requests.RequestException, ValueError):
        return ""
    if not endpoint.startswith(("https://", "http://")):
        return ""
    back = request.build_absolute_uri("/")
    return f"{endpoint}?{urlencode({'client_id': client_id, 'post_logout_redirect_uri': back})}"
