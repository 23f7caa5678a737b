"""Django admin for platform operators (superusers): organisations, memberships, areas, audit (read-only)."""

from django.contrib.gis import admin

from organisations.models import AuditEvent, Membership, Organisation, ResponsibilityArea, Team


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
