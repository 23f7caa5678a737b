"""Which staff page each role may open — the one table behind both the header navigation and the 403.

``staff_only`` looks up the page being requested (its URL name) in :data:`PAGE_DUTIES` and answers 403
unless the person has one of the duties named there; the header (``{% staff_nav %}``) offers exactly the
links of :data:`NAV` whose page the person may open. So a link is never offered that would answer 403,
and a page that is not offered answers 403 — the same way for every role.

Duties come from the active memberships (``kernel.organisations.scoping.scope_of``). Which *cases* a
person sees on an open page is still decided there (``visible_cases``): the table here is about pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kernel.organisations.scoping import scope_of


class Duty(StrEnum):
    MEMBER = "member"  # any active membership
    MANAGE = "manage"  # Sachbearbeitung or Administration: reports, moderation, permits
    ADMINISTER = "administer"  # Administration: settings of the organisation
    CREW = "crew"  # Bauhof: the jobs assigned to them
    ENFORCE = "enforce"  # Vollzugsdienst (and Administration): parking card checks on /kontrolle/
    OPERATE = "operate"  # the platform operator (a superuser): all organisations' go-live state


def duties_of(user: Any) -> frozenset[Duty]:
    """The duties of all the user's active memberships together (a person may hold several roles)."""
    scope = scope_of(user)
    duties: set[Duty] = set()
    if scope.is_staff:
        duties.add(Duty.MEMBER)
    if scope.manager_org_ids:
        duties.add(Duty.MANAGE)
    if scope.admin_org_ids:
        duties |= {Duty.ADMINISTER, Duty.ENFORCE}
    if scope.crew_org_ids:
        duties.add(Duty.CREW)
    if scope.enforcement_org_ids:
        duties.add(Duty.ENFORCE)
    if getattr(user, "is_superuser", False) and user.is_active:
        duties.add(Duty.OPERATE)
    return frozenset(duties)


M, A, C, E, ANY = Duty.MANAGE, Duty.ADMINISTER, Duty.CREW, Duty.ENFORCE, Duty.MEMBER
OP = Duty.OPERATE

# URL name in the ``staff`` namespace → the duties that open it (any one of them suffices).
# /verwaltung/ itself is the start address of every member: it sends crews and enforcement on to
# their own start page (``start_page``) and shows the work queue to the others.
PAGE_DUTIES: dict[str, frozenset[Duty]] = {
    "queue": frozenset({ANY}),
    "queue-export": frozenset({M}),
    "queue-bulk": frozenset({M}),
    "saved-filters": frozenset({M}),
    "priority": frozenset({M}),
    "report-new": frozenset({M}),  # a report entered for a caller (phone, counter, letter, e-mail)
    "report": frozenset({M, C}),  # a crew opens the report of its own job (read only)
    "status": frozenset({M}),
    "assign": frozenset({M}),
    "inquiry": frozenset({M}),
    "forward": frozenset({M}),
    "duplicate": frozenset({M}),
    "moderate": frozenset({M}),
    "internal": frozenset({M}),
    "photo-redact": frozenset({M}),  # black out areas of a photo (issue 31.5)
    "release": frozenset({M}),
    "correct-category": frozenset({M}),
    "move": frozenset({M}),
    "moderation": frozenset({M}),
    "handoff-create": frozenset({M}),
    "handoffs": frozenset({M}),
    "handoff-revoke": frozenset({M}),
    "notice-decide": frozenset({M}),
    "update-decide": frozenset({M}),
    "permits": frozenset({M}),
    "permit": frozenset({M}),
    "permit-decide": frozenset({M}),
    "parking": frozenset({M}),
    "payment-record": frozenset({M}),
    "crew": frozenset({C}),
    "crew-job": frozenset({C}),
    "crew-job-undo": frozenset({C}),
    "kontrolle": frozenset({E}),
    "settings": frozenset({A}),
    "category-settings": frozenset({A}),
    "members": frozenset({A}),
    "areas": frozenset({A}),
    "permit-kinds": frozenset({A}),
    "parking-zones": frozenset({A}),
    "participation": frozenset({A}),
    "retention": frozenset({A}),
    "escalation": frozenset({A}),
    "privacy-requests": frozenset({A}),
    "api-tokens": frozenset({A}),
    "fee-schedules": frozenset({A}),
    "fee-schedule": frozenset({A}),
    "fee-schedule-preview": frozenset({A}),
    "fee-schedule-publish": frozenset({A}),
    "readiness": frozenset({A}),
    "operator": frozenset({OP}),
    "operator-export": frozenset({OP}),
    # Not behind ``staff_only`` (operators without a membership, invited persons), listed for completeness:
    "second-factor": frozenset({ANY}),
    "recovery-codes": frozenset({ANY}),
    "invitations": frozenset({ANY}),
    # Opened by the signed token of the recipient test mail, by whoever reads that mailbox (no sign-in).
    "recipient-confirm": frozenset({ANY}),
    # The mailed invitation link: opened without an account (the token is the key), not staff_only.
    "invitation-link": frozenset({ANY}),
}

# Why a page is closed, by the duty it needs (the 403 page says it).
REFUSALS = {
    M: "Diese Seite ist der Sachbearbeitung und Administration vorbehalten.",
    A: "Einstellungen sind der Administration vorbehalten.",
    C: "Diese Seite ist dem Bauhof vorbehalten.",
    E: "Die Parkausweis-Kontrolle ist dem Vollzugsdienst vorbehalten.",
    OP: "Diese Seite ist dem Plattformbetrieb vorbehalten.",
}
REFUSAL_DEFAULT = "Dafür fehlt Ihnen die Berechtigung."


def may_open(user: Any, url_name: str) -> bool:
    """May ``user`` open the staff page ``url_name``? A name without a row is closed to everybody."""
    return bool(PAGE_DUTIES.get(url_name, frozenset()) & duties_of(user))


def refusal(url_name: str) -> str:
    """The 403 page's sentence: who the page is for, when one duty opens it."""
    needed = PAGE_DUTIES.get(url_name, frozenset())
    if len(needed) == 1:
        return REFUSALS.get(next(iter(needed)), REFUSAL_DEFAULT)
    return REFUSAL_DEFAULT


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str
    # Pages that belong to this link's section: it is marked as the current one there.
    section: frozenset[str] = frozenset()


NAV: tuple[NavLink, ...] = (
    NavLink("queue", "Arbeitsliste", frozenset({"queue", "report", "queue-bulk", "report-new"})),
    NavLink("moderation", "Moderation"),
    NavLink("handoffs", "Übergaben"),
    NavLink("permits", "Sondernutzungen", frozenset({"permit"})),
    NavLink("parking", "Parkausweise"),
    NavLink("crew", "Meine Aufträge", frozenset({"crew-job"})),
    NavLink("kontrolle", "Kontrolle"),
    NavLink(
        "settings",
        "Einstellungen",
        frozenset(
            {
                "category-settings",
                "members",
                "areas",
                "permit-kinds",
                "parking-zones",
                "participation",
                "retention",
                "escalation",
                "privacy-requests",
                "api-tokens",
                "fee-schedules",
                "fee-schedule",
                "fee-schedule-preview",
                "readiness",
            }
        ),
    ),
    NavLink("operator", "Betrieb"),
    NavLink("second-factor", "Zwei-Faktor-Anmeldung", frozenset({"recovery-codes"})),
)

# The queue link is for the roles that have a queue; for the others /verwaltung/ only forwards.
NAV_DUTIES = {"queue": frozenset({M})}


def nav_for(user: Any) -> list[NavLink]:
    """The header links ``user`` is offered, in order: exactly the pages they may open."""
    duties = duties_of(user)
    return [link for link in NAV if NAV_DUTIES.get(link.url_name, PAGE_DUTIES[link.url_name]) & duties]


def start_page(user: Any) -> str:
    """The URL name of the page a member starts on: the queue for caseworkers and admins, the job list
    for crews, the card check for Vollzugsdienst, else the second-factor page (always open)."""
    duties = duties_of(user)
    for duty, page in ((M, "queue"), (C, "crew"), (E, "kontrolle")):
        if duty in duties:
            return page
    return "second-factor"
