"""Staff sign-in through the organisation's own directory: OpenID Connect authorization code flow with
PKCE (S256), ``state`` and ``nonce`` bound to the session, and the ID token checked in full — signature
against the provider's JWKS (asymmetric algorithms only), issuer, audience, expiry, nonce.

The protocol is written out here rather than through django-allauth, which serves the citizen login:
allauth's apps are global settings, its account flow creates citizens and refuses staff accounts
(``shared.citizens.oidc``), whereas a directory is per organisation, stored in the database and signs in
staff. The token check uses the same library allauth uses for it (PyJWT with its JWKS client).

``POST /anmelden/verzeichnis/`` (organisation) starts, ``GET /anmelden/verzeichnis/zurueck/`` is the one
redirect URI to register at every directory. What the claims then do is ``kernel.organisations.directory``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from interfaces.staff.two_factor import PENDING
from kernel.organisations.directory import (
    DirectoryRefused,
    directory_client_secret,
    directory_factor,
    directory_sign_in,
)
from kernel.organisations.directory_models import StaffDirectory
from kernel.organisations.invitations import invitations_pending_for
from kernel.organisations.second_factor import confirmed_device

FLOW = "mm_directory_flow"
FLOW_SECONDS = 600
TIMEOUT = 10
BACKEND = "django.contrib.auth.backends.ModelBackend"
# Never "none" nor a shared-secret HMAC: the signature must come from the provider's published keys.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class ProtocolError(Exception):
    """The provider's answer could not be trusted (wrong state, bad token, unreachable)."""


def refused(request: HttpRequest, reason: str, *, status: int = 403) -> HttpResponse:
    request.session.pop(FLOW, None)
    return render(request, "registration/directory_refused.html", {"reason": reason}, status=status)


def _discovery(directory: StaffDirectory) -> dict[str, Any]:
    url = directory.issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        answer = requests.get(url, timeout=TIMEOUT)
        answer.raise_for_status()
        config = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProtocolError("discovery") from exc
    if config.get("issuer") != directory.issuer:  # OIDC Discovery 4.3: must match exactly
        raise ProtocolError("issuer")
    return config


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("login-directory-callback"))


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("staff:queue")


@require_POST
def directory_login(request: HttpRequest) -> HttpResponse:
    """Start the sign-in at the chosen organisation's directory (POST with CSRF: a link cannot start it)."""
    chosen = request.POST.get("organisation", "")
    directory = (
        StaffDirectory.objects.select_related("organisation").filter(organisation_id=chosen).first()
        if chosen.isdigit()
        else None
    )
    if directory is None or not directory.active or not directory.organisation.active:
        return refused(request, _("Die Anmeldung über dieses Verzeichnis ist abgeschaltet."))
    if not directory_client_secret(directory):
        return refused(
            request, _("Die Anmeldung über dieses Verzeichnis ist noch nicht eingerichtet."), status=503
        )
    try:
        config = _discovery(directory)
    except ProtocolError:
        return _unreachable(request)
    flow = {
        "directory": directory.pk,
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
        "next": _next(request),
        "at": time.time(),
    }
    request.session[FLOW] = flow
    query = {
        "response_type": "code",
        "client_id": directory.client_id,
        "redirect_uri": _redirect_uri(request),
        "scope": directory.scopes,
        "state": flow["state"],
        "nonce": flow["nonce"],
        "code_challenge": _challenge(flow["verifier"]),
        "code_challenge_method": "S256",
    }
    return redirect(f"{config['authorization_endpoint']}?{urlencode(query)}")


def _unreachable(request: HttpRequest) -> HttpResponse:
    reason = _(
        "Das Verzeichnis Ihrer Verwaltung ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."
    )
    return refused(request, reason, status=503)


def _id_token(directory: StaffDirectory, config: dict, code: str, flow: dict, redirect_uri: str) -> str:
    try:
        answer = requests.post(
            config["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": flow["verifier"],
            },
            auth=(directory.client_id, directory_client_secret(directory)),
            timeout=TIMEOUT,
        )
        token = answer.json().get("id_token") if answer.status_code == 200 else None
    except (requests.RequestException, ValueError) as exc:
        raise ProtocolError("token") from exc
    if not isinstance(token, str):
        raise ProtocolError("token")
    return token


def validated_claims(directory: StaffDirectory, config: dict, token: str, nonce: str) -> dict[str, Any]:
    """The ID token's claims after every check of OIDC Core 3.1.3.7 that applies to a confidential
    client; raises ``ProtocolError`` otherwise."""
    try:
        key = jwt.PyJWKClient(config["jwks_uri"], timeout=TIMEOUT).get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=ALGORITHMS,
            audience=directory.client_id,
            issuer=directory.issuer,
            leeway=30,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWTError, KeyError) as exc:
        raise ProtocolError("id_token") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != directory.client_id:
        raise ProtocolError("azp")
    if not secrets.compare_digest(str(claims.get("nonce") or ""), nonce):
        raise ProtocolError("nonce")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise ProtocolError("sub")
    return claims


def _flow(request: HttpRequest) -> dict | None:
    flow = request.session.pop(FLOW, None)  # single use: a second callback with the same state fails
    if not isinstance(flow, dict) or time.time() - flow.get("at", 0) > FLOW_SECONDS:
        return None
    state = request.GET.get("state", "")
    return flow if state and secrets.compare_digest(state, str(flow["state"])) else None


@require_GET
def directory_callback(request: HttpRequest) -> HttpResponse:
    """The directory sends the browser back here with ``code`` and ``state``."""
    invalid = _(
        "Die Anmeldung konnte nicht bestätigt werden: Die Antwort des Verzeichnisses war ungültig oder "
        "abgelaufen. Sie sind nicht angemeldet. Bitte versuchen Sie es erneut."
    )
    flow = _flow(request)
    if flow is None:
        return refused(request, invalid, status=400)
    if request.GET.get("error"):
        return refused(
            request, _("Die Anmeldung wurde im Verzeichnis abgebrochen oder abgelehnt."), status=400
        )
    directory = StaffDirectory.objects.select_related("organisation").filter(pk=flow["directory"]).first()
    if directory is None or not directory.active:
        return refused(request, _("Die Anmeldung über dieses Verzeichnis ist abgeschaltet."))
    try:
        config = _discovery(directory)
        token = _id_token(directory, config, request.GET.get("code", ""), flow, _redirect_uri(request))
        claims = validated_claims(directory, config, token, flow["nonce"])
    except ProtocolError as exc:
        if str(exc) in ("discovery", "issuer"):
            return _unreachable(request)
        return refused(request, invalid, status=400)
    try:
        result = directory_sign_in(directory=directory, claims=claims)
    except DirectoryRefused as exc:
        return refused(request, exc.message)
    return _signed_in(request, result, directory, flow["next"])


def _signed_in(request: HttpRequest, result: Any, directory: StaffDirectory, next_url: str) -> HttpResponse:
    """Second factor: the directory's (amr/acr, if the organisation accepts it), else the local TOTP."""
    user = result.user
    if not result.provider_second_factor and confirmed_device(user) is not None:
        request.session.cycle_key()
        request.session[PENDING] = {
            "user": user.pk,
            "backend": BACKEND,
            "at": time.time(),
            "next": next_url,
            "tries": 0,
        }
        return redirect("login-code")
    auth_login(request, user, backend=BACKEND)
    if result.provider_second_factor:
        otp_login(request, directory_factor(user=user, directory=directory))
    if invitations_pending_for(user).exists():
        return redirect("staff:invitations")
    if not result.provider_second_factor:
        messages.info(
            request, _("Bitte richten Sie jetzt die Zwei-Faktor-Anmeldung mit einer Authenticator-App ein.")
        )
        return redirect(f"{reverse('staff:second-factor')}?{urlencode({'next': next_url})}")
    return redirect(next_url)
