"""The DCAT-AP.de catalogue, parsed with rdflib (Turtle and JSON-LD) and checked with SPARQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import GEOSGeometry
from rdflib import Graph

from interfaces.opendata.export import export_opendata
from kernel.organisations.admin import OrganisationForm
from kernel.organisations.models import Organisation
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
                dct:spatial ?geo . FILTER(STRSTARTS(STR(?geo), "http://dcat-ap.de/def/politicalGeocoding/"))
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


def _bbox(graph: Graph, identifier: str) -> str:
    (bbox,) = _rows(
        graph,
        f'SELECT ?b WHERE {{ ?d dct:identifier "{identifier}" ; dct:spatial ?s . ?s dcat:bbox ?b }}',
    )[0]
    return bbox


def test_bbox_of_several_places_is_a_valid_wgs84_polygon(client, exported):
    bbox = _bbox(_graph(client, "/opendata/catalog.ttl", "turtle"), "meldungen-sachsen")
    geometry = GEOSGeometry(bbox, srid=4326)
    assert geometry.geom_type == "Polygon" and geometry.valid, geometry.valid_reason
    west, south, east, north = geometry.extent
    assert 12.3 < west < 12.4 and 51.3 < north < 51.4  # Leipzig is the north-west corner
    assert 13.7 < east < 13.8 and 51.0 < south < 51.1  # Dresden the south-east one


def test_bbox_of_a_single_place_is_a_valid_point_not_a_degenerate_polygon(client, exported):
    """GeoDCAT-AP: dcat:bbox is a geometry literal; a polygon whose four corners coincide is invalid for
    GEOS/PostGIS (and for the harvesters that index it), the place itself is a valid geometry."""
    bbox = _bbox(_graph(client, "/opendata/catalog.ttl", "turtle"), "meldungen-14612000")
    geometry = GEOSGeometry(bbox, srid=4326)
    assert geometry.valid, geometry.valid_reason
    assert geometry.geom_type == "Point" and geometry.x == pytest.approx(DRESDEN[0], abs=1e-6)


def test_byte_size_is_the_file_size_as_non_negative_integer_in_both_formats(client, exported, tmp_path):
    """DCAT-AP.de 3.0: dcat:byteSize is an xsd:nonNegativeInteger; Turtle and JSON-LD give the same literal."""
    query = "SELECT ?u ?b WHERE { ?x dcat:downloadURL ?u ; dcat:byteSize ?b }"
    for url, fmt in (("/opendata/catalog.ttl", "turtle"), ("/opendata/catalog.jsonld", "json-ld")):
        graph = _graph(client, url, fmt)
        rows = list(graph.query(PREFIXES + query))
        assert len(rows) == 8
        for download, size in rows:
            name = str(download).rsplit("/", 1)[1]
            assert str(size.datatype) == "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"
            assert str(size) == str((tmp_path / "opendata" / DAY.isoformat() / name).stat().st_size)


def test_no_contributor_id_until_the_operator_sets_one(client, exported, settings):
    graph = _graph(client, "/opendata/catalog.ttl", "turtle")
    assert _rows(graph, "SELECT ?c WHERE { ?d dcatde:contributorID ?c }") == []
    settings.OPENDATA_CONTRIBUTOR_ID = "http://dcat-ap.de/def/contributors/freistaatSachsen"
    graph = _graph(client, "/opendata/catalog.ttl", "turtle")
    assert {r[0] for r in _rows(graph, "SELECT ?c WHERE { ?d dcatde:contributorID ?c }")} == {
        "http://dcat-ap.de/def/contributors/freistaatSachsen"
    }


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
