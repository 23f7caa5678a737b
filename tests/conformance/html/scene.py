"""The data the checked pages show: the staff world (tests/staff_world.py) plus a resolved report with a
photo, a citizen update and a questionnaire, an approved permit, an approved parking permit and an area
alert — each made through the services, as in the page tests, so every page has its full content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from domains.permits.models import Permit
from domains.permits.services import parking_apply, parking_decide
from domains.reports.models import Questionnaire, Report, StatusChange
from domains.reports.services.abuse import notice_submit
from domains.reports.services.citizen_updates import update_confirm, update_confirm_url, update_submit
from domains.reports.services.note_templates import note_template_save
from domains.reports.services.questionnaires import questionnaire_url, questionnaires_send
from domains.reports.status_mails import status_mails_stop_url
from shared.subscriptions.services import AreaRequest, area_subscribe
from shared.subscriptions.tokens import confirm_url, manage_url, unsubscribe_url
from tests.factories import make_report, photo, set_status
from tests.staff_world import World, build_world
from tests.web.permit_data import approved_permit, caseworker


@dataclass
class Scene:
    world: World
    report: Report  # resolved, with a photo, public notes and a published citizen update
    report_track: str
    report_status_mails_stop: str  # the stop link in the reporter's status mails
    questionnaire: str  # the "nein" link of the questionnaire mail
    update_confirm: str  # the confirmation link of a pending citizen update
    permit: Permit  # approved, with conditions
    permit_track: str
    parking_track: str
    subscription_confirm: str
    subscription_unsubscribe: str
    subscription_manage: str
    citizen: (
        object  # Erika, signed in through the (configured) OpenID Connect provider, with a parking permit
    )
    inquiry: Report | None = None  # waiting in „Rückfrage“ (issue 30.3)
    inquiry_link: str = ""  # the answer link of its mail


def _path(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def _resolved_report(world: World) -> tuple[Report, str]:
    created = make_report(email="buerger@example.org", photos=[photo()], place="vor dem Haus Nr. 5")
    report = created.report
    set_status(report, "in_progress", public_note="Wir kümmern uns.")
    set_status(report, "resolved", public_note="Erledigt am Montag.")
    StatusChange.objects.filter(report=report, to_status="resolved").update(
        created=timezone.now() - dt.timedelta(days=14)
    )
    return report, f"/meldungen/{report.public_id}/verfolgen/{created.tracking_token}/"


def _participation(world: World, report: Report) -> tuple[str, str]:
    world.dresden.update_moderation = "post"
    world.dresden.save()
    questionnaires_send(as_of=timezone.localdate())
    questionnaire = Questionnaire.objects.get(report=report)
    published = update_submit(
        public_id=report.public_id, text="Es ist schlimmer geworden.", email="n@example.org"
    )
    update_confirm(update_id=published.pk)
    pending = update_submit(public_id=world.own.public_id, text="Noch eine Ergänzung", email="p@example.org")
    notice_submit(public_id=world.own.public_id, reason="insult", text="Beleidigend", good_faith=True)
    note_template_save(
        actor=world.users["admin_a"],
        organisation_id=world.dresden.pk,
        name="Beauftragt",
        text="{nummer} ist beauftragt.",
    )
    return _path(questionnaire_url(questionnaire, "nein")), _path(update_confirm_url(pending))


def _inquiry(world: World) -> dict[str, object]:
    from domains.reports.models import Inquiry
    from domains.reports.services.inquiries import inquiry_ask, inquiry_url

    report = make_report(email="frage@example.org", place="Ecke Hauptstraße").report
    inquiry_ask(actor=world.users["caseworker_a"], public_id=report.public_id, question="Welche Seite?")
    link = _path(inquiry_url(Inquiry.objects.get(report=report), report.public_id))
    return {"inquiry": report, "inquiry_link": link}


def _permits() -> tuple[Permit, str, str]:
    from kernel.cases.tracking import tracking_token

    permit = approved_permit(
        start=timezone.now() - dt.timedelta(minutes=30),
        end=timezone.now() + dt.timedelta(days=1),
        conditions="Gehweg freihalten",
        public_note="Genehmigt.",
    )
    permit_track = (
        f"/sondernutzung/{permit.public_id}/verfolgen/{tracking_token(type(permit), permit.public_id)}/"
    )
    parking = parking_apply(
        lon=13.755,
        lat=51.067,
        licence_plate="DD-XY 42",
        name="Rita Rad",
        email="rita@example.org",
        address="Alaunstr. 1",
    )
    parking_decide(actor=caseworker(), public_id=parking.permit.public_id, status="approved")
    parking_track = f"/parkausweis/{parking.permit.public_id}/verfolgen/{parking.tracking_token}/"
    return permit, permit_track, parking_track


def _citizen_and_enforcer(world: World) -> object:
    from allauth.socialaccount.models import SocialAccount
    from django.contrib.auth import get_user_model

    from kernel.organisations.services import membership_set
    from tests.citizens.helpers import CLAIMS, erika_parking

    get_user_model().objects.create_user(username="vollzug_a", password="ein-sicheres-Passwort-42")
    membership_set(actor=None, organisation=world.dresden, username="vollzug_a", role="enforcement")
    erika = get_user_model().objects.create_user(username="erika", email="erika@example.org")
    SocialAccount.objects.create(
        user=erika, provider="testkonto", uid="erika", extra_data={"id_token": CLAIMS, "userinfo": CLAIMS}
    )
    erika_parking()
    return erika


def build_scene() -> Scene:
    world = build_world()
    report, report_track = _resolved_report(world)
    questionnaire, pending_update = _participation(world, report)
    permit, permit_track, parking_track = _permits()
    subscription = area_subscribe(request=AreaRequest(email="alert@example.org", ags="14612000"))
    return Scene(
        world=world,
        report=report,
        report_track=report_track,
        report_status_mails_stop=_path(status_mails_stop_url(report)),
        questionnaire=questionnaire,
        update_confirm=pending_update,
        permit=permit,
        permit_track=permit_track,
        parking_track=parking_track,
        subscription_confirm=_path(confirm_url(subscription)),
        subscription_unsubscribe=_path(unsubscribe_url(subscription)),
        subscription_manage=_path(manage_url(subscription.email_digest)),
        citizen=_citizen_and_enforcer(world),
        **_inquiry(world),
    )
