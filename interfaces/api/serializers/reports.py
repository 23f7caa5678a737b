"""Serializers for reports: categories (model), input documentation, and the shape of public output.

Report output is assembled by PostgreSQL (``domains.reports.selectors``); the classes below describe that shape
for the OpenAPI schema and are checked against real responses in the tests.
"""

from __future__ import annotations

from rest_framework import serializers

from domains.reports.danger import danger_notice
from domains.reports.models import DESCRIPTION_MAX, PLACE_MAX, Category, CategoryGroup
from domains.reports.workflow import ReportStatus


class CategoryGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = CategoryGroup
        fields = ["slug", "name", "name_en"]


class CategorySerializer(serializers.ModelSerializer):
    group = CategoryGroupSerializer(read_only=True)
    danger_notice = serializers.SerializerMethodField(
        help_text="Bei Gefahrenlagen (danger_mode warn/block): der Hinweis auf die Notrufnummern, sonst null"
    )

    notices = serializers.SerializerMethodField(
        help_text="Datierte Hinweise zum Melden (landesweit, mit ?commune=<AGS> auch die der Gemeinde)"
    )

    def get_notices(self, category: Category) -> list[dict[str, str | None]]:
        return self.context.get("notices", [])

    def get_danger_notice(self, category: Category) -> str | None:
        notice = danger_notice(category, self.context.get("ags"))
        return notice.text if notice is not None else None

    class Meta:
        model = Category
        fields = [
            "slug",
            "name",
            "name_en",
            "description",
            "group",
            "icon",
            "default_sla_days",
            "default_sla_unit",
            "danger_mode",
            "danger_notice",
            "notices",
        ]


class ReportCreateSerializer(serializers.Serializer):
    """Fields of ``POST /api/v1/reports/`` (multipart/form-data or JSON)."""

    category = serializers.SlugField(help_text="Kategorie-Kürzel, siehe /api/v1/categories/")
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    lat = serializers.FloatField(required=False, help_text="Breitengrad (WGS84); alternativ location")
    lon = serializers.FloatField(required=False, help_text="Längengrad (WGS84); alternativ location")
    location = serializers.JSONField(
        required=False, help_text='GeoJSON-Punkt, z. B. {"type": "Point", "coordinates": [13.7373, 51.0504]}'
    )
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=5,
        help_text="Bis zu 5 Fotos (JPEG, PNG, WebP, HEIC; je ≤ 15 MB, ≤ 40 Megapixel); nur multipart",
    )
    place = serializers.CharField(
        required=False, max_length=PLACE_MAX, help_text="Ortsbeschreibung, z. B. 'vor Hausnr. 12'"
    )
    email = serializers.EmailField(required=False, help_text="Für Rückmeldungen zum Stand; nie öffentlich")
    name = serializers.CharField(required=False, max_length=200, help_text="Nie öffentlich")
    phone = serializers.CharField(required=False, max_length=40, help_text="Nie öffentlich")


class RefSerializer(serializers.Serializer):
    ags = serializers.CharField()
    name = serializers.CharField()


class PointGeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)


class ReportPropertiesSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Meldungsnummer, z. B. SN-7K3M-Q2")
    category = serializers.CharField()
    category_name = serializers.CharField()
    description = serializers.CharField()
    place = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    status_label = serializers.CharField()
    commune = RefSerializer()
    district = RefSerializer()
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()
    supporters = serializers.IntegerField()
    thumbnail_url = serializers.CharField(allow_null=True)
    url = serializers.CharField()


class ReportFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField()
    geometry = PointGeometrySerializer()
    properties = ReportPropertiesSerializer()


class ReportFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = ReportFeatureSerializer(many=True)
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    number_returned = serializers.IntegerField()


class PhotoSerializer(serializers.Serializer):
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class HistoryEntrySerializer(serializers.Serializer):
    from_status = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    status_label = serializers.CharField()
    date = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class ReportDetailPropertiesSerializer(ReportPropertiesSerializer):
    photos = PhotoSerializer(many=True)
    history = HistoryEntrySerializer(many=True)


class ReportDetailSerializer(ReportFeatureSerializer):
    properties = ReportDetailPropertiesSerializer()


class ReportCreatedSerializer(ReportDetailSerializer):
    tracking_url = serializers.CharField(help_text="Privater Link zum Verfolgen; nur in dieser Antwort")
    published = serializers.BooleanField(
        help_text="false: die Meldung wird vor der Veröffentlichung geprüft und ist bis zur Freigabe "
        "nicht öffentlich (Kategorie mit Prüfung oder Wegwerf-E-Mail-Adresse)"
    )
    notice = serializers.CharField(
        allow_blank=True, help_text="Hinweis für die meldende Person, z. B. zur Prüfung vor Veröffentlichung"
    )


class NearbyPropertiesSerializer(ReportPropertiesSerializer):
    distance_m = serializers.FloatField()


class NearbyFeatureSerializer(ReportFeatureSerializer):
    properties = NearbyPropertiesSerializer()


class NearbyCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = NearbyFeatureSerializer(many=True)


class SupportResultSerializer(serializers.Serializer):
    supporters = serializers.IntegerField()
    added = serializers.BooleanField(help_text="false, wenn dieser Client die Meldung schon unterstützt hat")
