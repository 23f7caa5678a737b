"""Atom 1.0 feeds (RFC 4287) of public report data, built with Django's syndication framework.

``/feeds/gemeinden/<AGS>.atom``   new and changed reports of one commune
``/feeds/meldungen.atom``         the same for a filter: ``bbox``, ``category``, ``status`` (as the API)
``/feeds/meldungen/<id>.atom``    one report's public history

No personal data: the selectors (``domains.reports.feed_selectors``) read only public fields, the feed's author is
the platform or the commune (never with an e-mail address). Entry ids are stable URLs built from
``SITE_URL`` (not the request's host), so a reader sees a changed report as the same entry, updated.
Bad filters are a 400 with a German message, an unknown commune or report a 404; answers carry
Last-Modified and an ETag and honour conditional requests (``conditional_page``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.views.decorators.http import conditional_page

from domains.reports.feed_selectors import history_for_feed, reports_for_feed, without_email_addresses
from domains.reports.models import Report, StatusChange
from domains.reports.selectors import ReportFilter, report_public
from domains.reports.workflow import REPORT_WORKFLOW
from kernel.boundaries.selectors import commune_current
from kernel.core.errors import ValidationFailed
from shared.http.filters import feed_filter

FEED_LIMIT = 50
PLATFORM = "Mängelmelder Sachsen"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class FeedSubject:
    """What a feed is about: its title, the page it mirrors, its own path and the filter for its reports."""

    title: str
    page: str
    path: str
    author: str
    flt: ReportFilter | None = None
    report: Report | None = None


class ReportsFeed(Feed):
    """Reports for a filter, newest change first."""

    feed_type = Atom1Feed
    language = "de"

    def get_object(self, request: HttpRequest, *, subject: FeedSubject) -> FeedSubject:
        return subject

    def title(self, obj: FeedSubject) -> str:
        return obj.title

    def link(self, obj: FeedSubject) -> str:
        return obj.page

    def feed_url(self, obj: FeedSubject) -> str:
        return obj.path

    def feed_guid(self, obj: FeedSubject) -> str:
        return _site(obj.path)

    def subtitle(self, obj: FeedSubject) -> str:
        return "Neue und geänderte Mängelmeldungen (öffentliche Angaben)"

    def author_name(self, obj: FeedSubject) -> str:
        return obj.author

    def items(self, obj: FeedSubject) -> list[Report]:
        return reports_for_feed(obj.flt or ReportFilter(), limit=FEED_LIMIT)

    def item_title(self, item: Report) -> str:
        status = REPORT_WORKFLOW.label(item.status)
        return f"{item.category.display_name} in {item.commune.name}: {status} ({item.public_id})"

    def item_description(self, item: Report) -> str:
        return format_html(
            "<p>{}</p><p>Status: {} · Kategorie: {} · Gemeinde: {}{}</p>",
            without_email_addresses(item.public_description),
            REPORT_WORKFLOW.label(item.status),
            item.category.display_name,
            item.commune.name,
            f" · Ort: {place}" if (place := item.public_place or item.nearest_address) else "",
        )

    def item_link(self, item: Report) -> str:
        return reverse("web:report-detail", args=[item.public_id])

    def item_guid(self, item: Report) -> str:
        return _site(reverse("web:report-detail", args=[item.public_id]))

    def item_pubdate(self, item: Report) -> Any:
        return item.created

    def item_updateddate(self, item: Report) -> Any:
        return item.updated

    def item_categories(self, item: Report) -> list[str]:
        return [item.category.display_name]


class ReportHistoryFeed(Feed):
    """One report's public history: its creation, status changes and public notes."""

    feed_type = Atom1Feed
    language = "de"

    def get_object(self, request: HttpRequest, *, subject: FeedSubject) -> FeedSubject:
        return subject

    title = ReportsFeed.title
    link = ReportsFeed.link
    feed_url = ReportsFeed.feed_url
    feed_guid = ReportsFeed.feed_guid
    author_name = ReportsFeed.author_name

    def subtitle(self, obj: FeedSubject) -> str:
        return "Bearbeitungsstand und öffentliche Notizen der Gemeinde"

    def items(self, obj: FeedSubject) -> list[StatusChange]:
        assert obj.report is not None
        rows = list(history_for_feed(obj.report, limit=FEED_LIMIT))
        for row in rows:
            row.report_public_id = obj.report.public_id  # for links and ids, without another query
        return rows

    def item_title(self, item: StatusChange) -> str:
        label = REPORT_WORKFLOW.label(item.to_status)
        return f"Eingegangen: {label}" if not item.from_status else f"Neuer Status: {label}"

    def item_description(self, item: StatusChange) -> str:
        if item.public_note:
            return format_html("<p>{}</p>", without_email_addresses(item.public_note))
        return format_html("<p>Status: {}</p>", REPORT_WORKFLOW.label(item.to_status))

    def item_link(self, item: StatusChange) -> str:
        return reverse("web:report-detail", args=[item.report_public_id])

    def item_guid(self, item: StatusChange) -> str:
        return _site(reverse("web:report-detail", args=[item.report_public_id])) + f"#verlauf-{item.pk}"

    def item_pubdate(self, item: StatusChange) -> Any:
        return item.created

    def item_updateddate(self, item: StatusChange) -> Any:
        return item.created


def _bad_request(exc: ValidationFailed) -> HttpResponse:
    return HttpResponseBadRequest(
        "\n".join(m for messages in exc.errors.values() for m in messages) + "\n",
        content_type="text/plain; charset=utf-8",
    )


def _author() -> str:
    return settings.PLATFORM_OPERATOR_NAME or PLATFORM


@conditional_page
def reports_feed(request: HttpRequest) -> HttpResponse:
    try:
        flt = feed_filter(request.GET)
    except ValidationFailed as exc:
        return _bad_request(exc)
    subject = FeedSubject(
        title=f"{PLATFORM}: Meldungen",
        page=reverse("web:report-list"),
        # As requested, not re-encoded: QueryDict.urlencode() writes "," as "%2C", and the self link
        # must be the document's URL (RFC 4287 §4.2.7.2; the feed validator's SelfDoesntMatchLocation).
        path=request.get_full_path(),
        author=_author(),
        flt=flt,
    )
    return ReportsFeed()(request, subject=subject)


@conditional_page
def commune_feed(request: HttpRequest, ags: str) -> HttpResponse:
    commune = commune_current(ags)
    if commune is None:
        raise Http404("Gemeinde nicht gefunden.")
    subject = FeedSubject(
        title=f"{PLATFORM}: Meldungen in {commune.name}",
        page=reverse("web:commune-detail", args=[ags]),
        path=reverse("web:feed-commune", args=[ags]),
        author=commune.name,
        flt=ReportFilter(commune=ags),
    )
    return ReportsFeed()(request, subject=subject)


@conditional_page
def report_history_feed(request: HttpRequest, public_id: str) -> HttpResponse:
    report = report_public(public_id)
    if report is None:
        raise Http404("Meldung nicht gefunden.")
    subject = FeedSubject(
        title=f"{PLATFORM}: Meldung {report.public_id} ({report.category.display_name}, {report.commune.name})",
        page=reverse("web:report-detail", args=[report.public_id]),
        path=reverse("web:feed-report", args=[report.public_id]),
        author=report.commune.name,
        report=report,
    )
    return ReportHistoryFeed()(request, subject=subject)
