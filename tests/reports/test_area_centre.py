"""A report is never filed at the centre the search gives a commune or district (issue 26 item 2): that
point says "somewhere in Dresden", not where the pothole is. The intake refuses it with a German message,
through the service (API, Open311) and the form without JavaScript alike; a spot next to it is fine."""

from __future__ import annotations

import pytest

from domains.reports.models import Report
from kernel.addresses.selectors import search
from kernel.core.errors import ValidationFailed
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def centre(query: str, kind: str) -> tuple[float, float]:
    """lon, lat as the search's candidate link carries them (6 decimals)."""
    hit = next(h for h in search(query) if h.kind == kind)
    return round(hit.lon, 6), round(hit.lat, 6)


@pytest.mark.parametrize(
    ("query", "kind", "name"), [("Dresden", "commune", "Dresden"), ("Bautzen", "district", "Bautzen")]
)
def test_the_search_centre_of_an_area_is_refused(query, kind, name):
    with pytest.raises(ValidationFailed) as info:
        make_report(lonlat=centre(query, kind))
    message = " ".join(str(m) for messages in info.value.errors.values() for m in messages)
    assert f"Mitte von „{name}“" in message and "genaue Stelle" in message
    assert Report.objects.count() == 0


def test_a_spot_next_to_the_centre_is_accepted():
    lon, lat = centre("Dresden", "commune")
    report = make_report(lonlat=(lon + 0.0002, lat))
    assert report.report.commune.name == "Dresden"


def test_the_form_without_javascript_refuses_the_centre_with_a_422(client):
    lon, lat = centre("Dresden", "commune")
    response = client.post(
        "/", {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "category": "schlagloch", "description": "Loch"}
    )
    assert response.status_code in (400, 422)
    assert "Mitte von „Dresden“" in response.content.decode()
    assert Report.objects.count() == 0
