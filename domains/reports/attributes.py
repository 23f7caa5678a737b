"""Check the answers to a category's extra questions (``CategoryAttribute``) before a report is stored.

Clients send form fields, so every answer arrives as text (or a list of texts for several values); this
module turns them into clean JSON values for ``Report.attributes`` — or German messages per attribute.
Answers to codes the category does not define are dropped, not refused: Open311 clients such as
FixMyStreet send attributes of their own, and refusing the whole report for them would lose it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from domains.reports.models import AttributeDatatype, Category, CategoryAttribute
from kernel.core.errors import ValidationFailed

STRING_MAX = 200
TEXT_MAX = 2000
NUMBER_MAX = 1_000_000_000  # absolute value; keeps the stored JSON sane
MAX_LIST_VALUES = 50

D = AttributeDatatype


def category_attributes(category: Category) -> list[CategoryAttribute]:
    """The category's attributes in display order (informational ones included)."""
    return list(CategoryAttribute.objects.filter(category=category).order_by("order", "id"))


def unknown_attribute_codes(category: Category, codes: Iterable[str]) -> list[str]:
    """Codes a client answered that ``category`` does not ask for (they are ignored; see module doc)."""
    known = {a.code for a in category_attributes(category) if a.variable}
    return sorted({code for code in codes if code not in known})


def _values(raw: Any) -> list[str]:
    """Non-empty answers as stripped texts; a scalar becomes a one-element list."""
    items = raw if isinstance(raw, list | tuple) else [raw]
    texts = []
    for item in items:
        if item is None or isinstance(item, dict | list | tuple):
            continue
        text = str(item).strip()
        if text:
            texts.append(text)
    return texts


def _number(text: str, attr: CategoryAttribute) -> int | float:
    candidate = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        number = float(candidate)
    except ValueError:
        raise ValueError(f"„{attr.description}“: bitte eine Zahl angeben, z. B. 12 oder 12,5.") from None
    if not math.isfinite(number) or abs(number) > NUMBER_MAX:
        raise ValueError(f"„{attr.description}“: die Zahl ist zu groß oder ungültig.")
    return int(number) if number.is_integer() else number


def _datetime(text: str, attr: CategoryAttribute) -> str:
    """ISO 8601 / W3C date-time; without an offset the time is read as Saxon local time."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"„{attr.description}“: Datum und Uhrzeit nach ISO 8601 erwartet, z. B. 2026-11-25T13:00:00+01:00."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _choices(texts: list[str], attr: CategoryAttribute) -> list[str]:
    keys = attr.choice_keys()
    chosen: list[str] = []
    for text in texts:
        if text not in keys:
            allowed = ", ".join(keys)
            raise ValueError(
                f"„{attr.description}“: „{text[:60]}“ ist keine der möglichen Antworten ({allowed})."
            )
        if text not in chosen:
            chosen.append(text)
    return chosen


def _clean_one(attr: CategoryAttribute, texts: list[str]) -> Any:
    """One attribute's answer as stored; raises ValueError with a German message."""
    if attr.datatype == D.MULTIVALUELIST:
        if len(texts) == 1 and "," in texts[0] and texts[0] not in attr.choice_keys():
            texts = [t.strip() for t in texts[0].split(",") if t.strip()]  # "a,b" from simple clients
        if len(texts) > MAX_LIST_VALUES:
            raise ValueError(f"„{attr.description}“: höchstens {MAX_LIST_VALUES} Werte.")
        return _choices(texts, attr)
    if len(texts) > 1:
        raise ValueError(f"„{attr.description}“: genau ein Wert erwartet.")
    text = texts[0]
    if attr.datatype == D.SINGLEVALUELIST:
        return _choices([text], attr)[0]
    if attr.datatype == D.NUMBER:
        return _number(text, attr)
    if attr.datatype == D.DATETIME:
        return _datetime(text, attr)
    limit = TEXT_MAX if attr.datatype == D.TEXT else STRING_MAX
    if len(text) > limit:
        raise ValueError(f"„{attr.description}“: höchstens {limit} Zeichen.")
    return text


def clean_attributes(
    category: Category, raw: Mapping[str, Any], *, prefix: str = "attributes", required: bool = True
) -> dict[str, Any]:
    """Answers in ``raw`` (code → text or list of texts) checked against ``category``'s attributes.

    Returns ``{code: value}`` for the answered ones (numbers as int/float, date-times as ISO text with the
    local offset, list answers as keys). Raises :class:`ValidationFailed` keyed ``prefix[code]`` — the
    field name Open311 clients use (``attribute[size]``). ``required=False`` (staff correcting a report's
    category, ``domains.reports.services.correcting``) checks the answers given but asks for no missing
    ones: only the reporter knows them.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for attr in category_attributes(category):
        if not attr.variable:
            continue
        texts = _values(raw.get(attr.code)) if raw else []
        if not texts:
            if attr.required and required:
                errors[f"{prefix}[{attr.code}]"] = [f"Bitte geben Sie an: {attr.description}"]
            continue
        try:
            cleaned[attr.code] = _clean_one(attr, texts)
        except ValueError as exc:
            errors[f"{prefix}[{attr.code}]"] = [str(exc)]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


__all__ = ["category_attributes", "clean_attributes", "unknown_attribute_codes"]
