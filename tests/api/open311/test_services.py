"""GET services and service definitions, XML exactly as the spec shapes it, and JSON."""

from __future__ import annotations

import pytest

from domains.reports.models import Category, CommuneCategorySetting
from tests.api.open311.helpers import as_dict, children, jsn, xml, xml_errors

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


def test_service_list_xml_has_one_service_per_active_category(client):
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert all(service.tag == "service" and children(service) == SERVICE_FIELDS for service in root)
    services = {s.findtext("service_code"): as_dict(s) for s in root}
    assert set(services) == set(Category.objects.filter(active=True).values_list("slug", flat=True))
    assert services["schlagloch"] == {
        "service_code": "schlagloch",
        "service_name": "Schlagloch",
        "description": "Schlaglöcher, Risse und Absenkungen in der Fahrbahn.",
        "metadata": "true",
        "type": "realtime",
        "keywords": "Straße, Loch, Fahrbahn",
        "group": "Straße & Gehweg",
    }
    assert services["graffiti"]["metadata"] == "false"


def test_service_list_json_matches_xml(client):
    body = jsn(client.get(f"{BASE}/services.json"))
    assert [list(item) for item in body] == [SERVICE_FIELDS] * len(body)
    by_code = {item["service_code"]: item for item in body}
    assert by_code["schlagloch"]["metadata"] is True and by_code["graffiti"]["metadata"] is False
    xml_codes = [s.findtext("service_code") for s in xml(client.get(f"{BASE}/services.xml"))]
    assert [item["service_code"] for item in body] == xml_codes


def test_inactive_and_switched_off_categories_are_not_offered(client):
    Category.objects.filter(slug="ampel").update(active=False)
    CommuneCategorySetting.objects.create(
        ags="14612000", category=Category.objects.get(slug="graffiti"), enabled=False
    )
    everywhere = {s["service_code"] for s in jsn(client.get(f"{BASE}/services.json"))}
    assert "ampel" not in everywhere and "graffiti" in everywhere
    dresden = {s["service_code"] for s in jsn(client.get(f"{BASE}/services.json?jurisdiction_id=14612000"))}
    assert "graffiti" not in dresden and "schlagloch" in dresden
    # A district narrows nothing here: its communes decide for themselves.
    assert "graffiti" in {
        s["service_code"] for s in jsn(client.get(f"{BASE}/services.json?jurisdiction_id=14612"))
    }
    assert (
        xml(client.get(f"{BASE}/services/graffiti.xml?jurisdiction_id=14713000")).tag == "service_definition"
    )
    assert xml_errors(client.get(f"{BASE}/services/graffiti.xml?jurisdiction_id=14612000"), 404)


def test_service_definition_xml(client):
    root = xml(client.get(f"{BASE}/services/schlagloch.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "schlagloch"
    attributes = root.find("attributes")
    assert children(attributes) == ["attribute", "attribute"]
    size = attributes[0]
    assert children(size) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert as_dict(size) | {"values": None} == {
        "variable": "true",
        "code": "size",
        "datatype": "singlevaluelist",
        "required": "false",
        "datatype_description": None,
        "order": "1",
        "description": "Wie groß ist das Schlagloch?",
        "values": None,
    }
    values = size.find("values")
    assert [children(v) for v in values] == [["key", "name"]] * 3
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
        ("small", "klein (bis 20 cm)"),
        ("medium", "mittel (20–50 cm)"),
        ("large", "groß (über 50 cm)"),
    ]
    depth = attributes[1]
    assert depth.findtext("datatype") == "number" and depth.findtext("order") == "2"
    assert children(depth.find("values")) == []


def test_service_definition_json_and_a_category_without_questions(client):
    body = jsn(client.get(f"{BASE}/services/muellablagerung.json"))
    assert body["service_code"] == "muellablagerung"
    waste, seen = body["attributes"]
    assert waste["datatype"] == "multivaluelist" and waste["variable"] is True and waste["required"] is False
    assert waste["values"][0] == {"key": "household", "name": "Hausmüll"}
    assert seen["datatype"] == "datetime" and seen["values"] == [] and seen["order"] == 2
    assert jsn(client.get(f"{BASE}/services/graffiti.json")) == {"service_code": "graffiti", "attributes": []}


def test_unknown_service_code_is_404_in_the_error_format(client):
    assert xml_errors(client.get(f"{BASE}/services/gibtsnicht.xml"), 404)[0][0] == "404"
    assert "gibtsnicht" in jsn(client.get(f"{BASE}/services/gibtsnicht.json"), 404)[0]["description"]
