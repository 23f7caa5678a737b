"""Conflicts: overlapping area and period, touching edges and adjacent periods are no conflict."""

from __future__ import annotations

import pytest

from domains.permits.models import Permit
from domains.permits.services import PermitDraft, permit_create
from tests.factories import make_report
from tests.permits.helpers import applicant, future

pytestmark = pytest.mark.django_db

W, S = 13.7550, 51.0650  # south-west corner; boxes of 0.0002° (~14 m) × 0.0001° (~11 m)


def box(dx: float = 0.0, width: float = 0.0002) -> dict:
    x = W + dx
    return {
        "type": "Polygon",
        "coordinates": [[[x, S], [x + width, S], [x + width, S + 0.0001], [x, S + 0.0001], [x, S]]],
    }


def apply(geometry: dict, start: str, end: str, kind: str = "geruest") -> Permit:
    return permit_create(
        draft=PermitDraft(kind=kind, geometry=geometry, start=start, end=end, applicant=applicant())
    ).permit


@pytest.fixture
def base():
    return apply(box(), future(10, 0), future(20, 0))


def conflicts(client, world, permit):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_a']}"
    response = client.get(f"/api/v1/permits/{permit.public_id}/conflicts/")
    assert response.status_code == 200, response.content
    return response.json()


def test_overlapping_area_and_period_is_a_conflict(client, world, base):
    other = apply(box(dx=0.0001), future(15, 0), future(25, 0))
    result = conflicts(client, world, base)
    assert [p["id"] for p in result["permits"]] == [other.public_id]
    assert result["permits"][0]["geometry"]["type"] == "MultiPolygon"


def test_touching_only_at_an_edge_is_no_conflict(client, world, base):
    apply(box(dx=0.0002), future(10, 0), future(20, 0))  # shares the eastern edge
    assert conflicts(client, world, base)["permits"] == []


def test_adjacent_in_time_is_no_conflict(client, world, base):
    apply(box(), future(20, 0), future(25, 0))  # starts exactly when the other ends
    assert conflicts(client, world, base)["permits"] == []


def test_rejected_or_withdrawn_permits_do_not_conflict(client, world, base):
    other = apply(box(), future(12, 0), future(14, 0))
    Permit.objects.filter(pk=other.pk).update(status="rejected")
    assert conflicts(client, world, base)["permits"] == []


def test_conflicts_across_a_commune_border_are_found(client, world):
    # Two permits on a line crossing Dresden/Radebeul: the street does not end at the border.
    line_a = {"type": "LineString", "coordinates": [[13.6900, 51.0950], [13.6900, 51.1000]]}
    a = permit_create(
        draft=PermitDraft(
            kind="aufgrabung",
            geometry=line_a,
            width_m=2,
            start=future(5),
            end=future(8),
            applicant=applicant(),
        )
    ).permit
    b = permit_create(
        draft=PermitDraft(
            kind="aufgrabung",
            geometry=line_a,
            width_m=4,
            start=future(6),
            end=future(9),
            applicant=applicant(),
        )
    ).permit
    from domains.permits.selectors import permit_conflicts

    assert list(permit_conflicts(a)) == [b]


def test_open_reports_within_25_m_are_listed(client, world, base):
    near = make_report(lonlat=(W + 0.0001, S + 0.00005)).report
    make_report(lonlat=(W + 0.002, S))  # ~140 m away
    result = conflicts(client, world, base)
    assert [r["id"] for r in result["reports"]] == [near.public_id]
    assert result["reports"][0]["distance_m"] == 0.0


def test_conflicts_are_for_staff_of_the_organisation_only(client, world, base):
    assert client.get(f"/api/v1/permits/{base.public_id}/conflicts/").status_code == 401
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_b']}"
    assert client.get(f"/api/v1/permits/{base.public_id}/conflicts/").status_code == 404
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['crew_a']}"
    assert client.get(f"/api/v1/permits/{base.public_id}/conflicts/").status_code == 404
