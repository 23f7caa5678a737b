"""The one authorising path for every uploaded file (``MEDIA_URL``, by default ``/media/``).

Nothing under ``MEDIA_ROOT`` is served by name alone. The requested path is looked up as a storage name
in the rows that own files — report photos (``domains.reports.media``), permit attachments and written notices
(``domains.permits.media``) — and the owning case type decides: public (photos not hidden: cacheable for at most
an hour), private (staff in scope, the applicant with the tracking token: a download, never cached) or
not at all. Unknown names, refused requests and files missing from the storage all answer the same 404.
The path never becomes a file-system path: only the name stored in the owning row is opened, through
``default_storage`` (so an object-store backend fits without changes here).

With ``MEDIA_ACCEL_REDIRECT_PREFIX`` set (nginx in front), the view only decides and answers with an
``X-Accel-Redirect`` to nginx's ``internal`` location, which sends the bytes (docs/security.md).

With an object store (``MEDIA_STORAGE_URL``, config.env.media_storage) every object is private in the
bucket; the view decides the same way and redirects to a presigned URL: minutes for a private file (sent
as a download where the owner says so), an hour for a public photo, whose redirect caches may keep for a
fraction of that. So every node serves every file, and a hidden photo's /media/ URL is gone at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from domains.permits.media import attachment_file, notice_file
from domains.reports.media import photo_file
from kernel.cases.media import PUBLIC_MAX_AGE_SECONDS, MediaFile

# Each case type answers for its own files: (storage name, user=…, token=…) → MediaFile or None.
MEDIA_OWNERS: tuple[Callable[..., MediaFile | None], ...] = (photo_file, attachment_file, notice_file)
MAX_NAME_LENGTH = 255


def storage_name(path: str) -> str | None:
    """The requested path as a storage name, or ``None`` if it could not be one: no empty, ``.`` or
    ``..`` segments, no backslashes, control characters or absolute paths. Belt and braces — only names
    found in an owning row are ever opened."""
    if not path or len(path) > MAX_NAME_LENGTH or "\\" in path or path.startswith("/"):
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def find_media(name: str, *, user: Any, token: str) -> MediaFile | None:
    for owner in MEDIA_OWNERS:
        found = owner(name, user=user, token=token)
        if found is not None:
            return found
    return None


def _headers(response: HttpResponse, media: MediaFile) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    if media.public:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE_SECONDS}"
    else:
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
    return response


def _accel(media: MediaFile, prefix: str) -> HttpResponse:
    """Let nginx send the bytes from its ``internal`` location; headers set here are kept by nginx."""
    response = HttpResponse(content_type=media.content_type)
    response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(media.name)
    if media.download_name:
        response["Content-Disposition"] = content_disposition_header(True, media.download_name)
    return response


def _redirect(media: MediaFile) -> HttpResponse:
    """302 to a presigned URL of the object store (no bytes through the app)."""
    params = {"ResponseContentType": media.content_type}
    if media.download_name:
        params["ResponseContentDisposition"] = content_disposition_header(True, media.download_name)
    expire = PUBLIC_MAX_AGE_SECONDS if media.public else settings.MEDIA_PRIVATE_URL_SECONDS
    response = HttpResponseRedirect(default_storage.signed_url(media.name, parameters=params, expire=expire))
    _headers(response, media)
    if media.public:  # a cached redirect must never point to an expired URL
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE_SECONDS // 6}"
    return response


def _local_storage() -> bool:
    return not hasattr(default_storage, "signed_url")  # config.storage.ObjectStorage


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse:
    name = storage_name(path)
    token = request.GET.get("token", "")
    found = find_media(name, user=request.user, token=token) if name else None
    if found is None:
        raise Http404(_("Datei nicht gefunden."))
    if not _local_storage():
        return _redirect(found)
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix:
        return _headers(_accel(found, prefix), found)
    try:
        handle = default_storage.open(found.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Datei nicht gefunden.")) from None
    response = FileResponse(
        handle,
        content_type=found.content_type,
        as_attachment=bool(found.download_name),
        filename=found.download_name or "",
    )
    return _headers(response, found)
