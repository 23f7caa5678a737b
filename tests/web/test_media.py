"""The one authorising path for uploaded files (interfaces.web.media): public photos, hidden photos, private
permit attachments, unknown names, traversal, X-Accel-Redirect."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from domains.permits.models import Permit
from domains.permits.services import PermitDraft, Upload, permit_create
from domains.reports.models import Report
from domains.reports.services import report_assign, report_moderate
from kernel.cases.tracking import tracking_token
from tests.factories import DRESDEN, jpeg_bytes, make_report, photo
from tests.permits.helpers import NEUSTADT, applicant, future
from tests.staff_world import login

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def report_with_photo(world, *, hidden: bool) -> Report:
    """A Dresden report with one photo, assigned to crew_a; the photo hidden by a caseworker if asked."""
    report = make_report(lonlat=DRESDEN, photos=[photo()]).report
    report_assign(actor=world.users["caseworker_a"], public_id=report.public_id, assignee="crew_a")
    if hidden:
        report_moderate(
            actor=world.users["caseworker_a"],
            public_id=report.public_id,
            reason="Gesicht erkennbar",
            photo_ids=[report.photos.get().pk],
        )
    return report


def photo_urls(report: Report) -> list[str]:
    p = report.photos.get()
    return [p.image.url, p.thumbnail.url]


def permit_with_attachments() -> Permit:
    """A Dresden application with a plan (PDF) and a photo (JPEG)."""
    files = [("plan.pdf", pdf_bytes()), ("baustelle.jpg", jpeg_bytes())]
    draft = PermitDraft(
        kind="geruest",
        geometry=NEUSTADT,
        start=future(10),
        end=future(20, 18),
        applicant=applicant(),
        attachments=[Upload(file=io.BytesIO(data), name=name, size=len(data)) for name, data in files],
    )
    return permit_create(draft=draft).permit


def max_age(response) -> int:
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))


def test_public_photo_is_cacheable_for_at_most_an_hour(client, world):
    report = report_with_photo(world, hidden=False)
    for url in photo_urls(report):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("public")
        assert 0 < max_age(response) <= 3600
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_hidden_photo_answers_404_at_once_and_only_staff_in_scope_still_see_it(client, world):
    report = report_with_photo(world, hidden=False)
    urls = photo_urls(report)
    assert [client.get(u).status_code for u in urls] == [200, 200]
    report_moderate(
        actor=world.users["caseworker_a"],
        public_id=report.public_id,
        reason="Kennzeichen lesbar",
        photo_ids=[report.photos.get().pk],
    )
    assert [client.get(u).status_code for u in urls] == [404, 404]
    login(client, "caseworker_b")  # another commune's staff
    assert [client.get(u).status_code for u in urls] == [404, 404]
    login(client, "caseworker_a")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
    # shown again: public again
    report_moderate(
        actor=world.users["caseworker_a"],
        public_id=report.public_id,
        reason="Geprüft",
        photo_ids=[report.photos.get().pk],
        hide_photos=False,
    )
    client.logout()
    assert [client.get(u).status_code for u in urls] == [200, 200]


def test_a_file_without_an_owning_row_is_404(client, world):
    name = default_storage.save("reports/2026/12/verwaist.jpg", ContentFile(jpeg_bytes()))
    assert default_storage.exists(name)
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get("/media/reports/2026/12/gibt-es-nicht.jpg").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../manage.py",
        "/media/reports/../../manage.py",
        "/media/%2e%2e/manage.py",
        "/media/reports/..%2f..%2fmanage.py",
        "/media//etc/passwd",
        "/media/reports\\..\\..\\manage.py",
        "/media/",
        "/media/.",
    ],
)
def test_path_traversal_is_impossible(client, world, path):
    report = report_with_photo(world, hidden=False)
    assert client.get(path).status_code == 404
    # a real name with traversal segments around it does not match its row either
    name = report.photos.get().image.name
    assert client.get(f"/media/reports/../{name}").status_code == 404
    assert client.get(f"/media/./{name}").status_code == 404
    # NUL never gets this far: the request guard refuses it for every path (config.middleware)
    assert client.get("/media/reports/%00.jpg").status_code == 400


def test_attachments_are_private_downloads_for_the_applicant_with_the_tracking_link(client, world):
    permit = permit_with_attachments()
    pdf, jpg = permit.attachments.order_by("id")
    token = tracking_token(Permit, permit.public_id)
    assert client.get(pdf.file.url).status_code == 404
    assert client.get(pdf.file.url, {"token": "falsch"}).status_code == 404
    assert client.get(pdf.file.url, {"token": tracking_token(Permit, "SO-2026-000001")}).status_code == 404
    response = client.get(pdf.file.url, {"token": token})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response = client.get(jpg.file.url, {"token": token})
    assert response["Content-Disposition"] == 'attachment; filename="baustelle.jpg"'


def test_tracking_page_links_the_applicants_attachments(client, world):
    permit = permit_with_attachments()
    token = tracking_token(Permit, permit.public_id)
    html = client.get(f"/sondernutzung/{permit.public_id}/verfolgen/{token}/").content.decode()
    links = re.findall(r'href="(/media/permits/[^"]+)"', html)
    assert len(links) == 2 and "plan.pdf" in html
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_staff_permit_page_links_work_for_its_caseworker(client, world):
    permit = permit_with_attachments()
    login(client, "caseworker_a")
    html = client.get(f"/verwaltung/sondernutzungen/{permit.public_id}/").content.decode()
    links = re.findall(r'href="(/media/permits/[^"]+)"', html)
    assert len(links) == 2
    assert [client.get(link).status_code for link in links] == [200, 200]


def test_with_nginx_in_front_the_view_answers_with_x_accel_redirect(client, world, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/_media/"
    report = report_with_photo(world, hidden=False)
    name = report.photos.get().image.name
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_media/{name}"
    assert response.content == b""
    assert 0 < max_age(response) <= 3600
    permit = permit_with_attachments()
    pdf = permit.attachments.order_by("id").first()
    assert "X-Accel-Redirect" not in client.get(pdf.file.url)
    response = client.get(pdf.file.url, {"token": tracking_token(Permit, permit.public_id)})
    assert response["X-Accel-Redirect"] == f"/_media/{pdf.file.name}"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_only_reading_methods_are_allowed(client, world):
    report = report_with_photo(world, hidden=False)
    url = photo_urls(report)[0]
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200
