"""The staff API's redaction answer (issue 31.5) and its German 400 conform to the served schema."""

from __future__ import annotations

from tests.conformance.openapi.test_responses_conform import assert_conforms
from tests.factories import DRESDEN, make_report, photo


def test_photo_redaction_answers_conform(client, openapi, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shot = make_report(lonlat=DRESDEN, photos=[photo()]).report.photos.get()
    url = f"/api/v1/staff/reports/{shot.report.public_id}/photos/{shot.pk}/redact/"
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['caseworker_a']}"}
    done = client.post(url, {"boxes": [[0, 0, 40, 30]]}, content_type="application/json", **auth)
    assert done.status_code == 200, done.content
    assert_conforms(openapi, done)
    refused = client.post(url, {"boxes": [[790, 0, 40, 30]]}, content_type="application/json", **auth)
    assert refused.status_code == 400 and "außerhalb" in refused.content.decode()
    assert_conforms(openapi, refused)
