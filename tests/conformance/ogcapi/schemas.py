"""The OGC's published JSON schemas of OGC API – Features Part 1, loaded from the vendored YAML files.

The files (``schemas/``, see its README) are OpenAPI 3.1 fragments in YAML that refer to each other by
file name. They are read with PyYAML, registered under their ``file:`` URIs so every ``$ref`` resolves from
this folder's registry (never fetched, not even from disk by the validator), and checked with ``jsonschema``'s Draft 2020-12 validator, the
dialect OAS 3.1 schemas use. YAML reads the schemas' ``type: null`` as a missing value; it means the JSON
type "null" and is converted back.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "schemas"
BASE = SCHEMAS.as_uri() + "/"  # a hierarchical base, so "link.yaml" resolves against it


def _json_types(node: object) -> object:
    """``type: null`` (YAML's None) back to the JSON type name "null", recursively."""
    if isinstance(node, dict):
        return {k: ("null" if k == "type" and v is None else _json_types(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_json_types(v) for v in node]
    return node


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.yaml")):
        schema = _json_types(yaml.safe_load(path.read_text(encoding="utf-8")))
        resources.append(
            (BASE + path.name, Resource.from_contents(schema, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


def errors(document: object, schema_file: str) -> list[str]:
    """Every violation of ``schema_file`` (e.g. ``featureGeoJSON.yaml``) in ``document``, as text."""
    validator = Draft202012Validator({"$ref": BASE + schema_file}, registry=_registry())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
