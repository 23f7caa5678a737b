"""Rotating ``SECRET_KEY``: every link mailed or printed before the rotation still opens its page after it.

The keys come from the environment as the operator sets them (``SECRET_KEY`` = the new key,
``SECRET_KEY_FALLBACKS`` = the old one, comma-separated), read by the production settings in a separate
process; the links are made as the mails make them and requested through the real views. Without the
fallback each link fails the way a changed link fails (404, or the claim page's German message) — never
a 500.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from domains.permits.services import parking_decide
from domains.reports.models import Questionnaire, Report, StatusChange
from domains.reports.services.citizen_updates import update_confirm_url, update_submit
from domains.reports.services.questionnaires import questionnaire_url, questionnaires_send
from domains.reports.status_mails import status_mails_stop_url
from kernel.cases.tracking import tracking_path
from kernel.notifications.models import OutgoingMail
from shared.subscriptions.services import AreaRequest, area_subscribe
from shared.subscriptions.tokens import confirm_url, unsubscribe_url
from tests.citizens.helpers import APP, CLAIMS, erika_parking
from tests.config.test_deploy_check import PARKING_ENV
from tests.factories import make_report, set_status
from tests.permits.notice_helpers import configure_bank
from tests.staff_world import World
from tests.web.permit_data import approved_permit

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OLD_KEY = "old-" + secrets.token_urlsafe(60)
NEW_KEY = "new-" + secrets.token_urlsafe(60)


def production_keys(**environ: str) -> subprocess.CompletedProcess:
    """Start ``config.settings.production`` with ``environ``; prints [SECRET_KEY, SECRET_KEY_FALLBACKS]."""
    code = (
        "import json, config.settings.production as s;"
        "print(json.dumps([s.SECRET_KEY, getattr(s, 'SECRET_KEY_FALLBACKS', [])]))"
    )
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SECRET_KEY")}
    required = {
        "ALLOWED_HOSTS": "maengel.example",
        "DATABASE_URL": "postgis://mm@127.0.0.1/mm",
        **PARKING_ENV,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**inherited, **required, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


def rotated(settings, **environ: str) -> None:
    """Switch this process to the keys the production settings read from ``environ``."""
    result = production_keys(**environ)
    assert result.returncode == 0, result.stderr
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = json.loads(result.stdout)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _mailed(kind: str, pattern: str) -> str:
    return re.search(pattern, OutgoingMail.objects.filter(kind=kind).latest("pk").body).group(0)


@pytest.fixture
def erika(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [APP]}}
    user = get_user_model().objects.create_user(username="erika", email="erika@example.org")
    SocialAccount.objects.create(
        user=user, provider="testkonto", uid="erika", extra_data={"id_token": CLAIMS, "userinfo": CLAIMS}
    )
    return user


def _questionnaire_and_update() -> list[str]:
    resolved = make_report(email="buerger@example.org").report
    set_status(resolved, "resolved", public_note="Erledigt")
    StatusChange.objects.filter(report=resolved, to_status="resolved").update(
        created=timezone.now() - dt.timedelta(days=14)
    )
    questionnaires_send(as_of=timezone.localdate())
    questionnaire = Questionnaire.objects.get(report=resolved)
    update = update_submit(
        public_id=resolved.public_id, text="Es ist größer geworden.", email="n@example.org"
    )
    return [_path(questionnaire_url(questionnaire, "ja")), _path(update_confirm_url(update))]


def _case_links(world: World, erika) -> list[str]:
    """Tracking links of the three case types and a written notice (PDF link with the token)."""
    configure_bank(world.dresden)
    parking = erika_parking(account=erika)
    parking_decide(actor=world.users["caseworker_a"], public_id=parking.public_id, status="approved")
    owner = Client()
    owner.force_login(erika)
    account = owner.get("/mein-konto/").content.decode()
    notice = re.search(r'<a href="([^"]+\?token=[^"]+)" download>Bescheid</a>', account).group(1)
    start = timezone.localdate() + dt.timedelta(days=20)
    permit = approved_permit(start=start, end=start + dt.timedelta(days=5))
    report = make_report(email="melder@example.org").report
    return [
        tracking_path(report),
        _path(status_mails_stop_url(report)),  # the reporter's stop link in every status mail
        tracking_path(permit),
        tracking_path(parking),
        notice.replace("&amp;", "&"),
    ]


def _subscription_links(client: Client, capture) -> list[str]:
    follow = area_subscribe(request=AreaRequest(email="anwohner@example.org", ags="14612000"))
    with capture():
        client.post("/benachrichtigungen/", {"action": "manage", "manage-email": "anwohner@example.org"})
    manage = _mailed("subscription.manage", r"/benachrichtigungen/verwalten/\S+/")
    return [_path(confirm_url(follow)), _path(unsubscribe_url(follow)), manage]


def _claim_link(erika, capture) -> str:
    signed_in = Client()
    signed_in.force_login(erika)
    with capture():
        signed_in.post("/mein-konto/faelle-uebernehmen/")
    return _mailed("account_claim", r"/mein-konto/uebernehmen/[^/\s]+/")


def _links_made_with_the_old_key(settings, world, erika, capture) -> tuple[list[str], str, Report]:
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    pages = _case_links(world, erika) + _questionnaire_and_update() + _subscription_links(Client(), capture)
    claimable = make_report(email="erika@example.org").report
    return pages, _claim_link(erika, capture), claimable


def _claim(erika, link: str) -> str:
    """Open the claim link signed in (a fresh session under the current key); the page's message."""
    client = Client()
    client.force_login(erika)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    return " ".join(str(m) for m in response.context["messages"])


def test_every_mailed_link_survives_a_key_rotation(
    settings, world, erika, django_capture_on_commit_callbacks
):
    pages, claim, claimable = _links_made_with_the_old_key(
        settings, world, erika, django_capture_on_commit_callbacks
    )
    assert len(pages) == 10
    rotated(settings, SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=OLD_KEY)
    assert settings.SECRET_KEY_FALLBACKS == [OLD_KEY]
    client = Client()
    answers = {page: client.get(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 200)
    assert "übernommen" in _claim(erika, claim)
    assert Report.objects.get(pk=claimable.pk).account == erika


def test_without_the_old_key_every_link_fails_cleanly(
    settings, world, erika, django_capture_on_commit_callbacks
):
    pages, claim, claimable = _links_made_with_the_old_key(
        settings, world, erika, django_capture_on_commit_callbacks
    )
    rotated(settings, SECRET_KEY=NEW_KEY)
    assert settings.SECRET_KEY_FALLBACKS == []
    client = Client(raise_request_exception=False)
    answers = {page: client.get(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 404)
    assert "ungültig oder abgelaufen" in _claim(erika, claim)
    assert Report.objects.get(pk=claimable.pk).account is None


def test_several_old_keys_are_accepted_and_each_must_be_a_real_secret():
    third = "older-" + secrets.token_urlsafe(60)
    result = production_keys(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=f" {OLD_KEY} , {third},")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [NEW_KEY, [OLD_KEY, third]]
    weak = production_keys(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=f"{OLD_KEY},geheim")
    assert weak.returncode != 0
    assert "SECRET_KEY_FALLBACKS" in weak.stderr and "geheim" not in weak.stderr


def test_a_me_too_counted_before_the_rotation_is_not_counted_again(client, settings):
    """The "me too" de-duplication is a keyed hash too: the same client stays one supporter."""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    report = make_report().report
    url = f"/api/v1/reports/{report.public_id}/support/"
    assert client.post(url).json()["added"] is True
    assert client.post(url, HTTP_X_CLIENT_ID="app-install-12345678").json()["added"] is True
    rotated(settings, SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=OLD_KEY)
    assert client.post(url).json() == {"supporters": 2, "added": False}
    assert client.post(url, HTTP_X_CLIENT_ID="app-install-12345678").json()["added"] is False
    assert client.post(url, REMOTE_ADDR="10.9.9.9").json() == {"supporters": 3, "added": True}
