"""Settings of single features read from the environment (the accessibility statement's
enforcement body, citizen login providers, LeiKa keys): kept apart from config.env, which holds the
general ones."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.env import Env, checked_email


def derived_secret(secret: str, purpose: str) -> str:
    """A secret for one purpose derived from SECRET_KEY (base64url, 32 bytes). Parking card keys were
    derived like this before they got their own settings; config.parking_keys still uses it to name those
    old values once, so cards issued then stay valid after the change."""
    digest = hmac.new(secret.encode(), f"maengelmelder:{purpose}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# Defaults as published by the Free State of Saxony (checked December 2026): the Durchsetzungsstelle at the
# Sächsische Staatskanzlei takes complaints about websites of Saxon public bodies. The operator keeps them
# current through the environment; an empty value hides that line on /barrierefreiheit/.
ENFORCEMENT_DEFAULTS = {
    "name": "Durchsetzungsstelle für digitale Barrierefreiheit des Freistaates Sachsen",
    "address": "Sächsische Staatskanzlei\nArchivstraße 1\n01097 Dresden",
    "email": "Durchsetzungsstelle@sk.sachsen.de",
    "url": "https://www.durchsetzungsstelle.sachsen.de/",
}


def accessibility_enforcement(env: Env) -> dict[str, str]:
    """The enforcement body named in the accessibility statement (BITV 2.0 § 7, EU model statement):
    ``A11Y_ENFORCEMENT_NAME``, ``…_ADDRESS`` (``\\n`` for line breaks), ``…_EMAIL``, ``…_URL``. A malformed
    e-mail address or a URL that is not http(s) stops the start rather than appearing on the page."""
    values = {
        key: env.str(f"A11Y_ENFORCEMENT_{key.upper()}", default=default).replace("\\n", "\n").strip()
        for key, default in ENFORCEMENT_DEFAULTS.items()
    }
    checked_email("A11Y_ENFORCEMENT_EMAIL", values["email"])
    url = values["url"]
    if url and not url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"A11Y_ENFORCEMENT_URL muss mit https:// beginnen: {url!r}")
    return values


# LeiKa service keys (FIM Leistungskatalog, 14 digits "99…") of the three services, named in each service
# page's metadata. Where they come from (docs/citizen-pages.md, LeiKa): the LeiKa catalogue as imported into the OZG
# database of the NRW communes' IT association (KDN, 2019) — the parking key also in a PVOG answer of
# 2026 ("Parkausweis für Bewohner beantragen"). The Saxon Amt24 services carry the same Stammleistungen:
# "Schäden an Gemeinde- und Ortsstraßen melden", "Sondernutzung … beantragen", "Parkausweis für Bewohner
# beantragen". An operator whose portal lists another key sets LEIKA_KEY_*; an empty value names none.
LEIKA_DEFAULTS = {
    # Straßenschaden Beseitigung an Gemeinde- und Ortsstraßen, begleitenden Geh- und Radwegen sowie an
    # Feld- und Waldwegen
    "report": "99108018137003",
    "permit": "99108012005000",  # Sondernutzung von Straßen Erlaubnis
    "parking": "99108001001000",  # Bewohnerparkausweis Erteilung
}
LEIKA_KEY_RE = re.compile(r"99[0-9]{12}")


def leika_keys(env: Env) -> dict[str, str]:
    """``LEIKA_KEY_REPORT``, ``…_PERMIT``, ``…_PARKING``: a value that is not a 14-digit LeiKa key stops
    the start instead of being published to portals as the service's identity."""
    keys = {}
    for service, default in LEIKA_DEFAULTS.items():
        name = f"LEIKA_KEY_{service.upper()}"
        value = env.str(name, default=default).strip()
        if value and not LEIKA_KEY_RE.fullmatch(value):
            raise ImproperlyConfigured(
                f"{name} ist kein LeiKa-Schlüssel (14 Ziffern, beginnend mit 99): {value!r}"
            )
        keys[service] = value
    return keys


def oidc_providers(env: Env) -> list[dict[str, Any]]:
    """Citizen login providers (OpenID Connect) as django-allauth ``APPS`` entries.

    ``OIDC_PROVIDERS`` holds a JSON list of ``{"id", "name", "issuer", "client_id", "secret"}`` (several
    brokers, e.g. Amt24's Servicekonto and BundID); ``OIDC_ISSUER``/``OIDC_CLIENT_ID``/
    ``OIDC_CLIENT_SECRET`` (and ``OIDC_NAME``) configure a single one. None configured: no citizen login.
    PKCE is always on; the library checks state, nonce, the ID token's signature, issuer, audience, expiry.
    """
    raw = env.str("OIDC_PROVIDERS", default="").strip()
    try:
        entries = json.loads(raw) if raw else []
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {exc}") from None
    if not raw and env.str("OIDC_ISSUER", default=""):
        entries = [
            {
                "id": env.str("OIDC_ID", default="servicekonto"),
                "name": env.str("OIDC_NAME", default="Servicekonto"),
                "issuer": env.str("OIDC_ISSUER"),
                "client_id": env.str("OIDC_CLIENT_ID", default=""),
                "secret": env.str("OIDC_CLIENT_SECRET", default=""),
            }
        ]
    if not isinstance(entries, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of providers.")
    return [_oidc_app(entry) for entry in entries]


def _oidc_app(entry: Any) -> dict[str, Any]:
    required = ("id", "name", "issuer", "client_id")
    if not isinstance(entry, dict) or any(not str(entry.get(key) or "").strip() for key in required):
        raise ImproperlyConfigured(f"Each OIDC provider needs {', '.join(required)} (and usually secret).")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", entry["id"]):
        raise ImproperlyConfigured("An OIDC provider id is lower-case letters, digits and hyphens.")
    return {
        "provider_id": entry["id"],
        "name": entry["name"],
        "client_id": entry["client_id"],
        "secret": entry.get("secret", ""),
        "settings": {
            "server_url": entry["issuer"].rstrip("/"),
            "oauth_pkce_enabled": True,
            # address: the postal address that prefills permit and parking forms.
            "scope": ["openid", "profile", "email", "address"],
            "token_auth_method": entry.get("token_auth_method", "client_secret_post"),
        },
    }


CONTRIBUTOR_ID_RE = re.compile(r"http://dcat-ap\.de/def/contributors/[A-Za-z0-9]+")


def opendata_contributor_id(env: Env) -> str:
    """``OPENDATA_CONTRIBUTOR_ID``: the ``dcatde:contributorID`` of every data set in the catalogue, one of
    the IRIs GovData registers (http://dcat-ap.de/def/contributors/). DCAT-AP.de makes the property optional
    (``[*]``); only delivery to GovData requires exactly one registered IRI (Konventionen K12/13). So it is
    empty by default and the catalogue then names none; a value outside that list stops the start instead
    of being harvested as an unknown contributor."""
    value = env.str("OPENDATA_CONTRIBUTOR_ID", default="").strip()
    if value and not CONTRIBUTOR_ID_RE.fullmatch(value):
        raise ImproperlyConfigured(
            f"OPENDATA_CONTRIBUTOR_ID ist keine Datenbereitsteller-ID aus http://dcat-ap.de/def/contributors/: "
            f"{value!r}. Tragen Sie die ID ein, die GovData bzw. das Open-Data-Portal Sachsen vergeben hat "
            "(z. B. http://dcat-ap.de/def/contributors/freistaatSachsen), oder lassen Sie die Variable leer."
        )
    return value
