"""``/verwaltung/einladungen/``: the signed-in person's pending invitations, to accept or decline.

Login only, not ``staff_only``: a person invited into their first organisation is no member yet.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from interfaces.staff.errors import flash_domain_errors
from kernel.core.errors import ValidationFailed
from kernel.organisations.invitations import invitation_answer, invitations_pending_for
from shared.http.params import ascii_digits


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        accept = "accept" in request.POST
        wanted = request.POST.get("accept") or request.POST.get("decline") or ""
        with flash_domain_errors(request, only=ValidationFailed):
            if not ascii_digits(wanted, max_digits=18):
                raise ValidationFailed({"invitation": ["Unbekannte Einladung."]})
            invitation = invitation_answer(user=request.user, invitation_id=int(wanted), accept=accept)
            if accept:
                messages.success(request, f"Sie sind jetzt Mitglied von {invitation.organisation.name}.")
            else:
                messages.success(request, f"Einladung von {invitation.organisation.name} abgelehnt.")
        return redirect("staff:invitations")
    return render(request, "staff/invitations.html", {"invitations": invitations_pending_for(request.user)})
