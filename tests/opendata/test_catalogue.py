"""The DCAT-AP.de catalogue, parsed with rdflib (Turtle and JSON-LD) and checked with SPARQL."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph

from opendata.export import export_opendata
from organisations.admin import OrganisationForm
from organisations.models import Organisation
from tests.factories import DRESDEN, LEIPZIG, make_report

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 4)
PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcatde: <http://dcat-ap.de/def/dcatde/>
"""
DL_BY = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


@pytest.fixture
def exported(tmp_path, settings):
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    settings.SITE_URL = "https://maengel.example"
    make_report(lonlat=DRESDEN)
    make_report(lonlat=LEIPZIG)
    Organisation.objects.filter(kind="commune", ags="14713000").update(
        opendata_license="http://dcat-ap.de/def/licenses/cc-zero"
    )
    export_opendata(day=DAY)


def _graph(client, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=fmt)


def _rows(graph: Graph, query: str) -> list[tuple]:
    return [tuple(str(v) if v is not None else None for v in row) for row in graph.query(PREFIXES + query)]


def test_every_dataset_has_publisher_licence_distributions_and_coverage(client, exported):
    graph = _graph(client, "/opendata/catalog.ttl", "turtle")
    datasets = _rows(graph, "SELECT ?d WHERE { ?c a dcat:Catalog ; dcat:dataset ?d }")
    assert len(datasets) == 4  # all reports, Dresden, Leipzig, permits
    incomplete = _rows(
        graph,
        """SELECT ?d WHERE { ?d a dcat:Dataset .
          FILTER NOT EXISTS { ?d dct:title ?t ; dct:description ?x ; dct:issued ?i ; dct:modified ?m ;
                                 dcatde:contributorID ?cid ; dcatde:politicalGeocodingURI ?geo ;
                                 dct:spatial ?s ; dct:publisher ?p . ?p a foaf:Agent ; foaf:name ?n } }""",
    )
    assert incomplete == []
    without_distribution = _rows(
        graph, "SELECT ?d WHERE { ?d a dcat:Dataset FILTER NOT EXISTS { ?d dcat:distribution ?x } }"
    )
    assert without_distribution == []
    bad_distributions = _rows(
        graph,
        """SELECT ?x WHERE { ?d dcat:distribution ?x .
          FILTER NOT EXISTS { ?x a dcat:Distribution ; dcat:accessURL ?a ; dcat:downloadURL ?u ;
                                 dcat:mediaType ?mt ; dct:format ?f ; dct:license ?l ; dcat:byteSize ?b } }""",
    )
    assert bad_distributions == []
    formats = {r[0] for r in _rows(graph, "SELECT DISTINCT ?f WHERE { ?x dct:format ?f }")}
    assert formats == {
        "http://publications.europa.eu/resource/authority/file-type/GPKG",
        "http://publications.europa.eu/resource/authority/file-type/CSV",
    }


def test_publisher_licence_and_geocoding_per_commune(client, exported):
    graph = _graph(client, "/opendata/catalog.jsonld", "json-ld")
    rows = _rows(
        graph,
        """SELECT ?id ?name ?licence ?geo ?start ?end WHERE {
             ?d dct:identifier ?id ; dct:publisher/foaf:name ?name ; dcat:distribution/dct:license ?licence ;
                dcatde:politicalGeocodingURI ?geo .
             OPTIONAL { ?d dct:temporal ?t . ?t a dct:PeriodOfTime ; dcat:startDate ?start ; dcat:endDate ?end } }""",
    )
    by_id = {row[0]: row[1:] for row in rows}
    today = dt.date.today().isoformat()
    dresden = by_id["meldungen-14612000"]
    assert dresden[0] == "Dresden" and dresden[1] == DL_BY
    assert dresden[2] == "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/14612000"
    assert (
        dresden[3] <= today <= dresden[4]
        or abs((dt.date.fromisoformat(dresden[3]) - dt.date.today()).days) <= 1
    )
    assert by_id["meldungen-14713000"][1] == "http://dcat-ap.de/def/licenses/cc-zero"
    assert by_id["meldungen-sachsen"][2] == "http://dcat-ap.de/def/politicalGeocoding/stateKey/14"
    assert by_id["meldungen-sachsen"][1] == DL_BY
    download = _rows(graph, "SELECT ?u WHERE { ?x dcat:downloadURL ?u }")
    assert f"https://maengel.example/opendata/{DAY.isoformat()}/meldungen-sachsen.gpkg" in {
        r[0] for r in download
    }


def test_bbox_is_wgs84_polygon(client, exported):
    graph = _graph(client, "/opendata/catalog.ttl", "turtle")
    (bbox,) = _rows(
        graph,
        'SELECT ?b WHERE { ?d dct:identifier "meldungen-14612000" ; dct:spatial ?s . ?s dcat:bbox ?b }',
    )[0]
    assert bbox.startswith("POLYGON((13.737") and "51.05" in bbox


def test_empty_catalogue_before_the_first_export(client, settings, tmp_path):
    settings.OPENDATA_ROOT = str(tmp_path / "nichts")
    graph = _graph(client, "/opendata/catalog.ttl", "turtle")
    assert len(_rows(graph, "SELECT ?c WHERE { ?c a dcat:Catalog }")) == 1
    assert _rows(graph, "SELECT ?d WHERE { ?d a dcat:Dataset }") == []


def test_licence_is_chosen_in_the_organisation_admin_and_refuses_unknown_ones():

    dresden = Organisation.objects.get(kind="commune", ags="14612000")
    data = {"name": dresden.name, "kind": "commune", "ags": "14612000", "email": "", "active": True}
    form = OrganisationForm(
        data={**data, "opendata_license": "http://example.org/eigene-lizenz"}, instance=dresden
    )
    assert not form.is_valid() and "opendata_license" in form.errors
    form = OrganisationForm(
        data={**data, "opendata_license": "http://dcat-ap.de/def/licenses/cc-by/4.0"}, instance=dresden
    )
    assert form.is_valid(), form.errors
    form.save()
    assert Organisation.objects.get(pk=dresden.pk).opendata_license.endswith("cc-by/4.0")
