"""Django admin for platform operators (superusers): organisations, memberships, areas, audit and API tokens (read-only)."""

from django import forms
from django.contrib.admin import EmptyFieldListFilter
from django.contrib.gis import admin

from kernel.core.errors import ValidationFailed
from kernel.core.iban import normalise_iban
from kernel.organisations.models import (
    ApiToken,
    AuditEvent,
    Membership,
    Organisation,
    PlatformOperator,
    RecoveryCode,
    ResponsibilityArea,
    Team,
)
from kernel.organisations.services import organisation_set_territory
from kernel.organisations.territory import check_territory


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "ags",
            "email",
            "active",
            "letterhead_name",
            "letterhead_office",
            "letterhead_address",
            "letterhead_signatory",
            "letterhead_signatory_role",
            "contact_email",
            "contact_phone",
            "contact_website",
            "contact_address",
            "contact_hours",
            "contact_emergency_phone",
            "payment_recipient",
            "iban",
            "bic",
            "bank_name",
            "opendata_license",
            "embed_origins",
            "territory",
        ]

    def clean(self) -> dict:
        data = super().clean()
        data["iban"] = normalise_iban(data.get("iban") or "")
        data["bic"] = (data.get("bic") or "").strip().upper()
        probe = Organisation(kind=data.get("kind") or "")
        try:
            check_territory(probe, data.get("territory"))
        except ValidationFailed as exc:
            self.add_error("territory", exc.message)
        return data


@admin.register(Organisation)
class OrganisationAdmin(admin.GISModelAdmin):
    """The territory of a body without boundary (kind "other") is set here by superusers only, through
    ``organisation_set_territory`` (validated and audited); everyone else sees it read-only."""

    form = OrganisationForm
    list_display = ["name", "kind", "ags", "email", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "ags"]

    # Confirmed only through the test mail's link (``kernel.organisations.recipient_confirmation``): the
    # go-live checklist must not be ticked by hand, here either.
    CONFIRMATION = ["email_confirmed_for", "email_confirmed_at"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return self.CONFIRMATION + ([] if request.user.is_superuser else ["territory"])

    def save_model(self, request, obj, form, change) -> None:
        territory_changed = "territory" in form.changed_data and request.user.is_superuser
        territory = obj.territory
        if territory_changed and change:
            obj.territory = Organisation.objects.get(pk=obj.pk).territory  # written by the service below
        elif territory_changed:
            obj.territory = None
        super().save_model(request, obj, form, change)
        if territory_changed:
            organisation_set_territory(actor=request.user, organisation=obj, territory=territory)
            obj.territory = territory


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "team", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "organisation__name"]
    raw_id_fields = ["organisation"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    raw_id_fields = ["organisation"]


@admin.register(ResponsibilityArea)
class ResponsibilityAreaAdmin(admin.GISModelAdmin):
    list_display = ["name", "organisation", "priority", "all_categories", "active"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["categories"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created", "action", "object_type", "object_id", "actor", "summary"]
    list_filter = ["action", "object_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are issued and revoked with ``manage.py issue_token`` (or by the organisation's
    admin on its settings page), so that both are audited; the digest is not shown."""

    list_display = ["name", "user", "organisation", "token_key", "created", "expiry"]
    search_fields = ["name", "user__username", "token_key"]
    fields = ["name", "user", "organisation", "token_key", "created", "expiry", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(admin.ModelAdmin):
    """Read-only, without the hash: who has how many codes left. Codes are made and used only by their
    owner (``/verwaltung/zwei-faktor/wiederherstellungscodes/``), which the audit log records."""

    list_display = ["user", "created", "used"]
    list_filter = [("used", EmptyFieldListFilter)]
    search_fields = ["user__username"]
    fields = ["user", "created", "used"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlatformOperator)
class PlatformOperatorAdmin(admin.ModelAdmin):
    """The Impressum of ``/impressum/``: one row (the model keeps pk 1), never deleted — a public site
    must always name its operator."""

    list_display = ["name", "email", "updated"]

    def has_add_permission(self, request) -> bool:
        return not PlatformOperator.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from kernel.organisations import directory_admin  # noqa: E402, F401  (staff directories, superusers only)
