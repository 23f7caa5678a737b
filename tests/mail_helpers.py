"""Checks on queued mails shared by the receipt tests of several case types (reports, parking permits).

One helper, so that a change to how receipts are queued or linked is checked the same way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings

from kernel.notifications.models import OutgoingMail


def assert_receipt_opens_tracking(
    client,
    *,
    kind: str,
    object_type: str,
    public_id: str,
    to: str,
    path_prefix: str,
    body_contains: Iterable[str] = (),
) -> OutgoingMail:
    """Exactly one ``kind`` mail for the case went to ``to``; its subject names the case as received, its
    body holds ``body_contains`` and an absolute tracking link under ``path_prefix`` that opens (200)."""
    [mail] = OutgoingMail.objects.filter(kind=kind)
    assert (mail.to, mail.object_type, mail.object_id) == (to, object_type, public_id)
    assert public_id in mail.subject and "eingegangen" in mail.subject
    for text in body_contains:
        assert text in mail.body, (text, mail.body)
    link = re.search(
        rf"{re.escape(settings.SITE_URL)}({re.escape(path_prefix)}{public_id}/verfolgen/\S+/)", mail.body
    )
    assert link, mail.body
    assert client.get(link.group(1)).status_code == 200
    return mail
