"""Production: SECRET_KEY, the parking card keys, ALLOWED_HOSTS and DATABASE_URL are required, DEBUG is
refused, and HTTPS hardening is on (``manage.py check --deploy``). The default of ``manage.py`` and ``config/wsgi.py``."""

from django.core.exceptions import ImproperlyConfigured

from config.env import mailers_from_env
from config.parking_keys import require_explicit
from config.settings.base import *  # noqa: F403
from config.settings.base import env

if not env.raw("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production (no generated fallback).")
SECRET_KEY = env.str("SECRET_KEY")


def _check_secret(value: str, name: str) -> None:
    """Refuse a key a guess could find; the message names the variable, never the value."""
    if len(value) < 50 or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"{name} is too short or too simple for production (≥ 50 random characters)."
        )


_check_secret(SECRET_KEY, "SECRET_KEY")
# An old key signs nothing new but still opens every link made with it: it needs the same strength.
for _position, _fallback in enumerate(SECRET_KEY_FALLBACKS, start=1):  # noqa: F405
    _check_secret(_fallback, f"SECRET_KEY_FALLBACKS (entry {_position})")

# Parking card keys: no generated key in .local/ (config.parking_keys, docs/operations.md).
require_explicit(env)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (it shows settings and code to visitors).")
if not env.raw("ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in production (the public host names, comma-separated)."
    )
if not env.raw("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production (no local default database).")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Real mail delivery: SMTP (EMAIL_HOST, default localhost) unless EMAIL_BACKEND names another backend.
MAILERS = mailers_from_env(env, production=True)
