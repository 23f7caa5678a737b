"""Shapes of the address search answers (assembled in ``interfaces.api.views.addresses``; these describe the schema)."""

from __future__ import annotations

from rest_framework import serializers

from interfaces.api.serializers.reports import PointGeometrySerializer, RefSerializer

KINDS = ["address", "street", "commune", "district", "postcode"]


class AddressPropertiesSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS, help_text="Art des Treffers")
    label = serializers.CharField(help_text="z. B. „Prager Straße 12, 01069 Dresden“")
    street = serializers.CharField(allow_blank=True)
    housenumber = serializers.CharField(allow_blank=True, help_text="mit Zusatz, z. B. 12a")
    postcode = serializers.CharField(allow_blank=True)
    place = serializers.CharField(allow_blank=True)
    commune = RefSerializer(allow_null=True, help_text="Gemeinde (bei Landkreisen null)")
    address_id = serializers.IntegerField(allow_null=True)
    area = serializers.BooleanField(
        help_text="Ein Gebiet (Gemeinde, Landkreis, Postleitzahl), kein Ort: die Mitte ist kein Meldeort"
    )
    city = serializers.BooleanField(help_text="Kreisfreie Stadt (Gemeinde und Kreis zugleich)")
    has_addresses = serializers.BooleanField(
        help_text="Hausadressen des Gebiets sind geladen (sonst findet die Suche dort nur das Gebiet)"
    )


class AddressFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = PointGeometrySerializer()
    properties = AddressPropertiesSerializer()


class AddressCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = AddressFeatureSerializer(many=True)


class ReversePropertiesSerializer(AddressPropertiesSerializer):
    distance_m = serializers.FloatField(help_text="Abstand in Metern")


class ReverseFeatureSerializer(AddressFeatureSerializer):
    properties = ReversePropertiesSerializer()
