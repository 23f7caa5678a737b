"""A URL configuration for the matrix's negative control (tests/staff/test_permission_matrix.py): the
project's routes plus what a careless change could add — a new staff export without a row, and a DELETE
on the staff report API that no row covers."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response

from config.urls import urlpatterns as project_urlpatterns
from interfaces.api.views.staff import StaffReportDetailView
from interfaces.staff.views import queue_export


class StaffReportDetailWithDelete(StaffReportDetailView):
    def delete(self, request: Request, public_id: str) -> Response:
        return Response(status=204)


new_staff = ([path("export.csv", queue_export, name="export")], "staff-new")

urlpatterns = [
    path("verwaltung/neu/", include(new_staff)),
    path(
        "api/v1/staff/reports/<str:public_id>/",
        StaffReportDetailWithDelete.as_view(),
        name="staff-report-detail",
    ),
    *project_urlpatterns,
]
