"""Read queries on organisations, their members, teams and responsibility areas.

Which organisations a user may see or configure is decided in ``kernel.organisations.scoping``; these selectors
take the already-decided organisation (or ids) and only read. Querysets stay lazy so a page that does not
render a list does not query it.
"""

from __future__ import annotations

from collections.abc import Iterable

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
