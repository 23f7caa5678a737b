"""Settings for pytest: the same PostGIS as the make targets (pytest-django creates ``test_<name>``)."""

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Keep the tests' throttling/cache state apart from a `make run` server sharing the same Redis.
for _cache in CACHES.values():  # noqa: F405
    _cache["KEY_PREFIX"] = "mm-test"
