"""Forms of the notification pages (follow a report, area alerts, management link). Like the report form
they only collect values; ``shared.subscriptions.services`` validates and its German messages go back on the
fields (``add_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from domains.reports.models import Category
from interfaces.web.forms import ServiceErrorsForm
from kernel.boundaries.selectors import communes_in_order
from shared.subscriptions.models import Frequency
from shared.subscriptions.services import AreaRequest


def _email_field() -> forms.CharField:
    return forms.CharField(
        label=_("E-Mail-Adresse"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class FollowForm(ServiceErrorsForm):
    email = _email_field()

    def __init__(self, *args, **kwargs) -> None:
        # The report page also has the update form's e-mail field: its own ids, so each label names its field.
        kwargs.setdefault("auto_id", "id_follow_%s")
        super().__init__(*args, **kwargs)


class ManageLinkForm(ServiceErrorsForm):
    email = _email_field()


def commune_choices() -> list[tuple[str, str]]:
    # a short empty choice: a long one was cut off in the closed select at 360 px (issue 26); the
    # alternative (an area) is the field's help text
    return [("", _("Bitte wählen"))] + [(c.ags, f"{label} ({c.ags})") for c, label in communes_in_order()]


class AreaAlertForm(ServiceErrorsForm):
    """Field names are the service's (``ags``, ``area``, ``categories``, ``frequency``, ``email``)."""

    email = _email_field()
    ags = forms.CharField(
        label=_("Gemeinde"),
        required=False,
        help_text=_("Oder unten auf der Karte ein Gebiet zeichnen."),
        widget=forms.Select(),
    )
    area = forms.CharField(
        label=_("Oder ein Gebiet als GeoJSON"),
        required=False,
        help_text=_(
            "Ein Polygon in WGS84 (Längengrad, Breitengrad), höchstens 100 km². Mit JavaScript füllt die "
            "Zeichnung auf der Karte dieses Feld."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )
    categories = forms.MultipleChoiceField(
        label=_("Nur diese Kategorien (keine Auswahl: alle)"),
        required=False,
        widget=forms.CheckboxSelectMultiple(),
    )
    frequency = forms.ChoiceField(
        label=_("Wie oft?"),
        choices=[
            (Frequency.IMMEDIATE, _("Sofort bei jeder neuen Meldung")),
            (Frequency.DAILY, _("Einmal täglich als Übersicht")),
        ],
        initial=Frequency.IMMEDIATE,
        required=False,
        widget=forms.RadioSelect(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ags"].widget.choices = commune_choices()
        self.fields["categories"].choices = [
            (c.slug, c.display_name)
            for c in Category.objects.filter(active=True).only("slug", "name", "name_en")
        ]

    def area_request(self) -> AreaRequest:
        data = self.data
        return AreaRequest(
            email=data.get("email", ""),
            ags=data.get("ags", ""),
            geojson=data.get("area", ""),
            categories=data.getlist("categories") if hasattr(data, "getlist") else [],
            frequency=data.get("frequency") or Frequency.IMMEDIATE,
        )
