"""XML and JSON output shaped as the GeoReport v2 specification shows it.

Both formats are rendered from the same Python data: lists become the spec's plural/singular element
pairs in XML (``<services><service>…``), ``None`` an empty element (``<account_id/>``), booleans
``true``/``false``. Characters XML 1.0 cannot carry (control characters a citizen may have pasted) are
dropped from the XML only, so a strict parser never fails on our output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
DEFAULT_FORMAT = "xml"  # XML is the format the spec requires; errors for unknown formats use it

# Element name of one item inside each list element.
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def w3c(moment: dt.datetime | None) -> str | None:
    """W3C date-time with the local offset, e.g. ``2026-11-25T13:00:00+01:00`` (Europe/Berlin)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ET.Element, tag: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        item_tag = LIST_ITEMS[tag]
        for item in value:
            _append(element, item_tag, item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, root, data)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def render(
    data: Any, *, fmt: str, root: str, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """``data`` as XML (under ``root``) or JSON, UTF-8 with the matching Content-Type."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        fmt = "xml"
        body = to_xml(root, data)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response
