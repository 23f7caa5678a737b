"""``/opendata/``: the list of downloads, the files themselves and the DCAT-AP.de catalogue.

Files are served only by name from a finished export's manifest (date and name are matched against
fixed patterns first), so no path a client writes ever reaches the file system unchecked.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from domains.reports.selectors import reports_public_total
from interfaces.opendata.catalog import catalogue_graph
from interfaces.opendata.export import FOLDER, all_manifests, latest_manifest, opendata_root, read_manifest

FILE_NAME = re.compile(r"^[a-z0-9-]{1,80}\.(gpkg|csv)$")
CONTENT_TYPES = {"gpkg": "application/geopackage+sqlite3", "csv": "text/csv; charset=utf-8"}
CATALOGUE_MAX_AGE = "public, max-age=3600"


@require_safe
def downloads(request: HttpRequest) -> HttpResponse:
    """The newest export in full (Saxony first, then each commune), and the older ones' statewide files."""
    manifests = [_dated(m) for m in all_manifests()]
    latest = manifests[0] if manifests else None
    context: dict[str, Any] = {"latest": latest, "older": manifests[1:]}
    if latest is not None:
        context.update(_since(latest))
    return render(request, "opendata/downloads.html", context)


def _dated(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with its day (and the time it was written) as dates, so the page shows them in the
    reader's language ("7. Dezember 2026") rather than as ISO text."""
    dated = dict(manifest, day=dt.date.fromisoformat(manifest["date"]))
    try:
        dated["written"] = dt.datetime.fromisoformat(manifest["created"])
    except (KeyError, TypeError, ValueError):
        dated["written"] = None
    return dated


def _since(latest: dict[str, Any]) -> dict[str, int]:
    """Reports now and in the snapshot. The export is written once a night, the statistics count live
    (both every report: ``reports_public``), so on the day reports come in the two differ; the page says
    by how much instead of leaving it to look like lost data."""
    exported = next(
        (d["count"] for d in latest["datasets"] if d["kind"] == "reports" and not d.get("ags")), 0
    )
    now = reports_public_total()
    return {"reports_now": now, "reports_since": max(0, now - exported)}


@require_safe
def download(request: HttpRequest, date: str, name: str) -> FileResponse:
    if not FOLDER.match(date) or not FILE_NAME.match(name):
        raise Http404(_("Diese Datei gibt es nicht."))
    folder = opendata_root() / date
    manifest = read_manifest(folder)
    names = {f["name"] for d in (manifest or {}).get("datasets", []) for f in d["files"]}
    if name not in names or not (folder / name).is_file():
        raise Http404(_("Diese Datei gibt es nicht."))
    response = FileResponse((folder / name).open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = CONTENT_TYPES[name.rsplit(".", 1)[1]]
    response["Cache-Control"] = "public, max-age=86400, immutable"  # a dated file never changes
    return response


def _catalogue(format_name: str, content_type: str) -> HttpResponse:
    body = catalogue_graph(latest_manifest()).serialize(format=format_name)
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = CATALOGUE_MAX_AGE
    return response


@require_safe
def catalogue_turtle(request: HttpRequest) -> HttpResponse:
    return _catalogue("turtle", "text/turtle; charset=utf-8")


@require_safe
def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    return _catalogue("json-ld", "application/ld+json")
