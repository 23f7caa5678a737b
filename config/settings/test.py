"""Settings for pytest: the same PostGIS as the make targets (pytest-django creates ``test_<name>``)."""

import os
import re

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# Keep the tests' cache (throttling counters, cleared before every test) apart from a `make run` server
# sharing the same Redis: another database number and key prefix.
if REDIS_URL:
    CACHES["default"]["LOCATION"] = re.sub(r"/\d+$", "", REDIS_URL.rstrip("/")) + "/15"
    CACHES["tiles"]["LOCATION"] = CACHES["default"]["LOCATION"]
CACHES["default"]["KEY_PREFIX"] = "mm-test"
CACHES["tiles"]["KEY_PREFIX"] = "mm-test-tiles"

# A separate test database for runs that may overlap with `make test` (bench/fuzz.py sets this).
_suffix = os.environ.get("TEST_DB_SUFFIX", "")
if _suffix:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_suffix}"}  # noqa: F405
