"""Notification pages: follow a report, area alerts, confirm, unsubscribe (RFC 8058), manage by e-mail link.

Every answer to "subscribe" or "send me my link" is the same whether the address was known or not. Links
carry signed tokens (``shared.subscriptions.tokens``); a wrong, changed or outdated token is a 404. The one-click
unsubscribe URL accepts a POST without cookies or CSRF token (RFC 8058: mail providers post it from their
servers); a GET only shows a page with the button, so link scanners that open URLs change nothing.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import Throttled

from domains.reports.selectors import report_public
from interfaces.web.presentation import map_config
from interfaces.web.subscription_forms import AreaAlertForm, FollowForm, ManageLinkForm
from interfaces.web.views import private_page, throttled_response
from kernel.core.errors import NotFound, ValidationFailed
from shared.http.params import ascii_digits
from shared.http.throttling import SubscribeThrottle, enforce
from shared.subscriptions.selectors import subscriptions_of
from shared.subscriptions.services import (
    area_subscribe,
    manage_link_request,
    report_follow,
    subscription_cancel,
    subscription_confirm,
)
from shared.subscriptions.tokens import digest_from_manage_token, subscription_from_token, subscription_token


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    message = _(
        "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Anfragen. "
        "Bitte versuchen Sie es in %(minutes)s Minute(n) erneut."
    )
    return throttled_response(request, exc, message=message, title=_("Zu viele Anfragen"))


@require_http_methods(["POST"])
def report_follow_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The form on the report page: a confirmation mail, or the page again with the message."""
    report = report_public(public_id)
    if report is None:
        raise Http404(_("Meldung nicht gefunden."))
    form = FollowForm(request.POST)
    try:
        enforce(request, SubscribeThrottle)
        report_follow(public_id=public_id, email=request.POST.get("email", ""))
    except Throttled as exc:
        return _throttled(request, exc)
    except NotFound:
        raise Http404(_("Meldung nicht gefunden.")) from None
    except ValidationFailed as exc:
        form.add_service_errors(exc.errors)
        context = {"report": report, "form": form}
        return render(request, "web/follow_form_page.html", context, status=400)
    return render(request, "web/subscription_requested.html", {"report": report})


def _overview_context(**extra: object) -> dict:
    return {
        "alert_form": AreaAlertForm(),
        "manage_form": ManageLinkForm(prefix="manage"),
        "map_config": map_config(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """/benachrichtigungen/: what can be subscribed, the area alert form and the management-link form."""
    if request.method == "GET":
        return render(request, "web/notifications.html", _overview_context())
    action = request.POST.get("action")
    try:
        enforce(request, SubscribeThrottle)
        if action == "manage":
            form = ManageLinkForm(request.POST, prefix="manage")
            manage_link_request(email=request.POST.get("manage-email", ""))
            return render(request, "web/subscription_requested.html", {"manage": True})
        form = AreaAlertForm(request.POST)
        area_subscribe(request=form.area_request())
    except Throttled as exc:
        return _throttled(request, exc)
    except ValidationFailed as exc:
        form.add_service_errors(exc.errors)
        key = "manage_form" if action == "manage" else "alert_form"
        return render(request, "web/notifications.html", _overview_context(**{key: form}), status=400)
    return render(request, "web/subscription_requested.html", {})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The double opt-in link: GET shows the button, POST confirms (scanners only GET)."""
    subscription = subscription_from_token(token, "confirm")
    if subscription is None or subscription.unsubscribed is not None:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    if request.method == "POST":
        subscription_confirm(subscription)
        subscription.refresh_from_db()
    context = {
        "subscription": subscription,
        "unsubscribe_token": subscription_token(subscription, "unsubscribe"),
    }
    return private_page(render(request, "web/subscription_confirm.html", context))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click: a POST (body ``List-Unsubscribe=One-Click`` from mail providers, or the page's
    button) unsubscribes without cookies or CSRF token; a GET asks with a button. Idempotent."""
    subscription = subscription_from_token(token, "unsubscribe")
    if subscription is None:
        raise Http404(_("Dieser Link ist ungültig."))
    if request.method == "POST":
        subscription_cancel(subscription)
        subscription.refresh_from_db()
    return private_page(render(request, "web/subscription_unsubscribe.html", {"subscription": subscription}))


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """A person's subscriptions by their e-mail link: list, and cancel one (a POST naming its id)."""
    digest = digest_from_manage_token(token)
    if digest is None:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    rows = subscriptions_of(digest)
    cancelled = None
    if request.method == "POST":
        pk = request.POST.get("cancel", "")
        cancelled = rows.filter(pk=int(pk)).first() if ascii_digits(pk, max_digits=18) else None
        if cancelled is None:
            raise Http404(_("Diese Benachrichtigung gibt es nicht (mehr)."))
        subscription_cancel(cancelled)
    context = {"subscriptions": list(subscriptions_of(digest)), "cancelled": cancelled}
    return private_page(render(request, "web/subscription_manage.html", context))
