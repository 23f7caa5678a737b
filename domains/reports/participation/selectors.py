"""Reads for citizens' participation: public updates in a report's history, the confirmation share on a
commune's page, the moderation queue and Textbausteine of staff. Staff reads go through
``kernel.organisations.scoping`` like every other staff read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from domains.reports.models import (
    AbuseNotice,
    Answer,
    CitizenUpdate,
    NoteTemplate,
    Questionnaire,
    Report,
    UpdateState,
)
from domains.reports.selectors import public_history
from domains.reports.services.note_templates import note_template_render
from kernel.organisations.scoping import scope_of


def public_updates(report: Report) -> list[CitizenUpdate]:
    """Published updates (confirmed and, under pre-moderation, approved), oldest first. No e-mail."""
    return list(
        CitizenUpdate.objects.filter(report=report, state=UpdateState.PUBLISHED)
        .select_related("photo")
        .defer("email")
        .order_by("created", "id")
    )


def public_timeline(report: Report) -> list[dict[str, Any]]:
    """The public history with the published updates in it, by time: status rows have ``status``,
    updates have ``update`` (the row, for its text, photo and its "Missbrauch melden" link)."""
    rows = [{**row, "kind": "status"} for row in public_history(report)]
    rows += [
        {"kind": "update", "date": u.confirmed or u.created, "update": u} for u in public_updates(report)
    ]
    return sorted(rows, key=lambda row: row["date"])


@dataclass(frozen=True)
class ConfirmationFigures:
    yes: int
    no: int

    @property
    def percent(self) -> float | None:
        """Share of "Ja" among the answers, in per cent; None while nobody answered."""
        answered = self.yes + self.no
        return round(100 * self.yes / answered, 1) if answered else None


def confirmation_figures(ags: str) -> ConfirmationFigures:
    """Answers to „Ist der Mangel behoben?“ for the reports of a commune (all versions of its AGS)."""
    counts = Questionnaire.objects.filter(report__commune__ags=ags, report__internal=False).aggregate(
        yes=Count("pk", filter=Q(answer=Answer.YES)), no=Count("pk", filter=Q(answer=Answer.NO))
    )
    return ConfirmationFigures(yes=counts["yes"], no=counts["no"])


def moderation_notices(user: Any) -> QuerySet[AbuseNotice]:
    """Open notices on reports of the organisations ``user`` manages, oldest first."""
    org_ids = scope_of(user).manager_org_ids
    return (
        AbuseNotice.objects.filter(report__organisation_id__in=org_ids, decision="")
        .select_related("report", "photo", "update")
        .order_by("created", "id")
    )


def moderation_updates(user: Any) -> QuerySet[CitizenUpdate]:
    """Confirmed updates waiting for approval (pre-moderation) on reports ``user`` manages."""
    org_ids = scope_of(user).manager_org_ids
    return (
        CitizenUpdate.objects.filter(report__organisation_id__in=org_ids, state=UpdateState.PENDING)
        .select_related("report", "photo")
        .order_by("created", "id")
    )


def staff_updates(report: Report) -> list[CitizenUpdate]:
    """Every confirmed update of a report, for its staff page (the caller checked the scope)."""
    return list(
        CitizenUpdate.objects.filter(report=report)
        .exclude(state=UpdateState.UNCONFIRMED)
        .select_related("photo")
    )


def note_templates_of(organisation_id: int) -> QuerySet[NoteTemplate]:
    return NoteTemplate.objects.filter(organisation_id=organisation_id).order_by("name")


def note_template_choices(report: Report) -> list[tuple[str, str]]:
    """(name, text filled in for ``report``) of its organisation's Textbausteine, for the status forms."""
    return [(t.name, note_template_render(t, report)) for t in note_templates_of(report.organisation_id)]


def questionnaire_of(report: Report) -> Questionnaire | None:
    """The report's „Ist der Mangel behoben?“ questionnaire, if one was sent (for its staff page)."""
    return Questionnaire.objects.filter(report=report).first()
