"""Django admin for platform operators (superusers): organisations, memberships, areas, audit and API tokens (read-only)."""

from django.contrib.gis import admin

from organisations.models import ApiToken, AuditEvent, Membership, Organisation, ResponsibilityArea, Team


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ags", "email", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "ags"]


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

    list_display = ["name", "user", "token_key", "created", "expiry"]
    search_fields = ["name", "user__username", "token_key"]
    fields = ["name", "user", "token_key", "created", "expiry", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
