"""Settings shared by every environment. All deployment-specific values come from the environment.

See docs/configuration.md (every variable). ``.env`` (written by the make targets) is read as a fallback so
that ``manage.py`` finds the same database as ``make run``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    BASE_DIR,
    caches_from_env,
    databases_from_env,
    mailers_from_env,
    media_accel_prefix,
    media_storage,
    platform_operator,
    secret_key,
)
from config.features import accessibility_enforcement, leika_keys, opendata_contributor_id
from config.settings.environment import env

LOCAL_DIR = BASE_DIR / ".local"

SECRET_KEY = secret_key(env, LOCAL_DIR / "secret_key")
LEIKA_KEYS = leika_keys(env)  # LeiKa service keys in each service page's metadata (config.features)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Public base URL used in links that leave the request (tracking links in e-mails, Open311 discovery).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "config.apps.SecondFactorAdminConfig",  # django.contrib.admin; /admin/ needs the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "kernel.geo",
    "kernel.cases",
    "kernel.boundaries",
    "kernel.addresses",
    "kernel.organisations",
    "kernel.notifications",
    "domains.reports",
    "domains.permits",
    "domains.accessibility",
    "shared.privacy",
    "shared.operations",
    "shared.subscriptions",
    "shared.citizens",
    "interfaces.api",
    "interfaces.web",
    "interfaces.staff",
    "interfaces.opendata",
]

LOGIN_URL = "/anmelden/"
LOGIN_REDIRECT_URL = "/verwaltung/"
LOGOUT_REDIRECT_URL = "/anmelden/"

MIDDLEWARE = [
    # First: takes Open311's api_key out of the query string before anything can log it.
    "shared.http.middleware.query_secrets.QuerySecretMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestGuardMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    # Before anything that may read the database for the request: marks heavy public reads for the replica.
    "shared.http.middleware.replica_reads.ReplicaReadMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "interfaces.web.middleware.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # django-allauth (citizen login only): keeps its login state tidy across requests.
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Staff login throttling (django-axes, state in the database so every gunicorn worker sees it): after
# 5 failed attempts for the same user name from the same address, that combination is locked for
# 15 minutes; after 30 failures from one address across user names (password spraying) the address is
# locked (interfaces.staff.lockout). A successful login resets its own user+address counter only. The client address
# is shared.http.client.client_ip (TRUSTED_PROXY_COUNT), the same as for every throttle. The API's token
# authentication is not affected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "interfaces.staff.lockout.UserAndAddressLimitsHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "shared.http.client.client_ip"
AXES_VERBOSE = False

from config.settings.citizens import *  # noqa: E402, F403  (citizen login: allauth, OpenID Connect)
from config.settings.mail_limits import *  # noqa: E402, F403  (mails per recipient address)
from config.settings.parking_cards import *  # noqa: E402, F403  (parking card keys, not from SECRET_KEY)
from config.settings.secret_keys import *  # noqa: E402, F403  (SECRET_KEY_FALLBACKS: key rotation)

# Second factor (django-otp, TOTP): the issuer shown in the authenticator app; see interfaces/staff/two_factor.py.
OTP_TOTP_ISSUER = "Mängelmelder Sachsen"

# Query parameters that carry a secret: removed from QUERY_STRING before any logging (see
# shared/http/middleware/query_secrets.py); only the view that needs one reads it.
QUERY_SECRET_PARAMETERS = ["api_key"]

# Reverse proxies in front of the app that append to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for).
# 0: the client is REMOTE_ADDR. N: the N-th address from the right. One function decides it for every
# throttle and for the login lockout (shared.http.client.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("NUM_PROXIES", default=0))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or a positive number of proxies.")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interfaces.web.context_processors.boundaries",
                "interfaces.web.context_processors.citizen_account",
            ],
            # {% load amounts %}: German/English money and numbers for pages, notices and mails
            "libraries": {"amounts": "kernel.core.amount_tags"},
        },
    },
]

# PostgreSQL: DATABASE_URL, pooled if configured (DATABASE_POOL / DATABASE_PGBOUNCER), and a streaming
# replica (DATABASE_REPLICA_URL) for the heavy public reads (kernel.core.replica_router, shared.http.middleware.replica_reads); everything
# else — writes, staff pages, tracking pages, a person's reads right after their own change — the primary.
DATABASES = databases_from_env(env)
DATABASE_ROUTERS = ["kernel.core.replica_router.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.int("REPLICA_MAX_LAG_SECONDS", default=30)
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=30)
REPLICA_READ_PATHS = [  # GET/HEAD read from the replica; not /tiles/ (docs/api.md: a cached tile must be fresh)
    *(r"^/api/v1/reports/$", r"^/api/v1/communes\.geojson$", r"^/api/v1/permits/active/$"),
    *(r"^/open311/v2/(services|requests)(\.(json|xml))?$", r"^/ogcapi/", r"^/statistik/", r"^/feeds/"),
    r"^/opendata/",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache: throttling state must be the same for every gunicorn worker. Redis when configured,
# else PostgreSQL's cache table (created by ``createcachetable`` in the make targets).
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = caches_from_env(env, REDIS_URL)  # "default" and "tiles" (config.env)

# The cache alias for built report tiles and how long an entry lives at most. Changes made through the
# services drop their tiles at once; the lifetime only bounds writes that bypass them.
REPORT_TILE_CACHE = "tiles"
REPORT_TILE_CACHE_SECONDS = env.int("REPORT_TILE_CACHE_SECONDS", default=600)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first dates and 24-hour times in English mode too (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# Basemap of the citizen pages: an XYZ tile URL and its attribution (shown on the map). Default: the
# BKG's official open TopPlusOpen web map. Empty MAP_TILE_URL = no basemap; the pages then draw only our
# own commune borders, which is also what they fall back to when tiles cannot load.
MAP_TILE_URL = env.str(
    "MAP_TILE_URL",
    default="https://sgx.geodatenzentrum.de/wmts_topplus_open/tile/1.0.0/web/default/WEBMERCATOR/{z}/{y}/{x}.png",
)
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default=(
        "© BKG (2026), dl-de/by-2-0, Datenquellen: "
        "https://sg.geodatenzentrum.de/web_public/Datenquellen_TopPlus_Open.pdf"
    ),
)

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Uploads: MEDIA_ROOT, or an S3-compatible store (MEDIA_STORAGE_URL / AWS_*, config.env.media_storage);
# interfaces.web.media authorises every request and redirects to presigned URLs (private: this many seconds).
MEDIA_PRIVATE_URL_SECONDS = env.int("MEDIA_PRIVATE_URL_SECONDS", default=300)
STORAGES = {
    "default": media_storage(env, private_url_seconds=MEDIA_PRIVATE_URL_SECONDS),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Errors answered outside a view (middleware refusal, unknown URL, database gone) in the path's interface
# format: prefix → function(request, status, message, code); else JSON on /api/ and /tiles/ (config.errors).
ERROR_RENDERERS = {
    "/open311/": "interfaces.api.open311.errors.error_for_request",
    "/ogcapi/": "interfaces.ogcapi.errors.error_for_request",
}

# Request size limits, all in one place. A report carries ≤ 5 photos of ≤ 15 MB each; larger bodies are
# refused with 413 before they are read (RequestGuardMiddleware). Non-file form/JSON data is capped by
# Django's DATA_UPLOAD_MAX_MEMORY_SIZE; uploads above FILE_UPLOAD_MAX_MEMORY_SIZE go to temporary files.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=80 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Uploaded files are always authorised by the app (interfaces.web.media: public photos, private attachments). With
# nginx in front, set this to nginx's `internal` location (e.g. "/_media/", aliased to MEDIA_ROOT): the app
# then answers with X-Accel-Redirect and nginx sends the bytes. Empty: the app streams the file itself.
MEDIA_ACCEL_REDIRECT_PREFIX = media_accel_prefix(env)

# E-mail (Django 6.1 MAILERS): files in .local/mail/ in development (`make run`), SMTP when EMAIL_HOST is set.
MAILERS = mailers_from_env(env, production=False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Mängelmelder Sachsen <noreply@maengelmelder.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Failed mails are retried by the task worker after 1, 2, 4 … × this many seconds (max. 8 attempts).
MAIL_RETRY_BASE_SECONDS = env.int("MAIL_RETRY_BASE_SECONDS", default=60)
FEE_REMINDER_DAYS = env.int("FEE_REMINDER_DAYS", default=14)  # Zahlungserinnerung after the due date; 0: none
# How long a hand-off link to an outside party works (days; domains/reports/handoffs), unless revoked.
HANDOFF_LINK_DAYS = env.int("HANDOFF_LINK_DAYS", default=30)

# The platform operator, named on /datenschutz/ next to the communes (who answer for their own cases).
_operator = platform_operator(env)
PLATFORM_OPERATOR_NAME = _operator["name"]
PLATFORM_OPERATOR_EMAIL = _operator["email"]
PLATFORM_OPERATOR_ADDRESS = _operator["address"]
# The enforcement body named on /barrierefreiheit/ (defaults: Saxony's Durchsetzungsstelle, config.env).
A11Y_ENFORCEMENT = accessibility_enforcement(env)

# gis.W001 warns that GDAL < 3.9 (Debian 12 ships 3.6) cannot block file/network access while parsing
# spatial reference text. This service never hands user-supplied SRS text to GDAL: API input is parsed
# by GEOS from numbers/GeoJSON with fixed SRIDs (kernel.geo.srid), and GDAL only opens boundary files an
# administrator passes to ``load_communes``. See docs/deployment.md "gis.W001".
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the map page's fetch() reads the token from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # pikepdf (domains.permits.documents.pdfa) announces its qpdf log bridge at INFO on every start; qpdf's warnings stay.
        "pikepdf": {"level": "WARNING"},
        # WeasyPrint (domains.permits.documents.rendering) logs every rendering step at INFO; its warnings stay.
        "weasyprint": {"level": "WARNING"},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "interfaces.api.exceptions.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: unauthenticated API calls then get 401 with "WWW-Authenticate: Token".
        "interfaces.api.authentication.StaffTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "interfaces.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Per client IP (shared.http.client.client_ip, TRUSTED_PROXY_COUNT; DRF's NUM_PROXIES follows it).
    "DEFAULT_THROTTLE_RATES": {
        "report_create": env.str("THROTTLE_REPORT_CREATE", default="20/hour"),
        "support": env.str("THROTTLE_SUPPORT", default="60/hour"),
        # Follow a report, area alerts, management links: each may send a mail to a typed address.
        "subscribe": env.str("THROTTLE_SUBSCRIBE", default="20/hour"),
        # Address search, reverse lookup, permit fee estimates: costly anonymous reads as people type.
        "address_search": env.str("THROTTLE_ADDRESS_SEARCH", default="1200/hour"),
        "permit_estimate": env.str("THROTTLE_PERMIT_ESTIMATE", default="600/hour"),
        # Open311 POSTs with a valid api_key: one bucket per client application (many citizens behind it).
        "open311_api_key": env.str("THROTTLE_OPEN311_API_KEY", default="600/hour"),
        # Feedback on barriers (/barrierefreiheit/): anonymous, each one a case and up to two mails.
        "a11y_feedback": env.str("THROTTLE_A11Y_FEEDBACK", default="10/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Staff API tokens (django-rest-knox with our named model organisations.ApiToken): stored as SHA-512
# digests, "Authorization: Token mm_…"; each expires after API_TOKEN_DEFAULT_DAYS unless issued with
# another lifetime (at most API_TOKEN_MAX_DAYS). Issued and revoked with `manage.py issue_token`; the
# organisation's admin lists and revokes its members' tokens under /verwaltung/einstellungen/api-tokens/.
KNOX_TOKEN_MODEL = "organisations.ApiToken"
# knox's own AuthToken is swapped out; its migrations would still create an unused table whose foreign
# key to auth_user breaks TRUNCATE (flush) of the user table. Without them knox has no tables at all.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=180)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=730)
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=API_TOKEN_DEFAULT_DAYS),
    "TOKEN_PREFIX": "mm_",
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Open311 media_url: only these hosts are ever fetched (by the task worker, with size/time limits and no
# private addresses; see domains/reports/media_fetch.py). Empty: links are ignored and the client is told so.
# Open data (/opendata/): where the nightly export writes its dated folders (default MEDIA_ROOT/opendata,
# served by the opendata app, never by /media/), the licence of the statewide data sets (each commune's
# organisation chooses its own), the DCAT-AP.de contributor id GovData groups our data sets by, and how
# long the statistics pages' figures are cached (seconds).
# Empty: MEDIA_ROOT/opendata, resolved when used (so a MEDIA_ROOT changed later — tests — is followed).
OPENDATA_ROOT = env.str("OPENDATA_ROOT", default="")
OPENDATA_LICENSE = env.str("OPENDATA_LICENSE", default="http://dcat-ap.de/def/licenses/dl-by-de/2.0")
# Empty: no dcatde:contributorID (optional in DCAT-AP.de); a value must be a registered contributor IRI.
OPENDATA_CONTRIBUTOR_ID = opendata_contributor_id(env)
STATISTICS_CACHE_SECONDS = env.int("STATISTICS_CACHE_SECONDS", default=300)
# The task worker runs the export once a day; off when cron (or another host) runs `export_opendata`.
OPENDATA_EXPORT_DAILY = env.bool("OPENDATA_EXPORT_DAILY", default=True)
OPENDATA_EXPORT_LANE = env.str("OPENDATA_EXPORT_LANE", default="opendata")

OPEN311_MEDIA_HOSTS = [h.lower() for h in env.list("OPEN311_MEDIA_HOSTS", default=[])]

from config.settings.api_schema import *  # noqa: E402, F403  (drf-spectacular's settings)
