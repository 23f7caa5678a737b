from django.contrib import admin

from kernel.notifications.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "to", "subject", "sent", "attempts", "failed"]
    list_filter = ["kind", "failed"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
