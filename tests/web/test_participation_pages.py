"""The participation pages in Chromium: axe-core finds no serious issues on the citizen pages
(questionnaire, update confirmation, „Missbrauch melden“, the report page with its update form) and the
staff pages (moderation queue, Textbausteine); choosing a Textbaustein fills the public note."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from domains.reports.models import StatusChange
from domains.reports.services.abuse import notice_submit
from domains.reports.services.citizen_updates import update_confirm, update_submit
from domains.reports.services.note_templates import note_template_save
from domains.reports.services.questionnaires import questionnaires_send
from kernel.notifications.models import OutgoingMail
from tests.factories import make_report, set_status
from tests.staff_world import login
from tests.web.conftest import axe_serious

pytestmark = pytest.mark.browser


def _scan(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = axe_serious(page)
    assert violations == [], (url, violations)


def _sign_in(page, site: str, username: str) -> None:
    """The session of a logged-in (and for admins second-factor confirmed) user, as a browser cookie."""
    client = Client()
    login(client, username)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])


@pytest.fixture
def loop(transactional_db, world):
    world.dresden.update_moderation = "post"
    world.dresden.save()
    resolved = make_report(email="buerger@example.org").report
    set_status(resolved, "resolved", public_note="Erledigt")
    StatusChange.objects.filter(report=resolved, to_status="resolved").update(
        created=timezone.now() - dt.timedelta(days=14)
    )
    questionnaires_send(as_of=timezone.localdate())
    body = OutgoingMail.objects.get(kind="report.questionnaire").body
    no_url = re.search(r"https?://\S+?(/meldungen/\S+/nein/)", body).group(1)
    update = update_submit(
        public_id=world.own.public_id, text="Es ist schlimmer geworden.", email="n@example.org"
    )
    update_confirm(update_id=update.pk)
    notice_submit(public_id=world.own.public_id, reason="insult", text="Beleidigend", good_faith=True)
    note_template_save(
        actor=world.users["admin_a"],
        organisation_id=world.dresden.pk,
        name="Beauftragt",
        text="{nummer} ist beauftragt.",
    )
    pending = update_submit(public_id=world.own.public_id, text="Noch eine", email="p@example.org")
    confirm = re.search(
        r"https?://\S+?(/meldungen/\S+/ergaenzung/\S+/)",
        OutgoingMail.objects.get(kind="report.update_confirm", to="p@example.org").body,
    ).group(1)
    return {"own": world.own, "no_url": no_url, "confirm_url": confirm, "pending": pending}


def test_axe_finds_no_serious_issues_on_the_citizen_participation_pages(page, site, loop):
    own = loop["own"]
    _scan(page, f"{site}/meldungen/{own.public_id}/")
    expect(page.get_by_text("Es ist schlimmer geworden.")).to_be_visible()
    page.get_by_role("button", name="Ergänzung senden").click()  # empty: the error summary
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_serious(page) == []
    _scan(page, f"{site}/meldungen/{own.public_id}/missbrauch/")
    page.get_by_role("button", name="Hinweis senden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_serious(page) == []
    _scan(page, site + loop["no_url"])
    _scan(page, site + loop["confirm_url"])
    _scan(page, f"{site}/gemeinden/14612000/")


def test_axe_on_staff_pages_and_the_textbaustein_fills_the_note(page, site, loop):
    _sign_in(page, site, "admin_a")
    _scan(page, f"{site}/verwaltung/moderation/")
    expect(page.get_by_text("Beleidigend")).to_be_visible()
    _scan(page, f"{site}/verwaltung/einstellungen/beteiligung/")
    _scan(page, f"{site}/verwaltung/meldungen/{loop['own'].public_id}/")
    page.get_by_label(re.compile("^Textbaustein")).select_option("Beauftragt")
    expect(page.get_by_label("Öffentliche Notiz (für die meldende Person sichtbar)")).to_have_value(
        f"{loop['own'].public_id} ist beauftragt."
    )
