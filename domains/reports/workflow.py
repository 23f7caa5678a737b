"""States of a report (Mängelmeldung) and the moves staff may make between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.cases.workflow import Workflow


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Eingegangen")
    IN_REVIEW = "in_review", _("In Prüfung")
    IN_PROGRESS = "in_progress", _("In Bearbeitung")
    # Staff asked the reporter a question and wait for the answer (issue 30.3): the deadline clock stops
    # (``Report.clock_paused_since``, ``domains.reports.services.inquiries``). Open311: "open".
    INQUIRY = "inquiry", _("Rückfrage")
    RESOLVED = "resolved", _("Erledigt")
    REJECTED = "rejected", _("Abgelehnt")
    NOT_RESPONSIBLE = "not_responsible", _("Nicht zuständig")
    DUPLICATE = "duplicate", _("Doppelte Meldung")


S = ReportStatus
CLOSING = frozenset({S.RESOLVED, S.REJECTED, S.NOT_RESPONSIBLE, S.DUPLICATE})
# Only ``inquiry_ask`` moves a report into Rückfrage (it needs a question and the reporter's address); the
# generic status change refuses it. Any legal move out of it ends the pause.
ASKING_FROM = frozenset({S.SUBMITTED, S.IN_REVIEW, S.IN_PROGRESS})

REPORT_WORKFLOW = Workflow(
    states=ReportStatus,
    initial=S.SUBMITTED,
    transitions={
        S.SUBMITTED: frozenset({S.IN_REVIEW, S.IN_PROGRESS, S.INQUIRY, *CLOSING}),
        S.IN_REVIEW: frozenset({S.IN_PROGRESS, S.INQUIRY, *CLOSING}),
        S.IN_PROGRESS: frozenset(
            {S.IN_REVIEW, S.INQUIRY, S.RESOLVED, S.REJECTED, S.NOT_RESPONSIBLE, S.DUPLICATE}
        ),
        S.INQUIRY: frozenset({S.IN_REVIEW, S.IN_PROGRESS, *CLOSING}),
        # Closed reports can be reopened (a "resolved" pothole that is still there).
        S.RESOLVED: frozenset({S.IN_PROGRESS, S.IN_REVIEW}),
        S.REJECTED: frozenset({S.IN_REVIEW}),
        S.NOT_RESPONSIBLE: frozenset({S.IN_REVIEW}),
        S.DUPLICATE: frozenset({S.IN_REVIEW}),
    },
    closed=CLOSING,
)


class ReportPriority(models.IntegerChoices):
    """How urgent staff judge a report: the queue and the crew's list show ``sofort`` first, then
    ``hoch``. Stored as a number so the queue's index sorts by it directly (higher = more urgent)."""

    NORMAL = 0, _("normal")
    HIGH = 1, _("hoch")
    IMMEDIATE = 2, _("sofort")


# The names the staff API and the forms use for the priorities (``normal``, ``hoch``, ``sofort``).
PRIORITY_NAMES = {
    "normal": ReportPriority.NORMAL,
    "hoch": ReportPriority.HIGH,
    "sofort": ReportPriority.IMMEDIATE,
}
PRIORITY_NAME_OF = {value: name for name, value in PRIORITY_NAMES.items()}


# How long a crew member may take back their own "Erledigt" (minutes; domains.reports.services.crew).
CREW_UNDO_MINUTES = 10

OPEN_STATES = [s for s in ReportStatus.values if REPORT_WORKFLOW.is_open(s)]
