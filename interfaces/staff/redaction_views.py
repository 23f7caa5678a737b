"""Staff black out areas of a report photo (issue 31.5): one page per photo, usable without JavaScript.

Without JavaScript staff type each box as x, y, width and height in pixels of the shown image (the page
states its size); with JavaScript (``static/staff/photo-redact.js``) dragging on the image, or the arrow
keys on a focused box, fills the same fields. Thin: the rule (who may, boxes inside the image, new names,
audit) is ``domains.reports.services.redaction.photo_redact``; a bad box re-renders the page with 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from domains.reports.models import ReportPhoto
from domains.reports.services.redaction import MAX_BOXES, photo_redact
from domains.reports.staff_selectors import staff_reports
from interfaces.staff.errors import staff_only
from kernel.core.errors import NotFound, ValidationFailed
from kernel.organisations.scoping import get_visible, require_manager

ROWS = 4  # rows of the no-JS form; the script adds more (up to MAX_BOXES)
FIELDS = ("x", "y", "w", "h")


def _rows(data: dict) -> list[list[str]]:
    """Every row of ``box-N-x`` … fields; rows left wholly empty are skipped."""
    rows = []
    for index in range(MAX_BOXES):
        row = [str(data.get(f"box-{index}-{name}", "")).strip() for name in FIELDS]
        if any(row):
            rows.append(row)
    return rows


def _form_rows(data: dict | None) -> list[dict]:
    count = ROWS
    if data:
        filled = [i for i in range(MAX_BOXES) if any(data.get(f"box-{i}-{n}") for n in FIELDS)]
        count = max(ROWS, (max(filled) + 1) if filled else 0)
    return [
        {"index": i, "values": {n: (data or {}).get(f"box-{i}-{n}", "") for n in FIELDS}}
        for i in range(count)
    ]


@require_http_methods(["GET", "POST"])
@staff_only
def photo_redact_page(request: HttpRequest, public_id: str, photo_id: int) -> HttpResponse:
    report = get_visible(request.user, staff_reports(request.user), public_id=public_id)
    require_manager(request.user, report)
    photo = ReportPhoto.objects.filter(report=report, pk=photo_id).first()
    if photo is None:
        raise NotFound("Foto nicht gefunden.")
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            photo_redact(
                actor=request.user, public_id=public_id, photo_id=photo_id, boxes=_rows(request.POST)
            )
        except ValidationFailed as exc:
            errors = [msg for msgs in exc.errors.values() for msg in msgs]
            status = 400
        else:
            messages.success(
                request,
                _("Foto geschwärzt. Die öffentliche Fassung hat eine neue Adresse, die alte ist gelöscht."),
            )
            return redirect("staff:report", public_id=public_id)
    context = {
        "report": report,
        "photo": photo,
        "rows": _form_rows(request.POST if request.method == "POST" else None),
        "errors": errors,
        "max_boxes": MAX_BOXES,
    }
    return render(request, "staff/photo_redact.html", context, status=status)
