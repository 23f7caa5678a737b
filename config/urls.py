"""Root URL configuration."""

import re

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path

from config.health import healthz
from interfaces.web.media import media


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever a page links: send them to the static file (served and
    cached by whitenoise under its hashed name, so the redirect is temporary: the hash changes with it)."""
    response = HttpResponseRedirect(static("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("open311/", include("interfaces.api.open311.urls")),
    path("", include("interfaces.ogcapi.urls")),
    path("", include("interfaces.opendata.urls")),
    path("", include("interfaces.api.urls")),
    path("", include("interfaces.web.urls")),
    path("", include("interfaces.staff.urls")),
    path("", include("interfaces.staff.auth_urls")),
    path("", include("shared.citizens.urls")),
]


# Every uploaded file goes through one authorising view (interfaces.web.media): public photos, hidden photos for
# staff only, permit attachments for staff in scope and the applicant's tracking link. No MEDIA_ROOT file
# is served by name alone; with MEDIA_ACCEL_REDIRECT_PREFIX nginx sends the bytes the view allowed.
urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media, name="media")]

handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
