"""One photo limit (``domains.reports.photos.MAX_PHOTOS`` = 5, what the form and the API document): at most 5
citizens' photos per report, however they arrive (report, update, questionnaire answer), and at most 5
after-photos of the crews — so citizens never use up the crews' room, nor the crews the citizens'."""

from __future__ import annotations

import pytest

from domains.reports.photos import MAX_PHOTOS
from domains.reports.services.citizen_updates import update_submit
from domains.reports.services.triage import report_crew_update
from kernel.core.errors import Conflict, ValidationFailed
from tests.factories import make_report, photo

pytestmark = pytest.mark.django_db


def test_citizen_photos_stop_at_the_documented_limit_crew_photos_have_their_own(world):
    assert MAX_PHOTOS == 5
    report = make_report(photos=[photo() for _ in range(MAX_PHOTOS)]).report
    with pytest.raises(ValidationFailed, match="zu viele Fotos"):
        update_submit(public_id=report.public_id, text="Noch ein Foto", email="n@example.org", photo=photo())
    crew = world.users["crew_a"]
    report_crew_update(actor=crew, public_id=world.own.public_id, status="in_progress", photo=photo())
    for _ in range(MAX_PHOTOS - 1):
        report_crew_update(actor=crew, public_id=world.own.public_id, status="in_progress", photo=photo())
    with pytest.raises(Conflict, match="zu viele Fotos"):
        report_crew_update(actor=crew, public_id=world.own.public_id, status="in_progress", photo=photo())
    assert world.own.photos.filter(kind="after").count() == MAX_PHOTOS
