"""The one place that decides which cases a staff user may see and what they may do with them.

Every staff page, staff API endpoint and staff service goes through these functions. Rules:

* ``admin`` and ``caseworker`` members see every case of their organisation;
* ``crew`` members see only cases assigned to them or to their team (Kolonne) in that organisation;
* ``enforcement`` members (Vollzugsdienst) see no cases; they check parking cards on /kontrolle/;
* nobody sees cases of other organisations: those are answered with 404, so their existence does not
  leak, and can never be changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kernel.core.errors import DomainError, NotFound
from kernel.organisations.models import Membership, Organisation, OrganisationKind, Role

CASE_MANAGERS = (Role.ADMIN, Role.CASEWORKER)


class Forbidden(DomainError):
    code = "forbidden"
    status_code = 403
    default_message = "Dafür fehlt Ihnen die Berechtigung."


@dataclass(frozen=True)
class Scope:
    manager_org_ids: frozenset[int]
    crew_org_ids: frozenset[int]
    admin_org_ids: frozenset[int]
    team_ids: frozenset[int]
    user_id: int | None
    enforcement_org_ids: frozenset[int] = frozenset()  # parking enforcement: /kontrolle/, no cases

    @property
    def is_staff(self) -> bool:
        return bool(self.manager_org_ids or self.crew_org_ids or self.enforcement_org_ids)

    @property
    def org_ids(self) -> frozenset[int]:
        return self.manager_org_ids | self.crew_org_ids


EMPTY = Scope(frozenset(), frozenset(), frozenset(), frozenset(), None)


def scope_of(user: Any) -> Scope:
    """The user's active memberships, computed once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    cached = getattr(user, "_mm_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user, active=True, organisation__active=True).values_list(
            "organisation_id", "role", "team_id"
        )
    )
    scope = Scope(
        manager_org_ids=frozenset(o for o, role, _ in memberships if role in CASE_MANAGERS),
        crew_org_ids=frozenset(o for o, role, _ in memberships if role == Role.CREW),
        admin_org_ids=frozenset(o for o, role, _ in memberships if role == Role.ADMIN),
        team_ids=frozenset(t for _, role, t in memberships if t is not None),
        user_id=user.pk,
        enforcement_org_ids=frozenset(o for o, role, _ in memberships if role == Role.ENFORCEMENT),
    )
    user._mm_scope = scope
    return scope


def restrict_scope(user: Any, organisation_id: int) -> None:
    """For this request, ``user`` acts only in ``organisation_id`` (an API token issued for it): a token
    handed to one commune's system never reaches the owner's other organisations."""
    full = scope_of(user)
    only = frozenset({organisation_id})
    user._mm_scope = Scope(
        manager_org_ids=full.manager_org_ids & only,
        crew_org_ids=full.crew_org_ids & only,
        admin_org_ids=full.admin_org_ids & only,
        team_ids=full.team_ids,  # teams belong to one organisation; cases are filtered by it first
        user_id=full.user_id,
        enforcement_org_ids=full.enforcement_org_ids & only,
    )


def forget_scope(user: Any) -> None:
    if hasattr(user, "_mm_scope"):
        del user._mm_scope


def visible_cases(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter any located-case queryset (reports, permits) down to what ``user`` may see."""
    scope = scope_of(user)
    if not scope.is_staff:
        return queryset.none()
    condition = Q(organisation_id__in=scope.manager_org_ids)
    crew_only = scope.crew_org_ids - scope.manager_org_ids
    # Crews work on assigned jobs; cases without assignment (permits) are for caseworkers only.
    has_jobs = any(f.name == "assignee" for f in queryset.model._meta.get_fields())
    if crew_only and has_jobs:
        condition |= Q(organisation_id__in=crew_only) & (
            Q(assignee_id=scope.user_id) | Q(team_id__in=scope.team_ids)
        )
    return queryset.filter(condition)


def in_own_communes(user: Any, *, ags_field: str) -> Q:
    """Condition on rows whose commune key ``ags_field`` (8-digit AGS) is a commune of one of the user's
    case-managing organisations: a commune organisation's own AGS, or any commune of a district
    organisation (AGS starting with its 5 digits). Bodies without a boundary (kind "other") have no
    communes. Used where another organisation's case is shown only in part (permit conflicts)."""
    keys = Organisation.objects.filter(pk__in=scope_of(user).manager_org_ids).exclude(ags="")
    condition = Q(pk__in=[])
    for kind, ags in keys.values_list("kind", "ags"):
        if kind == OrganisationKind.COMMUNE:
            condition |= Q(**{ags_field: ags})
        elif kind == OrganisationKind.DISTRICT:
            condition |= Q(**{f"{ags_field}__startswith": ags})
    return condition


def role_in(user: Any, organisation_id: int) -> str | None:
    scope = scope_of(user)
    if organisation_id in scope.admin_org_ids:
        return Role.ADMIN
    if organisation_id in scope.manager_org_ids:
        return Role.CASEWORKER
    if organisation_id in scope.crew_org_ids:
        return Role.CREW
    return None


def get_visible(user: Any, queryset: QuerySet, **lookup: Any) -> Any:
    """One case the user may see, else :class:`NotFound` (also when it exists elsewhere)."""
    obj = visible_cases(user, queryset).filter(**lookup).first()
    if obj is None:
        raise NotFound("Nicht gefunden.")
    return obj


def require_manager(user: Any, case: Any) -> None:
    """Caseworker or admin of the case's organisation (triage, forward, merge, moderate, assign)."""
    if role_in(user, case.organisation_id) not in CASE_MANAGERS:
        raise Forbidden("Nur Sachbearbeitung oder Administration dürfen das.")


def require_admin(user: Any, organisation_id: int) -> None:
    if role_in(user, organisation_id) != Role.ADMIN:
        raise Forbidden("Nur die Administration der Organisation darf das.")


def enforcement_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose parking cards ``user`` may check: as Vollzugsdienst or administration."""
    scope = scope_of(user)
    return Organisation.objects.filter(pk__in=scope.enforcement_org_ids | scope.admin_org_ids).order_by(
        "name"
    )


def managed_organisations(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=scope_of(user).manager_org_ids)


def ids(values: Iterable[int]) -> list[int]:
    return sorted(values)
