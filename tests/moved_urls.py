"""A root URLconf that serves the web and staff pages under ``/neu/``: links built by domain code must
follow it (they are reversed by URL name, not copied from ``interfaces/web/urls.py``)."""

from django.urls import include, path

urlpatterns = [
    path("neu/", include("interfaces.web.urls")),
    path("neu/", include("interfaces.staff.urls")),
    path("", include("interfaces.api.urls")),
]
