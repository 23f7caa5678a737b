"""Decisions on permits are two steps, never one click (issue 26, item 6).

The decision form starts empty; sending it shows "Bitte bestätigen" with what will happen (the page
works without JavaScript); only the confirmation decides. A refusal needs its reasons — the services
refuse it without them (web: 422 on the confirmation page, API: 400), and nothing is saved. The parking
list's "Genehmigen"/"Ablehnen" lead to the same confirmation; "Ablehnen" is styled as destructive.
"""

from __future__ import annotations

import json
import re

import pytest

from domains.permits.models import Notice, ParkingPermit
from domains.permits.services import PermitDraft, parking_apply, parking_decide, permit_create
from kernel.core.errors import ValidationFailed
from tests.permits.helpers import applicant, future
from tests.permits.test_conflicts import box
from tests.staff_world import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit():
    draft = PermitDraft(kind="geruest", geometry=box(), start=future(3), end=future(9), applicant=applicant())
    return permit_create(draft=draft).permit


def decide_url(case) -> str:
    return f"/verwaltung/sondernutzungen/{case.public_id}/entscheiden/"


def test_the_decision_form_preselects_nothing(client, world, permit):
    login(client, "caseworker_a")
    html = client.get(f"/verwaltung/sondernutzungen/{permit.public_id}/").content.decode()
    select = re.search(r'<select name="status"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.search(r'<option value="" selected>— bitte wählen —</option>', select)
    assert select.count("selected") == 1


def test_an_empty_decision_is_refused(client, world, permit):
    login(client, "caseworker_a")
    answer = client.post(decide_url(permit), {"status": "", "confirm": "yes"}, follow=True)
    assert "Bitte eine Entscheidung wählen." in answer.content.decode()
    permit.refresh_from_db()
    assert permit.status == "submitted"


def test_a_decision_asks_for_confirmation_before_anything_happens(client, world, permit):
    login(client, "caseworker_a")
    answer = client.post(decide_url(permit), {"status": "approved", "conditions": "Nachts beleuchten"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Bitte bestätigen" in html and "Genehmigt" in html and "Nachts beleuchten" in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    permit.refresh_from_db()
    assert permit.status == "submitted" and not Notice.objects.filter(permit=permit).exists()
    confirmed = client.post(
        decide_url(permit), {"status": "approved", "conditions": "Nachts beleuchten", "confirm": "yes"}
    )
    assert confirmed.status_code == 302
    permit.refresh_from_db()
    assert (permit.status, permit.conditions) == ("approved", "Nachts beleuchten")


def test_a_refusal_without_reasons_is_refused_on_the_confirmation_page(client, world, permit):
    login(client, "caseworker_a")
    first = client.post(decide_url(permit), {"status": "rejected"}).content.decode()
    assert 'class="danger"' in first  # the confirming button of a refusal looks destructive
    assert re.search(r'<textarea name="public_note"[^>]*required', first)
    answer = client.post(decide_url(permit), {"status": "rejected", "public_note": "  ", "confirm": "yes"})
    assert answer.status_code == 422
    assert "Bitte die Gründe der Ablehnung angeben" in answer.content.decode()
    permit.refresh_from_db()
    assert permit.status == "submitted" and not Notice.objects.filter(permit=permit).exists()


def test_the_api_refuses_a_refusal_without_reasons_in_german(client, world, permit):
    answer = client.patch(
        f"/api/v1/staff/permits/{permit.public_id}/",
        json.dumps({"status": "rejected"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {world.tokens['caseworker_a']}",
    )
    assert answer.status_code in (400, 422)
    assert "Gründe der Ablehnung" in answer.content.decode()
    permit.refresh_from_db()
    assert permit.status == "submitted"


@pytest.fixture
def parking(world) -> ParkingPermit:
    return parking_apply(
        lon=13.7550, lat=51.0670, licence_plate="DD-Q 7", name="Q", email="q@example.org", address="A 2"
    ).permit


def test_a_parking_refusal_needs_reasons_in_the_service(world, parking):
    with pytest.raises(ValidationFailed) as refused:
        parking_decide(actor=world.users["caseworker_a"], public_id=parking.public_id, status="rejected")
    assert "public_note" in refused.value.errors
    parking.refresh_from_db()
    assert parking.status == "submitted"


def test_the_parking_list_decides_only_after_confirmation(client, world, parking):
    login(client, "caseworker_a")
    listing = client.get("/verwaltung/parkausweise/").content.decode()
    assert re.search(r'<button type="submit" name="status" value="rejected" class="danger">', listing)
    first = client.post("/verwaltung/parkausweise/", {"public_id": parking.public_id, "status": "rejected"})
    assert first.status_code == 200 and "Bitte bestätigen" in first.content.decode()
    parking.refresh_from_db()
    assert parking.status == "submitted"
    empty = client.post(
        "/verwaltung/parkausweise/", {"public_id": parking.public_id, "status": "rejected", "confirm": "yes"}
    )
    assert empty.status_code == 422
    parking.refresh_from_db()
    assert parking.status == "submitted"
    done = client.post(
        "/verwaltung/parkausweise/",
        {
            "public_id": parking.public_id,
            "status": "rejected",
            "confirm": "yes",
            "public_note": "Kein Wohnsitz",
        },
    )
    assert done.status_code == 302
    parking.refresh_from_db()
    assert parking.status == "rejected"
    assert parking.history.order_by("-created", "-id").first().public_note == "Kein Wohnsitz"
