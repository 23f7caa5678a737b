"""Second factor of staff accounts: TOTP devices (django-otp's TOTP plugin), enrolled and confirmed here.

An account has at most one confirmed device. Enrolment creates an unconfirmed device (its secret shown as
a QR code) and confirms it with a code from the authenticator app; confirming replaces any earlier
device. Organisation admins must have one (``second_factor_required``); the staff pages enforce it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.organisations.audit import audit
from kernel.organisations.models import Membership
from kernel.organisations.scoping import scope_of

DEVICE_NAME = "Authenticator-App"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_required(user: Any) -> bool:
    """Admins of an organisation must use a second factor; everybody else may."""
    return bool(scope_of(user).admin_org_ids)


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled (created on first call; the secret stays until confirmed)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_verify(*, device: TOTPDevice, code: str) -> bool:
    """Check ``code`` (6 digits) against ``device``; django-otp refuses a reused code and slows down
    guessing (1, 2, 4 … seconds after each failure)."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == device.digits):
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        ok = locked.verify_token(code)
    device.refresh_from_db()
    return ok


def totp_device_confirm(*, user: Any, device: TOTPDevice, code: str) -> bool:
    """Confirm the pending ``device`` with ``code``; the confirmed device replaces earlier ones."""
    if device.user_id != user.pk or device.confirmed or not totp_verify(device=device, code=code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_second_factor(
            user=user,
            action="second_factor.enrol",
            obj=device,
            summary=f"Zwei-Faktor-Anmeldung für {user.username} eingerichtet",
        )
    return True


def audit_second_factor(*, user: Any, action: str, obj: Any, summary: str, **data: Any) -> None:
    """One audit row in each organisation of ``user`` (its admins see it), or one without organisation
    for an operator without membership. Call inside the transaction of the change."""
    org_ids = list(
        Membership.objects.filter(user=user, active=True).values_list("organisation_id", flat=True)
    )
    for org_id in org_ids or [None]:
        audit(actor=user, action=action, obj=obj, organisation=org_id, summary=summary, **data)
