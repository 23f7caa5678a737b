"""``/verwaltung/einladung/<token>/``: the page of a mailed invitation link, no sign-in needed.

Three answers for an open link: a signed-in person confirms the membership with a button naming the
organisation; an anonymous visitor whose address already has an account is asked to sign in first (and
comes back here); everybody else chooses a user name and password. An admin then sets up the second
factor before any other staff page (``ENROL_FIRST``, enforced by ``staff_only``). A used, revoked or
expired link is a page saying so (410), an unknown one 400; nothing is saved then.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from interfaces.staff.access import start_page
from interfaces.staff.errors import ENROL_FIRST
from interfaces.staff.forms import InvitationAccountForm
from kernel.core.errors import ValidationFailed
from kernel.organisations.email_invitations import (
    InvitationGone,
    InvitationUnknown,
    account_exists_for,
    invitation_accept_existing,
    invitation_accept_new,
    invitation_by_token,
    invitation_decline,
)
from kernel.organisations.models import Invitation, Membership, Role
from kernel.organisations.second_factor import confirmed_device

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _gone(request: HttpRequest, exc: InvitationGone | InvitationUnknown) -> HttpResponse:
    return render(request, "staff/invitation_gone.html", {"message": exc.message}, status=exc.status_code)


def _after_joining(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The first page after joining: an admin without a confirmed session goes to the second factor."""
    messages.success(request, f"Willkommen! Sie sind jetzt Mitglied von {membership.organisation.name}.")
    first = reverse(f"staff:{start_page(request.user)}")
    # A user logged in during this request lacks django-otp's ``is_verified`` (set by its middleware).
    verified = getattr(request.user, "is_verified", lambda: False)()
    if membership.role == Role.ADMIN and not verified:
        request.session[ENROL_FIRST] = True
        if confirmed_device(request.user) is None:
            messages.info(request, "Als Administration richten Sie jetzt die Zwei-Faktor-Anmeldung ein.")
        return redirect(f"{reverse('staff:second-factor')}?{urlencode({'next': first})}")
    return redirect(first)


def _page(request: HttpRequest, invitation: Invitation, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    context.update(invitation=invitation, organisation=invitation.organisation)
    return render(request, "staff/invitation_link.html", context, status=status)


@never_cache
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_by_token(token)
    except (InvitationGone, InvitationUnknown) as exc:
        return _gone(request, exc)
    signed_in = request.user.is_authenticated
    if request.method == "POST" and request.POST.get("action") == "decline":
        try:
            invitation_decline(token=token, user=request.user if signed_in else None)
        except (InvitationGone, InvitationUnknown) as exc:
            return _gone(request, exc)
        messages.success(request, f"Sie haben die Einladung von {invitation.organisation.name} abgelehnt.")
        return render(request, "staff/invitation_gone.html", {"declined": True})
    if signed_in:
        return _existing_account(request, token, invitation)
    if account_exists_for(invitation):
        login_url = f"{reverse('login')}?{urlencode({'next': request.path})}"
        return _page(request, invitation, mode="sign-in", login_url=login_url)
    return _new_account(request, token, invitation)


def _existing_account(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    """Never a silent second membership: only the POST of the button naming the organisation joins."""
    if request.method == "POST" and request.POST.get("action") == "accept":
        try:
            membership = invitation_accept_existing(token=token, user=request.user)
        except (InvitationGone, InvitationUnknown) as exc:
            return _gone(request, exc)
        except ValidationFailed as exc:
            return _page(request, invitation, mode="confirm", error=exc.message, status=400)
        return _after_joining(request, membership)
    others = Membership.objects.filter(user=request.user, active=True).exclude(
        organisation=invitation.organisation
    )
    return _page(request, invitation, mode="confirm", others=[m.organisation.name for m in others])


def _new_account(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    form = InvitationAccountForm(request.POST or None)
    if request.method == "POST":
        try:
            membership = invitation_accept_new(
                token=token,
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                password2=request.POST.get("password2", ""),
            )
        except (InvitationGone, InvitationUnknown) as exc:
            return _gone(request, exc)
        except ValidationFailed as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return _page(request, invitation, mode="new", form=form, status=400)
        auth_login(request, membership.user, backend=BACKEND)
        return _after_joining(request, membership)
    return _page(request, invitation, mode="new", form=form)
