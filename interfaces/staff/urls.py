"""Staff pages: ``/verwaltung/`` (caseworkers, admins) and ``/bauhof/`` (crews)."""

from django.urls import path

from interfaces.staff import (
    correction_views,
    escalation_views,
    fee_schedule_views,
    golive_views,
    handoff_views,
    intake_views,
    internal_views,
    invitation_link_views,
    invitation_views,
    kontrolle_views,
    parking_zone_views,
    participation_views,
    permit_kind_views,
    permit_views,
    privacy_views,
    queue_views,
    recovery_codes,
    redaction_views,
    settings_views,
    two_factor,
    views,
)

app_name = "staff"

urlpatterns = [
    path("verwaltung/", views.queue, name="queue"),
    path("verwaltung/arbeitsliste.csv", views.queue_export, name="queue-export"),
    path("verwaltung/meldungen/auswahl/", queue_views.queue_bulk, name="queue-bulk"),
    path("verwaltung/filter/", queue_views.saved_filters, name="saved-filters"),
    path("verwaltung/meldungen/neu/", intake_views.report_new, name="report-new"),
    path("verwaltung/meldungen/<str:public_id>/", views.report, name="report"),
    path("verwaltung/meldungen/<str:public_id>/prioritaet/", queue_views.report_priority, name="priority"),
    path("verwaltung/meldungen/<str:public_id>/status/", views.change_status, name="status"),
    path("verwaltung/meldungen/<str:public_id>/zuweisen/", views.assign, name="assign"),
    path("verwaltung/meldungen/<str:public_id>/rueckfrage/", views.inquiry, name="inquiry"),
    path("verwaltung/meldungen/<str:public_id>/weiterleiten/", views.forward, name="forward"),
    path("verwaltung/meldungen/<str:public_id>/dublette/", views.duplicate, name="duplicate"),
    path("verwaltung/meldungen/<str:public_id>/moderieren/", views.moderate, name="moderate"),
    path("verwaltung/meldungen/<str:public_id>/intern/", internal_views.report_internal, name="internal"),
    path(
        "verwaltung/meldungen/<str:public_id>/fotos/<int:photo_id>/schwaerzen/",
        redaction_views.photo_redact_page,
        name="photo-redact",
    ),
    path(
        "verwaltung/meldungen/<str:public_id>/freigeben/", internal_views.report_release_view, name="release"
    ),
    path(
        "verwaltung/meldungen/<str:public_id>/kategorie/",
        correction_views.correct_category,
        name="correct-category",
    ),
    path("verwaltung/meldungen/<str:public_id>/ort/", correction_views.move, name="move"),
    path(
        "verwaltung/meldungen/<str:public_id>/uebergeben/",
        handoff_views.handoff_create_view,
        name="handoff-create",
    ),
    path("verwaltung/uebergaben/", handoff_views.handoff_list, name="handoffs"),
    path(
        "verwaltung/uebergaben/<int:pk>/widerrufen/", handoff_views.handoff_revoke_view, name="handoff-revoke"
    ),
    path("verwaltung/moderation/", participation_views.moderation, name="moderation"),
    path(
        "verwaltung/moderation/hinweise/<int:notice_id>/",
        participation_views.notice_decision,
        name="notice-decide",
    ),
    path(
        "verwaltung/moderation/ergaenzungen/<int:update_id>/",
        participation_views.update_decision,
        name="update-decide",
    ),
    path(
        "verwaltung/einstellungen/beteiligung/",
        participation_views.participation_settings,
        name="participation",
    ),
    path("verwaltung/einladungen/", invitation_views.invitations, name="invitations"),
    path("verwaltung/einladung/<str:token>/", invitation_link_views.invitation_link, name="invitation-link"),
    path("verwaltung/zwei-faktor/", two_factor.second_factor, name="second-factor"),
    path(
        "verwaltung/zwei-faktor/wiederherstellungscodes/",
        recovery_codes.recovery_codes,
        name="recovery-codes",
    ),
    path("verwaltung/einstellungen/", settings_views.settings_page, name="settings"),
    path("verwaltung/einstellungen/kategorien/", settings_views.category_settings, name="category-settings"),
    path("verwaltung/einstellungen/mitglieder/", settings_views.members, name="members"),
    path("verwaltung/einstellungen/bereiche/", settings_views.areas, name="areas"),
    path("verwaltung/einstellungen/antragsarten/", permit_kind_views.permit_kinds, name="permit-kinds"),
    path("verwaltung/einstellungen/parkzonen/", parking_zone_views.parking_zones, name="parking-zones"),
    path("verwaltung/einstellungen/datenschutz/", privacy_views.retention_settings, name="retention"),
    path("verwaltung/einstellungen/eskalation/", escalation_views.escalation_settings, name="escalation"),
    path("verwaltung/datenschutz-anfragen/", privacy_views.privacy_requests, name="privacy-requests"),
    path("verwaltung/einstellungen/api-tokens/", settings_views.api_tokens, name="api-tokens"),
    path("verwaltung/einstellungen/gebuehren/", fee_schedule_views.fee_schedules, name="fee-schedules"),
    path(
        "verwaltung/einstellungen/gebuehren/<int:pk>/", fee_schedule_views.fee_schedule, name="fee-schedule"
    ),
    path(
        "verwaltung/einstellungen/gebuehren/<int:pk>/vorschau/",
        fee_schedule_views.fee_schedule_preview_view,
        name="fee-schedule-preview",
    ),
    path(
        "verwaltung/einstellungen/gebuehren/<int:pk>/veroeffentlichen/",
        fee_schedule_views.fee_schedule_publish_view,
        name="fee-schedule-publish",
    ),
    path("verwaltung/einstellungen/startklar/", golive_views.readiness_page, name="readiness"),
    path(
        "verwaltung/empfang-bestaetigen/<str:token>/",
        golive_views.recipient_confirm_view,
        name="recipient-confirm",
    ),
    path("verwaltung/betrieb/", golive_views.operator_page, name="operator"),
    path("verwaltung/betrieb/organisationen.csv", golive_views.operator_export, name="operator-export"),
    path("verwaltung/sondernutzungen/", permit_views.permit_list, name="permits"),
    path("verwaltung/sondernutzungen/<str:public_id>/", permit_views.permit_detail, name="permit"),
    path(
        "verwaltung/sondernutzungen/<str:public_id>/entscheiden/",
        permit_views.permit_decide_view,
        name="permit-decide",
    ),
    path("verwaltung/parkausweise/", permit_views.parking_list, name="parking"),
    path(
        "verwaltung/zahlungen/<str:public_id>/",
        permit_views.payment_record_view,
        name="payment-record",
    ),
    path("bauhof/", views.crew_jobs, name="crew"),
    path("kontrolle/", kontrolle_views.kontrolle, name="kontrolle"),
    path("bauhof/auftraege/<str:public_id>/", views.crew_job, name="crew-job"),
    path("bauhof/auftraege/<str:public_id>/rueckgaengig/", views.crew_job_undo, name="crew-job-undo"),
]
