"""Template helpers for the citizen pages (display only)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from reports.workflow import REPORT_WORKFLOW
from web.presentation import STATUS_SYMBOLS

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
