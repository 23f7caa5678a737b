"""Atom feeds (/feeds/…): parsed by feedparser, a standard parser, without complaints (bozo 0); only
public data — no reporter name, e-mail, phone, staff name or internal note anywhere; bad filters are a 400
in German; pages link their feed with <link rel="alternate">."""

from __future__ import annotations

import re

import feedparser
import pytest
from django.test import Client

from tests.factories import CHEMNITZ, DRESDEN, LEIPZIG, make_report, set_status

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PRIVATE = ("Erika Mustermann", "erika.mustermann@example.org", "+49 351 123456", "Nur intern: Bauhof Nord")


def _feed(client: Client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def _private_report(lonlat=DRESDEN, **extra):
    report = make_report(
        lonlat=lonlat,
        name="Erika Mustermann",
        email="erika.mustermann@example.org",
        phone="+49 351 123456",
        **extra,
    ).report
    set_status(
        report, "in_review", public_note="Wir sehen uns das an.", internal_note="Nur intern: Bauhof Nord"
    )
    return report


def _assert_no_personal_data(raw: bytes, report) -> None:
    text = raw.decode()
    for value in (*PRIVATE, f"sachbearbeitung-{report.organisation_id}"):
        assert value not in text
    assert EMAIL.findall(text) == []


def test_commune_feed_lists_its_reports_with_public_fields_only(client):
    report = _private_report(place="Vor dem Rathaus")
    other = make_report(lonlat=LEIPZIG).report
    response = client.get("/feeds/gemeinden/14612000.atom")
    _assert_no_personal_data(response.content, report)
    parsed = _feed(client, "/feeds/gemeinden/14612000.atom")

    assert parsed.feed.title == "Mängelmelder Sachsen: Meldungen in Dresden"
    assert parsed.feed.author == "Dresden"
    assert "email" not in parsed.feed.get("author_detail", {})
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {
        "alternate": "http://testserver/gemeinden/14612000/",
        "self": "http://testserver/feeds/gemeinden/14612000.atom",
    }
    assert parsed.feed.id == "http://127.0.0.1:8000/feeds/gemeinden/14612000.atom"
    [entry] = parsed.entries
    assert entry.id == f"http://127.0.0.1:8000/meldungen/{report.public_id}/"
    assert entry.link == f"http://testserver/meldungen/{report.public_id}/"
    assert entry.title == f"Schlagloch in Dresden: In Prüfung ({report.public_id})"
    assert "Tiefes Schlagloch auf der Fahrbahn" in entry.summary
    assert "Vor dem Rathaus" in entry.summary
    assert entry.updated_parsed is not None and entry.published_parsed is not None
    assert other.public_id not in response.content.decode()


def test_a_changed_report_moves_to_the_top_with_the_same_id(client):
    first = make_report().report
    second = make_report().report
    assert [e.id.rsplit("/", 2)[1] for e in _feed(client, "/feeds/gemeinden/14612000.atom").entries] == [
        second.public_id,
        first.public_id,
    ]
    set_status(first, "in_review")
    entries = _feed(client, "/feeds/gemeinden/14612000.atom").entries
    assert [e.id.rsplit("/", 2)[1] for e in entries] == [first.public_id, second.public_id]
    assert "In Prüfung" in entries[0].title


def test_an_address_typed_into_the_description_or_a_note_never_reaches_a_feed(client):
    report = make_report(description="Laterne aus. Rückfragen an max.muster@example.org bitte").report
    set_status(report, "in_review", public_note="Danke, wir melden uns unter max.muster@example.org.")
    for url in ("/feeds/gemeinden/14612000.atom", f"/feeds/meldungen/{report.public_id}.atom"):
        raw = client.get(url).content.decode()
        assert "max.muster" not in raw and EMAIL.findall(raw) == []
        assert "[E-Mail-Adresse entfernt]" in raw
    summary = _feed(client, "/feeds/gemeinden/14612000.atom").entries[0].summary
    assert "Laterne aus. Rückfragen an [E-Mail-Adresse entfernt] bitte" in summary


def test_hidden_description_stays_hidden_in_the_feed(client):
    from domains.reports.models import HIDDEN_DESCRIPTION, Report

    report = make_report(description="Beleidigender Text über den Nachbarn").report
    Report.objects.filter(pk=report.pk).update(description_hidden=True)
    raw = client.get("/feeds/gemeinden/14612000.atom").content.decode()
    assert "Beleidigender Text" not in raw
    assert HIDDEN_DESCRIPTION in feedparser.parse(raw).entries[0].summary


def test_reports_feed_filters_by_bbox_and_category(client):
    dresden = make_report(lonlat=DRESDEN, category="schlagloch").report
    leipzig = make_report(lonlat=LEIPZIG, category="schlagloch").report
    chemnitz = make_report(lonlat=CHEMNITZ, category="muellablagerung").report

    def ids(url: str) -> set[str]:
        return {e.id.rsplit("/", 2)[1] for e in _feed(client, url).entries}

    assert ids("/feeds/meldungen.atom") == {dresden.public_id, leipzig.public_id, chemnitz.public_id}
    assert ids("/feeds/meldungen.atom?bbox=13.6,50.9,13.9,51.2") == {dresden.public_id}
    assert ids("/feeds/meldungen.atom?category=muellablagerung") == {chemnitz.public_id}
    assert ids("/feeds/meldungen.atom?category=schlagloch&bbox=12,51,13,52") == {leipzig.public_id}
    parsed = _feed(client, "/feeds/meldungen.atom?category=muellablagerung")
    assert parsed.feed.author == "Mängelmelder Sachsen"
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link == "http://testserver/feeds/meldungen.atom?category=muellablagerung"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("bbox=13,51", "bbox: vier Zahlen erwartet"),
        ("bbox=a,b,c,d", "bbox: vier Zahlen erwartet, durch Kommas getrennt"),
        ("bbox=14,51,13,52", "Minimum muss kleiner als Maximum sein"),
        ("bbox=nan,51,14,52", "nur endliche Zahlen"),
        ("category=gibtesnicht", "Unbekannte Kategorie „gibtesnicht“"),
        ("status=kaputt", "Unbekannter Status „kaputt“"),
    ],
)
def test_bad_filters_are_a_400_with_a_german_message(client, query, message):
    response = client.get(f"/feeds/meldungen.atom?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_unknown_commune_or_report_is_a_404(client):
    assert client.get("/feeds/gemeinden/99999999.atom").status_code == 404
    assert client.get("/feeds/gemeinden/abc.atom").status_code == 404
    assert client.get("/feeds/meldungen/M-0000-0000.atom").status_code == 404


def test_report_feed_is_its_public_history_without_internal_notes(client):
    report = _private_report()
    set_status(report, "in_progress", public_note="Reparatur ist beauftragt.")
    raw = client.get(f"/feeds/meldungen/{report.public_id}.atom").content
    _assert_no_personal_data(raw, report)
    parsed = _feed(client, f"/feeds/meldungen/{report.public_id}.atom")
    assert parsed.feed.author == "Dresden"
    titles = [e.title for e in parsed.entries]
    assert titles == ["Neuer Status: In Bearbeitung", "Neuer Status: In Prüfung", "Eingegangen: Eingegangen"]
    assert "Reparatur ist beauftragt." in parsed.entries[0].summary
    assert "Wir sehen uns das an." in parsed.entries[1].summary
    assert len({e.id for e in parsed.entries}) == 3
    assert all(
        e.id.startswith(f"http://127.0.0.1:8000/meldungen/{report.public_id}/#verlauf-")
        for e in parsed.entries
    )


def test_feed_answers_conditional_requests_with_304(client):
    make_report()
    first = client.get("/feeds/gemeinden/14612000.atom")
    assert first["Last-Modified"] and first["ETag"]
    again = client.get("/feeds/gemeinden/14612000.atom", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    make_report()  # a new report changes the feed
    assert (
        client.get("/feeds/gemeinden/14612000.atom", headers={"If-None-Match": first["ETag"]}).status_code
        == 200
    )


def test_feed_is_limited_to_the_newest_50_entries(client, monkeypatch):
    from interfaces.web import feeds

    monkeypatch.setattr(feeds, "FEED_LIMIT", 2)
    for _ in range(3):
        make_report()
    assert len(_feed(client, "/feeds/gemeinden/14612000.atom").entries) == 2


def test_pages_link_their_feeds(client):
    report = make_report().report

    def alternates(url: str) -> list[str]:
        html = client.get(url).content.decode()
        return re.findall(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html
        )

    assert alternates(f"/meldungen/{report.public_id}/") == [f"/feeds/meldungen/{report.public_id}.atom"]
    assert alternates("/gemeinden/14612000/") == ["/feeds/gemeinden/14612000.atom"]
    assert alternates("/meldungen/") == ["/feeds/meldungen.atom"]
    assert alternates("/meldungen/?category=schlagloch&status=open") == [
        "/feeds/meldungen.atom?category=schlagloch&amp;status=open"
    ]
    assert alternates("/meldungen/?commune=14612000") == ["/feeds/gemeinden/14612000.atom"]
    for href in (f"/feeds/meldungen/{report.public_id}.atom", "/feeds/gemeinden/14612000.atom"):
        assert client.get(href).status_code == 200


def test_feed_queries_do_not_grow_with_the_entries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/feeds/gemeinden/14612000.atom").status_code == 200
        return len(captured)

    make_report()
    one = queries()
    for _ in range(4):
        make_report()
    assert queries() == one
