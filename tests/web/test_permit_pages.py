"""The application pages through Django's test client (the path without JavaScript, and the JSON the page
scripts get): Sondernutzung with fee estimate, GeoJSON file upload, confirmation and tracking; parking
permits inside and outside a zone; privacy of applicant data."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domains.permits.models import ParkingPermit, Permit
from domains.permits.services import PermitDraft, parking_decide, permit_estimate
from domains.permits.services.payments import payment_record_staff
from kernel.cases.tracking import tracking_token
from tests.permits.helpers import NEUSTADT
from tests.web.permit_data import (
    SECRET_APPLICANT,
    SECRETS,
    approved_permit,
    caseworker,
    euro_de,
    geojson_text,
    local_input,
)

pytestmark = pytest.mark.django_db
URL = "/sondernutzung/beantragen/"
PARKING_URL = "/parkausweis/beantragen/"

# About 55 m × 33 m in Dresden's Äußere Neustadt: more than 1,000 m², so the area shows a thousands separator.
BIG = {
    "type": "Polygon",
    "coordinates": [
        [[13.7550, 51.0650], [13.7558, 51.0650], [13.7558, 51.0653], [13.7550, 51.0653], [13.7550, 51.0650]]
    ],
}

BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[13.755, 51.065], [13.756, 51.066], [13.756, 51.065], [13.755, 51.066], [13.755, 51.065]]
    ],
}


def _values(**overrides) -> dict:
    data = {
        "kind": "geruest",
        "start": local_input(10),
        "end": local_input(20, 18),
        "units": "1",
        "geometry": geojson_text(),
        "width_m": "",
        "description": "Fassadengerüst vor Hausnummer 12",
        **SECRET_APPLICANT,
    }
    data.update(overrides)
    return data


def _errors_beside(html: str, field: str) -> str:
    """The text of the error list rendered inside the field's box."""
    box = html.split(f'data-errors-for="{field}">', 1)[1].split("</div>", 1)[0]
    return re.sub(r"<[^>]+>", " ", box)


def test_form_has_the_labelled_fields_buttons_and_privacy_sentence(client):
    html = client.get(URL).content.decode()
    labels = [
        "Art der Sondernutzung",
        "Beginn",
        "Ende",
        "Anzahl",
        "GeoJSON-Datei",
        "Fläche als GeoJSON",
        "Breite (m)",
        "Vorhaben",
        "Name",
        "Firma/Verein (optional)",
        "E-Mail",
        "Telefon (optional)",
        "Anschrift",
        "Anhänge",
    ]
    for label in labels:
        assert re.search(rf'<label for="id_\w+">{re.escape(label)}</label>', html), label
    assert html.count('type="datetime-local"') == 2
    assert ">Gebühr berechnen</button>" in html and ">Antrag absenden</button>" in html
    assert "werden nie veröffentlicht" in html
    assert '<option value="geruest">Gerüst/Baustelleneinrichtung</option>' in html
    assert "bewohnerparken" not in html  # the parking permit is applied for on its own page
    assert 'href="/sondernutzung/beantragen/" aria-current="page"' in html
    assert 'href="/parkausweis/beantragen/"' in html


def test_estimate_button_shows_area_communes_and_fee_and_keeps_the_values(client):
    values = _values()
    response = client.post(URL, {**values, "action": "estimate"})
    html = response.content.decode()
    assert response.status_code == 200
    expected = permit_estimate(
        draft=PermitDraft(kind="geruest", geometry=NEUSTADT, start=values["start"], end=values["end"])
    )
    assert "Vorläufige Berechnung" in html
    assert "Dresden (100\u00a0%)" in html
    assert "Verwaltungsgebühr" in html and "Summe (vorläufig)" in html
    assert f'<strong class="fee-total">{euro_de(expected.fee.total)}</strong>' in html
    assert re.search(r"<dd>\d{3},\d+ m²</dd>", html)  # about 200 m², German decimal comma
    # the entered values are kept, the geometry too
    assert f'value="{values["start"]}"' in html
    assert "13.7550" in html or "13.755" in html
    assert 'value="Gerda Geheim"' in html
    assert Permit.objects.count() == 0


def test_the_estimate_takes_the_focus_only_when_there_is_one(client):
    # Without JavaScript "Gebühr berechnen" reloads the page at its top, far from the result (issue 26):
    # the result takes the focus, so the browser scrolls to it; with errors the summary at the top counts.
    computed = client.post(URL, {**_values(), "action": "estimate"}).content.decode()
    assert re.search(r'<div id="permit-estimate"[^>]* tabindex="-1" autofocus>', computed)
    failed = client.post(URL, {**_values(geometry=""), "action": "estimate"}).content.decode()
    assert '<div id="permit-estimate"' in failed and "autofocus" not in failed
    assert "autofocus" not in client.get(URL).content.decode()


def test_english_pages_print_amounts_and_numbers_the_english_way(client):
    values = _values(geometry=geojson_text(BIG))
    html = client.post(f"{URL}?lang=en", {**values, "action": "estimate"}).content.decode()
    total = re.search(r'class="fee-total">([^<]+)</strong>', html).group(1)
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}\u00a0€", total), total  # e.g. "1,234.50 €"
    area = re.search(r"<dd>([^<]+) m²</dd>", html).group(1)
    assert re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", area), area  # more than 1,000 m², English grouping
    german = client.post(f"{URL}?lang=de", {**values, "action": "estimate"}).content.decode()
    assert re.fullmatch(
        r"\d{1,3}(\.\d{3})*,\d{2}\u00a0€", re.search(r'class="fee-total">([^<]+)</strong>', german).group(1)
    )


def test_estimate_without_area_says_what_is_missing_beside_the_field(client):
    response = client.post(URL, {**_values(geometry=""), "action": "estimate"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Geometrie fehlt" in _errors_beside(html, "geometry")
    assert "Vorläufige Berechnung" not in html
    # the applicant is not asked for yet: estimating needs only kind, period and area
    assert "Namen" not in html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize("units", ["²", "9" * 5000])
def test_an_odd_number_of_units_is_named_beside_the_field(client, units):
    # "²".isdigit() is true but int("²") fails; int() refuses more than 4,300 digits: both were 500s.
    for action in ("estimate", "submit"):
        response = client.post(URL, {**_values(kind="container", units=units), "action": action})
        assert response.status_code == 400
        assert "Anzahl: ganze Zahl von 1 bis 1000." in _errors_beside(response.content.decode(), "units")
    assert Permit.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9999-12-31T23:59+14:00", "9999-12-31T23:59-12:00"),  # counting the fee's days overflowed (500)
        ("30.12.9999 07:00", "31.12.9999 23:59"),
    ],
)
def test_a_date_near_the_year_9999_is_refused_beside_the_field(client, start, end):
    for action in ("estimate", "submit"):
        response = client.post(URL, {**_values(start=start, end=end), "action": action})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Das Datum liegt zu weit in der Zukunft." in _errors_beside(html, "start")
        assert "Das Datum liegt zu weit in der Zukunft." in _errors_beside(html, "end")
    assert Permit.objects.count() == 0


def test_submit_creates_a_web_permit_and_leads_via_confirmation_to_the_tracking_page(client):
    response = client.post(URL, _values())
    permit = Permit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sondernutzung/{permit.public_id}/bestaetigung/"
    assert permit.channel == "web" and permit.kind.slug == "geruest" and permit.commune.ags == "14612000"
    assert (permit.applicant_name, permit.applicant_phone, permit.applicant_address) == (
        "Gerda Geheim",
        "+49 351 9876543",
        "Heimlichweg 7, 01099 Dresden",
    )
    assert timezone.localtime(permit.start).strftime("%Y-%m-%dT%H:%M") == _values()["start"]

    confirmation = client.get(response["Location"])
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert confirmation["Referrer-Policy"] == "same-origin" and confirmation["X-Robots-Tag"] == "noindex"
    assert f'<strong class="report-number">{permit.public_id}</strong>' in html
    assert "Dresden" in html and euro_de(permit.fee_total) in html
    assert "Wie geht es weiter?" in html
    tracking = re.search(r'href="(http://testserver/sondernutzung/[^"]+/verfolgen/[^"]+/)"', html).group(1)
    assert tracking.endswith(
        f"/{permit.public_id}/verfolgen/{tracking_token(type(permit), permit.public_id)}/"
    )

    page = client.get(tracking)
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin" and page["X-Robots-Tag"] == "noindex"
    assert "no-store" in page["Cache-Control"]
    assert "Beantragt" in html and "Gerüst/Baustelleneinrichtung" in html
    assert euro_de(permit.fee_total) in html and "Verwaltungsgebühr" in html
    assert 'data-map="area"' in html and '"type": "MultiPolygon"' in html


def test_confirmation_needs_the_cookie_and_does_not_reveal_which_numbers_exist(client):
    client.post(URL, _values())
    permit = Permit.objects.get()
    other = client.__class__()
    known = other.get(f"/sondernutzung/{permit.public_id}/bestaetigung/")
    unknown = other.get("/sondernutzung/SO-ZZZZ-ZZ/bestaetigung/")
    assert known.status_code == unknown.status_code == 404
    assert known.content == unknown.content
    assert permit.public_id not in known.content.decode()


def test_tracking_page_is_404_with_a_wrong_token(client):
    permit = approved_permit(start=local_input(2), end=local_input(4))
    token = tracking_token(type(permit), permit.public_id)
    assert client.get(f"/sondernutzung/{permit.public_id}/verfolgen/{token}/").status_code == 200
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/sondernutzung/{permit.public_id}/verfolgen/{wrong}/").status_code == 404
    assert client.get(f"/sondernutzung/SO-ZZZZ-ZZ/verfolgen/{token}/").status_code == 404
    # a parking token page does not open a permit either
    assert client.get(f"/parkausweis/{permit.public_id}/verfolgen/{token}/").status_code == 404


def test_tracking_pages_with_a_non_ascii_token_are_404_not_500(client):
    permit = approved_permit(start=local_input(2), end=local_input(4))
    for url in (
        f"/sondernutzung/{permit.public_id}/verfolgen/%C3%A4%E2%82%AC/",
        f"/parkausweis/{permit.public_id}/verfolgen/%C3%A4%E2%82%AC/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Seite nicht gefunden" in response.content.decode()


def test_tracking_page_shows_conditions_and_public_notes_but_no_staff_names_or_internal_notes(client):
    permit = approved_permit(
        start=local_input(2),
        end=local_input(4),
        conditions="Gehweg 1,50 m freihalten",
        public_note="Genehmigt mit Auflagen.",
        internal_note="Nachbar hat sich beschwert",
    )
    html = client.get(
        f"/sondernutzung/{permit.public_id}/verfolgen/{tracking_token(type(permit), permit.public_id)}/"
    )
    html = html.content.decode()
    assert "Genehmigt (noch nicht begonnen)" in html
    assert "Auflagen" in html and "Gehweg 1,50 m freihalten" in html
    assert "Genehmigt mit Auflagen." in html
    assert "Nachbar" not in html and "sb-dresden" not in html


LONG_EMAIL = "a" * 200 + "@" + "b" * 60 + ".de"  # passes Django's validate_email, but 264 > 254 characters


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "N" * 201, "Der Name darf höchstens 200 Zeichen lang sein."),
        ("organisation", "O" * 201, "Firma/Verein darf höchstens 200 Zeichen lang sein."),
        ("address", "A" * 301, "Die Anschrift darf höchstens 300 Zeichen lang sein."),
        ("email", LONG_EMAIL, "Bitte eine gültige E-Mail-Adresse angeben."),
    ],
)
def test_overlong_applicant_data_is_refused_beside_the_field_not_a_500(client, field, value, message):
    # The columns hold 200/200/300/254 characters: longer values failed the INSERT (DataError, 500) or,
    # for the address, were silently cut off at 300.
    response = client.post(URL, _values(**{field: value}))
    assert response.status_code == 400
    assert message in _errors_beside(response.content.decode(), field)
    assert Permit.objects.count() == 0


def test_a_bad_geometry_is_refused_with_the_german_message_beside_the_field(client):
    response = client.post(URL, _values(geometry=json.dumps(BOWTIE)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "überschneidet sich selbst" in _errors_beside(html, "geometry")
    assert '<a href="#id_geometry">Fläche als GeoJSON: Die Geometrie ist ungültig' in html
    assert 'aria-invalid="true"' in re.search(r'<textarea name="geometry"[^>]*>', html).group(0)
    assert Permit.objects.count() == 0


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ("[" * 100_000, "Kein gültiges GeoJSON."),  # json.loads raised RecursionError
        ('{"type": "Polygon", "coordinates": ' + "[" * 3000 + "]" * 3000 + "}", "mindestens vier Punkte"),
    ],
    ids=["unparsable-depth", "deep-coordinates"],
)
def test_deeply_nested_geojson_is_refused_beside_the_field_not_a_500(client, geometry, message):
    for action in ("estimate", "submit"):
        response = client.post(URL, {**_values(geometry=geometry), "action": action})
        assert response.status_code == 400
        assert message in _errors_beside(response.content.decode(), "geometry")
    upload = SimpleUploadedFile("flaeche.geojson", geometry.encode(), content_type="application/geo+json")
    response = client.post(URL, {**_values(geometry=""), "geometry_file": upload, "action": "estimate"})
    assert response.status_code == 400
    assert message in _errors_beside(response.content.decode(), "geometry_file")
    assert Permit.objects.count() == 0


def test_applicant_errors_sit_beside_the_applicant_fields(client):
    response = client.post(URL, _values(name="", email="kein-at", phone="abc"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Namen" in _errors_beside(html, "name")
    assert "gültige E-Mail" in _errors_beside(html, "email")
    assert "Telefonnummer" in _errors_beside(html, "phone")
    assert Permit.objects.count() == 0


def test_a_geojson_file_upload_is_used_for_the_area(client):
    feature_collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "Gerüst"}, "geometry": NEUSTADT}],
    }
    upload = SimpleUploadedFile(
        "flaeche.geojson", json.dumps(feature_collection).encode(), content_type="application/geo+json"
    )
    response = client.post(URL, _values(geometry="", geometry_file=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    permit = Permit.objects.get()
    assert 190 < float(permit.area_m2) < 210


def test_estimate_with_a_file_puts_its_text_into_the_field_so_it_need_not_be_sent_again(client):
    upload = SimpleUploadedFile("flaeche.json", geojson_text().encode(), content_type="application/json")
    html = client.post(
        URL, {**_values(geometry=""), "geometry_file": upload, "action": "estimate"}
    ).content.decode()
    assert "Vorläufige Berechnung" in html
    assert "Der Inhalt von „flaeche.json“ steht jetzt im Feld" in html
    textarea = html.split('name="geometry"', 1)[1].split("</textarea>", 1)[0]
    assert "13.7550" in textarea or "13.755" in textarea
    # attachments cannot survive a round trip: the page says so
    pdf = SimpleUploadedFile(
        "plan.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", content_type="application/pdf"
    )
    html = client.post(URL, {**_values(), "attachments": [pdf], "action": "estimate"}).content.decode()
    assert "Bitte wählen Sie die Anhänge erneut aus" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfe\x00G\x00e\x00o", "keine GeoJSON-Textdatei"), (b" " * (1024 * 1024 + 1), "größer als 1 MB")],
)
def test_an_unreadable_file_is_named_beside_the_file_field(client, content, message):
    upload = SimpleUploadedFile("flaeche.geojson", content, content_type="application/geo+json")
    html = client.post(URL, _values(geometry="", geometry_file=upload)).content.decode()
    beside = _errors_beside(html, "geometry_file")
    assert message in beside and "Geometrie fehlt" not in html
    assert Permit.objects.count() == 0


def test_attachments_are_stored_as_service_uploads(client):
    plan = pikepdf.new()
    plan.add_blank_page()
    data = io.BytesIO()
    plan.save(data)
    pdf = SimpleUploadedFile("plan.pdf", data.getvalue(), content_type="application/pdf")
    assert client.post(URL, {**_values(), "attachments": [pdf]}).status_code == 302
    attachment = Permit.objects.get().attachments.get()
    assert (attachment.original_name, attachment.content_type) == ("plan.pdf", "application/pdf")


def test_a_line_needs_a_width_beside_the_width_field(client):
    line = {"type": "LineString", "coordinates": [[13.7550, 51.0650], [13.7560, 51.0650]]}
    response = client.post(URL, _values(geometry=json.dumps(line)))
    assert "Breite" in _errors_beside(response.content.decode(), "width_m")
    assert client.post(URL, _values(geometry=json.dumps(line), width_m="2,5")).status_code == 302
    assert Permit.objects.get().width_m == Decimal("2.50")


def test_german_date_time_typed_into_a_plain_text_field_is_understood(client):
    moment = timezone.localtime() + timezone.timedelta(days=5)
    start = moment.strftime("%d.%m.%Y 07:30")
    end = (moment + timezone.timedelta(days=1)).strftime("%d.%m.%Y, 18:00")
    assert client.post(URL, _values(start=start, end=end)).status_code == 302
    assert timezone.localtime(Permit.objects.get().start).strftime("%d.%m.%Y %H:%M") == start


def test_page_script_gets_errors_as_json_keyed_by_the_form_fields_and_a_redirect(client):
    bad = client.post(URL, _values(name="", geometry=json.dumps(BOWTIE)), HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["geometry", "name"]  # page order
    good = client.post(URL, _values(), HTTP_ACCEPT="application/json")
    assert good.status_code == 201
    assert good.json()["redirect"] == f"/sondernutzung/{Permit.objects.get().public_id}/bestaetigung/"


def test_applications_are_throttled_with_a_german_page(client, monkeypatch):
    from shared.http.throttling import ReportCreateThrottle

    monkeypatch.setattr(ReportCreateThrottle, "THROTTLE_RATES", {"report_create": "1/hour"})
    assert client.post(URL, _values()).status_code == 302
    second = client.post(URL, _values())
    assert second.status_code == 429 and int(second["Retry-After"]) > 0
    assert "Zu viele Anträge" in second.content.decode()
    assert client.post(URL, {**_values(), "action": "estimate"}).status_code == 200  # estimates are free
    assert Permit.objects.count() == 1


def test_applicant_data_is_absent_from_public_pages_and_the_active_permits_layer(client):
    now = timezone.localtime()
    permit = approved_permit(start=now + timezone.timedelta(minutes=5), end=now + timezone.timedelta(days=2))
    layer = client.get("/api/v1/permits/active/", {"bbox": "13.7,51.0,13.8,51.1"})
    assert permit.public_id in layer.content.decode()
    pages = [
        layer,
        client.get("/"),
        client.get("/meldungen/"),
        client.get("/gemeinden/14612000/"),
        client.get(URL),
        client.get(PARKING_URL),
        client.get(f"/sondernutzung/{permit.public_id}/bestaetigung/"),
        client.get("/api/v1/parking-zones/"),
    ]
    for response in pages:
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text, (response.request["PATH_INFO"], secret)


# --- Bewohnerparkausweis ----------------------------------------------------------------------------

PARKING = {
    "lat": "51,0670",
    "lon": "13,7550",
    "licence_plate": "dd xy 42",
    "name": "Rita Rad",
    "email": "rita@example.org",
    "address": "Alaunstraße 1, 01099 Dresden",
}


def test_parking_form_lists_the_zones_and_has_the_labelled_fields(client):
    html = client.get(PARKING_URL).content.decode()
    for label in ("Breitengrad", "Längengrad", "Kennzeichen", "Name", "E-Mail", "Anschrift"):
        assert re.search(rf'<label for="id_\w+">{re.escape(label)}</label>', html), label
    assert "Äußere Neustadt (N1)" in html and "Waldstraßenviertel (W1)" in html
    assert "werden nie veröffentlicht" in html


def test_parking_inside_a_zone_leads_via_the_thank_you_page_to_the_private_tracking_page(client):
    response = client.post(PARKING_URL, PARKING)
    permit = ParkingPermit.objects.get()
    token = tracking_token(type(permit), permit.public_id)
    assert response.status_code == 302
    assert response["Location"] == f"/parkausweis/{permit.public_id}/bestaetigung/"
    assert response["Referrer-Policy"] == "same-origin"
    assert permit.licence_plate == "DD-XY 42" and permit.zone.code == "N1"
    thanks = client.get(response["Location"]).content.decode()
    assert f"/parkausweis/{permit.public_id}/verfolgen/{token}/" in thanks

    page = client.get(f"/parkausweis/{permit.public_id}/verfolgen/{token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin" and page["X-Robots-Tag"] == "noindex"
    assert "Äußere Neustadt (N1), Dresden" in html
    assert "30,70\u00a0€ pro Jahr" in html
    assert "DD-XY 42" in html  # only here, on the applicant's own page
    assert "Beantragt" in html and "Ausweisnummer</dt>" not in html


def test_parking_tracking_page_shows_number_and_validity_once_approved(client):
    client.post(PARKING_URL, PARKING)
    permit = ParkingPermit.objects.get()
    approved = parking_decide(actor=caseworker(), public_id=permit.public_id, status="approved")
    url = f"/parkausweis/{permit.public_id}/verfolgen/{tracking_token(type(permit), permit.public_id)}/"
    html = client.get(url).content.decode()
    assert "Genehmigt" in html and approved.permit_number in html
    assert "ein Jahr ab Zahlungseingang" in html and approved.fee_claim.kassenzeichen in html
    assert "Gebührenbescheid" in html and "Überfällig" not in html and "Offen" in html

    payment_record_staff(actor=caseworker(), public_id=permit.public_id)
    approved.refresh_from_db()
    html = client.get(url).content.decode()
    assert approved.valid_until.strftime("%d.%m.%Y") in html and "Bezahlt" in html
    # The applicant's links carry the tracking token and open the PDFs (interfaces.web.media checks it).
    links = re.findall(r'href="(/media/notices/[^"]+)"', html)
    assert len(links) == 3  # Bescheid, Gebührenbescheid, Parkausweis
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_parking_outside_every_zone_is_refused_naming_the_nearest_zone(client):
    response = client.post(PARKING_URL, {**PARKING, "lat": "51,0520", "lon": "13,7550"})
    html = response.content.decode()
    assert response.status_code == 400
    beside = _errors_beside(html, "location")  # at the place, not at "Breitengrad" (issue 26)
    assert "keinem Bewohnerparkgebiet von Dresden" in beside and "Johannstadt-Nord" in beside
    assert '<a href="#place-search-input">Adresse oder Ort suchen: Die Adresse liegt in keinem' in html
    assert 'value="dd xy 42"' in html  # input kept
    assert ParkingPermit.objects.count() == 0


def test_parking_plate_and_applicant_errors_beside_their_fields(client):
    response = client.post(PARKING_URL, {**PARKING, "licence_plate": "DD-ABC 1", "name": "", "email": ""})
    html = response.content.decode()
    assert "deutsches Kennzeichen" in _errors_beside(html, "licence_plate")
    assert "Namen" in _errors_beside(html, "name")
    assert "E-Mail" in _errors_beside(html, "email")
    as_json = client.post(PARKING_URL, {**PARKING, "licence_plate": ""}, HTTP_ACCEPT="application/json")
    assert list(as_json.json()["errors"]) == ["licence_plate"]
    assert ParkingPermit.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "N" * 201, "Der Name darf höchstens 200 Zeichen lang sein."),
        ("address", "A" * 301, "Die Anschrift darf höchstens 300 Zeichen lang sein."),
        ("email", LONG_EMAIL, "Bitte eine gültige E-Mail-Adresse angeben."),
    ],
)
def test_overlong_parking_applicant_data_is_refused_beside_the_field_not_a_500(client, field, value, message):
    response = client.post(PARKING_URL, {**PARKING, field: value}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert ParkingPermit.objects.count() == 0


def test_parking_tracking_page_is_404_with_a_wrong_token(client):
    client.post(PARKING_URL, PARKING)
    permit = ParkingPermit.objects.get()
    assert client.get(f"/parkausweis/{permit.public_id}/verfolgen/nope/").status_code == 404


def test_permit_pages_in_english(client):
    html = client.get(URL, {"lang": "en"}).content.decode()
    assert "Apply for a special use permit" in html and "Calculate fee" in html
    html = client.get(PARKING_URL).content.decode()  # the language cookie is remembered
    assert "Apply for a resident parking permit" in html and "Licence plate" in html


def test_a_claimable_exemption_is_offered_and_priced_without_javascript(client):
    """The Satzung's claimable exemptions (issue 29.3) are a choice on the web form of that commune, as the
    API's ``exemption``; the estimate shows the reduction line, a reason not listed is refused at the field."""
    from domains.permits.models import FeeExemption, FeeSchedule, FeeScheduleState

    demo = FeeSchedule.objects.filter(ags="14612000", state=FeeScheduleState.PUBLISHED).latest("valid_from")
    FeeExemption.objects.create(
        schedule=demo, reason="Gemeinnützige Veranstaltung", percent=50, claimable=True
    )
    FeeExemption.objects.create(schedule=demo, reason="Nur für Behörden", percent=100, claimable=False)
    leipzig = client.get(URL, {"gemeinde": "14713000"}).content.decode()
    assert "Gemeinnützige Veranstaltung" not in leipzig and 'name="exemption"' not in leipzig
    dresden = client.get(URL, {"gemeinde": "14612000"}).content.decode()
    assert '<option value="Gemeinnützige Veranstaltung">Gemeinnützige Veranstaltung</option>' in dresden
    assert "Nur für Behörden" not in dresden  # staff grant it, applicants cannot claim it

    values = {**_values(), "gemeinde": "14612000"}
    plain = client.post(URL, {**values, "action": "estimate"}).context["estimate"]["fee"]
    claimed = {**values, "exemption": "Gemeinnützige Veranstaltung", "action": "estimate"}
    reduced = client.post(URL, claimed).context["estimate"]["fee"]
    assert Decimal(reduced["total"]) < Decimal(plain["total"])
    assert sum(Decimal(line["amount"]) for line in reduced["lines"]) == Decimal(reduced["total"])
    refused = client.post(URL, {**values, "exemption": "Freundschaft", "action": "estimate"})
    assert "sieht die Befreiung „Freundschaft“ nicht vor" in refused.content.decode()
    assert Permit.objects.count() == 0
