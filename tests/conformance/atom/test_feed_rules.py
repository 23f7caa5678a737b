"""The W3C Feed Validator's Atom rules (RFC 4287), ported: run on every feed the product serves.

No offline build of the validator exists (not on PyPI or in Debian; npm's ``feed-validator`` only calls
validator.w3.org/feed, which tests cannot reach), so its key Atom checks are coded here, each named by
the validator's message id (``feedvalidator/logging.py``) and the RFC 4287 section it enforces.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from lxml import etree

from tests.factories import DRESDEN, make_report, set_status

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 3339 §5.6 date-time (what atomDateConstruct requires, RFC 4287 §3.3).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def feed_errors(document: bytes, location: str) -> list[str]:
    """Message ids the validator would report for ``document`` fetched from ``location``."""
    root = etree.fromstring(document)
    if root.tag != f"{ATOM}feed":
        return ["UndefinedElement (no atom:feed root)"]
    errors = _required(root, "feed", ("id", "title", "updated"))
    errors += _self_link(root, location)
    entries = root.findall(f"{ATOM}entry")
    feed_has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    if len(ids) != len(set(ids)):
        errors.append("DuplicateIds (§4.1.1: entry ids unique)")
    for entry in entries:
        errors += _required(entry, "entry", ("id", "title", "updated"))
        if not feed_has_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
            errors.append("MissingElement entry author (§4.1.2: author in entry or feed)")
    for element in root.iter(f"{ATOM}updated", f"{ATOM}published"):
        if not RFC3339.match((element.text or "").strip()):
            errors.append(f"InvalidRFC3339Date {element.text!r} (§3.3)")
    for element in root.iter(f"{ATOM}id"):
        if not urlsplit((element.text or "").strip()).scheme:
            errors.append(f"InvalidFullLink id {element.text!r} (§4.2.6: an absolute IRI)")
    return errors


def _required(element, where: str, names: tuple[str, ...]) -> list[str]:
    return [
        f"MissingElement {where} {name} (§4.1)"
        for name in names
        if not (element.findtext(f"{ATOM}{name}") or "").strip()
    ]


def _self_link(root, location: str) -> list[str]:
    selves = [link.get("href", "") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if not selves:
        return ["MissingSelf (§4.2.7.2: rel=self recommended)"]
    if not urlsplit(selves[0]).scheme:
        return ["RelativeSelf"]
    if selves[0] != location:
        return [f"SelfDoesntMatchLocation {selves[0]!r} != {location!r}"]
    return []


@pytest.fixture
def reports():
    report = make_report(lonlat=DRESDEN, category="schlagloch").report
    set_status(report, "in_progress", public_note="Wird repariert")
    make_report(lonlat=(13.75, 51.06), category="muellablagerung")
    return report


def served_feeds(report) -> list[str]:
    """Every feed URL the product serves (docs/api.md, "Atom feeds"), with the filters as people type them."""
    return [
        "/feeds/meldungen.atom",
        "/feeds/meldungen.atom?bbox=13.6,50.9,13.9,51.2",
        "/feeds/meldungen.atom?category=schlagloch&status=in_progress&bbox=13.6,50.9,13.9,51.2",
        "/feeds/gemeinden/14612000.atom",
        "/feeds/gemeinden/14713000.atom",  # no reports: a feed without entries
        f"/feeds/meldungen/{report.public_id}.atom",
    ]


def test_every_feed_passes_the_feed_validators_atom_rules(client, reports):
    for url in served_feeds(reports):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/atom+xml")
        assert feed_errors(response.content, "http://testserver" + url) == [], url


def test_the_self_link_of_a_filtered_feed_is_the_requested_url(client, reports):
    url = "/feeds/meldungen.atom?bbox=13.6,50.9,13.9,51.2&category=schlagloch"
    root = etree.fromstring(client.get(url).content)
    self_link = next(link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == "http://testserver" + url  # "," stays ",", not "%2C"


def test_negative_control_the_rules_report_a_broken_feed(client, reports):
    """The ported rules must not be silent: the real feed, broken in each checked way, fails."""
    url = f"/feeds/meldungen/{reports.public_id}.atom"
    good = client.get(url).content.decode()
    assert feed_errors(good.encode(), "http://testserver" + url) == []
    assert any(e.startswith("SelfDoesntMatchLocation") for e in feed_errors(good.encode(), "http://x/"))
    no_title = re.sub(r"<title>[^<]*</title>", "<title></title>", good, count=1)
    assert "MissingElement feed title (§4.1)" in feed_errors(no_title.encode(), "http://testserver" + url)
    bad_date = re.sub(r"<updated>[^<]*</updated>", "<updated>7.12.2026 08:00</updated>", good, count=1)
    assert any(
        e.startswith("InvalidRFC3339Date") for e in feed_errors(bad_date.encode(), "http://testserver" + url)
    )
    no_author = re.sub(r"<author>.*?</author>", "", good, flags=re.S)
    assert any("author" in e for e in feed_errors(no_author.encode(), "http://testserver" + url))
