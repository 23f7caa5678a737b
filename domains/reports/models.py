"""Mängelmeldungen: categories, reports, their photos, status history and "me too" supports."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db.models import Q
from django.utils import translation

from domains.reports.workflow import OPEN_STATES, REPORT_WORKFLOW, ReportPriority, ReportStatus
from kernel.cases.deadlines import DeadlineUnit
from kernel.cases.models import LocatedCase, StatusChangeBase
from kernel.geo.srid import STORAGE_SRID

DESCRIPTION_MAX = 4000
# What the public sees instead of a description that staff hid (moderation).
HIDDEN_DESCRIPTION = "(Die Beschreibung wurde von der Verwaltung ausgeblendet.)"

# The one definition of a *public* report: not marked "intern" by staff and not held back for a check
# before publishing (``held_for_review``, ``domains.reports.services.review``). Every public output — REST API,
# Open311, OGC API, tiles and their pre-aggregated counts, feeds, open data, statistics, map, nearby list,
# report pages, alerts — selects with it: the ORM through ``PUBLIC_REPORTS`` (``selectors.reports_public``),
# raw SQL through ``public_reports_sql`` (tiles, counts, statistics). Both say the same; tests check each
# output (tests/reports/test_internal_reports.py).
PUBLIC_REPORTS = Q(internal=False, held_for_review=False)


def public_reports_sql(alias: str = "r") -> str:
    """``PUBLIC_REPORTS`` as an SQL condition on the ``reports_report`` row aliased ``alias`` (a fixed name)."""
    return f"(NOT {alias}.internal AND NOT {alias}.held_for_review)"


PLACE_MAX = 300

NAME_EN_HELP = "Für die englische Ansicht; leer: der deutsche Name wird gezeigt"


def localized_name(name: str, name_en: str) -> str:
    """The name to show in the active language: the English one in English mode when it is set, else the
    German one (categories are data, not gettext strings, so the catalogue carries both)."""
    if name_en and (translation.get_language() or "").split("-")[0] == "en":
        return name_en
    return name


ags8 = RegexValidator(r"^\d{8}$", "Der Gemeindeschlüssel (AGS) hat 8 Ziffern.")


class CategoryGroup(models.Model):
    slug = models.SlugField("Kürzel", unique=True)
    name = models.CharField("Name", max_length=100)
    name_en = models.CharField("Name (englisch)", max_length=100, blank=True, help_text=NAME_EN_HELP)
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    class Meta:
        verbose_name = "Kategoriegruppe"
        verbose_name_plural = "Kategoriegruppen"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return localized_name(self.name, self.name_en)


class DangerMode(models.TextChoices):
    """What a category whose defect may be an acute danger does with a report (issue 31.1): an open manhole
    belongs to the police or fire brigade first, not into a queue that is read the next working day."""

    NONE = "", "Keine Gefahrenlage"
    WARN = "warn", "Hinweis auf Notruf, Meldung wird gesendet"
    BLOCK = "block", "Nur Notruf, Meldung hier nicht möglich"


class Category(models.Model):
    """A kind of defect (Schlagloch, Straßenlaterne defekt …), the same catalogue for every commune."""

    slug = models.SlugField("Kürzel", unique=True, max_length=60)
    name = models.CharField("Name", max_length=100)
    name_en = models.CharField("Name (englisch)", max_length=100, blank=True, help_text=NAME_EN_HELP)
    description = models.TextField("Beschreibung", blank=True)
    group = models.ForeignKey(
        CategoryGroup, verbose_name="Gruppe", on_delete=models.PROTECT, related_name="categories"
    )
    icon = models.CharField("Symbolname", max_length=40, blank=True)
    default_sla_days = models.PositiveSmallIntegerField("Bearbeitungsfrist (Tage)", default=14)
    default_sla_unit = models.CharField(
        "Fristart",
        max_length=10,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.CALENDAR,
        help_text="Arbeitstage zählen weder Wochenenden noch sächsische Feiertage.",
    )
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    active = models.BooleanField("Aktiv", default=True, help_text="Landesweit abschalten")
    keywords = models.CharField("Stichwörter", max_length=300, blank=True)
    # The catalogue's default for "checked before publishing"; a commune may decide otherwise per category
    # (``CommuneCategorySetting.review_before_publishing``).
    review_before_publishing = models.BooleanField(
        "Vor Veröffentlichung prüfen",
        default=False,
        help_text="Neue Meldungen erscheinen erst öffentlich, wenn die Verwaltung sie freigegeben hat.",
    )
    danger_mode = models.CharField(
        "Gefahrenlage",
        max_length=5,
        choices=DangerMode.choices,
        default=DangerMode.NONE,
        blank=True,
        help_text="Bei Gefahr: Notrufnummern zeigen und die Meldung senden („warn“) oder nicht annehmen („block“)",
    )

    class Meta:
        verbose_name = "Kategorie"
        verbose_name_plural = "Kategorien"
        ordering = ["group__order", "order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """What citizen pages show: English in English mode when set (``localized_name``)."""
        return localized_name(self.name, self.name_en)


class AttributeDatatype(models.TextChoices):
    """The datatypes of Open311 GeoReport v2 service-definition attributes, with the spec's names."""

    STRING = "string", "Text (einzeilig)"
    NUMBER = "number", "Zahl"
    DATETIME = "datetime", "Datum und Uhrzeit"
    TEXT = "text", "Text (mehrzeilig)"
    SINGLEVALUELIST = "singlevaluelist", "Auswahl (ein Wert)"
    MULTIVALUELIST = "multivaluelist", "Auswahl (mehrere Werte)"


LIST_DATATYPES = frozenset({AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST})


class CategoryAttribute(models.Model):
    """An extra question for one category (Open311: a service-definition attribute), e.g. a pothole's size.

    Answers are checked by ``domains.reports.attributes`` in ``report_create`` and stored in ``Report.attributes``
    under ``code``. ``variable=False`` marks an attribute that only informs (the spec's "variable": no
    answer is expected, none is stored). ``values`` holds the choices of the list datatypes as
    ``[{"key": "…", "name": "…"}, …]``.
    """

    category = models.ForeignKey(
        Category, verbose_name="Kategorie", on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField("Kürzel", max_length=60)
    variable = models.BooleanField(
        "Eingabe erwartet", default=True, help_text="Aus: nur ein Hinweis, es wird keine Antwort gespeichert"
    )
    datatype = models.CharField("Datentyp", max_length=20, choices=AttributeDatatype.choices)
    required = models.BooleanField("Pflichtangabe", default=False)
    description = models.CharField("Frage", max_length=300)
    datatype_description = models.CharField("Hinweis zum Format", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    values = models.JSONField(
        "Auswahlwerte", default=list, blank=True, help_text='Liste von {"key": "…", "name": "…"}'
    )

    class Meta:
        verbose_name = "Zusatzangabe"
        verbose_name_plural = "Zusatzangaben"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="one_attribute_code_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.code}"

    def clean(self) -> None:
        """Reject value lists the validator could not use (admin edits; the catalogue is checked by tests)."""
        if self.datatype in LIST_DATATYPES:
            values = self.values if isinstance(self.values, list) else None
            if not values or not all(
                isinstance(v, dict) and str(v.get("key", "")).strip() and str(v.get("name", "")).strip()
                for v in values
            ):
                raise ValidationError(
                    {
                        "values": 'Auswahllisten brauchen mindestens einen Wert der Form {"key": "…", "name": "…"}.'
                    }
                )
            keys = [str(v["key"]) for v in values]
            if len(set(keys)) != len(keys):
                raise ValidationError({"values": "Jeder key darf nur einmal vorkommen."})
        elif self.values:
            raise ValidationError({"values": "Auswahlwerte gibt es nur bei den Auswahl-Datentypen."})

    def choice_keys(self) -> list[str]:
        """Keys of the choices as text: clients send form fields, so ``1`` and ``"1"`` are the same answer."""
        if not isinstance(self.values, list):
            return []
        return [str(v.get("key")) for v in self.values if isinstance(v, dict) and "key" in v]


class CommuneCategorySetting(models.Model):
    """A commune's own choice for a category: switched off, its own recipient, its own deadline.

    Keyed by AGS rather than a commune version, so settings survive boundary changes.
    """

    ags = models.CharField("Gemeindeschlüssel", max_length=8, validators=[ags8], db_index=True)
    category = models.ForeignKey(
        Category, verbose_name="Kategorie", on_delete=models.CASCADE, related_name="settings"
    )
    enabled = models.BooleanField("Angeboten", default=True)
    recipient_email = models.EmailField("Empfänger-E-Mail", blank=True)
    sla_days = models.PositiveSmallIntegerField("Eigene Frist (Tage)", null=True, blank=True)
    sla_unit = models.CharField(
        "Fristart der eigenen Frist",
        max_length=10,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.CALENDAR,
        help_text="Gilt nur mit eigener Frist; sonst zählt die Vorgabe der Kategorie.",
    )
    # None: the catalogue's default (``Category.review_before_publishing``); True/False: the commune's own.
    review_before_publishing = models.BooleanField(
        "Vor Veröffentlichung prüfen",
        null=True,
        blank=True,
        help_text="Leer: Vorgabe der Kategorie.",
    )

    class Meta:
        verbose_name = "Kategorie-Einstellung einer Gemeinde"
        verbose_name_plural = "Kategorie-Einstellungen der Gemeinden"
        constraints = [
            models.UniqueConstraint(fields=["ags", "category"], name="one_setting_per_commune_category")
        ]

    def __str__(self) -> str:
        return f"{self.ags}: {self.category}"


class ReportChannel(models.TextChoices):
    """How a report came in. The first three are the reporter's own; the others are staff taking a report
    for a caller (``domains.reports.services.creating``, ``STAFF_CHANNELS``)."""

    WEB = "web", "Website"
    API = "api", "API"
    OPEN311 = "open311", "Open311"
    PHONE = "telefon", "Telefon"
    COUNTER = "vor_ort", "Vor Ort"
    LETTER = "brief", "Brief"
    EMAIL = "email", "E-Mail"


# Channels of a report staff enter for someone else (phone, counter, letter, e-mail), with the history's words.
STAFF_CHANNELS: dict[str, str] = {
    ReportChannel.PHONE: "Telefonisch aufgenommen.",
    ReportChannel.COUNTER: "Vor Ort aufgenommen.",
    ReportChannel.LETTER: "Per Brief eingegangen und aufgenommen.",
    ReportChannel.EMAIL: "Per E-Mail eingegangen und aufgenommen.",
}


class Report(LocatedCase):
    """A defect reported by a citizen. Reporter contact data is private: never in any public output."""

    workflow = REPORT_WORKFLOW
    audit_name = "report"
    public_id_prefix = "SN"
    tracking_namespace = "track"
    tracking_url_name = "web:report-track"

    location = models.PointField("Ort", srid=STORAGE_SRID)
    public_id = models.CharField("Meldungsnummer", max_length=12, unique=True)
    category = models.ForeignKey(
        Category, verbose_name="Kategorie", on_delete=models.PROTECT, related_name="reports"
    )
    description = models.TextField("Beschreibung", validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    place = models.CharField("Ortsbeschreibung", max_length=PLACE_MAX, blank=True)
    # The nearest house address (within 50 m) when the report was made: a place, not personal data. Copied,
    # not a foreign key, because reloading the addresses replaces their rows; the key is the source's id.
    nearest_address = models.CharField("Nächste Adresse", max_length=300, blank=True)
    nearest_address_id = models.CharField("Adress-ID (Quelle)", max_length=80, blank=True)
    status = models.CharField(
        "Status", max_length=32, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    # Set by staff (``domains.reports.services.priority``); leads the queue's default order.
    priority = models.PositiveSmallIntegerField(
        "Priorität", choices=ReportPriority.choices, default=ReportPriority.NORMAL
    )
    attributes = models.JSONField("Zusatzangaben", default=dict, blank=True)
    channel = models.CharField(
        "Eingangskanal", max_length=20, choices=ReportChannel.choices, default=ReportChannel.API
    )
    due = models.DateTimeField("Fällig am", null=True, blank=True)
    # Since when the deadline clock stands still (a Rückfrage waits for the reporter's answer); on resuming
    # ``due`` moves by the paused time (``domains.reports.services.inquiries``). None: the clock runs.
    clock_paused_since = models.DateTimeField("Frist angehalten seit", null=True, blank=True)
    supporters = models.PositiveIntegerField("Unterstützer", default=0)
    reporter_name = models.CharField("Name (privat)", max_length=200, blank=True)
    reporter_email = models.EmailField("E-Mail (privat)", blank=True)
    reporter_phone = models.CharField("Telefon (privat)", max_length=40, blank=True)
    # The reporter's own choice, made with the signed link in every status mail (``domains.reports.
    # status_mails``): False = no more status mails to ``reporter_email``. A preference of the person, so
    # exported and reset with their contact data (``domains.reports.personal_data``).
    reporter_status_mails = models.BooleanField("Statusmails an die meldende Person (privat)", default=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Zugewiesen an",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reports",
    )
    team = models.ForeignKey(
        "organisations.Team",
        verbose_name="Kolonne",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="Doppelt zu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    # Moderation: the citizen's texts — description and place — hidden from the public together, kept for
    # staff (nothing is ever deleted). Name and label predate the place being covered; the API keeps the name.
    description_hidden = models.BooleanField("Beschreibung verborgen", default=False)
    moderation_reason = models.CharField("Grund der Moderation", max_length=300, blank=True)
    # Staff's "intern": the whole report is kept out of every public output (``PUBLIC_REPORTS``), kept for
    # staff in its organisation's scope and for the reporter's own tracking link.
    internal = models.BooleanField("Intern (nicht öffentlich)", default=False)
    # "Checked before publishing": held back from every public output (``PUBLIC_REPORTS``) until a member
    # of staff releases it (``domains.reports.services.review``); set at creation only.
    held_for_review = models.BooleanField("Wartet auf Freigabe", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(LocatedCase.Meta):
        verbose_name = "Mängelmeldung"
        verbose_name_plural = "Mängelmeldungen"
        indexes = [
            models.Index(fields=["organisation", "status", "-created"], name="report_org_status_created"),
            models.Index(fields=["status", "-created"], name="report_status_created"),
            models.Index(fields=["category", "-created"], name="report_category_created"),
            models.Index(fields=["commune", "-created"], name="report_commune_created"),
            models.Index(fields=["-created", "-id"], name="report_created_id"),
            # Counting a commune's reports by status/category index-only: the rebuild and check of the
            # pre-aggregated counts (domains.reports.tiles.counts) that low-zoom tiles now sum instead.
            # Partial like the counts themselves (public reports only, ``PUBLIC_REPORTS``).
            models.Index(
                fields=["commune", "status", "category"],
                condition=PUBLIC_REPORTS,
                name="report_pub_commune_status_cat",
            ),
            # OGC API pages select their keys in public_id order with an offset: index-only, without a
            # heap visit per skipped row (offset 99,000 of 1,000,000: 630 ms → 37 ms).
            # Partial (``PUBLIC_REPORTS``): every public page filters on it, and the scan stays index-only.
            models.Index(
                fields=["public_id"],
                include=["id"],
                condition=PUBLIC_REPORTS,
                name="report_public_id_public",
            ),
            # The staff queue's default order among open reports (``staff_selectors.QUEUE_ORDERINGS["due"]``):
            # sofort, hoch, normal, then due date — read in index order for one organisation, no sort of
            # all its open reports before the first page.
            models.Index(
                fields=["organisation", "-priority", "due", "created"],
                condition=Q(status__in=OPEN_STATES),
                name="report_queue_priority",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_public(self) -> bool:
        """``PUBLIC_REPORTS`` for one loaded report: neither internal nor waiting for release."""
        return not self.internal and not self.held_for_review

    @property
    def public_description(self) -> str:
        """What citizens see: the description unless staff hid it (moderation)."""
        return HIDDEN_DESCRIPTION if self.description_hidden else self.description

    @property
    def public_place(self) -> str:
        """What citizens see of the place they typed: nothing once moderation hid the report's text."""
        return "" if self.description_hidden else self.place


class StatusChange(StatusChangeBase):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "Statusänderung"
        verbose_name_plural = "Statusänderungen"


class PhotoKind(models.TextChoices):
    CITIZEN = "citizen", "Foto der Meldung"
    AFTER = "after", "Foto nach der Erledigung"


class ReportPhoto(models.Model):
    """A re-encoded, metadata-free photo (display size + thumbnail). The original upload is never stored."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField("Art", max_length=10, choices=PhotoKind.choices, default=PhotoKind.CITIZEN)
    hidden = models.BooleanField("Verborgen", default=False)
    hidden_reason = models.CharField("Grund", max_length=300, blank=True)
    image = models.FileField("Bild", upload_to="reports/")
    thumbnail = models.FileField("Vorschau", upload_to="reports/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    # Redaction by staff (issue 31.5): ``image``/``thumbnail`` are then derivatives with black boxes under new
    # names; ``original`` is the unredacted display image under a name that was never public (staff in
    # scope only, ``domains.reports.media``); ``redactions`` every box drawn so far, in its pixels.
    original = models.FileField("Original (ungeschwärzt)", upload_to="reports/", blank=True)
    redactions = models.JSONField("Geschwärzte Bereiche", default=list, blank=True)

    class Meta:
        verbose_name = "Foto"
        verbose_name_plural = "Fotos"
        ordering = ["position", "id"]
        # Every request under MEDIA_URL looks its file up by name (interfaces.web.media).
        indexes = [
            models.Index(fields=["image"], name="reportphoto_image_idx"),
            models.Index(fields=["thumbnail"], name="reportphoto_thumbnail_idx"),
            models.Index(fields=["original"], name="reportphoto_original_idx"),
        ]


class Support(models.Model):
    """One "me too" per client (HMAC of its identity, never the raw IP) and report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    client_hash = models.CharField(max_length=64)
    # HMAC of the IP address the support came from (never the raw address): app installations behind one
    # address may each support once, but only up to a small number per report (domains.reports.services).
    address_hash = models.CharField(max_length=64, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Unterstützung"
        verbose_name_plural = "Unterstützungen"
        constraints = [
            models.UniqueConstraint(fields=["report", "client_hash"], name="one_support_per_client")
        ]


class ReportCount(models.Model):
    """How many reports each commune version has per status and category: the low-zoom vector tiles sum
    these few thousand rows instead of counting up to a million reports per tile (``domains.reports.tiles.rendering``).

    Derived data, kept exact in the transaction of every write (``domains.reports.tiles.counts``); rebuilt from
    ``reports_report`` by ``manage.py refresh_report_counts`` after writes that bypass the services.
    """

    commune = models.ForeignKey("boundaries.Commune", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=32)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = "Meldungszahl"
        verbose_name_plural = "Meldungszahlen"
        constraints = [
            models.UniqueConstraint(fields=["commune", "status", "category"], name="report_count_key"),
        ]


# Registered with this app by importing them here (the module imports Report and ReportPhoto from above).
from domains.reports.handoffs.models import Handoff, HandoffActivity  # noqa: E402, F401
from domains.reports.idempotency.models import ReportIdempotencyKey  # noqa: E402, F401
from domains.reports.participation.models import (  # noqa: E402, F401
    AbuseNotice,
    Answer,
    CitizenUpdate,
    Inquiry,
    NoteTemplate,
    NoticeDecision,
    NoticeReason,
    Questionnaire,
    UpdateState,
)
from domains.reports.saved_filters.models import SavedFilter  # noqa: E402, F401


class ReportingNotice(models.Model):
    """A dated notice on the report form and in the API's service list (issue 31.1), e.g. "Winterdienst:
    Meldungen zu Glätte bitte an …". ``organisation`` None: statewide (operators only); else one commune's
    (its admins). Shown from ``starts`` to ``ends`` inclusive (Berlin dates), gone after that."""

    text = models.CharField("Hinweis", max_length=500)
    link = models.URLField("Link (optional)", blank=True)
    starts = models.DateField("Gültig ab")
    ends = models.DateField("Gültig bis")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="Gemeinde (leer: landesweit)",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reporting_notices",
    )
    created = models.DateTimeField("Angelegt", auto_now_add=True)

    class Meta:
        verbose_name = "Hinweis zum Melden"
        verbose_name_plural = "Hinweise zum Melden"
        ordering = ["-starts", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=models.F("starts")), name="notice_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.text[:60]
