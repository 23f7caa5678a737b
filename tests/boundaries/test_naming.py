"""Names and order of communes and districts wherever lists show them (issue 26.11): a kreisfreie Stadt is
never a "Landkreis", namesakes carry their district, and every list follows German collation (ICU)."""

from __future__ import annotations

import csv
import io

import pytest

from interfaces.web.forms import commune_choices
from interfaces.web.subscription_forms import commune_choices as alert_commune_choices
from kernel.boundaries.naming import district_title
from kernel.boundaries.selectors import communes_in_order, districts_in_order
from tests.factories import DRESDEN, LEIPZIG, make_report

pytestmark = pytest.mark.django_db


def _before(names: list[str], first: str, second: str) -> bool:
    return names.index(first) < names.index(second)


def test_communes_follow_german_order_and_namesakes_carry_their_district():
    labels = [label for _commune, label in communes_in_order()]
    assert _before(labels, "Bärenstein", "Burkhardtsdorf")  # byte order puts "ä" after "u"
    assert "Bernsdorf" not in labels
    assert {"Bernsdorf, Landkreis Bautzen", "Bernsdorf, Landkreis Zwickau"} <= set(labels)


def test_report_list_filter_and_alert_form_list_every_commune_once_in_german_order():
    names = [name for _ags, name in commune_choices()]
    assert len(names) == len(set(names)) == 418
    assert _before(names, "Bärenstein", "Burkhardtsdorf")
    alert = [name.rsplit(" (", 1)[0] for ags, name in alert_commune_choices() if ags]
    assert _before(alert, "Bärenstein", "Burkhardtsdorf") and "Bernsdorf, Landkreis Zwickau" in alert


def test_districts_name_a_kreisfreie_stadt_as_such():
    titles = [district_title(d) for d in districts_in_order()]
    assert "Dresden (kreisfreie Stadt)" in titles and "Landkreis Dresden" not in titles
    assert "Landkreis Leipzig" in titles and "Leipzig (kreisfreie Stadt)" in titles
    assert len(titles) == len(set(titles)) == 13


def test_statistics_compare_districts_and_cities_by_their_right_names(client):
    make_report(lonlat=DRESDEN)
    make_report(lonlat=LEIPZIG)
    html = client.get("/statistik/").content.decode()
    assert "Landkreise und kreisfreie Städte im Vergleich" in html
    assert "Dresden (kreisfreie Stadt)" in html and "Landkreis Dresden" not in html
    links = html.split("Statistik der Landkreise und kreisfreien Städte")[1]
    assert links.count(">Leipzig (kreisfreie Stadt)<") == 1 and links.count(">Landkreis Leipzig<") == 1
    assert _before(links.split("<li>"), *[
        next(i for i in links.split("<li>") if f">{name}<" in i) for name in ("Landkreis Bautzen", "Landkreis Görlitz")
    ])  # fmt: skip
    rows = list(csv.reader(io.StringIO(client.get("/statistik/vergleich.csv").content.decode())))
    assert rows[0][0] == "Landkreis / kreisfreie Stadt"
    assert sorted(r[0] for r in rows[1:]) == ["Dresden (kreisfreie Stadt)", "Leipzig (kreisfreie Stadt)"]
    assert (
        client.get("/statistik/14612/").content.decode().count("Statistik: Dresden (kreisfreie Stadt)") == 1
    )
