"""Staff correcting a pending permit's area keep it inside their organisation's territory (issue 25 item 4).

A correction that moves the area into another commune would let that organisation issue a Bescheid and a
Kassenzeichen for a place it is not responsible for (and the responsible commune could not even open it).
"""

from __future__ import annotations

import pytest

from domains.permits.models import FeeClaim, Permit, PermitCommune
from domains.permits.services import PermitDraft, permit_create
from kernel.organisations.models import AuditEvent
from tests.permits.helpers import applicant, future

pytestmark = pytest.mark.django_db

# A point on the border between Dresden and Radebeul (WGS84); boxes of 0.0004° × 0.0002° (~28 m × 22 m)
# around it: east of it mostly Dresden, west of it mostly Radebeul (measured on the shipped boundaries).
BORDER_LON, BORDER_LAT = 13.66741, 51.09463


def box(lon: float, lat: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - 0.0002, lat - 0.0001],
                [lon + 0.0002, lat - 0.0001],
                [lon + 0.0002, lat + 0.0001],
                [lon - 0.0002, lat + 0.0001],
                [lon - 0.0002, lat - 0.0001],
            ]
        ],
    }


LEIPZIG_MARKT = box(12.3747, 51.3397)
MOSTLY_RADEBEUL = box(BORDER_LON - 0.0001, BORDER_LAT)  # ~76 % Radebeul, ~24 % Dresden
MOSTLY_DRESDEN = box(BORDER_LON + 0.0001, BORDER_LAT)  # ~74 % Dresden, ~26 % Radebeul
DRESDEN_NEUSTADT = box(13.7552, 51.0651)


@pytest.fixture
def permit():
    return permit_create(
        draft=PermitDraft(
            kind="container", geometry=DRESDEN_NEUSTADT, start=future(3), end=future(5), applicant=applicant()
        )
    ).permit


def patch(client, world, permit, data):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_a']}"
    return client.patch(f"/api/v1/staff/permits/{permit.public_id}/", data, content_type="application/json")


def snapshot(permit: Permit) -> tuple:
    """Everything a refused correction must leave unchanged."""
    permit.refresh_from_db()
    return (
        permit.location.ewkb,
        permit.commune_id,
        permit.district_id,
        permit.organisation_id,
        permit.area_m2,
        permit.fee_total,
        permit.fee_lines,
        permit.start,
        permit.end,
        permit.status,
        sorted(PermitCommune.objects.filter(permit=permit).values_list("commune_id", "share")),
        permit.history.count(),
        AuditEvent.objects.filter(action="permit.change").count(),
    )


@pytest.mark.parametrize(("geometry", "commune"), [(LEIPZIG_MARKT, "Leipzig"), (MOSTLY_RADEBEUL, "Radebeul")])
def test_correction_into_another_commune_is_refused_naming_it_and_changes_nothing(
    client, world, permit, geometry, commune
):
    before = snapshot(permit)
    response = patch(client, world, permit, {"geometry": geometry, "end": future(9)})
    assert response.status_code == 400, response.content
    message = response.json()["errors"]["geometry"][0]
    assert commune in message and "Dresden" in message
    assert snapshot(permit) == before


def test_refused_correction_also_undoes_a_decision_sent_with_it(client, world, permit):
    before = snapshot(permit)
    response = patch(client, world, permit, {"geometry": LEIPZIG_MARKT, "status": "approved"})
    assert response.status_code == 400
    assert snapshot(permit) == before
    assert not FeeClaim.objects.filter(permit=permit).exists()  # no Kassenzeichen taken


def test_correction_inside_the_own_commune_is_recomputed(client, world, permit):
    response = patch(client, world, permit, {"geometry": box(13.7560, 51.0655)})
    assert response.status_code == 200, response.content
    permit.refresh_from_db()
    assert permit.commune.name == "Dresden" and permit.organisation.ags == "14612000"


def test_correction_across_the_border_stays_when_the_largest_part_is_own_territory(client, world, permit):
    response = patch(client, world, permit, {"geometry": MOSTLY_DRESDEN})
    assert response.status_code == 200, response.content
    permit.refresh_from_db()
    assert permit.commune.name == "Dresden"
    names = set(PermitCommune.objects.filter(permit=permit).values_list("commune__name", flat=True))
    assert names == {"Dresden", "Radebeul"}
