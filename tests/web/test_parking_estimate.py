"""Zone and fee before submitting a Bewohnerparkausweis (issue 26): "Gebiet und Gebühr prüfen" without
JavaScript (the page comes back with the server's answer), the same answer as JSON for the page script,
and right away for a place chosen by „Adresse oder Ort suchen“. A place outside every zone is named at
the place ("Adresse oder Ort suchen"), not at "Breitengrad"."""

from __future__ import annotations

import re

import pytest
from rest_framework.throttling import SimpleRateThrottle

from domains.permits.models import ParkingPermit
from kernel.notifications.models import OutgoingMail

pytestmark = pytest.mark.django_db

URL = "/parkausweis/beantragen/"
INSIDE = {"lat": "51,0670", "lon": "13,7550"}
OUTSIDE = {"lat": "51,0520", "lon": "13,7550"}
APPLICANT = {
    "licence_plate": "dd xy 42",
    "name": "Rita Rad",
    "email": "rita@example.org",
    "address": "Alaunstraße 1, 01099 Dresden",
}


def _estimate_box(html: str) -> str:
    box = html.split('id="parking-estimate"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", box))


def _errors_beside(html: str, field: str) -> str:
    box = html.split(f'data-errors-for="{field}"', 1)[1].split(">", 1)[1].split("</div>", 1)[0]
    return re.sub(r"<[^>]+>", " ", box)


def test_the_estimate_button_shows_zone_and_fee_and_stores_nothing(client):
    response = client.post(URL, {**INSIDE, "action": "estimate"})
    html = response.content.decode()
    assert response.status_code == 200
    box = _estimate_box(html)
    assert "Äußere Neustadt (N1), Dresden" in box and "30,70\u00a0€ pro Jahr" in box
    # the applicant's fields are not judged yet: nothing to correct there before submitting
    assert 'class="errorlist' not in html and "error-summary" in html
    assert re.search(r'id="error-summary"[^>]*hidden', html)
    assert 'value="51,0670"' in html  # input kept
    assert ParkingPermit.objects.count() == 0 and OutgoingMail.objects.count() == 0


def test_the_estimate_outside_every_zone_names_the_nearest_zone_at_the_place(client):
    response = client.post(URL, {**OUTSIDE, "action": "estimate"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Johannstadt-Nord" in _errors_beside(html, "location")
    assert "Johannstadt-Nord" not in _errors_beside(html, "lat")
    assert "Äußere Neustadt" not in _estimate_box(html)


def test_the_estimate_without_a_place_says_what_is_missing_beside_the_coordinates(client):
    response = client.post(URL, {"lat": "", "lon": "", "action": "estimate"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "fehlt" in _errors_beside(html, "lat") + _errors_beside(html, "lon")
    assert not _errors_beside(html, "location").strip()


def test_the_page_script_gets_the_estimate_as_json(client):
    response = client.post(URL, {**INSIDE, "action": "estimate"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["zone"] == {"code": "N1", "name": "Äußere Neustadt", "commune": "Dresden"}
    assert "30,70\u00a0€ pro Jahr" in body["html"] and "Äußere Neustadt (N1)" in body["html"]
    refused = client.post(URL, {**OUTSIDE, "action": "estimate"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["location"]


def test_a_place_chosen_by_the_search_shows_zone_and_fee_at_once(client):
    html = client.get(URL, {"lat": "51.067", "lon": "13.755"}).content.decode()
    assert "30,70\u00a0€ pro Jahr" in _estimate_box(html)


def test_a_refusal_on_submit_sits_at_the_place_not_at_breitengrad(client):
    response = client.post(URL, {**OUTSIDE, **APPLICANT})
    html = response.content.decode()
    assert response.status_code == 400
    assert "keinem Bewohnerparkgebiet von Dresden" in _errors_beside(html, "location")
    assert "Bewohnerparkgebiet" not in _errors_beside(html, "lat")
    assert re.search(
        r'<a href="#place-search-input">Adresse oder Ort suchen: Die Adresse liegt in keinem', html
    )
    search_field = re.search(r'<input type="text" id="place-search-input"[^>]*>', html)[0]
    assert 'aria-describedby="place-search-help id_location_error"' in search_field
    assert 'aria-invalid="true"' in search_field and 'id="id_location_error"' in html
    as_json = client.post(URL, {**OUTSIDE, **APPLICANT}, HTTP_ACCEPT="application/json")
    assert list(as_json.json()["errors"]) == ["location"]
    assert ParkingPermit.objects.count() == 0


def test_estimates_are_throttled_with_a_german_page(client, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"permit_estimate": "1/hour", "report_create": "5/hour"}
    )
    assert client.post(URL, {**INSIDE, "action": "estimate"}).status_code == 200
    response = client.post(URL, {**INSIDE, "action": "estimate"})
    assert response.status_code == 429 and "Zu viele Berechnungen" in response.content.decode()
