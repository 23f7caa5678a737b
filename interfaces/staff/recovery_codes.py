"""``/verwaltung/zwei-faktor/wiederherstellungscodes/``: make ten recovery codes and see how many are left.

Making codes needs a confirmed device, a session confirmed with it *and* a TOTP code typed on this page.
Why a fresh code rather than "the session was confirmed recently": new codes are a lasting way past the
device, and a staff session lives for weeks (django-otp does not even record when it was confirmed); so
whoever mints them must hold the device now, not only an unlocked browser. The code is single-use and
slowed down after failures by django-otp like every TOTP code. The codes appear only in the answer to that
POST (not cached: ``never_cache``); the database keeps their hashes only.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from interfaces.staff.errors import SecondFactorRequired, staff_or_operator
from interfaces.staff.two_factor import WRONG_CODE
from kernel.organisations.recovery_codes import CODE_COUNT, recovery_codes_generate, recovery_codes_left
from kernel.organisations.second_factor import confirmed_device, totp_verify


@never_cache
@staff_or_operator
def recovery_codes(request: HttpRequest) -> HttpResponse:
    device = confirmed_device(request.user)
    if device is None:
        messages.info(request, "Richten Sie bitte zuerst die Zwei-Faktor-Anmeldung mit einer App ein.")
        return redirect("staff:second-factor")
    if not request.user.is_verified():
        raise SecondFactorRequired
    codes: list[str] = []
    if request.method == "POST":
        if not totp_verify(device=device, code=request.POST.get("code", "")):
            messages.error(request, WRONG_CODE)
            return redirect("staff:recovery-codes")
        codes = recovery_codes_generate(user=request.user)
    context = {"codes": codes, "left": recovery_codes_left(request.user), "count": CODE_COUNT}
    return render(request, "staff/recovery_codes.html", context)
