"""Photo redaction through the staff API (issue 31.5): the same rules and German messages as the page."""

from __future__ import annotations

import pytest

from tests.factories import DRESDEN, make_report, photo
from tests.reports.test_photo_redaction import assert_black, bright_jpeg, decoded


@pytest.fixture
def shot(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(lonlat=DRESDEN, photos=[photo(data=bright_jpeg())]).report
    return report.photos.get()


def post(client, world, shot, body, who="caseworker_a"):
    return client.post(
        f"/api/v1/staff/reports/{shot.report.public_id}/photos/{shot.pk}/redact/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {world.tokens[who]}",
    )


def test_api_redaction_answers_the_new_urls(client, world, shot, django_capture_on_commit_callbacks):
    old = shot.image.url
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world, shot, {"boxes": [{"x": 10, "y": 20, "width": 200, "height": 100}]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["redactions"] == [[10, 20, 200, 100]] and old not in body["image"]
    assert client.get(old).status_code == 404
    assert_black(decoded(client, body["image"].split("testserver", 1)[1]), [[10, 20, 200, 100]], 1.0)


@pytest.mark.parametrize(
    "body",
    [{"boxes": [[700, 0, 101, 10]]}, {"boxes": [[0, 0, 10, 0]]}, {"boxes": []}, {}, {"boxes": "quer"}],
)
def test_bad_boxes_are_a_german_400_and_change_nothing(client, world, shot, body):
    name = shot.image.name
    response = post(client, world, shot, body)
    assert response.status_code == 400
    assert "Bereich" in response.content.decode()
    shot.refresh_from_db()
    assert shot.image.name == name and shot.redactions == []


def test_other_communes_and_crews_are_refused(client, world, shot):
    assert post(client, world, shot, {"boxes": [[0, 0, 5, 5]]}, who="caseworker_b").status_code == 404
    assert post(client, world, shot, {"boxes": [[0, 0, 5, 5]]}, who="crew_a").status_code == 404
