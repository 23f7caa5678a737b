"""Reads of the request register for the staff pages."""

from __future__ import annotations

from django.db.models import QuerySet

from kernel.organisations.models import Organisation
from shared.privacy.models import PrivacyRequest


def privacy_requests_of(organisation: Organisation, *, limit: int = 50) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(organisation=organisation).select_related("actor")[:limit]
