"""OpenAPI post-processing: answers every operation can give, documented once; OpenAPI 3.1 null types
and binary answers.

Why OpenAPI 3.1 (``OAS_VERSION``): a nullable nested object (an address hit's ``commune``, a permit's
``payment``) is ``oneOf: [{$ref}, {type: null}]`` there. In 3.0 drf-spectacular can only write ``allOf`` +
``nullable: true``, and 3.0.3 ignores ``nullable`` without ``type`` in the same schema object, so
validators and generated clients reject the null they get. Swagger UI 5, Redoc 2, schemathesis and
openapi-core read 3.1; generators (openapi-generator's SIMPLIFY_ONEOF_ANYOF) turn ``oneOf`` with the
null type into a nullable reference.

Any request may be refused before it reaches a view (``config.middleware``): 400 for NUL characters or
a malformed Content-Length, 413 for a body over MAX_REQUEST_BYTES, 415 for a body DRF cannot parse
in the declared type (operations with a body), and 503 with Retry-After while the
database is unreachable. They share the API's error shape.
"""

from __future__ import annotations

from typing import Any

COMMON = {
    "400": "Ungültige Anfrage (z. B. Steuerzeichen)",
    "413": "Anfrage zu groß",
    "503": "Vorübergehend nicht erreichbar (Datenbank); Retry-After beachten",
}


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """The project's hooks, in order (one entry in SPECTACULAR_SETTINGS)."""
    for hook in (add_common_responses, nullable_as_type_arrays, binary_answers_without_schema):
        result = hook(result, generator, request, public)
    return result


def add_common_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in COMMON.items():
                operation["responses"].setdefault(status, {"description": description, "content": error})
            if "requestBody" in operation:
                operation["responses"].setdefault(
                    "415", {"description": "Inhaltstyp nicht unterstützt oder nicht lesbar", "content": error}
                )
    return result


def nullable_as_type_arrays(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Rewrite ``nullable: true`` left in the schema as the OpenAPI 3.1 (JSON Schema) null type.

    drf-spectacular translates the fields it builds itself (``OAS_VERSION`` 3.1), but schemas handed over
    verbatim — DRF's paginator: ``next``/``previous`` — still carry the 3.0 keyword, which 3.1 ignores, so
    a validator rejects the ``null`` of the last page.
    """
    stack: list[Any] = [result]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            del node["nullable"]
            node["type"] = [node["type"], "null"]
        stack.extend(node.values())
    return result


BINARY = {"type": "string", "format": "binary"}


def binary_answers_without_schema(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """A binary answer (the PDF notices) as an empty media type object, the OpenAPI 3.1 way.

    ``type: string, format: binary`` is the 3.0 idiom; 3.1 schemas are JSON Schema, where the bytes of a
    PDF are no string, so validators reject every real download. 3.1 (section "Working with Binary Data")
    describes raw binary content by its media type alone.
    """
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for answer in operation.get("responses", {}).values():
                for media_type, content in answer.get("content", {}).items():
                    if not media_type.endswith("json") and content.get("schema") == BINARY:
                        del content["schema"]
    return result
