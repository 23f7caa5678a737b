"""The platform operator's view of accessibility feedback (superusers, Django admin): what is open, what
is overdue, and one action to record the answer. Fields are read-only: writes go through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from domains.accessibility.models import AccessibilityFeedback, FeedbackStatus
from domains.accessibility.services import feedback_mark_answered


class OverdueFilter(admin.SimpleListFilter):
    title = "Frist"
    parameter_name = "frist"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("ueberfaellig", "Überfällig"), ("offen", "Offen, in der Frist")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        open_ = queryset.filter(status=FeedbackStatus.OPEN)
        if self.value() == "ueberfaellig":
            return open_.filter(due__lt=timezone.now())
        if self.value() == "offen":
            return open_.filter(due__gte=timezone.now())
        return queryset


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["id", "created", "due", "status", "is_overdue", "page_url"]
    list_filter = ["status", OverdueFilter]
    search_fields = ["description", "page_url"]
    readonly_fields = [f.name for f in AccessibilityFeedback._meta.fields]
    actions = ["mark_answered"]

    @admin.display(boolean=True, description="Überfällig")
    def is_overdue(self, obj: AccessibilityFeedback) -> bool:
        return obj.overdue

    @admin.action(description="Als beantwortet markieren")
    def mark_answered(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = sum(
            feedback_mark_answered(feedback_id=pk, actor=request.user)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(request, f"{count} Rückmeldung(en) als beantwortet markiert.", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessibilityFeedback | None = None) -> bool:
        return False
