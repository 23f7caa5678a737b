"""The commune's fee schedule (Sondernutzungssatzung) on ``/verwaltung/einstellungen/gebuehren/``.

For the commune's admins only (``interfaces.staff.access``, and the services check the admin role
again). A version of another commune is 404 (``fee_schedule_in``), never 403. Works without JavaScript:
every change is a plain form that redirects back with a message; the preview is a GET form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.gis.geos import MultiPolygon
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from domains.permits.models import FeeSchedule, FeeUnit
from domains.permits.selectors import fee_schedule_in, fee_schedules_of, permit_kinds_for_tariffs
from domains.permits.services.fee_schedules import (
    fee_schedule_add_exemption,
    fee_schedule_add_zone,
    fee_schedule_create_draft,
    fee_schedule_current,
    fee_schedule_preview,
    fee_schedule_publish,
    fee_schedule_remove_exemption,
    fee_schedule_remove_tariff,
    fee_schedule_remove_zone,
    fee_schedule_set_tariff,
    fee_schedule_update,
)
from interfaces.staff.errors import flash_domain_errors, staff_only
from interfaces.staff.settings_views import _admin_organisation
from kernel.core.errors import ValidationFailed
from kernel.geo.vector_files import read_polygon_file
from kernel.organisations.models import Organisation, OrganisationKind

MB = 1024 * 1024
# A fee zone is a few streets to a town centre; a bigger file is the wrong one (the zone upload of
# issue 29.4, ``kernel/geo/vector_files.py``, reads GeoPackage and Shapefile as well).
ZONE_FILE_MAX_BYTES = 2 * MB


def _commune(request: HttpRequest) -> Organisation | None:
    org = _admin_organisation(request)
    if org.kind != OrganisationKind.COMMUNE or not org.ags:
        messages.info(request, "Eine Gebührensatzung gibt es nur für Gemeinden.")
        return None
    return org


def _page(org: Organisation, schedule: FeeSchedule | None = None) -> str:
    if schedule is None:
        return f"{reverse('staff:fee-schedules')}?organisation={org.pk}"
    return f"{reverse('staff:fee-schedule', args=[schedule.pk])}?organisation={org.pk}"


@staff_only
def fee_schedules(request: HttpRequest) -> HttpResponse:
    """The versions of the commune's Satzung; POST: a new draft copied from the version in force."""
    org = _commune(request)
    if org is None:
        return redirect("staff:settings")
    if request.method == "POST":
        with flash_domain_errors(request, only=ValidationFailed):
            draft = fee_schedule_create_draft(
                actor=request.user, organisation=org, values=request.POST.dict()
            )
            messages.success(request, f"Entwurf „{draft.title}“ angelegt.")
            return redirect(_page(org, draft))
        return redirect(_page(org))
    current = fee_schedule_current(org.ags)
    context = {"org": org, "versions": fee_schedules_of(org.ags), "current": current}
    return render(request, "staff/fee_schedules.html", context)


def _zone_upload(request: HttpRequest) -> dict[str, Any]:
    """The zone's outline: an uploaded GeoJSON, GeoPackage or zipped Shapefile (read by GDAL with the
    file's own EPSG code from the whitelist, ``kernel.geo.vector_files``; all its polygons form the one
    zone), else the GeoJSON text of the form."""
    upload = request.FILES.get("geojson_file")
    if upload is None:
        return {"geojson": request.POST.get("geojson", "")}
    read = read_polygon_file(upload, max_bytes=ZONE_FILE_MAX_BYTES)
    if not read.features:
        raise ValidationFailed({"geojson": ["Die Datei enthält keine Fläche."]})
    parts = [polygon for feature in read.features for polygon in feature.geometry]
    return {"geom": MultiPolygon(parts, srid=read.features[0].geometry.srid)}


def _change(request: HttpRequest, org: Organisation, schedule: FeeSchedule) -> str:
    """One change of a draft from the form named by ``form``; returns the success message."""
    who = {"actor": request.user, "organisation": org, "schedule": schedule}
    values = request.POST.dict()
    action = values.get("form", "")
    if action == "head":
        fee_schedule_update(**who, values=values)
        return "Angaben zur Satzung gespeichert."
    if action == "tariff":
        tariff = fee_schedule_set_tariff(**who, values=values)
        return f"Tarif „{tariff.kind.name}“ gespeichert."
    if action == "zone":
        zone = fee_schedule_add_zone(**who, values=values, **_zone_upload(request))
        return f"Gebührenzone „{zone.name}“ angelegt."
    if action == "exemption":
        exemption = fee_schedule_add_exemption(**who, values=values)
        return f"Befreiung „{exemption.reason}“ angelegt."
    removals = {
        "tariff-remove": (fee_schedule_remove_tariff, "Tarif entfernt."),
        "zone-remove": (fee_schedule_remove_zone, "Gebührenzone entfernt."),
        "exemption-remove": (fee_schedule_remove_exemption, "Befreiung entfernt."),
    }
    if action in removals:
        remove, done = removals[action]
        remove(**who, pk=values.get("pk", ""))
        return done
    raise ValidationFailed({"form": ["Unbekannte Änderung."]})


def _detail_context(org: Organisation, schedule: FeeSchedule, **extra: Any) -> dict[str, Any]:
    return {
        "org": org,
        "schedule": schedule,
        "tariffs": schedule.tariffs.select_related("kind").order_by("kind__order", "kind__name"),
        "zones": schedule.zones.order_by("name"),
        "exemptions": schedule.exemptions.all(),
        "kinds": permit_kinds_for_tariffs(org.pk),
        "units": FeeUnit.choices,
        **extra,
    }


@staff_only
def fee_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """One version: its tariffs, zones and exemptions; in a draft, the forms to change them."""
    org = _commune(request)
    if org is None:
        return redirect("staff:settings")
    schedule = fee_schedule_in(org.ags, pk)
    if request.method == "POST":
        with flash_domain_errors(request, only=ValidationFailed):
            messages.success(request, _change(request, org, schedule))
        return redirect(_page(org, schedule))
    return render(request, "staff/fee_schedule.html", _detail_context(org, schedule))


@staff_only
def fee_schedule_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The price of a sample application under this version (GET form; nothing is stored). Bad input
    answers 422 with the page and its German messages."""
    org = _commune(request)
    if org is None:
        return redirect("staff:settings")
    schedule = fee_schedule_in(org.ags, pk)
    values = request.GET.dict()
    try:
        preview = fee_schedule_preview(schedule=schedule, values=values)
    except ValidationFailed as exc:
        context = _detail_context(org, schedule, preview_errors=exc.errors, preview_values=values)
        return render(request, "staff/fee_schedule.html", context, status=422)
    context = _detail_context(org, schedule, preview=preview, preview_values=values)
    return render(request, "staff/fee_schedule.html", context)


@staff_only
@require_POST
def fee_schedule_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    org = _commune(request)
    if org is None:
        return redirect("staff:settings")
    schedule = fee_schedule_in(org.ags, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Bitte bestätigen, dass die Fassung veröffentlicht werden soll.")
        return redirect(_page(org, schedule))
    with flash_domain_errors(request, only=ValidationFailed):
        published = fee_schedule_publish(actor=request.user, organisation=org, schedule=schedule)
        messages.success(
            request,
            f"„{published.title}“ ist veröffentlicht; Anträge ab dem {published.valid_from:%d.%m.%Y} "
            "werden danach berechnet.",
        )
    return redirect(_page(org, schedule))
