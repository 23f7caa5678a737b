"""Write the membership of one SKOS concept scheme (concepts, skos:inScheme, identifiers, German and English
labels) from a published vocabulary file to a small Turtle file for the DCAT-AP.de conformance tests.

GovData's controlled-vocabulary shapes only ask whether a value is ``skos:inScheme`` of the expected scheme;
the EU authority tables are several megabytes each, so the tests keep only these triples.

Usage: python scripts/dcat_vocabulary_extract.py SOURCE.rdf SCHEME-IRI TARGET.ttl "where it came from"
"""

from __future__ import annotations

import sys

from rdflib import Graph, URIRef
from rdflib.namespace import DC, RDF, SKOS

KEPT_LANGUAGES = {"de", "en"}


def extract(source: str, scheme: str, target: str, origin: str) -> int:
    published = Graph().parse(source)
    kept = Graph()
    kept.bind("skos", SKOS)
    kept.bind("dc", DC)
    scheme_iri = URIRef(scheme)
    kept.add((scheme_iri, RDF.type, SKOS.ConceptScheme))
    concepts = set(published.subjects(SKOS.inScheme, scheme_iri))
    for concept in concepts:
        kept.add((concept, RDF.type, SKOS.Concept))
        kept.add((concept, SKOS.inScheme, scheme_iri))
        for identifier in published.objects(concept, DC.identifier):
            kept.add((concept, DC.identifier, identifier))
        for label in published.objects(concept, SKOS.prefLabel):
            if getattr(label, "language", None) in KEPT_LANGUAGES:
                kept.add((concept, SKOS.prefLabel, label))
    header = f"# Extract of {scheme}: the concepts of the scheme with labels (de, en).\n# Source: {origin}\n"
    with open(target, "w", encoding="utf-8") as out:
        out.write(header + kept.serialize(format="turtle"))
    return len(concepts)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    print(f"{sys.argv[3]}: {extract(*sys.argv[1:])} Begriffe")
