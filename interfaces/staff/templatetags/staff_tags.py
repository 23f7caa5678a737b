"""Template helpers of the staff pages (display only)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from domains.reports.workflow import ReportPriority

register = template.Library()


@register.simple_tag
def person(user: Any, organisation_id: int | None, labels: dict | None = None, fallback: str = "—") -> str:
    """A member as staff read them: "Erika Muster (Sachbearbeitung)" — full name and role in
    ``organisation_id`` from ``labels`` (``kernel.organisations.selectors.member_labels``), never the bare
    username unless there is no name (issue 26). ``fallback`` when there is no user."""
    if user is None:
        return fallback
    label = (labels or {}).get((user.pk, organisation_id))
    name = label["name"] if label else (user.get_full_name() or user.get_username())
    role = label["role"] if label else ""
    if not role:
        return format_html('<span class="person">{}</span>', name)
    return format_html('<span class="person">{} <span class="person__role">({})</span></span>', name, role)


@register.simple_tag
def priority_badge(priority: int) -> str:
    """ "Priorität: sofort" / "Priorität: hoch" as a badge with a symbol (readable without colour);
    nothing for ``normal``, so the lists show only what stands out."""
    if not priority:
        return ""
    symbol = "‼" if priority == ReportPriority.IMMEDIATE else "!"
    return format_html(
        '<span class="prio prio--{}"><span aria-hidden="true">{}</span> Priorität: {}</span>',
        int(priority),
        symbol,
        ReportPriority(priority).label,
    )
