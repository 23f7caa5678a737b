"""Staff sign-in through an organisation's own directory (OpenID Connect, e.g. a Keycloak in front of the
commune's Active Directory): its configuration, the group → role table and the link of a staff account
to its directory identity. Imported by ``kernel.organisations.models`` so that Django finds the models.

The client secret is never stored here: it comes from the environment variable named by
``StaffDirectory.secret_env_name`` (``STAFF_OIDC_SECRET_<AGS>``), so a database dump holds no credential.
A directory only ever grants roles in its own organisation (``kernel.organisations.directory``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_otp.models import Device

from kernel.organisations.models import Organisation, Role, Team

SECRET_ENV_PREFIX = "STAFF_OIDC_SECRET_"
_WORDS = re.compile(r"[^\s,]+")


class SecondFactorSource(models.TextChoices):
    PROVIDER = "provider", "Vom Verzeichnis (amr/acr), sonst lokal per App"
    LOCAL = "local", "Immer lokal per Authenticator-App"


class StaffDirectory(models.Model):
    """One organisation's identity provider for its staff (optional; at most one per organisation)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="staff_directory", verbose_name="Organisation"
    )
    active = models.BooleanField("Aktiv", default=True)
    issuer = models.URLField(
        "Aussteller (Issuer)",
        help_text="Die Issuer-URL des Anbieters, z. B. https://id.example.de/realms/gemeinde; "
        "/.well-known/openid-configuration wird daran angehängt.",
    )
    client_id = models.CharField("Client-ID", max_length=200)
    scopes = models.CharField("Scopes", max_length=200, default="openid profile email")
    groups_claim = models.CharField(
        "Claim mit den Gruppen", max_length=100, default="groups", help_text="Claim im ID-Token, z. B. groups"
    )
    second_factor = models.CharField(
        "Zweiter Faktor",
        max_length=20,
        choices=SecondFactorSource.choices,
        default=SecondFactorSource.LOCAL,
    )
    accepted_amr = models.CharField(
        "Anerkannte amr-Werte",
        max_length=200,
        default="mfa otp hwk",
        blank=True,
        help_text="Enthält amr einen dieser Werte, gilt der zweite Faktor als erbracht (durch Leerzeichen getrennt).",
    )
    accepted_acr = models.CharField(
        "Anerkannte acr-Werte",
        max_length=300,
        blank=True,
        help_text="Ist acr einer dieser Werte, gilt der zweite Faktor als erbracht (durch Leerzeichen getrennt).",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Verzeichnis für die Anmeldung"
        verbose_name_plural = "Verzeichnisse für die Anmeldung"

    def __str__(self) -> str:
        return f"{self.organisation} ({self.issuer})"

    @property
    def secret_env_name(self) -> str:
        """``STAFF_OIDC_SECRET_<AGS>``; an organisation without AGS (a district office, a utility) uses
        ``ORG<pk>`` instead of the AGS."""
        return SECRET_ENV_PREFIX + (self.organisation.ags or f"ORG{self.organisation_id}")

    def amr_values(self) -> set[str]:
        return set(_WORDS.findall(self.accepted_amr))

    def acr_values(self) -> set[str]:
        return set(_WORDS.findall(self.accepted_acr))


class DirectoryGroupRole(models.Model):
    """A directory group that gives a role (and, for the Bauhof, a crew) in the directory's organisation."""

    directory = models.ForeignKey(StaffDirectory, on_delete=models.CASCADE, related_name="group_roles")
    group = models.CharField("Gruppe im Verzeichnis", max_length=200)
    role = models.CharField("Rolle", max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="Kolonne"
    )

    class Meta:
        verbose_name = "Gruppe → Rolle"
        verbose_name_plural = "Gruppen → Rollen"
        constraints = [models.UniqueConstraint(fields=["directory", "group"], name="directory_group_unique")]

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()}"

    def clean(self) -> None:
        # A directory cannot reach into another organisation, not even through a crew.
        if self.team_id and self.team.organisation_id != self.directory.organisation_id:
            raise ValidationError({"team": "Die Kolonne gehört nicht zur Organisation des Verzeichnisses."})


class DirectoryIdentity(models.Model):
    """The staff account a directory identity (issuer, sub) signs in as; created at its first login."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="directory_identities"
    )
    issuer = models.URLField("Aussteller")
    subject = models.CharField("sub", max_length=255)
    created = models.DateTimeField(auto_now_add=True)
    last_login = models.DateTimeField("Letzte Anmeldung", null=True, blank=True)

    class Meta:
        verbose_name = "Verzeichnis-Identität"
        verbose_name_plural = "Verzeichnis-Identitäten"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="directory_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


class DirectoryFactor(Device):
    """django-otp needs a device to mark a session as verified: this one stands for "the directory
    confirmed a second factor (amr/acr)". It never accepts a code, so it cannot be used at /anmelden/code/."""

    def verify_token(self, token: str) -> bool:
        return False

    class Meta(Device.Meta):
        verbose_name = "Zweiter Faktor des Verzeichnisses"
        verbose_name_plural = "Zweite Faktoren des Verzeichnisses"
