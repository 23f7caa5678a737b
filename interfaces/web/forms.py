"""Forms of the citizen pages. They render fields and carry values back; they do not validate reports.

Whether a report is valid is decided in one place, ``domains.reports.services.report_create``: the form only
collects raw values into a ``ReportDraft`` and puts the service's German messages back on its fields, so
the page, the REST API and Open311 say exactly the same thing for the same input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from domains.reports.models import DESCRIPTION_MAX, Category
from domains.reports.photos import MAX_PHOTOS
from domains.reports.selectors import categories_offered
from domains.reports.services import PhotoUpload, ReportDraft
from domains.reports.workflow import ReportStatus
from kernel.boundaries.selectors import communes_in_order
from kernel.core.amounts import format_number
from shared.forms.category_questions import add_question_fields, answers


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFilesField(forms.FileField):
    """The files of a multiple file input (report photos, permit attachments), unchecked: the service
    validates them (type, size, count) and only those that arrived. Django's ``FileField`` expects one
    file and, given the list a multiple input yields, said "Es wurde keine Datei übertragen …" whenever
    any other field was wrong."""

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        return [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]


def category_choices(*, empty_label: str, ags: str = "") -> list[tuple[str, Any]]:
    """Active categories grouped by their group, in catalogue order (one query); with ``ags`` only those
    the commune offers."""
    choices: list[tuple[str, Any]] = [("", empty_label)]
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in categories_offered(ags or None):
        groups.setdefault(category.group.display_name, []).append((category.slug, category.display_name))
    choices.extend(groups.items())
    return choices


class ServiceErrorsForm(forms.Form):
    """A form that shows a service's per-field messages (``ValidationFailed.errors``) on its fields
    (``FIELD_NAMES`` renames keys); where a field already shows a message of its own, that one stays."""

    FIELD_NAMES: dict[str, str] = {}

    def field_for(self, key: str) -> str | None:
        name = self.FIELD_NAMES.get(key, key)
        return name if name in self.fields else None

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            field = self.field_for(key)
            if field and self.has_error(field):
                continue  # the page already said what is wrong with this field (e.g. an unreadable file)
            for message in messages:
                self.add_error(field, message)

    def files_to_choose_again(self, name: str, *, shown_again: bool = False) -> bool:
        """Files came with a submission that is shown again (with errors, or ``shown_again`` for an
        estimate): the browser cannot keep a chosen file (without JavaScript it is gone), so the page
        asks to choose it again."""
        return self.is_bound and bool(self.files.getlist(name)) and (shown_again or bool(self.errors))

    def errors_in_page_order(self) -> dict[str, list[str]]:
        """Messages keyed by field in page order (the script's error summary), form-wide ones last."""
        order = [*self.fields, "__all__"]
        return {name: [str(m) for m in self.errors[name]] for name in order if name in self.errors}


class ReportForm(ServiceErrorsForm):
    """The "Mängel melden" form. Field names are the API's, so service errors map one to one."""

    # Errors the service reports for the place as a whole are shown at the latitude field, which is
    # where the place is typed (and what the error summary links to).
    # The answers to the category's questions are named ``attribute[<code>]`` (Open311's spelling).
    FIELD_NAMES = {"location": "lat", "attributes": "attribute"}

    lat = forms.CharField(
        label=_("Breitengrad"),
        required=False,
        # No map here: without JavaScript there is none (the page's script-only line mentions it).
        help_text=_("z. B. 51,0504 (mit Komma oder Punkt)"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
    )
    lon = forms.CharField(
        label=_("Längengrad"),
        required=False,
        help_text=_("z. B. 13,7373"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
    )
    category = forms.CharField(label=_("Kategorie"), required=False, widget=forms.Select())
    description = forms.CharField(
        label=_("Beschreibung"),
        required=False,
        strip=False,
        # lazy: translated per request (a "%" on a lazy text would fix it in the default language at import)
        help_text=lazy(
            lambda: (
                gettext("Was ist kaputt, und wo genau? Höchstens %(max)s Zeichen.")
                % {"max": format_number(DESCRIPTION_MAX)}  # "4.000" in German, "4,000" in English
            ),
            str,
        )(),
        widget=forms.Textarea(attrs={"rows": 6, "data-max": DESCRIPTION_MAX}),
    )
    photos = MultipleFilesField(
        label=_("Fotos"),
        required=False,
        help_text=lazy(
            lambda: (
                gettext(
                    "Bis zu %(n)s Fotos (JPEG, PNG, WebP oder HEIC). Auf dem Handy können Sie direkt die Kamera nutzen."
                )
                % {"n": MAX_PHOTOS}
            ),
            str,
        )(),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
    email = forms.CharField(
        label=_("E-Mail (optional)"),
        required=False,
        help_text=_(
            "Nur damit wir Ihnen Nachrichten zum Bearbeitungsstand schicken können; sie wird nie veröffentlicht."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, ags: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = category_choices(
            empty_label=str(_("Bitte wählen …")), ags=ags
        )
        self.chosen_category = self._chosen_category()
        self.attribute_names = add_question_fields(self, self.chosen_category)

    def _chosen_category(self) -> Category | None:
        """The category whose questions the form asks: the one sent (or preset in ``initial``)."""
        slug = (self.data.get("category") if self.is_bound else self.initial.get("category")) or ""
        if not isinstance(slug, str) or not slug or len(slug) > 100:
            return None
        return Category.objects.filter(slug=slug, active=True).first()

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.attribute_names]

    def photos_to_choose_again(self) -> bool:
        """A photo came with a submission that is shown again with errors: the browser cannot keep the
        chosen file (without JavaScript it is gone), so the page asks to choose it again."""
        return self.files_to_choose_again("photos")

    def draft(self, photos: Sequence[UploadedFile]) -> ReportDraft:
        data = self.data
        return ReportDraft(
            category=data.get("category"),
            description=data.get("description"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            email=data.get("email") or "",
            attributes=answers(self, self.attribute_names),
            photos=[PhotoUpload(file=f, name=f.name or "Foto", size=f.size) for f in photos],
            channel="web",
            field_names=self.FIELD_NAMES,
        )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's per-field messages on the fields; anything else becomes a form error. Unlike
        the base class it never runs Django's own field checks (``has_error`` would), whose messages
        would stand instead of the service's: the service alone validates a report."""
        for key, messages in errors.items():
            field = key if key in self.fields else None
            for message in messages:
                self.add_error(field, message)


STATUS_FILTERS = [
    ("", _("Alle")),
    ("open", _("Offen")),
    ("closed", _("Abgeschlossen")),
    *ReportStatus.choices,
]


class ReportFilterForm(forms.Form):
    """Filters of the public list. Unknown values are ignored (the field falls back to "all")."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTERS)
    category = forms.ChoiceField(label=_("Kategorie"), required=False)
    commune = forms.ChoiceField(label=_("Gemeinde"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(empty_label=str(_("Alle")))
        self.fields["commune"].choices = [("", _("Alle")), *commune_choices()]

    def values(self) -> dict[str, str]:
        """The valid filter values (empty dict when nothing or nothing valid was chosen)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}


def commune_choices() -> list[tuple[str, str]]:
    """Every current commune once, in German order; namesakes with their district."""
    return [(c.ags, label) for c, label in communes_in_order()]
