"""The permission matrix as data (rows: ``web.py``, ``api.py``; the shared rules and helpers here): for every protected route (staff pages, Bauhof, Kontrolle, staff API,
exports, media) and HTTP method, how to build its URL from Dresden's objects (tests/staff/matrix_scene.py)
and the exact status each role gets. tests/staff/test_permission_matrix.py requests every cell and fails
for a route of the URL configuration that is neither here nor in ``NOT_IN_MATRIX``.

The rules the rows spell out (kernel/organisations/scoping.py decides them, in one place):

* anonymous: pages redirect to the login (302), the API answers 401, media 404 (a file's existence
  does not leak);
* signed in without a membership ("outsider"): 403 on every staff page and API path;
* another commune's staff: 404 for every object of Dresden — never 403, so that existence does not leak;
  lists and settings pages show them their own commune only;
* a crew member (Bauhof) sees the jobs assigned to them (200) and writes only their status through the
  crew page; every manager page and action is 403, a report not assigned to them is 404;
* enforcement (Vollzugsdienst) opens only /kontrolle/: every other staff page is 403, every case in the
  API 404;
* each page's roles are decided in one table, interfaces/staff/access.py, which also builds the header;
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
# Pages of caseworkers and admins (interfaces/staff/access.py): a crew or Vollzugsdienst gets 403 for the
# page itself, whatever object it names, and is never offered the link (tests/staff/test_role_navigation.py).
MANAGER_PAGE = {**MEMBER_PAGE, "crew": 403, "enforcement": 403}
# The Bauhof pages: the crew's only.
CREW_PAGE = {**MEMBER_PAGE, "owner": 403, "admin": 403, "other": 403, "other_admin": 403, "enforcement": 403}
# One of Dresden's cases, opened by its id (reports: the crew's assigned job is theirs to see).
REPORT_PAGE = {**MEMBER_PAGE, "other": 404, "other_admin": 404, "enforcement": 403}
UNASSIGNED_REPORT = {**REPORT_PAGE, "crew": 404}  # a crew opens reports, but not this one
# A permit: caseworkers' work; a crew has no permit pages.
PERMIT_PAGE = {**REPORT_PAGE, "crew": 403}
# A manager's action on a report (web form: 302 back to the report page when done).
REPORT_ACTION = {**REPORT_PAGE, "owner": 302, "admin": 302, "crew": 403}
PERMIT_ACTION = {**REPORT_ACTION}
# Admin form actions: 302 back to the page.
ADMIN_ACTION = {**ADMIN_PAGE, "admin": 302, "other_admin": 302}
# Staff API (token): the same rules as the cases, 401 without credentials; the API has no pages to
# refuse by role, so a case outside the person's work is 404 there.
API_LIST = {**MEMBER_PAGE, "anonymous": 401}
API_REPORT = {**REPORT_PAGE, "anonymous": 401, "enforcement": 404}
API_PERMIT = {**API_REPORT, "crew": 404}
MANAGERS = frozenset({"owner", "admin"})
ADMINS = frozenset({"admin"})
CREW_JOB = frozenset({"owner", "admin", "crew"})  # who sees the report assigned to crew_a


def _none(scene: Scene) -> dict[str, Any]:
    return {}


def rows(get: Callable[[Scene], Model]) -> Callable[[Scene], object]:
    """The whole database row of one object: what a refused write must leave unchanged."""

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
        method = "" if self.method == "get" else f"-{self.method.upper()}"
        return f"{self.route}{'/' + self.variant if self.variant else ''}{method}"


def _report(scene: Scene) -> dict[str, Any]:
    return {"public_id": scene.report.public_id}


def _permit(scene: Scene) -> dict[str, Any]:
    return {"public_id": scene.permit.public_id}


def _report_state(scene: Scene, report: Any = None) -> object:
    """The report's whole row and its history (tests/staff_world.py ``state`` and more)."""
    report = report or scene.report
    return type(report).objects.filter(pk=report.pk).values().first(), report.history.count()


def _fee_claim(scene: Scene) -> object:
    from domains.permits.models import FeeClaim

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


def _retention_values() -> dict[str, str]:
    """Each retention period one more than its lower bound (never the default, so a save shows)."""
    from kernel.organisations.models import RETENTION_BOUNDS

    return {name: str(low + 1) for name, (low, _) in RETENTION_BOUNDS.items()}


def _tokens_of(username: str) -> list[dict[str, Any]]:
    from kernel.organisations.models import ApiToken

    return list(ApiToken.objects.filter(user__username=username).order_by("pk").values())
