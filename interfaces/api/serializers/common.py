"""Serializers shared by all endpoints."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (see interfaces.api.exceptions)."""

    detail = serializers.CharField(help_text="Meldung auf Deutsch")
    code = serializers.CharField(help_text="Maschinenlesbarer Code")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="Fehler je Feld"
    )


ERROR_SERIALIZER = ErrorSerializer
