"""The permission matrix as data: for every protected route (staff pages, Bauhof, Kontrolle, staff API,
exports, media) and HTTP method, how to build its URL from Dresden's objects (tests/staff/matrix_scene.py)
and the exact status each role gets. tests/staff/test_permission_matrix.py requests every cell and fails
for a route of the URL configuration that is neither here nor in ``NOT_IN_MATRIX``.

The rules the rows spell out (organisations/scoping.py decides them, in one place):

* anonymous: pages redirect to the login (302), the API answers 401, media 404 (a file's existence
  does not leak);
* signed in without a membership ("outsider"): 403 on every staff page and API path;
* another commune's staff: 404 for every object of Dresden — never 403, so that existence does not leak;
  lists and settings pages show them their own commune only;
* a crew member (Bauhof) sees the jobs assigned to them (200) and writes only their status through the
  crew page; every manager action on such a job is 403, everything not assigned is 404;
* enforcement (Vollzugsdienst) sees no case at all (404) and no admin page (403); only /kontrolle/;
* admin pages (settings, members, tokens, retention, privacy requests) are for the commune's admins.

A write that is refused must change nothing: each write row names the object it would change
(``state``) and the roles whose request does change it (``writes``); every other role's request leaves
the row exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from tests.staff.matrix_scene import Scene

ROLES = ("anonymous", "outsider", "owner", "admin", "other", "other_admin", "crew", "enforcement")


def _codes(**codes: int) -> dict[str, int]:
    assert set(codes) == set(ROLES), set(ROLES) ^ set(codes)
    return codes


# A page every member opens (their own commune's content only).
MEMBER_PAGE = _codes(
    anonymous=302, outsider=403, owner=200, admin=200, other=200, other_admin=200, crew=200, enforcement=200
)
# A settings page of the commune's admins; Leipzig's admin asking for Dresden's gets Leipzig's own.
ADMIN_PAGE = {**MEMBER_PAGE, "owner": 403, "other": 403, "crew": 403, "enforcement": 403}
# One of Dresden's cases, opened by its id (reports: the crew's assigned job is theirs to see).
REPORT_PAGE = {**MEMBER_PAGE, "other": 404, "other_admin": 404, "enforcement": 404}
# A permit: caseworkers' work; a crew has no permits.
PERMIT_PAGE = {**REPORT_PAGE, "crew": 404}
# A manager's action on a report (web form: 302 back to the report page when done).
REPORT_ACTION = {**REPORT_PAGE, "owner": 302, "admin": 302, "crew": 403}
PERMIT_ACTION = {**REPORT_ACTION, "crew": 404}
# Admin form actions: 302 back to the page.
ADMIN_ACTION = {**ADMIN_PAGE, "admin": 302, "other_admin": 302}
# Staff API (token): the same rules, 401 without credentials.
API_LIST = {**MEMBER_PAGE, "anonymous": 401}
API_REPORT = {**REPORT_PAGE, "anonymous": 401}
API_PERMIT = {**PERMIT_PAGE, "anonymous": 401}
MANAGERS = frozenset({"owner", "admin"})
ADMINS = frozenset({"admin"})
CREW_JOB = frozenset({"owner", "admin", "crew"})  # who sees the report assigned to crew_a


def _none(scene: Scene) -> dict[str, Any]:
    return {}


def row(model: type[Model], pk: int) -> Callable[[Scene], object]:
    """The whole database row of one object: what a refused write must leave unchanged."""
    return lambda scene: model.objects.filter(pk=pk).values().first()


def rows(get: Callable[[Scene], Model]) -> Callable[[Scene], object]:
    def state(scene: Scene) -> object:
        obj = get(scene)
        return type(obj).objects.filter(pk=obj.pk).values().first()

    return state


@dataclass(frozen=True)
class Case:
    route: str  # the URL name, as reverse() takes it (tests/staff/url_inventory.py Route.key)
    expect: Mapping[str, int]  # role → status code
    method: str = "get"
    variant: str = ""  # several rows of one route (media: which kind of file)
    kwargs: Callable[[Scene], dict[str, Any]] = _none
    data: Callable[[Scene], dict[str, Any]] = _none  # form fields, JSON body or query string
    api: bool = False  # authenticate with the role's API token instead of a session
    state: Callable[[Scene], object] | None = None  # for writes: what a refused request leaves unchanged
    writes: frozenset[str] = field(default_factory=frozenset)  # roles whose request changes ``state``
    # For lists and settings pages: a text only Dresden's data contains, and the roles whose answer
    # shows it; in every other role's 200 answer it must not appear (another commune sees nothing).
    shows: Callable[[Scene], str] | None = None
    sees: frozenset[str] = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        method = "" if self.method == "get" else f" {self.method.upper()}"
        return f"{self.route}{'/' + self.variant if self.variant else ''}{method}"


def _report(scene: Scene) -> dict[str, Any]:
    return {"public_id": scene.report.public_id}


def _permit(scene: Scene) -> dict[str, Any]:
    return {"public_id": scene.permit.public_id}


def _report_state(scene: Scene) -> object:
    """The report's whole row and its history (tests/staff_world.py ``state`` and more)."""
    report = scene.report
    return type(report).objects.filter(pk=report.pk).values().first(), report.history.count()


def _fee_claim(scene: Scene) -> object:
    from permits.models import FeeClaim

    return list(FeeClaim.objects.filter(permit=scene.approved).values())


def _of_dresden(data: Callable[[Scene], dict[str, Any]] = _none) -> Callable[[Scene], dict[str, Any]]:
    """Admin pages pick the organisation by ``?organisation=``: every role asks for Dresden's."""
    return lambda scene: {"organisation": scene.world.dresden.pk, **data(scene)}


def _report_id(scene: Scene) -> str:
    return scene.report.public_id


def _dresden_member(scene: Scene) -> str:
    return ">caseworker_a<"  # a member's user name as the members and token pages list it


def _media(get: Callable[[Scene], Any]) -> Callable[[Scene], dict[str, Any]]:
    return lambda scene: {"path": get(scene).name}


def _report_action(action: str, data: Callable[[Scene], dict[str, Any]]) -> Case:
    return Case(
        f"staff:{action}",
        REPORT_ACTION,
        "post",
        kwargs=_report,
        data=data,
        state=_report_state,
        writes=MANAGERS,
    )


WEB = [
    Case(
        "staff:queue",
        {**MEMBER_PAGE, "crew": 302, "enforcement": 302},  # both to /bauhof/
        shows=_report_id,
        sees=MANAGERS,
    ),
    Case("staff:queue-export", MEMBER_PAGE, shows=_report_id, sees=CREW_JOB),  # the crew: its jobs
    Case("staff:report", REPORT_PAGE, kwargs=_report),
    _report_action("status", lambda s: {"status": "in_review", "public_note": "Wird geprüft"}),
    _report_action("assign", lambda s: {"assignee": "crew_a2", "team": ""}),
    _report_action("forward", lambda s: {"organisation": s.world.leipzig.pk, "reason": "Zuständig: Leipzig"}),
    _report_action("duplicate", lambda s: {"original": s.other_report.public_id}),
    _report_action("moderate", lambda s: {"hide_description": "hide", "reason": "Beleidigung"}),
    Case("staff:moderation", MEMBER_PAGE, shows=_report_id, sees=MANAGERS),
    Case(
        "staff:notice-decide",
        REPORT_ACTION,
        "post",
        kwargs=lambda s: {"notice_id": s.notice.pk},
        data=lambda s: {"decision": "rejected", "note": "Kein Verstoß"},
        state=rows(lambda s: s.notice),
        writes=MANAGERS,
    ),
    Case(
        "staff:update-decide",
        REPORT_ACTION,
        "post",
        kwargs=lambda s: {"update_id": s.update.pk},
        data=lambda s: {"action": "hide", "reason": "Beleidigung"},
        state=rows(lambda s: s.update),
        writes=MANAGERS,
    ),
    Case("staff:participation", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:participation",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(
            lambda s: {"action": "settings", "questionnaire_days": "21", "update_moderation": "pre"}
        ),
        state=rows(lambda s: s.world.dresden),
        writes=ADMINS,
    ),
    Case("staff:second-factor", MEMBER_PAGE),
    Case("staff:settings", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case("staff:category-settings", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case("staff:members", ADMIN_PAGE, data=_of_dresden(), shows=_dresden_member, sees=ADMINS),
    Case(
        "staff:members",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: {"username": "caseworker_b", "role": "caseworker"}),
        state=lambda s: sorted(s.world.dresden.invitations.values_list("username", "answered")),
        writes=ADMINS,
    ),
    Case("staff:areas", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case("staff:retention", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:retention",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: _retention_values()),
        state=rows(lambda s: s.world.dresden),
        writes=ADMINS,
    ),
    Case("staff:privacy-requests", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: "Dresden", sees=ADMINS),
    Case(
        "staff:privacy-requests",
        ADMIN_ACTION,
        "post",
        variant="erase",
        data=_of_dresden(lambda s: {"email": "buerger@example.org", "action": "erase", "confirm": "yes"}),
        state=_report_state,
        writes=ADMINS,
    ),
    Case(
        "staff:privacy-requests",
        ADMIN_PAGE,
        "post",
        variant="export",
        data=_of_dresden(lambda s: {"email": "buerger@example.org", "action": "export"}),
        shows=_report_id,  # Leipzig's admin gets Leipzig's (empty) answer for the same address
        sees=ADMINS,
    ),
    Case("staff:api-tokens", ADMIN_PAGE, data=_of_dresden(), shows=lambda s: ">crew_a<", sees=ADMINS),
    Case(
        "staff:api-tokens",
        ADMIN_ACTION,
        "post",
        data=_of_dresden(lambda s: {"revoke": _tokens_of("crew_a")[0]["id"]}),
        state=lambda s: _tokens_of("crew_a"),
        writes=ADMINS,
    ),
    Case(
        "staff:invitations",
        {**MEMBER_PAGE, "outsider": 200},  # no membership needed: it may be the first one
        shows=lambda s: "Dresden",
        sees=frozenset({"outsider"}),
    ),
    Case(
        "staff:invitations",
        {**dict.fromkeys(ROLES, 302)},
        "post",
        data=lambda s: {"accept": s.invitation.pk},
        state=rows(lambda s: s.invitation),
        writes=frozenset({"outsider"}),  # only the invited person; the others get "no longer valid"
    ),
    Case("staff:permits", MEMBER_PAGE, shows=lambda s: s.permit.public_id, sees=MANAGERS),
    Case("staff:permit", PERMIT_PAGE, kwargs=_permit),
    Case(
        "staff:permit-decide",
        PERMIT_ACTION,
        "post",
        kwargs=_permit,
        data=lambda s: {"status": "rejected", "public_note": "Abgelehnt"},
        state=rows(lambda s: s.permit),
        writes=MANAGERS,
    ),
    Case("staff:parking", MEMBER_PAGE, shows=lambda s: s.parking.public_id, sees=MANAGERS),
    Case(
        "staff:payment-record",
        PERMIT_ACTION,
        "post",
        kwargs=lambda s: {"public_id": s.approved.public_id},
        state=_fee_claim,
        writes=MANAGERS,
    ),
    Case("staff:crew", MEMBER_PAGE, shows=_report_id, sees=frozenset({"crew"})),
    Case("staff:crew-job", REPORT_PAGE, kwargs=_report),
    Case(
        "staff:crew-job",
        {**REPORT_PAGE, "owner": 302, "admin": 302, "crew": 302},
        "post",
        kwargs=_report,
        data=lambda s: {"status": "in_progress"},
        state=_report_state,
        writes=CREW_JOB,
    ),
    Case(
        "staff:kontrolle",
        {**ADMIN_PAGE, "enforcement": 200},
        data=_of_dresden(),
        shows=lambda s: "Dresden",
        sees=frozenset({"admin", "enforcement"}),
    ),
    Case(
        "staff:kontrolle",
        {**ADMIN_PAGE, "enforcement": 200},  # the verdict: not a card
        "post",
        data=lambda s: {"code": "kein Ausweis", "plate": "DD-XY 42", "org": s.world.dresden.pk},
    ),
]


def _retention_values() -> dict[str, str]:
    """Each retention period one more than its lower bound (never the default, so a save shows)."""
    from organisations.models import RETENTION_BOUNDS

    return {name: str(low + 1) for name, (low, _) in RETENTION_BOUNDS.items()}


def _tokens_of(username: str) -> list[dict[str, Any]]:
    from organisations.models import ApiToken

    return list(ApiToken.objects.filter(user__username=username).order_by("pk").values())


API = [
    Case("staff-report-list", API_LIST, api=True, shows=_report_id, sees=CREW_JOB),
    Case("staff-report-detail", API_REPORT, kwargs=_report, api=True),
    Case(
        "staff-report-detail",
        {**API_REPORT},
        "patch",
        kwargs=_report,
        data=lambda s: {"status": "in_progress"},  # the crew may move its own job on
        api=True,
        state=_report_state,
        writes=CREW_JOB,
    ),
    Case(
        "staff-report-detail",
        {**API_REPORT, "crew": 403},
        "patch",
        variant="assign",
        kwargs=_report,
        data=lambda s: {"assignee": "crew_a2"},  # … but not hand it to someone else
        api=True,
        state=_report_state,
        writes=MANAGERS,
    ),
    Case("permit-conflicts", API_PERMIT, kwargs=_permit, api=True),
    Case("staff-permit-list", API_LIST, api=True, shows=lambda s: s.permit.public_id, sees=MANAGERS),
    Case("staff-permit-detail", API_PERMIT, kwargs=_permit, api=True),
    Case(
        "staff-permit-detail",
        API_PERMIT,
        "patch",
        kwargs=_permit,
        data=lambda s: {"status": "rejected", "public_note": "Abgelehnt"},
        api=True,
        state=rows(lambda s: s.permit),
        writes=MANAGERS,
    ),
    Case(
        "staff-permit-notice",
        API_PERMIT,
        kwargs=lambda s: {"public_id": s.approved.public_id, "notice_id": s.notice_file.pk},
        api=True,
    ),
    Case(
        "staff-permit-payment",
        API_PERMIT,
        "post",
        kwargs=lambda s: {"public_id": s.approved.public_id},
        api=True,
        state=lambda s: _fee_claim(s),
        writes=MANAGERS,
    ),
]

# Media (web.media): every file is found through its owning row; what may not be seen is 404.
PUBLIC_FILE = dict.fromkeys(ROLES, 200)
HIDDEN_PHOTO = {**dict.fromkeys(ROLES, 404), "owner": 200, "admin": 200, "crew": 200}  # crew: its job
PERMIT_FILE = {**dict.fromkeys(ROLES, 404), "owner": 200, "admin": 200}
MEDIA = [
    Case("media", PUBLIC_FILE, variant="photo", kwargs=_media(lambda s: s.public_photo.image)),
    Case("media", PUBLIC_FILE, variant="thumbnail", kwargs=_media(lambda s: s.public_photo.thumbnail)),
    Case("media", HIDDEN_PHOTO, variant="hidden-photo", kwargs=_media(lambda s: s.hidden_photo.image)),
    Case(
        "media", HIDDEN_PHOTO, variant="hidden-thumbnail", kwargs=_media(lambda s: s.hidden_photo.thumbnail)
    ),
    Case("media", PERMIT_FILE, variant="permit-attachment", kwargs=_media(lambda s: s.attachment.file)),
    Case("media", PERMIT_FILE, variant="permit-notice", kwargs=_media(lambda s: s.notice_file.file)),
    Case(
        "media", dict.fromkeys(ROLES, 404), variant="no-such-file", kwargs=lambda s: {"path": "reports/x.jpg"}
    ),
]

# The Django admin: for operators (is_staff) only; no commune member is one (the second factor for the
# admin: tests/staff/test_second_factor.py). One row stands for the whole namespace (NOT_IN_MATRIX).
ADMIN = [Case("admin:index", dict.fromkeys(ROLES, 302))]

CASES = [*WEB, *API, *MEDIA, *ADMIN]
