"""Citizen pages (German, server-rendered; English via ``?lang=en``)."""

from django.urls import path

from interfaces.web import (
    account_views,
    embed_views,
    feeds,
    handoff_views,
    info_views,
    offline,
    permit_views,
    subscription_views,
    views,
)
from interfaces.web.participation import views as participation_views

app_name = "web"

urlpatterns = [
    path("", views.report_new, name="report-new"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("meldungen/", views.report_list, name="report-list"),
    path("meldungen/<str:public_id>/", views.report_detail, name="report-detail"),
    path("meldungen/<str:public_id>/bestaetigung/", views.report_confirmation, name="report-confirmation"),
    path("meldungen/<str:public_id>/verfolgen/<str:token>/", views.report_track, name="report-track"),
    path(
        "meldungen/<str:public_id>/statusmails/abmelden/<str:token>/",
        views.report_status_mails_stop_view,
        name="report-status-mails-stop",
    ),
    path(
        "meldungen/<str:public_id>/behoben/<str:token>/<str:answer>/",
        participation_views.questionnaire,
        name="questionnaire",
    ),
    path("meldungen/<str:public_id>/auftrag/<str:token>/", handoff_views.handoff_page, name="handoff"),
    path("meldungen/<str:public_id>/rueckfrage/<str:token>/", participation_views.inquiry, name="inquiry"),
    path("meldungen/<str:public_id>/ergaenzen/", participation_views.update_new, name="update-new"),
    path(
        "meldungen/<str:public_id>/ergaenzung/<str:token>/",
        participation_views.update_confirmation,
        name="update-confirm",
    ),
    path("meldungen/<str:public_id>/missbrauch/", participation_views.notice_new, name="notice-new"),
    path("meldungen/<str:public_id>/folgen/", subscription_views.report_follow_view, name="report-follow"),
    path("benachrichtigungen/", subscription_views.notifications, name="notifications"),
    path(
        "benachrichtigungen/bestaetigen/<str:token>/", subscription_views.confirm, name="subscription-confirm"
    ),
    path(
        "benachrichtigungen/abmelden/<str:token>/",
        subscription_views.unsubscribe,
        name="subscription-unsubscribe",
    ),
    path("benachrichtigungen/verwalten/<str:token>/", subscription_views.manage, name="subscription-manage"),
    path("gemeinden/<str:ags>/", views.commune_detail, name="commune-detail"),
    path("einbetten/<str:ags>/", embed_views.embed, name="embed"),
    path("mein-konto/", account_views.account_home, name="account"),
    path("mein-konto/abmelden/", account_views.account_logout, name="account-logout"),
    path("mein-konto/faelle-uebernehmen/", account_views.account_claim_send, name="account-claim-send"),
    path("mein-konto/uebernehmen/<str:token>/", account_views.account_claim, name="account-claim"),
    path("mein-konto/daten/", account_views.account_export, name="account-export"),
    path("mein-konto/loeschen/", account_views.account_delete_view, name="account-delete"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", info_views.accessibility_statement, name="accessibility"),
    path("impressum/", info_views.impressum, name="impressum"),
    path("leichte-sprache/", info_views.easy_language, name="easy-language"),
    path("feeds/meldungen.atom", feeds.reports_feed, name="feed-reports"),
    path("feeds/meldungen/<str:public_id>.atom", feeds.report_history_feed, name="feed-report"),
    path("feeds/gemeinden/<str:ags>.atom", feeds.commune_feed, name="feed-commune"),
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
        "parkausweis/<str:public_id>/bestaetigung/",
        permit_views.parking_confirmation,
        name="parking-confirmation",
    ),
    path(
        "parkausweis/<str:public_id>/verfolgen/<str:token>/", permit_views.parking_track, name="parking-track"
    ),
]
