"""The queue's tools: bulk work on the selected rows, saved filters, and a report's priority.

Thin, as the other staff views: parse the form, call ``domains.reports.services`` (bulk work goes case by
case through the single-case services) and ``domains.reports.saved_filters.services``, render. Works
without JavaScript: the queue's table sits inside the bulk form; ``static/staff/queue-bulk.js`` only adds
"alle auswählen".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from domains.reports.models import NoteTemplate
from domains.reports.saved_filters.services import (
    BUILT_IN_FILTERS,
    saved_filter_delete,
    saved_filter_rename,
    saved_filter_save,
    saved_filters_of,
)
from domains.reports.services import priority_from, report_set_priority
from domains.reports.services.bulk import BULK_MAX, BulkAction, reports_bulk
from domains.reports.workflow import PRIORITY_NAMES, ReportPriority, ReportStatus
from interfaces.staff.errors import flash_domain_errors, flash_error, flash_form_errors, staff_only
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import Team
from kernel.organisations.scoping import scope_of
from shared.http.filters import queue_filter
from shared.http.tile_cookie import note_own_change

BULK_ACTION_CHOICES = [
    ("status", "Status ändern"),
    ("assign", "Zuweisen"),
    ("note", "Notiz ergänzen"),
]


class BulkForm(forms.Form):
    """The bulk form under the queue; ``ids`` are the ticked rows (checked again by the service)."""

    action = forms.ChoiceField(label="Aktion", choices=BULK_ACTION_CHOICES)
    status = forms.ChoiceField(
        label="Neuer Status", required=False, choices=[("", "—"), *ReportStatus.choices]
    )
    assignee = forms.CharField(label="Mitarbeiter/in", required=False, max_length=150)
    team = forms.CharField(label="Kolonne", required=False, max_length=9)  # a team number, no more digits
    template = forms.CharField(label="Textbaustein", required=False, max_length=100)
    public_note = forms.CharField(label="Öffentliche Notiz", required=False, max_length=4000)
    internal_note = forms.CharField(label="Interne Notiz", required=False, max_length=4000)
    back = forms.CharField(required=False, max_length=1000)

    def clean_team(self) -> int | None:
        team = self.cleaned_data["team"].strip()
        if team and not team.isdigit():
            raise forms.ValidationError("Unbekannte Kolonne.")
        return int(team) if team else None


def _back_query(raw: str) -> str:
    """The queue's filters the person came from (for "Zurück"), reduced to the queue's own parameters."""
    params = QueryDict(raw[:1000])
    keep = [(k, v) for k, v in params.items() if k in QUEUE_PARAMS and v]
    return urlencode(keep)


QUEUE_PARAMS = (
    "status",
    "category",
    "older_than_days",
    "overdue",
    "assigned",
    "organisation",
    "ordering",
    "page",
)


def queue_tools(user: Any) -> dict[str, Any]:
    """What the queue page shows around its table: the bulk form's choices and the saved filters."""
    org_ids = scope_of(user).manager_org_ids
    members = (
        get_user_model()
        .objects.filter(memberships__organisation_id__in=org_ids, memberships__active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return {
        "bulk_max": BULK_MAX,
        "bulk_actions": BULK_ACTION_CHOICES,
        "bulk_members": [(u.username, u.get_full_name() or u.username) for u in members],
        "bulk_teams": list(Team.objects.filter(organisation_id__in=org_ids).order_by("name")),
        "bulk_templates": sorted(
            set(NoteTemplate.objects.filter(organisation_id__in=org_ids).values_list("name", flat=True))
        ),
        "saved_filters": list(saved_filters_of(user)),
        "built_in_filters": BUILT_IN_FILTERS,
    }


@require_POST
@staff_only
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the ticked reports and show each one's result (no redirect: the list of up to
    500 results is the answer, with a link back to the same filters)."""
    form = BulkForm(request.POST)
    back = _back_query(request.POST.get("back", ""))
    back_url = reverse("staff:queue") + (f"?{back}" if back else "")
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back_url)
    data = form.cleaned_data
    action = BulkAction(
        action=data["action"],
        status=data["status"] if data["action"] == "status" else "",
        public_note=data["public_note"] if data["action"] != "assign" else "",
        internal_note=data["internal_note"] if data["action"] != "assign" else "",
        template=data["template"] if data["action"] != "assign" else "",
        assignee=data["assignee"] if data["action"] == "assign" else "",
        team_id=data["team"] if data["action"] == "assign" else None,
    )
    try:
        results = reports_bulk(actor=request.user, public_ids=request.POST.getlist("ids"), action=action)
    except ValidationFailed as exc:
        flash_error(request, exc)
        return redirect(back_url)
    done = sum(1 for r in results if r.ok)
    response = render(
        request,
        "staff/queue_bulk_result.html",
        {"results": results, "done": done, "failed": len(results) - done, "back_url": back_url},
    )
    return note_own_change(response) if done and action.action == "status" else response


@require_POST
@staff_only
def saved_filters(request: HttpRequest) -> HttpResponse:
    """Save the current filters under a name, rename or delete one of the person's own filters."""
    what = request.POST.get("action", "save")
    target = reverse("staff:queue")
    with flash_domain_errors(request):
        if what == "delete":
            saved_filter_delete(actor=request.user, filter_id=request.POST.get("filter", ""))
            messages.success(request, "Filter gelöscht.")
        elif what == "rename":
            saved = saved_filter_rename(
                actor=request.user, filter_id=request.POST.get("filter", ""), name=request.POST.get("name")
            )
            messages.success(request, f"Filter umbenannt in „{saved.name}“.")
        else:
            params = QueryDict(_back_query(request.POST.get("query", "")))
            queue_filter(params)  # the queue's own checks: a filter the queue would refuse is not saved
            saved = saved_filter_save(actor=request.user, name=request.POST.get("name"), params=params)
            messages.success(request, f"Filter „{saved.name}“ gespeichert.")
            target += f"?{saved.query}" if saved.query else ""
    return redirect(target)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(
        label="Priorität",
        choices=[(name, str(ReportPriority(value).label)) for name, value in PRIORITY_NAMES.items()],
    )


@require_POST
@staff_only
def report_priority(request: HttpRequest, public_id: str) -> HttpResponse:
    form = PriorityForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        with flash_domain_errors(request):
            report_set_priority(
                actor=request.user, public_id=public_id, priority=priority_from(form.cleaned_data["priority"])
            )
            messages.success(request, "Priorität gespeichert.")
    return redirect("staff:report", public_id=public_id)
