"""The feedback form of the accessibility statement. It only carries values: what is valid is decided by
``domains.accessibility.services.feedback_submit``, whose German messages are put back on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from domains.accessibility.models import DESCRIPTION_MAX, PAGE_URL_MAX
from interfaces.web.forms import ServiceErrorsForm


class AccessibilityFeedbackForm(ServiceErrorsForm):
    description = forms.CharField(
        label=_("Welche Barriere ist Ihnen aufgefallen?"),
        required=False,
        help_text=_(
            "Beschreiben Sie bitte, was nicht funktioniert hat und womit Sie die Seite genutzt haben."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX}),
    )
    page_url = forms.CharField(
        label=_("Betroffene Seite (optional)"),
        required=False,
        help_text=_("Adresse oder Name der Seite, z. B. /meldungen/"),
        widget=forms.TextInput(attrs={"maxlength": PAGE_URL_MAX, "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("E-Mail für die Antwort (optional)"),
        required=False,
        help_text=_(
            "Dann bestätigen wir den Eingang und antworten Ihnen. Ohne Adresse können wir nicht antworten."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
