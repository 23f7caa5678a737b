"""Admin for API keys: list and revoke. New keys come from ``manage.py create_api_key`` (shown once)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from interfaces.api.keys import api_key_revoke
from interfaces.api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created", "revoked"]
    list_filter = [("revoked", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["name", "prefix", "created", "revoked"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.action(description="Ausgewählte Schlüssel widerrufen")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            api_key_revoke(api_key=api_key)
        self.message_user(request, f"{queryset.count()} Schlüssel widerrufen.", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the key must be shown once to whoever creates it: manage.py create_api_key

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False  # revoke instead, so the record of which app had access stays
