"""The citizen pages through Django's test client: form POST without JavaScript, JSON for the page
script, confirmation and tracking, list filters, commune page, privacy, language switch."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from domains.reports.models import Report
from tests.factories import LEIPZIG, jpeg_bytes, make_report, set_status

pytestmark = pytest.mark.django_db

VALID = {"lat": "51,0504", "lon": "13,7373", "category": "schlagloch", "description": "Loch in der Fahrbahn"}


def _post(client, data, **extra):
    return client.post("/", data, **extra)


def test_form_page_has_the_labelled_fields_and_privacy_link(client):
    html = client.get("/").content.decode()
    for label in ("Kategorie", "Beschreibung", "Fotos", "E-Mail (optional)", "Breitengrad", "Längengrad"):
        assert re.search(rf'<label for="id_\w+">{re.escape(label)}</label>', html), label
    assert "Meldung absenden" in html
    assert 'href="/datenschutz/"' in html
    assert '<optgroup label="Straße &amp; Gehweg">' in html
    assert 'lang="de"' in html


def test_plain_post_creates_a_web_report_and_redirects_to_the_confirmation(client):
    photo = ("foto.jpg", jpeg_bytes())
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _post(client, {**VALID, "photos": [SimpleUploadedFile(*photo, content_type="image/jpeg")]})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meldungen/{report.public_id}/bestaetigung/"
    assert (report.channel, report.commune.ags, report.photos.count()) == ("web", "14612000", 1)

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert report.public_id in html and "Dresden" in html
    tracking = re.search(r'href="(http://testserver/meldungen/[^"]+/verfolgen/[^"]+/)"', html).group(1)
    assert client.get(tracking).status_code == 200


def test_confirmation_without_the_session_entry_shows_no_token_but_the_public_page(client):
    report = make_report().report
    response = client.get(f"/meldungen/{report.public_id}/bestaetigung/")
    assert response.status_code == 302
    assert response["Location"] == f"/meldungen/{report.public_id}/"


def test_tracking_token_reaches_only_the_confirmation_page_for_30_minutes(client):
    from interfaces.web.views import CREATED_COOKIE

    response = _post(client, VALID)
    location = response["Location"]
    cookie = response.cookies[CREATED_COOKIE]
    assert (cookie["path"], cookie["max-age"], cookie["httponly"]) == (location, 1800, True)
    assert client.get(location).status_code == 200
    assert client.get(location).status_code == 200  # a reload still shows it

    client.cookies[CREATED_COOKIE] = "forged"
    assert client.get(location).status_code == 302


def test_a_cookie_for_one_report_does_not_unlock_another(client):
    from interfaces.web.views import CREATED_COOKIE

    first = _post(client, VALID)
    other = make_report().report
    client.cookies[CREATED_COOKIE] = first.cookies[CREATED_COOKIE].value
    assert client.get(f"/meldungen/{other.public_id}/bestaetigung/").status_code == 302


def test_plain_post_with_errors_shows_the_service_messages_and_keeps_input(client):
    response = _post(client, {"lat": "50.0880", "lon": "14.4208", "description": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Kategorie." in html
    assert "Bitte beschreiben Sie den Mangel." in html
    assert "Der Ort liegt außerhalb Sachsens" in html
    assert 'href="#id_lat"' in html  # error summary links to the field
    assert 'aria-invalid="true"' in html
    assert 'value="50.0880"' in html
    assert Report.objects.count() == 0


LONG_EMAIL = "a" * 200 + "@" + "b" * 60 + ".de"  # passes Django's validate_email, but 264 > 254 characters


def test_an_email_address_longer_than_254_characters_is_refused_not_a_500(client):
    # validate_email accepts up to 320 characters; the reporter_email column holds 254 (DataError, 500).
    response = _post(client, {**VALID, "email": LONG_EMAIL}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "email": ["Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."]
    }
    api = client.post("/api/v1/reports/", {**VALID, "lat": "51.0504", "lon": "13.7373", "email": LONG_EMAIL})
    assert api.status_code == 400 and "email" in api.json()["errors"]
    assert Report.objects.count() == 0


def test_the_web_form_says_exactly_what_the_api_says(client):
    bad = {"lat": "95", "lon": "13.7", "category": "unbekannt", "description": "x" * 4001}
    api = client.post("/api/v1/reports/", bad).json()["errors"]
    web = _post(client, bad, HTTP_ACCEPT="application/json").json()["errors"]
    assert web == {key: api[key] for key in ("lat", "category", "description")}


def test_json_submission_answers_with_the_confirmation_url(client):
    response = _post(client, VALID, HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    report = Report.objects.get()
    assert response.json() == {"redirect": f"/meldungen/{report.public_id}/bestaetigung/"}


def test_json_errors_come_in_page_order(client):
    response = _post(client, {}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lat", "category", "description"]


def test_too_many_reports_get_a_german_429_page(client, monkeypatch):
    from shared.http.throttling import ReportCreateThrottle

    monkeypatch.setattr(ReportCreateThrottle, "THROTTLE_RATES", {"report_create": "1/hour"})
    assert _post(client, VALID).status_code == 302
    response = _post(client, VALID)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Bitte versuchen Sie es in" in response.content.decode()
    as_json = _post(client, VALID, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 429 and as_json.json()["code"] == "throttled"
    assert Report.objects.count() == 1


def test_report_page_shows_status_history_with_public_note_and_no_private_data(client):
    report = make_report(email="geheim@example.org", name="Erika Muster").report
    set_status(
        report, "in_progress", public_note="Bauhof kommt am Montag", internal_note="Nur für die Verwaltung"
    )
    html = client.get(f"/meldungen/{report.public_id}/").content.decode()
    assert "Bauhof kommt am Montag" in html
    assert "In Bearbeitung" in html and "Eingegangen" in html
    assert 'data-lat="51.050400"' in html
    for private in ("geheim@example.org", "Erika Muster", "Nur für die Verwaltung"):
        assert private not in html


def test_wrong_tracking_token_and_unknown_pages_are_404_in_german(client):
    report = make_report().report
    response = client.get(f"/meldungen/{report.public_id}/verfolgen/falsch/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    assert client.get("/meldungen/SN-XXXX-XX/").status_code == 404
    assert client.get("/gemeinden/99999999/").status_code == 404


def test_a_tracking_token_with_non_ascii_characters_is_404_not_500(client):
    # hmac.compare_digest raises TypeError for non-ASCII text; a mistyped link must be a plain 404.
    report = make_report().report
    response = client.get(f"/meldungen/{report.public_id}/verfolgen/%C3%A4%E2%82%AC/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_a_form_post_without_a_valid_csrf_token_gets_a_german_page():
    # Django's built-in CSRF page is English; a citizen with a stale form must learn what to do.
    browser = Client(enforce_csrf_checks=True)
    for url in ("/", "/sondernutzung/beantragen/", "/parkausweis/beantragen/", "/anmelden/"):
        response = browser.post(url, VALID)
        assert response.status_code == 403
        html = response.content.decode()
        assert '<html lang="de">' in html and "Das Formular ist abgelaufen" in html, url
        assert "CSRF verification failed" not in html
    assert Report.objects.count() == 0


def test_a_request_django_refuses_gets_a_german_400_page(client):
    # e.g. more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters: Django's built-in page is English.
    response = client.get("/meldungen/?" + "&".join(f"f{i}=1" for i in range(1500)))
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="de">' in html and "Ungültige Anfrage" in html
    assert "Bad Request" not in html


def test_list_filters_by_status_category_and_commune(client):
    dresden = make_report().report
    make_report(lonlat=LEIPZIG, category="schlagloch")
    set_status(dresden, "resolved")

    def ids(params):
        html = client.get("/meldungen/", params).content.decode()
        return set(re.findall(r"SN-\w{4}-\w{2}", html))

    assert len(ids({})) == 2
    assert ids({"status": "resolved"}) == {dresden.public_id}
    assert dresden.public_id not in ids({"status": "open"})
    assert ids({"commune": "14612000"}) == {dresden.public_id}
    assert ids({"status": "nonsense"}) == ids({})  # unknown values fall back to all


def test_list_pages_are_paginated_with_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(22):
        make_report()
    with django_assert_max_num_queries(8):
        first = client.get("/meldungen/")
    html = first.content.decode()
    assert len(re.findall(r'class="report-item"', html)) == 20
    assert "Seite 1 von 2" in html
    second = client.get("/meldungen/", {"page": 2}).content.decode()
    assert len(re.findall(r'class="report-item"', second)) == 2


def test_commune_page_shows_figures_and_its_reports(client):
    report = make_report().report
    make_report()
    set_status(report, "resolved")
    make_report(lonlat=LEIPZIG)
    response = client.get("/gemeinden/14612000/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Dresden" in html
    assert re.search(r"<dt>Offen</dt><dd>1</dd>", html)
    assert re.search(r"<dt>Erledigt \(insgesamt\)</dt><dd>1</dd>", html)
    assert len(re.findall(r'class="report-item"', html)) == 2


def test_privacy_page_explains_email_and_photos(client):
    html = client.get(reverse("web:privacy")).content.decode()
    assert "nie veröffentlicht" in html
    assert "Metadaten entfernt" in html


def test_lang_parameter_switches_to_english_and_is_remembered(client):
    response = client.get("/", {"lang": "en"})
    assert '<html lang="en">' in response.content.decode()
    assert "Submit report" in response.content.decode()
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/meldungen/").content.decode()
    assert "Meldung absenden" in client.get("/", {"lang": "de"}).content.decode()
    assert "Meldung absenden" in client.get("/", {"lang": "fr"}).content.decode()


def test_help_texts_follow_the_page_language(client):
    # They were formatted at import, which fixed them in German for every language.
    english = client.get("/?lang=en").content.decode()
    assert "What is broken, and where exactly? At most 4,000 characters." in english  # English separator
    assert "Up to 5 photos (JPEG, PNG, WebP or HEIC)." in english
    assert "Was ist kaputt" not in english
    permit = client.get("/sondernutzung/beantragen/?lang=en").content.decode()
    assert "Plans or photos: PDF or images, at most 10 MB each" in permit
    german = client.get("/?lang=de").content.decode()
    assert "Was ist kaputt, und wo genau? Höchstens 4.000 Zeichen." in german
