"""The daily escalation digest (issue 30.6): once a day, one mail per organisation with what needs a push —
cases overdue, cases not accepted for N days, and whatever else registers a section (hand-offs overdue).

Sections come from providers in a small registry (:func:`register_escalation_section`), so a feature
built elsewhere plugs its own list in from its ``AppConfig.ready`` without this module knowing it. A
provider gets the organisation and the moment of the run and returns a :class:`Section` or None.

Runs as a daily job of the task worker (``kernel.notifications.daily``): exactly once per day across
all workers, in one transaction with its run row, so a failed run sends nothing and is tried again.
An organisation with nothing to report gets no mail. Second level: rows ``days_over`` at least the
organisation's ``escalation_admin_days`` go, as a mail of their own, to each of its active admins.

Settings per organisation: ``kernel.organisations.escalation`` (staff page /verwaltung/einstellungen/
eskalation/), documented in docs/staff.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from domains.reports.models import Report
from domains.reports.workflow import OPEN_STATES, ReportStatus
from kernel.notifications.services import mail_queue
from kernel.organisations.models import Membership, Organisation, Role

logger = logging.getLogger(__name__)

MAX_ROWS = 50  # per section in one mail; the count says how many there are, the link leads to all
DIGEST_KIND = "escalation.digest"
ADMIN_KIND = "escalation.admin"


@dataclass(frozen=True)
class Row:
    """One case in a section. ``days_over``: whole days past its deadline (None: no deadline passed),
    which the second level compares with the organisation's ``escalation_admin_days``."""

    public_id: str
    text: str
    url: str
    days_over: int | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    total: int  # all matching cases; ``rows`` holds at most MAX_ROWS of them
    rows: list[Row] = field(default_factory=list)
    more_url: str = ""  # the staff list with all of them


SectionProvider = Callable[[Organisation, dt.datetime], Section | None]
_PROVIDERS: dict[str, tuple[int, SectionProvider]] = {}


def register_escalation_section(key: str, provider: SectionProvider, *, order: int = 100) -> None:
    """Add (or replace) a digest section; sections appear by ``order``. Call from ``AppConfig.ready``."""
    _PROVIDERS[key] = (order, provider)


def escalation_sections() -> list[tuple[str, SectionProvider]]:
    return [(key, p) for key, (_, p) in sorted(_PROVIDERS.items(), key=lambda item: (item[1][0], item[0]))]


def site_url(path: str) -> str:
    """An absolute link for a mail (the digest is read outside the platform)."""
    return settings.SITE_URL.rstrip("/") + path


def staff_report_url(public_id: str) -> str:
    """The staff page of one case, absolute; other sections (hand-offs) link their rows the same way."""
    return site_url(reverse("staff:report", args=[public_id]))


def _rows(
    qs: QuerySet[Report], text: Callable[[Report], str], days_over: Callable[[Report], int | None]
) -> list[Row]:
    return [
        Row(r.public_id, text(r), staff_report_url(r.public_id), days_over(r))
        for r in qs.select_related("category", "commune")[:MAX_ROWS]
    ]


def _place(report: Report) -> str:
    return report.nearest_address or report.commune.name


def overdue_section(organisation: Organisation, now: dt.datetime) -> Section | None:
    """Open cases whose deadline has passed, longest overdue first (not those waiting in „Rückfrage“)."""
    qs = Report.objects.filter(
        organisation=organisation, status__in=OPEN_STATES, due__lt=now, clock_paused_since__isnull=True
    ).order_by("due")  # a case waiting for the reporter's answer (Rückfrage) has its clock stopped
    total = qs.count()
    if not total:
        return None

    def days_over(r: Report) -> int:
        return (now - r.due).days

    def text(r: Report) -> str:
        return f"{r.category.name}, {_place(r)} – fällig am {timezone.localtime(r.due):%d.%m.%Y}, {days_over(r)} Tag(e) überfällig"

    return Section(
        "overdue",
        "Überfällige Fälle",
        total,
        _rows(qs, text, days_over),
        site_url(reverse("staff:queue") + f"?overdue=1&organisation={organisation.pk}"),
    )


def unaccepted_section(organisation: Organisation, now: dt.datetime) -> Section | None:
    """Cases still "Eingegangen" after the organisation's N days: nobody has looked at them."""
    days = organisation.escalation_unaccepted_days
    since = now - dt.timedelta(days=days)
    qs = Report.objects.filter(
        organisation=organisation, status=ReportStatus.SUBMITTED, created__lte=since
    ).order_by("created")
    total = qs.count()
    if not total:
        return None

    def text(r: Report) -> str:
        return f"{r.category.name}, {_place(r)} – eingegangen am {timezone.localtime(r.created):%d.%m.%Y}"

    return Section(
        "unaccepted",
        f"Seit mindestens {days} Tag(en) nicht angenommen (Status „Eingegangen“)",
        total,
        _rows(qs, text, lambda r: None),
        site_url(
            reverse("staff:queue")
            + f"?status={ReportStatus.SUBMITTED}&older_than_days={days}&organisation={organisation.pk}"
        ),
    )


def register_builtin_sections() -> None:
    register_escalation_section("overdue", overdue_section, order=10)
    register_escalation_section("unaccepted", unaccepted_section, order=20)


def digest_sections(organisation: Organisation, now: dt.datetime) -> list[Section]:
    """The non-empty sections for ``organisation``, in order."""
    sections = []
    for _key, provider in escalation_sections():
        section = provider(organisation, now)
        if section is not None and section.total:
            sections.append(section)
    return sections


def _admin_addresses(organisation: Organisation) -> list[str]:
    members = Membership.objects.filter(
        organisation=organisation, role=Role.ADMIN, active=True, user__is_active=True
    ).exclude(user__email="")
    return sorted(set(members.values_list("user__email", flat=True)))


def _second_level(organisation: Organisation, sections: Iterable[Section]) -> list[Row]:
    limit = organisation.escalation_admin_days
    if not limit:
        return []
    return [row for s in sections for row in s.rows if row.days_over is not None and row.days_over >= limit]


def escalation_send(day: dt.date, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue the digest (and second-level mails) of every organisation that has something to report."""
    now = now or timezone.now()
    counts = {"digests": 0, "admin_mails": 0}
    for organisation in Organisation.objects.filter(active=True, escalation_enabled=True).order_by("pk"):
        sections = digest_sections(organisation, now)
        if not sections:
            continue  # nothing to report: no mail
        context = {"organisation": organisation, "sections": sections, "day": day}
        recipient = organisation.escalation_recipient or organisation.email
        if mail_queue(
            kind=DIGEST_KIND,
            to=recipient,
            template="mail/escalation_digest.txt",
            context=context,
            object_type="organisation",
            object_id=str(organisation.pk),
        ):
            counts["digests"] += 1
        rows = _second_level(organisation, sections)
        for address in _admin_addresses(organisation) if rows else []:
            mail_queue(
                kind=ADMIN_KIND,
                to=address,
                template="mail/escalation_admin.txt",
                context={**context, "rows": rows, "limit": organisation.escalation_admin_days},
                object_type="organisation",
                object_id=str(organisation.pk),
            )
            counts["admin_mails"] += 1
    logger.info("escalation digest for %s: %s", day, counts)
    return counts


def escalation_daily_job(day: dt.date) -> dict[str, int]:
    return escalation_send(day)
