"""Sign-in with a second factor and the TOTP page ``/verwaltung/zwei-faktor/``.

A person with a confirmed TOTP device is not logged in after the password: the session only remembers,
for 5 minutes and 3 tries, who passed the password step (``/anmelden/code/``), and the login happens
with the right code, or with one of the person's recovery codes (device lost,
``kernel.organisations.recovery_codes``). A wrong code of either kind counts as a failed login for django-axes
(same lockout as wrong passwords), on top of django-otp's growing delay between TOTP tries. An
organisation admin without a device is logged in and sent to enrolment; admin pages refuse to work until
this session is confirmed (``interfaces.staff.settings_views._admin_organisation``), and so does ``/admin/``
(``config.admin_site``).
The QR code is drawn here as SVG (segno), so the secret never leaves the server for a QR service.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django_otp import login as otp_login

from interfaces.staff.errors import staff_or_operator
from interfaces.staff.forms import LoginForm
from kernel.organisations.directory import directories_for_login
from kernel.organisations.invitations import invitations_pending_for
from kernel.organisations.recovery_codes import recovery_code_use, recovery_codes_left
from kernel.organisations.second_factor import (
    confirmed_device,
    second_factor_required,
    totp_device_confirm,
    totp_device_pending,
    totp_verify,
)

PENDING = "mm_login_pending"
PENDING_SECONDS = 300
MAX_CODE_TRIES = 3
WRONG_CODE = (
    "Der Code ist falsch oder schon verwendet. Bitte geben Sie den aktuellen sechsstelligen Code aus "
    "Ihrer Authenticator-App ein (nach einem Fehlversuch erst nach einigen Sekunden erneut)."
)
WRONG_RECOVERY_CODE = (
    "Der Wiederherstellungscode ist falsch oder schon verwendet. Jeder Code gilt nur einmal; bitte "
    "nehmen Sie einen anderen Code von Ihrer Liste."
)


class StaffLoginView(auth_views.LoginView):
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # "Anmelden über <Organisation>": organisations that let their staff sign in via their directory.
        return super().get_context_data(**kwargs) | {"directories": directories_for_login()}

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if confirmed_device(user) is not None:
            self.request.session.cycle_key()
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
                "tries": 0,
            }
            return redirect("login-code")
        response = super().form_valid(form)
        if invitations_pending_for(user).exists():  # consent first: an invitation waits for an answer
            return redirect("staff:invitations")
        if second_factor_required(user):
            messages.info(
                self.request, "Als Administration richten Sie bitte jetzt die Zwei-Faktor-Anmeldung ein."
            )
            return redirect(f"{reverse('staff:second-factor')}?{urlencode({'next': self.get_success_url()})}")
        return response


def _pending_user(request: HttpRequest) -> tuple[dict, Any] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (pending, user) if user is not None else None


def login_code(request: HttpRequest) -> HttpResponse:
    """Second step of the sign-in: the TOTP code of the person who just passed the password step, or one
    of their recovery codes. Both share the tries of this step and django-axes' lock-out."""
    found = _pending_user(request)
    device = confirmed_device(found[1]) if found else None
    if found is None or device is None:
        request.session.pop(PENDING, None)
        messages.error(request, "Bitte melden Sie sich erneut an.")
        return redirect("login")
    pending, user = found
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        del request.session[PENDING]
        return get_lockout_response(request, None, credentials)
    error = ""
    if request.method == "POST":
        recovery = request.POST.get("recovery_code", "")
        if recovery:
            accepted = recovery_code_use(user=user, code=recovery)
        else:
            accepted = totp_verify(device=device, code=request.POST.get("code", ""))
        if accepted:
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            # django-otp knows only devices: a recovery code confirms the session in the device's name.
            otp_login(request, device)
            return _signed_in(request, user, pending["next"], by_recovery_code=bool(recovery))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        pending["tries"] += 1
        if pending["tries"] >= MAX_CODE_TRIES or getattr(request, "axes_locked_out", False):
            del request.session[PENDING]
            messages.error(request, "Zu viele falsche Codes. Bitte melden Sie sich erneut an.")
            return redirect("login")
        request.session[PENDING] = pending
        error = WRONG_RECOVERY_CODE if recovery else WRONG_CODE
    return render(request, "registration/login_code.html", {"error": error}, status=400 if error else 200)


def _signed_in(request: HttpRequest, user: Any, next_url: str, *, by_recovery_code: bool) -> HttpResponse:
    if invitations_pending_for(user).exists():  # consent first: an invitation waits for an answer
        return redirect("staff:invitations")
    if not by_recovery_code:
        return redirect(next_url)
    messages.warning(
        request,
        f"Sie haben sich mit einem Wiederherstellungscode angemeldet; {recovery_codes_left(user)} "
        "Codes sind noch unbenutzt. Ist Ihr Gerät verloren, richten Sie bitte jetzt ein neues ein und "
        "erzeugen danach neue Wiederherstellungscodes.",
    )
    return redirect(f"{reverse('staff:second-factor')}?{urlencode({'next': next_url, 'neu': '1'})}")


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("staff:queue")


def _enrolment_context(request: HttpRequest) -> dict[str, Any]:
    device = totp_device_pending(user=request.user)
    qr = segno.make(device.config_url, error="m")
    return {
        # mark_safe: segno draws the SVG from our own otpauth URL (modules, no text from the user).
        "qr_svg": mark_safe(qr.svg_inline(scale=4, border=4)),
        "secret": base64.b32encode(device.bin_key).decode(),
    }


@staff_or_operator
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device (QR code + first code) or confirm this session with a code."""
    device = confirmed_device(request.user)
    verified = request.user.is_verified()
    next_url = _next_url(request)
    if request.method == "POST":
        code = request.POST.get("code", "")
        if device is not None and not verified:
            if totp_verify(device=device, code=code):
                otp_login(request, device)
                messages.success(request, "Anmeldung mit dem zweiten Faktor bestätigt.")
                return redirect(next_url)
        else:
            pending = totp_device_pending(user=request.user)
            if totp_device_confirm(user=request.user, device=pending, code=code):
                otp_login(request, pending)
                messages.success(request, "Die Zwei-Faktor-Anmeldung ist eingerichtet.")
                return redirect(next_url)
        messages.error(request, WRONG_CODE)
        return redirect(f"{request.path}?{urlencode({'next': next_url, 'neu': request.POST.get('neu', '')})}")
    context: dict[str, Any] = {
        "device": device,
        "verified": verified,
        "next": next_url,
        "required": second_factor_required(request.user),
        "enrol": device is None or (verified and request.GET.get("neu") == "1"),
        "recovery_codes_left": recovery_codes_left(request.user),
    }
    if context["enrol"]:
        context.update(_enrolment_context(request))
    return render(request, "staff/second_factor.html", context)
