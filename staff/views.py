"""Staff pages. Thin: parse the request, call selectors/services, render. Every lookup goes through
``organisations.scoping`` (other organisations' reports are 404)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from api.filters import queue_filter
from api.params import ascii_digits
from core.errors import DomainError, NotFound, ValidationFailed
from geo.coords import CoordinateError, parse_lon_lat, to_api
from organisations.models import Membership, Organisation, OrganisationKind, ResponsibilityArea, Role, Team
from organisations.scoping import get_visible, managed_organisations, require_admin, role_in, scope_of
from organisations.services import (
    area_create,
    area_deactivate,
    membership_end,
    membership_set,
    organisation_set_email,
)
from reports.models import Category, CommuneCategorySetting, Report
from reports.services import (
    PhotoUpload,
    assignable_members,
    category_setting_set,
    report_assign,
    report_change_status,
    report_crew_update,
    report_forward,
    report_mark_duplicate,
    report_moderate,
)
from reports.staff_selectors import (
    QueueFilter,
    overdue_counts,
    report_audit,
    staff_history,
    staff_queue,
    staff_reports,
)
from reports.staff_selectors import (
    crew_jobs as crew_jobs_selector,
)
from reports.workflow import REPORT_WORKFLOW
from staff.forms import (
    AreaForm,
    AssignForm,
    CategorySettingForm,
    CrewUpdateForm,
    DuplicateForm,
    ForwardForm,
    MemberForm,
    ModerateForm,
    StatusForm,
)


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in (else to the login page) and member of an organisation (else 403); DomainErrors → pages."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scope_of(request.user).is_staff:
            return HttpResponseForbidden(render_to_string("staff/forbidden.html", request=request))
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return HttpResponse(render_to_string("staff/not_found.html", request=request), status=404)
        except DomainError as exc:
            if exc.status_code == 403:
                return HttpResponseForbidden(
                    render_to_string("staff/forbidden.html", {"message": exc.message}, request=request)
                )
            raise

    return wrapper


def _flash_error(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
    else:
        messages.error(request, exc.message)


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
    scope = scope_of(request.user)
    if not scope.manager_org_ids:
        return redirect("staff:crew")
    try:
        flt = queue_filter(request.GET)
    except ValidationFailed as exc:
        _flash_error(request, exc)
        flt = QueueFilter()
    qs = staff_queue(request.user, flt)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
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
            "categories": Category.objects.filter(active=True),
            "organisations": managed_organisations(request.user),
            "statuses": REPORT_WORKFLOW.states.choices,
            "map_data": _queue_geojson(list(page.object_list)),
        },
    )


@staff_only
def queue_export(request: HttpRequest) -> HttpResponse:
    """The queue with the same filters as the page, as CSV (at most 10,000 rows)."""
    from django.http import StreamingHttpResponse

    from staff.exports import queue_rows

    try:
        flt = queue_filter(request.GET)
    except ValidationFailed as exc:
        _flash_error(request, exc)
        return redirect("staff:queue")
    reports = staff_queue(request.user, flt)[:10_000]
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
        "history": staff_history(obj),
        "audit": report_audit(obj),
        "photos": obj.photos.order_by("position", "id"),
        "allowed": REPORT_WORKFLOW.allowed(obj.status),
    }
    if manager:
        members = assignable_members(obj)
        context.update(
            status_form=StatusForm(
                initial={"status": (REPORT_WORKFLOW.allowed(obj.status) or [obj.status])[0]}
            ),
            assign_form=AssignForm(
                members=members,
                teams=Team.objects.filter(organisation_id=obj.organisation_id),
                initial={
                    "assignee": obj.assignee.username if obj.assignee else "",
                    "team": obj.team_id or "",
                },
            ),
            forward_form=ForwardForm(
                organisations=Organisation.objects.filter(active=True)
                .exclude(pk=obj.organisation_id)
                .order_by("name")
            ),
            duplicate_form=DuplicateForm(),
            moderate_form=ModerateForm(photos=context["photos"]),
        )
    return render(request, "staff/report.html", context)


def _post_action(
    request: HttpRequest, public_id: str, form: Any, action: Callable[[dict], Any], success: str
) -> HttpResponse:
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(public_id)
    try:
        action(form.cleaned_data)
    except ValidationFailed as exc:
        _flash_error(request, exc)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        _flash_error(request, exc)
    else:
        messages.success(request, success)
    return _back(public_id)


@require_POST
@staff_only
def change_status(request: HttpRequest, public_id: str) -> HttpResponse:
    return _post_action(
        request,
        public_id,
        StatusForm(request.POST),
        lambda d: report_change_status(
            actor=request.user,
            public_id=public_id,
            status=d["status"],
            public_note=d["public_note"],
            internal_note=d["internal_note"],
        ),
        "Status geändert.",
    )


@require_POST
@staff_only
def assign(request: HttpRequest, public_id: str) -> HttpResponse:
    obj = get_visible(request.user, staff_reports(request.user), public_id=public_id)
    form = AssignForm(
        request.POST,
        members=assignable_members(obj),
        teams=Team.objects.filter(organisation_id=obj.organisation_id),
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
def forward(request: HttpRequest, public_id: str) -> HttpResponse:
    form = ForwardForm(request.POST, organisations=Organisation.objects.filter(active=True))
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
    return _post_action(
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


# --- settings (admins) ----------------------------------------------------------------------------


def _admin_organisation(request: HttpRequest) -> Organisation:
    """The organisation being configured: ?organisation=<id> among the user's admin organisations."""
    admin_ids = scope_of(request.user).admin_org_ids
    if not admin_ids:
        from organisations.scoping import Forbidden

        raise Forbidden("Einstellungen sind der Administration vorbehalten.")
    wanted = request.GET.get("organisation") or request.POST.get("organisation") or ""
    org_id = (
        int(wanted) if ascii_digits(wanted, max_digits=18) and int(wanted) in admin_ids else min(admin_ids)
    )
    return Organisation.objects.get(pk=org_id)


@staff_only
def settings_page(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    if request.method == "POST":
        try:
            organisation_set_email(actor=request.user, organisation=org, email=request.POST.get("email", ""))
            messages.success(request, "E-Mail-Adresse gespeichert.")
        except ValidationFailed as exc:
            _flash_error(request, exc)
        return redirect(f"{request.path}?organisation={org.pk}")
    return render(
        request,
        "staff/settings.html",
        {"org": org, "admin_orgs": Organisation.objects.filter(pk__in=scope_of(request.user).admin_org_ids)},
    )


@staff_only
def category_settings(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    if org.kind != OrganisationKind.COMMUNE:
        messages.info(request, "Kategorie-Einstellungen gibt es nur für Gemeinden.")
        return redirect("staff:settings")
    categories = list(Category.objects.filter(active=True).select_related("group"))
    settings_by_cat = {s.category_id: s for s in CommuneCategorySetting.objects.filter(ags=org.ags)}
    if request.method == "POST":
        category = next((c for c in categories if c.slug == request.POST.get("category")), None)
        form = CategorySettingForm(request.POST)
        if category is None:
            messages.error(request, "Unbekannte Kategorie.")
        elif form.is_valid():
            try:
                category_setting_set(
                    actor=request.user,
                    organisation=org,
                    category=category,
                    enabled=form.cleaned_data["enabled"],
                    recipient_email=form.cleaned_data["recipient_email"] or "",
                    sla_days=form.cleaned_data["sla_days"],
                )
                messages.success(request, f"„{category.name}“ gespeichert.")
            except ValidationFailed as exc:
                _flash_error(request, exc)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(f"{request.path}?organisation={org.pk}")
    rows = []
    for category in categories:
        setting = settings_by_cat.get(category.pk)
        rows.append({"category": category, "setting": setting})
    return render(request, "staff/category_settings.html", {"org": org, "rows": rows})


@staff_only
def members(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("end"):
                membership = Membership.objects.get(pk=int(request.POST["end"]), organisation=org)
                membership_end(actor=request.user, membership=membership)
                messages.success(request, "Mitgliedschaft beendet.")
            elif form.is_valid():
                membership_set(
                    actor=request.user,
                    organisation=org,
                    username=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                    team=form.cleaned_data["team"],
                )
                messages.success(request, "Mitglied gespeichert.")
            else:
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
        except (Membership.DoesNotExist, ValueError):
            messages.error(request, "Unbekannte Mitgliedschaft.")
        except ValidationFailed as exc:
            _flash_error(request, exc)
        except NotFound as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?organisation={org.pk}")
    memberships = (
        Membership.objects.filter(organisation=org)
        .select_related("user", "team")
        .order_by("-active", "user__username")
    )
    return render(
        request, "staff/members.html", {"org": org, "memberships": memberships, "form": MemberForm()}
    )


@staff_only
def areas(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    categories = list(Category.objects.filter(active=True))
    if request.method == "POST":
        if request.POST.get("deactivate"):
            wanted = request.POST["deactivate"]
            area = (
                ResponsibilityArea.objects.filter(pk=int(wanted), organisation=org).first()
                if ascii_digits(wanted, max_digits=18)
                else None
            )
            if area is None:
                messages.error(request, "Unbekannter Bereich.")
            else:
                area_deactivate(actor=request.user, area=area)
                messages.success(request, "Bereich deaktiviert.")
            return redirect(f"{request.path}?organisation={org.pk}")
        form = AreaForm(request.POST, request.FILES, categories=categories)
        if form.is_valid():
            upload = form.cleaned_data["geojson"]
            try:
                if upload.size > 2 * 1024 * 1024:
                    raise ValidationFailed({"geojson": ["Die GeoJSON-Datei darf höchstens 2 MB groß sein."]})
                by_slug = {c.slug: c.pk for c in categories}
                area_create(
                    actor=request.user,
                    organisation=org,
                    name=form.cleaned_data["name"],
                    geometry=upload.read(),
                    priority=form.cleaned_data["priority"],
                    category_ids=[by_slug[s] for s in form.cleaned_data["categories"]],
                    all_categories=form.cleaned_data["all_categories"],
                )
                messages.success(request, "Bereich angelegt.")
                return redirect(f"{request.path}?organisation={org.pk}")
            except ValidationFailed as exc:
                _flash_error(request, exc)
    else:
        form = AreaForm(categories=categories)
    area_list = (
        ResponsibilityArea.objects.filter(organisation=org).prefetch_related("categories").defer("geom")
    )
    return render(request, "staff/areas.html", {"org": org, "areas": area_list, "form": form})


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
            "sorted_by_distance": near is not None,
            "position": _device_position(request.GET) if near is not None else "",
        },
    )


@staff_only
def crew_job(request: HttpRequest, public_id: str) -> HttpResponse:
    job = get_visible(request.user, staff_reports(request.user), public_id=public_id)
    if request.method == "POST":
        form = CrewUpdateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["photo"]
            try:
                report_crew_update(
                    actor=request.user,
                    public_id=public_id,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    photo=PhotoUpload(file=upload, name=upload.name, size=upload.size) if upload else None,
                )
                messages.success(
                    request, "Gespeichert: " + REPORT_WORKFLOW.label(form.cleaned_data["status"])
                )
                position = _device_position(request.GET)
                return redirect(reverse("staff:crew") + (f"?{position}" if position else ""))
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                _flash_error(request, exc)
        else:
            messages.error(request, "Bitte „In Arbeit“ oder „Erledigt“ wählen.")
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
        },
    )


__all__ = ["queue", "report", "require_admin"]
