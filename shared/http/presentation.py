"""Display facts the citizen and the staff pages share, so both show a report's status and the map's
credits the same way without importing each other: the status symbols and legend, and the basemap
attribution as safe HTML with real links.

A status is never told by colour alone: every state has a symbol and a CSS class ``status--<value>``
(shape + colour, ``static/css/site.css``), and its label is written out next to it or in the legend.
"""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from domains.reports.workflow import ReportStatus

# Symbol per state, readable without colour. "Eingegangen" is news, not an alarm: a plain dot in the
# neutral info colour (issue 26: it was a red "!").
STATUS_SYMBOLS: dict[str, str] = {
    ReportStatus.SUBMITTED: "●",
    ReportStatus.IN_REVIEW: "?",
    ReportStatus.IN_PROGRESS: "»",
    ReportStatus.INQUIRY: "⌛",
    ReportStatus.RESOLVED: "✓",
    ReportStatus.REJECTED: "✕",
    ReportStatus.NOT_RESPONSIBLE: "–",
    ReportStatus.DUPLICATE: "=",
}


def status_legend() -> list[dict[str, str]]:
    """Every state with its symbol and translated label, in workflow order (legend and scripts)."""
    return [
        {"value": value, "label": str(label), "symbol": STATUS_SYMBOLS[value]}
        for value, label in ReportStatus.choices
    ]


# "Label: https://…" or "Label https://…" (the label running back to the previous comma or "·").
_LABELLED_URL = re.compile(r"(?P<label>[^,·]*?\S)\s*:?\s+(?P<url>https?://[^\s,]+)")
_KNOWN_LINKS = {
    # Names whose licence asks for a link even when the setting carries none.
    "OpenStreetMap": "https://www.openstreetmap.org/copyright",
}


def attribution_html(text: str) -> SafeString:
    """The attribution setting (plain text) as HTML: every URL becomes a link named by the words before
    it ("Datenquellen: https://….pdf" → a link "Datenquellen"), and "OpenStreetMap" a link to its
    copyright page, so the map's credits show no raw, clipped URL (issue 26). Everything else escaped."""
    parts: list[str] = []
    last = 0
    for match in _LABELLED_URL.finditer(text):
        parts.append(_known_links(text[last : match.start()]))
        label = match.group("label").strip()
        lead = len(match.group("label")) - len(match.group("label").lstrip())
        parts.append(escape(match.group("label")[:lead]))
        parts.append(format_html('<a href="{}">{}</a>', match.group("url"), label))
        last = match.end()
    parts.append(_known_links(text[last:]))
    return mark_safe("".join(parts))


def _known_links(text: str) -> str:
    """``text`` escaped, with a link on names from ``_KNOWN_LINKS`` (once each)."""
    html = str(escape(text))
    for name, url in _KNOWN_LINKS.items():
        pattern = re.compile(rf"(©\s*)?{re.escape(name)}[\w-]*(\s+(contributors|Mitwirkende))?")
        html = pattern.sub(lambda m, url=url: f'<a href="{escape(url)}">{m.group(0)}</a>', html, count=1)
    return html
