"""Citizen pages (German, server-rendered; English via ``?lang=en``)."""

from django.urls import path

from web import account_views, permit_views, views

app_name = "web"

urlpatterns = [
    path("", views.report_new, name="report-new"),
    path("meldungen/", views.report_list, name="report-list"),
    path("meldungen/<str:public_id>/", views.report_detail, name="report-detail"),
    path("meldungen/<str:public_id>/bestaetigung/", views.report_confirmation, name="report-confirmation"),
    path("meldungen/<str:public_id>/verfolgen/<str:token>/", views.report_track, name="report-track"),
    path("gemeinden/<str:ags>/", views.commune_detail, name="commune-detail"),
    path("mein-konto/", account_views.account_home, name="account"),
    path("mein-konto/abmelden/", account_views.account_logout, name="account-logout"),
    path("mein-konto/faelle-uebernehmen/", account_views.account_claim_send, name="account-claim-send"),
    path("mein-konto/uebernehmen/<str:token>/", account_views.account_claim, name="account-claim"),
    path("mein-konto/daten/", account_views.account_export, name="account-export"),
    path("mein-konto/loeschen/", account_views.account_delete_view, name="account-delete"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("sondernutzung/beantragen/", permit_views.permit_new, name="permit-new"),
    path(
        "sondernutzung/<str:public_id>/bestaetigung/",
        permit_views.permit_confirmation,
        name="permit-confirmation",
    ),
    path(
        "sondernutzung/<str:public_id>/verfolgen/<str:token>/", permit_views.permit_track, name="permit-track"
    ),
    path("parkausweis/beantragen/", permit_views.parking_new, name="parking-new"),
    path(
        "parkausweis/<str:public_id>/verfolgen/<str:token>/", permit_views.parking_track, name="parking-track"
    ),
]
