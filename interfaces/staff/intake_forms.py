"""The form of "Meldung aufnehmen" (``/verwaltung/meldungen/neu/``): a caseworker enters a report for a
caller, a visitor at the counter, a letter or an e-mail.

Like the citizen form it only collects raw values into a ``ReportDraft``: whether the report is valid —
channel, place, category, answers, contact — is decided by ``report_create``, the one write path, and
its German messages are put back on the fields here.
"""

from __future__ import annotations

from typing import Any

from django import forms

from domains.reports.models import (
    DESCRIPTION_MAX,
    STAFF_CHANNELS,
    Category,
)
from domains.reports.models import ReportChannel as Channel
from domains.reports.selectors import categories_active
from domains.reports.services import ReportDraft
from shared.forms.category_questions import add_question_fields, answers

# The service's "location" (the place as a whole) is shown at the latitude field, as on the citizen form;
# the answers to the category's questions are named ``attribute[<code>]`` (Open311's spelling).
FIELD_NAMES = {"location": "lat", "attributes": "attribute"}
TEXT_INPUT = {"autocomplete": "off", "spellcheck": "false", "inputmode": "decimal"}


def _category_choices() -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", "Bitte wählen …")]
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in categories_active(with_group=True):
        groups.setdefault(category.group.display_name, []).append((category.slug, category.display_name))
    choices.extend(groups.items())
    return choices


class IntakeForm(forms.Form):
    """Channel, place, category (with its questions), description and the caller's optional contact."""

    channel = forms.ChoiceField(
        label="Eingangskanal",
        required=False,
        choices=[(value, Channel(value).label) for value in STAFF_CHANNELS],
        widget=forms.RadioSelect,
    )
    lat = forms.CharField(
        label="Breitengrad", required=False, help_text="z. B. 51,0504", widget=forms.TextInput(TEXT_INPUT)
    )
    lon = forms.CharField(
        label="Längengrad", required=False, help_text="z. B. 13,7373", widget=forms.TextInput(TEXT_INPUT)
    )
    place = forms.CharField(
        label="Ortsbeschreibung (optional)",
        required=False,
        help_text="z. B. „vor Hausnummer 12, Gehweg“ – wie die meldende Person den Ort beschreibt.",
    )
    category = forms.CharField(label="Kategorie", required=False, widget=forms.Select())
    description = forms.CharField(
        label="Beschreibung",
        required=False,
        strip=False,
        help_text=f"Was ist kaputt, und wo genau? Höchstens {DESCRIPTION_MAX:,} Zeichen.".replace(",", "."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    name = forms.CharField(
        label="Name (optional)", required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.CharField(
        label="E-Mail (optional)",
        required=False,
        help_text="Mit Adresse bekommt die Person die Eingangsbestätigung mit ihrem Verfolgungslink.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label="Telefon (optional)",
        required=False,
        help_text="Für Rückfragen; nie veröffentlicht.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = _category_choices()
        self.chosen_category = self._chosen_category()
        self.attribute_names = add_question_fields(self, self.chosen_category)

    def _chosen_category(self) -> Category | None:
        """The category whose questions the form shows: the one sent, or the one in ``?category=``."""
        slug = (self.data.get("category") if self.is_bound else self.initial.get("category")) or ""
        if not isinstance(slug, str) or not slug or len(slug) > 100:
            return None
        return Category.objects.filter(slug=slug, active=True).first()

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.attribute_names]

    def draft(self) -> ReportDraft:
        data = self.data
        attributes = answers(self, self.attribute_names)
        return ReportDraft(
            category=data.get("category"),
            description=data.get("description"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            place=data.get("place") or "",
            name=data.get("name") or "",
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            attributes=attributes,
            channel=data.get("channel") or "",
            field_names=FIELD_NAMES,
        )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """The service's messages on the fields (it alone validates); unknown keys become form errors."""
        for key, messages in errors.items():
            field = key if key in self.fields else None
            for message in messages:
                self.add_error(field, message)
