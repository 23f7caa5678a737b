"""The DCAT-AP.de catalogue of the newest export, built with rdflib, for open-data portals to harvest.

One ``dcat:Dataset`` per data set of the manifest (all reports, each commune's reports, approved
permits) with a ``dcat:Distribution`` per file (GeoPackage, CSV): download URL, IANA media type, EU
file-type vocabulary, size (``xsd:nonNegativeInteger``, as DCAT-AP.de 3.0 requires) and licence. Each commune's data set names the commune's organisation as
``dct:publisher`` (a ``foaf:Agent``) and carries the licence that organisation chose
(``Organisation.opendata_license``, default dl-de/by-2-0); the statewide ones the platform operator and
``OPENDATA_LICENSE``. Temporal coverage is the span of the features' dates. Spatial coverage is a
``dct:Location`` with the features' WGS84 bounding box (``dcat:bbox``) plus the political geocoding IRI
(the commune's AGS or Saxony's state key 14) as a second ``dct:spatial``: DCAT-AP.de 3.0 deprecates
``dcatde:politicalGeocodingURI`` for it. ``dcatde:contributorID`` only once ``OPENDATA_CONTRIBUTOR_ID`` names
a registered contributor (config.features.opendata_contributor_id).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from kernel.organisations.models import OPENDATA_LICENSE_DEFAULT
from kernel.organisations.selectors import commune_opendata_publishers

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
STATE_KEY = "14"  # Saxony
TITLES = {
    "reports": ("Mängelmeldungen {place}", "Öffentliche Mängelmeldungen (Schlagloch, Straßenlaterne, wilder Müll …) "
                "{place}: Ort, Kategorie, Status, Gemeinde, Zeitpunkte; ohne personenbezogene Daten."),
    "permits": ("Genehmigte Sondernutzungen {place}", "Genehmigte Sondernutzungen des öffentlichen Raums "
                "{place} (Gerüst, Container, Halteverbot …): Art, Zeitraum, Fläche; ohne Antragstellende."),
}  # fmt: skip


def _site(path: str) -> URIRef:
    return URIRef(f"{settings.SITE_URL}{path}")


def _operator() -> str:
    return settings.PLATFORM_OPERATOR_NAME or "Mängelmelder Sachsen"


def _agent(graph: Graph, uri: URIRef, name: str) -> URIRef:
    graph.add((uri, RDF.type, FOAF.Agent))
    graph.add((uri, FOAF.name, Literal(name, lang="de")))
    return uri


def _bbox_wkt(bbox: list[float]) -> str:
    """WKT of a (west, south, east, north) box in WGS84 (GeoSPARQL's default CRS84, longitude first).

    A data set with a single place (or places on one meridian or parallel) has a box without area; as a
    polygon its corners coincide and GEOS/PostGIS call it invalid, so such a box is written as the point
    or line it is (GeoDCAT-AP allows any geometry as dcat:bbox)."""
    w, s, e, n = bbox
    if w == e and s == n:
        return f"POINT({w} {s})"
    if w == e or s == n:
        return f"LINESTRING({w} {s}, {e} {n})"
    return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"


def _coverage(graph: Graph, dataset: URIRef, entry: dict[str, Any]) -> None:
    if entry["start"]:
        period = BNode()
        graph.add((dataset, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, Literal(entry["start"], datatype=XSD.date)))
        graph.add((period, DCAT.endDate, Literal(entry["end"], datatype=XSD.date)))
    if entry["ags"]:
        geocoding, level = f"{GEOCODING}municipalityKey/{entry['ags']}", "municipality"
    else:
        geocoding, level = f"{GEOCODING}stateKey/{STATE_KEY}", "state"
    graph.add((dataset, DCTERMS.spatial, URIRef(geocoding)))
    graph.add((URIRef(geocoding), RDF.type, DCTERMS.Location))
    graph.add((dataset, DCATDE.politicalGeocodingLevelURI, URIRef(f"{GEOCODING}Level/{level}")))
    location = BNode()
    graph.add((dataset, DCTERMS.spatial, location))
    graph.add((location, RDF.type, DCTERMS.Location))
    if entry["bbox"]:
        graph.add((location, DCAT.bbox, Literal(_bbox_wkt(entry["bbox"]), datatype=GSP.wktLiteral)))


def _distributions(graph: Graph, dataset: URIRef, entry: dict, date: str, licence: str) -> None:
    for file in entry["files"]:
        dist = _site(f"/opendata/{date}/{file['name']}")
        graph.add((dataset, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        graph.add((dist, DCTERMS.title, Literal(f"{entry['id']} ({file['format']})", lang="de")))
        graph.add((dist, DCAT.accessURL, _site("/opendata/")))
        graph.add((dist, DCAT.downloadURL, dist))
        graph.add((dist, DCAT.mediaType, URIRef(f"{IANA}{file['media_type']}")))
        graph.add((dist, DCTERMS["format"], URIRef(f"{FILE_TYPE}{file['format']}")))
        graph.add((dist, DCAT.byteSize, Literal(int(file["bytes"]), datatype=XSD.nonNegativeInteger)))
        graph.add((dist, DCTERMS.license, URIRef(licence)))
        graph.add((dist, DCTERMS.modified, Literal(date, datatype=XSD.date)))


def _dataset(graph: Graph, entry: dict[str, Any], date: str, publishers: dict) -> URIRef:
    dataset = _site(f"/opendata/datensaetze/{entry['id']}")
    place = f"in {entry['name']}" if entry["ags"] else "in Sachsen"
    title, description = (text.format(place=place) for text in TITLES[entry["kind"]])
    if entry["ags"]:
        name, licence = publishers.get(entry["ags"], (entry["name"], OPENDATA_LICENSE_DEFAULT))
        publisher = _agent(graph, _site(f"/opendata/herausgeber/{entry['ags']}"), name)
    else:
        licence = settings.OPENDATA_LICENSE
        publisher = _agent(graph, _site("/opendata/herausgeber/betrieb"), _operator())
    for triple in (
        (RDF.type, DCAT.Dataset),
        (DCTERMS.identifier, Literal(entry["id"])),
        (DCTERMS.title, Literal(title, lang="de")),
        (DCTERMS.description, Literal(description, lang="de")),
        (DCTERMS.publisher, publisher),
        (DCTERMS.issued, Literal(date, datatype=XSD.date)),
        (DCTERMS.modified, Literal(date, datatype=XSD.date)),
        (DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")),
        (DCAT.keyword, Literal("Mängelmelder", lang="de")),
        (DCAT.landingPage, _site("/opendata/")),
    ):
        graph.add((dataset, *triple))
    if settings.OPENDATA_CONTRIBUTOR_ID:
        graph.add((dataset, DCATDE.contributorID, URIRef(settings.OPENDATA_CONTRIBUTOR_ID)))
    _coverage(graph, dataset, entry)
    _distributions(graph, dataset, entry, date, licence)
    return dataset


def catalogue_graph(manifest: dict[str, Any] | None) -> Graph:
    """The catalogue of ``manifest`` (an export's ``manifest.json``; None: an empty catalogue)."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("dcatde", DCATDE)
    graph.bind("gsp", GSP)
    catalogue = _site("/opendata/catalog")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal("Mängelmelder Sachsen – offene Daten", lang="de")))
    graph.add(
        (
            catalogue,
            DCTERMS.description,
            Literal("Mängelmeldungen und Sondernutzungen der sächsischen Gemeinden.", lang="de"),
        )
    )
    graph.add(
        (catalogue, DCTERMS.publisher, _agent(graph, _site("/opendata/herausgeber/betrieb"), _operator()))
    )
    graph.add((catalogue, FOAF.homepage, _site("/opendata/")))
    graph.add(
        (catalogue, DCTERMS.language, URIRef("http://publications.europa.eu/resource/authority/language/DEU"))
    )
    if manifest:
        graph.add((catalogue, DCTERMS.modified, Literal(manifest["date"], datatype=XSD.date)))
        publishers = commune_opendata_publishers()
        for entry in manifest["datasets"]:
            graph.add((catalogue, DCAT.dataset, _dataset(graph, entry, manifest["date"], publishers)))
    return graph
