"""Staff API answers that depend on more than the role: which cases a list holds, what a PATCH body may
do, the reporter's contact and internal notes, permit conflicts across the border, a forwarded report's
history and token scope. The codes of every route x role are the generated matrix
(tests/staff/test_permission_matrix.py); these are its special cases.
"""

from __future__ import annotations

import pytest

from domains.permits.selectors import OTHER_PENDING_LABEL
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
    ("who", "target", "body", "code"),
    [
        # The roles' codes are matrix rows (tests/staff/permission_matrix/); these are the answers
        # that depend on the body: a crew's other moves, refused transitions and invalid values.
        ("crew_a", "own", {"status": "in_progress"}, 200),
        ("crew_a", "own", {"status": "rejected"}, 403),
        ("crew_a", "own_unassigned", {"status": "in_progress"}, 404),
        ("caseworker_a", "own", {"status": "in_review", "public_note": "Wird geprüft"}, 200),
        ("caseworker_a", "own", {"status": "submitted"}, 409),
        ("caseworker_a", "own", {"status": "kaputt"}, 400),
        ("caseworker_a", "own", {"assignee": "caseworker_b"}, 400),  # not a member of Dresden
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
    from domains.reports.services import report_change_status

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


# --- tenant isolation (issue 15, items 1–3): permit conflicts, forwarding --------------------


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
        ("crew_a", 404, 403),  # the API: not their case; the page: not a crew page at all
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
    from domains.reports.services import report_change_status, report_forward

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


@pytest.mark.parametrize(("who", "code"), [("caseworker_b", 404), ("crew_a", 200), ("admin_a", 200)])
def test_api_tokens_keep_their_scope(client, world, who, code):
    response = api_client(client, world, who).get(f"/api/v1/staff/reports/{world.own.public_id}/")
    assert response.status_code == code
