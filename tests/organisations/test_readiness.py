"""The go-live checklist (issue 29.6): each point fails while its data is missing, the commune is "in
Vorbereitung" until the required points are done, and its report mails go to the district or the
operator meanwhile. Real PostGIS, real outbox rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from domains.permits.models import FeeSchedule, FeeScheduleState, ParkingZone, PermitKind, Tariff
from domains.reports.services import categories_review_confirm
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import Organisation, OrganisationKind, PlatformOperator
from kernel.organisations.readiness import readiness_of, readiness_of_many, readiness_overview
from kernel.organisations.recipient_confirmation import confirmation_token, recipient_confirm
from kernel.organisations.retention_periods import RETENTION_FIELDS, organisation_set_retention
from kernel.organisations.services import organisation_set_email, organisation_set_letterhead
from tests.factories import DRESDEN, make_report

REQUIRED_BASE = {"admin", "recipient", "categories", "retention"}


def _done(org: Organisation) -> dict[str, bool]:
    org.refresh_from_db()
    return {p.key: p.done for p in readiness_of(org).points}


def _make_ready(world) -> Organisation:
    """Every required point of Dresden done (world: admin_a with a confirmed TOTP device)."""
    dresden = world.dresden
    recipient_confirm(token=confirmation_token(dresden))
    categories_review_confirm(actor=world.users["admin_a"], organisation=dresden)
    values = {name: getattr(dresden, name) for name in RETENTION_FIELDS}
    organisation_set_retention(actor=world.users["admin_a"], organisation=dresden, values=values)
    dresden.refresh_from_db()
    return dresden


def test_a_fresh_commune_lacks_every_required_point(db):
    leipzig = Organisation.objects.get(kind=OrganisationKind.COMMUNE, ags="14713000")
    readiness = readiness_of(leipzig)
    assert not readiness.ready
    assert {p.key for p in readiness.missing} == REQUIRED_BASE
    embed = next(p for p in readiness.points if p.key == "embed")
    assert not embed.required and not embed.done
    assert all(p.sentence and p.url.startswith("/verwaltung/") for p in readiness.points)


def test_all_required_points_make_it_ready(world):
    dresden = _make_ready(world)
    assert readiness_of(dresden).ready
    assert readiness_of(dresden).state_label == "startklar"


@pytest.mark.parametrize("point", sorted(REQUIRED_BASE))
def test_each_point_fails_alone_when_missing(world, point):
    """Start from a ready Dresden and take away one point's data: exactly that point is missing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kernel.organisations.models import AuditEvent

    dresden = _make_ready(world)
    if point == "admin":
        TOTPDevice.objects.filter(user=world.users["admin_a"]).update(confirmed=False)
    elif point == "recipient":
        organisation_set_email(actor=None, organisation=dresden, email="neu@dresden.example")
    elif point == "categories":
        AuditEvent.objects.filter(organisation=dresden, action="categories.review").delete()
    else:
        AuditEvent.objects.filter(organisation=dresden, action="organisation.retention").delete()
    dresden.refresh_from_db()
    readiness = readiness_of(dresden)
    assert [p.key for p in readiness.missing] == [point]
    assert not readiness.ready


def test_an_ended_admin_membership_does_not_count(world):
    from kernel.organisations.models import Membership

    dresden = _make_ready(world)
    Membership.objects.filter(organisation=dresden, user=world.users["admin_a"]).update(active=False)
    assert not _done(dresden)["admin"]


def test_changing_the_address_resets_the_confirmation(world):
    dresden = _make_ready(world)
    assert dresden.email_confirmed
    organisation_set_email(actor=None, organisation=dresden, email="MAENGEL@dresden.example")  # same, case
    dresden.refresh_from_db()
    assert dresden.email_confirmed
    organisation_set_email(actor=None, organisation=dresden, email="andere@dresden.example")
    dresden.refresh_from_db()
    assert not dresden.email_confirmed and dresden.email_confirmed_at is None


def _square(ags_offset: float = 0) -> MultiPolygon:
    x, y = 411000 + ags_offset, 5656000
    return MultiPolygon(Polygon.from_bbox((x, y, x + 100, y + 100)), srid=25833)


def test_permit_points_apply_only_when_permits_are_on(world):
    dresden = _make_ready(world)
    FeeSchedule.objects.filter(ags=dresden.ags).delete()  # the reference data's Satzung
    assert "tariff" not in _done(dresden) and "letterhead" not in _done(dresden)
    dresden.permits_enabled = True
    dresden.save()
    done = _done(dresden)
    assert done["tariff"] is False and done["letterhead"] is False
    assert not readiness_of(dresden).ready
    organisation_set_letterhead(
        actor=None,
        organisation=dresden,
        values={
            "letterhead_name": "Landeshauptstadt Dresden",
            "letterhead_address": "Dr.-Külz-Ring 19\n01067 Dresden",
            "payment_recipient": "Landeshauptstadt Dresden",
            "iban": "DE02120300000000202051",
        },
    )
    assert _done(dresden)["letterhead"] is True
    kind = PermitKind.objects.first()
    expired = FeeSchedule.objects.create(
        ags=dresden.ags,
        title="Sondernutzungssatzung 2020",
        satzung_date=dt.date(2019, 12, 1),
        valid_from=dt.date(2020, 1, 1),
        valid_to=timezone.localdate(),
        state=FeeScheduleState.PUBLISHED,
    )
    Tariff.objects.create(schedule=expired, kind=kind, rate=Decimal("1"), unit=kind.unit)
    assert _done(dresden)["tariff"] is False, "a Satzung that ended is no tariff"
    expired.valid_to = None
    expired.state = FeeScheduleState.DRAFT
    expired.save()
    assert _done(dresden)["tariff"] is False, "a draft prices nothing"
    expired.state = FeeScheduleState.PUBLISHED
    expired.save()
    assert _done(dresden)["tariff"] is True
    assert readiness_of(dresden).ready


def test_parking_zones_point_applies_only_when_parking_is_on(world):
    dresden = _make_ready(world)
    dresden.parking_enabled = True
    dresden.save()
    ParkingZone.objects.filter(ags=dresden.ags).update(active=False)  # the reference data's zones
    assert _done(dresden)["parking_zones"] is False
    ParkingZone.objects.create(ags=dresden.ags, code="A", name="Altstadt", geom=_square(), active=False)
    assert _done(dresden)["parking_zones"] is False, "an inactive zone does not count"
    ParkingZone.objects.filter(ags=dresden.ags, code="A").update(active=True)
    assert _done(dresden)["parking_zones"] is True


def test_readiness_of_many_takes_a_constant_number_of_queries(world, django_assert_max_num_queries):
    """The operator page's promise: the same queries for 2 or 400 organisations."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = list(Organisation.objects.order_by("pk")[:2])
    with CaptureQueriesContext(connection) as small:
        readiness_of_many(few)
    Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.COMMUNE, name=f"Testgemeinde {i}", ags=f"9{i:07d}")
        for i in range(60)
    )
    many = list(Organisation.objects.all())
    with CaptureQueriesContext(connection) as large:
        readiness_of_many(many)
    assert len(many) > 60
    assert len(large.captured_queries) == len(small.captured_queries) <= 8
    with django_assert_max_num_queries(9):
        readiness_overview(state="preparing", missing="recipient")


# --- fallback routing ----------------------------------------------------------------------------


def _new_report_mails() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind="report.new").order_by("pk"))


def test_while_in_preparation_the_mail_goes_to_the_operator_with_a_note(world):
    PlatformOperator.objects.create(name="Betrieb Sachsen", address="Dresden", email="betrieb@example.org")
    report = make_report(lonlat=DRESDEN).report
    mail = _new_report_mails()[-1]
    assert mail.to == "betrieb@example.org"
    assert "in Vorbereitung" in mail.body and "Betrieb Sachsen" in mail.body
    assert report.organisation == world.dresden  # accepted and routed to the commune as always


def test_the_district_with_a_confirmed_address_comes_before_the_operator(world):
    PlatformOperator.objects.create(name="Betrieb Sachsen", address="Dresden", email="betrieb@example.org")
    district = Organisation.objects.create(
        kind=OrganisationKind.DISTRICT, ags="14612", name="Kreis Test", email="kreis@example.org"
    )
    make_report(lonlat=DRESDEN)
    assert _new_report_mails()[-1].to == "betrieb@example.org", "the district's address is not confirmed"
    recipient_confirm(token=confirmation_token(district))
    make_report(lonlat=DRESDEN)
    mail = _new_report_mails()[-1]
    assert mail.to == "kreis@example.org" and "Kreis Test" in mail.body


def test_once_ready_the_mail_goes_to_the_commune_without_a_note(world):
    PlatformOperator.objects.create(name="Betrieb Sachsen", address="Dresden", email="betrieb@example.org")
    _make_ready(world)
    make_report(lonlat=DRESDEN)
    mail = _new_report_mails()[-1]
    assert mail.to == "maengel@dresden.example"
    assert "in Vorbereitung" not in mail.body


def test_without_any_fallback_the_commune_keeps_its_own_address(world):
    """No district organisation, no operator row: the commune's (unconfirmed) address is the best there
    is — a report is never left without a recipient."""
    make_report(lonlat=DRESDEN)
    assert _new_report_mails()[-1].to == "maengel@dresden.example"


def test_a_new_permit_application_is_mailed_to_the_fallback_too(world):
    """Permit applications follow the same rule as reports: while Dresden is in preparation the commune's
    mail goes to the operator with the note; once it is ready, to Dresden without it."""
    from domains.permits.services import PermitDraft, permit_create
    from tests.permits.helpers import applicant, body, future

    def apply() -> OutgoingMail:
        permit_create(
            draft=PermitDraft(
                kind="container",
                geometry=body()["geometry"],
                start=future(3),
                end=future(5),
                applicant=applicant(),
            )
        )
        return OutgoingMail.objects.filter(kind="permit.new").latest("pk")

    PlatformOperator.objects.create(name="Betrieb Sachsen", address="Dresden", email="betrieb@example.org")
    mail = apply()
    assert mail.to == "betrieb@example.org"
    assert "Dresden ist noch in Vorbereitung" in mail.body and "bearbeiten Sie den Antrag selbst" in mail.body
    _make_ready(world)
    mail = apply()
    assert mail.to == world.dresden.email and "in Vorbereitung" not in mail.body


def test_an_admin_whose_directory_confirmed_the_second_factor_counts(world):
    """Directory sign-in (issue 29.7): an admin without a TOTP app, whose second factor Dresden's own
    directory confirmed, is an admin with a second factor — but only while that directory is trusted."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kernel.organisations.directory import directory_factor
    from kernel.organisations.directory_models import SecondFactorSource, StaffDirectory

    dresden = world.dresden
    admin = world.users["admin_a"]
    TOTPDevice.objects.filter(user=admin).delete()
    assert not _done(dresden)["admin"]
    directory = StaffDirectory.objects.create(
        organisation=dresden,
        issuer="https://login.dresden.example",
        client_id="mm",
        second_factor=SecondFactorSource.PROVIDER,
    )
    directory_factor(user=admin, directory=directory)
    assert _done(dresden)["admin"]
    directory.second_factor = SecondFactorSource.LOCAL
    directory.save()
    assert not _done(dresden)["admin"], "a directory not trusted for the second factor does not count"
    directory.second_factor = SecondFactorSource.PROVIDER
    directory.active = False
    directory.save()
    assert not _done(dresden)["admin"], "a switched-off directory does not count"
