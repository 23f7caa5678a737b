"""Settings pages of an organisation's admins: e-mail address, letterhead, public contact, category settings, members, areas, API tokens.

Thin like the other staff pages: the organisation comes from the admin's scope, reads go through
selectors, writes through ``kernel.organisations.services`` / ``domains.reports.services`` (which check the admin role
again). Every POST redirects back to the page of the same organisation (``?organisation=<id>``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from domains.reports.deadlines import DeadlineRule
from domains.reports.models import Category, CommuneCategorySetting
from domains.reports.selectors import categories_active, category_settings_by_category
from domains.reports.services import categories_review_confirm, category_setting_set
from interfaces.staff.errors import SecondFactorRequired, flash_domain_errors, flash_form_errors, staff_only
from interfaces.staff.forms import AreaForm, CategorySettingForm, InviteForm, MemberForm
from kernel.cases.deadlines import DeadlineUnit
from kernel.core.errors import NotFound, ValidationFailed
from kernel.organisations.api_tokens import api_token_in, api_token_revoke, api_tokens_of_organisation
from kernel.organisations.email_invitations import invitation_revoke, invite_by_email
from kernel.organisations.invitations import invitations_pending_of, invited_message, member_add
from kernel.organisations.models import Invitation, Organisation, OrganisationKind
from kernel.organisations.public_details import organisation_set_contact
from kernel.organisations.scoping import Forbidden, scope_of
from kernel.organisations.selectors import (
    area_in,
    areas_of,
    membership_in,
    memberships_of,
    organisation_get,
    organisations_with_ids,
)
from kernel.organisations.services import (
    area_create,
    area_deactivate,
    membership_end,
    organisation_set_email,
    organisation_set_embed_origins,
    organisation_set_letterhead,
    organisation_set_services,
)
from shared.http.params import ascii_digits

MB = 1024 * 1024
# Largest GeoJSON file accepted for a responsibility area: a detailed commune-sized polygon is well below;
# a bigger upload is almost certainly the wrong file, and parsing it would hold a worker for long.
AREA_GEOJSON_MAX_BYTES = 2 * MB


def _admin_organisation(request: HttpRequest) -> Organisation:
    """The organisation being configured: ?organisation=<id> among the user's admin organisations.
    Every admin page starts here, so this is also where the admin's second factor is required."""
    admin_ids = scope_of(request.user).admin_org_ids
    if not admin_ids:
        raise Forbidden("Einstellungen sind der Administration vorbehalten.")
    if not request.user.is_verified():  # set by django-otp's middleware: this session passed a TOTP code
        raise SecondFactorRequired
    wanted = request.GET.get("organisation") or request.POST.get("organisation") or ""
    org_id = (
        int(wanted) if ascii_digits(wanted, max_digits=18) and int(wanted) in admin_ids else min(admin_ids)
    )
    return organisation_get(org_id)


def _back_to_page(request: HttpRequest, org: Organisation) -> HttpResponse:
    return redirect(f"{request.path}?organisation={org.pk}")


@staff_only
def settings_page(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    if request.method == "POST" and request.POST.get("form") == "letterhead":
        with flash_domain_errors(request, only=ValidationFailed):
            organisation_set_letterhead(actor=request.user, organisation=org, values=request.POST.dict())
            messages.success(request, "Briefkopf und Bankverbindung gespeichert.")
        return _back_to_page(request, org)
    if request.method == "POST" and request.POST.get("form") == "services":
        with flash_domain_errors(request, only=ValidationFailed):
            organisation_set_services(actor=request.user, organisation=org, values=request.POST.dict())
            messages.success(request, "Angebote gespeichert.")
        return _back_to_page(request, org)
    if request.method == "POST" and request.POST.get("form") == "contact":
        with flash_domain_errors(request, only=ValidationFailed):
            organisation_set_contact(actor=request.user, organisation=org, values=request.POST.dict())
            messages.success(request, "Kontakt gespeichert.")
        return _back_to_page(request, org)
    if request.method == "POST":
        with flash_domain_errors(request, only=ValidationFailed):
            if "embed_origins" in request.POST:
                organisation_set_embed_origins(
                    actor=request.user, organisation=org, origins=request.POST["embed_origins"]
                )
                messages.success(request, "Einbettung gespeichert.")
            else:
                organisation_set_email(
                    actor=request.user, organisation=org, email=request.POST.get("email", "")
                )
                messages.success(request, "E-Mail-Adresse gespeichert.")
        return _back_to_page(request, org)
    return render(
        request,
        "staff/settings.html",
        {"org": org, "admin_orgs": organisations_with_ids(scope_of(request.user).admin_org_ids)},
    )


def _save_category_setting(request: HttpRequest, org: Organisation, categories: list[Category]) -> None:
    category = next((c for c in categories if c.slug == request.POST.get("category")), None)
    form = CategorySettingForm(request.POST)
    if category is None:
        messages.error(request, "Unbekannte Kategorie.")
    elif not form.is_valid():
        flash_form_errors(request, form)
    else:
        with flash_domain_errors(request, only=ValidationFailed):
            category_setting_set(
                actor=request.user,
                organisation=org,
                category=category,
                enabled=form.cleaned_data["enabled"],
                recipient_email=form.cleaned_data["recipient_email"] or "",
                sla_days=form.cleaned_data["sla_days"],
                sla_unit=form.cleaned_data["sla_unit"] or DeadlineUnit.CALENDAR,
                review_before_publishing=form.cleaned_data["review"],
            )
            messages.success(request, f"„{category.name}“ gespeichert.")


@staff_only
def category_settings(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    if org.kind != OrganisationKind.COMMUNE:
        messages.info(request, "Kategorie-Einstellungen gibt es nur für Gemeinden.")
        return redirect("staff:settings")
    categories = list(categories_active(with_group=True))
    if request.method == "POST" and request.POST.get("action") == "reviewed":
        with flash_domain_errors(request, only=ValidationFailed):
            categories_review_confirm(actor=request.user, organisation=org)
            messages.success(request, "Danke: Die Kategorien sind als geprüft vermerkt.")
        return _back_to_page(request, org)
    if request.method == "POST":
        _save_category_setting(request, org, categories)
        return _back_to_page(request, org)
    settings_by_cat = category_settings_by_category(org.ags)
    rows = [_category_row(c, settings_by_cat.get(c.pk)) for c in categories]
    return render(
        request, "staff/category_settings.html", {"org": org, "rows": rows, "units": DeadlineUnit.choices}
    )


def _category_row(category: Category, setting: CommuneCategorySetting | None) -> dict[str, Any]:
    """One table row; the unit select shows the commune's choice, else the catalogue's default unit."""
    unit = setting.sla_unit if setting else category.default_sla_unit
    default = DeadlineRule(category.default_sla_days, category.default_sla_unit).label
    return {"category": category, "setting": setting, "unit": unit, "default": default}


def _change_membership(request: HttpRequest, org: Organisation) -> None:
    """End a membership (``end=<id>``) or add/change one from the form. A name that is not an active
    member is invited, with the same message whether or not the account exists."""
    form = MemberForm(request.POST)
    with flash_domain_errors(request, only=(ValidationFailed, NotFound), pages_for=(403,)):
        if request.POST.get("end"):
            try:
                membership = membership_in(org, int(request.POST["end"]))
            except ValueError:
                membership = None
            if membership is None:
                messages.error(request, "Unbekannte Mitgliedschaft.")
                return
            membership_end(actor=request.user, membership=membership)
            messages.success(request, "Mitgliedschaft beendet.")
        elif form.is_valid():
            added = member_add(
                actor=request.user,
                organisation=org,
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
            )
            if isinstance(added, Invitation):
                messages.success(request, invited_message(added.username))
            else:
                messages.success(request, "Mitglied gespeichert.")
        else:
            flash_form_errors(request, form)


def _invite_or_revoke(request: HttpRequest, org: Organisation) -> None:
    """Invite by e-mail (the mailed link) or withdraw a pending invitation (``revoke=<id>``)."""
    with flash_domain_errors(request, only=ValidationFailed):
        wanted = request.POST.get("revoke", "")
        if wanted:
            if not ascii_digits(wanted, max_digits=18):
                raise ValidationFailed({"invitation": ["Unbekannte Einladung."]})
            revoked = invitation_revoke(actor=request.user, organisation=org, invitation_id=int(wanted))
            messages.success(request, f"Einladung an {revoked.email or revoked.username} widerrufen.")
            return
        form = InviteForm(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
            return
        invited = invite_by_email(actor=request.user, organisation=org, **form.cleaned_data).invitation
        messages.success(
            request,
            f"Einladung an {invited.email} verschickt (gültig bis {invited.expires:%d.%m.%Y}).",
        )


@staff_only
def members(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    if request.method == "POST" and request.POST.get("form") == "invite":
        _invite_or_revoke(request, org)
        return _back_to_page(request, org)
    if request.method == "POST":
        _change_membership(request, org)
        return _back_to_page(request, org)
    context = {
        "org": org,
        "memberships": memberships_of(org),
        "invitations": invitations_pending_of(org),
        "form": MemberForm(),
        "invite_form": InviteForm(),
    }
    return render(request, "staff/members.html", context)


def _deactivate_area(request: HttpRequest, org: Organisation, wanted: str) -> None:
    area = area_in(org, int(wanted)) if ascii_digits(wanted, max_digits=18) else None
    if area is None:
        messages.error(request, "Unbekannter Bereich.")
        return
    area_deactivate(actor=request.user, area=area)
    messages.success(request, "Bereich deaktiviert.")


def _create_area(request: HttpRequest, org: Organisation, form: AreaForm, categories: list[Category]) -> bool:
    """Create the area from a valid form; False (with messages) if the upload or the service refuses it."""
    upload = form.cleaned_data["geojson"]
    with flash_domain_errors(request, only=ValidationFailed):
        if upload.size > AREA_GEOJSON_MAX_BYTES:
            limit = f"{AREA_GEOJSON_MAX_BYTES // MB} MB"
            raise ValidationFailed({"geojson": [f"Die GeoJSON-Datei darf höchstens {limit} groß sein."]})
        by_slug = {c.slug: c.pk for c in categories}
        area_create(
            actor=request.user,
            organisation=org,
            name=form.cleaned_data["name"],
            geometry=upload.read(),
            priority=form.cleaned_data["priority"],
            category_ids=[by_slug[s] for s in form.cleaned_data["categories"]],
            all_categories=form.cleaned_data["all_categories"],
        )
        messages.success(request, "Bereich angelegt.")
        return True
    return False


@staff_only
def areas(request: HttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    categories = list(categories_active())
    if request.method == "POST" and request.POST.get("deactivate"):
        _deactivate_area(request, org, request.POST["deactivate"])
        return _back_to_page(request, org)
    if request.method == "POST":
        form = AreaForm(request.POST, request.FILES, categories=categories)
        if form.is_valid() and _create_area(request, org, form, categories):
            return _back_to_page(request, org)
    else:
        form = AreaForm(categories=categories)
    return render(request, "staff/areas.html", {"org": org, "areas": areas_of(org), "form": form})


@staff_only
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The API tokens of the organisation's members: list (name, owner, key prefix, expiry) and revoke.
    Tokens are issued with ``manage.py issue_token``; the token itself is never shown again."""
    org = _admin_organisation(request)
    if request.method == "POST":
        wanted = request.POST.get("revoke", "")
        token = api_token_in(org, int(wanted)) if ascii_digits(wanted, max_digits=18) else None
        if token is None:
            messages.error(request, "Unbekanntes Token.")
        else:
            with flash_domain_errors(request, only=ValidationFailed):
                api_token_revoke(actor=request.user, token=token, organisation=org)
                messages.success(request, f"Token „{token.name}“ von {token.user.username} widerrufen.")
        return _back_to_page(request, org)
    return render(
        request,
        "staff/api_tokens.html",
        {"org": org, "tokens": api_tokens_of_organisation(org), "now": timezone.now()},
    )
