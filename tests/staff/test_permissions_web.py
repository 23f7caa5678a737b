"""Staff pages and media: what depends on more than the role. A crew's view of its job, an area outside
the commune's territory, the admin pages' second factor, another crew of the same commune and the
applicant's tracking link on media. The codes of every route x role are the generated matrix
(tests/staff/test_permission_matrix.py); these are its special cases.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kernel.organisations.models import ResponsibilityArea
from tests.staff_world import login, state

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "crew_a", "caseworker_a", "admin_a", "caseworker_b"]


def web_client(client, who):
    if who != "anonymous":
        login(client, who)
    return client


def test_crew_sees_its_job_without_the_reporters_contact_or_manager_forms(client, world):
    response = web_client(client, "crew_a").get(f"/verwaltung/meldungen/{world.own.public_id}/")
    assert response.status_code == 200
    assert b"buerger@example.org" not in response.content  # crews never see reporter contact
    assert b"Status speichern" not in response.content


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


# --- tenant isolation (issue 15, item 1): areas only inside the territory ----------------------

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


# --- issue 15: the admins' second factor ------------------------------------------------------------

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


#####MEDIA
# --- media: photos and permit attachments (interfaces.web.media) ---------------------------------------------

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
    from domains.permits.models import Permit
    from kernel.cases.tracking import tracking_token
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
