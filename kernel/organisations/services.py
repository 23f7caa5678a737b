"""Writes for organisations: commune sync, routing of new cases, memberships (each audited through
``kernel.organisations.audit``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q

from kernel.boundaries.models import Commune
from kernel.core.amounts import german_decimal
from kernel.core.errors import NotFound, ValidationFailed
from kernel.core.iban import BIC_RE, iban_is_valid, normalise_iban
from kernel.geo.coords import to_storage
from kernel.geo.geometry import parse_geojson_geometry
from kernel.notifications.services import email_is_valid
from kernel.organisations.audit import audit
from kernel.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    ResponsibilityArea,
    Role,
    Team,
    origin_lines,
    validate_origins,
)
from kernel.organisations.scoping import forget_scope, require_admin
from kernel.organisations.territory import check_territory, require_inside_territory, territory_contains


def organisations_sync_communes() -> int:
    """Create an organisation for every current commune that has none; keep names in line. Idempotent."""
    created = 0
    with transaction.atomic():
        existing = {o.ags: o for o in Organisation.objects.filter(kind=OrganisationKind.COMMUNE)}
        for ags, name in Commune.objects.current().values_list("ags", "name"):
            org = existing.get(ags)
            if org is None:
                Organisation.objects.create(kind=OrganisationKind.COMMUNE, ags=ags, name=name)
                created += 1
            elif org.name != name:
                org.name = name
                org.save(update_fields=["name"])
    return created


def commune_organisation(ags: str) -> Organisation:
    org = Organisation.objects.filter(kind=OrganisationKind.COMMUNE, ags=ags).first()
    if org is None:  # a commune loaded without the signal (e.g. raw SQL): create on first use
        organisations_sync_communes()
        org = Organisation.objects.get(kind=OrganisationKind.COMMUNE, ags=ags)
    return org


def route(*, location: Point, category_id: int, commune_ags: str) -> Organisation:
    """Who handles a new case at ``location`` (EPSG:25833) in ``category``.

    The active responsibility area covering the point for this category (or for all categories) with the
    highest priority wins (ties: the older area); without one, the commune's own organisation. An area
    counts only where its organisation's territory contains the point (``kernel.organisations.territory``), so an
    oversized area — e.g. one drawn before areas were checked — never captures another commune's case.
    One query.
    """
    area = (
        ResponsibilityArea.objects.filter(active=True, organisation__active=True, geom__covers=location)
        .filter(Q(all_categories=True) | Q(categories__id=category_id))
        .filter(territory_contains(location))
        .order_by("-priority", "id")
        .select_related("organisation")
        .first()
    )
    if area is not None:
        return area.organisation
    return commune_organisation(commune_ags)


def organisation_set_email(*, actor: Any, organisation: Organisation, email: str) -> Organisation:
    """Set the organisation's general address: new reports go there unless a commune named a recipient
    for the category. Districts and other bodies have no per-category settings, so this is their only
    recipient; without one, new-report mails are skipped."""
    if actor is not None:
        require_admin(actor, organisation.pk)
    email = (email or "").strip()
    if email and not email_is_valid(email):
        raise ValidationFailed(
            {"email": ["Bitte eine gültige E-Mail-Adresse angeben (höchstens 254 Zeichen)."]}
        )
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        previous, organisation.email = organisation.email, email
        fields = ["email"]
        if previous.lower() != email.lower():  # a new address must be confirmed again (go-live checklist)
            organisation.email_confirmed_for, organisation.email_confirmed_at = "", None
            fields += ["email_confirmed_for", "email_confirmed_at"]
        organisation.save(update_fields=fields)
        audit(
            actor=actor,
            action="organisation.email",
            obj=organisation,
            organisation=organisation,
            summary=f"Allgemeine E-Mail: {previous or '–'} → {email or '–'}",
        )
    return organisation


LETTERHEAD_FIELDS = {
    "letterhead_name": 200,
    "letterhead_office": 200,
    "letterhead_address": 400,
    "letterhead_signatory": 200,
    "letterhead_signatory_role": 200,
    "payment_recipient": 70,
    "iban": 34,
    "bic": 11,
    "bank_name": 100,
}


def clean_texts(
    values: dict[str, Any], limits: dict[str, int]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The settings form's text fields, trimmed, with line ends normalised, each within its length limit
    (``limits``: field → characters); returns the values and the German errors per field."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name, limit in limits.items():
        text = str(values.get(name) or "").replace("\r\n", "\n").strip()
        if "\x00" in text or len(text) > limit:
            errors[name] = [f"Bitte höchstens {limit} Zeichen angeben."]
        cleaned[name] = text
    return cleaned, errors


def _letterhead_values(values: dict[str, Any]) -> dict[str, str]:
    cleaned, errors = clean_texts(values, LETTERHEAD_FIELDS)
    cleaned["iban"] = normalise_iban(cleaned["iban"])
    cleaned["bic"] = cleaned["bic"].replace(" ", "").upper()
    if cleaned["iban"] and not iban_is_valid(cleaned["iban"]):
        errors["iban"] = ["Bitte eine gültige IBAN angeben (die Prüfziffer stimmt nicht)."]
    if cleaned["bic"] and not BIC_RE.match(cleaned["bic"]):
        errors["bic"] = ["Bitte eine gültige BIC angeben (8 oder 11 Zeichen)."]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def organisation_set_letterhead(
    *, actor: Any, organisation: Organisation, values: dict[str, Any]
) -> Organisation:
    """Letterhead and bank account printed on written notices (Bescheid, Gebührenbescheid, GiroCode).
    The IBAN's check digits are verified: a wrong account would send every citizen's payment astray."""
    if actor is not None:
        require_admin(actor, organisation.pk)
    cleaned = _letterhead_values(values)
    return save_settings(
        actor=actor,
        organisation=organisation,
        cleaned=cleaned,
        action="organisation.letterhead",
        what="Briefkopf/Bankverbindung",
        iban=cleaned["iban"],
    )


def save_settings(
    *,
    actor: Any,
    organisation: Organisation,
    cleaned: dict[str, Any],
    action: str,
    what: str,
    **details: Any,
) -> Organisation:
    """Save a settings group's validated fields, all or none, and audit which of them changed.

    The caller has checked the actor's right and validated every value (``cleaned``: field → value): a
    group is one form on the settings page, so one wrong value leaves the whole group as it was."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = [name for name, value in cleaned.items() if getattr(organisation, name) != value]
        for name in changed:
            setattr(organisation, name, cleaned[name])
        organisation.save(update_fields=list(cleaned))
        audit(
            actor=actor,
            action=action,
            obj=organisation,
            organisation=organisation,
            summary=f"{what} geändert: " + (", ".join(changed) or "nichts"),
            fields=changed,
            **details,
        )
    return organisation


SERVICE_FIELDS = ("permits_enabled", "parking_enabled")


def organisation_set_services(
    *, actor: Any, organisation: Organisation, values: dict[str, Any]
) -> Organisation:
    """Which services the organisation offers ("Sondernutzungen an", "Parkausweise an"): each switches on
    its points of the go-live checklist (letterhead and account, tariff, parking zones). A checkbox
    absent from ``values`` is off."""
    if actor is not None:
        require_admin(actor, organisation.pk)
    cleaned = {
        name: str(values.get(name, "")).lower() in {"on", "1", "true", "yes"} for name in SERVICE_FIELDS
    }
    return save_settings(
        actor=actor,
        organisation=organisation,
        cleaned=cleaned,
        action="organisation.services",
        what="Angebote",
    )


LAST_ADMIN = (
    "Die Organisation braucht mindestens eine aktive Administratorin oder einen aktiven Administrator. "
    "Bitte zuerst eine andere Person zum Admin machen."
)


def _keep_an_admin(organisation_id: int, leaving: Membership | None) -> None:
    """Refuse to demote or end the last active admin: nobody could then manage members, categories or
    areas of that organisation from the staff pages. The admin rows are locked, so two admins removing
    each other at the same moment cannot both succeed."""
    if leaving is None or not leaving.active or leaving.role != Role.ADMIN:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(organisation_id=organisation_id, role=Role.ADMIN, active=True)
        .exclude(pk=leaving.pk)
    )
    if not list(others):
        raise ValidationFailed({"role": [LAST_ADMIN]}, message=LAST_ADMIN)


def membership_set(
    *, actor: Any, organisation: Organisation, username: str, role: str, team: str = "", email: str = ""
) -> Membership:
    """Add or change a member: the operator (``actor=None``, commands) adds anybody; an admin of the
    organisation changes only its active members — everybody else is invited and joins by accepting
    (``kernel.organisations.invitations.member_add``), so no admin adopts another commune's staff."""
    if actor is not None:
        require_admin(actor, organisation.pk)
    if role not in Role.values:
        raise ValidationFailed({"role": [f"Unbekannte Rolle „{role}“. Erlaubt: admin, caseworker, crew."]})
    with transaction.atomic():
        user = get_user_model().objects.filter(username=username).first()
        if (
            actor is not None
            and not Membership.objects.filter(user=user, organisation=organisation, active=True).exists()
        ):
            raise NotFound("Neue Mitglieder werden eingeladen und treten erst mit ihrer Zustimmung bei.")
        if user is None:
            raise NotFound(f"Benutzer „{username}“ existiert nicht.")
        if email and not user.email:
            user.email = email
            user.save(update_fields=["email"])
        membership = membership_save(actor=actor, organisation=organisation, user=user, role=role, team=team)
    return membership


def membership_save(
    *, actor: Any, organisation: Organisation, user: Any, role: str, team: str, action: str = "membership.set"
) -> Membership:
    """Store the membership (callers checked who may); inside the caller's transaction."""
    if role != Role.ADMIN:
        _keep_an_admin(
            organisation.pk,
            Membership.objects.select_for_update().filter(user=user, organisation=organisation).first(),
        )
    team_obj = (
        Team.objects.get_or_create(organisation=organisation, name=team.strip())[0] if team.strip() else None
    )
    membership, created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "team": team_obj, "active": True}
    )
    audit(
        actor=actor,
        action=action,
        obj=membership,
        organisation=organisation,
        summary=f"{user.username}: {membership.get_role_display()}"
        + (f", Kolonne {team_obj}" if team_obj else ""),
        created=created,
    )
    forget_scope(user)
    return membership


def membership_end(*, actor: Any, membership: Membership) -> Membership:
    """End a membership (never deleted: the audit log keeps pointing at it)."""
    if actor is not None:
        require_admin(actor, membership.organisation_id)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _keep_an_admin(membership.organisation_id, membership)
        membership.active = False
        membership.save(update_fields=["active"])
        audit(
            actor=actor,
            action="membership.end",
            obj=membership,
            organisation=membership.organisation_id,
            summary=f"Mitgliedschaft von {membership.user.username} beendet",
        )
    forget_scope(membership.user)
    return membership


def area_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    geometry: Any,
    priority: int = 10,
    category_ids: list[int] | None = None,
    all_categories: bool = False,
) -> ResponsibilityArea:
    """Add a responsibility area (admin of the organisation). ``geometry``: GeoJSON Polygon/MultiPolygon (WGS84).

    The area must lie inside the organisation's territory (``kernel.organisations.territory``, a few metres of
    tolerance); otherwise it is refused with the share outside and nothing is stored.
    """
    if actor is not None:
        require_admin(actor, organisation.pk)
    geom = to_storage(parse_geojson_geometry(geometry, allowed=("Polygon", "MultiPolygon"), field="geojson"))
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=geom.srid)
    if not all_categories and not category_ids:
        raise ValidationFailed({"categories": ["Bitte Kategorien wählen oder „Alle Kategorien“ ankreuzen."]})
    require_inside_territory(organisation, geom, field="geojson")
    with transaction.atomic():
        area = ResponsibilityArea.objects.create(
            organisation=organisation,
            name=name.strip()[:200],
            geom=geom,
            priority=priority,
            all_categories=all_categories,
        )
        if category_ids:
            area.categories.set(category_ids)
        audit(
            actor=actor,
            action="area.create",
            obj=area,
            organisation=organisation,
            summary=f"Bereich „{area.name}“ angelegt",
        )
    return area


def area_deactivate(*, actor: Any, area: ResponsibilityArea) -> ResponsibilityArea:
    require_admin(actor, area.organisation_id)
    with transaction.atomic():
        area.active = False
        area.save(update_fields=["active"])
        audit(
            actor=actor,
            action="area.deactivate",
            obj=area,
            organisation=area.organisation_id,
            summary=f"Bereich „{area.name}“ deaktiviert",
        )
    return area


def organisation_set_territory(
    *, actor: Any, organisation: Organisation, territory: MultiPolygon | None
) -> Organisation:
    """Set (or clear, ``None``) the territory of a body without a boundary of its own (kind "other").

    Platform operators only: the Django admin (superusers) and ``manage.py set_territory`` call this;
    there is no staff page for it, so an organisation's admins cannot widen their own territory.
    ``territory``: MultiPolygon in EPSG:25833.
    """
    check_territory(organisation, territory)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        organisation.territory = territory
        organisation.save(update_fields=["territory"])
        area_km2 = territory.area / 1e6 if territory is not None else 0.0
        audit(
            actor=actor,
            action="organisation.territory",
            obj=organisation,
            organisation=organisation,
            summary=(
                f"Gebiet festgelegt ({german_decimal(area_km2, 2)} km²)"
                if territory is not None
                else "Gebiet entfernt"
            ),
        )
    return organisation


def organisation_set_embed_origins(*, actor: Any, organisation: Organisation, origins: str) -> Organisation:
    """Which websites may embed the commune's map (/einbetten/<AGS>/): one https origin per line."""
    if actor is not None:
        require_admin(actor, organisation.pk)
    lines = "\n".join(origin_lines(origins))
    try:
        validate_origins(lines)
    except DjangoValidationError as exc:
        raise ValidationFailed({"embed_origins": list(exc.messages)}) from exc
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        previous, organisation.embed_origins = organisation.embed_origins, lines
        organisation.save(update_fields=["embed_origins"])
        audit(
            actor=actor,
            action="organisation.embed_origins",
            obj=organisation,
            organisation=organisation,
            summary=f"Einbettung erlaubt für: {previous.replace(chr(10), ', ') or '–'} → {lines.replace(chr(10), ', ') or '–'}",
        )
    return organisation
