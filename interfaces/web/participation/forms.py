"""Forms of the participation pages: they render fields and carry raw values; the services in
``domains.reports.services`` validate and put their German messages back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from domains.reports.models import NoticeReason
from domains.reports.participation.models import CITIZEN_TEXT_MAX
from domains.reports.services import PhotoUpload
from interfaces.web.forms import ServiceErrorsForm


class ParticipationForm(ServiceErrorsForm):
    def upload(self, name: str = "photo") -> PhotoUpload | None:
        file: Any = self.files.get(name)
        return PhotoUpload(file=file, name=file.name, size=file.size) if file else None


def _text(label: Any, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    # No max_length here: the service refuses longer text with its message and keeps nothing.
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": CITIZEN_TEXT_MAX}),
    )


def _photo() -> forms.FileField:
    return forms.FileField(
        label=_("Foto (optional)"),
        required=False,
        help_text=_("JPEG, PNG oder HEIC; Standortdaten werden entfernt."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/heif"}),
    )


class NotFixedForm(ParticipationForm):
    comment = _text(_("Was ist noch nicht in Ordnung? (optional)"))
    photo = _photo()


class InquiryAnswerForm(ParticipationForm):
    # Required, but checked by the service (its message, not Django's); the browser is told by aria.
    answer = _text(_("Ihre Antwort"), help_text=_("Höchstens 2.000 Zeichen."))
    photo = _photo()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].widget.attrs["aria-required"] = "true"


class UpdateForm(ParticipationForm):
    text = _text(_("Ihre Ergänzung"), help_text=_("Höchstens 2.000 Zeichen. Wird öffentlich angezeigt."))
    photo = _photo()
    email = forms.CharField(
        label=_("E-Mail"),
        required=False,
        help_text=_("Für den Bestätigungslink; wird nicht veröffentlicht."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NoticeForm(ParticipationForm):
    reason = forms.ChoiceField(
        label=_("Grund"), choices=[("", _("Bitte wählen")), *NoticeReason.choices], required=False
    )
    text = _text(
        _("Begründung"), help_text=_("Warum ist der Inhalt rechtswidrig? Bei „Sonstiges“ erforderlich.")
    )
    email = forms.CharField(
        label=_("E-Mail (optional)"),
        required=False,
        help_text=_("Dann erhalten Sie eine Eingangsbestätigung und die Entscheidung."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    good_faith = forms.BooleanField(
        label=_("Ich bin in gutem Glauben überzeugt, dass meine Angaben richtig und vollständig sind."),
        required=False,
    )
