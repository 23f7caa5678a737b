"""Serializers for communes and districts (public data: names, keys, simplified areas)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer, GeometryField

from interfaces.api.serializers.common import ERROR_SERIALIZER  # noqa: F401 - re-exported
from kernel.boundaries.models import Commune, District
from kernel.boundaries.selectors import boundary_attribution


@extend_schema_field({"type": "object", "description": "GeoJSON-MultiPolygon in WGS84, vereinfacht"})
class SimplifiedGeometryField(GeometryField):
    """Geometry computed in the query (simplified, ST_Multi, transformed), not a model field; always a
    MultiPolygon like the model fields it comes from."""


class DistrictRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["ags", "name"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["ags", "name", "bez", "valid_from", "valid_to"]


class CommuneSerializer(serializers.ModelSerializer):
    district = DistrictRefSerializer(read_only=True)

    class Meta:
        model = Commune
        fields = ["ags", "ars", "name", "name_official", "bez", "district", "valid_from", "valid_to"]


class LocateSerializer(serializers.ModelSerializer):
    """Answer of ``/communes/locate/``: the responsible commune and its district."""

    district = DistrictRefSerializer(read_only=True)
    attribution = serializers.SerializerMethodField()

    class Meta:
        model = Commune
        fields = ["ags", "name", "name_official", "district", "valid_from", "attribution"]

    def get_attribution(self, obj: Commune) -> str:
        return boundary_attribution()


class CommuneFeatureSerializer(GeoFeatureModelSerializer):
    """A commune as GeoJSON Feature, geometry simplified in the database and transformed to WGS84."""

    district = DistrictRefSerializer(read_only=True)
    geom = SimplifiedGeometryField(source="simplified", read_only=True, precision=6)
    attribution = serializers.SerializerMethodField()

    class Meta:
        model = Commune
        geo_field = "geom"
        id_field = "ags"
        fields = [
            "ags",
            "ars",
            "name",
            "name_official",
            "bez",
            "district",
            "valid_from",
            "valid_to",
            "attribution",
        ]

    def get_attribution(self, obj: Commune) -> str:
        return boundary_attribution()


class DistrictFeatureSerializer(GeoFeatureModelSerializer):
    geom = SimplifiedGeometryField(source="simplified", read_only=True, precision=6)
    attribution = serializers.SerializerMethodField()

    class Meta:
        model = District
        geo_field = "geom"
        id_field = "ags"
        fields = ["ags", "name", "bez", "valid_from", "valid_to", "attribution"]

    def get_attribution(self, obj: District) -> str:
        return boundary_attribution()
