"""Serializers for permits: kinds, the application input, and the documented shape of outputs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from domains.permits.kinds import standard_conditions_for
from domains.permits.models import PaymentState, PermitKind
from domains.permits.payment_state import payment_summary
from domains.permits.workflow import PermitStatus, display_status


class PermitKindSerializer(serializers.ModelSerializer):
    """A kind as offered in one commune (``context["organisation"]``, None: the platform's list)."""

    commune_own = serializers.SerializerMethodField(
        help_text="Eigene Art dieser Gemeinde (nur dort beantragbar)"
    )
    standard_conditions = serializers.SerializerMethodField(
        help_text="Regelauflagen, die eine Genehmigung in dieser Gemeinde enthält (ohne ags: die der Plattform)"
    )

    class Meta:
        model = PermitKind
        fields = [
            "slug",
            "name",
            "description",
            "unit",
            "max_area_m2",
            "allows_large_area",
            "occupies_carriageway",
            "commune_own",
            "standard_conditions",
        ]

    def get_commune_own(self, kind: PermitKind) -> bool:
        return kind.organisation_id is not None

    def get_standard_conditions(self, kind: PermitKind) -> str:
        return standard_conditions_for(kind, self.context.get("organisation"))


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.CharField(required=False, allow_blank=True)
    email = serializers.EmailField()
    phone = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(help_text="Postanschrift für Bescheid und Gebührenbescheid")


class PermitCreateSerializer(serializers.Serializer):
    kind = serializers.SlugField(help_text="Art, siehe /api/v1/permit-kinds/")
    geometry = serializers.JSONField(
        required=False,
        help_text="GeoJSON Polygon, MultiPolygon oder LineString (WGS84); ohne: site_address mit length_m × width_m",
    )
    width_m = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        required=False,
        help_text="Breite in m, für Linien oder zu site_address",
    )
    site_address = serializers.CharField(
        required=False,
        help_text="statt geometry: Adresse; der Server legt ein Rechteck length_m × width_m (EPSG:25833) um sie",
    )
    length_m = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, help_text="Länge in m, zu site_address"
    )
    start = serializers.DateTimeField(help_text="Beginn, ISO 8601")
    end = serializers.DateTimeField(help_text="Ende, ISO 8601")
    units = serializers.IntegerField(
        required=False, min_value=1, help_text="Anzahl (Container, Aufsteller …)"
    )
    description = serializers.CharField(required=False, allow_blank=True)
    exemption = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Gebührenbefreiung, die geltend gemacht wird: ihr Grund, wie ihn die Gebührensatzung nennt",
    )
    applicant = ApplicantSerializer(help_text="Nie öffentlich")


class FeeLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    quantity = serializers.CharField()
    unit = serializers.CharField()
    rate = serializers.CharField()
    amount = serializers.CharField()


class FeeSerializer(serializers.Serializer):
    total = serializers.CharField(help_text="Dezimalzahl als Text, auf Cent gerundet")
    currency = serializers.CharField()
    lines = FeeLineSerializer(many=True)
    complete = serializers.BooleanField(
        help_text="false: Die Gemeinde hat für den Zeitraum keinen Tarif hinterlegt"
    )


class CommuneShareSerializer(serializers.Serializer):
    ags = serializers.CharField()
    name = serializers.CharField()
    share = serializers.FloatField()


class PermitEstimateSerializer(serializers.Serializer):
    area_m2 = serializers.CharField()
    communes = CommuneShareSerializer(many=True)
    fee = FeeSerializer()


class PermitCreatedSerializer(PermitEstimateSerializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=PermitStatus.choices)
    tracking_url = serializers.CharField()


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON-MultiPolygon in WGS84",
        "properties": {
            "type": {"type": "string", "enum": ["MultiPolygon"]},
            "coordinates": {"type": "array", "items": {"type": "array"}},
        },
        "required": ["type", "coordinates"],
    }
)
class MultiPolygonJSONField(serializers.JSONField):
    """A permit area already rendered as GeoJSON by PostGIS (``Permit.location`` is a MultiPolygon).

    Documented with its real shape: a JSONField alone is schema-less, and a nullable schema-less field
    becomes ``oneOf: [{}, {type: null}]`` in OpenAPI 3.1, which no value satisfies when it is null
    (both branches match)."""


class ConflictPermitSerializer(serializers.Serializer):
    """An overlapping permit. Full details (``detailed: true``) only for permits of the viewer's own
    organisations or whose area touches one of their communes; any other permit shows only the period,
    ``label`` „eine weitere Sondernutzung (noch nicht entschieden)“ or „… (genehmigt)“ and — if approved —
    its outline; ``id``, ``kind``, ``status`` and ``commune`` are then null."""

    detailed = serializers.BooleanField(help_text="true: eigener Antrag mit allen Angaben")
    label = serializers.CharField(help_text="Anzeigetext, z. B. „eine weitere Sondernutzung (genehmigt)“")
    approved = serializers.BooleanField(help_text="genehmigt (sonst: noch nicht entschieden)")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    geometry = MultiPolygonJSONField(
        allow_null=True, help_text="Fläche (GeoJSON, WGS84); bei fremden Anträgen nur wenn genehmigt"
    )
    id = serializers.CharField(allow_null=True, help_text="nur bei eigenen Anträgen")
    kind = serializers.CharField(allow_null=True, help_text="nur bei eigenen Anträgen")
    status = serializers.CharField(allow_null=True, help_text="nur bei eigenen Anträgen")
    commune = serializers.CharField(allow_null=True, help_text="nur bei eigenen Anträgen")


class ConflictReportSerializer(serializers.Serializer):
    id = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    distance_m = serializers.FloatField()
    geometry = serializers.JSONField()


class ConflictsSerializer(serializers.Serializer):
    permits = ConflictPermitSerializer(many=True)
    reports = ConflictReportSerializer(many=True)


class StaffPermitPatchSerializer(serializers.Serializer):
    """A decision (``status``) and/or, before it, a corrected area or period: then communes, area and fee
    are recomputed. Both in one transaction."""

    status = serializers.ChoiceField(choices=PermitStatus.choices, required=False)
    geometry = serializers.JSONField(
        required=False, help_text="neue Fläche: GeoJSON Polygon, MultiPolygon oder LineString (WGS84)"
    )
    width_m = serializers.CharField(required=False, help_text="Breite in Metern, nur zu einem LineString")
    start = serializers.CharField(required=False, help_text="neuer Beginn, ISO 8601")
    end = serializers.CharField(required=False, help_text="neues Ende, ISO 8601")
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    public_note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    internal_note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class PaymentSerializer(serializers.Serializer):
    kassenzeichen = serializers.CharField()
    amount = serializers.CharField()
    currency = serializers.CharField()
    due_date = serializers.DateField()
    state = serializers.ChoiceField(choices=PaymentState.values)
    state_label = serializers.CharField()
    paid_on = serializers.DateField(allow_null=True)
    paid_via = serializers.CharField()
    cancelled_on = serializers.DateField(allow_null=True, help_text="Storniert am (Antrag zurückgezogen)")
    reminded_on = serializers.DateField(allow_null=True, help_text="Zahlungserinnerung versandt am")


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="bescheid, gebuehrenbescheid oder parkausweis")
    title = serializers.CharField()
    url = serializers.URLField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    created = serializers.DateTimeField()


class PaymentRecordSerializer(serializers.Serializer):
    paid_on = serializers.DateField(required=False, help_text="Tag des Zahlungseingangs (Standard: heute)")


class StaffPermitSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    kind = serializers.CharField(source="kind.slug")
    status = serializers.CharField(
        help_text="gespeicherter Status (Ablauf): submitted, in_review, approved …"
    )
    phase = serializers.SerializerMethodField(
        help_text="wie der Antrag heute steht: bei approved je nach Zeitraum approved, active oder expired"
    )
    phase_label = serializers.SerializerMethodField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    area_m2 = serializers.CharField()
    fee_total = serializers.CharField()
    fee_lines = serializers.JSONField()
    conditions = serializers.CharField()
    commune = serializers.CharField(source="commune.name")
    organisation = serializers.CharField(source="organisation.name")
    applicant_name = serializers.CharField()
    applicant_organisation = serializers.CharField()
    applicant_email = serializers.CharField()
    applicant_phone = serializers.CharField()
    created = serializers.DateTimeField()
    payment = serializers.SerializerMethodField(
        help_text="Gebühr: kassenzeichen, amount, due_date, state (open, paid, overdue, cancelled), paid_on, cancelled_on; null ohne Gebühr"
    )
    documents = serializers.SerializerMethodField(
        help_text="Bescheide als PDF/A: kind (bescheid, gebuehrenbescheid), url, sha256, size, created"
    )

    @extend_schema_field(PaymentSerializer(allow_null=True))
    def get_payment(self, obj: Any) -> dict | None:
        return payment_summary(getattr(obj, "fee_claim", None))

    @extend_schema_field(NoticeSerializer(many=True))
    def get_documents(self, obj: Any) -> list[dict]:
        request = self.context.get("request")
        rows = []
        for notice in obj.notices.all():
            path = reverse("staff-permit-notice", args=[obj.public_id, notice.pk])
            rows.append(
                {
                    "id": notice.pk,
                    "kind": notice.kind,
                    "title": notice.get_kind_display(),
                    "url": request.build_absolute_uri(path) if request else path,
                    "sha256": notice.sha256,
                    "size": notice.size,
                    "created": notice.created.isoformat(),
                }
            )
        return rows

    def get_phase(self, obj: Any) -> str:
        return display_status(obj.status, obj.start, obj.end)[0]

    def get_phase_label(self, obj: Any) -> str:
        return display_status(obj.status, obj.start, obj.end)[1]


class ParkingApplySerializer(serializers.Serializer):
    lon = serializers.FloatField(help_text="Längengrad der Wohnung (WGS84)")
    lat = serializers.FloatField(help_text="Breitengrad der Wohnung (WGS84)")
    licence_plate = serializers.CharField(help_text="z. B. DD-AB 1234; nie öffentlich")
    name = serializers.CharField()
    email = serializers.EmailField()
    address = serializers.CharField(help_text="Wohnanschrift")


class ParkingCreatedSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.CharField()
    zone = serializers.DictField()
    fee = serializers.DictField()
    tracking_url = serializers.CharField()
