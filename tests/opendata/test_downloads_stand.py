"""The open-data page and the statistics tell the same story (issue 26): the export is a nightly snapshot,
the statistics count live. A page that showed "0 Meldungen, Stand 2026-12-07" beside a statistics page
counting 28 looked like lost data: the page now gives the snapshot's German date and time and says how
many reports there are now and that they follow in the next export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from interfaces.opendata.export import export_opendata
from tests.factories import DRESDEN, LEIPZIG, make_report

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 7)


@pytest.fixture
def root(tmp_path, settings):
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    return tmp_path / "opendata"


def test_stand_is_a_german_date_and_later_reports_are_explained(client, root):
    make_report(lonlat=DRESDEN)
    export_opendata(day=DAY)  # one report in the snapshot
    make_report(lonlat=LEIPZIG)
    make_report(lonlat=DRESDEN)
    html = client.get(reverse("opendata:downloads")).content.decode()
    assert "Stand: 7. Dezember 2026" in html and "Stand 2026-12-07" not in html
    assert "Seit diesem Stand sind 2 Meldungen hinzugekommen" in html
    assert "jetzt 3 insgesamt" in html


def test_no_note_when_the_snapshot_is_current(client, root):
    make_report(lonlat=DRESDEN)
    export_opendata(day=DAY)
    html = client.get(reverse("opendata:downloads")).content.decode()
    assert "Stand: 7. Dezember 2026" in html and "hinzugekommen" not in html


def test_english_page_has_an_english_date(client, root):
    export_opendata(day=DAY)
    html = client.get(reverse("opendata:downloads"), {"lang": "en"}).content.decode()
    assert "7 December 2026" in html or "December 7, 2026" in html
