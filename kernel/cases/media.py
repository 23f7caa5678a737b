"""What the one media view needs to know about a stored file, answered by the case type that owns it.

Every uploaded file (report photos, permit attachments, later PDF notices) is served through one
authorising view (``interfaces.web.media``): it asks each case type's ``media`` module whether the requested storage
name is one of its files and whether the requesting person may have it. A case type answers with a
:class:`MediaFile`, or ``None`` when the name is not its file *or* the person may not have it — both end
in the same 404, so a refused request does not reveal that the file exists.
"""

from __future__ import annotations

from dataclasses import dataclass

# Public files (photos of reports) may be cached by browsers and proxies for at most this long: a photo
# that staff hide is gone from the app at once and from every cache within this time.
PUBLIC_MAX_AGE_SECONDS = 3600


@dataclass(frozen=True)
class MediaFile:
    name: str  # the storage name, as stored in the owning row (never the requested path)
    content_type: str
    public: bool  # True: anyone may have it and caches may keep it; False: private, never cached
    download_name: str = ""  # set: sent as a download (Content-Disposition: attachment) under this name
