"""Information pages: the Impressum (§ 5 DDG), the accessibility statement with its feedback form
(BITV 2.0 § 7) and the explanation in Leichte Sprache. Thin: the form posts to a service, the rest is text in templates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import Throttled

from domains.accessibility.services import feedback_submit
from interfaces.web.info_forms import AccessibilityFeedbackForm
from interfaces.web.views import throttled_response
from kernel.core.errors import ValidationFailed
from kernel.organisations.public_details import lines, platform_operator
from shared.http.throttling import AccessibilityFeedbackThrottle, enforce

# When the statement was written and last reviewed (self-assessment, see the template). Change it with
# the text whenever the assessment is repeated — at least once a year (EU model statement).
STATEMENT_CREATED = dt.date(2026, 12, 4)
STATEMENT_REVIEWED = dt.date(2026, 12, 4)
SENT_FLAG = "gesendet"
THROTTLED = gettext_lazy(
    "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Rückmeldungen. "
    "Bitte versuchen Sie es in %(minutes)s Minute(n) erneut."
)


def _initial_page(request: HttpRequest) -> str:
    """The footer link carries the page the person came from (``?seite=/meldungen/``): only local paths."""
    page = request.GET.get("seite", "")
    return page[:500] if page.startswith("/") and not page.startswith("//") else ""


def _submit(request: HttpRequest, form: AccessibilityFeedbackForm) -> None:
    """Open the case from the form's values; a value the form itself refused (say, a NUL character) is
    an error like the service's, so nothing is saved without it."""
    if not form.is_valid():
        return
    enforce(request, AccessibilityFeedbackThrottle)
    feedback_submit(
        description=form.cleaned_data["description"],
        page_url=form.cleaned_data["page_url"],
        email=form.cleaned_data["email"],
    )


@require_http_methods(["GET", "POST"])
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Erklärung zur Barrierefreiheit + feedback form (plain POST, redirect after success)."""
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST)
        try:
            _submit(request, form)
        except Throttled as exc:
            return throttled_response(request, exc, message=str(THROTTLED))
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
        if not form.errors:
            return redirect(f"{request.path}?{SENT_FLAG}=1#rueckmeldung")
    else:
        form = AccessibilityFeedbackForm(initial={"page_url": _initial_page(request)})
    context = {
        "form": form,
        "sent": request.method == "GET" and request.GET.get(SENT_FLAG) == "1",
        "created": STATEMENT_CREATED,
        "reviewed": STATEMENT_REVIEWED,
        "enforcement": settings.A11Y_ENFORCEMENT,
        "operator": {
            "name": settings.PLATFORM_OPERATOR_NAME,
            "email": settings.PLATFORM_OPERATOR_EMAIL,
            "address": settings.PLATFORM_OPERATOR_ADDRESS,
        },
    }
    return render(request, "web/accessibility.html", context, status=400 if form.errors else 200)


def easy_language(request: HttpRequest) -> HttpResponse:
    """Leichte Sprache: what the service does, how to report, what happens next, privacy."""
    return render(request, "web/easy_language.html")


def impressum(request: HttpRequest) -> HttpResponse:
    """The operator's Impressum from the Django admin ("Betreiber (Impressum)"). Until it is entered the
    page names what the settings know (``PLATFORM_OPERATOR_*``) and says that the details are missing —
    the deploy check ``organisations.W001`` warns meanwhile."""
    operator = platform_operator()
    context = {
        "operator": operator,
        "address": lines(operator.address) if operator else lines(settings.PLATFORM_OPERATOR_ADDRESS),
        "fallback": {"name": settings.PLATFORM_OPERATOR_NAME, "email": settings.PLATFORM_OPERATOR_EMAIL},
    }
    return render(request, "web/impressum.html", context)
