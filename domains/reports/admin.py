"""Admin for the category catalogue and (read-mostly) reports. Writes of reports go through services."""

from typing import Any

from django.contrib import admin

from domains.reports.models import (
    Category,
    CategoryAttribute,
    CategoryGroup,
    CommuneCategorySetting,
    Report,
    ReportingNotice,
)
from domains.reports.services.notices import reporting_notice_save


@admin.register(CategoryGroup)
class CategoryGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "order"]


class CategoryAttributeInline(admin.StackedInline):
    """Extra questions (Open311 attributes); model.clean() checks the value lists."""

    model = CategoryAttribute
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name", "name_en", "slug", "group", "default_sla_days", "default_sla_unit", "danger_mode", "active",
        "review_before_publishing",
    ]  # fmt: skip
    list_filter = ["group", "active", "review_before_publishing", "danger_mode"]
    inlines = [CategoryAttributeInline]


@admin.register(CommuneCategorySetting)
class CommuneCategorySettingAdmin(admin.ModelAdmin):
    list_display = [
        "ags", "category", "enabled", "recipient_email", "sla_days", "sla_unit", "review_before_publishing",
    ]  # fmt: skip
    list_filter = ["enabled", "category"]
    search_fields = ["ags"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["public_id", "category", "commune", "status", "created"]
    list_filter = ["status", "category"]
    search_fields = ["public_id"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportingNotice)
class ReportingNoticeAdmin(admin.ModelAdmin):
    """Operators post statewide (or any commune's) dated notices here; saving goes through the service,
    which checks and audits it."""

    list_display = ["text", "organisation", "starts", "ends"]
    list_filter = ["organisation"]

    def save_model(self, request: Any, obj: ReportingNotice, form: Any, change: bool) -> None:
        reporting_notice_save(actor=request.user, notice=obj, organisation=obj.organisation)
