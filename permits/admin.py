"""Admin for platform operators: kinds, tariffs, zones (applications are handled in /verwaltung/)."""

from django.contrib.gis import admin

from permits.models import ParkingZone, PermitKind, Tariff, TariffZone


@admin.register(PermitKind)
class PermitKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "unit", "max_area_m2", "allows_large_area", "is_parking", "active"]


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ["ags", "kind", "valid_from", "valid_to", "rate", "unit", "minimum_fee", "admin_fee"]
    list_filter = ["kind"]
    search_fields = ["ags"]


@admin.register(TariffZone)
class TariffZoneAdmin(admin.GISModelAdmin):
    list_display = ["ags", "name", "factor"]


@admin.register(ParkingZone)
class ParkingZoneAdmin(admin.GISModelAdmin):
    list_display = ["ags", "code", "name", "active"]
