"""What citizens add to a public report after it was made: the "Ist der Mangel behoben?" questionnaire,
updates (Ergänzungen), notices of illegal content (Art. 16 DSA), and the organisations' Textbausteine.

Imported at the end of ``domains.reports.models`` so Django registers them with the reports app. Every e-mail
address here is personal data with a retention period (``domains.reports.personal_data``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from domains.reports.models import Report, ReportPhoto

CITIZEN_TEXT_MAX = 2000


class Answer(models.TextChoices):
    YES = "yes", "Ja, behoben"
    NO = "no", "Nein, nicht behoben"


class Questionnaire(models.Model):
    """One "Ist der Mangel behoben?" per report, ever: the one-to-one key makes sending exactly once.

    The mail's links carry a signature over ``pk`` and ``nonce`` (``domains.reports.services.questionnaires``);
    they work for 60 days after ``sent`` and for one answer.
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="questionnaire")
    resolved_at = models.DateTimeField("Erledigt am")
    sent = models.DateTimeField("Versandt", default=timezone.now)
    nonce = models.CharField(max_length=32)
    answer = models.CharField("Antwort", max_length=3, choices=Answer.choices, blank=True)
    answered = models.DateTimeField("Beantwortet", null=True, blank=True)

    class Meta:
        verbose_name = "Rückfrage „Ist der Mangel behoben?“"
        verbose_name_plural = "Rückfragen „Ist der Mangel behoben?“"
        indexes = [models.Index(fields=["answer"], name="questionnaire_answer")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.answer or 'offen'}"


class Inquiry(models.Model):
    """A Rückfrage: staff ask the reporter a question; the reporter answers once through a signed link
    (``domains.reports.services.inquiries``) with a text and optionally a photo.

    The link carries a signature over ``pk`` and ``nonce`` and works for 30 days after ``asked``, for one
    answer, and only while the inquiry is open (``closed`` empty: staff moving the case on closes it).
    ``public_answer`` is the staff's choice whether the answer goes to the public or the internal history.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="inquiries")
    question = models.TextField("Frage", validators=[MaxLengthValidator(CITIZEN_TEXT_MAX)])
    public_answer = models.BooleanField("Antwort öffentlich zeigen", default=False)
    asked = models.DateTimeField("Gestellt", default=timezone.now)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The status the report had when asked: an answer moves it back there (or to "In Prüfung").
    previous_status = models.CharField("Status davor", max_length=32)
    nonce = models.CharField(max_length=32)
    reminded = models.DateTimeField("Erinnert", null=True, blank=True)
    answer = models.TextField(
        "Antwort (privat)", blank=True, validators=[MaxLengthValidator(CITIZEN_TEXT_MAX)]
    )
    answer_photo = models.OneToOneField(
        ReportPhoto, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiry"
    )
    answered = models.DateTimeField("Beantwortet", null=True, blank=True)
    closed = models.DateTimeField("Geschlossen", null=True, blank=True)

    class Meta:
        verbose_name = "Rückfrage an die meldende Person"
        verbose_name_plural = "Rückfragen an die meldende Person"
        ordering = ["asked", "id"]
        indexes = [models.Index(fields=["closed", "reminded"], name="inquiry_open_reminded")]

    def __str__(self) -> str:
        return f"Rückfrage {self.pk} zu {self.report_id}"


class UpdateState(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "E-Mail nicht bestätigt"
    PENDING = "pending", "Wartet auf Freigabe"
    PUBLISHED = "published", "Veröffentlicht"
    HIDDEN = "hidden", "Verborgen"


class CitizenUpdate(models.Model):
    """A citizen's Ergänzung to a public report. It counts only after its author confirmed the e-mail
    address by link; then it is published at once (post-moderation) or after staff approve it
    (pre-moderation), as the organisation chose. Its photo stays hidden until the update is public."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="citizen_updates")
    text = models.TextField("Text", validators=[MaxLengthValidator(CITIZEN_TEXT_MAX)])
    photo = models.OneToOneField(
        ReportPhoto, null=True, blank=True, on_delete=models.SET_NULL, related_name="citizen_update"
    )
    email = models.EmailField("E-Mail (privat)", blank=True)
    state = models.CharField(
        "Zustand", max_length=12, choices=UpdateState.choices, default=UpdateState.UNCONFIRMED
    )
    created = models.DateTimeField("Eingegangen", default=timezone.now)
    confirmed = models.DateTimeField("Bestätigt", null=True, blank=True)
    moderation_reason = models.CharField("Grund der Moderation", max_length=300, blank=True)

    class Meta:
        verbose_name = "Ergänzung"
        verbose_name_plural = "Ergänzungen"
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["report", "state"], name="citizenupdate_report_state")]

    def __str__(self) -> str:
        return f"Ergänzung {self.pk} zu {self.report_id}"


class NoticeReason(models.TextChoices):
    ILLEGAL = "illegal", "Rechtswidriger Inhalt"
    PERSONAL = "personal", "Persönliche Daten oder Bilder von Personen"
    INSULT = "insult", "Beleidigung, Bedrohung oder Hetze"
    SPAM = "spam", "Werbung oder Spam"
    OTHER = "other", "Sonstiges"


class NoticeDecision(models.TextChoices):
    OPEN = "", "Offen"
    HIDDEN = "hidden", "Inhalt verborgen"
    REJECTED = "rejected", "Hinweis abgelehnt"


class AbuseNotice(models.Model):
    """A notice of illegal content (Art. 16 DSA) about a report's text, one photo or one update. It goes
    to the moderation queue of the report's organisation; the decision is audited and, if the notifier
    gave an address, mailed to them."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="abuse_notices")
    photo = models.ForeignKey(ReportPhoto, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(
        CitizenUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="abuse_notices"
    )
    reason = models.CharField("Grund", max_length=10, choices=NoticeReason.choices)
    text = models.TextField("Begründung", blank=True, validators=[MaxLengthValidator(CITIZEN_TEXT_MAX)])
    email = models.EmailField("E-Mail (privat)", blank=True)
    created = models.DateTimeField("Eingegangen", default=timezone.now)
    decision = models.CharField(
        "Entscheidung", max_length=10, choices=NoticeDecision.choices, blank=True, default=""
    )
    decided = models.DateTimeField("Entschieden", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField("Begründung der Entscheidung", blank=True, max_length=2000)

    class Meta:
        verbose_name = "Hinweis auf rechtswidrige Inhalte"
        verbose_name_plural = "Hinweise auf rechtswidrige Inhalte"
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["decision", "created"], name="abusenotice_open")]

    def __str__(self) -> str:
        return f"Hinweis {self.pk} zu {self.report_id}"

    @property
    def target_label(self) -> str:
        if self.update_id:
            return "Ergänzung"
        return "Foto" if self.photo_id else "Meldungstext"


class NoteTemplate(models.Model):
    """A Textbaustein: a canned public note of one organisation, with placeholders ``{nummer}``,
    ``{kategorie}``, ``{gemeinde}``, ``{datum}`` (``domains.reports.services.note_templates``)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="note_templates"
    )
    name = models.CharField("Name", max_length=100)
    text = models.TextField("Text", max_length=4000)

    class Meta:
        verbose_name = "Textbaustein"
        verbose_name_plural = "Textbausteine"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_note_template_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name
