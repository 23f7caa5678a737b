"""Applying for a special-use permit: geometry rules, shares, line buffering, fees, privacy."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection

from domains.permits.models import Permit
from kernel.notifications.models import OutgoingMail
from tests.permits.helpers import ALTMARKT, applicant, body, future

pytestmark = pytest.mark.django_db
URL = "/api/v1/permits/"


def post(client, **overrides):
    return client.post(URL, body(**overrides), content_type="application/json")


def test_application_is_created_with_area_commune_fee_and_tracking_link(client):
    response = post(client)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["id"].startswith("SO-") and data["status"] == "submitted"
    assert 190 < float(data["area_m2"]) < 210  # 20 m × 10 m
    assert data["communes"] == [{"ags": "14612000", "name": "Dresden", "share": 1.0}]
    assert data["fee"]["currency"] == "EUR" and data["fee"]["complete"] is True
    labels = [line["label"] for line in data["fee"]["lines"]]
    assert labels[-1] == "Verwaltungsgebühr"
    assert Decimal(data["fee"]["total"]) == sum(
        Decimal(line["amount"]) for line in data["fee"]["lines"]
    ).quantize(Decimal("0.01"))
    assert "/sondernutzung/" + data["id"] + "/verfolgen/" in data["tracking_url"]
    permit = Permit.objects.get(public_id=data["id"])
    assert permit.organisation.ags == "14612000" and permit.location.srid == 25833
    kinds = set(OutgoingMail.objects.filter(object_id=data["id"]).values_list("kind", flat=True))
    assert kinds == {"permit.received"} or kinds == {"permit.new", "permit.received"}


def test_zone_factor_shows_in_the_fee(client):
    data = post(client, geometry=ALTMARKT).json()
    assert any("Innenstadt" in line["label"] for line in data["fee"]["lines"])


def test_line_with_width_is_buffered_to_a_rectangle(client):
    line = {"type": "LineString", "coordinates": [[13.7550, 51.0650], [13.7560, 51.0650]]}  # ~70 m
    data = post(client, geometry=line, width_m=3).json()
    permit = Permit.objects.get(public_id=data["id"])
    assert permit.input_line is not None and permit.width_m == Decimal("3.00")
    length = permit.input_line.length
    assert abs(float(permit.area_m2) - length * 3) < 0.5  # flat ends: exactly length × width


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [13.755, 51.065],
                            [13.756, 51.066],
                            [13.756, 51.065],
                            [13.755, 51.066],
                            [13.755, 51.065],
                        ]
                    ],
                }
            },
            "geometry",
            "überschneidet sich selbst",
        ),
        ({"geometry": {"type": "Polygon", "coordinates": []}}, "geometry", "Polygon ohne Koordinaten"),
        ({"geometry": {"type": "Point", "coordinates": [13.75, 51.06]}}, "geometry", "nicht erlaubt"),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[14.400, 50.080], [14.401, 50.080], [14.401, 50.0805], [14.400, 50.080]]
                    ],
                }
            },
            "geometry",
            "außerhalb Sachsens",
        ),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[13.70, 51.00], [13.72, 51.00], [13.72, 51.02], [13.70, 51.00]]],
                }
            },
            "geometry",
            "größer als die für",
        ),
        (
            {"geometry": {"type": "LineString", "coordinates": [[13.755, 51.065], [13.756, 51.065]]}},
            "width_m",
            "Breite",
        ),
        (
            {
                "geometry": {"type": "LineString", "coordinates": [[13.755, 51.065], [13.756, 51.065]]},
                "width_m": 80,
            },
            "width_m",
            "zwischen",
        ),
        ({"geometry": "kein json"}, "geometry", "Kein gültiges GeoJSON"),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[13.755, 51.065], [13.756, 51.065], [13.756, 51.066]]],
                }
            },
            "geometry",
            "mindestens vier",
        ),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[13.755, 51.065], [13.756, 91], [13.756, 51.066], [13.755, 51.065]]],
                }
            },
            "geometry",
            "außerhalb von WGS84",
        ),
        ({"start": future(20), "end": future(10)}, "end", "nach dem Beginn"),
        ({"start": "2020-01-01T08:00"}, "start", "Vergangenheit"),
        ({"start": "morgen"}, "start", "ISO 8601"),
        (
            {"start": "9999-12-31T23:59+14:00", "end": "9999-12-31T23:59-12:00"},
            "end",
            "zu weit in der Zukunft",
        ),
        ({"start": "0001-01-01T00:00+14:00"}, "start", "zu weit in der Vergangenheit"),
        ({"end": future(900)}, "end", "höchstens 730 Tage"),
        ({"start": future(731), "end": future(735)}, "start", "höchstens 2 Jahre im Voraus"),
        ({"start": "5000-06-01T08:00", "end": "5000-06-02T08:00"}, "start", "bitte das Jahr prüfen"),
        ({"kind": "container", "units": "²"}, "units", "ganze Zahl von 1 bis 1000"),
        ({"kind": "container", "units": "9" * 5000}, "units", "ganze Zahl von 1 bis 1000"),
        ({"kind": "raumschiff"}, "kind", "Unbekannte Art"),
        ({"kind": "bewohnerparken"}, "kind", "Unbekannte Art"),
        ({"applicant": {"name": "", "email": "x"}}, "applicant.email", "gültige E-Mail"),
        ({"applicant": {"email": "a@b.de"}}, "applicant.name", "Namen"),
    ],
)
def test_every_geometry_and_input_error_is_400_with_a_german_message(client, overrides, field, fragment):
    response = post(client, **overrides)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert fragment in " ".join(errors[field])
    assert Permit.objects.count() == 0


def test_coordinates_nested_thousands_deep_are_400_not_500(client):
    # The JSON parser accepts this depth; the NUL check and the vertex count then recursed (RecursionError).
    geometry = '{"type": "Polygon", "coordinates": ' + "[" * 3000 + "]" * 3000 + "}"
    text = json.dumps(body(geometry={})).replace('"geometry": {}', f'"geometry": {geometry}')
    for url in (URL, URL + "estimate/"):
        response = client.post(url, text, content_type="application/json")
        assert response.status_code == 400, response.content
        assert "mindestens vier Punkte" in " ".join(response.json()["errors"]["geometry"])
    assert Permit.objects.count() == 0


def test_active_permits_on_the_last_day_python_knows_is_400_not_500(client):
    # The day's end (its next midnight) overflowed Python's datetime for 9999-12-31.
    response = client.get("/api/v1/permits/active/", {"date": "9999-12-31"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"date": ["date: Datum bis spätestens 9998-12-31 erwartet."]}


def test_invalid_geometry_is_never_silently_repaired(client):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[13.755, 51.065], [13.756, 51.066], [13.756, 51.065], [13.755, 51.066], [13.755, 51.065]]
        ],
    }
    assert (
        client.post(
            "/api/v1/permits/estimate/", body(geometry=bowtie), content_type="application/json"
        ).status_code
        == 400
    )


def test_polygon_straddling_two_communes_has_shares_and_the_larger_is_primary(client):
    with connection.cursor() as cur:
        cur.execute(
            """SELECT ST_X(p), ST_Y(p) FROM (
                 SELECT ST_Transform((ST_DumpPoints(a.geom)).geom, 4326) p FROM boundaries_commune a, boundaries_commune b
                 WHERE a.ags = '14627210' AND b.ags = '14612000') s,
                 boundaries_commune b WHERE b.ags = '14612000' AND ST_Covers(b.geom, ST_Transform(s.p, 25833)) LIMIT 1"""
        )
        lon, lat = cur.fetchone()
    # Shifted east (into Dresden) so that Dresden holds the larger share.
    square = {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - 0.0004, lat - 0.0003],
                [lon + 0.0008, lat - 0.0003],
                [lon + 0.0008, lat + 0.0003],
                [lon - 0.0004, lat + 0.0003],
                [lon - 0.0004, lat - 0.0003],
            ]
        ],
    }
    response = client.post(
        "/api/v1/permits/estimate/",
        body(kind="veranstaltung", geometry=square),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    communes = response.json()["communes"]
    assert {c["ags"] for c in communes} >= {"14612000", "14627210"}
    assert communes == sorted(communes, key=lambda c: -c["share"])
    assert abs(sum(c["share"] for c in communes) - 1) < 1e-4


def test_estimate_stores_nothing(client):
    response = client.post("/api/v1/permits/estimate/", body(), content_type="application/json")
    assert response.status_code == 200
    assert set(response.json()) == {"area_m2", "communes", "fee"}
    assert Permit.objects.count() == 0


def test_permit_kinds_endpoint_lists_the_german_kinds(client):
    kinds = client.get("/api/v1/permit-kinds/").json()
    names = {k["name"] for k in kinds}
    assert {
        "Gerüst/Baustelleneinrichtung",
        "Container/Mulde",
        "Umzug/Halteverbotszone",
        "Außengastronomie (Freisitz)",
        "Werbeaufsteller",
        "Veranstaltung/Infostand",
        "Aufgrabung",
    } == names


def test_applicant_data_is_never_public(client):
    created = post(
        client, applicant=applicant(name="Geheime Firma", phone="+49 351 7777777", address="Geheimweg 1")
    ).json()
    from domains.permits.services import permit_decide
    from kernel.organisations.services import commune_organisation, membership_set
    from tests.staff_world import _user

    _user("sb")
    membership_set(
        actor=None, organisation=commune_organisation("14612000"), username="sb", role="caseworker"
    )
    from django.contrib.auth import get_user_model

    permit_decide(
        actor=get_user_model().objects.get(username="sb"), public_id=created["id"], status="approved"
    )
    start_day = future(12)[:10]
    active = client.get("/api/v1/permits/active/", {"date": start_day, "bbox": "13.7,51.0,13.8,51.1"})
    assert active.status_code == 200
    text = active.content.decode()
    assert created["id"] in text
    for secret in ("Geheime Firma", "7777777", "Geheimweg", "geruestbau.example"):
        assert secret not in text
    # Not active before it starts.
    assert (
        created["id"] not in client.get("/api/v1/permits/active/", {"date": future(1)[:10]}).content.decode()
    )
