"""``OPENDATA_CONTRIBUTOR_ID``: empty by default (the catalogue then names none); a value that is not one
of DCAT-AP.de's registered contributor IRIs stops the start with a German message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env
from config.features import opendata_contributor_id


def test_contributor_id_is_empty_until_set():
    assert opendata_contributor_id(Env(environ={})) == ""


def test_registered_contributor_id_is_accepted():
    iri = "http://dcat-ap.de/def/contributors/freistaatSachsen"
    assert opendata_contributor_id(Env(environ={"OPENDATA_CONTRIBUTOR_ID": f" {iri} "})) == iri


@pytest.mark.parametrize(
    "value",
    [
        "freistaatSachsen",
        "https://dcat-ap.de/def/contributors/freistaatSachsen",
        "http://dcat-ap.de/def/contributors/",
        "http://dcat-ap.de/def/contributors/freistaat Sachsen",
        "http://example.org/def/contributors/freistaatSachsen",
    ],
)
def test_unregistered_contributor_id_stops_the_start_in_german(value):
    with pytest.raises(ImproperlyConfigured, match="OPENDATA_CONTRIBUTOR_ID ist keine Datenbereitsteller-ID"):
        opendata_contributor_id(Env(environ={"OPENDATA_CONTRIBUTOR_ID": value}))
