"""Staff API serializers: everything staff need, reporter contact only for caseworkers and admins."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from domains.reports.models import Report
from domains.reports.participation.selectors import staff_updates
from domains.reports.services.bulk import BULK_ACTIONS, BULK_MAX
from domains.reports.staff_selectors import staff_history
from domains.reports.workflow import PRIORITY_NAME_OF, PRIORITY_NAMES, REPORT_WORKFLOW, ReportStatus
from kernel.core.errors import ValidationFailed
from kernel.organisations.models import Role
from kernel.organisations.scoping import role_in


class StaffHistorySerializer(serializers.Serializer):
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    created = serializers.DateTimeField()
    by = serializers.CharField(source="by_user.username", default=None, allow_null=True)
    public_note = serializers.CharField(allow_blank=True)
    internal_note = serializers.CharField(allow_blank=True)


class StaffPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    hidden = serializers.BooleanField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        return self.context["request"].build_absolute_uri(obj.image.url)

    def get_thumbnail_url(self, obj: Any) -> str:
        return self.context["request"].build_absolute_uri(obj.thumbnail.url)


class StaffReportSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status_label = serializers.SerializerMethodField()
    category = serializers.CharField(source="category.slug")
    commune = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)
    team = serializers.CharField(source="team.name", default=None, allow_null=True)
    lon = serializers.SerializerMethodField()
    lat = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()
    priority = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "status", "status_label", "category", "description", "description_hidden", "place", "lon", "lat",
            "commune", "organisation", "assignee", "team", "due", "overdue", "supporters", "channel", "created",
            "updated", "reporter", "priority", "internal", "held_for_review",
        ]  # fmt: skip

    def get_priority(self, obj: Report) -> str:
        """``normal``, ``hoch`` or ``sofort``."""
        return PRIORITY_NAME_OF[obj.priority]

    def get_status_label(self, obj: Report) -> str:
        return REPORT_WORKFLOW.label(obj.status)

    def get_commune(self, obj: Report) -> dict[str, str]:
        return {"ags": obj.commune.ags, "name": obj.commune.name}

    def get_organisation(self, obj: Report) -> dict[str, Any]:
        return {"id": obj.organisation_id, "name": obj.organisation.name}

    def _wgs84(self, obj: Report):
        cached = getattr(obj, "_wgs84", None)
        if cached is None:
            cached = obj._wgs84 = obj.location.transform(4326, clone=True)
        return cached

    def get_lon(self, obj: Report) -> float:
        return round(self._wgs84(obj).x, 7)

    def get_lat(self, obj: Report) -> float:
        return round(self._wgs84(obj).y, 7)

    def get_overdue(self, obj: Report) -> bool:
        return bool(obj.due and obj.due < timezone.now() and REPORT_WORKFLOW.is_open(obj.status))

    def get_reporter(self, obj: Report) -> dict[str, str] | None:
        """Contact data only for caseworkers and admins of the report's organisation, never for crews."""
        user = self.context["request"].user
        if role_in(user, obj.organisation_id) in (Role.ADMIN, Role.CASEWORKER):
            return {"name": obj.reporter_name, "email": obj.reporter_email, "phone": obj.reporter_phone}
        return None


class StaffReportDetailSerializer(StaffReportSerializer):
    history = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    citizen_updates = serializers.SerializerMethodField()
    inquiries = serializers.SerializerMethodField()

    class Meta(StaffReportSerializer.Meta):
        fields = [
            *StaffReportSerializer.Meta.fields,
            "attributes",
            "history",
            "photos",
            "citizen_updates",
            "inquiries",
        ]

    def get_inquiries(self, obj: Report) -> list[dict]:
        """Rückfragen with their answers, for caseworkers and admins (a crew gets none: answers may be
        internal)."""
        if role_in(self.context["request"].user, obj.organisation_id) not in (Role.ADMIN, Role.CASEWORKER):
            return []
        return InquirySerializer(obj.inquiries.order_by("asked", "id"), many=True).data

    def get_history(self, obj: Report) -> list[dict]:
        """Internal notes only for caseworkers and admins, as on the staff page; crews get them blank. Rows
        from before a forward show no internal note or staff name of the other organisation."""
        user = self.context["request"].user
        rows = StaffHistorySerializer(staff_history(obj, user), many=True).data
        if role_in(user, obj.organisation_id) not in (Role.ADMIN, Role.CASEWORKER):
            for row in rows:
                row["internal_note"] = ""
        return rows

    def get_citizen_updates(self, obj: Report) -> list[dict]:
        """Confirmed citizen updates with their moderation state (never the author's address)."""
        return [
            {"id": u.pk, "text": u.text, "state": u.state, "confirmed": u.confirmed, "photo_id": u.photo_id}
            for u in staff_updates(obj)
        ]

    def get_photos(self, obj: Report) -> list[dict]:
        return StaffPhotoSerializer(
            obj.photos.order_by("position", "id"), many=True, context=self.context
        ).data


class InquirySerializer(serializers.Serializer):
    """A Rückfrage as the staff API shows it (never the reporter's address)."""

    id = serializers.IntegerField()
    question = serializers.CharField()
    public_answer = serializers.BooleanField()
    asked = serializers.DateTimeField()
    reminded = serializers.DateTimeField(allow_null=True)
    answered = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField()
    answer_photo_id = serializers.IntegerField(allow_null=True)
    closed = serializers.DateTimeField(allow_null=True)


class InquiryAskSerializer(serializers.Serializer):
    """``POST /api/v1/staff/reports/<id>/rueckfrage/``: the service checks the text and the address."""

    question = serializers.CharField(allow_blank=True, trim_whitespace=False)
    public_answer = serializers.BooleanField(
        default=False, help_text="Antwort im öffentlichen Verlauf zeigen (sonst nur intern)"
    )


class StaffReportPatchSerializer(serializers.Serializer):
    """Fields of ``PATCH /api/v1/staff/reports/<id>/`` (all optional)."""

    status = serializers.ChoiceField(choices=ReportStatus.choices, required=False)
    public_note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    internal_note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    assignee = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="Benutzername; leer hebt auf"
    )
    template = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Name eines Textbausteins der Organisation: öffentliche Notiz, wenn keine angegeben ist",
    )
    priority = serializers.ChoiceField(choices=list(PRIORITY_NAMES), required=False)
    internal = serializers.BooleanField(
        required=False, help_text="true: intern (in keiner öffentlichen Ausgabe); false: wieder öffentlich"
    )
    internal_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="Grund für „intern“ (interner Verlauf)"
    )
    release = serializers.BooleanField(
        required=False,
        help_text="true: eine Meldung, die auf Freigabe wartet (Prüfung vor Veröffentlichung), freigeben; "
        "ist sie schon öffentlich, ändert sich nichts",
    )
    category = serializers.CharField(
        required=False, max_length=60, help_text="Kategorie berichtigen (Kürzel); Zusatzangaben neu geprüft"
    )
    attributes = serializers.DictField(
        required=False, help_text="Neue Antworten auf Zusatzfragen der neuen Kategorie (Kürzel → Wert)"
    )
    drop_unfit = serializers.BooleanField(
        required=False,
        help_text="Zusatzangaben, die zur neuen Kategorie nicht passen, entfernen statt ablehnen",
    )
    lon = serializers.JSONField(required=False, help_text="Ort berichtigen: Längengrad (WGS84), mit „lat“")
    lat = serializers.JSONField(required=False, help_text="Ort berichtigen: Breitengrad (WGS84), mit „lon“")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text="Interne Begründung der Berichtigung"
    )

    CORRECTION_FIELDS = ("category", "attributes", "drop_unfit", "lon", "lat", "reason")


class StaffReportBulkSerializer(serializers.Serializer):
    """Body of ``POST /api/v1/staff/reports/bulk/``: one action for up to ``BULK_MAX`` reports."""

    # Each id is checked in ``validate_ids``: a child field's errors would come back keyed by position
    # ({"ids": {"3": [...]}}), which is not the API's error shape (a list of messages per field).
    ids = serializers.ListField(
        child=serializers.JSONField(allow_null=True),
        allow_empty=False,
        max_length=BULK_MAX,
        help_text=f"Meldungsnummern, höchstens {BULK_MAX}",
        error_messages={
            "max_length": f"Höchstens {BULK_MAX} Meldungen auf einmal.",
            "empty": "Bitte mindestens eine Meldung angeben.",
        },
    )
    action = serializers.ChoiceField(choices=list(BULK_ACTIONS))
    status = serializers.ChoiceField(choices=ReportStatus.choices, required=False)

    def validate_ids(self, value: list[Any]) -> list[str]:
        bad = [v for v in value if not isinstance(v, str) or not v.strip() or len(v) > 20]
        if bad:
            raise serializers.ValidationError(
                f"{len(bad)} Angabe(n) sind keine Meldungsnummern (Text mit höchstens 20 Zeichen)."
            )
        return [v.strip() for v in value]

    assignee = serializers.CharField(required=False, allow_blank=True, max_length=150)
    team = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    template = serializers.CharField(required=False, allow_blank=True, max_length=100)
    public_note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    internal_note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class StaffBulkResultSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    ok = serializers.BooleanField()
    code = serializers.CharField()
    detail = serializers.CharField(source="message")


class StaffBulkResponseSerializer(serializers.Serializer):
    """The answer of ``POST /api/v1/staff/reports/bulk/``: how many changed, and each case's result."""

    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    results = StaffBulkResultSerializer(many=True)


INTAKE_TEXTS = ("channel", "category", "description", "lon", "lat", "place", "name", "email", "phone")


class StaffReportIntakeSerializer(serializers.Serializer):
    """Fields of ``POST /api/v1/staff/reports/`` — for the schema; the values go unchecked to
    ``report_create``, which validates them like every other report (:meth:`raw`)."""

    # Text, not a choice: the model's channel choices already name the "channel" enum of the schema.
    channel = serializers.CharField(help_text="telefon, vor_ort, brief oder email")
    category = serializers.CharField()
    description = serializers.CharField()
    lat = serializers.CharField(required=False, help_text="WGS84; oder location")
    lon = serializers.CharField(required=False)
    location = serializers.JSONField(required=False, help_text="GeoJSON-Punkt (WGS84)")
    place = serializers.CharField(required=False, allow_blank=True)
    attributes = serializers.DictField(required=False, help_text="Antworten nach Kürzel")
    name = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)

    @staticmethod
    def raw(data: Any) -> dict[str, Any]:
        """The draft's keyword arguments from a JSON or form body: one value per field (a list or an
        object where text is expected is refused with a German message, as in the citizen API)."""
        get = data.get if hasattr(data, "get") else (lambda key: None)
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        for key in INTAKE_TEXTS:
            value = get(key)
            if isinstance(value, list | dict):
                errors[key] = [f"{key}: genau ein Wert erwartet."]
            values[key] = "" if value is None and key in ("place", "name", "email", "phone") else value
        values["channel"] = values["channel"] if values["channel"] is not None else ""
        values["location"] = get("location")
        attributes = get("attributes")
        if attributes is not None and not isinstance(attributes, dict):
            errors["attributes"] = ["attributes: ein Objekt mit den Antworten nach Kürzel erwartet."]
        values["attributes"] = attributes if isinstance(attributes, dict) else {}
        if errors:
            raise ValidationFailed(errors)
        return values
