"""Citizen pages (German, server-rendered)."""

from django.urls import path

from web import views

app_name = "web"

urlpatterns = [
    path("meldungen/<str:public_id>/", views.report_detail, name="report-detail"),
    path("meldungen/<str:public_id>/verfolgen/<str:token>/", views.report_track, name="report-track"),
]
