"""Our categories, attributes and reports as the spec's service, service definition and request objects.

Field order follows the spec's examples, which some XML clients rely on. Only public fields appear:
reporter name, e-mail and phone are never read here (see ``domains.reports.selectors.public_rows``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from domains.reports.danger import danger_notice
from domains.reports.models import LIST_DATATYPES, Category, CategoryAttribute
from interfaces.api.open311.formats import w3c

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Last change of this interface or of its service list's shape; clients refresh cached data after it.
CHANGESET = "2026-11-25T00:00:00+01:00"


def service(category: Category, ags: str | None = None, notices: str = "") -> dict[str, Any]:
    """``ags``: the commune of the jurisdiction asked for, whose on-call number a danger notice names;
    ``notices``: the dated notices in force, which clients then show with every service."""
    notice = danger_notice(category, ags)
    parts = (notice.text if notice else "", category.description, notices)
    description = " ".join(t for t in parts if t)
    return {
        "service_code": category.slug,
        "service_name": category.display_name,
        "description": description,  # a danger category's emergency numbers first: clients show this text
        # True when there are extra questions: clients then fetch the service definition.
        "metadata": bool(category.attributes.all()),
        "type": "realtime",  # a report exists as soon as the POST returns; no tokens needed
        "keywords": category.keywords,
        "group": category.group.display_name,
    }


def _attribute(attr: CategoryAttribute, position: int) -> dict[str, Any]:
    values = attr.values if attr.datatype in LIST_DATATYPES and isinstance(attr.values, list) else []
    return {
        "variable": attr.variable,
        "code": attr.code,
        "datatype": attr.datatype,
        "required": attr.required,
        "datatype_description": attr.datatype_description or None,
        "order": position,  # the spec counts from 1
        "description": attr.description,
        # Always present (empty for non-list types): node-open311 reads values.value unconditionally.
        "values": [
            {"key": str(v.get("key")), "name": str(v.get("name", ""))} for v in values if isinstance(v, dict)
        ],
    }


def service_definition(category: Category) -> dict[str, Any]:
    attributes = sorted(category.attributes.all(), key=lambda a: (a.order, a.id))
    return {
        "service_code": category.slug,
        "attributes": [_attribute(attr, position) for position, attr in enumerate(attributes, start=1)],
    }


def request(row: dict[str, Any]) -> dict[str, Any]:
    """One service request from a ``domains.reports.selectors.public_rows`` row."""
    return {
        "service_request_id": row["public_id"],
        "status": "open" if row["is_open"] else "closed",
        "status_notes": row["status_note"],
        "service_name": row["category_label"],
        "service_code": row["category__slug"],
        "description": row["description"],
        "agency_responsible": row["commune__name"],
        "service_notice": None,
        "requested_datetime": w3c(row["created"]),
        "updated_datetime": w3c(row["updated"]),
        "expected_datetime": w3c(row["due"]),
        # The nearest house address (a place, not personal data); the citizen's own description otherwise.
        "address": row["nearest_address"] or row["place"],
        "address_id": row["nearest_address_id"],
        "zipcode": "",
        "lat": row["lat"],
        "long": row["lon"],
        "media_url": row["photo_url"],
    }


def discovery() -> dict[str, Any]:
    """The service discovery document (wiki.open311.org/Service_Discovery) for our one endpoint."""
    return {
        "changeset": CHANGESET,
        "contact": f"Mängelmelder Sachsen, {settings.SITE_URL}/ – Betrieb der Plattform für die Gemeinden Sachsens.",
        "key_service": (
            "Lesen ist ohne Schlüssel möglich. Anwendungen erhalten einen api_key vom Betrieb des "
            "Mängelmelders; ohne Schlüssel werden Meldungen als anonyme Bürgermeldungen angenommen und wie "
            "das Web-Formular begrenzt."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{settings.SITE_URL}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
