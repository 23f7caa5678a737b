"""The staff page for photo redaction (issue 31.5), without JavaScript: number fields, German 400."""

from __future__ import annotations

import pytest

from tests.factories import DRESDEN, LEIPZIG, make_report, photo
from tests.reports.test_photo_redaction import assert_black, bright_jpeg, decoded
from tests.staff_world import login


@pytest.fixture
def shot(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(lonlat=DRESDEN, photos=[photo(data=bright_jpeg())]).report
    return report.photos.get()


def page(shot) -> str:
    return f"/verwaltung/meldungen/{shot.report.public_id}/fotos/{shot.pk}/schwaerzen/"


def test_the_report_page_links_each_photo_to_its_redaction_page(client, world, shot):
    login(client, "caseworker_a")
    body = client.get(f"/verwaltung/meldungen/{shot.report.public_id}/").content.decode()
    assert f'href="{page(shot)}"' in body and "Foto 1 schwärzen" in body
    form = client.get(page(shot)).content.decode()
    assert "800 × 600 Pixel" in form and 'name="box-0-x"' in form and 'name="box-3-h"' in form


def test_boxes_typed_into_the_form_blacken_the_public_files(
    client, world, shot, django_capture_on_commit_callbacks
):
    old = shot.image.url
    login(client, "caseworker_a")
    fields = {"box-0-x": "100", "box-0-y": "80", "box-0-w": "120", "box-0-h": "60"}
    fields |= {"box-2-x": "600", "box-2-y": "400", "box-2-w": "50", "box-2-h": "50"}  # row 2 left empty
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(shot), fields)
    assert response.status_code == 302 and response["Location"].endswith(f"/{shot.report.public_id}/")
    shot.refresh_from_db()
    again = client.get(page(shot)).content.decode()
    assert f'href="{shot.original.url}"' in again and "Bisher sind 2 Bereiche geschwärzt." in again
    client.logout()
    assert client.get(old).status_code == 404
    assert_black(decoded(client, shot.image.url), [[100, 80, 120, 60], [600, 400, 50, 50]], 1.0)


def test_a_box_outside_the_image_is_a_german_400_and_changes_nothing(client, world, shot):
    login(client, "caseworker_a")
    name = shot.image.name
    response = client.post(page(shot), {"box-0-x": "780", "box-0-y": "0", "box-0-w": "40", "box-0-h": "10"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "liegt außerhalb des Bildes (800 × 600 Pixel)" in body and 'value="780"' in body
    shot.refresh_from_db()
    assert shot.image.name == name and not shot.original.name
    empty = client.post(page(shot), {"box-0-x": "1", "box-0-y": "1", "box-0-w": "0", "box-0-h": "10"})
    assert empty.status_code == 400 and "ist leer" in empty.content.decode()
    none = client.post(page(shot), {})
    assert none.status_code == 400 and "mindestens einen Bereich" in none.content.decode()


def test_another_communes_staff_and_crews_are_refused(client, world, shot):
    login(client, "caseworker_b")
    assert client.get(page(shot)).status_code == 404
    login(client, "crew_a")
    assert client.get(page(shot)).status_code == 403
    login(client, "caseworker_a")
    other = make_report(lonlat=LEIPZIG, photos=[photo()]).report.photos.get()
    wrong = f"/verwaltung/meldungen/{shot.report.public_id}/fotos/{other.pk}/schwaerzen/"
    assert client.get(wrong).status_code == 404  # a photo of another report
