"""URLs of the REST API (``/api/v1/``), its OpenAPI schema and docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from interfaces.api.views import (
    addresses,
    boundaries,
    handoffs,
    parking_cards,
    permit_notices,
    permits,
    photo_redaction,
    reports,
    staff,
    subscriptions,
    tiles,
)

v1 = [
    path("addresses/", addresses.AddressSearchView.as_view(), name="address-search"),
    path("addresses/reverse/", addresses.AddressReverseView.as_view(), name="address-reverse"),
    path("communes/", boundaries.CommuneListView.as_view(), name="commune-list"),
    path("communes.geojson", boundaries.CommunesGeoJSONView.as_view(), name="commune-geojson"),
    path("communes/locate/", boundaries.LocateView.as_view(), name="commune-locate"),
    path("communes/<str:ags>/", boundaries.CommuneDetailView.as_view(), name="commune-detail"),
    path("districts/", boundaries.DistrictListView.as_view(), name="district-list"),
    path("districts/<str:ags>/", boundaries.DistrictDetailView.as_view(), name="district-detail"),
    path("categories/", reports.CategoryListView.as_view(), name="category-list"),
    path("reports/", reports.ReportListCreateView.as_view(), name="report-list"),
    path("reports/nearby/", reports.ReportNearbyView.as_view(), name="report-nearby"),
    path("reports/<str:public_id>/", reports.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<str:public_id>/support/", reports.ReportSupportView.as_view(), name="report-support"),
    path("reports/<str:public_id>/follow/", subscriptions.ReportFollowView.as_view(), name="report-follow"),
    path("staff/reports/", staff.StaffReportListView.as_view(), name="staff-report-list"),
    path("staff/reports/bulk/", staff.StaffReportBulkView.as_view(), name="staff-report-bulk"),
    path("staff/handoffs/", handoffs.HandoffListView.as_view(), name="staff-handoff-list"),
    path(
        "staff/handoffs/<int:pk>/revoke/", handoffs.HandoffRevokeView.as_view(), name="staff-handoff-revoke"
    ),
    path("staff/reports/<str:public_id>/", staff.StaffReportDetailView.as_view(), name="staff-report-detail"),
    path(
        "staff/reports/<str:public_id>/photos/<int:photo_id>/redact/",
        photo_redaction.StaffPhotoRedactView.as_view(),
        name="staff-photo-redact",
    ),
    path(
        "staff/reports/<str:public_id>/rueckfrage/",
        staff.StaffReportInquiryView.as_view(),
        name="staff-report-inquiry",
    ),
    path("permit-kinds/", permits.PermitKindListView.as_view(), name="permit-kind-list"),
    path("permits/", permits.PermitCreateView.as_view(), name="permit-create"),
    path("permits/estimate/", permits.PermitEstimateView.as_view(), name="permit-estimate"),
    path("permits/active/", permits.ActivePermitsView.as_view(), name="permit-active"),
    path(
        "permits/<str:public_id>/conflicts/", permits.PermitConflictsView.as_view(), name="permit-conflicts"
    ),
    path("staff/permits/", permits.StaffPermitListView.as_view(), name="staff-permit-list"),
    path(
        "staff/permits/<str:public_id>/", permits.StaffPermitDetailView.as_view(), name="staff-permit-detail"
    ),
    path(
        "staff/permits/<str:public_id>/documents/<int:notice_id>/",
        permit_notices.StaffPermitNoticeView.as_view(),
        name="staff-permit-notice",
    ),
    path(
        "staff/permits/<str:public_id>/payment/",
        permit_notices.StaffPermitPaymentView.as_view(),
        name="staff-permit-payment",
    ),
    path("parking-permits/", permits.ParkingPermitCreateView.as_view(), name="parking-permit-create"),
    path("parking-zones/", permits.ParkingZonesView.as_view(), name="parking-zones"),
    path(
        "parking-permits/revoked/",
        parking_cards.RevokedParkingPermitsView.as_view(),
        name="parking-permits-revoked",
    ),
    path("parking-permits/keys/", parking_cards.ParkingCardKeysView.as_view(), name="parking-card-keys"),
]

urlpatterns = [
    # Any text in z/x/y reaches the view, so "abc" or "-1" is a 400 naming the part, not a 404.
    path("tiles/reports/<str:z>/<str:x>/<str:y>.pbf", tiles.reports_tile, name="tiles-reports"),
    path("tiles/permits/<str:z>/<str:x>/<str:y>.pbf", tiles.permits_tile, name="tiles-permits"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    *[path(f"api/v1/{p.pattern}", p.callback, name=p.name) for p in v1],
]
