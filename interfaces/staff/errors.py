"""How domain errors reach a person on the staff pages: 403/404 as whole pages, everything else as a
flashed message above the page the form redirects back to.

``staff_only`` renders the pages; ``flash_domain_errors`` is the one place that decides which errors a
form action turns into messages, so every action answers the same error the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from interfaces.staff.access import may_open, refusal
from kernel.core.errors import DomainError, NotFound, ValidationFailed
from kernel.organisations.scoping import scope_of


class SecondFactorRequired(Exception):
    """An admin function was asked for in a session without a confirmed second factor (``staff_only``
    sends the person to the enrolment/confirmation page, then back)."""


# Session key set when an invited admin joins (``interfaces.staff.invitation_link_views``): until this
# session passed the second factor, every staff page sends them to set it up first.
ENROL_FIRST = "mm_enrol_first"


def _enrol_first(request: HttpRequest) -> HttpResponse | None:
    if not request.session.get(ENROL_FIRST):
        return None
    if request.user.is_verified():
        del request.session[ENROL_FIRST]
        return None
    messages.info(request, "Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein.")
    return redirect(f"{reverse('staff:second-factor')}?{urlencode({'next': request.get_full_path()})}")


# Errors with these statuses are whole pages (rendered by ``staff_only``), never messages: a form must not
# reveal, by a friendlier answer, that a case of another organisation exists.
PAGE_STATUSES = (403, 404)


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in (else to the login page), member of an organisation, and of a role that may open this
    page (``interfaces.staff.access``, the table the header is built from) — else 403; DomainErrors →
    pages."""
    return _guarded(view, lambda user: scope_of(user).is_staff, pages=True)


def staff_or_operator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """As ``staff_only``, and also operators (Django's ``is_staff``: admin access, often without a
    membership). Only for the second-factor pages, which an operator needs before ``/admin/`` opens."""
    return _guarded(view, lambda user: scope_of(user).is_staff or (user.is_active and user.is_staff))


def operator_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The platform operator's pages: a superuser (with or without a membership), else 403."""
    return _guarded(view, lambda user: user.is_active and user.is_superuser, pages=True)


def _forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    context = {"message": message} if message else {}
    return HttpResponseForbidden(render_to_string("staff/forbidden.html", context, request=request))


def _guarded(
    view: Callable[..., HttpResponse], admitted: Callable[[Any], bool], *, pages: bool = False
) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not admitted(request.user):
            return _forbidden(request)
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if pages and not may_open(request.user, url_name or ""):
            return _forbidden(request, refusal(url_name or ""))
        if pages and (enrol := _enrol_first(request)) is not None:
            return enrol
        try:
            return view(request, *args, **kwargs)
        except SecondFactorRequired:
            messages.info(request, "Für Verwaltungsfunktionen ist die Zwei-Faktor-Anmeldung nötig.")
            return redirect(
                f"{reverse('staff:second-factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        except NotFound:
            return HttpResponse(render_to_string("staff/not_found.html", request=request), status=404)
        except DomainError as exc:
            if exc.status_code == 403:
                return _forbidden(request, exc.message)
            raise

    return wrapper


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    """One message per field error of a ValidationFailed (they are all shown), else the error's message."""
    if isinstance(exc, ValidationFailed):
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
    else:
        messages.error(request, exc.message)


def flash_form_errors(request: HttpRequest, form: Any) -> None:
    """Every error of an invalid Django form as a message (the pages redirect, so the form is not shown)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@contextmanager
def flash_domain_errors(
    request: HttpRequest,
    *,
    only: type[DomainError] | tuple[type[DomainError], ...] = DomainError,
    pages_for: tuple[int, ...] = PAGE_STATUSES,
) -> Iterator[None]:
    """Turn a DomainError raised in the block into flashed messages; code after it in the block is skipped.

    ``pages_for``: statuses re-raised for ``staff_only`` to render as pages. ``only``: the error types
    flashed at all; others propagate unchanged (the settings pages expect only input errors from their
    services, and anything else is a bug that should not be disguised as a message).
    """
    try:
        yield
    except only as exc:
        if exc.status_code in pages_for:
            raise
        flash_error(request, exc)
