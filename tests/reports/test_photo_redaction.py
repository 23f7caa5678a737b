"""Photo redaction by staff (issue 31.5): checked on the decoded public files, not on the HTML."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from domains.reports.models import ReportPhoto
from domains.reports.services.redaction import photo_redact
from kernel.core.errors import NotFound, ValidationFailed
from kernel.organisations.models import AuditEvent
from kernel.organisations.scoping import Forbidden
from tests.factories import DRESDEN, make_report, photo
from tests.staff_world import login

BOXES = [[100, 80, 120, 60], [500, 300, 37, 41]]


def bright_jpeg(size: tuple[int, int] = (800, 600)) -> bytes:
    """A light gradient: black boxes stand out, and "unchanged outside" is meaningful."""
    image = Image.new("RGB", size)
    image.putdata([(200 + x % 50, 180 + y % 70, 220) for y in range(size[1]) for x in range(size[0])])
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def shot(world, django_capture_on_commit_callbacks) -> ReportPhoto:
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(lonlat=DRESDEN, photos=[photo(data=bright_jpeg())]).report
    return report.photos.get()


def decoded(client, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200, url
    return Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")


def assert_black(image: Image.Image, boxes: list[list[int]], scale: float) -> None:
    for x, y, w, h in boxes:
        left, top = int(x * scale), int(y * scale)
        right, bottom = max(left + 1, int((x + w) * scale)), max(top + 1, int((y + h) * scale))
        region = image.crop((left, top, right, bottom))
        assert max(max(band) for band in region.getextrema()) <= 16, (x, y, w, h, region.getextrema())


def redact(world, shot, boxes, django_capture_on_commit_callbacks, user="caseworker_a"):
    with django_capture_on_commit_callbacks(execute=True):
        return photo_redact(
            actor=world.users[user], public_id=shot.report.public_id, photo_id=shot.pk, boxes=boxes
        )


def test_public_image_and_thumbnail_are_black_inside_every_box_under_new_urls(
    client, world, shot, django_capture_on_commit_callbacks
):
    old_image, old_thumb = shot.image.url, shot.thumbnail.url
    before = decoded(client, old_image)
    redacted = redact(world, shot, BOXES, django_capture_on_commit_callbacks)
    assert client.get(old_image).status_code == 404 and client.get(old_thumb).status_code == 404
    assert not default_storage.exists(old_image.split("/media/", 1)[1])
    assert redacted.image.url != old_image and redacted.thumbnail.url != old_thumb
    image = decoded(client, redacted.image.url)
    assert image.size == before.size
    assert_black(image, BOXES, 1.0)
    thumb = decoded(client, redacted.thumbnail.url)
    assert_black(thumb, BOXES, thumb.width / image.width)
    # Outside (well away from the widened boxes) the photo is unchanged but for JPEG noise.
    for point in [(20, 20), (400, 500), (700, 100)]:
        assert all(
            abs(a - b) <= 12 for a, b in zip(image.getpixel(point), before.getpixel(point), strict=True)
        )
    assert redacted.redactions == BOXES


def test_original_stays_for_staff_in_scope_only(client, world, shot, django_capture_on_commit_callbacks):
    redacted = redact(world, shot, BOXES[:1], django_capture_on_commit_callbacks)
    original = redacted.original.url
    assert client.get(original).status_code == 404  # the public
    login(client, "caseworker_b")  # another commune's staff
    assert client.get(original).status_code == 404
    login(client, "caseworker_a")
    response = client.get(original)
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    unredacted = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")
    assert min(unredacted.getpixel((150, 100))) > 150  # not black: the original


def test_a_second_redaction_keeps_the_first_boxes(client, world, shot, django_capture_on_commit_callbacks):
    first = redact(world, shot, BOXES[:1], django_capture_on_commit_callbacks)
    original, first_url = first.original.name, first.image.url
    second = redact(world, first, BOXES[1:], django_capture_on_commit_callbacks)
    assert second.original.name == original and client.get(first_url).status_code == 404
    assert_black(decoded(client, second.image.url), BOXES, 1.0)


@pytest.mark.parametrize(
    "boxes",
    [
        [[700, 500, 200, 50]],  # beyond the right edge (800 × 600)
        [[-1, 0, 10, 10]],
        [[10, 10, 0, 5]],  # empty
        [],
        [["a", 1, 2, 3]],
        [[10, 10, 20, 20], [0, 590, 10, 20]],  # one bad row refuses all
    ],
)
def test_bad_boxes_are_refused_in_german_and_change_nothing(
    world, shot, boxes, django_capture_on_commit_callbacks
):
    before = (shot.image.name, shot.thumbnail.name, AuditEvent.objects.count(), shot.report.history.count())
    with pytest.raises(ValidationFailed) as refused:
        redact(world, shot, boxes, django_capture_on_commit_callbacks)
    message = str(refused.value.errors)
    assert "Bereich" in message
    shot.refresh_from_db()
    after = (shot.image.name, shot.thumbnail.name, AuditEvent.objects.count(), shot.report.history.count())
    assert after == before and not shot.original.name


def test_crews_may_not_redact(world, shot, django_capture_on_commit_callbacks):
    # A crew sees only its own jobs (404 for this one); even on its own job it may not redact.
    with pytest.raises((Forbidden, NotFound)):
        redact(world, shot, BOXES, django_capture_on_commit_callbacks, user="crew_a")
    with pytest.raises(Forbidden):
        photo_redact(
            actor=world.users["crew_a"], public_id=world.own.public_id, photo_id=shot.pk, boxes=BOXES
        )


def test_audit_and_internal_history_record_who_redacted_what(world, shot, django_capture_on_commit_callbacks):
    redact(world, shot, BOXES, django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="report.photo_redact")
    assert event.actor == world.users["caseworker_a"]
    assert event.data == {"photo": shot.pk, "boxes": BOXES}
    entry = shot.report.history.order_by("-id").first()
    assert entry.internal_note == "Foto 1: 2 Bereich(e) geschwärzt." and entry.public_note == ""
