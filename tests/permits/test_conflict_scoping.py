"""Permit conflicts do not leak other communes' applications (issue 15, item 2).

Staff see full details only of overlapping permits whose communes include one of their organisations'
communes; any other shows as „eine weitere Sondernutzung (noch nicht entschieden)“ with its period, or
— if approved — with period and outline. Same shape in the API and on the staff page.

The boxes lie on the Dresden/Radebeul border (checked against the shipped boundaries): ``CROSSING``
is 77 % Dresden and 23 % Radebeul (Dresden's case), ``RADEBEUL_ONLY`` overlaps its Radebeul part,
``DRESDEN_ONLY`` its Dresden part.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from domains.permits.models import Permit
from domains.permits.selectors import OTHER_APPROVED_LABEL, OTHER_PENDING_LABEL
from domains.permits.services import PermitDraft, permit_create
from kernel.organisations.api_tokens import api_token_issue
from kernel.organisations.models import Organisation
from kernel.organisations.services import membership_set
from tests.permits.helpers import applicant, future
from tests.staff_world import PASSWORD, login

pytestmark = pytest.mark.django_db

RADEBEUL = "14627210"
SECRET_APPLICANT = "Radebeuler Geheimbau GmbH"


def envelope(w: float, s: float, e: float, n: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


CROSSING = envelope(13.6944, 51.1029, 13.6956, 51.1037)
RADEBEUL_ONLY = envelope(13.6940, 51.1035, 13.6946, 51.1040)
DRESDEN_ONLY = envelope(13.6952, 51.1027, 13.6958, 51.1031)


def apply(geometry: dict, **who) -> Permit:
    return permit_create(
        draft=PermitDraft(
            kind="container",
            geometry=geometry,
            start=future(10),
            end=future(20),
            applicant=applicant(**who),
            description="Container für Dachsanierung",
        )
    ).permit


@pytest.fixture
def border(world):
    crossing = apply(CROSSING)
    radebeul = apply(RADEBEUL_ONLY, name=SECRET_APPLICANT, email="geheim@radebeul.example")
    dresden = apply(DRESDEN_ONLY)
    assert crossing.organisation == world.dresden
    assert radebeul.organisation.ags == RADEBEUL and radebeul.commune.ags == RADEBEUL
    get_user_model().objects.create_user(username="caseworker_radebeul", password=PASSWORD)
    membership_set(
        actor=None,
        organisation=Organisation.objects.get(kind="commune", ags=RADEBEUL),
        username="caseworker_radebeul",
        role="caseworker",
    )
    world.tokens["caseworker_radebeul"] = api_token_issue(
        actor=None, user=get_user_model().objects.get(username="caseworker_radebeul"), name="Test", days=30
    ).key
    return crossing, radebeul, dresden


def api_conflicts(client, world, who: str, permit: Permit):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[who]}"
    return client.get(f"/api/v1/permits/{permit.public_id}/conflicts/")


def test_api_shows_another_communes_pending_application_only_as_a_period(client, world, border):
    crossing, radebeul, dresden = border
    response = api_conflicts(client, world, "caseworker_a", crossing)
    assert response.status_code == 200
    rows = response.json()["permits"]
    detailed = [r for r in rows if r["detailed"]]
    assert [r["id"] for r in detailed] == [dresden.public_id]
    assert detailed[0]["kind"] and detailed[0]["commune"] == "Dresden" and detailed[0]["geometry"]
    [other] = [r for r in rows if not r["detailed"]]
    assert other == {
        "detailed": False,
        "label": OTHER_PENDING_LABEL,
        "approved": False,
        "start": other["start"],
        "end": other["end"],
        "geometry": None,
        "id": None,
        "kind": None,
        "status": None,
        "commune": None,
    }
    assert other["start"] and other["end"]
    text = response.content.decode()
    for secret in (radebeul.public_id, SECRET_APPLICANT, "geheim@radebeul.example", "Radebeul"):
        assert secret not in text


def test_api_shows_another_communes_approved_permit_with_its_outline_only(client, world, border):
    crossing, radebeul, _ = border
    Permit.objects.filter(pk=radebeul.pk).update(status="approved")
    rows = api_conflicts(client, world, "caseworker_a", crossing).json()["permits"]
    [other] = [r for r in rows if not r["detailed"]]
    assert other["label"] == OTHER_APPROVED_LABEL and other["approved"] is True
    assert other["geometry"]["type"] == "MultiPolygon"
    assert (other["id"], other["kind"], other["status"], other["commune"]) == (None, None, None, None)


def test_permits_touching_an_own_commune_show_in_full_even_of_another_organisation(client, world, border):
    crossing, radebeul, dresden = border
    rows = api_conflicts(client, world, "caseworker_radebeul", radebeul).json()["permits"]
    # The crossing permit is Dresden's case, but part of its area lies in Radebeul.
    assert [(r["id"], r["detailed"]) for r in rows] == [(crossing.public_id, True)]
    assert dresden.public_id not in json.dumps(rows)


def test_staff_page_shows_the_same_shape(client, world, border):
    crossing, radebeul, dresden = border
    login(client, "caseworker_a")
    response = client.get(f"/verwaltung/sondernutzungen/{crossing.public_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Eine weitere Sondernutzung (noch nicht entschieden)" in page
    assert dresden.public_id in page
    for secret in (radebeul.public_id, SECRET_APPLICANT, "geheim@radebeul.example"):
        assert secret not in page
    labels = [f["properties"]["label"] for f in response.context["map_data"]["features"]]
    assert OTHER_PENDING_LABEL not in labels  # a pending application's outline stays hidden

    Permit.objects.filter(pk=radebeul.pk).update(status="approved")
    response = client.get(f"/verwaltung/sondernutzungen/{crossing.public_id}/")
    page = response.content.decode()
    assert "Eine weitere Sondernutzung (genehmigt)" in page and radebeul.public_id not in page
    labels = [f["properties"]["label"] for f in response.context["map_data"]["features"]]
    assert OTHER_APPROVED_LABEL in labels


def test_openapi_documents_the_reduced_conflict_shape(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    props = schema.json()["components"]["schemas"]["ConflictPermit"]["properties"]
    assert {"detailed", "label", "approved", "start", "end", "geometry", "id"} <= set(props)
    assert props["id"]["type"] == ["string", "null"]  # OpenAPI 3.1: null is a type
    assert props["geometry"]["type"] == ["object", "null"]
