"""Settings of the optional citizen login (django-allauth's socialaccount, OpenID Connect; shared/citizens/oidc.py).

Kept apart from base.py, which star-imports them. Providers come from the environment (docs/configuration.md).
"""

from django.core.exceptions import ImproperlyConfigured

from config.features import oidc_providers
from config.settings.environment import env as _env

# Citizen accounts (optional): OpenID Connect through django-allauth's socialaccount (shared/citizens/oidc.py).
# Providers from OIDC_PROVIDERS (JSON list) or OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET; none: no
# citizen login is offered. allauth's own password login, sign-up and e-mail flows are not routed at all
# (shared/citizens/urls.py has only the provider endpoints); the staff login at /anmelden/ stays as it is.
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": oidc_providers(_env)}}
SOCIALACCOUNT_ADAPTER = "shared.citizens.oidc.CitizenSocialAccountAdapter"
ACCOUNT_ADAPTER = "shared.citizens.oidc.CitizenAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# Never log a provider identity into an existing (staff) user just because the e-mail address matches.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["email", "username*"]

# Citizen accounts unused this long are deleted by a daily job (shared.citizens.services.accounts_expire); their
# cases keep their own retention periods.
CITIZEN_ACCOUNT_RETENTION_DAYS = _env.int("CITIZEN_ACCOUNT_RETENTION_DAYS", default=730)
if CITIZEN_ACCOUNT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("CITIZEN_ACCOUNT_RETENTION_DAYS must be at least 1.")
