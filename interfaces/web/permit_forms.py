"""Forms of the application pages (Sondernutzung, Bewohnerparkausweis). Like ``interfaces.web.forms``, they collect
raw values for the services and put the services' German messages back on their fields; whether an
application is valid is decided in ``domains.permits.services`` only, so page and API say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from domains.permits.kinds import kinds_available_in
from domains.permits.models import FeeUnit, PermitKind
from domains.permits.selectors import claimable_exemptions
from domains.permits.services import MAX_ATTACHMENTS, PermitDraft, Upload
from interfaces.web.forms import MultipleFileInput, MultipleFilesField, ServiceErrorsForm
from shared.http.params import AGS8

# A GeoJSON file of one area is a few kB; 1 MB leaves room for detailed outlines (the service allows
# 10,000 vertices) and lets the page put the file's text back into the text field after a round trip.
MAX_GEOJSON_FILE_BYTES = 1024 * 1024
# Browsers without a date-time picker show a text field; accept the German way of writing it too.
GERMAN_DATETIME = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(\d{1,2})[:.](\d{2})\s*$")

TEXT = {"autocomplete": "off", "spellcheck": "false"}


def _iso_datetime(value: str | None) -> str | None:
    """'04.05.2026 07:00' → '2026-05-04T07:00'; anything else is passed on as typed (the service checks)."""
    match = GERMAN_DATETIME.match(value or "")
    if not match:
        return value
    day, month, year, hour, minute = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}T{int(hour):02d}:{minute}"


def permit_kinds(ags: str = "") -> list[PermitKind]:
    """The kinds offered in the commune ``ags`` (its own included); without one, the platform's."""
    return kinds_available_in(ags if AGS8.match(ags or "") else None)


# The one-line "Anschrift" field: HTML allows "street-address" only on a multi-line control (a textarea), and
# WCAG 1.3.5 relies on a valid token. "address-line1" lets the browser fill street and house number; the
# person adds postal code and town on the same line.
ADDRESS_AUTOCOMPLETE = "address-line1"


class PermitForm(ServiceErrorsForm):
    """Sondernutzung beantragen. Field names follow the API where they can (``kind``, ``geometry`` …)."""

    FIELD_NAMES = {
        "applicant.name": "name",
        "applicant.organisation": "organisation",
        "applicant.email": "email",
        "applicant.phone": "phone",
        "applicant.address": "address",
    }

    kind = forms.CharField(label=_("Art der Sondernutzung"), required=False, widget=forms.Select())
    # The commune the kind list is for (a deep link's ?gemeinde=, or the area's after an estimate): it
    # offers that commune's own kinds and leaves out the ones it switched off. The service decides anyway.
    gemeinde = forms.CharField(required=False, widget=forms.HiddenInput())
    start = forms.CharField(
        label=_("Beginn"),
        required=False,
        help_text=_("Datum und Uhrzeit, z. B. 04.05.2026, 07:00"),
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
    )
    end = forms.CharField(
        label=_("Ende"),
        required=False,
        help_text=_("Datum und Uhrzeit; höchstens zwei Jahre nach dem Beginn"),
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
    )
    units = forms.CharField(
        label=_("Anzahl"),
        required=False,
        initial="1",
        help_text=_(
            "Nur für Arten, die nach Stück berechnet werden (Container, Halteverbot, Werbeaufsteller)."
        ),
        widget=forms.NumberInput(attrs={"min": 1, "max": 1000, "step": 1, "inputmode": "numeric"}),
    )
    site_address = forms.CharField(
        label=_("Adresse der Fläche"),
        required=False,
        help_text=_(
            "Der einfache Weg ohne Karte: Straße, Hausnummer und Ort, dazu Länge und Breite der genutzten "
            "Fläche. Wir legen ein Rechteck dieser Größe um die Adresse; die Gemeinde prüft es."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    length_m = forms.CharField(
        label=_("Länge (m)"),
        required=False,
        help_text=_("Länge der genutzten Fläche in Metern, z. B. 12 (0,5 bis 500)."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", **TEXT}),
    )
    width_m = forms.CharField(
        label=_("Breite (m)"),
        required=False,
        help_text=_(
            "Breite der genutzten Fläche in Metern, z. B. 2,5 (0,5 bis 50) – zur Adresse oder zu einer "
            "gezeichneten Linie."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal", **TEXT}),
    )
    geometry_file = forms.FileField(
        label=_("GeoJSON-Datei"),
        required=False,
        help_text=_(
            "Statt zu zeichnen: eine Datei mit einer Fläche (Polygon oder MultiPolygon) oder Linie "
            "(LineString) in WGS84 – eine Geometrie, ein Feature oder eine FeatureCollection mit genau "
            "einem Objekt. Eine gewählte Datei gilt vor dem Textfeld."
        ),
        widget=forms.FileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
    )
    geometry = forms.CharField(
        label=_("Fläche als GeoJSON"),
        required=False,
        strip=False,
        help_text=_(
            "Wird beim Zeichnen auf der Karte ausgefüllt. Sie können GeoJSON auch hier einfügen oder ändern."
        ),
        widget=forms.Textarea(attrs={"rows": 4, **TEXT}),
    )
    # A reduction the commune's Satzung lets applicants claim (e.g. for a charitable event); offered only
    # where the commune has one. The service checks it against the version valid on the start date.
    exemption = forms.CharField(
        label=_("Gebührenbefreiung oder -ermäßigung (optional)"),
        required=False,
        help_text=_("Nur wenn einer dieser Gründe zutrifft; die Gemeinde kann einen Nachweis verlangen."),
        widget=forms.Select(),
    )
    description = forms.CharField(
        label=_("Vorhaben"),
        required=False,
        help_text=_("Was ist geplant? Höchstens 4.000 Zeichen."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    name = forms.CharField(
        label=_("Name"), required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    organisation = forms.CharField(
        label=_("Firma/Verein (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.CharField(
        label=_("E-Mail"),
        required=False,
        help_text=_("Dorthin schicken wir die Eingangsbestätigung und den Bescheid."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telefon (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Anschrift"),
        required=False,  # checked by domains.permits.services (same German message as the API)
        widget=forms.TextInput(attrs={"autocomplete": ADDRESS_AUTOCOMPLETE}),
    )
    attachments = MultipleFilesField(
        label=_("Anhänge"),
        required=False,
        help_text=lazy(
            lambda: (
                gettext("Pläne oder Fotos: PDF oder Bilder, je höchstens 10 MB, bis zu %(n)s Dateien.")
                % {"n": MAX_ATTACHMENTS}
            ),
            str,
        )(),
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def __init__(self, *args: Any, ags: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_to(ags or str(self.data.get("gemeinde") or ""))
        # Where the service's geometry messages belong: the file field when the area came from a file.
        self.geometry_source = "geometry"
        self.geometry_file_name = ""

    def scope_to(self, ags: str) -> None:
        """Offer the kinds of the commune ``ags`` (8 digits; anything else: the platform's)."""
        self.ags = ags if AGS8.match(ags) else ""
        self.kinds = permit_kinds(self.ags)
        choices = [("", str(_("Bitte wählen …")))] + [(k.slug, k.name) for k in self.kinds]
        self.fields["kind"].widget.choices = choices
        self.exemptions = claimable_exemptions(self.ags)
        self.fields["exemption"].widget.choices = [("", str(_("Keine")))] + [(r, r) for r in self.exemptions]
        self.initial["gemeinde"] = self.ags
        if self.is_bound:
            self.data = self.data.copy()
            self.data["gemeinde"] = self.ags

    def kind_units(self) -> dict[str, str]:
        """Fee unit per kind, so the page script can hide "Anzahl" for kinds priced by area."""
        return {k.slug: k.unit for k in self.kinds}

    def unit_kinds(self) -> list[str]:
        return [k.name for k in self.kinds if k.unit != FeeUnit.M2_DAY]

    def field_for(self, key: str) -> str | None:
        if key == "geometry":
            return self.geometry_source
        return super().field_for(key)

    def _geometry(self, upload: UploadedFile | None) -> str | None:
        """The GeoJSON text: from the file when one was chosen (then also put into the text field, so a
        re-shown form keeps the area without choosing the file again), else from the text field."""
        if upload is None:
            text = (self.data.get("geometry") or "").strip()
            if not text and (self.data.get("site_address") or "").strip():
                self.geometry_source = "site_address"  # the area comes from the address (plain way)
            return text or None  # None: "Geometrie fehlt"
        self.geometry_source = "geometry_file"
        self.geometry_file_name = (upload.name or "").rsplit("/", 1)[-1][:120]
        self.errors  # noqa: B018 - validate the plain fields first, so add_error below can be used
        if upload.size is not None and upload.size > MAX_GEOJSON_FILE_BYTES:
            self.add_error("geometry_file", _("Die GeoJSON-Datei ist größer als 1 MB."))
            return None
        try:
            text = upload.read(MAX_GEOJSON_FILE_BYTES + 1).decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("geometry_file", _("Die Datei ist keine GeoJSON-Textdatei (UTF-8)."))
            return None
        self.data = self.data.copy()
        self.data["geometry"] = text
        return text

    def draft(self, files: Any) -> PermitDraft:
        """Everything the service needs; ``files`` is ``request.FILES``."""
        data = self.data
        attachments: Sequence[UploadedFile] = files.getlist("attachments")
        return PermitDraft(
            kind=data.get("kind"),
            geometry=self._geometry(files.get("geometry_file")),
            width_m=data.get("width_m"),
            site_address=data.get("site_address"),
            length_m=data.get("length_m"),
            start=_iso_datetime(data.get("start")),
            end=_iso_datetime(data.get("end")),
            units=data.get("units") or 1,
            exemption=data.get("exemption", ""),
            description=data.get("description", ""),
            applicant={
                key: data.get(key, "") for key in ("name", "organisation", "email", "phone", "address")
            },
            attachments=[Upload(file=f, name=f.name or "Anhang", size=f.size or 0) for f in attachments],
            channel="web",
        )


class ParkingForm(ServiceErrorsForm):
    """Bewohnerparkausweis beantragen: the residence (map or coordinates), plate and applicant."""

    FIELD_NAMES = {
        "applicant.name": "name",
        "applicant.email": "email",
        "applicant.address": "address",
    }

    # A refusal for the place as a whole (outside Saxony, outside every zone, no tariff) belongs to the
    # place, not to "Breitengrad": its messages sit under „Adresse oder Ort suchen“ (the template renders
    # them there; the widget is never rendered, its id only makes the error summary link to the search
    # field). Coordinates that are missing or no number stay on lat/lon.
    location = forms.CharField(
        label=_("Adresse oder Ort suchen"),
        required=False,
        widget=forms.HiddenInput(attrs={"id": "place-search-input"}),
    )
    lat = forms.CharField(
        label=_("Breitengrad"),
        required=False,
        help_text=_("Ihrer Wohnung, z. B. 51,0670 (mit Komma oder Punkt)"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", **TEXT}),
    )
    lon = forms.CharField(
        label=_("Längengrad"),
        required=False,
        help_text=_("z. B. 13,7550"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", **TEXT}),
    )
    licence_plate = forms.CharField(
        label=_("Kennzeichen"),
        required=False,
        help_text=_("Deutsches Kennzeichen, z. B. DD-AB 1234 (E oder H am Ende erlaubt)."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", **TEXT}),
    )
    name = forms.CharField(
        label=_("Name"), required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.CharField(
        label=_("E-Mail"),
        required=False,
        help_text=_("Dorthin schicken wir den Bescheid."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Anschrift"),
        required=False,
        help_text=_("Ihre Wohnanschrift (Straße, Hausnummer, PLZ, Ort)."),
        widget=forms.TextInput(attrs={"autocomplete": ADDRESS_AUTOCOMPLETE}),
    )

    def values(self) -> dict[str, Any]:
        data = self.data
        return {
            "lon": data.get("lon"),
            "lat": data.get("lat"),
            "licence_plate": data.get("licence_plate"),
            "name": data.get("name"),
            "email": data.get("email"),
            "address": data.get("address"),
        }
