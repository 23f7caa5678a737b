"""The case kernel, for every case type: public ids, tracking links across a key rotation, one status
history path (the history row only; each case type's service then audits and mails, once), and files
that do not outlive a failed transaction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from domains.permits.models import ParkingPermit, Permit
from domains.permits.services import PermitDraft, parking_apply, parking_decide, permit_create, permit_decide
from domains.reports.models import Report
from domains.reports.services import report_change_status, report_update_notes
from kernel.cases import public_ids
from kernel.cases.files import files_for_transaction
from kernel.cases.history import record_status_change
from kernel.cases.tracking import tracking_token, tracking_token_matches, tracking_url
from kernel.cases.workflow import IllegalTransition
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from tests.factories import make_report
from tests.permits.helpers import body

pytestmark = pytest.mark.django_db


def _report() -> Report:
    return make_report(email="melder@example.org").report


def _permit() -> Permit:
    data = body()
    return permit_create(
        draft=PermitDraft(**{k: data[k] for k in ("kind", "geometry", "start", "end", "applicant")})
    ).permit


def _parking() -> ParkingPermit:
    return parking_apply(
        lon=13.7550,
        lat=51.0670,
        licence_plate="DD-QZ 77",
        name="Rita Rad",
        email="rita@example.org",
        address="Alaunstraße 1",
    ).permit


MAKERS = {"report": _report, "permit": _permit, "parking": _parking}


@pytest.mark.parametrize("kind", MAKERS)
def test_every_case_type_gets_a_prefixed_crockford_public_id(kind):
    case = MAKERS[kind]()
    prefix = type(case).public_id_prefix
    assert re.fullmatch(rf"{prefix}-[0-9A-HJKMNP-TV-Z]{{4}}-[0-9A-HJKMNP-TV-Z]{{2}}", case.public_id)


@pytest.mark.parametrize("kind", MAKERS)
def test_a_public_id_collision_is_retried_inside_the_callers_transaction(kind, monkeypatch):
    first = MAKERS[kind]()
    prefix = type(first).public_id_prefix
    sequence = iter([first.public_id, first.public_id, f"{prefix}-AAAA-BB"])
    monkeypatch.setattr(public_ids, "new_public_id", lambda prefix: next(sequence))
    second = MAKERS[kind]()
    assert second.public_id == f"{prefix}-AAAA-BB"
    assert type(first).objects.count() == 2


@pytest.mark.parametrize("kind", MAKERS)
def test_tracking_links_of_every_case_type_survive_a_secret_key_rotation(kind, settings):
    case = MAKERS[kind]()
    model, token = type(case), tracking_token(type(case), case.public_id)
    assert token not in str(model.objects.filter(pk=case.pk).values()[0])  # derived, never stored
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old]
    assert tracking_token_matches(model, case.public_id, token)
    assert tracking_url(case).endswith(
        f"/{case.public_id}/verfolgen/{tracking_token(model, case.public_id)}/"
    )
    settings.SECRET_KEY_FALLBACKS = []
    assert not tracking_token_matches(model, case.public_id, token)
    assert not tracking_token_matches(model, case.public_id, tracking_token(model, case.public_id) + "x")
    assert not tracking_token_matches(model, case.public_id, "ä" * 32)


def test_a_token_of_one_case_opens_no_other():
    one, other = _report(), _report()
    assert not tracking_token_matches(Report, other.public_id, tracking_token(Report, one.public_id))


def _report_to(case, target, actor, public, internal):
    report_change_status(
        actor=actor, public_id=case.public_id, status=target, public_note=public, internal_note=internal
    )


def _permit_to(case, target, actor, public, internal):
    permit_decide(
        actor=actor, public_id=case.public_id, status=target, public_note=public, internal_note=internal
    )


def _parking_to(case, target, actor, public, internal):
    parking_decide(actor=actor, public_id=case.public_id, status=target, public_note=public)


MOVERS = {"report": _report_to, "permit": _permit_to, "parking": _parking_to}


@pytest.mark.parametrize(
    ("kind", "target", "mails"),
    [
        ("report", "in_review", ["report.status"]),
        ("permit", "in_review", ["permit.status"]),
        ("parking", "in_review", ["parking.status"]),  # parking applicants are told since issue 18
    ],
)
def test_a_status_change_writes_history_audit_and_mail_once(kind, target, mails, world):
    case = MAKERS[kind]()
    actor = world.users["caseworker_a"]
    before = set(OutgoingMail.objects.values_list("pk", flat=True))
    MOVERS[kind](case, target, actor, "Wir prüfen das.", "intern: Termin Montag")
    case.refresh_from_db()
    assert case.status == target
    assert list(case.history.values_list("from_status", "to_status")) == [
        ("", "submitted"),
        ("submitted", target),
    ]
    assert case.history.get(from_status="submitted").by_user == actor
    events = AuditEvent.objects.filter(object_id=str(case.pk), action=f"{type(case).audit_name}.status")
    assert [e.summary for e in events] == [
        f"Status: {type(case).workflow.label('submitted')} → {type(case).workflow.label(target)}"
    ]
    new_mails = OutgoingMail.objects.exclude(pk__in=before)
    assert sorted(new_mails.values_list("kind", flat=True)) == mails


@pytest.mark.parametrize("kind", MAKERS)
def test_the_kernel_writes_the_history_only_and_its_service_does_the_rest(kind, world):
    """No hidden receivers: ``record_status_change`` writes case and history row, nothing else."""
    case = MAKERS[kind]()
    before = set(OutgoingMail.objects.values_list("pk", flat=True))
    with transaction.atomic():
        change = record_status_change(case, "in_review", world.users["caseworker_a"], "Wir prüfen das.")
    assert case.history.count() == 2 and change.to_status == "in_review"
    assert not AuditEvent.objects.filter(object_id=str(case.pk), action__endswith=".status").exists()
    assert not OutgoingMail.objects.exclude(pk__in=before).exists()


@pytest.mark.parametrize("kind", MAKERS)
def test_an_illegal_move_changes_nothing(kind):
    case = MAKERS[kind]()
    with pytest.raises(IllegalTransition), transaction.atomic():
        record_status_change(case, "no_such_state", None)
    case.refresh_from_db()
    assert case.status == "submitted" and case.history.count() == 1


def test_a_note_keeps_the_status_and_staying_put_is_no_move(world):
    case = _report()
    actor = world.users["caseworker_a"]
    with pytest.raises(IllegalTransition), transaction.atomic():
        record_status_change(case, "submitted", actor, "gleich")
    report_update_notes(actor=actor, public_id=case.public_id, public_note="Material bestellt")
    assert list(case.history.values_list("from_status", "to_status", "public_note"))[-1] == (
        "submitted",
        "submitted",
        "Material bestellt",
    )
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="report.note").count() == 1
    assert OutgoingMail.objects.filter(kind="report.status", to=case.reporter_email).count() == 1


def test_files_written_in_a_failed_transaction_are_removed_and_kept_after_success():
    root = Path(settings.MEDIA_ROOT)
    with pytest.raises(RuntimeError), files_for_transaction() as files, transaction.atomic():
        written = files.save("kernel/a.txt", b"a")
        assert (root / written).exists()
        raise RuntimeError("commit failed")
    assert not (root / written).exists()
    with files_for_transaction() as files, transaction.atomic():
        kept = files.save("kernel/b.txt", b"b")
    assert (root / kept).read_bytes() == b"b"
