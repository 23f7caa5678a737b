"""Statistik pages: Saxony (``/statistik/``), a district (``/statistik/<Kreisschlüssel>/``) and a commune
(``/statistik/gemeinden/<AGS>/``), each table also as CSV (``…/<table>.csv``).

Thin: the figures come from ``domains.reports.statistics.scope_statistics`` (SQL, cached per scope); this module
only finds the scope, lays out the tables and measures the SVG charts.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from domains.reports.statistics import ScopeKind, ScopeStatistics, scope_statistics
from interfaces.opendata.statistics.charts import bar_chart, month_chart
from interfaces.opendata.tables import Table, build_tables
from kernel.boundaries.models import Commune, District
from kernel.boundaries.naming import district_title
from kernel.boundaries.selectors import communes_in_order, districts_in_order
from kernel.core.amounts import format_decimal
from kernel.core.spreadsheet import safe_writer

CACHE_CONTROL = "public, max-age=300"
# The language comes from the ``django_language`` cookie as well as Accept-Language (LocaleMiddleware adds
# that one), and the pages name categories in it: a shared cache must not hand a German copy to English.
LANGUAGE_VARY = ("Accept-Language", "Cookie")


def _scope(kind: ScopeKind, ags: str) -> tuple[str, District | Commune | None]:
    """Title and boundary of the scope; 404 for a key that names no current district or commune."""
    if kind == "state":
        return _("Sachsen"), None
    model = District if kind == "district" else Commune
    place = model.objects.current().defer("geom").filter(ags=ags).first()
    if place is None:
        raise Http404(_("Landkreis nicht gefunden.") if kind == "district" else _("Gemeinde nicht gefunden."))
    return (district_title(place) if isinstance(place, District) else place.name), place


def _in_order(stats: ScopeStatistics) -> ScopeStatistics:
    """The compared areas under their names as lists show them ("Dresden (kreisfreie Stadt)", "Landkreis
    Leipzig", "Bernsdorf, Landkreis Bautzen") and in German order. Done per request, not in the cached
    figures, so the labels follow the page's language."""
    if not stats.areas:
        return stats
    if stats.kind == "state":
        ordered = [(d.ags, district_title(d)) for d in districts_in_order()]
    else:
        ordered = [(c.ags, label) for c, label in communes_in_order()]
    position = {ags: (i, label) for i, (ags, label) in enumerate(ordered)}
    rows = [replace(row, label=position.get(row.key, (0, row.label))[1]) for row in stats.areas]
    rows.sort(key=lambda row: position.get(row.key, (len(position), ""))[0])
    return replace(stats, areas=rows)


def _charts(stats: ScopeStatistics) -> dict:
    """Chart geometry for the page: months (received and resolved), categories and the comparison."""
    charts = {
        "months": month_chart([(m.month.strftime("%m/%Y"), m.created, m.resolved) for m in stats.months]),
        "categories": bar_chart(
            [(row.label, row.figures.total, str(row.figures.total)) for row in stats.categories]
        ),
    }
    # Only areas with a resolved report have a median: the others would be empty bars (the table lists them).
    measured = [row for row in stats.areas if row.figures.median_days is not None]
    if measured:
        charts["areas"] = bar_chart(
            [(row.label, row.figures.median_days, _median_text(row.figures.median_days)) for row in measured]
        )
    return charts


def _median_text(days: float | None) -> str:
    return "–" if days is None else format_decimal(days, 1)


def _page(request: HttpRequest, kind: ScopeKind, ags: str = "") -> HttpResponse:
    title, place = _scope(kind, ags)
    stats = _in_order(scope_statistics(kind, ags))
    context = {
        "title": title,
        "kind": kind,
        "place": place,
        "stats": stats,
        "tables": build_tables(stats),
        "charts": _charts(stats),
        "districts": [(d, district_title(d)) for d in districts_in_order()] if kind == "state" else [],
    }
    response = render(request, "opendata/statistics.html", context)
    response["Cache-Control"] = CACHE_CONTROL
    patch_vary_headers(response, LANGUAGE_VARY)
    return response


def _csv(kind: ScopeKind, ags: str, table: str) -> HttpResponse:
    title, _place = _scope(kind, ags)
    tables: dict[str, Table] = build_tables(_in_order(scope_statistics(kind, ags)))
    if table not in tables:
        raise Http404(_("Diese Tabelle gibt es hier nicht."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"statistik-{ags or 'sachsen'}-{table}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = CACHE_CONTROL
    patch_vary_headers(response, LANGUAGE_VARY)
    writer = safe_writer(response)
    writer.writerow(tables[table].headers)
    writer.writerows(tables[table].rows)
    return response


@require_safe
def state(request: HttpRequest) -> HttpResponse:
    return _page(request, "state")


@require_safe
def district(request: HttpRequest, ags: str) -> HttpResponse:
    return _page(request, "district", ags)


@require_safe
def commune(request: HttpRequest, ags: str) -> HttpResponse:
    return _page(request, "commune", ags)


@require_safe
def state_csv(request: HttpRequest, table: str) -> HttpResponse:
    return _csv("state", "", table)


@require_safe
def district_csv(request: HttpRequest, ags: str, table: str) -> HttpResponse:
    return _csv("district", ags, table)


@require_safe
def commune_csv(request: HttpRequest, ags: str, table: str) -> HttpResponse:
    return _csv("commune", ags, table)
