"""Template helpers for the citizen pages (display only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from domains.permits.workflow import PERMIT_WORKFLOW
from domains.reports.workflow import REPORT_WORKFLOW
from kernel.core.amounts import as_decimal, format_euro, format_number
from shared.http.presentation import STATUS_SYMBOLS

register = template.Library()


@register.simple_tag
def status_badge(status: str) -> str:
    """Symbol + written label + shape/colour class: the status is readable without colour."""
    return format_html(
        '<span class="status status--{}"><span class="status__symbol" aria-hidden="true">{}</span> {}</span>',
        status,
        STATUS_SYMBOLS.get(status, "•"),
        REPORT_WORKFLOW.label(status),
    )


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (pagination and the language links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def permit_badge(status: dict) -> str:
    """A permit's state from ``interfaces.web.presentation.permit_status``: symbol, label and shape/colour class."""
    return format_html(
        '<span class="status status--permit-{}"><span class="status__symbol" aria-hidden="true">{}</span> {}</span>',
        status["code"],
        status["symbol"],
        status["label"],
    )


# Money and numbers print the one way kernel.core.amounts prints them everywhere (also {% load amounts %}).
number = register.filter("number", format_number)
euro = register.filter("euro", format_euro)


@register.filter
def percent(value: object) -> str:
    """A share 0…1 as a percentage with at most one decimal: 0.5 → '50 %'."""
    decimal = as_decimal(value)
    if decimal is None:
        return ""
    return f"{format_number((decimal * 100).quantize(Decimal('0.1')))}\u00a0%"


@register.filter
def datetime_attr(value: object) -> str:
    """The value of a ``<time datetime>`` attribute: ISO 8601 to the second with the UTC offset, or the
    plain date. HTML allows at most three digits for fractions of a second, and ``isoformat()`` writes the
    six of a stored timestamp's microseconds."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat() if isinstance(value, dt.date) else ""


@register.filter
def break_at_slashes(value: object) -> str:
    """Allow a line break after each "/" in a heading (\"Gerüst/Baustelleneinrichtung\" on a phone)."""
    return mark_safe(escape(str(value)).replace("/", "/<wbr>"))  # escaped first


@register.filter
def report_status(value: object) -> str:
    """The German label of a report status code ("in_review" → "In Prüfung")."""
    return REPORT_WORKFLOW.label(str(value)) if value else ""


@register.filter
def permit_status(value: object) -> str:
    """The German label of a permit status code ("approved" → "Genehmigt")."""
    return PERMIT_WORKFLOW.label(str(value)) if value else ""
