"""The DCAT-AP.de catalogue as served by a running test server, checked by GovData's own SHACL profile.

``shapes/`` holds the profile "DCAT-AP.de 3.0 – Spezifikation" of GovData's validator (the one behind
https://www.itb.ec.europa.eu/shacl/dcat-ap.de/upload): SEMIC's DCAT-AP 3.0.0 shapes, GovData's German
additions, deprecations and controlled-vocabulary shapes, plus the vocabularies that are published on
GitHub (GovData's contributor and licence lists). ``shapes/README.md`` says where each file came from;
``scripts/refresh-dcat-shapes.sh`` downloads them again. pySHACL runs the shapes unchanged.
"""

from __future__ import annotations

import datetime as dt
import functools
import urllib.request
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, XSD

from interfaces.opendata.export import export_opendata
from tests.factories import DRESDEN, LEIPZIG, make_report

pytestmark = pytest.mark.django_db(transaction=True)
SHAPES = Path(__file__).parent / "shapes"
DAY = dt.date(2026, 12, 4)
PROFILE = (  # validator/resources/config.properties, validator.shaclFile.v30_de_spec (+ its remote file)
    "dcat-ap-SHACL.ttl",
    "dcat-ap-de-imports.ttl",
    "dcat-ap-SHACL-DE.ttl",
    "dcat-ap-de-deprecated.ttl",
    "dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de-controlledvocabularies.ttl",
)


@functools.cache
def _shapes() -> Graph:
    graph = Graph()
    for name in PROFILE:
        graph.parse(SHAPES / name, format="turtle")
    return graph


@functools.cache
def _vocabularies() -> Graph:
    graph = Graph()
    for path in sorted((SHAPES / "vocabularies").iterdir()):
        graph.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")
    return graph


def _problems(data: Graph) -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, message) of every result of the profile on ``data``."""
    merged = Graph()  # as GovData's validator does: the imported vocabularies join the data graph
    merged += data
    merged += _vocabularies()
    conforms, report, _text = validate(merged, shacl_graph=_shapes(), inference="none", allow_warnings=False)
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        rows.append(
            tuple(
                str(report.value(result, prop, default=""))
                for prop in (SH.resultSeverity, SH.focusNode, SH.resultPath, SH.resultMessage)
            )
        )
    assert conforms == (not rows)
    return sorted(rows)


def _served(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback test server)
        return response.headers["Content-Type"], response.read().decode()


@pytest.fixture
def catalogue(live_server, settings, tmp_path) -> dict[str, Graph]:
    """Both serialisations of the catalogue of an export of reports in Dresden and Leipzig, fetched over
    HTTP from the live server."""
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    settings.SITE_URL = live_server.url
    settings.OPENDATA_CONTRIBUTOR_ID = (
        "http://dcat-ap.de/def/contributors/freistaatSachsen"  # a registered one
    )
    make_report(lonlat=DRESDEN)
    make_report(lonlat=LEIPZIG)
    export_opendata(day=DAY)
    graphs = {}
    for suffix, fmt, content_type in (
        ("ttl", "turtle", "text/turtle"),
        ("jsonld", "json-ld", "application/ld+json"),
    ):
        served_type, body = _served(f"{live_server.url}/opendata/catalog.{suffix}")
        assert served_type.startswith(content_type)
        graphs[fmt] = Graph().parse(data=body, format=fmt)
    return graphs


def test_turtle_catalogue_conforms_to_the_dcat_ap_de_profile(catalogue):
    assert len(list(catalogue["turtle"].subjects(RDF.type, DCAT.Dataset))) == 4
    assert _problems(catalogue["turtle"]) == []


def test_jsonld_catalogue_conforms_to_the_dcat_ap_de_profile(catalogue):
    assert _problems(catalogue["json-ld"]) == []


def test_turtle_and_jsonld_say_the_same(catalogue):
    assert isomorphic(catalogue["turtle"], catalogue["json-ld"])


def test_profile_rejects_a_dataset_without_title(catalogue):
    """Negative control: the shapes are loaded and do fire (a silent validator would pass everything)."""
    broken = Graph()
    broken += catalogue["turtle"]
    dataset = next(iter(broken.subjects(RDF.type, DCAT.Dataset)))
    broken.remove((dataset, DCTERMS.title, None))
    problems = _problems(broken)
    violations = [p for p in problems if p[0] == str(SH.Violation)]
    assert [(v[1], v[2]) for v in violations] == [(str(dataset), str(DCTERMS.title))]


def test_profile_rejects_a_byte_size_that_is_not_an_integer(catalogue):
    broken = Graph()
    broken += catalogue["turtle"]
    distribution = next(iter(broken.subjects(RDF.type, DCAT.Distribution)))
    broken.set((distribution, DCAT.byteSize, Literal("106496.0", datatype=XSD.decimal)))  # the old bug
    assert [(p[0], p[1], p[2]) for p in _problems(broken)] == [
        (str(SH.Violation), str(distribution), str(DCAT.byteSize))
    ]


def test_profile_warns_about_an_unregistered_contributor_id(catalogue):
    broken = Graph()
    broken += catalogue["turtle"]
    dataset = next(iter(broken.subjects(RDF.type, DCAT.Dataset)))
    contributor = URIRef("http://dcat-ap.de/def/dcatde/contributorID")
    unregistered = "http://dcat-ap.de/def/contributors/maengelmelderSachsen"  # the old default
    broken.set((dataset, contributor, URIRef(unregistered)))
    assert [(p[0], p[1]) for p in _problems(broken)] == [(str(SH.Warning), unregistered)]
