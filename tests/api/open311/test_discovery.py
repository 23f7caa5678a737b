"""``/open311/discovery.{xml,json}`` as the Service Discovery specification shapes it."""

from __future__ import annotations

from tests.api.open311.helpers import children, jsn, xml, xml_errors


def test_discovery_xml_lists_the_endpoint(client, settings):
    settings.SITE_URL = "https://maengel.sachsen.example"
    root = xml(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = root.find("endpoints")
    assert endpoint.tag == "endpoint"
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "https://maengel.sachsen.example/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]


def test_discovery_json(client):
    body = jsn(client.get("/open311/discovery.json"))
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["url"].endswith("/open311/v2")


def test_discovery_in_an_unknown_format_is_404(client):
    assert xml_errors(client.get("/open311/discovery.yaml"), 404)
