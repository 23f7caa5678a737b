"""Accessibility feedback as a case: one-month deadline, operator's answer, e-mail under retention and in
the personal-data requests of the platform operator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.accessibility.models import AccessibilityFeedback
from domains.accessibility.services import feedback_mark_answered, feedback_submit, one_month_after
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import AuditEvent
from shared.privacy.requests import personal_data_erase, personal_data_export
from shared.privacy.retention import retention_apply

pytestmark = pytest.mark.django_db

BERLIN = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("given", "due"),
    [
        (dt.datetime(2026, 1, 31, 10, 0, tzinfo=BERLIN), dt.datetime(2026, 2, 28, 10, 0, tzinfo=BERLIN)),
        (dt.datetime(2028, 1, 31, 10, 0, tzinfo=BERLIN), dt.datetime(2028, 2, 29, 10, 0, tzinfo=BERLIN)),
        (dt.datetime(2026, 12, 15, 9, 0, tzinfo=BERLIN), dt.datetime(2027, 1, 15, 9, 0, tzinfo=BERLIN)),
        (
            dt.datetime(2026, 3, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            dt.datetime(2026, 4, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ),
    ],
)
def test_one_month_is_the_same_day_of_the_next_month(given, due):
    assert one_month_after(given) == due


def test_refused_feedback_saves_nothing():
    with pytest.raises(ValidationFailed) as exc:
        feedback_submit(description="x" * 4001, page_url="/" * 501, email="a@")
    assert set(exc.value.errors) == {"description", "page_url", "email"}
    assert not AccessibilityFeedback.objects.exists()


def test_overdue_until_answered_and_answered_once():
    feedback = feedback_submit(description="Fokus unsichtbar")
    AccessibilityFeedback.objects.filter(pk=feedback.pk).update(due=timezone.now() - dt.timedelta(days=1))
    feedback.refresh_from_db()
    assert feedback.overdue
    assert feedback_mark_answered(feedback_id=feedback.pk, note="Behoben in Version 2")
    assert not feedback_mark_answered(feedback_id=feedback.pk)
    feedback.refresh_from_db()
    assert not feedback.overdue and feedback.answer_note == "Behoben in Version 2"
    assert AuditEvent.objects.filter(action="a11y_feedback.answered", object_id=str(feedback.pk)).count() == 1


def test_retention_erases_the_address_90_days_after_the_answer():
    feedback = feedback_submit(description="Kontrast", email="rita@example.org")
    feedback_mark_answered(feedback_id=feedback.pk)
    answered = timezone.localdate()
    assert retention_apply(as_of=answered + dt.timedelta(days=90))["a11y_feedback"] == 0
    feedback.refresh_from_db()
    assert feedback.email == "rita@example.org"
    assert retention_apply(as_of=answered + dt.timedelta(days=91))["a11y_feedback"] == 1
    feedback.refresh_from_db()
    assert (feedback.email, feedback.description) == ("", "Kontrast")
    assert feedback.email_erased is not None
    event = AuditEvent.objects.get(action="a11y_feedback.email_erased")
    assert "rita" not in event.summary
    assert retention_apply(as_of=answered + dt.timedelta(days=92))["a11y_feedback"] == 0


def test_retention_erases_an_unanswered_address_after_a_year():
    feedback = feedback_submit(description="Kontrast", email="rita@example.org")
    today = timezone.localdate()
    assert retention_apply(as_of=today + dt.timedelta(days=365), dry_run=True)["a11y_feedback"] == 0
    assert retention_apply(as_of=today + dt.timedelta(days=366))["a11y_feedback"] == 1
    feedback.refresh_from_db()
    assert feedback.email == ""


def test_operator_request_exports_and_erases_the_feedback_address():
    feedback = feedback_submit(description="Kontrast", page_url="/", email="Rita@Example.org")
    export = personal_data_export(email="rita@example.org")
    assert [f["id"] for f in export["accessibility_feedback"]] == [feedback.pk]
    result = personal_data_erase(email="rita@example.org")
    assert result["accessibility_feedback"] == 1
    feedback.refresh_from_db()
    assert feedback.email == ""


def test_operator_sees_overdue_feedback_in_the_admin_and_marks_it_answered(admin_client):
    late = feedback_submit(description="Fokus unsichtbar auf der Karte")
    fresh = feedback_submit(description="Kontrast der Fußzeile")
    AccessibilityFeedback.objects.filter(pk=late.pk).update(due=timezone.now() - dt.timedelta(days=2))
    url = "/admin/accessibility/accessibilityfeedback/"

    overdue = admin_client.get(url, {"frist": "ueberfaellig"}).content.decode()
    assert f"{url}{late.pk}/change/" in overdue and f"{url}{fresh.pk}/change/" not in overdue
    assert admin_client.get(f"{url}add/").status_code == 403

    response = admin_client.post(url, {"action": "mark_answered", "_selected_action": [late.pk]}, follow=True)
    assert "1 Rückmeldung(en) als beantwortet markiert." in response.content.decode()
    late.refresh_from_db()
    assert late.status == "answered" and late.answered is not None
    assert f"{url}{late.pk}/change/" not in admin_client.get(url, {"frist": "ueberfaellig"}).content.decode()
