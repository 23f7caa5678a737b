"""The object-store backend for uploaded files: S3-compatible, private objects, URLs through the app.

django-storages' ``S3Storage.url()`` would hand out presigned bucket URLs wherever a template or
serializer writes ``photo.image.url`` — links that bypass the authorising media view (interfaces.web.media) and
expire while a page is still cached. Here ``url()`` is the app's own ``MEDIA_URL`` path, exactly as with
local files, and only the media view asks for a presigned URL (:meth:`ObjectStorage.signed_url`), after it
has decided that the person may have the file.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from storages.backends.s3 import S3Storage


class ObjectStorage(S3Storage):
    def url(
        self, name: str, parameters: dict[str, Any] | None = None, expire: int | None = None, **kw: Any
    ) -> str:
        return settings.MEDIA_URL + quote(name)

    def signed_url(
        self, name: str, *, parameters: dict[str, Any] | None = None, expire: int | None = None
    ) -> str:
        """A presigned GET URL of the object, valid ``expire`` seconds (default: the storage's setting)."""
        return super().url(name, parameters=parameters, expire=expire)
