"""The objects the permission matrix requests: the staff world (tests/staff_world.py: Dresden and
Leipzig with members of every role) plus a Vollzugsdienst member of Dresden and one Dresden object of
every kind a protected route takes — a report with a pending abuse notice and a citizen update, a pending
and an approved permit (its notices are PDF files), a parking permit, an invitation, public and hidden
photos and permit attachments. Everything is Dresden's: Leipzig's caseworker is "another commune".

Built once per module inside a transaction that is rolled back at the end (``matrix_scene`` in
tests/staff/test_permission_matrix.py); each test runs in a savepoint of it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from domains.permits.models import Notice, ParkingPermit, ParkingZoneDraft, Permit, PermitAttachment
from domains.permits.services import PermitDraft, parking_apply, permit_create
from domains.permits.services.parking_zones import parking_zones_upload
from domains.reports.models import Report, ReportPhoto
from domains.reports.participation.models import AbuseNotice, CitizenUpdate
from domains.reports.services.abuse import notice_submit
from domains.reports.services.citizen_updates import update_confirm, update_submit
from kernel.organisations.api_tokens import api_token_issue
from kernel.organisations.invitations import member_add
from kernel.organisations.models import Invitation, ResponsibilityArea
from kernel.organisations.services import area_create, membership_set
from tests.permits.helpers import applicant, future
from tests.permits.notice_helpers import configure_bank
from tests.permits.test_conflicts import box
from tests.staff_world import World, _user, build_world
from tests.web.permit_data import approved_permit
from tests.web.test_media import permit_with_attachments, report_with_photo

# Who plays each role of the matrix (the user names of tests/staff_world.py, plus the enforcer).
USERNAMES = {
    "owner": "caseworker_a",  # caseworker of Dresden, the commune that owns every object
    "admin": "admin_a",  # admin of Dresden, session confirmed with the second factor
    "other": "caseworker_b",  # caseworker of Leipzig
    "other_admin": "admin_b",  # admin of Leipzig (second factor confirmed): admin pages of another commune
    "crew": "crew_a",  # Bauhof of Dresden; the report is assigned to this person
    "enforcement": "vollzug_a",  # Vollzugsdienst of Dresden
    "outsider": "outsider",  # signed in, member of nothing
}

ALTSTADT = {  # EPSG:4326, inside Dresden
    "type": "Polygon",
    "coordinates": [[[13.73, 51.04], [13.74, 51.04], [13.74, 51.05], [13.73, 51.05], [13.73, 51.04]]],
}


@dataclass
class Scene:
    world: World
    tokens: dict[str, str]  # user name → API token
    report: Report  # Dresden, assigned to crew_a
    other_report: Report  # Dresden, unassigned: the original for the duplicate action
    notice: AbuseNotice  # pending, on ``report``
    update: CitizenUpdate  # published (post-moderation), on ``report``
    permit: Permit  # Dresden, pending
    approved: Permit  # Dresden, approved, fee unpaid, with its notices (PDF)
    notice_file: Notice
    parking: ParkingPermit  # Dresden, pending
    invitation: Invitation  # Dresden invites the outsider (crew)
    area: ResponsibilityArea  # Dresden's, active
    public_photo: ReportPhoto
    hidden_photo: ReportPhoto
    attachment: PermitAttachment
    zone_draft: ParkingZoneDraft  # Dresden's unpublished parking zone upload


def _zone_draft(world: World) -> ParkingZoneDraft:
    ring = [[13.745, 51.060], [13.765, 51.060], [13.765, 51.070], [13.745, 51.070], [13.745, 51.060]]
    feature = {
        "type": "Feature",
        "properties": {"name": "Neustadt im Entwurf"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    upload = SimpleUploadedFile(
        "zonen.geojson", json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    )
    return parking_zones_upload(
        actor=world.users["admin_a"], organisation=world.dresden, uploaded_file=upload
    )


def _participation(world: World) -> tuple[AbuseNotice, CitizenUpdate]:
    world.dresden.update_moderation = "post"
    world.dresden.save()
    update = update_submit(public_id=world.own.public_id, text="Es ist schlimmer.", email="n@example.org")
    update = update_confirm(update_id=update.pk)
    notice = notice_submit(
        public_id=world.own.public_id, reason="insult", text="Beleidigend", good_faith=True
    )
    return notice, update


def _permits(world: World) -> tuple[Permit, Permit, ParkingPermit]:
    configure_bank(world.dresden)
    pending = permit_create(
        draft=PermitDraft(
            kind="container", geometry=box(), start=future(3), end=future(5), applicant=applicant()
        )
    ).permit
    approved = approved_permit(
        start=timezone.now() + dt.timedelta(days=2), end=timezone.now() + dt.timedelta(days=4)
    )
    parking = parking_apply(
        lon=13.755,
        lat=51.067,
        licence_plate="DD-XY 42",
        name="Rita Rad",
        email="r@example.org",
        address="A 1",
    ).permit
    return pending, approved, parking


def build_scene() -> Scene:
    world = build_world()
    enforcer, other_admin = _user(USERNAMES["enforcement"]), _user(USERNAMES["other_admin"])
    membership_set(actor=None, organisation=world.dresden, username=enforcer.username, role="enforcement")
    membership_set(actor=None, organisation=world.leipzig, username=other_admin.username, role="admin")
    TOTPDevice.objects.create(user=other_admin, name="Test", confirmed=True)
    tokens = {world.users[n].username: key for n, key in world.tokens.items()}
    for user in (enforcer, other_admin):
        tokens[user.username] = api_token_issue(actor=None, user=user, name="Test", days=30).key
    notice, update = _participation(world)
    permit, approved, parking = _permits(world)
    invitation = member_add(
        actor=world.users["admin_a"], organisation=world.dresden, username="outsider", role="crew"
    )
    area = area_create(
        actor=world.users["admin_a"],
        organisation=world.dresden,
        name="Bereich Altstadt",
        geometry=json.dumps(ALTSTADT),
        all_categories=True,
    )
    public = report_with_photo(world, hidden=False)
    hidden = report_with_photo(world, hidden=True)
    attachments = permit_with_attachments()
    for user in [*world.users.values(), enforcer, other_admin]:
        user.__dict__.pop("_mm_scope", None)
    return Scene(
        world=world,
        tokens=tokens,
        report=world.own,
        other_report=world.own_unassigned,
        notice=notice,
        update=update,
        permit=permit,
        approved=approved,
        notice_file=Notice.objects.filter(permit=approved).order_by("pk").first(),
        parking=parking,
        invitation=invitation,
        area=area,
        public_photo=public.photos.get(),
        hidden_photo=hidden.photos.get(),
        attachment=attachments.attachments.order_by("pk").first(),
        zone_draft=_zone_draft(world),
    )
