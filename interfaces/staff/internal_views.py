"""Staff mark a report "intern" (and back), or release one held for review, from its page: one POST each,
no JavaScript needed.

Thin: the form is parsed here, the rule (who may, what changes, history, audit, counts, tiles) is
``domains.reports.services.visibility.report_set_internal`` and ``domains.reports.services.review.
report_release``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from domains.reports.services.review import report_release
from domains.reports.services.visibility import REASON_MAX, report_set_internal
from interfaces.staff.errors import flash_domain_errors, flash_form_errors, staff_only
from shared.http.tile_cookie import note_own_change

CHOICE_MESSAGE = gettext_lazy("Bitte wählen Sie „intern“ oder „wieder öffentlich“.")


class InternalForm(forms.Form):
    """``internal``: "1" marks internal, "0" makes public again (the page shows the one button that fits)."""

    internal = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")],
        coerce=lambda value: value == "1",
        empty_value=None,
        error_messages=dict.fromkeys(("required", "invalid_choice"), CHOICE_MESSAGE),
    )
    reason = forms.CharField(
        label=gettext_lazy("Grund (nur im internen Verlauf)"), required=False, max_length=REASON_MAX
    )


@require_POST
@staff_only
def report_internal(request: HttpRequest, public_id: str) -> HttpResponse:
    form = InternalForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        internal = form.cleaned_data["internal"]
        with flash_domain_errors(request):
            report_set_internal(
                actor=request.user, public_id=public_id, internal=internal, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("Die Meldung ist jetzt intern und in keiner öffentlichen Ausgabe mehr zu sehen.")
                if internal
                else _("Die Meldung ist wieder öffentlich."),
            )
    # The tile cookie: this browser's map fetches fresh tiles, the report's badge count has changed.
    return note_own_change(redirect("staff:report", public_id=public_id))


@require_POST
@staff_only
def report_release_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """„Freigeben“: a report held for review becomes public everywhere (a second click changes nothing)."""
    with flash_domain_errors(request):
        report_release(actor=request.user, public_id=public_id)
        messages.success(request, _("Die Meldung ist freigegeben und jetzt öffentlich zu sehen."))
    return note_own_change(redirect("staff:report", public_id=public_id))
