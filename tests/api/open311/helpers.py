"""Strict reading of Open311 responses, the way a client library would."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'


def xml(response, status: int = 200) -> ET.Element:
    """Parse an XML response strictly (expat raises on anything malformed) and check the headers."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content
    assert body.startswith(XML_DECLARATION)
    return ET.fromstring(body)


def jsn(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def as_dict(element: ET.Element) -> dict[str, str | None]:
    """Flat element → {tag: text}; empty elements give None."""
    return {child.tag: child.text for child in element}


def xml_errors(response, status: int) -> list[tuple[str, str]]:
    root = xml(response, status)
    assert root.tag == "errors"
    assert all(children(error) == ["code", "description"] for error in root)
    return [(error.findtext("code"), error.findtext("description")) for error in root]


def json_errors(response, status: int) -> list[tuple[int, str]]:
    body = jsn(response, status)
    assert isinstance(body, list) and body
    assert all(set(item) == {"code", "description"} for item in body)
    return [(item["code"], item["description"]) for item in body]
