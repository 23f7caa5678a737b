"""Organisations (tenants), their members and roles, responsibility areas and the audit log.

Every Saxon commune is an organisation of the same instance (created when communes are loaded);
districts and other bodies (state road authority, utilities) can be added. Staff see and change only
what belongs to their organisations — decided in one place, ``kernel.organisations.scoping``.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS as KNOX

from kernel.core.iban import validate_bic, validate_iban
from kernel.geo.srid import STORAGE_SRID


class OrganisationKind(models.TextChoices):
    COMMUNE = "commune", "Gemeinde"
    DISTRICT = "district", "Landkreis / Kreisfreie Stadt"
    OTHER = "other", "Sonstige Stelle"


# Retention (DSGVO Art. 5(1)(e)): defaults stated on /datenschutz/, each organisation may set its own within
# these bounds (staff settings page "Datenschutz"). ``shared.privacy.retention`` applies them daily.
RETENTION_DEFAULTS = {
    "retention_report_contact_days": 90,  # reporter name/e-mail/phone, after the report reached a final state
    "retention_support_days": 30,  # "me too" client hashes, after the support was given
    "retention_permit_years": 6,  # permit applicant data and attachments, after the permit ends (fees)
    "retention_parking_years": 1,  # parking permit plate and applicant, after expiry or decision
}
RETENTION_BOUNDS = {
    "retention_report_contact_days": (7, 730),
    "retention_support_days": (1, 365),
    "retention_permit_years": (1, 10),
    "retention_parking_years": (1, 10),
}


# Licences an organisation may publish its open data under (DCAT-AP.de licence vocabulary). Default: the
# Datenlizenz Deutschland – Namensnennung 2.0, which the Saxon open data portal recommends.
OPENDATA_LICENSES = [
    ("http://dcat-ap.de/def/licenses/dl-by-de/2.0", "Datenlizenz Deutschland – Namensnennung – Version 2.0"),
    ("http://dcat-ap.de/def/licenses/dl-zero-de/2.0", "Datenlizenz Deutschland – Zero – Version 2.0"),
    ("http://dcat-ap.de/def/licenses/cc-by/4.0", "Creative Commons Namensnennung 4.0 International"),
    ("http://dcat-ap.de/def/licenses/cc-zero", "Creative Commons Zero (CC0 1.0)"),
]
OPENDATA_LICENSE_DEFAULT = OPENDATA_LICENSES[0][0]


# https only — but http on this machine's own names, for development and the tests' second server.
ORIGIN_RE = re.compile(r"^(https://[a-z0-9.-]+|http://(localhost|127\.0\.0\.1))(:\d{1,5})?$")


def origin_lines(value: str) -> list[str]:
    """The non-empty lines of an origin list, trimmed, without a trailing slash, in lower case."""
    return [ln.strip().rstrip("/").lower() for ln in (value or "").splitlines() if ln.strip()]


def validate_origins(value: str) -> None:
    """One web origin per line: ``https://host[:port]`` without path (what CSP frame-ancestors takes)."""
    for line in origin_lines(value):
        if not ORIGIN_RE.match(line):
            raise ValidationError(f"„{line[:80]}“ ist keine Herkunft der Form https://www.beispiel.de.")


def _bounded(name: str) -> list:
    low, high = RETENTION_BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


class Organisation(models.Model):
    kind = models.CharField("Art", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("Name", max_length=200)
    # The AGS is stable across boundary versions, so an organisation outlives a boundary change.
    ags = models.CharField("Amtlicher Schlüssel", max_length=8, blank=True, db_index=True)
    email = models.EmailField("Allgemeine E-Mail", blank=True)
    active = models.BooleanField("Aktiv", default=True)
    created = models.DateTimeField(auto_now_add=True)
    retention_report_contact_days = models.PositiveSmallIntegerField(
        "Kontaktdaten der Meldenden löschen nach (Tagen ab Abschluss)",
        default=RETENTION_DEFAULTS["retention_report_contact_days"],
        validators=_bounded("retention_report_contact_days"),
    )
    retention_support_days = models.PositiveSmallIntegerField(
        "Prüfwerte der Unterstützungen löschen nach (Tagen)",
        default=RETENTION_DEFAULTS["retention_support_days"],
        validators=_bounded("retention_support_days"),
    )
    retention_permit_years = models.PositiveSmallIntegerField(
        "Antragsdaten von Sondernutzungen löschen nach (Jahren ab Ende)",
        default=RETENTION_DEFAULTS["retention_permit_years"],
        validators=_bounded("retention_permit_years"),
    )
    retention_parking_years = models.PositiveSmallIntegerField(
        "Daten von Parkausweisen löschen nach (Jahren ab Ablauf)",
        default=RETENTION_DEFAULTS["retention_parking_years"],
        validators=_bounded("retention_parking_years"),
    )
    # Closing the loop with citizens (``domains.reports.services.questionnaires``, ``…citizen_updates``).
    questionnaire_days = models.PositiveSmallIntegerField(
        "Rückfrage „Ist der Mangel behoben?“ nach (Tagen ab Erledigung)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    # Rückfrage an die meldende Person (issue 30.3, ``domains.reports.services.inquiries``): one reminder
    # after this many days without an answer.
    inquiry_reminder_days = models.PositiveSmallIntegerField(
        "Erinnerung an eine unbeantwortete Rückfrage nach (Tagen)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(29)],
    )
    update_moderation = models.CharField(
        "Ergänzungen von Bürgerinnen und Bürgern",
        max_length=4,
        choices=[("pre", "erst nach Freigabe zeigen"), ("post", "sofort zeigen, nachträglich prüfen")],
        default="pre",
    )
    # Letterhead and bank details of written notices (Bescheid, Gebührenbescheid, GiroCode): set by the
    # organisation's admins (staff settings) or the platform operator (Django admin). Empty: the notices
    # fall back to the organisation's name and print no bank transfer code.
    letterhead_name = models.CharField("Briefkopf: Behörde", max_length=200, blank=True)
    letterhead_address = models.TextField(
        "Briefkopf: Anschrift", max_length=400, blank=True, help_text="Eine Zeile je Zeile des Briefkopfs"
    )
    letterhead_office = models.CharField(
        "Briefkopf: Amt", max_length=200, blank=True, help_text="z. B. Straßen- und Tiefbauamt"
    )
    # Who signs the Bescheid ("Im Auftrag" + name + function); empty: the authority and office sign.
    letterhead_signatory = models.CharField("Unterzeichnung: Name", max_length=200, blank=True)
    letterhead_signatory_role = models.CharField(
        "Unterzeichnung: Funktion",
        max_length=200,
        blank=True,
        help_text="z. B. Sachbearbeiterin Sondernutzungen",
    )
    payment_recipient = models.CharField("Zahlungsempfänger (Kontoinhaber)", max_length=70, blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validate_bic])
    bank_name = models.CharField("Kreditinstitut", max_length=100, blank=True)
    # The public contact of the body (§ 5 DDG asks for a quick way to reach it): shown on the commune's
    # page and in the footer of its pages. Separate from ``email``, the inbox for new reports, which a
    # commune may not want citizens to write to.
    contact_email = models.EmailField("Kontakt: E-Mail (öffentlich)", blank=True)
    contact_phone = models.CharField("Kontakt: Telefon", max_length=40, blank=True)
    contact_website = models.URLField("Kontakt: Internetseite", blank=True)
    contact_address = models.TextField(
        "Kontakt: Besucheranschrift",
        max_length=400,
        blank=True,
        help_text="Leer: die Anschrift des Briefkopfs",
    )
    contact_hours = models.TextField("Kontakt: Sprechzeiten", max_length=400, blank=True)
    # Shown beside police 110 / fire brigade 112 when a citizen picks a danger category (issue 31.1),
    # e.g. the building yard's on-call service outside office hours.
    contact_emergency_phone = models.CharField(
        "Kontakt: Bereitschaftsdienst (Notfall)", max_length=40, blank=True
    )
    opendata_license = models.URLField(
        "Lizenz der offenen Daten",
        choices=OPENDATA_LICENSES,
        default=OPENDATA_LICENSE_DEFAULT,
        help_text="Gilt für die Downloads unter /opendata/ und steht im DCAT-AP.de-Katalog.",
    )
    # Only for bodies without a boundary of their own (kind "other", e.g. the state road authority): the
    # area they may be responsible for, set by a platform operator (Django admin or ``set_territory``),
    # never by the organisation's admins. Communes and districts take theirs from the boundaries app
    # (``kernel.organisations.territory``).
    territory = models.MultiPolygonField(
        "Gebiet (nur Plattformbetrieb)",
        srid=STORAGE_SRID,
        null=True,
        blank=True,
        help_text="Nur für sonstige Stellen; Gemeinden und Landkreise haben ihr Gebiet aus den Grenzdaten.",
    )
    # Websites that may show /einbetten/<AGS>/ in a frame (CSP frame-ancestors); all other pages: DENY.
    embed_origins = models.TextField(
        "Einbettung erlaubt für",
        blank=True,
        validators=[validate_origins],
        help_text="Eine Herkunft je Zeile, z. B. https://www.dresden.de – nur diese Seiten dürfen die "
        "Kartenansicht der Gemeinde einbetten.",
    )

    # Go-live (issue 29.6, ``kernel.organisations.readiness``): the address for new reports counts only
    # once a test mail to it was answered through its signed link; ``email_confirmed_for`` keeps the
    # address that was confirmed, so changing ``email`` undoes the confirmation without a second step.
    email_confirmed_for = models.EmailField("Bestätigte Adresse für neue Meldungen", blank=True)
    email_confirmed_at = models.DateTimeField("Empfang bestätigt am", null=True, blank=True)
    # Which services the organisation offers: each switches on its own points of the go-live checklist.
    permits_enabled = models.BooleanField("Sondernutzungen an", default=False)
    parking_enabled = models.BooleanField("Parkausweise an", default=False)
    # The daily escalation digest (``domains.reports.escalation``): overdue and unaccepted cases to the
    # recipient (empty: the general address), and after ``escalation_admin_days`` overdue also to the
    # organisation's admins (empty: no second level).
    escalation_enabled = models.BooleanField("Tägliche Übersicht überfälliger Fälle", default=True)
    escalation_unaccepted_days = models.PositiveSmallIntegerField(
        "Nicht angenommen nach (Tagen im Status „Eingegangen“)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    escalation_admin_days = models.PositiveSmallIntegerField(
        "Zweite Stufe an die Administration nach (Tagen überfällig)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    escalation_recipient = models.EmailField("Empfänger der täglichen Übersicht", blank=True)

    class Meta:
        verbose_name = "Organisation"
        verbose_name_plural = "Organisationen"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ags"], condition=~Q(ags=""), name="one_organisation_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def embed_origin_list(self) -> list[str]:
        return origin_lines(self.embed_origins)

    @property
    def email_confirmed(self) -> bool:
        """The address for new reports is set and its test mail was answered (for this very address)."""
        return bool(self.email) and self.email_confirmed_for.lower() == self.email.lower()


class Role(models.TextChoices):
    ADMIN = "admin", "Administration"
    CASEWORKER = "caseworker", "Sachbearbeitung"
    CREW = "crew", "Bauhof"
    # Parkraumkontrolle: checks parking cards (/kontrolle/), sees no cases.
    ENFORCEMENT = "enforcement", "Vollzugsdienst"


class Team(models.Model):
    """A crew (Bauhof-Kolonne) jobs can be assigned to as a whole."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField("Name", max_length=100)

    class Meta:
        verbose_name = "Kolonne"
        verbose_name_plural = "Kolonnen"
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("Rolle", max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    # Memberships are ended, never deleted: the audit log keeps pointing at who did what.
    active = models.BooleanField("Aktiv", default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Mitgliedschaft"
        verbose_name_plural = "Mitgliedschaften"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An organisation admin's offer of a membership, which the person accepts or declines after signing in
    (``/verwaltung/einladungen/``): nobody becomes a member of an organisation, and no admin gains a say
    over them, without their consent (issue 25, item 2). Kept by the typed user name, whether or not such
    an account exists, so the members page answers alike for unknown and foreign names; issue 29's e-mail
    invitations extend this model (an address and a mailed link instead of the user name).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    # By user name (issue 25: accepted after signing in) or by e-mail (issue 29: a mailed single-use link;
    # ``kernel.organisations.invitations.invite_by_email``), never both.
    username = models.CharField("Benutzername", max_length=150, blank=True)
    email = models.EmailField("E-Mail", blank=True)
    name = models.CharField("Name", max_length=150, blank=True)
    # SHA-256 (hex) of the mailed link's token: the token itself is never stored, so a database dump holds
    # no working link. 256 random bits need no salt or slow hash.
    token_hash = models.CharField(max_length=64, blank=True)
    role = models.CharField("Rolle", max_length=20, choices=Role.choices)
    team_name = models.CharField("Kolonne", max_length=100, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField("Gültig bis")
    # Set once: when the person answered (accepted True/False) or the admin withdrew it (accepted None).
    answered = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True)

    class Meta:
        verbose_name = "Einladung"
        verbose_name_plural = "Einladungen"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["username", "answered"], name="invitation_pending")]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="invitation_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username or self.email} → {self.organisation} ({self.get_role_display()})"


class ResponsibilityArea(models.Model):
    """An organisation's area for some categories (e.g. a Staatsstraße corridor for potholes).

    At creation a report goes to the matching active area with the highest priority, else to its
    commune (``kernel.organisations.services.route``).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField("Bezeichnung", max_length=200)
    categories = models.ManyToManyField("reports.Category", verbose_name="Kategorien", blank=True)
    all_categories = models.BooleanField("Alle Kategorien", default=False)
    geom = models.MultiPolygonField("Gebiet", srid=STORAGE_SRID)
    priority = models.IntegerField(
        "Priorität", default=10, help_text="Höhere Zahl gewinnt bei Überschneidung"
    )
    active = models.BooleanField("Aktiv", default=True)

    class Meta:
        verbose_name = "Zuständigkeitsbereich"
        verbose_name_plural = "Zuständigkeitsbereiche"
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class AuditEvent(models.Model):
    """Who changed what, when. Written in the same transaction as the change; never edited or deleted."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("Aktion", max_length=40, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, db_index=True)
    summary = models.CharField("Beschreibung", max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "Protokolleintrag"
        verbose_name_plural = "Protokoll"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-created"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.created:%d.%m.%Y %H:%M} {self.action} {self.object_type}:{self.object_id}"


class ApiToken(AbstractAuthToken):
    """A staff member's named token for the staff API (django-rest-knox's model, swapped in by
    ``KNOX_TOKEN_MODEL``): only the SHA-512 digest of the token is stored, the token itself is shown once.

    It expires (``API_TOKEN_DEFAULT_DAYS``, 180 days unless given) and is revoked by deleting the row
    (``kernel.organisations.api_tokens``), which the organisation's admin and ``manage.py issue_token --revoke`` do.
    An integer key instead of knox's digest key: forms and the audit log refer to tokens by it.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=KNOX.DIGEST_LENGTH, unique=True)
    name = models.CharField("Bezeichnung", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The organisation the token was issued for: only its admins list and revoke it, and the staff API
    # lets it act only there (``interfaces.api.authentication``). Empty for tokens issued before organisations were
    # recorded to a person in several organisations: those only the operator manages.
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name="Organisation",
    )

    class Meta:
        verbose_name = "API-Token"
        verbose_name_plural = "API-Tokens"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user}, {self.token_key}…)"


class RecoveryCode(models.Model):
    """A one-time code that replaces the authenticator app once (device lost). Only a salted SHA-256 of the
    code is kept, never the code (``kernel.organisations.recovery_codes`` says why not a password hasher); a used
    code keeps its row with ``used`` set, so the page can say how many are left."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField("Prüfwert", max_length=100)
    created = models.DateTimeField(auto_now_add=True)
    used = models.DateTimeField("Verwendet", null=True, blank=True)

    class Meta:
        verbose_name = "Wiederherstellungscode"
        verbose_name_plural = "Wiederherstellungscodes"
        indexes = [models.Index(fields=["user", "used"], name="recovery_code_user")]

    def __str__(self) -> str:
        return f"Wiederherstellungscode {self.pk} ({'verwendet' if self.used else 'unbenutzt'})"


class PlatformOperator(models.Model):
    """The operator of the whole platform, for the Impressum (§ 5 DDG, § 18 Abs. 2 MStV): one row, set by
    the operator in the Django admin. Without it ``/impressum/`` says that the details are missing and
    ``manage.py check --deploy --database default`` warns (``kernel.organisations.checks``)."""

    name = models.CharField("Name der Stelle", max_length=200)
    address = models.TextField("Anschrift", max_length=400, help_text="Eine Zeile je Zeile")
    represented_by = models.CharField(
        "Vertreten durch",
        max_length=200,
        blank=True,
        help_text="z. B. die Oberbürgermeisterin / der Präsident",
    )
    email = models.EmailField("E-Mail")
    phone = models.CharField("Telefon", max_length=40, blank=True)
    vat_id = models.CharField("Umsatzsteuer-Identifikationsnummer", max_length=20, blank=True)
    register = models.CharField(
        "Register und Registernummer", max_length=200, blank=True, help_text="nur wenn eingetragen"
    )
    supervisory_authority = models.CharField("Aufsichtsbehörde", max_length=300, blank=True)
    content_responsible = models.TextField(
        "Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV)",
        max_length=400,
        blank=True,
        help_text="Name und Anschrift",
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Betreiber (Impressum)"
        verbose_name_plural = "Betreiber (Impressum)"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_platform_operator")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1  # the only row: a second "Betreiber" in the admin edits the first
        super().save(*args, **kwargs)


# Staff sign-in through the organisation's own directory (OpenID Connect): its own module, models here.
from kernel.organisations.directory_models import (  # noqa: E402, F401
    DirectoryFactor,
    DirectoryGroupRole,
    DirectoryIdentity,
    StaffDirectory,
)
