"""Invitations by e-mail (issue 29, item 1): an organisation's admin — or the platform operator, for a
commune's first admin — invites an address with a role; the mailed link (``/verwaltung/einladung/<token>/``)
is single-use, expires after ``VALID_DAYS`` and can be revoked.

Only the SHA-256 of the token is stored. Whoever opens the link either creates a new account (user name,
password checked by Django's validators) and becomes a member in the same transaction, or — already
holding an account — accepts the membership explicitly, signed in. A person never gets a second
membership without pressing the button that names the organisation. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from kernel.core.errors import DomainError, ValidationFailed
from kernel.notifications.personal_data import mails_about_erase
from kernel.notifications.services import email_is_valid, mail_queue
from kernel.organisations.audit import audit
from kernel.organisations.invitations import VALID_DAYS
from kernel.organisations.models import Invitation, Membership, Organisation, Role
from kernel.organisations.scoping import require_admin
from kernel.organisations.services import membership_save

NAME_MAX = 150


class InvitationGone(DomainError):
    """The link's invitation was used, revoked or has expired: 410, a page that says which."""

    status_code = 410
    code = "invitation_gone"


class InvitationUnknown(DomainError):
    """No invitation has this token (mistyped or made up): 400."""

    status_code = 400
    code = "invitation_unknown"


UNKNOWN = "Diesen Einladungslink kennen wir nicht. Bitte prüfen Sie, ob der Link vollständig kopiert wurde."
USED = "Diese Einladung wurde bereits angenommen. Bitte melden Sie sich mit Ihrem Konto an."
REVOKED = "Diese Einladung wurde zurückgezogen. Bitte bitten Sie die Administration um eine neue Einladung."
DECLINED = "Diese Einladung wurde abgelehnt. Bitte bitten Sie die Administration um eine neue Einladung."
EXPIRED = (
    f"Diese Einladung ist abgelaufen (sie gilt {VALID_DAYS} Tage). Bitte bitten Sie die Administration "
    "um eine neue Einladung."
)
ACCOUNT_EXISTS = (
    "Für diese E-Mail-Adresse gibt es bereits ein Konto. Bitte melden Sie sich an und nehmen Sie die "
    "Einladung dann an."
)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invitation_link(token: str) -> str:
    """The path of the mailed link (``site_url`` is put in front by the mail template)."""
    return reverse("staff:invitation-link", kwargs={"token": token})


def _require_inviter(actor: Any, organisation: Organisation) -> None:
    """The organisation's admins; the platform operator (a superuser, or ``None`` for commands) anywhere."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    require_admin(actor, organisation.pk)


def _clean_invite(email: str, role: str, name: str) -> tuple[str, str]:
    email, name = (email or "").strip(), " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not email_is_valid(email):
        errors["email"] = ["Bitte eine gültige E-Mail-Adresse angeben (höchstens 254 Zeichen)."]
    if role not in Role.values:
        errors["role"] = [f"Unbekannte Rolle „{role[:40]}“."]
    if len(name) > NAME_MAX or "\x00" in name:
        errors["name"] = [f"Bitte höchstens {NAME_MAX} Zeichen für den Namen angeben."]
    if errors:
        raise ValidationFailed(errors)
    return email, name


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    token: str  # only the mail (and a caller that must show it, e.g. tests) ever sees it


def invite_by_email(
    *, actor: Any, organisation: Organisation, email: str, role: str, name: str = ""
) -> Invited:
    """Invite ``email`` into ``organisation`` with ``role`` and mail the link (outbox, after commit).

    An earlier pending e-mail invitation of the same address to the same organisation is withdrawn: the
    newest link is the only one that works."""
    _require_inviter(actor, organisation)
    email, name = _clean_invite(email, role, name)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        now = timezone.now()
        Invitation.objects.filter(
            organisation=organisation, email__iexact=email, answered=None, token_hash__gt=""
        ).update(answered=now)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            name=name,
            role=role,
            token_hash=token_digest(token),
            invited_by=actor if getattr(actor, "is_authenticated", False) else None,
            expires=now + dt.timedelta(days=VALID_DAYS),
        )
        audit(
            actor=actor,
            action="invitation.create",
            obj=invitation,
            organisation=organisation,
            summary=f"{email} per E-Mail eingeladen: {invitation.get_role_display()}",
            email=email,
            role=role,
        )
        mail_queue(
            kind="staff_invitation",
            to=email,
            template="mail/staff_invitation.txt",
            context={"invitation": invitation, "link": invitation_link(token), "valid_days": VALID_DAYS},
            object_type="invitation",
            object_id=str(invitation.pk),
        )
    return Invited(invitation, token)


def invitation_revoke(*, actor: Any, organisation: Organisation, invitation_id: int) -> Invitation:
    """Withdraw a pending e-mail or user-name invitation of ``organisation``: its link answers 410."""
    _require_inviter(actor, organisation)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation_id, organisation=organisation, answered=None)
            .first()
        )
        if invitation is None:
            raise ValidationFailed({"invitation": ["Diese Einladung ist nicht mehr offen."]})
        invitation.answered = timezone.now()
        invitation.save(update_fields=["answered"])
        audit(
            actor=actor,
            action="invitation.revoke",
            obj=invitation,
            organisation=organisation,
            summary=f"Einladung an {invitation.email or invitation.username} widerrufen",
        )
    return invitation


def invitation_by_token(token: str, *, lock: bool = False) -> Invitation:
    """The open invitation of ``token``, else ``InvitationUnknown`` (400) or ``InvitationGone`` (410)."""
    if not token or len(token) > 100:
        raise InvitationUnknown(UNKNOWN)
    found = Invitation.objects.select_related("organisation").filter(token_hash=token_digest(token))
    invitation = (found.select_for_update(of=("self",)) if lock else found).first()
    if invitation is None:
        raise InvitationUnknown(UNKNOWN)
    if invitation.answered is not None:
        raise InvitationGone({True: USED, False: DECLINED}.get(invitation.accepted, REVOKED))
    if invitation.expires <= timezone.now():
        raise InvitationGone(EXPIRED)
    return invitation


def account_exists_for(invitation: Invitation) -> bool:
    """Does an account already use the invited address? Then that person signs in and accepts."""
    return get_user_model().objects.filter(email__iexact=invitation.email).exists()


def _check_new_account(username: str, password: str, password2: str, invitation: Invitation) -> Any:
    user_model = get_user_model()
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    try:
        if not username or len(username) > 150:
            raise DjangoValidationError("Bitte einen Benutzernamen mit höchstens 150 Zeichen wählen.")
        UnicodeUsernameValidator(
            message="Der Benutzername darf nur Buchstaben, Ziffern und @ . + - _ enthalten."
        )(username)
    except DjangoValidationError as exc:
        errors["username"] = list(exc.messages)
    if not errors and user_model.objects.filter(username__iexact=username).exists():
        errors["username"] = ["Dieser Benutzername ist vergeben. Bitte einen anderen wählen."]
    first, _, last = invitation.name.partition(" ")
    user = user_model(username=username, email=invitation.email, first_name=first[:150], last_name=last[:150])
    if password != password2:
        errors["password2"] = ["Die beiden Passwörter stimmen nicht überein."]
    else:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password)
    return user


def invitation_accept_new(*, token: str, username: str, password: str, password2: str) -> Membership:
    """Create the invited person's account and membership in one transaction, using up the link.

    Refused (nothing saved) when the link is not open, an account already has the address, the name is
    taken or the password fails the validators."""
    with transaction.atomic():
        invitation = invitation_by_token(token, lock=True)
        if account_exists_for(invitation):
            raise ValidationFailed({"email": [ACCOUNT_EXISTS]}, message=ACCOUNT_EXISTS)
        user = _check_new_account(username, password, password2, invitation)
        user.save()
        audit(
            actor=user,
            action="account.create",
            obj=user,
            organisation=invitation.organisation,
            summary=f"Konto {user.username} über die Einladung an {invitation.email} angelegt",
        )
        return _accept(invitation, user)


def invitation_accept_existing(*, token: str, user: Any) -> Membership:
    """The signed-in ``user`` accepts the invitation (the confirm button naming the organisation)."""
    if not getattr(user, "is_authenticated", False):
        raise ValidationFailed({"invitation": ["Bitte melden Sie sich zuerst an."]})
    with transaction.atomic():
        return _accept(invitation_by_token(token, lock=True), user)


def _accept(invitation: Invitation, user: Any) -> Membership:
    invitation.answered, invitation.accepted = timezone.now(), True
    invitation.username = user.get_username()[:150]
    invitation.save(update_fields=["answered", "accepted", "username"])
    return membership_save(
        actor=user,
        organisation=invitation.organisation,
        user=user,
        role=invitation.role,
        team=invitation.team_name,
        action="membership.accept",
    )


def invitation_decline(*, token: str, user: Any | None) -> Invitation:
    """The person turns the invitation down; the link stops working."""
    with transaction.atomic():
        invitation = invitation_by_token(token, lock=True)
        invitation.answered, invitation.accepted = timezone.now(), False
        invitation.save(update_fields=["answered", "accepted"])
        audit(
            actor=user,
            action="membership.decline",
            obj=invitation,
            organisation=invitation.organisation,
            summary=f"Einladung an {invitation.email} abgelehnt",
        )
    return invitation


def invitation_pending_exists(*, organisation: Organisation, email: str, role: str | None = None) -> bool:
    """An open e-mail invitation of ``email`` to ``organisation`` (optionally with ``role``)."""
    found = Invitation.objects.filter(
        organisation=organisation, email__iexact=email, answered=None, expires__gt=timezone.now()
    )
    return (found.filter(role=role) if role else found).exists()


# How long an invitation keeps the invited person's e-mail address and name once its link is over
# (answered, withdrawn or expired): long enough for the admin to see who was invited and to ask again,
# then the address has no purpose any more (DSGVO Art. 5(1)(e)). The row stays, nameless, for the audit.
KEEP_DAYS_AFTER_END = 30


def invitations_email_due(*, moment: dt.datetime) -> QuerySet[Invitation]:
    """E-mail invitations whose link ended more than :data:`KEEP_DAYS_AFTER_END` days before ``moment``
    and that still hold an address (``shared.privacy.retention`` erases them daily)."""
    cutoff = moment - dt.timedelta(days=KEEP_DAYS_AFTER_END)
    ended = Q(answered__lt=cutoff) | Q(answered__isnull=True, expires__lt=cutoff)
    return Invitation.objects.exclude(email="").filter(ended)


def invitations_erase_email(queryset: QuerySet[Invitation]) -> int:
    """Blank the address and name of each invitation and erase the invitation mail in the outbox; one
    transaction and one audit entry per invitation. Returns how many were erased."""
    erased = 0
    for pk in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update().filter(pk=pk).exclude(email="").first()
            if invitation is None:
                continue
            mails_about_erase(object_type="invitation", object_id=str(pk), to=[invitation.email])
            invitation.email = ""
            invitation.name = ""
            invitation.save(update_fields=["email", "name"])
            audit(
                actor=None,
                action="invitation.erase_email",
                obj=invitation,
                organisation=invitation.organisation,
                summary="E-Mail-Adresse und Name der Einladung gelöscht (Aufbewahrungsfrist)",
            )
            erased += 1
    return erased
