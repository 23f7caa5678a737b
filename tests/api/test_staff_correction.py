"""The staff API's PATCH corrects category and point with the rules and German messages of the staff
pages (domains.reports.services.correcting); a refused correction changes nothing, status included."""

from __future__ import annotations

import pytest

from domains.reports.models import Report
from tests.factories import LEIPZIG
from tests.reports.test_correcting import full_state
from tests.staff_world import World

pytestmark = pytest.mark.django_db


def patch(client, world: World, report: Report, body: dict, who: str = "caseworker_a"):
    return client.patch(
        f"/api/v1/staff/reports/{report.public_id}/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {world.tokens[who]}",
    )


def test_category_and_point_in_one_patch(client, world: World):
    report = world.own_unassigned
    response = patch(
        client,
        world,
        report,
        {
            "category": "strassenlaterne",
            "attributes": {"pole_number": "12-345"},
            "lon": 13.741,
            "lat": 51.052,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["category"] == "strassenlaterne" and body["attributes"] == {"pole_number": "12-345"}
    assert abs(body["lon"] - 13.741) < 1e-6 and abs(body["lat"] - 51.052) < 1e-6


def test_move_across_the_boundary_answers_with_the_hand_over(client, world: World):
    report = world.own
    response = patch(
        client, world, report, {"lon": LEIPZIG[0], "lat": LEIPZIG[1], "reason": "Falsch gesetzt"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": report.public_id,
        "handed_over_to": {"id": world.leipzig.pk, "name": world.leipzig.name},
        "detail": f"Die Meldung wurde an {world.leipzig.name} übergeben; Sie haben keinen Zugriff mehr.",
    }
    token = f"Token {world.tokens['caseworker_a']}"
    assert (
        client.get(f"/api/v1/staff/reports/{report.public_id}/", HTTP_AUTHORIZATION=token).status_code == 404
    )
    other = patch(client, world, report, {"status": "in_review"}, who="caseworker_b")
    assert other.status_code == 200 and other.json()["commune"]["ags"] == "14713000"


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"lon": 13.40, "lat": 52.52}, "location", "Der Ort liegt außerhalb Sachsens."),
        ({"lon": "x", "lat": 51.0}, "lon", "Längengrad muss eine Zahl sein"),
        ({"lon": [1], "lat": 51.0}, "lon", "Längengrad muss eine Zahl sein"),
        ({"category": "gibtsnicht"}, "category", "Unbekannte Kategorie „gibtsnicht“."),
        (
            {"category": "muellablagerung", "attributes": {"waste_types": "gold"}},
            "attributes[waste_types]",
            "gold",
        ),
        ({"category": "strassenlaterne", "attributes": {"pole_number": "1\u0000"}}, None, "NUL"),
        # Status and a bad correction: the status change is rolled back too.
        ({"status": "in_review", "lon": 13.40, "lat": 52.52}, "location", "außerhalb Sachsens"),
    ],
)
def test_bad_corrections_are_400_in_german_and_change_nothing(client, world: World, body, field, text):
    report = world.own
    before = full_state(report)
    response = patch(client, world, report, body)
    assert response.status_code == 400, response.content
    body = response.json()
    assert text in (body["errors"][field][0] if field else body["detail"])
    assert full_state(report) == before


def test_crew_cannot_correct_by_api(client, world: World):
    before = full_state(world.own)
    response = patch(client, world, world.own, {"category": "gehweg"}, who="crew_a")
    assert response.status_code == 403 and response.json()["detail"]
    assert full_state(world.own) == before
