"""Save, rename and delete a person's queue filters; list them. Every function takes the acting person
and touches only that person's rows: another person's filter id is "nicht gefunden", never changed.

The query string is checked by the caller with the queue's own parser (``shared.http.filters.queue_filter``)
before it is saved; here it is reduced to the queue's filter keys in a fixed order, so a saved filter can
never carry a page number, a CSRF token or anything the queue would not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from domains.reports.saved_filters.models import NAME_MAX, QUERY_MAX, SavedFilter
from kernel.cases.fields import clean_text
from kernel.core.errors import NotFound, ValidationFailed, reject_nul
from kernel.organisations.scoping import Forbidden, scope_of

# The queue's filter parameters (``shared.http.filters.queue_filter``), in the order a saved query keeps.
FILTER_KEYS = ("status", "category", "older_than_days", "overdue", "assigned", "organisation", "ordering")
# Offered to everybody, not stored: (name, query string).
BUILT_IN_FILTERS = (("Meine offenen", "assigned=me"), ("Überfällig", "overdue=1"))
LIMIT_PER_PERSON = 50


def normalised_query(params: Mapping[str, Any]) -> str:
    """``status=…&category=…`` of the queue filters in ``params`` that have a value, nothing else."""
    pairs = [(key, str(params.get(key) or "").strip()) for key in FILTER_KEYS]
    reject_nul({"query": [value for _key, value in pairs]})
    query = urlencode([(key, value) for key, value in pairs if value])
    if len(query) > QUERY_MAX:
        raise ValidationFailed({"query": ["Dieser Filter ist zu lang zum Speichern."]})
    return query


def saved_filters_of(user: Any) -> QuerySet[SavedFilter]:
    """The person's own filters, for the organisations they still work for as caseworker or admin."""
    return SavedFilter.objects.filter(
        user_id=getattr(user, "pk", None), organisation_id__in=scope_of(user).manager_org_ids
    )


def _name(value: Any) -> str:
    name = clean_text(value)
    reject_nul({"name": name})
    if not name:
        raise ValidationFailed({"name": ["Bitte einen Namen für den Filter angeben."]})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": [f"Der Name darf höchstens {NAME_MAX} Zeichen lang sein."]})
    if name.casefold() in {built_in.casefold() for built_in, _ in BUILT_IN_FILTERS}:
        raise ValidationFailed({"name": [f"„{name}“ gibt es schon für alle; bitte anders nennen."]})
    return name


def _organisation(actor: Any, params: Mapping[str, Any]) -> int:
    """The organisation the filter belongs to: the one it filters by, else the person's first."""
    own = scope_of(actor).manager_org_ids
    if not own:
        raise Forbidden("Gespeicherte Filter gibt es für Sachbearbeitung und Administration.")
    wanted = str(params.get("organisation") or "")
    if wanted.isdigit() and int(wanted) in own:
        return int(wanted)
    return min(own)


def saved_filter_save(*, actor: Any, name: Any, params: Mapping[str, Any]) -> SavedFilter:
    """Save the queue filters ``params`` under ``name``; the same name again replaces its filters."""
    name = _name(name)
    query = normalised_query(params)
    organisation_id = _organisation(actor, params)
    try:
        with transaction.atomic():
            existing = saved_filters_of(actor).filter(organisation_id=organisation_id, name=name).first()
            if existing is None and saved_filters_of(actor).count() >= LIMIT_PER_PERSON:
                raise ValidationFailed(
                    {"name": [f"Höchstens {LIMIT_PER_PERSON} gespeicherte Filter; bitte erst einen löschen."]}
                )
            saved, _created = SavedFilter.objects.update_or_create(
                user=actor, organisation_id=organisation_id, name=name, defaults={"query": query}
            )
    except IntegrityError:  # the same name saved twice at once
        raise ValidationFailed({"name": ["Diesen Namen gibt es schon."]}) from None
    return saved


def _own(actor: Any, filter_id: Any) -> SavedFilter:
    found = saved_filters_of(actor).filter(pk=int(filter_id)).first() if str(filter_id).isdigit() else None
    if found is None:
        raise NotFound("Diesen gespeicherten Filter gibt es nicht (mehr).")
    return found


def saved_filter_rename(*, actor: Any, filter_id: Any, name: Any) -> SavedFilter:
    name = _name(name)
    try:
        with transaction.atomic():
            saved = _own(actor, filter_id)
            saved.name = name
            saved.save(update_fields=["name"])
    except IntegrityError:
        raise ValidationFailed({"name": ["Diesen Namen gibt es schon."]}) from None
    return saved


def saved_filter_delete(*, actor: Any, filter_id: Any) -> None:
    with transaction.atomic():
        _own(actor, filter_id).delete()
