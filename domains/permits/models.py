"""Special-use permits and resident parking permits on the shared located-case core (kernel.cases.models)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from domains.permits.workflow import PERMIT_WORKFLOW, PermitStatus
from kernel.cases.models import LocatedCase, StatusChangeBase
from kernel.geo.srid import STORAGE_SRID


class FeeUnit(models.TextChoices):
    M2_DAY = "m2_day", "je m² und Tag"
    UNIT_DAY = "unit_day", "je Stück und Tag"
    UNIT_WEEK = "unit_week", "je Stück und angefangene Woche"
    UNIT_MONTH = "unit_month", "je Stück und angefangenen Monat"
    YEAR = "year", "je Jahr"


class PermitKind(models.Model):
    slug = models.SlugField("Kürzel", unique=True)
    name = models.CharField("Name", max_length=120)
    description = models.TextField("Beschreibung", blank=True)
    # Printed in every approval notice (Bescheid) of this kind, before the caseworker's own conditions.
    standard_conditions = models.TextField("Regelauflagen", blank=True, max_length=4000)
    unit = models.CharField("Gebührenbasis", max_length=20, choices=FeeUnit.choices, default=FeeUnit.M2_DAY)
    max_area_m2 = models.DecimalField(
        "Größte Fläche ohne Sonderprüfung (m²)", max_digits=12, decimal_places=2, default=Decimal("10000")
    )
    allows_large_area = models.BooleanField("Größere Flächen erlaubt", default=False)
    # The resident parking permit is priced through the same tariffs but not applied for as a Sondernutzung.
    is_parking = models.BooleanField("Bewohnerparken", default=False)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    # Empty for the platform's kinds (offered everywhere unless a commune switches one off); set for a
    # commune's own kind, which is offered and applicable only there (``selectors.kinds_available_in``).
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="Eigene Art der Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_permit_kinds",
    )
    occupies_carriageway = models.BooleanField("Nimmt die Fahrbahn in Anspruch", default=False)

    class Meta:
        verbose_name = "Art der Sondernutzung"
        verbose_name_plural = "Arten der Sondernutzung"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PermitKindSetting(models.Model):
    """A commune's choice for one of the platform's kinds: offered or not, and its own standard conditions
    (Regelauflagen of its Satzung). No row means offered with the platform's text; an empty text too."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="permit_kind_settings"
    )
    kind = models.ForeignKey(PermitKind, on_delete=models.CASCADE, related_name="commune_settings")
    enabled = models.BooleanField("Angeboten", default=True)
    standard_conditions = models.TextField("Eigene Regelauflagen", blank=True, max_length=4000)

    class Meta:
        verbose_name = "Einstellung einer Art (Gemeinde)"
        verbose_name_plural = "Einstellungen der Arten (Gemeinde)"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="permit_kind_setting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.kind_id}"


class Permit(LocatedCase):
    """A special-use permit application. Applicant data is private: never in any public output."""

    workflow = PERMIT_WORKFLOW
    audit_name = "permit"
    public_id_prefix = "SO"
    tracking_namespace = "permit"
    tracking_url_name = "web:permit-track"

    location = models.MultiPolygonField("Fläche", srid=STORAGE_SRID)
    public_id = models.CharField("Antragsnummer", max_length=12, unique=True)
    kind = models.ForeignKey(PermitKind, verbose_name="Art", on_delete=models.PROTECT, related_name="permits")
    status = models.CharField(
        "Status", max_length=32, choices=PermitStatus.choices, default=PermitStatus.SUBMITTED
    )
    start = models.DateTimeField("Beginn")
    end = models.DateTimeField("Ende")
    area_m2 = models.DecimalField("Fläche (m²)", max_digits=12, decimal_places=2)
    units = models.PositiveIntegerField("Anzahl (Stück)", default=1, validators=[MinValueValidator(1)])
    # When a line with a width was submitted, it is kept for reference; ``location`` is its buffer.
    input_line = models.LineStringField("Eingegebene Linie", srid=STORAGE_SRID, null=True, blank=True)
    width_m = models.DecimalField("Breite (m)", max_digits=6, decimal_places=2, null=True, blank=True)
    description = models.TextField("Vorhaben", blank=True, max_length=4000)
    conditions = models.TextField("Auflagen", blank=True, max_length=8000)
    # The kind's standard conditions as they stood when the Bescheid was issued: the notice is binding
    # as issued, so a later edit of the kind (a new Satzung) must not change what was imposed.
    standard_conditions = models.TextField("Regelauflagen (bei Erlass)", blank=True, max_length=4000)
    fee_total = models.DecimalField(
        "Gebühr gesamt (EUR)", max_digits=12, decimal_places=2, default=Decimal("0")
    )
    fee_lines = models.JSONField("Gebührenaufstellung", default=list, blank=True)
    # The version of the Satzung the fee was priced by (the one valid on the start date); the notice
    # names it. Null for applications without a tariff and for rows from before versions existed.
    fee_schedule = models.ForeignKey(
        "FeeSchedule",
        verbose_name="Gebührensatzung",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="permits",
    )
    fee_exemption = models.ForeignKey(
        "FeeExemption",
        verbose_name="Gebührenbefreiung",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="permits",
    )
    applicant_name = models.CharField("Name (privat)", max_length=200)
    applicant_organisation = models.CharField("Firma/Verein (privat)", max_length=200, blank=True)
    applicant_email = models.EmailField("E-Mail (privat)")
    applicant_phone = models.CharField("Telefon (privat)", max_length=40, blank=True)
    applicant_address = models.CharField("Anschrift (privat)", max_length=300, blank=True)
    # The house address nearest to the area's point on surface (within 50 m) at application: a place.
    # Copied with the source's stable id, as for reports (reloading addresses replaces their rows).
    nearest_address = models.CharField("Nächste Adresse", max_length=300, blank=True)
    nearest_address_id = models.CharField("Adress-ID (Quelle)", max_length=80, blank=True)
    channel = models.CharField("Eingangskanal", max_length=20, default="api")

    class Meta(LocatedCase.Meta):
        verbose_name = "Sondernutzung"
        verbose_name_plural = "Sondernutzungen"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="permit_period_ordered")
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-created"], name="permit_org_status"),
            models.Index(fields=["status", "start", "end"], name="permit_status_period"),
        ]

    def __str__(self) -> str:
        return self.public_id


class PermitCommune(models.Model):
    """Every commune a permit area touches, with its share of the area (the primary is on the permit)."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="communes")
    commune = models.ForeignKey("boundaries.Commune", on_delete=models.PROTECT, related_name="+")
    share = models.DecimalField(max_digits=7, decimal_places=6)

    class Meta:
        ordering = ["-share"]


class PermitStatusChange(StatusChangeBase):
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "Statusänderung (Sondernutzung)"
        verbose_name_plural = "Statusänderungen (Sondernutzung)"


class PermitAttachment(models.Model):
    """A plan (PDF, checked) or an image (re-encoded without metadata) attached to an application."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="permits/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=120)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Every request under MEDIA_URL looks its file up by name (interfaces.web.media).
        indexes = [models.Index(fields=["file"], name="permitattachment_file_idx")]


class FeeScheduleState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("Veröffentlicht")


class FeeSchedule(models.Model):
    """One dated version of a commune's fee schedule (Sondernutzungssatzung): its tariffs per kind, its
    fee zones and its exemptions. A Satzung changes on a date, so a commune has a row per version.

    A draft is edited by the commune's admins (``domains.permits.services.fee_schedules``) and priced
    in a preview; a published version is never changed again — a change of the Satzung is a new version.
    Applications are priced by the published version valid on their start date (``fees.compute_fee``).
    """

    ags = models.CharField("Gemeindeschlüssel", max_length=8, db_index=True)
    title = models.CharField("Titel der Satzung", max_length=300)
    satzung_date = models.DateField("Datum der Satzung")
    valid_from = models.DateField("Gültig ab")
    valid_to = models.DateField("Gültig bis (ausschließlich)", null=True, blank=True)
    state = models.CharField(
        "Stand", max_length=12, choices=FeeScheduleState.choices, default=FeeScheduleState.DRAFT
    )
    created = models.DateTimeField("Angelegt", auto_now_add=True)
    published_at = models.DateTimeField("Veröffentlicht am", null=True, blank=True)

    class Meta:
        verbose_name = "Gebührensatzung (Fassung)"
        verbose_name_plural = "Gebührensatzungen (Fassungen)"
        ordering = ["ags", "-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="fee_schedule_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.state == FeeScheduleState.DRAFT


class Tariff(models.Model):
    """The fee of one kind in one version of a commune's Satzung (``FeeSchedule``)."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="tariffs")
    kind = models.ForeignKey(PermitKind, on_delete=models.PROTECT, related_name="tariffs")
    rate = models.DecimalField("Satz (EUR)", max_digits=10, decimal_places=4)
    unit = models.CharField("Einheit", max_length=20, choices=FeeUnit.choices)
    minimum_fee = models.DecimalField(
        "Mindestgebühr (EUR)", max_digits=10, decimal_places=2, default=Decimal("0")
    )
    admin_fee = models.DecimalField(
        "Verwaltungsgebühr (EUR)", max_digits=10, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        verbose_name = "Tarif"
        verbose_name_plural = "Tarife"
        ordering = ["schedule", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "kind"], name="tariff_kind_once_per_schedule"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(minimum_fee__gte=0) & Q(admin_fee__gte=0),
                name="tariff_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} – {self.kind}"


class TariffZone(models.Model):
    """A fee zone of one version of the Satzung (e.g. Innenstadt ×1.5); applies to the part of an area
    inside it. Stored in EPSG:25833."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField("Name", max_length=120)
    factor = models.DecimalField("Faktor", max_digits=5, decimal_places=2)
    geom = models.MultiPolygonField("Gebiet", srid=STORAGE_SRID)

    class Meta:
        verbose_name = "Gebührenzone"
        verbose_name_plural = "Gebührenzonen"
        constraints = [models.CheckConstraint(condition=Q(factor__gt=0), name="tariff_zone_factor_positive")]

    def __str__(self) -> str:
        return f"{self.name} (×{self.factor})"


class FeeExemption(models.Model):
    """A fee exemption or reduction of one version (e.g. gemeinnützige Veranstaltung −100 %,
    öffentliche Stelle −50 %). Priced as one negative line on the usage fee (``fees.compute_fee``); the
    administrative fee stays. ``claimable``: the applicant may claim it, else only staff set it."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="exemptions")
    reason = models.CharField("Grund", max_length=200)
    percent = models.DecimalField(
        "Ermäßigung (%)", max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    claimable = models.BooleanField("Von Antragstellenden wählbar", default=True)

    class Meta:
        verbose_name = "Gebührenbefreiung"
        verbose_name_plural = "Gebührenbefreiungen"
        ordering = ["schedule", "reason"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="fee_exemption_percent_range"
            ),
            models.UniqueConstraint(fields=["schedule", "reason"], name="fee_exemption_reason_once"),
        ]

    def __str__(self) -> str:
        return self.reason


class ParkingZone(models.Model):
    """A resident parking zone (Bewohnerparkgebiet) of a commune.

    Zones are replaced as a set (``domains.permits.services.parking_zones``): the old ones are ended
    (``active=False``, ``valid_to``), never deleted, so permits issued in them stay valid to their end."""

    ags = models.CharField("Gemeindeschlüssel", max_length=8, db_index=True)
    code = models.CharField("Kennung", max_length=20)
    name = models.CharField("Name", max_length=120)
    geom = models.MultiPolygonField("Gebiet", srid=STORAGE_SRID)
    active = models.BooleanField(default=True)
    # Yearly fee of this zone (EUR) when the commune's Satzung differs by zone; else the parking tariff.
    fee = models.DecimalField("Jahresgebühr (EUR)", max_digits=8, decimal_places=2, null=True, blank=True)
    valid_from = models.DateField("Gültig ab", null=True, blank=True)
    valid_to = models.DateField("Beendet am", null=True, blank=True)

    class Meta:
        verbose_name = "Bewohnerparkgebiet"
        verbose_name_plural = "Bewohnerparkgebiete"
        constraints = [
            models.UniqueConstraint(
                fields=["ags", "code"], condition=Q(valid_to__isnull=True), name="parking_zone_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ParkingZoneDraft(models.Model):
    """An uploaded zone file not yet published: its attribute names and the admin's column choice.
    One per organisation (a new upload replaces it); a draft is a working copy, not a record."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="parking_zone_draft"
    )
    ags = models.CharField("Gemeindeschlüssel", max_length=8)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField("Dateiname", max_length=200)
    file_format = models.CharField("Format", max_length=30)
    source_epsg = models.PositiveIntegerField("Koordinatenbezugssystem (EPSG)")
    columns = models.JSONField("Spalten", default=list)
    name_column = models.CharField("Spalte mit dem Namen", max_length=100, blank=True)
    code_column = models.CharField("Spalte mit der Kennung", max_length=100, blank=True)
    fee_column = models.CharField("Spalte mit der Gebühr", max_length=100, blank=True)

    class Meta:
        verbose_name = "Entwurf Bewohnerparkgebiete"
        verbose_name_plural = "Entwürfe Bewohnerparkgebiete"


class ParkingZoneDraftZone(models.Model):
    """One feature of a draft, in file order (``number`` as the GIS shows it), in EPSG:25833."""

    draft = models.ForeignKey(ParkingZoneDraft, on_delete=models.CASCADE, related_name="zones")
    number = models.PositiveIntegerField("Nr.")
    properties = models.JSONField("Attribute", default=dict)
    geom = models.MultiPolygonField("Gebiet", srid=STORAGE_SRID)

    class Meta:
        ordering = ["number"]
        verbose_name = "Gebiet im Entwurf"
        verbose_name_plural = "Gebiete im Entwurf"


class ParkingPermit(LocatedCase):
    """An application for a resident parking permit; ``location`` is the residence. Plate is private."""

    workflow = PERMIT_WORKFLOW
    audit_name = "parking"
    public_id_prefix = "PA"
    # Shared with Permit since the first links were sent; the prefixes keep the two apart.
    tracking_namespace = "permit"
    tracking_url_name = "web:parking-track"

    location = models.PointField("Wohnort", srid=STORAGE_SRID)
    public_id = models.CharField("Antragsnummer", max_length=12, unique=True)
    zone = models.ForeignKey(ParkingZone, on_delete=models.PROTECT, related_name="permits")
    status = models.CharField(
        "Status", max_length=32, choices=PermitStatus.choices, default=PermitStatus.SUBMITTED
    )
    licence_plate = models.CharField("Kennzeichen (privat)", max_length=12)
    applicant_name = models.CharField("Name (privat)", max_length=200)
    applicant_email = models.EmailField("E-Mail (privat)")
    applicant_address = models.CharField("Anschrift (privat)", max_length=300)
    # Nearest house address to the residence: personal data here, erased with the applicant fields.
    nearest_address = models.CharField("Nächste Adresse (privat)", max_length=300, blank=True)
    nearest_address_id = models.CharField("Adress-ID (privat)", max_length=80, blank=True)
    fee = models.DecimalField("Gebühr (EUR)", max_digits=8, decimal_places=2)
    permit_number = models.CharField("Ausweisnummer", max_length=30, blank=True)
    valid_from = models.DateField("Gültig ab", null=True, blank=True)
    valid_until = models.DateField("Gültig bis", null=True, blank=True)

    class Meta(LocatedCase.Meta):
        verbose_name = "Bewohnerparkausweis"
        verbose_name_plural = "Bewohnerparkausweise"
        constraints = [
            models.UniqueConstraint(
                fields=["permit_number"], condition=~Q(permit_number=""), name="parking_permit_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.public_id


class ParkingPermitStatusChange(StatusChangeBase):
    permit = models.ForeignKey(ParkingPermit, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "Statusänderung (Parkausweis)"
        verbose_name_plural = "Statusänderungen (Parkausweis)"


def case_model_for(public_id: str) -> type[Permit] | type[ParkingPermit]:
    """Which kind of case a number names: ``PA-…`` parking permits, everything else special use."""
    return ParkingPermit if public_id.upper().startswith(ParkingPermit.public_id_prefix) else Permit


def case_owner(case: Permit | ParkingPermit) -> dict[str, Permit | ParkingPermit]:
    """How a fee claim or notice points at its case: ``{"permit": case}`` or ``{"parking_permit": case}``
    (filter and create keywords alike)."""
    return {"permit": case} if isinstance(case, Permit) else {"parking_permit": case}


class CaseOwned:
    """Fee claims and notices belong to exactly one permit or parking permit (check constraints)."""

    @property
    def case(self) -> Permit | ParkingPermit:
        return self.permit or self.parking_permit


class PaymentState(models.TextChoices):
    OPEN = "open", _("Offen")
    PAID = "paid", _("Bezahlt")
    OVERDUE = "overdue", _("Überfällig")  # computed from the due date, never stored
    CANCELLED = "cancelled", _("Storniert")  # the application was withdrawn before the fee was paid


class FeeClaim(CaseOwned, models.Model):
    """The fee a decision charges (Gebührenbescheid): Kassenzeichen, amount, due date and its payment.

    Belongs to exactly one permit or parking permit. ``overdue`` is not stored: an open claim past its
    due date is overdue (``domains.permits.payment_state.payment_state``), so nothing has to flip it at midnight.
    ``cancelled_on`` is set when the permit is withdrawn before its fee was paid: the fee is no longer
    owed, and a later transfer under its Kassenzeichen is reported by ``import_camt``, never booked.
    """

    permit = models.OneToOneField(
        Permit, null=True, blank=True, on_delete=models.CASCADE, related_name="fee_claim"
    )
    parking_permit = models.OneToOneField(
        ParkingPermit, null=True, blank=True, on_delete=models.CASCADE, related_name="fee_claim"
    )
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    kassenzeichen = models.CharField("Kassenzeichen", max_length=20, unique=True)
    amount = models.DecimalField("Betrag (EUR)", max_digits=12, decimal_places=2)
    due_date = models.DateField("Fällig am")
    created = models.DateTimeField("Erstellt", auto_now_add=True)
    paid_on = models.DateField("Bezahlt am", null=True, blank=True)
    paid_amount = models.DecimalField("Gezahlt (EUR)", max_digits=12, decimal_places=2, null=True, blank=True)
    paid_via = models.CharField("Zahlungsweg", max_length=30, blank=True)
    payment_reference = models.CharField("Buchungsreferenz", max_length=140, blank=True)
    cancelled_on = models.DateField("Storniert am", null=True, blank=True)
    reminded_on = models.DateField("Zahlungserinnerung am", null=True, blank=True)

    class Meta:
        verbose_name = "Gebührenforderung"
        verbose_name_plural = "Gebührenforderungen"
        constraints = [
            models.CheckConstraint(
                condition=Q(permit__isnull=False, parking_permit__isnull=True)
                | Q(permit__isnull=True, parking_permit__isnull=False),
                name="fee_claim_one_case",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_claim_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.kassenzeichen


class NoticeKind(models.TextChoices):
    DECISION = "bescheid", _("Bescheid")
    FEE = "gebuehrenbescheid", _("Gebührenbescheid")
    PARKING_CARD = "parkausweis", _("Parkausweis")


class Notice(CaseOwned, models.Model):
    """A written notice as PDF/A (``domains.permits.documents.notices``): stored once, never changed; its SHA-256 is in
    the audit log. Private: served only through ``interfaces.web.media`` to staff in scope and the applicant."""

    permit = models.ForeignKey(
        Permit, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    parking_permit = models.ForeignKey(
        ParkingPermit, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField("Art", max_length=20, choices=NoticeKind.choices)
    file = models.FileField(upload_to="notices/")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField()
    created = models.DateTimeField("Erstellt", auto_now_add=True)

    class Meta:
        verbose_name = "Bescheid (PDF)"
        verbose_name_plural = "Bescheide (PDF)"
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["file"], name="notice_file_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(permit__isnull=False, parking_permit__isnull=True)
                | Q(permit__isnull=True, parking_permit__isnull=False),
                name="notice_one_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file.name}"
