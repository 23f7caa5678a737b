"""Form fields for a category's questions (``CategoryAttribute``), shared by the citizen report form
(``interfaces.web``) and the staff intake page (``interfaces.staff``) so both ask the same way.

The fields do not validate: ``domains.reports.attributes.clean_attributes`` (through ``report_create``)
alone decides whether an answer is right, so web, REST and Open311 give the same German messages. Field
names are Open311's spelling ``attribute[<code>]``, which is also the key of the service's messages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from domains.reports.attributes import category_attributes
from domains.reports.models import LIST_DATATYPES, AttributeDatatype, Category

PREFIX = "attribute"


def question_field(attr: Any) -> forms.Field:
    """A field for one question: choices as a select or checkboxes, a number with the decimal keyboard,
    a date-time as the browser's own picker (its ``2026-11-25T13:00`` is ISO 8601, which the service
    reads as Saxon local time), text as a text area."""
    help_text = attr.datatype_description or ""
    choices = [(str(v["key"]), v["name"]) for v in attr.values or [] if isinstance(v, dict)]
    if attr.datatype == AttributeDatatype.MULTIVALUELIST:
        return forms.MultipleChoiceField(
            label=attr.description,
            required=False,
            help_text=help_text,
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
        )
    if attr.datatype in LIST_DATATYPES:
        return forms.ChoiceField(
            label=attr.description, required=False, help_text=help_text, choices=[("", "–"), *choices]
        )
    widget: forms.Widget
    if attr.datatype == AttributeDatatype.NUMBER:
        # text, not type=number: the browser would silently drop "12,5" or "zwölf" instead of letting
        # the service say what is wrong
        widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    elif attr.datatype == AttributeDatatype.DATETIME:
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    elif attr.datatype == AttributeDatatype.TEXT:
        widget = forms.Textarea(attrs={"rows": 3})
    else:
        widget = forms.TextInput()
    return forms.CharField(label=attr.description, required=False, help_text=help_text, widget=widget)


def add_question_fields(form: forms.Form, category: Category | None) -> list[str]:
    """Add ``category``'s questions (informational ones left out) to ``form``; returns their names."""
    names: list[str] = []
    for attr in category_attributes(category) if category else []:
        if attr.variable:
            name = f"{PREFIX}[{attr.code}]"
            form.fields[name] = question_field(attr)
            if attr.required and attr.datatype != AttributeDatatype.MULTIVALUELIST:
                form.fields[name].widget.attrs["aria-required"] = "true"
            names.append(name)
    return names


def answers(form: forms.Form, names: list[str]) -> dict[str, Any]:
    """The raw answers by code, as Open311 sends them (a list for several values)."""
    data: QueryDict = form.data  # type: ignore[assignment]
    return {
        name[len(PREFIX) + 1 : -1]: data.getlist(name)
        if isinstance(form.fields[name], forms.MultipleChoiceField)
        else data.get(name)
        for name in names
    }
