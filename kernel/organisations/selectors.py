"""Read queries on organisations, their members, teams and responsibility areas.

Which organisations a user may see or configure is decided in ``kernel.organisations.scoping``; these selectors
take the already-decided organisation (or ids) and only read. Querysets stay lazy so a page that does not
render a list does not query it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from kernel.boundaries.naming import german
from kernel.organisations.models import Membership, Organisation, OrganisationKind, ResponsibilityArea, Team


def organisation_get(pk: int) -> Organisation:
    """The organisation ``pk``; raises ``Organisation.DoesNotExist`` (the caller chose the id from scope)."""
    return Organisation.objects.get(pk=pk)


def organisations_with_ids(ids: Iterable[int]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=ids)


def organisations_active() -> QuerySet[Organisation]:
    """Every active organisation: the ones a case may be forwarded to."""
    return Organisation.objects.filter(active=True)


def forward_targets(organisation_id: int) -> QuerySet[Organisation]:
    """Active organisations other than ``organisation_id``, by name: the choices shown for forwarding."""
    return organisations_active().exclude(pk=organisation_id).order_by(german("name"))


def teams_of(organisation_id: int) -> QuerySet[Team]:
    return Team.objects.filter(organisation_id=organisation_id)


def memberships_of(organisation: Organisation) -> QuerySet[Membership]:
    """All memberships, active first, with user and team for the members page."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "team")
        .order_by("-active", "user__username")
    )


def membership_in(organisation: Organisation, pk: int) -> Membership | None:
    """Membership ``pk`` if it belongs to ``organisation``; None for ids of other organisations."""
    return Membership.objects.filter(pk=pk, organisation=organisation).first()


def areas_of(organisation: Organisation) -> QuerySet[ResponsibilityArea]:
    """The organisation's responsibility areas with their categories; without the (large) geometry."""
    return (
        ResponsibilityArea.objects.filter(organisation=organisation)
        .prefetch_related("categories")
        .defer("geom")
    )


def area_in(organisation: Organisation, pk: int) -> ResponsibilityArea | None:
    """Area ``pk`` if it belongs to ``organisation``; None for ids of other organisations."""
    return ResponsibilityArea.objects.filter(pk=pk, organisation=organisation).first()


def commune_opendata_publishers() -> dict[str, tuple[str, str]]:
    """``{AGS: (organisation name, open-data licence URI)}`` of the communes' organisations, for the
    DCAT-AP.de catalogue (publisher and licence per commune)."""
    rows = Organisation.objects.filter(kind=OrganisationKind.COMMUNE).values_list(
        "ags", "name", "opendata_license"
    )
    return {ags: (name, licence) for ags, name, licence in rows}


def embed_origins(ags: str) -> list[str]:
    """The web origins (``https://www.example.de``) that may show the commune's embedded view in a frame."""
    org = Organisation.objects.filter(kind=OrganisationKind.COMMUNE, ags=ags, active=True).first()
    return org.embed_origin_list() if org is not None else []


def member_labels(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[str, str]]:
    """How staff pages name a member: ``{(user_id, organisation_id): {"name", "role"}}`` — the full name
    (the username only when there is none) and the role in that organisation, for every pair given.
    A pair without an active membership gets a name and an empty role. One query for any number of
    pairs, so a queue of 50 rows costs no more than one report page (issue 26: bare usernames)."""
    pairs = {(u, o) for u, o in pairs if u and o}
    if not pairs:
        return {}
    user_ids = {u for u, _ in pairs}
    org_ids = {o for _, o in pairs}
    roles = {
        (m.user_id, m.organisation_id): m.get_role_display()
        for m in Membership.objects.filter(user_id__in=user_ids, organisation_id__in=org_ids, active=True)
    }
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}
    labels = {}
    for user_id, org_id in pairs:
        user = users.get(user_id)
        if user is None:
            continue
        name = user.get_full_name() or user.get_username()
        labels[(user_id, org_id)] = {"name": name, "role": roles.get((user_id, org_id), "")}
    return labels
