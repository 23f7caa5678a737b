"""GET requests (filters, defaults, limits), one request, tokens — and no personal data, ever."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.reports.models import Report, StatusChange
from interfaces.api.open311 import params
from tests.api.open311.helpers import as_dict, children, jsn, json_errors, xml, xml_errors
from tests.factories import CHEMNITZ, DRESDEN, LEIPZIG, make_report, photo

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SECRETS = ("Gudrun Geheimnis", "gudrun.geheim@example.org", "+49 351 9876543")


def backdate(report: Report, days: int) -> None:
    Report.objects.filter(pk=report.pk).update(created=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def three():
    dresden = make_report(
        lonlat=DRESDEN,
        category="schlagloch",
        place="Altmarkt, vor dem Kulturpalast",
        photos=[photo()],
        name=SECRETS[0],
        email=SECRETS[1],
        phone=SECRETS[2],
    ).report
    leipzig = make_report(lonlat=LEIPZIG, category="graffiti").report
    chemnitz = make_report(lonlat=CHEMNITZ, category="strassenlaterne").report
    Report.objects.filter(pk=chemnitz.pk).update(status="resolved")
    StatusChange.objects.create(
        report=chemnitz, from_status="submitted", to_status="resolved", public_note="Lampe getauscht."
    )
    backdate(chemnitz, 10)
    return dresden, leipzig, chemnitz


def ids_xml(response) -> list[str]:
    root = xml(response)
    assert root.tag == "service_requests"
    return [request.findtext("service_request_id") for request in root]


def ids_json(response) -> list[str]:
    return [item["service_request_id"] for item in jsn(response)]


def test_list_xml_fields_in_spec_order_newest_first(client, three):
    dresden, leipzig, chemnitz = three
    root = xml(client.get(f"{URL}.xml"))
    assert [r.tag for r in root] == ["request"] * 3
    assert all(children(r) == REQUEST_FIELDS for r in root)
    assert ids_xml(client.get(f"{URL}.xml")) == [leipzig.public_id, dresden.public_id, chemnitz.public_id]
    first = as_dict(root[1])
    dresden.refresh_from_db()
    assert first == {
        "service_request_id": dresden.public_id,
        "status": "open",
        "status_notes": None,
        "service_name": "Schlagloch",
        "service_code": "schlagloch",
        "description": "Tiefes Schlagloch auf der Fahrbahn",
        "agency_responsible": "Dresden",
        "service_notice": None,
        "requested_datetime": timezone.localtime(dresden.created).isoformat(timespec="seconds"),
        "updated_datetime": timezone.localtime(dresden.updated).isoformat(timespec="seconds"),
        "expected_datetime": timezone.localtime(dresden.due).isoformat(timespec="seconds"),
        "address": "Altmarkt, vor dem Kulturpalast",
        "address_id": None,
        "zipcode": None,
        "lat": "51.0504",
        "long": "13.7373",
        "media_url": f"http://testserver/media/{dresden.photos.get().image.name}",
    }
    assert first["requested_datetime"].endswith("+01:00")  # Europe/Berlin in November
    closed = as_dict(root[2])
    assert closed["status"] == "closed" and closed["status_notes"] == "Lampe getauscht."
    assert closed["agency_responsible"] == "Chemnitz"


def test_list_json_same_content_with_numbers_and_nulls(client, three):
    dresden, _, _ = three
    body = jsn(client.get(f"{URL}.json"))
    assert [list(item) for item in body] == [REQUEST_FIELDS] * 3
    item = body[1]
    assert item["service_request_id"] == dresden.public_id
    assert item["lat"] == 51.0504 and item["long"] == 13.7373
    assert item["status_notes"] is None and item["zipcode"] == "" and item["address_id"] == ""
    assert item["media_url"].startswith("http://testserver/media/reports/")


def test_filters(client, three):
    dresden, leipzig, chemnitz = three
    assert ids_json(client.get(f"{URL}.json?status=closed")) == [chemnitz.public_id]
    assert ids_json(client.get(f"{URL}.json?status=open")) == [leipzig.public_id, dresden.public_id]
    assert ids_json(client.get(f"{URL}.json?status=open,closed")) == [
        leipzig.public_id,
        dresden.public_id,
        chemnitz.public_id,
    ]
    assert ids_json(client.get(f"{URL}.json?service_code=graffiti,strassenlaterne")) == [
        leipzig.public_id,
        chemnitz.public_id,
    ]
    today = timezone.localdate()
    start = (today - dt.timedelta(days=1)).isoformat()
    assert ids_json(client.get(f"{URL}.json", {"start_date": start})) == [
        leipzig.public_id,
        dresden.public_id,
    ]
    end = (timezone.now() - dt.timedelta(days=5)).isoformat(timespec="seconds")
    assert ids_json(client.get(f"{URL}.json", {"end_date": end})) == [chemnitz.public_id]
    assert ids_json(client.get(f"{URL}.json?jurisdiction_id=14713000")) == [leipzig.public_id]
    assert ids_json(client.get(f"{URL}.json?jurisdiction_id=14511")) == [chemnitz.public_id]


def test_service_request_id_overrides_the_other_filters(client, three):
    dresden, _, chemnitz = three
    backdate(chemnitz, 200)
    url = f"{URL}.xml?service_request_id={chemnitz.public_id},{dresden.public_id},SN-XXXX-XX&status=open"
    assert ids_xml(client.get(url)) == [dresden.public_id, chemnitz.public_id]


def test_default_is_the_last_90_days_and_at_most_1000(client, three, monkeypatch):
    dresden, leipzig, chemnitz = three
    backdate(chemnitz, 91)
    assert ids_json(client.get(f"{URL}.json")) == [leipzig.public_id, dresden.public_id]
    monkeypatch.setattr(params, "MAX_RESULTS", 1)
    assert ids_json(client.get(f"{URL}.json")) == [leipzig.public_id]


def test_w3c_dates_with_offsets_and_unescaped_plus(client, three):
    dresden, leipzig, _ = three
    created = timezone.localtime(Report.objects.get(pk=leipzig.pk).created)
    start = (created - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    # A client that does not escape "+" sends a space; the offset is still understood.
    unescaped = client.get(f"{URL}.json?start_date={start}&end_date=2099-01-01")
    assert json_errors(unescaped, 400)[0][1].startswith("end_date: der Zeitraum")
    answer = client.get(f"{URL}.json?start_date={start}")
    assert leipzig.public_id in ids_json(answer)
    assert ids_json(client.get(f"{URL}.json", {"start_date": "2020", "end_date": "2020-02"})) == []


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("status=pending", "status: „pending“ ist unbekannt"),
        ("service_code=schlagloch,nix", "service_code: unbekannt „nix“"),
        ("start_date=gestern", "start_date: Datum/Zeitpunkt im W3C-Format"),
        ("end_date=2026-13-01", "end_date: Datum/Zeitpunkt im W3C-Format"),
        ("start_date=2026-01-01&end_date=2026-06-01", "höchstens 90 Tage"),
        ("start_date=2026-06-01&end_date=2026-01-01", "muss nach start_date liegen"),
        ("start_date=99999-01-01", "start_date"),
    ],
)
def test_bad_filters_are_400_in_both_formats(client, query, fragment):
    assert fragment in xml_errors(client.get(f"{URL}.xml?{query}"), 400)[0][1]
    code, text = json_errors(client.get(f"{URL}.json?{query}"), 400)[0]
    assert code == 400 and fragment in text


def test_one_request_is_an_array_with_one_element(client, three):
    dresden, _, _ = three
    root = xml(client.get(f"/open311/v2/requests/{dresden.public_id}.xml"))
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request"]
    assert children(root[0]) == REQUEST_FIELDS
    body = jsn(client.get(f"/open311/v2/requests/{dresden.public_id}.json"))
    assert len(body) == 1 and body[0]["service_request_id"] == dresden.public_id
    assert xml_errors(client.get("/open311/v2/requests/SN-NOPE-00.xml"), 404)
    assert json_errors(client.get("/open311/v2/requests/SN-NOPE-00.json"), 404)[0][0] == 404
    # Outside the given jurisdiction it does not exist.
    assert xml_errors(
        client.get(f"/open311/v2/requests/{dresden.public_id}.xml?jurisdiction_id=14713000"), 404
    )


def test_token_returns_the_request_id_at_once(client, three):
    dresden, _, _ = three
    root = xml(client.get(f"/open311/v2/tokens/{dresden.public_id}.xml"))
    assert [as_dict(r) for r in root] == [
        {"service_request_id": dresden.public_id, "token": dresden.public_id}
    ]
    assert jsn(client.get(f"/open311/v2/tokens/{dresden.public_id}.json")) == [
        {"service_request_id": dresden.public_id, "token": dresden.public_id}
    ]
    assert json_errors(client.get("/open311/v2/tokens/unbekannt.json"), 404)


def test_no_personal_data_in_any_output(client, three):
    dresden, _, _ = three
    for url in [
        f"{URL}.xml",
        f"{URL}.json",
        f"/open311/v2/requests/{dresden.public_id}.xml",
        f"/open311/v2/requests/{dresden.public_id}.json",
    ]:
        body = client.get(url).content.decode()
        for secret in (*SECRETS, "9876543", "gudrun"):
            assert secret.lower() not in body.lower(), (url, secret)


def test_control_characters_in_citizen_text_do_not_break_the_xml(client):
    report = make_report(description="Loch\x0b mit \x01Steuerzeichen & <Klammern>").report
    root = xml(client.get(f"/open311/v2/requests/{report.public_id}.xml"))
    assert root[0].findtext("description") == "Loch mit Steuerzeichen & <Klammern>"
    assert jsn(client.get(f"/open311/v2/requests/{report.public_id}.json"))[0]["description"].startswith(
        "Loch\x0b"
    )
