"""Admin for platform operators: kinds and parking zones; fee schedules read only (applications are handled
in /verwaltung/, a commune's Satzung in /verwaltung/einstellungen/gebuehren/, audited)."""

from django.contrib import admin as django_admin
from django.contrib.gis import admin

from domains.permits.models import FeeClaim, FeeSchedule, Notice, ParkingZone, PermitKind


@admin.register(PermitKind)
class PermitKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organisation", "unit", "max_area_m2", "is_parking", "active"]
    # Empty: a kind of the platform. Communes add and change their own on /verwaltung/einstellungen/antragsarten/.
    list_filter = [("organisation", django_admin.EmptyFieldListFilter), "active"]
    raw_id_fields = ["organisation"]
    fields = [
        "name",
        "slug",
        "description",
        "standard_conditions",
        "unit",
        "max_area_m2",
        "allows_large_area",
        "occupies_carriageway",
        "organisation",
        "is_parking",
        "order",
        "active",
    ]


@admin.register(ParkingZone)
class ParkingZoneAdmin(admin.GISModelAdmin):
    list_display = ["ags", "code", "name", "active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Fee claims and notices change only through the services (audited); operators may look."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeeClaim)
class FeeClaimAdmin(ReadOnlyAdmin):
    list_display = ["kassenzeichen", "amount", "due_date", "paid_on", "paid_via", "organisation"]
    search_fields = ["kassenzeichen"]
    list_filter = ["paid_via"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["kind", "file", "sha256", "size", "created"]
    list_filter = ["kind"]


@admin.register(FeeSchedule)
class FeeScheduleAdmin(ReadOnlyAdmin):
    """Versions of the Satzung are written by the commune's admins through the audited staff pages."""

    list_display = ["ags", "title", "valid_from", "valid_to", "state"]
    list_filter = ["state"]
    search_fields = ["ags", "title"]
