"""The permission matrix: every staff endpoint and page × role × own / other organisation / anonymous.

Asserts the exact status code and, for every refusal, that nothing changed.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from organisations.models import ResponsibilityArea
from permits.selectors import OTHER_PENDING_LABEL
from tests.permits.test_conflict_scoping import CROSSING, RADEBEUL_ONLY, SECRET_APPLICANT
from tests.permits.test_conflict_scoping import apply as apply_permit
from tests.staff_world import login, state

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "crew_a", "caseworker_a", "admin_a", "caseworker_b"]


def api_client(client, world, who):
    if who != "anonymous":
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[who]}"
    return client


def web_client(client, who):
    if who != "anonymous":
        login(client, who)
    return client


# --- staff API ------------------------------------------------------------------------------------

API_LIST = {
    "anonymous": 401,
    "outsider": 403,
    "crew_a": 200,
    "caseworker_a": 200,
    "admin_a": 200,
    "caseworker_b": 200,
}


@pytest.mark.parametrize("who", ROLES)
def test_api_list_codes_and_scope(client, world, who):
    response = api_client(client, world, who).get("/api/v1/staff/reports/")
    assert response.status_code == API_LIST[who]
    if response.status_code != 200:
        return
    ids = {r["id"] for r in response.json()["results"]}
    expected = {
        "crew_a": {world.own.public_id},
        "caseworker_a": {world.own.public_id, world.own_unassigned.public_id},
        "admin_a": {world.own.public_id, world.own_unassigned.public_id},
        "caseworker_b": {world.other.public_id},
    }[who]
    assert ids == expected


@pytest.mark.parametrize(
    ("who", "target", "code"),
    [
        ("anonymous", "own", 401),
        ("outsider", "own", 403),
        ("crew_a", "own", 200),
        ("crew_a", "own_unassigned", 404),
        ("crew_a", "other", 404),
        ("caseworker_a", "own", 200),
        ("caseworker_a", "own_unassigned", 200),
        ("caseworker_a", "other", 404),
        ("admin_a", "other", 404),
        ("caseworker_b", "own", 404),
        ("caseworker_b", "other", 200),
    ],
)
def test_api_detail_codes(client, world, who, target, code):
    report = getattr(world, target)
    response = api_client(client, world, who).get(f"/api/v1/staff/reports/{report.public_id}/")
    assert response.status_code == code


@pytest.mark.parametrize(
    ("who", "target", "body", "code"),
    [
        ("anonymous", "own", {"status": "in_review"}, 401),
        ("outsider", "own", {"status": "in_review"}, 403),
        ("crew_a", "own", {"status": "in_progress"}, 200),
        ("crew_a", "own", {"status": "rejected"}, 403),
        ("crew_a", "own", {"assignee": "crew_a2"}, 403),
        ("crew_a", "own_unassigned", {"status": "in_progress"}, 404),
        ("crew_a", "other", {"status": "in_progress"}, 404),
        ("caseworker_a", "own", {"status": "in_review", "public_note": "Wird geprüft"}, 200),
        ("caseworker_a", "own", {"status": "submitted"}, 409),
        ("caseworker_a", "own", {"status": "kaputt"}, 400),
        ("caseworker_a", "own", {"assignee": "caseworker_b"}, 400),
        ("caseworker_a", "other", {"status": "in_review"}, 404),
        ("admin_a", "own", {"assignee": "crew_a2"}, 200),
        ("caseworker_b", "own", {"status": "in_review"}, 404),
        ("caseworker_b", "other", {"status": "in_review"}, 200),
    ],
)
def test_api_patch_codes_and_nothing_changes_when_refused(client, world, who, target, body, code):
    report = getattr(world, target)
    before = state(report)
    response = api_client(client, world, who).patch(
        f"/api/v1/staff/reports/{report.public_id}/", body, content_type="application/json"
    )
    assert response.status_code == code, response.content
    if code == 200:
        assert state(report) != before
    else:
        assert state(report) == before
        assert response.json()["detail"]


def test_api_invalid_transition_is_409_with_german_message(client, world):
    response = api_client(client, world, "caseworker_a").patch(
        f"/api/v1/staff/reports/{world.own.public_id}/",
        {"status": "submitted"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert (
        response.json()["detail"]
        == "Der Status kann nicht von „Eingegangen“ auf „Eingegangen“ geändert werden."
    )
    assert response.json()["code"] == "invalid_transition"


def test_reporter_contact_only_for_caseworkers_and_admins(client, world):
    url = f"/api/v1/staff/reports/{world.own.public_id}/"
    assert (
        api_client(client, world, "caseworker_a").get(url).json()["reporter"]["email"]
        == "buerger@example.org"
    )
    client.defaults.pop("HTTP_AUTHORIZATION")
    assert api_client(client, world, "crew_a").get(url).json()["reporter"] is None


def test_internal_notes_only_for_caseworkers_and_admins(client, world):
    from reports.services import report_change_status

    report_change_status(
        actor=world.users["caseworker_a"],
        public_id=world.own.public_id,
        status="in_review",
        public_note="Wird geprüft.",
        internal_note="Anwohner ist bekannt, bitte vorsichtig.",
    )
    url = f"/api/v1/staff/reports/{world.own.public_id}/"
    for who, sees in (("caseworker_a", True), ("admin_a", True), ("crew_a", False)):
        client.defaults.pop("HTTP_AUTHORIZATION", None)
        history = api_client(client, world, who).get(url).json()["history"]
        notes = [h["internal_note"] for h in history]
        assert ("Anwohner ist bekannt, bitte vorsichtig." in notes) is sees, who
        assert "Wird geprüft." in [h["public_note"] for h in history]


# --- staff web ------------------------------------------------------------------------------------

WEB_GET = [
    (
        "/verwaltung/einstellungen/api-tokens/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 403,
            "caseworker_a": 403,
            "admin_a": 200,
            "caseworker_b": 403,
        },
    ),
    (
        "/verwaltung/zwei-faktor/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 200,
            "caseworker_a": 200,
            "admin_a": 200,
            "caseworker_b": 200,
        },
    ),
    (
        "/verwaltung/zwei-faktor/wiederherstellungscodes/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 302,  # no device: sent to set one up first
            "caseworker_a": 302,
            "admin_a": 200,
            "caseworker_b": 302,
        },
    ),
    (
        "/verwaltung/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 302,
            "caseworker_a": 200,
            "admin_a": 200,
            "caseworker_b": 200,
        },
    ),
    (
        "/bauhof/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 200,
            "caseworker_a": 200,
            "admin_a": 200,
            "caseworker_b": 200,
        },
    ),
    (
        "/verwaltung/einstellungen/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 403,
            "caseworker_a": 403,
            "admin_a": 200,
            "caseworker_b": 403,
        },
    ),
    (
        "/verwaltung/einstellungen/kategorien/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 403,
            "caseworker_a": 403,
            "admin_a": 200,
            "caseworker_b": 403,
        },
    ),
    (
        "/verwaltung/einstellungen/mitglieder/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 403,
            "caseworker_a": 403,
            "admin_a": 200,
            "caseworker_b": 403,
        },
    ),
    (
        "/verwaltung/einstellungen/bereiche/",
        {
            "anonymous": 302,
            "outsider": 403,
            "crew_a": 403,
            "caseworker_a": 403,
            "admin_a": 200,
            "caseworker_b": 403,
        },
    ),
]


STAFF_LISTS = {
    "anonymous": 302,
    "outsider": 403,
    "crew_a": 200,
    "caseworker_a": 200,
    "admin_a": 200,
    "caseworker_b": 200,
}
WEB_GET += [
    ("/verwaltung/sondernutzungen/", STAFF_LISTS),
    ("/verwaltung/parkausweise/", STAFF_LISTS),
    ("/verwaltung/arbeitsliste.csv", STAFF_LISTS),
]


@pytest.mark.parametrize(
    ("who", "listed", "detail"),
    [
        ("anonymous", False, 302),
        ("outsider", False, 403),
        ("crew_a", False, 404),  # crews work on assigned jobs; permits are for caseworkers
        ("caseworker_a", True, 200),
        ("admin_a", True, 200),
        ("caseworker_b", False, 404),
    ],
)
def test_staff_permit_pages_are_scoped(client, world, who, listed, detail):
    from permits.services import PermitDraft, permit_create
    from tests.permits.helpers import applicant, future
    from tests.permits.test_conflicts import box

    permit = permit_create(
        draft=PermitDraft(
            kind="container", geometry=box(), start=future(3), end=future(5), applicant=applicant()
        )
    ).permit
    web = web_client(client, who)
    page = web.get("/verwaltung/sondernutzungen/")
    assert (permit.public_id in page.content.decode()) is listed
    response = web.get(f"/verwaltung/sondernutzungen/{permit.public_id}/")
    assert response.status_code == detail
    if detail == 200:
        assert permit.applicant_email in response.content.decode()


@pytest.mark.parametrize(("url", "codes"), WEB_GET, ids=[u for u, _ in WEB_GET])
@pytest.mark.parametrize("who", ROLES)
def test_web_pages(client, world, url, codes, who):
    response = web_client(client, who).get(url)
    assert response.status_code == codes[who]
    if codes[who] == 302 and who == "anonymous":
        assert response["Location"].startswith("/anmelden/")


@pytest.mark.parametrize(
    ("who", "target", "code"),
    [
        ("anonymous", "own", 302),
        ("outsider", "own", 403),
        ("crew_a", "own", 200),
        ("crew_a", "other", 404),
        ("caseworker_a", "own", 200),
        ("caseworker_a", "other", 404),
        ("caseworker_b", "own", 404),
    ],
)
def test_web_report_page(client, world, who, target, code):
    report = getattr(world, target)
    response = web_client(client, who).get(f"/verwaltung/meldungen/{report.public_id}/")
    assert response.status_code == code
    if code == 200 and who == "crew_a":
        assert b"buerger@example.org" not in response.content  # crews never see reporter contact
        assert b"Status speichern" not in response.content


WEB_ACTIONS = [
    ("status", {"status": "in_review", "public_note": "x"}),
    ("zuweisen", {"assignee": "crew_a2", "team": ""}),
    ("weiterleiten", {"organisation": "LEIPZIG", "reason": "Zuständig ist Leipzig"}),
    ("dublette", {"original": "OTHER_OWN"}),
    ("moderieren", {"hide_description": "hide", "reason": "Beleidigung"}),
]


@pytest.mark.parametrize(("action", "data"), WEB_ACTIONS, ids=[a for a, _ in WEB_ACTIONS])
@pytest.mark.parametrize(
    ("who", "target", "code", "changes"),
    [
        ("anonymous", "own", 302, False),
        ("outsider", "own", 403, False),
        ("crew_a", "own", 403, False),
        ("caseworker_a", "other", 404, False),
        ("caseworker_b", "own", 404, False),
        ("caseworker_a", "own", 302, True),
        ("admin_a", "own", 302, True),
    ],
)
def test_web_actions(client, world, action, data, who, target, code, changes):
    report = getattr(world, target)
    data = {
        k: (
            str(world.leipzig.pk)
            if v == "LEIPZIG"
            else world.own_unassigned.public_id
            if v == "OTHER_OWN"
            else v
        )
        for k, v in data.items()
    }
    before = state(report)
    response = web_client(client, who).post(f"/verwaltung/meldungen/{report.public_id}/{action}/", data)
    assert response.status_code == code
    assert (state(report) != before) is changes


def test_crew_can_update_only_its_own_jobs_on_the_crew_page(client, world):
    web_client(client, "crew_a")
    before = state(world.own_unassigned)
    assert (
        client.post(
            f"/bauhof/auftraege/{world.own_unassigned.public_id}/", {"status": "resolved"}
        ).status_code
        == 404
    )
    assert state(world.own_unassigned) == before
    assert (
        client.post(f"/bauhof/auftraege/{world.own.public_id}/", {"status": "in_progress"}).status_code == 302
    )
    world.own.refresh_from_db()
    assert world.own.status == "in_progress"


# --- media: photos and permit attachments (web.media) ---------------------------------------------

MEDIA_WHO = [*ROLES, "crew_a2", "applicant_token", "applicant_wrong_token"]


PHOTO_CODES = {  # (public photo, hidden photo) of a Dresden report assigned to crew_a
    "anonymous": (200, 404),
    "outsider": (200, 404),
    "crew_a": (200, 200),
    "crew_a2": (200, 404),  # another crew of the same commune: not its job
    "caseworker_a": (200, 200),
    "admin_a": (200, 200),
    "caseworker_b": (200, 404),
    "applicant_token": (200, 404),
    "applicant_wrong_token": (200, 404),
}


@pytest.mark.parametrize("who", MEDIA_WHO)
def test_media_photos(client, world, who):
    from tests.web.test_media import photo_urls, report_with_photo

    public = photo_urls(report_with_photo(world, hidden=False))
    hidden = photo_urls(report_with_photo(world, hidden=True))
    if who.startswith("applicant"):
        who = "anonymous"
    web = web_client(client, who)
    expected_public, expected_hidden = PHOTO_CODES[who]
    assert [web.get(url).status_code for url in public] == [expected_public] * 2
    responses = [web.get(url) for url in hidden]
    assert [r.status_code for r in responses] == [expected_hidden] * 2
    for response in responses:
        if response.status_code == 200:
            assert response["Cache-Control"] == "private, no-store"


ATTACHMENT_CODES = {
    "anonymous": 404,
    "outsider": 404,
    "crew_a": 404,  # crews work on assigned jobs; permits are for caseworkers
    "crew_a2": 404,
    "caseworker_a": 200,
    "admin_a": 200,
    "caseworker_b": 404,  # another commune
    "applicant_token": 200,
    "applicant_wrong_token": 404,
}


@pytest.mark.parametrize("who", MEDIA_WHO)
def test_media_permit_attachments(client, world, who):
    from cases.tracking import tracking_token
    from permits.models import Permit
    from tests.web.test_media import permit_with_attachments

    permit = permit_with_attachments()
    other = permit_with_attachments()  # a token for another application opens nothing here
    query = {}
    if who == "applicant_token":
        query = {"token": tracking_token(Permit, permit.public_id)}
    elif who == "applicant_wrong_token":
        query = {"token": tracking_token(Permit, other.public_id)}
    else:
        web_client(client, who)
    before = (Permit.objects.get(pk=permit.pk).status, permit.attachments.count())
    for attachment in permit.attachments.all():
        response = client.get(attachment.file.url, query)
        assert response.status_code == ATTACHMENT_CODES[who]
        if response.status_code == 200:
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["Cache-Control"] == "private, no-store"
    assert (Permit.objects.get(pk=permit.pk).status, permit.attachments.count()) == before


# --- tenant isolation (issue 15, items 1–3): areas, permit conflicts, forwarding --------------------

DRESDEN_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[13.73, 51.04], [13.74, 51.04], [13.74, 51.05], [13.73, 51.05], [13.73, 51.04]]],
}
LEIPZIG_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[12.37, 51.33], [12.38, 51.33], [12.38, 51.34], [12.37, 51.34], [12.37, 51.33]]],
}


@pytest.mark.parametrize(
    ("who", "square", "code", "stored"),
    [
        ("anonymous", "dresden", 302, False),
        ("outsider", "dresden", 403, False),
        ("crew_a", "dresden", 403, False),
        ("caseworker_a", "dresden", 403, False),
        ("caseworker_b", "leipzig", 403, False),  # caseworkers configure no areas, not even their own
        ("admin_a", "dresden", 302, True),
        ("admin_a", "leipzig", 200, False),  # outside Dresden: refused with a German message
    ],
)
def test_areas_only_by_admins_and_only_inside_their_territory(client, world, who, square, code, stored):
    geometry = DRESDEN_SQUARE if square == "dresden" else LEIPZIG_SQUARE
    upload = SimpleUploadedFile("bereich.geojson", json.dumps(geometry).encode(), "application/geo+json")
    data = {"name": "Bereich", "priority": "1000", "all_categories": "on", "geojson": upload}
    response = web_client(client, who).post("/verwaltung/einstellungen/bereiche/", data)
    assert response.status_code == code
    assert ResponsibilityArea.objects.filter(name="Bereich").exists() is stored
    if code == 200:
        assert "außerhalb des Gebiets von Dresden" in response.content.decode()


@pytest.fixture
def border_permits(world):
    crossing = apply_permit(CROSSING)  # Dresden's case, partly in Radebeul
    radebeul = apply_permit(RADEBEUL_ONLY, name=SECRET_APPLICANT)  # Radebeul's pending application
    return crossing, radebeul


@pytest.mark.parametrize(
    ("who", "api_code", "page_code"),
    [
        ("anonymous", 401, 302),
        ("outsider", 403, 403),
        ("crew_a", 404, 404),
        ("caseworker_a", 200, 200),
        ("admin_a", 200, 200),
        ("caseworker_b", 404, 404),
    ],
)
def test_permit_conflicts_never_show_another_communes_application(
    client, world, border_permits, who, api_code, page_code
):
    crossing, radebeul = border_permits
    api = api_client(client, world, who).get(f"/api/v1/permits/{crossing.public_id}/conflicts/")
    assert api.status_code == api_code
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    page = web_client(client, who).get(f"/verwaltung/sondernutzungen/{crossing.public_id}/")
    assert page.status_code == page_code
    for response in (api, page):
        assert radebeul.public_id.encode() not in response.content
        assert SECRET_APPLICANT.encode() not in response.content
    if api_code == 200:
        assert [(p["detailed"], p["label"]) for p in api.json()["permits"]] == [(False, OTHER_PENDING_LABEL)]


@pytest.mark.parametrize(
    ("who", "api_code", "page_code"),
    [
        ("anonymous", 401, 302),
        ("outsider", 403, 403),
        ("crew_a", 404, 404),
        ("caseworker_a", 404, 404),  # the sender no longer sees the case at all
        ("admin_a", 404, 404),
        ("caseworker_b", 200, 200),  # the receiver: public history, forwarding note, no internal notes
    ],
)
def test_forwarded_report_without_the_senders_internal_notes(client, world, who, api_code, page_code):
    from reports.services import report_change_status, report_forward

    secret = "Intern: Anwohner ist bekannt"
    report_change_status(
        actor=world.users["caseworker_a"],
        public_id=world.own.public_id,
        status="in_review",
        public_note="Wird geprüft.",
        internal_note=secret,
    )
    report_forward(
        actor=world.users["caseworker_a"],
        public_id=world.own.public_id,
        organisation_id=world.leipzig.pk,
        reason="Zuständig ist Leipzig",
    )
    api = api_client(client, world, who).get(f"/api/v1/staff/reports/{world.own.public_id}/")
    assert api.status_code == api_code
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    page = web_client(client, who).get(f"/verwaltung/meldungen/{world.own.public_id}/")
    assert page.status_code == page_code
    for response in (api, page):
        assert secret.encode() not in response.content
    if page_code == 200:
        assert "Wird geprüft." in page.content.decode() and "Zuständig ist Leipzig" in page.content.decode()
        assert "Wird geprüft." in [h["public_note"] for h in api.json()["history"]]


# --- issue 15: API tokens and the admins' second factor ---------------------------------------------

ADMIN_PAGES = [
    "/verwaltung/einstellungen/",
    "/verwaltung/einstellungen/kategorien/",
    "/verwaltung/einstellungen/mitglieder/",
    "/verwaltung/einstellungen/bereiche/",
    "/verwaltung/einstellungen/api-tokens/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_need_a_session_confirmed_with_the_second_factor(client, world, url):
    client.force_login(world.users["admin_a"])  # password only: the code step was skipped
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/verwaltung/zwei-faktor/?next=")


@pytest.mark.parametrize(("who", "code"), [("caseworker_b", 404), ("crew_a", 200), ("admin_a", 200)])
def test_api_tokens_keep_their_scope(client, world, who, code):
    response = api_client(client, world, who).get(f"/api/v1/staff/reports/{world.own.public_id}/")
    assert response.status_code == code
