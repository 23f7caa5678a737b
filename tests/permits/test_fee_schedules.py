"""Versions of a commune's Satzung (issue 29.3): an application is priced by the version valid on its
start date, the permit remembers it and the notices name it; publishing refuses overlaps; the preview
equals the final price."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from domains.permits.fees import compute_fee
from domains.permits.models import FeeSchedule, FeeScheduleState, NoticeKind, PermitKind, Tariff
from domains.permits.selectors import fee_schedule_published_exists, fee_schedule_valid_on
from domains.permits.services import PermitDraft, permit_create, permit_decide, permit_estimate
from domains.permits.services.fee_schedules import (
    fee_schedule_add_exemption,
    fee_schedule_create_draft,
    fee_schedule_preview,
    fee_schedule_publish,
    fee_schedule_set_tariff,
    parse_amount,
)
from kernel.cases.fields import FieldErrors
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import AuditEvent
from kernel.organisations.scoping import Forbidden
from tests.permits.helpers import ALTMARKT, NEUSTADT, applicant
from tests.permits.notice_helpers import configure_bank, pdf_text, stored_bytes

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
DEMO_TITLE = "Sondernutzungssatzung der Stadt Dresden (Demo)"
NEW_TITLE = "Sondernutzungssatzung der Stadt Dresden vom 12.03.2025"


def at(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BERLIN).isoformat()


def new_version(world, valid_from: dt.date, *, publish: bool = True, **tariff) -> FeeSchedule:
    admin = world.users["admin_a"]
    draft = fee_schedule_create_draft(
        actor=admin,
        organisation=world.dresden,
        values={"title": NEW_TITLE, "satzung_date": "12.03.2025", "valid_from": valid_from.isoformat()},
    )
    values = {"kind": "container", "rate": "7,35", "minimum_fee": "10", "admin_fee": "17,50", **tariff}
    fee_schedule_set_tariff(actor=admin, organisation=world.dresden, schedule=draft, values=values)
    if publish:
        fee_schedule_publish(actor=admin, organisation=world.dresden, schedule=draft)
    return draft


def container(start: str, end: str):
    return PermitDraft(kind="container", geometry=NEUSTADT, start=start, end=end, applicant=applicant())


def test_the_same_application_either_side_of_the_change_date_is_priced_by_each_version(world, tmp_path):
    configure_bank(world.dresden)
    change = timezone.localdate() + dt.timedelta(days=30)
    new_version(world, change)
    demo = FeeSchedule.objects.get(ags="14612000", title=DEMO_TITLE)
    assert demo.valid_to == change  # the open-ended demo Satzung ends where the new one begins

    # 5 days each: the first starts two days before the change and runs across it — one version only.
    before = permit_create(
        draft=container(at(change - dt.timedelta(days=2), 8), at(change + dt.timedelta(days=2), 18))
    )
    after = permit_create(draft=container(at(change, 8), at(change + dt.timedelta(days=4), 18)))
    old, new = before.permit, after.permit
    assert [(line["amount"], line["rate"]) for line in old.fee_lines] == [("25.00", "5"), ("15.00", "15")]
    assert old.fee_total == D("40.00") and old.fee_schedule == demo
    assert [(line["amount"], line["rate"]) for line in new.fee_lines] == [
        ("36.75", "7.35"),
        ("17.50", "17.5"),
    ]
    assert new.fee_total == D("54.25") and new.fee_schedule.title == NEW_TITLE

    for permit, title, other in ((old, DEMO_TITLE, NEW_TITLE), (new, NEW_TITLE, DEMO_TITLE)):
        permit_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved")
        fee_notice = permit.notices.get(kind=NoticeKind.FEE)
        text = " ".join(pdf_text(stored_bytes(fee_notice), tmp_path).split())
        assert f"„{title}“" in text and other not in text
        assert "Satzung vom" in text
        decision = " ".join(
            pdf_text(stored_bytes(permit.notices.get(kind=NoticeKind.DECISION)), tmp_path).split()
        )
        assert title in decision
    assert "54,25" in " ".join(pdf_text(stored_bytes(new.notices.get(kind=NoticeKind.FEE)), tmp_path).split())


def test_a_draft_does_not_price_applications(world):
    change = timezone.localdate() + dt.timedelta(days=10)
    new_version(world, change, publish=False)
    permit = permit_create(draft=container(at(change, 8), at(change, 18))).permit
    assert permit.fee_schedule.title == DEMO_TITLE and permit.fee_total == D("25.00")  # 5 → minimum 10, + 15


def test_publishing_refuses_overlaps_and_changes_nothing(world):
    change = timezone.localdate() + dt.timedelta(days=30)
    first = new_version(world, change)
    admin = world.users["admin_a"]
    # Starts before the published successor and overlaps it: refused, with the other version's name.
    overlapping = fee_schedule_create_draft(
        actor=admin,
        organisation=world.dresden,
        values={
            "title": "Zwischenfassung",
            "satzung_date": "2025-01-01",
            "valid_from": (change - dt.timedelta(days=5)).isoformat(),
            "valid_to": (change + dt.timedelta(days=5)).isoformat(),
        },
    )
    before = list(FeeSchedule.objects.order_by("pk").values())
    with pytest.raises(ValidationFailed) as refused:
        fee_schedule_publish(actor=admin, organisation=world.dresden, schedule=overlapping)
    refusals = " ".join(refused.value.errors["__all__"])
    assert (
        f"„{first.title}“" in refusals and f"„{DEMO_TITLE}“" in refusals and "überschneidet sich" in refusals
    )
    assert list(FeeSchedule.objects.order_by("pk").values()) == before


def test_period_order_and_amounts_are_checked_in_german(world):
    admin = world.users["admin_a"]
    with pytest.raises(ValidationFailed) as bad:
        fee_schedule_create_draft(
            actor=admin,
            organisation=world.dresden,
            values={
                "title": "X",
                "satzung_date": "2025-01-01",
                "valid_from": "2026-05-01",
                "valid_to": "2026-05-01",
            },
        )
    assert bad.value.errors == {"valid_to": ["„Gültig bis“ muss nach „Gültig ab“ liegen."]}
    draft = new_version(world, timezone.localdate() + dt.timedelta(days=3), publish=False)
    with pytest.raises(ValidationFailed) as bad:
        fee_schedule_set_tariff(
            actor=admin,
            organisation=world.dresden,
            schedule=draft,
            values={"kind": "geruest", "rate": "-0,10", "minimum_fee": "abc", "admin_fee": "1,123"},
        )
    assert bad.value.errors == {
        "rate": ["Der Satz darf nicht negativ sein."],
        "minimum_fee": ["Die Mindestgebühr: bitte eine Zahl angeben, z. B. 0,15."],
        "admin_fee": ["Die Verwaltungsgebühr: höchstens 2 Nachkommastellen und kleiner als 100.000."],
    }
    assert Tariff.objects.get(schedule=draft, kind__slug="geruest").rate == D("0.15")  # as copied


@pytest.mark.parametrize(
    ("text", "value"),
    [("0,15", "0.15"), ("1.234,50", "1234.50"), ("1,234.50", "1234.50"), ("12.5", "12.5"), ("3 €", "3")],
)
def test_amounts_accept_the_decimal_comma(text, value):
    assert parse_amount(text, "rate", "Der Satz", FieldErrors(), places=4) == D(value)


def test_a_published_version_is_not_editable_and_another_commune_cannot_touch_it(world):
    published = new_version(world, timezone.localdate() + dt.timedelta(days=3))
    admin = world.users["admin_a"]
    with pytest.raises(ValidationFailed, match="veröffentlichte Fassung wird nicht mehr geändert"):
        fee_schedule_set_tariff(
            actor=admin,
            organisation=world.dresden,
            schedule=published,
            values={"kind": "container", "rate": "1", "minimum_fee": "0", "admin_fee": "0"},
        )
    with pytest.raises(Forbidden):
        fee_schedule_publish(
            actor=world.users["caseworker_a"], organisation=world.dresden, schedule=published
        )


def test_the_preview_equals_the_final_price_with_zone_and_exemption(world):
    admin = world.users["admin_a"]
    change = timezone.localdate() + dt.timedelta(days=20)
    draft = new_version(
        world, change, publish=False, kind="geruest", rate="0,2345", minimum_fee="0", admin_fee="12"
    )
    exemption = fee_schedule_add_exemption(
        actor=admin,
        organisation=world.dresden,
        schedule=draft,
        values={"reason": "Gemeinnützige Veranstaltung", "percent": "50", "claimable": "1"},
    )
    application = PermitDraft(
        kind="geruest",
        geometry=ALTMARKT,
        start=at(change, 8),
        end=at(change + dt.timedelta(days=6), 18),
        exemption="Gemeinnützige Veranstaltung",
        applicant=applicant(),
    )
    area = permit_estimate(
        draft=PermitDraft(kind="geruest", geometry=ALTMARKT, start=application.start, end=application.end)
    ).area.area_m2
    preview = fee_schedule_preview(
        schedule=draft,
        values={
            "kind": "geruest",
            "area_m2": str(area).replace(".", ","),
            "days": "7",
            "lat": "51.0501",
            "lon": "13.7371",
            "exemption": str(exemption.pk),
        },
    )
    assert preview.zone.name == "Innenstadt"  # copied from the demo Satzung
    fee_schedule_publish(actor=admin, organisation=world.dresden, schedule=draft)
    permit = permit_create(draft=application).permit
    assert permit.fee_schedule == draft and permit.fee_exemption == exemption
    assert permit.fee_lines == preview.fee.as_dict()["lines"]
    assert permit.fee_total == preview.fee.total
    assert [line["label"].split(":")[0] for line in permit.fee_lines][-2:] == [
        "Befreiung",
        "Verwaltungsgebühr",
    ]
    usage = D(permit.fee_lines[0]["amount"])
    assert (
        D(permit.fee_lines[1]["amount"]) == -(usage / 2).quantize(D("0.01")) or usage
    )  # half off, rounded once


def test_an_exemption_the_satzung_does_not_list_is_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        permit_create(
            draft=PermitDraft(
                **{
                    **container(
                        at(timezone.localdate() + dt.timedelta(days=3), 8),
                        at(timezone.localdate() + dt.timedelta(days=3), 18),
                    ).__dict__,
                    "exemption": "Freundschaft",
                }
            )
        )
    assert refused.value.errors["exemption"] == [
        "Die Gebührensatzung sieht die Befreiung „Freundschaft“ nicht vor."
    ]


def test_publishing_is_audited_and_the_selectors_answer_for_go_live(world):
    assert fee_schedule_published_exists("14612000")
    assert not fee_schedule_published_exists("14522080")  # a commune without a Satzung yet
    change = timezone.localdate() + dt.timedelta(days=30)
    version = new_version(world, change)
    assert fee_schedule_valid_on("14612000", change) == version
    assert fee_schedule_valid_on("14612000", change - dt.timedelta(days=1)).title == DEMO_TITLE
    actions = set(AuditEvent.objects.filter(organisation=world.dresden).values_list("action", flat=True))
    assert {
        "fee_schedule.draft",
        "fee_schedule.tariff",
        "fee_schedule.publish",
        "fee_schedule.end",
    } <= actions
    version.refresh_from_db()
    assert version.state == FeeScheduleState.PUBLISHED


def test_compute_fee_without_a_published_version_at_the_start_is_incomplete(world):
    kind = PermitKind.objects.get(slug="container")
    day = dt.datetime(2023, 12, 30, 8, tzinfo=BERLIN)  # before the demo Satzung (2024-01-01)
    fee = compute_fee(ags="14612000", kind=kind, start=day, end=day + dt.timedelta(days=5), area_m2=D("1"))
    assert fee.complete is False and fee.schedule is None


def test_the_applicant_claims_an_exemption_through_the_api(client, world):
    change = timezone.localdate() + dt.timedelta(days=15)
    draft = new_version(world, change, publish=False)
    fee_schedule_add_exemption(
        actor=world.users["admin_a"],
        organisation=world.dresden,
        schedule=draft,
        values={"reason": "Öffentliche Stelle", "percent": "100", "claimable": "1"},
    )
    fee_schedule_publish(actor=world.users["admin_a"], organisation=world.dresden, schedule=draft)
    body = {
        "kind": "container",
        "geometry": NEUSTADT,
        "start": at(change, 8),
        "end": at(change + dt.timedelta(days=1), 18),
        "exemption": "Öffentliche Stelle",
        "applicant": applicant(),
    }
    answer = client.post("/api/v1/permits/estimate/", body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    lines = answer.json()["fee"]["lines"]
    # 2 days × 7,35 = 14,70 (above the minimum of 10), all of it exempt; the administrative fee stays.
    assert [line["amount"] for line in lines] == ["14.70", "-14.70", "17.50"]
    assert answer.json()["fee"]["total"] == "17.50"
    refused = client.post(
        "/api/v1/permits/estimate/", {**body, "exemption": "Nachbarschaft"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "Nachbarschaft" in refused.content.decode()
