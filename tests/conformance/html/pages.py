"""Every page template in its main states, as the Django test client gets it (real responses through the
middleware, in the language the cookie names). Each entry: a name for the test id and a function that
makes the requests a visitor would and returns the final response."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.errors import server_error
from config.middleware import unavailable_response
from tests.conformance.html.scene import Scene
from tests.staff_world import PASSWORD
from tests.web.permit_data import geojson_text, local_input

Page = Callable[[Client, Scene], HttpResponse]

REPORT = {"lat": "51,0504", "lon": "13,7373", "category": "schlagloch", "description": "Loch in der Fahrbahn"}
PERMIT = {
    "kind": "geruest",
    "name": "Gerda Geheim",
    "email": "gerda@example.org",
    "address": "Bautzner Straße 1, 01099 Dresden",
}
PARKING = {
    "lat": "51.067",
    "lon": "13.755",
    "licence_plate": "DD-AB 12",
    "name": "Rita Rad",
    "email": "rita@example.org",
    "address": "Alaunstr. 1",
}


def _follow(client: Client, response: HttpResponse) -> HttpResponse:
    assert response.status_code == 302, (response.status_code, response.content[:500])
    return client.get(response["Location"])


def _permit_values() -> dict[str, str]:
    return {**PERMIT, "start": local_input(3), "end": local_input(5), "geometry": geojson_text()}


def _throttled(client: Client, scene: Scene) -> HttpResponse:
    """More report submissions than ``THROTTLE_REPORT_CREATE`` allows: the „Zu viele Meldungen“ page."""
    for _ in range(100):
        response = client.post("/", {})
        if response.status_code == 429:
            return response
    raise AssertionError("the report throttle never answered 429")


def _locked_out(client: Client, scene: Scene) -> HttpResponse:
    """Wrong passwords until django-axes locks the name out: the lockout page."""
    for _ in range(10):
        response = client.post("/anmelden/", {"username": "caseworker_a", "password": "falsch"})
        if response.status_code != 200:
            return response
    raise AssertionError("the login was never locked")


def _plain_request(client: Client, path: str) -> HttpRequest:
    """A request as the error handlers get it when the middleware could not run (database down, crash)."""
    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = client.cookies[settings.LANGUAGE_COOKIE_NAME].value
    return request


def _fee_schedule_draft(client: Client, scene: Scene) -> HttpResponse:
    """A new draft of Dresden's Satzung (copied from the demo version): every edit form is shown."""
    values = {"title": "Satzung Prüfung", "satzung_date": "2026-01-01", "valid_from": "2031-01-01"}
    return _follow(client, client.post("/verwaltung/einstellungen/gebuehren/", values))


def _fee_schedule_preview(client: Client, scene: Scene) -> HttpResponse:
    draft = _fee_schedule_draft(client, scene).context["schedule"]
    query = {"kind": "geruest", "area_m2": "12,5", "days": "3", "lat": "51.0501", "lon": "13.7371"}
    return client.get(f"/verwaltung/einstellungen/gebuehren/{draft.pk}/vorschau/", query)


def _server_error(client: Client, scene: Scene) -> HttpResponse:
    request = _plain_request(client, "/meldungen/")
    with translation.override(request.LANGUAGE_CODE):
        return server_error(request)


def _unavailable(client: Client, scene: Scene) -> HttpResponse:
    request = _plain_request(client, "/meldungen/")
    with translation.override(request.LANGUAGE_CODE):
        return unavailable_response(request)


def _signed_in_citizen(client: Client, scene: Scene) -> HttpResponse:
    client.force_login(scene.citizen)
    return client.get("/mein-konto/")


def _invitation(s: Scene, email: str = "neu@example.org") -> str:
    from kernel.organisations.email_invitations import invite_by_email

    token = invite_by_email(actor=None, organisation=s.world.dresden, email=email, role="admin").token
    return f"/verwaltung/einladung/{token}/"


def _invitation_errors(c: Client, s: Scene) -> HttpResponse:
    return c.post(_invitation(s), {"username": "neu", "password": "kurz", "password2": "anders"})


def _invitation_gone(c: Client, s: Scene) -> HttpResponse:
    link = _invitation(s)
    c.post(link, {"action": "decline"})
    return c.get(link)


def _internal_report(s: Scene) -> tuple[str, str]:
    """A fresh report marked „intern“ by a caseworker: its number and the reporter's tracking path."""
    from domains.reports.services.visibility import report_set_internal
    from tests.factories import make_report

    created = make_report(description="Intern bearbeitete Meldung")
    public_id = created.report.public_id
    report_set_internal(
        actor=s.world.users["caseworker_a"], public_id=public_id, internal=True, reason="Test"
    )
    return public_id, f"/meldungen/{public_id}/verfolgen/{created.tracking_token}/"


def _handoff_link(s: Scene, *, revoked: bool = False) -> str:
    """A hand-off link of Dresden's unassigned report (a revoked one of the assigned report)."""
    import datetime as dt

    from domains.reports.handoffs.models import Handoff
    from domains.reports.handoffs.services import HandoffInput, handoff_create, handoff_revoke, handoff_token

    report = s.world.own if revoked else s.world.own_unassigned
    handoff = Handoff.objects.filter(report=report).first()
    if handoff is None:
        data = HandoffInput(
            name="Tiefbau GmbH", email="t@tiefbau.example", due=dt.date(2099, 1, 1), message="Bitte"
        )
        handoff = handoff_create(actor=s.world.users["caseworker_a"], public_id=report.public_id, data=data)
        if revoked:
            handoff_revoke(actor=s.world.users["caseworker_a"], handoff_id=handoff.pk)
    return f"/meldungen/{report.public_id}/auftrag/{handoff_token(handoff)}/"


def _handoff_errors(c: Client, s: Scene) -> HttpResponse:
    upload = SimpleUploadedFile("nachher.jpg", b"kein Bild", content_type="image/jpeg")
    return c.post(_handoff_link(s), {"status": "resolved", "photo": upload})


PUBLIC: dict[str, Page] = {
    "report-form": lambda c, s: c.get("/"),
    "report-form-errors": lambda c, s: c.post("/", {"description": "x"}),
    "report-form-questions": lambda c, s: c.post(
        "/", {"category": "muellablagerung", "attribute[waste_types]": "gold", "description": "x"}
    ),
    "report-confirmation": lambda c, s: _follow(c, c.post("/", REPORT)),
    "report-page": lambda c, s: c.get(f"/meldungen/{s.report.public_id}/"),
    "report-page-update-errors": lambda c, s: c.post(f"/meldungen/{s.report.public_id}/ergaenzen/", {}),
    "report-track": lambda c, s: c.get(s.report_track),
    "report-track-internal": lambda c, s: c.get(_internal_report(s)[1]),
    "report-status-mails-stop": lambda c, s: c.get(s.report_status_mails_stop),
    "report-follow-errors": lambda c, s: c.post(f"/meldungen/{s.report.public_id}/folgen/", {"email": "x"}),
    "report-follow-requested": lambda c, s: c.post(
        f"/meldungen/{s.report.public_id}/folgen/", {"email": "folge@example.org"}
    ),
    "questionnaire": lambda c, s: c.get(s.questionnaire),
    "inquiry": lambda c, s: c.get(s.inquiry_link),
    "inquiry-errors": lambda c, s: c.post(s.inquiry_link, {"answer": ""}),
    "update-confirm": lambda c, s: c.get(s.update_confirm),
    "notice-form": lambda c, s: c.get(f"/meldungen/{s.report.public_id}/missbrauch/"),
    "notice-form-errors": lambda c, s: c.post(f"/meldungen/{s.report.public_id}/missbrauch/", {}),
    "notice-sent": lambda c, s: c.post(
        f"/meldungen/{s.report.public_id}/missbrauch/",
        {"reason": "insult", "text": "Beleidigend", "good_faith": "on"},
    ),
    "report-list": lambda c, s: c.get("/meldungen/"),
    "report-list-filtered": lambda c, s: c.get(
        "/meldungen/?status=resolved&commune=14612000&category=schlagloch"
    ),
    "commune": lambda c, s: c.get("/gemeinden/14612000/"),
    "embed": lambda c, s: c.get("/einbetten/14612000/"),
    "statistics": lambda c, s: c.get("/statistik/"),
    "statistics-district": lambda c, s: c.get("/statistik/14612/"),
    "statistics-commune": lambda c, s: c.get("/statistik/gemeinden/14612000/"),
    "opendata": lambda c, s: c.get("/opendata/"),
    "notifications": lambda c, s: c.get("/benachrichtigungen/"),
    "notifications-errors": lambda c, s: c.post("/benachrichtigungen/", {"email": "x"}),
    "notifications-manage-errors": lambda c, s: c.post(
        "/benachrichtigungen/", {"action": "manage", "manage-email": "x"}
    ),
    "notifications-requested": lambda c, s: c.post(
        "/benachrichtigungen/", {"ags": "14612000", "email": "neu@example.org", "frequency": "immediate"}
    ),
    "subscription-confirm": lambda c, s: c.get(s.subscription_confirm),
    "subscription-unsubscribe": lambda c, s: c.get(s.subscription_unsubscribe),
    "subscription-manage": lambda c, s: c.get(s.subscription_manage),
    "privacy": lambda c, s: c.get("/datenschutz/"),
    "impressum": lambda c, s: c.get("/impressum/"),
    "accessibility": lambda c, s: c.get("/barrierefreiheit/"),
    "accessibility-errors": lambda c, s: c.post("/barrierefreiheit/", {}),
    "accessibility-sent": lambda c, s: _follow(
        c, c.post("/barrierefreiheit/", {"description": "Die Karte ist ohne Maus schwer bedienbar."})
    ),
    "easy-language": lambda c, s: c.get("/leichte-sprache/"),
    "permit-form": lambda c, s: c.get("/sondernutzung/beantragen/"),
    "permit-form-errors": lambda c, s: c.post("/sondernutzung/beantragen/", {}),
    "permit-estimate": lambda c, s: c.post(
        "/sondernutzung/beantragen/", {**_permit_values(), "action": "estimate"}
    ),
    "permit-confirmation": lambda c, s: _follow(c, c.post("/sondernutzung/beantragen/", _permit_values())),
    "permit-confirmation-gone": lambda c, s: c.get(f"/sondernutzung/{s.permit.public_id}/bestaetigung/"),
    "permit-track": lambda c, s: c.get(s.permit_track),
    "handoff": lambda c, s: c.get(_handoff_link(s)),
    "handoff-errors": _handoff_errors,
    "handoff-gone": lambda c, s: c.get(_handoff_link(s, revoked=True)),
    "parking-form": lambda c, s: c.get("/parkausweis/beantragen/"),
    "parking-form-errors": lambda c, s: c.post("/parkausweis/beantragen/", {}),
    "parking-estimate": lambda c, s: c.post("/parkausweis/beantragen/", {**PARKING, "action": "estimate"}),
    "parking-refused": lambda c, s: c.post("/parkausweis/beantragen/", {**PARKING, "lat": "51.052"}),
    "parking-applied": lambda c, s: _follow(c, c.post("/parkausweis/beantragen/", PARKING)),
    "parking-track": lambda c, s: c.get(s.parking_track),
    "account-login": lambda c, s: c.get("/mein-konto/"),
    "account": _signed_in_citizen,
    "login": lambda c, s: c.get("/anmelden/"),
    "login-errors": lambda c, s: c.post("/anmelden/", {"username": "caseworker_a", "password": "falsch"}),
    "login-code": lambda c, s: _follow(
        c, c.post("/anmelden/", {"username": "admin_a", "password": PASSWORD})
    ),
    "login-locked": _locked_out,
    "login-directory-refused": lambda c, s: c.post("/anmelden/verzeichnis/", {"organisation": "0"}),
    "invitation-link": lambda c, s: c.get(_invitation(s)),
    "invitation-link-errors": _invitation_errors,
    "invitation-link-gone": _invitation_gone,
    "citizen-login-failed": lambda c, s: c.post(
        "/konto/oidc/testkonto/login/"
    ),  # the provider is unreachable
    "error-400": lambda c, s: c.get("/", headers={"host": "boese.example"}),
    "error-403-csrf": lambda c, s: Client(enforce_csrf_checks=True).post("/benachrichtigungen/", {}),
    "error-404": lambda c, s: c.get("/gibt-es-nicht/"),
    "error-500": _server_error,
    "error-503": _unavailable,
    "throttled": _throttled,
}


def _recovery_codes_shown(c: Client, s: Scene) -> HttpResponse:
    """The one answer that shows the new codes: posted with the app's current code."""
    device = TOTPDevice.objects.get(user__username="admin_a", confirmed=True)
    now = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    return c.post("/verwaltung/zwei-faktor/wiederherstellungscodes/", {"code": now})


def _other_report(c: Client, s: Scene) -> HttpResponse:
    return c.get(f"/verwaltung/meldungen/{s.world.other.public_id}/")


def _as_operator(path: str) -> Page:
    """The operator's page as admin_a made a superuser (inside the page's rolled-back transaction)."""

    def page(c: Client, s: Scene) -> HttpResponse:
        from django.contrib.auth import get_user_model

        get_user_model().objects.filter(username="admin_a").update(is_superuser=True)
        return c.get(path)

    return page


def _recipient_confirm(c: Client, s: Scene) -> HttpResponse:
    from kernel.organisations.recipient_confirmation import confirmation_token

    return c.get(f"/verwaltung/empfang-bestaetigen/{confirmation_token(s.world.dresden)}/")


def _parking_zones_draft(c: Client, s: Scene) -> HttpResponse:
    """The review state: a draft with one zone inside and one across the border (its problem shown)."""
    inside = [[13.745, 51.060], [13.765, 51.060], [13.765, 51.070], [13.745, 51.070], [13.745, 51.060]]
    border = [[13.666, 51.094], [13.669, 51.094], [13.669, 51.0955], [13.666, 51.0955], [13.666, 51.094]]
    features = [
        {"type": "Feature", "properties": {"name": n}, "geometry": {"type": "Polygon", "coordinates": [r]}}
        for n, r in (("Neustadt", inside), ("Grenzweg", border))
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    upload = SimpleUploadedFile("zonen.geojson", data, content_type="application/geo+json")
    c.post("/verwaltung/einstellungen/parkzonen/", {"form": "upload", "file": upload})
    return c.get("/verwaltung/einstellungen/parkzonen/")


def _queue_with_saved_filter(c: Client, s: Scene) -> HttpResponse:
    """The queue with one saved filter of the person's own: its rename/delete forms show."""
    return _follow(
        c, c.post("/verwaltung/filter/", {"name": "Überfällige Schlaglöcher", "query": "overdue=1"})
    )


def _bulk_result(c: Client, s: Scene) -> HttpResponse:
    """The result page of a bulk note: one case changed, another commune's not found."""
    ids = [s.world.own.public_id, s.world.other.public_id]
    return c.post(
        "/verwaltung/meldungen/auswahl/", {"ids": ids, "action": "note", "internal_note": "Geprüft"}
    )


def _redact_page(s: Scene) -> str:
    """The redaction page of a fresh Dresden photo (issue 31.5)."""
    from tests.factories import DRESDEN, make_report, photo

    shot = make_report(lonlat=DRESDEN, photos=[photo()]).report.photos.get()
    return f"/verwaltung/meldungen/{shot.report.public_id}/fotos/{shot.pk}/schwaerzen/"


# Staff pages: (user signed in, page). German only: the staff interface is not translated.
STAFF: dict[str, tuple[str, Page]] = {
    "queue": ("caseworker_a", lambda c, s: c.get("/verwaltung/")),
    "queue-filtered": ("caseworker_a", lambda c, s: c.get("/verwaltung/?status=new&q=Schlagloch")),
    "queue-saved-filter": ("caseworker_a", _queue_with_saved_filter),
    "queue-bulk-result": ("caseworker_a", _bulk_result),
    "report": ("admin_a", lambda c, s: c.get(f"/verwaltung/meldungen/{s.world.own.public_id}/")),
    "report-resolved": ("caseworker_a", lambda c, s: c.get(f"/verwaltung/meldungen/{s.report.public_id}/")),
    "report-inquiry": ("caseworker_a", lambda c, s: c.get(f"/verwaltung/meldungen/{s.inquiry.public_id}/")),
    "report-other-commune": ("caseworker_a", _other_report),
    "report-internal": (
        "caseworker_a",
        lambda c, s: c.get(f"/verwaltung/meldungen/{_internal_report(s)[0]}/"),
    ),
    "photo-redact": ("caseworker_a", lambda c, s: c.get(_redact_page(s))),
    "photo-redact-errors": (
        "caseworker_a",
        lambda c, s: c.post(
            _redact_page(s), {"box-0-x": "790", "box-0-y": "0", "box-0-w": "40", "box-0-h": "9"}
        ),
    ),
    "report-new": ("caseworker_a", lambda c, s: c.get("/verwaltung/meldungen/neu/?category=schlagloch")),
    "report-new-errors": (
        "caseworker_a",
        lambda c, s: c.post("/verwaltung/meldungen/neu/", {"channel": "fax", "search": "", "adresse": "x"}),
    ),
    "moderation": ("admin_a", lambda c, s: c.get("/verwaltung/moderation/")),
    "handoffs": ("caseworker_a", lambda c, s: _handoff_link(s) and c.get("/verwaltung/uebergaben/")),
    "handoffs-empty": ("caseworker_a", lambda c, s: c.get("/verwaltung/uebergaben/?ueberfaellig=1")),
    "participation-settings": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/beteiligung/")),
    "second-factor": ("caseworker_a", lambda c, s: c.get("/verwaltung/zwei-faktor/")),
    "recovery-codes": ("admin_a", lambda c, s: c.get("/verwaltung/zwei-faktor/wiederherstellungscodes/")),
    "recovery-codes-shown": ("admin_a", _recovery_codes_shown),
    "settings": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/")),
    "escalation": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/eskalation/")),
    "escalation-errors": (
        "admin_a",
        lambda c, s: c.post(
            "/verwaltung/einstellungen/eskalation/",
            {"escalation_unaccepted_days": "0", "escalation_admin_days": "x", "escalation_recipient": "kein"},
        ),
    ),
    "category-settings": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/kategorien/")),
    "members": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/mitglieder/")),
    "members-invited": (
        "admin_a",
        lambda c, s: _invitation(s) and c.get("/verwaltung/einstellungen/mitglieder/"),
    ),
    "invitation-link-confirm": ("caseworker_a", lambda c, s: c.get(_invitation(s, "andere@example.org"))),
    "areas": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/bereiche/")),
    "permit-kinds": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/antragsarten/")),
    "permit-kinds-refused": (
        "admin_a",
        lambda c, s: c.post(
            "/verwaltung/einstellungen/antragsarten/", {"form": "new", "name": "", "unit": "x"}
        ),
    ),
    "parking-zones": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/parkzonen/")),
    "parking-zones-draft": ("admin_a", _parking_zones_draft),
    "retention": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/datenschutz/")),
    "privacy-requests": ("admin_a", lambda c, s: c.get("/verwaltung/datenschutz-anfragen/")),
    "api-tokens": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/api-tokens/")),
    "fee-schedules": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/gebuehren/")),
    "fee-schedule-draft": ("admin_a", _fee_schedule_draft),
    "fee-schedule-preview": ("admin_a", _fee_schedule_preview),
    "readiness": ("admin_a", lambda c, s: c.get("/verwaltung/einstellungen/startklar/")),
    "recipient-confirm": ("", _recipient_confirm),
    "recipient-confirm-wrong": ("", lambda c, s: c.get("/verwaltung/empfang-bestaetigen/falsch/")),
    "operator": ("admin_a", _as_operator("/verwaltung/betrieb/")),
    "operator-filtered": (
        "admin_a",
        _as_operator("/verwaltung/betrieb/?state=preparing&missing=recipient&q=a"),
    ),
    "operator-bad-filter": ("admin_a", _as_operator("/verwaltung/betrieb/?state=x")),
    "permits": ("caseworker_a", lambda c, s: c.get("/verwaltung/sondernutzungen/")),
    "permit": ("caseworker_a", lambda c, s: c.get(f"/verwaltung/sondernutzungen/{s.permit.public_id}/")),
    "parking": ("caseworker_a", lambda c, s: c.get("/verwaltung/parkausweise/")),
    "crew": ("crew_a", lambda c, s: c.get("/bauhof/")),
    "crew-job": ("crew_a", lambda c, s: c.get(f"/bauhof/auftraege/{s.world.own.public_id}/")),
    "kontrolle": ("vollzug_a", lambda c, s: c.get("/kontrolle/")),
    "forbidden": ("outsider", lambda c, s: c.get("/verwaltung/")),
}
