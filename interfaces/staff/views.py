"""Staff pages for reports: the work queue, a report and its actions, the crew's (Bauhof) job list.
Thin: parse the request, call selectors/services, render. Every lookup goes through
``kernel.organisations.scoping`` (other organisations' reports are 404). The admins' settings pages are in
``interfaces.staff.settings_views``, permits in ``interfaces.staff.permit_views``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from domains.reports.deadlines import report_is_overdue
from domains.reports.models import Report
from domains.reports.participation.selectors import note_template_choices, questionnaire_of, staff_updates
from domains.reports.selectors import categories_active
from domains.reports.services import (
    PhotoUpload,
    assignable_members,
    report_assign,
    report_change_status,
    report_crew_update,
    report_forward,
    report_mark_duplicate,
    report_moderate,
)
from domains.reports.services.crew import CREW_UNDO_MINUTES, report_crew_undo
from domains.reports.services.inquiries import inquiry_ask
from domains.reports.staff_selectors import (
    QueueFilter,
    crew_recently_resolved,
    overdue_counts,
    report_audit,
    staff_history,
    staff_queue,
    staff_reports,
)
from domains.reports.staff_selectors import (
    crew_jobs as crew_jobs_selector,
)
from domains.reports.workflow import ASKING_FROM, PRIORITY_NAME_OF, REPORT_WORKFLOW, ReportStatus
from interfaces.staff.access import Duty, duties_of, start_page
from interfaces.staff.correction_views import correction_forms
from interfaces.staff.errors import flash_domain_errors, flash_error, flash_form_errors, staff_only
from interfaces.staff.exports import queue_rows
from interfaces.staff.forms import (
    CREW_STATUSES,
    AssignForm,
    CrewUpdateForm,
    DuplicateForm,
    ForwardForm,
    InquiryForm,
    ModerateForm,
    StatusForm,
)
from interfaces.staff.handoff_views import handoff_context
from interfaces.staff.maps import staff_map_config
from interfaces.staff.queue_views import PriorityForm, queue_tools
from kernel.core.errors import ValidationFailed
from kernel.geo.coords import CoordinateError, parse_lon_lat, to_api
from kernel.organisations.models import Role
from kernel.organisations.scoping import get_visible, managed_organisations, require_admin, role_in
from kernel.organisations.selectors import forward_targets, member_labels, organisations_active, teams_of
from shared.http.filters import queue_filter
from shared.http.tile_cookie import note_own_change

# At most this many rows in the CSV export: a spreadsheet, not a backup.
QUEUE_EXPORT_MAX_ROWS = 10_000


def _back(public_id: str) -> HttpResponse:
    return redirect("staff:report", public_id=public_id)


def _queue_geojson(reports: list[Report]) -> dict:
    features = []
    for r in reports:
        point = to_api(r.location)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]},
                "properties": {
                    "id": r.public_id,
                    "category": r.category.name,
                    "status": r.status,
                    "status_label": REPORT_WORKFLOW.label(r.status),
                    "overdue": bool(getattr(r, "is_overdue", False)),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@staff_only
def queue(request: HttpRequest) -> HttpResponse:
    if Duty.MANAGE not in duties_of(request.user):  # /verwaltung/ is everybody's start address
        return redirect(f"staff:{start_page(request.user)}")
    try:
        flt = queue_filter(request.GET)
    except ValidationFailed as exc:
        flash_error(request, exc)
        flt = QueueFilter()
    qs = staff_queue(request.user, flt)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = list(page)  # evaluates the page once; the template iterates the same list
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "staff/queue.html",
        {
            "page": page,
            "filter": flt,
            "params": params.urlencode(),
            "counts": overdue_counts(request.user),
            "categories": categories_active(),
            "organisations": managed_organisations(request.user),
            "statuses": REPORT_WORKFLOW.states.choices,
            "map_data": _queue_geojson(rows),
            "map_config": staff_map_config(),
            "people": member_labels((r.assignee_id, r.organisation_id) for r in rows),
            "query": urlencode([(k, v) for k, v in params.items() if v]),
            "back": request.GET.urlencode(),
            **queue_tools(request.user),
        },
    )


@staff_only
def queue_export(request: HttpRequest) -> HttpResponse:
    """The queue with the same filters as the page, as CSV (at most 10,000 rows)."""
    try:
        flt = queue_filter(request.GET)
    except ValidationFailed as exc:
        flash_error(request, exc)
        return redirect("staff:queue")
    reports = staff_queue(request.user, flt)[:QUEUE_EXPORT_MAX_ROWS]
    response = StreamingHttpResponse(
        queue_rows(reports.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="arbeitsliste.csv"'
    return response


@staff_only
def report(request: HttpRequest, public_id: str) -> HttpResponse:
    obj = get_visible(request.user, staff_reports(request.user), public_id=public_id)
    role = role_in(request.user, obj.organisation_id)
    manager = role in (Role.ADMIN, Role.CASEWORKER)
    point = to_api(obj.location)
    context = {
        "report": obj,
        "role": role,
        "manager": manager,
        "lon": round(point.x, 6),
        "lat": round(point.y, 6),
        "history": staff_history(obj, request.user),
        "audit": report_audit(obj, request.user),
        "photos": obj.photos.order_by("position", "id"),
        # „Rückfrage“ is reached only through its own form (with the question), not the status list.
        "allowed": [s for s in REPORT_WORKFLOW.allowed(obj.status) if s != ReportStatus.INQUIRY],
        "inquiries": list(obj.inquiries.order_by("-asked", "-id")),
        "can_ask": obj.status in ASKING_FROM,
        "updates": staff_updates(obj),
        "questionnaire": questionnaire_of(obj),
        "note_templates": note_template_choices(obj),
        "map_config": staff_map_config(),
        "overdue": report_is_overdue(obj),
    }
    context["people"] = member_labels(
        (user_id, obj.organisation_id)
        for user_id in [
            obj.assignee_id,
            *(h.by_user_id for h in context["history"]),
            *(e.actor_id for e in context["audit"]),
        ]
    )
    if manager:
        members = assignable_members(obj)
        context.update(
            status_form=StatusForm(initial={"status": (context["allowed"] or [obj.status])[0]}),
            inquiry_form=InquiryForm(),
            assign_form=AssignForm(
                members=members,
                teams=teams_of(obj.organisation_id),
                roles={
                    user_id: label["role"]
                    for (user_id, _org), label in member_labels(
                        (m.pk, obj.organisation_id) for m in members
                    ).items()
                },
                initial={
                    "assignee": obj.assignee.username if obj.assignee else "",
                    "team": obj.team_id or "",
                },
            ),
            forward_form=ForwardForm(organisations=forward_targets(obj.organisation_id)),
            duplicate_form=DuplicateForm(),
            priority_form=PriorityForm(initial={"priority": PRIORITY_NAME_OF[obj.priority]}),
            moderate_form=ModerateForm(photos=context["photos"]),
            **correction_forms(obj, context["lat"], context["lon"]),
            **handoff_context(obj, request.user),
        )
    return render(request, "staff/report.html", context)


def _post_action(
    request: HttpRequest, public_id: str, form: Any, action: Callable[[dict], Any], success: str
) -> HttpResponse:
    if not form.is_valid():
        flash_form_errors(request, form)
        return _back(public_id)
    with flash_domain_errors(request):
        action(form.cleaned_data)
        messages.success(request, success)
    return _back(public_id)


@require_POST
@staff_only
def change_status(request: HttpRequest, public_id: str) -> HttpResponse:
    return note_own_change(
        _post_action(
            request,
            public_id,
            StatusForm(request.POST),
            lambda d: report_change_status(
                actor=request.user,
                public_id=public_id,
                status=d["status"],
                public_note=d["public_note"],
                internal_note=d["internal_note"],
                template=d["template"],
            ),
            "Status geändert.",
        )
    )


@require_POST
@staff_only
def assign(request: HttpRequest, public_id: str) -> HttpResponse:
    obj = get_visible(request.user, staff_reports(request.user), public_id=public_id)
    form = AssignForm(
        request.POST,
        members=assignable_members(obj),
        teams=teams_of(obj.organisation_id),
    )
    return _post_action(
        request,
        public_id,
        form,
        lambda d: report_assign(
            actor=request.user,
            public_id=public_id,
            assignee=d["assignee"] or None,
            team_id=int(d["team"] or 0) or None,
        ),
        "Zuweisung gespeichert.",
    )


@require_POST
@staff_only
def inquiry(request: HttpRequest, public_id: str) -> HttpResponse:
    """Rückfrage stellen: the reporter gets the question by mail; the case waits in „Rückfrage“."""
    return note_own_change(
        _post_action(
            request,
            public_id,
            InquiryForm(request.POST),
            lambda d: inquiry_ask(
                actor=request.user,
                public_id=public_id,
                question=d["question"],
                public_answer=d["visibility"] == "public",
            ),
            "Rückfrage gestellt: Die meldende Person erhält sie per E-Mail.",
        )
    )


@require_POST
@staff_only
def forward(request: HttpRequest, public_id: str) -> HttpResponse:
    form = ForwardForm(request.POST, organisations=organisations_active())
    return _post_action(
        request,
        public_id,
        form,
        lambda d: report_forward(
            actor=request.user,
            public_id=public_id,
            organisation_id=int(d["organisation"]),
            reason=d["reason"],
        ),
        "Meldung weitergeleitet.",
    )


@require_POST
@staff_only
def duplicate(request: HttpRequest, public_id: str) -> HttpResponse:
    return note_own_change(
        _post_action(
            request,
            public_id,
            DuplicateForm(request.POST),
            lambda d: report_mark_duplicate(
                actor=request.user,
                public_id=public_id,
                original_id=d["original"].strip().upper(),
                public_note=d["public_note"],
            ),
            "Als Dublette markiert; Unterstützer wurden übertragen.",
        )
    )


@require_POST
@staff_only
def moderate(request: HttpRequest, public_id: str) -> HttpResponse:
    obj = get_visible(request.user, staff_reports(request.user), public_id=public_id)
    form = ModerateForm(request.POST, photos=obj.photos.order_by("position", "id"))

    def action(d: dict) -> None:
        choice = d["hide_description"]
        report_moderate(
            actor=request.user,
            public_id=public_id,
            reason=d["reason"],
            hide_description={"hide": True, "show": False}.get(choice),
            photo_ids=[int(p) for p in d["photos"]],
            hide_photos=d["photo_action"] != "show",
        )

    return _post_action(request, public_id, form, action, "Moderation gespeichert.")


# --- crew (Bauhof) ----------------------------------------------------------------------------------


def _device_position(params: Any) -> str:
    """``lat=…&lon=…`` of the device, if ``params`` hold a readable position, else "" — carried from the
    sorted list through a job and back, so the list stays sorted by distance after every update."""
    try:
        point = parse_lon_lat(params.get("lon", ""), params.get("lat", ""))
    except CoordinateError:
        return ""
    return urlencode({"lat": f"{point.y:.6f}", "lon": f"{point.x:.6f}"})


@staff_only
def crew_jobs(request: HttpRequest) -> HttpResponse:
    near = None
    if request.GET.get("lat") and request.GET.get("lon"):
        try:
            near = parse_lon_lat(request.GET["lon"], request.GET["lat"])
        except CoordinateError:
            messages.error(request, "Der Standort des Geräts konnte nicht gelesen werden.")
    jobs = list(crew_jobs_selector(request.user, near=near)[:200])
    for job in jobs:
        point = to_api(job.location)
        job.lon, job.lat = round(point.x, 6), round(point.y, 6)
    return render(
        request,
        "staff/crew.html",
        {
            "jobs": jobs,
            "just_resolved": list(crew_recently_resolved(request.user)[:20]),
            "undo_minutes": CREW_UNDO_MINUTES,
            "sorted_by_distance": near is not None,
            "position": _device_position(request.GET) if near is not None else "",
        },
    )


def _back_to_crew(request: HttpRequest) -> HttpResponse:
    position = _device_position(request.GET)
    return note_own_change(redirect(reverse("staff:crew") + (f"?{position}" if position else "")))


@staff_only
def crew_job(request: HttpRequest, public_id: str) -> HttpResponse:
    job = get_visible(request.user, staff_reports(request.user), public_id=public_id)
    if request.method == "POST":
        form = CrewUpdateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["photo"]
            with flash_domain_errors(request):
                report_crew_update(
                    actor=request.user,
                    public_id=public_id,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    note_public=form.cleaned_data["note_visibility"] == "public",
                    photo=PhotoUpload(file=upload, name=upload.name, size=upload.size) if upload else None,
                    template=form.cleaned_data["template"],
                )
                messages.success(
                    request, "Gespeichert: " + REPORT_WORKFLOW.label(form.cleaned_data["status"])
                )
                return _back_to_crew(request)
        else:
            flash_form_errors(request, form)
        return redirect("staff:crew-job", public_id=public_id)
    point = to_api(job.location)
    return render(
        request,
        "staff/crew_job.html",
        {
            "job": job,
            "lon": round(point.x, 6),
            "lat": round(point.y, 6),
            "photos": job.photos.filter(hidden=False),
            "device": _device_position(request.GET),
            "note_templates": note_template_choices(job),
            "statuses": CREW_STATUSES,
            "undo": crew_recently_resolved(request.user).filter(pk=job.pk).exists(),
            "overdue": report_is_overdue(job),
        },
    )


@require_POST
@staff_only
def crew_job_undo(request: HttpRequest, public_id: str) -> HttpResponse:
    """The "Rückgängig" after "Erledigt": the job is open again (``report_crew_undo``, audited)."""
    with flash_domain_errors(request):
        report_crew_undo(actor=request.user, public_id=public_id)
        messages.success(request, f"Rückgängig gemacht: {public_id} ist wieder „In Bearbeitung“.")
    return _back_to_crew(request)


__all__ = ["queue", "report", "require_admin"]
