"""Staff correct a report on its page (``/verwaltung/meldungen/<id>/``): "Kategorie ändern" and "Ort
korrigieren". Thin: parse the form, call ``domains.reports.services.correcting``, flash the outcome and
redirect — back to the report, or to the queue when the correction handed it to another organisation
(the report page would be a 404 for this person now). Without JavaScript the place is typed as latitude
and longitude; with it the report's map sets them (``static/js/map/staff.js``, ``correctionPicker``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from domains.reports.models import Report
from domains.reports.selectors import categories_active
from domains.reports.services import report_change_category, report_move
from domains.reports.staff_selectors import staff_reports
from interfaces.staff.errors import flash_domain_errors, flash_form_errors, staff_only
from kernel.core.errors import ValidationFailed
from shared.http.tile_cookie import note_own_change

REASON_HELP = gettext_lazy(
    "Nur für die Verwaltung sichtbar, z. B. „Foto zeigt die Laterne, nicht den Gehweg“."
)


class CategoryCorrectionForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("Neue Kategorie"),
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie eine Kategorie."),
            "invalid_choice": gettext_lazy(
                "Diese Kategorie gibt es nicht (mehr); bitte wählen Sie aus der Liste."
            ),
        },
    )
    drop_unfit = forms.BooleanField(
        label=gettext_lazy("Zusatzangaben, die zur neuen Kategorie nicht passen, entfernen"), required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Grund der Korrektur (intern)"),
        required=False,
        max_length=4000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, current: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("Bitte wählen")),
            *[(c.slug, c.name) for c in categories_active().order_by("name") if c.pk != current],
        ]


class LocationCorrectionForm(forms.Form):
    """Latitude and longitude as text: the service checks them and says what is wrong, in German."""

    lat = forms.CharField(label=gettext_lazy("Breitengrad (WGS84)"), max_length=40, required=False)
    lon = forms.CharField(label=gettext_lazy("Längengrad (WGS84)"), max_length=40, required=False)
    reason = forms.CharField(
        label=gettext_lazy("Grund der Korrektur (intern)"),
        required=False,
        max_length=4000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def correction_forms(report: Report, lat: float, lon: float) -> dict[str, forms.Form]:
    """The two forms of the report page, for its context."""
    return {
        "category_form": CategoryCorrectionForm(current=report.category_id, auto_id="id_cc_%s"),
        "location_form": LocationCorrectionForm(initial={"lat": lat, "lon": lon}, auto_id="id_lc_%s"),
    }


def _after(request: HttpRequest, public_id: str, report: Report | None, done: str) -> HttpResponse:
    if report is None:
        return redirect("staff:report", public_id=public_id)
    if not staff_reports(request.user).filter(pk=report.pk).exists():
        gone = _("Die Meldung %(id)s liegt jetzt bei %(org)s und ist aus Ihrer Arbeitsliste verschwunden.")
        messages.success(request, f"{done} {gone % {'id': public_id, 'org': report.organisation.name}}")
        return redirect("staff:queue")
    messages.success(request, done)
    return redirect("staff:report", public_id=public_id)


@require_POST
@staff_only
def correct_category(request: HttpRequest, public_id: str) -> HttpResponse:
    form = CategoryCorrectionForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("staff:report", public_id=public_id)
    report = None
    with flash_domain_errors(request):
        try:
            report = report_change_category(
                actor=request.user,
                public_id=public_id,
                category=form.cleaned_data["category"],
                drop_unfit=form.cleaned_data["drop_unfit"],
                note=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            if any(key.startswith("attributes[") for key in exc.errors):
                exc.errors["drop_unfit"] = [
                    _(
                        "Wählen Sie „Zusatzangaben, die zur neuen Kategorie nicht passen, entfernen“, "
                        "um diese Angaben zu verwerfen."
                    )
                ]
            raise
    return note_own_change(_after(request, public_id, report, _("Kategorie geändert.")))


@require_POST
@staff_only
def move(request: HttpRequest, public_id: str) -> HttpResponse:
    form = LocationCorrectionForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("staff:report", public_id=public_id)
    report = None
    with flash_domain_errors(request):
        report = report_move(
            actor=request.user,
            public_id=public_id,
            lon=form.cleaned_data["lon"],
            lat=form.cleaned_data["lat"],
            note=form.cleaned_data["reason"],
        )
    return note_own_change(_after(request, public_id, report, _("Ort korrigiert.")))
