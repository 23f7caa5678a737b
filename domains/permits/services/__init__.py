"""Writes for special-use permits and resident parking permits, by topic.

- ``validation``: area (polygon, or line plus width), period, kind, units, applicant; the fee
- ``attachments``: plans and photos attached to an application
- ``applying``: ``permit_estimate`` (what the form shows) and ``permit_create``
- ``decisions``: staff decisions and corrections of area or period
- ``parking``: resident parking permits, applying, deciding and the start of the validity
- ``fee_claims``: the fee a decision charges (Kassenzeichen, due date)
- ``notices``: written notices as PDF/A (Bescheid, Gebührenbescheid, Parkausweis), stored and audited
- ``payments``: payments booked by staff or from a camt.053 bank statement
- ``kinds``: a commune's kinds — the platform's on/off with its own Regelauflagen, its own kinds
- ``loading``: the permit catalogue, demo tariffs and fee zones, parking zones

The same kernel as reports (``cases``): public ids, tracking links, the status history, files bound to
the transaction; after recording a change each service audits it and calls ``domains.permits.notify`` itself. Callers import the names below from ``domains.permits.services``.
"""

from domains.permits.services.applying import (
    CreatedPermit,
    Estimate,
    PermitDraft,
    permit_create,
    permit_estimate,
)
from domains.permits.services.attachments import MAX_ATTACHMENTS, Upload
from domains.permits.services.decisions import (
    permit_change_area_or_period,
    permit_decide,
    permit_staff_update,
)
from domains.permits.services.kinds import (
    OwnKindValues,
    permit_kind_own_create,
    permit_kind_own_update,
    permit_kind_setting_set,
)
from domains.permits.services.loading import parking_zones_load, permit_demo_load, permit_kinds_load_defaults
from domains.permits.services.parking import (
    CreatedParkingPermit,
    ParkingEstimate,
    normalise_plate,
    parking_apply,
    parking_decide,
    parking_estimate,
)
from domains.permits.services.payments import AlreadyPaid, payment_record_staff, payments_import_credits
from domains.permits.services.validation import PermitArea, permit_area, permit_fee, permit_period

__all__ = [
    "MAX_ATTACHMENTS",
    "AlreadyPaid",
    "CreatedParkingPermit",
    "CreatedPermit",
    "Estimate",
    "OwnKindValues",
    "ParkingEstimate",
    "PermitArea",
    "PermitDraft",
    "Upload",
    "normalise_plate",
    "parking_apply",
    "parking_decide",
    "parking_estimate",
    "parking_zones_load",
    "payment_record_staff",
    "payments_import_credits",
    "permit_area",
    "permit_change_area_or_period",
    "permit_create",
    "permit_decide",
    "permit_demo_load",
    "permit_estimate",
    "permit_fee",
    "permit_kind_own_create",
    "permit_kind_own_update",
    "permit_kind_setting_set",
    "permit_kinds_load_defaults",
    "permit_period",
    "permit_staff_update",
]
