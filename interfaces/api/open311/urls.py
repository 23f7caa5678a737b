"""URLs below ``/open311/``: the format is the path's extension (``services.xml``, ``services.json``)."""

from django.urls import re_path

from interfaces.api.open311 import views

FMT = r"\.(?P<fmt>[^/.]+)$"
ID = r"(?P<{}>[^/]+?)"

app_name = "open311"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^v2/services/" + ID.format("service_code") + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^v2/requests/" + ID.format("request_id") + FMT, views.service_request, name="request"),
    re_path(r"^v2/tokens/" + ID.format("token") + FMT, views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
