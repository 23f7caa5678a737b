"""/barrierefreiheit/ (statement + feedback form without JavaScript) and /leichte-sprache/, and the links
to both in the footer of every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from domains.accessibility.models import AccessibilityFeedback, FeedbackStatus
from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import mail_send
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_statement_follows_the_eu_model(client):
    html = client.get("/barrierefreiheit/").content.decode()
    for heading in (
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback und Kontaktangaben",
        "Durchsetzungsverfahren",
    ):
        assert re.search(rf"<h2 id=\"[\w-]+\">{heading}</h2>", html), heading
    assert "<strong>teilweise vereinbar</strong>" in html
    assert "Karten." in html and "Flächen auf der Karte zeichnen" in html
    assert "Selbstbewertung" in html and "axe-core" in html and "Tastatur" in html
    assert "Durchführungsbeschlusses (EU) 2018/1523" in html


def test_statement_names_the_saxon_enforcement_body_by_default_and_from_settings(client, settings):
    html = client.get("/barrierefreiheit/").content.decode()
    assert "Durchsetzungsstelle für digitale Barrierefreiheit des Freistaates Sachsen" in html
    assert "Archivstraße 1<br>01097 Dresden" in html
    assert 'href="mailto:Durchsetzungsstelle@sk.sachsen.de"' in html
    assert 'href="https://www.durchsetzungsstelle.sachsen.de/"' in html

    settings.A11Y_ENFORCEMENT = {
        "name": "Neue Stelle",
        "address": "Weg 2\n01099 Dresden",
        "email": "stelle@example.org",
        "url": "https://stelle.example.org/",
    }
    html = client.get("/barrierefreiheit/").content.decode()
    assert "Neue Stelle" in html and "Weg 2<br>01099 Dresden" in html
    assert "Archivstraße" not in html


def test_feedback_without_javascript_opens_a_case_due_in_one_month_and_confirms_by_mail(client, settings):
    settings.PLATFORM_OPERATOR_EMAIL = "barrierefreiheit@betrieb.example"
    before = timezone.now()
    response = client.post(
        "/barrierefreiheit/",
        {
            "description": "Die Karte liest mein Bildschirmleser nicht vor.",
            "page_url": "/meldungen/",
            "email": "a@b.de",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/barrierefreiheit/?gesendet=1#rueckmeldung"
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.status, feedback.page_url, feedback.email) == (
        FeedbackStatus.OPEN,
        "/meldungen/",
        "a@b.de",
    )
    local_created = timezone.localtime(feedback.created)
    assert timezone.localtime(feedback.due).date() == _next_month(local_created.date())
    assert feedback.created >= before

    mails = {m.kind: m for m in OutgoingMail.objects.filter(object_type="a11y_feedback")}
    assert set(mails) == {"a11y_feedback_new", "a11y_feedback_received"}
    for row in mails.values():
        mail_send(row.pk)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    confirmation = by_recipient["a@b.de"]
    assert f"Nr. {feedback.pk}" in confirmation.subject
    assert timezone.localtime(feedback.due).strftime("%d.%m.%Y") in confirmation.body
    assert "Durchsetzungsstelle" in confirmation.body
    assert (
        "Die Karte liest mein Bildschirmleser nicht vor."
        in by_recipient["barrierefreiheit@betrieb.example"].body
    )

    thanks = client.get(response["Location"]).content.decode()
    assert "Vielen Dank, Ihre Rückmeldung ist eingegangen." in thanks


def _next_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, day.day)


def test_feedback_without_an_address_sends_no_confirmation(client, settings):
    settings.PLATFORM_OPERATOR_EMAIL = ""
    response = client.post("/barrierefreiheit/", {"description": "Kontrast zu schwach"})
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().email == ""
    assert not OutgoingMail.objects.exists()


def test_invalid_feedback_is_a_400_with_messages_beside_the_fields_and_nothing_saved(client):
    response = client.post("/barrierefreiheit/", {"description": "  ", "email": "keine-adresse"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte beschreiben Sie die Barriere." in html
    assert "Bitte eine gültige E-Mail-Adresse angeben oder das Feld leer lassen." in html
    assert 'role="alert"' in html and 'href="#id_description"' in html
    assert not AccessibilityFeedback.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_footer_link_prefills_the_page_only_with_a_local_path(client):
    html = client.get("/barrierefreiheit/?seite=/meldungen/").content.decode()
    assert 'name="page_url" value="/meldungen/"' in html
    html = client.get("/barrierefreiheit/?seite=https://evil.example/").content.decode()
    field = re.search(r'<input[^>]*name="page_url"[^>]*>', html).group(0)
    assert "value=" not in field


def test_easy_language_page_explains_the_service_in_short_sentences(client):
    html = client.get("/leichte-sprache/").content.decode()
    assert '<div class="easy" lang="de">' in html
    for heading in (
        "Was ist der Mängel·melder?",
        "So melden Sie einen Mangel",
        "Was passiert dann?",
        "Was passiert mit Ihren Daten?",
    ):
        assert heading in html
    sentences = re.findall(r"<p>([^<]+)</p>", html.split('class="easy"')[1])
    assert sentences and max(len(s.split()) for s in sentences) <= 12


def test_report_form_links_to_easy_language(client):
    assert 'href="/leichte-sprache/#melden"' in client.get("/").content.decode()


def _public_pages(client) -> list[str]:
    report = make_report().report
    return [
        "/",
        "/meldungen/",
        f"/meldungen/{report.public_id}/",
        "/gemeinden/14612000/",
        "/datenschutz/",
        "/barrierefreiheit/",
        "/leichte-sprache/",
        "/sondernutzung/beantragen/",
        "/parkausweis/beantragen/",
        "/anmelden/",
        "/gibt-es-nicht/",
    ]


def test_every_page_links_the_statement_and_easy_language_in_its_footer(client):
    for url in _public_pages(client):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        footer = response.content.decode().split("<footer", 1)[1]
        assert 'href="/barrierefreiheit/"' in footer, url
        assert 'href="/leichte-sprache/"' in footer, url


def test_enforcement_body_comes_from_the_environment_and_fails_loudly():
    from django.core.exceptions import ImproperlyConfigured

    from config.env import Env
    from config.features import ENFORCEMENT_DEFAULTS, accessibility_enforcement

    assert accessibility_enforcement(Env(environ={})) == ENFORCEMENT_DEFAULTS
    env = Env(
        environ={"A11Y_ENFORCEMENT_NAME": " Stelle ", "A11Y_ENFORCEMENT_ADDRESS": "Weg 1\\n01067 Dresden"}
    )
    values = accessibility_enforcement(env)
    assert (values["name"], values["address"]) == ("Stelle", "Weg 1\n01067 Dresden")
    with pytest.raises(ImproperlyConfigured, match="A11Y_ENFORCEMENT_EMAIL"):
        accessibility_enforcement(Env(environ={"A11Y_ENFORCEMENT_EMAIL": "keine adresse"}))
    with pytest.raises(ImproperlyConfigured, match="A11Y_ENFORCEMENT_URL"):
        accessibility_enforcement(Env(environ={"A11Y_ENFORCEMENT_URL": "javascript:alert(1)"}))


def test_english_footer_and_form(client):
    html = client.get("/barrierefreiheit/", {"lang": "en"}).content.decode()
    assert ">Accessibility</a>" in html
    assert "This statement is available in German only." in html
    assert "Which barrier did you notice?" in html
    assert '<div lang="de">' in html


def test_feedback_is_throttled_per_client_with_a_german_page(client, monkeypatch):
    from shared.http.throttling import AccessibilityFeedbackThrottle

    monkeypatch.setattr(AccessibilityFeedbackThrottle, "THROTTLE_RATES", {"a11y_feedback": "1/hour"})
    assert client.post("/barrierefreiheit/", {"description": "Erste"}).status_code == 302
    response = client.post("/barrierefreiheit/", {"description": "Zweite"})
    assert response.status_code == 429
    assert "sehr viele Rückmeldungen" in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 1


def test_a_value_the_form_refuses_saves_nothing(client):
    response = client.post("/barrierefreiheit/", {"description": "Kontrast", "email": "a\x00@b.de"})
    assert response.status_code == 400
    assert not AccessibilityFeedback.objects.exists()


def test_the_plain_error_pages_link_them_too():
    from django.test import Client

    html = Client(enforce_csrf_checks=True).post("/barrierefreiheit/", {"description": "x"}).content.decode()
    assert "Das Formular ist abgelaufen" in html
    for page in (html, *(render_to_string(name) for name in ("400.html", "500.html"))):
        footer = page.split("<footer", 1)[1]
        assert 'href="/barrierefreiheit/"' in footer and 'href="/leichte-sprache/"' in footer
