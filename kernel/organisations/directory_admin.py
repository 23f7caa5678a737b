"""Django admin of the staff directories (issue 29.7): superusers only, since a directory decides who
becomes staff of an organisation. Each save and delete is audited in the directory's organisation
(``kernel.organisations.directory.staff_directory_audit``). Imported by ``kernel.organisations.admin``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction

from kernel.organisations.directory import staff_directory_audit
from kernel.organisations.directory_models import DirectoryGroupRole, DirectoryIdentity, StaffDirectory


class SuperuserOnly:
    def has_module_permission(self, request: Any) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return request.user.is_superuser


class GroupRoleInline(SuperuserOnly, admin.TabularInline):
    model = DirectoryGroupRole
    extra = 1
    raw_id_fields = ["team"]


@admin.register(StaffDirectory)
class StaffDirectoryAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["organisation", "issuer", "client_id", "second_factor", "active", "secret_env_name"]
    list_filter = ["active", "second_factor"]
    search_fields = ["organisation__name", "organisation__ags", "issuer"]
    raw_id_fields = ["organisation"]
    readonly_fields = ["secret_env_name"]
    inlines = [GroupRoleInline]

    @admin.display(description="Umgebungsvariable mit dem Client-Secret")
    def secret_env_name(self, obj: StaffDirectory) -> str:
        return obj.secret_env_name if obj.organisation_id else "STAFF_OIDC_SECRET_<AGS>"

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        # The mappings are saved here, after the directory: audit once everything is written.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            staff_directory_audit(
                actor=request.user, directory=form.instance, action="changed" if change else "created"
            )

    def delete_model(self, request: Any, obj: StaffDirectory) -> None:
        with transaction.atomic():
            staff_directory_audit(actor=request.user, directory=obj, action="deleted")
            obj.delete()


@admin.register(DirectoryIdentity)
class DirectoryIdentityAdmin(SuperuserOnly, admin.ModelAdmin):
    """Read-only: identities are created by the sign-in itself."""

    list_display = ["user", "issuer", "subject", "created", "last_login"]
    search_fields = ["user__username", "subject", "issuer"]
    readonly_fields = ["user", "issuer", "subject", "created", "last_login"]

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
