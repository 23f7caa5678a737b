"""Template helpers for the citizen pages (display only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from domains.permits.workflow import PERMIT_WORKFLOW
from domains.reports.workflow import REPORT_WORKFLOW
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


def _decimal(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@register.filter
def number(value: object) -> str:
    """A decimal without trailing zeros, localised with grouping: '2000.00' → '2.000', '0.1500' → '0,15'."""
    decimal = _decimal(value)
    if decimal is None:
        return ""
    normal = decimal.normalize()
    if normal == normal.to_integral_value():  # 2E+3 → 2000
        normal = normal.quantize(Decimal(1))
    return formats.number_format(normal, use_l10n=True, force_grouping=True)


@register.filter
def euro(value: object) -> str:
    """An amount in euros with two decimals, localised: '1234.5' → '1.234,50 €'."""
    decimal = _decimal(value)
    if decimal is None:
        return ""
    return f"{formats.number_format(decimal, 2, use_l10n=True, force_grouping=True)}\u00a0€"


@register.filter
def percent(value: object) -> str:
    """A share 0…1 as a percentage with at most one decimal: 0.5 → '50 %'."""
    decimal = _decimal(value)
    if decimal is None:
        return ""
    return f"{number((decimal * 100).quantize(Decimal('0.1')))}\u00a0%"


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
