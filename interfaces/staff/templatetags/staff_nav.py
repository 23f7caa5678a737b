"""``{% staff_nav %}``: the staff header's links for the signed-in person, from
``interfaces.staff.access`` (the same table that answers 403 for the pages it does not offer)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from interfaces.staff.access import nav_for

register = template.Library()


@register.inclusion_tag("staff/_nav.html", takes_context=True)
def staff_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    match = request.resolver_match
    current = match.url_name if match is not None and match.namespace == "staff" else ""
    links = [
        {
            "href": reverse(f"staff:{link.url_name}"),
            "label": link.label,
            "current": current == link.url_name or current in link.section,
        }
        for link in nav_for(request.user)
    ]
    return {"links": links, "request": request, "csrf_token": context.get("csrf_token")}
