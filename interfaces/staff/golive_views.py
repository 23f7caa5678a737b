"""Going live (issue 29.6): the organisation admin's checklist, the recipient address's confirmation link,
and the platform operator's overview of all organisations with a CSV download.

The checklist is computed (``kernel.organisations.readiness``), never ticked here: each point links to
the settings page that fixes it. The operator page is for superusers only and answers in a fixed number
of queries for all 418 communes (bench/operator_page.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from interfaces.staff.errors import SecondFactorRequired, flash_domain_errors, operator_only, staff_only
from interfaces.staff.settings_views import _admin_organisation
from kernel.boundaries.models import District
from kernel.core.errors import ValidationFailed
from kernel.core.spreadsheet import safe_writer
from kernel.organisations.readiness import STATES, Readiness, checks, readiness_of, readiness_overview
from kernel.organisations.recipient_confirmation import (
    organisation_from_token,
    recipient_confirm,
    recipient_test_send,
)

PER_PAGE = 50


@staff_only
def readiness_page(request: HttpRequest) -> HttpResponse:
    """The admin's checklist; POST ``send_test`` mails the test to the address for new reports."""
    org = _admin_organisation(request)
    if request.method == "POST" and request.POST.get("action") == "send_test":
        with flash_domain_errors(request, only=ValidationFailed):
            recipient_test_send(actor=request.user, organisation=org)
            messages.success(request, f"Testmail an {org.email} gesendet. Bitte den Link darin öffnen.")
        return redirect(f"{request.path}?organisation={org.pk}")
    return render(request, "staff/readiness.html", {"org": org, "readiness": readiness_of(org)})


def recipient_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The test mail's link: GET asks (a mail scanner opening links confirms nothing), POST confirms.
    No sign-in: whoever reads the mailbox confirms that mail arrives. A wrong, expired or outdated link
    is a 400 with a German sentence."""
    try:
        org = organisation_from_token(token)
        if request.method == "POST":
            org = recipient_confirm(token=token)
            return render(request, "staff/recipient_confirm.html", {"org": org, "confirmed": True})
    except ValidationFailed as exc:
        return render(request, "staff/recipient_confirm.html", {"error": exc.message}, status=400)
    return render(request, "staff/recipient_confirm.html", {"org": org, "confirmed": org.email_confirmed})


@dataclass(frozen=True)
class Filters:
    q: str = ""
    district: str = ""
    state: str = ""
    missing: str = ""

    def query(self) -> str:
        return urlencode({k: v for k, v in self.__dict__.items() if v})


def _filters(request: HttpRequest) -> Filters:
    """The operator page's filters from the query string; a German ``ValidationFailed`` for bad values."""
    get = request.GET
    q = get.get("q", "").strip()
    district = get.get("district", "").strip()
    state = get.get("state", "").strip()
    missing = get.get("missing", "").strip()
    errors: dict[str, list[str]] = {}
    if len(q) > 100 or "\x00" in q:
        errors["q"] = ["Bitte höchstens 100 Zeichen als Suchbegriff angeben."]
    if district and not (district.isascii() and district.isdigit() and len(district) == 5):
        errors["district"] = ["Der Kreisschlüssel hat 5 Ziffern."]
    if state and state not in STATES:
        errors["state"] = ["Unbekannter Stand: bitte „startklar“ oder „in Vorbereitung“ wählen."]
    if missing and missing not in {c.key for c in checks()}:
        errors["missing"] = ["Unbekannter Punkt der Checkliste."]
    if errors:
        raise ValidationFailed(errors)
    return Filters(q=q, district=district, state=state, missing=missing)


def _operator_context(request: HttpRequest) -> dict:
    return {
        "districts": list(District.objects.current().order_by("name").values_list("ags", "name")),
        "states": STATES,
        "checks": checks(),
    }


@operator_only
def operator_page(request: HttpRequest) -> HttpResponse:
    """All organisations with their state and the points each still lacks, filtered and paginated."""
    if not request.user.is_verified():
        raise SecondFactorRequired
    context = _operator_context(request)
    try:
        filters = _filters(request)
    except ValidationFailed as exc:
        errors = [m for msgs in exc.errors.values() for m in msgs]
        context.update(filters=Filters(), errors=errors, page=None)
        return render(request, "staff/operator.html", context, status=400)
    rows = readiness_overview(**filters.__dict__)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("seite"))
    ready = sum(1 for r in rows if r.ready)
    context.update(filters=filters, page=page, total=len(rows), ready=ready)
    return render(request, "staff/operator.html", context)


CSV_HEADER = ["Organisation", "Art", "Schlüssel", "Stand", "Es fehlt", "Optional offen"]


def _csv_lines(rows: list[Readiness]) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = safe_writer(Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for r in rows:
        org = r.organisation
        optional = [p.label for p in r.points if not p.required and not p.done]
        yield writer.writerow(
            [
                org.name,
                org.get_kind_display(),
                org.ags,
                r.state_label,
                ", ".join(p.label for p in r.missing),
                ", ".join(optional),
            ]
        )


@operator_only
def operator_export(request: HttpRequest) -> HttpResponse:
    """The same rows as the page (same filters), all of them, as CSV for a spreadsheet."""
    if not request.user.is_verified():
        raise SecondFactorRequired
    try:
        filters = _filters(request)
    except ValidationFailed as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    rows = readiness_overview(**filters.__dict__)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="organisationen-startklar-{stamp}.csv"'
    return response
