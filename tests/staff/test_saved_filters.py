"""Saved queue filters (issue 30.7): each person's own, built-in "Meine offenen" and "Überfällig"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from domains.reports.models import SavedFilter
from domains.reports.saved_filters.services import (
    saved_filter_delete,
    saved_filter_rename,
    saved_filter_save,
    saved_filters_of,
)
from kernel.core.errors import NotFound, ValidationFailed
from kernel.organisations.models import Membership
from kernel.organisations.services import membership_set
from tests.staff_world import World, login

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_built_in_filters_are_offered_to_everybody(client, world: World):
    login(client, "caseworker_b")
    page = client.get(reverse("staff:queue")).content.decode()
    assert '<a href="?assigned=me">Meine offenen</a>' in page
    assert '<a href="?overdue=1">Überfällig</a>' in page


def test_save_keeps_only_the_queue_filters_and_opens_them(client, world: World):
    login(client, "caseworker_a")
    response = client.post(
        reverse("staff:saved-filters"),
        {
            "name": "  Schlaglöcher alt ",
            "query": "category=schlagloch&older_than_days=30&page=3&csrfmiddlewaretoken=x",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/verwaltung/?category=schlagloch&older_than_days=30"
    saved = SavedFilter.objects.get()
    assert (saved.name, saved.query, saved.organisation_id) == (
        "Schlaglöcher alt",
        "category=schlagloch&older_than_days=30",
        world.dresden.pk,
    )
    page = client.get(reverse("staff:queue")).content.decode()
    assert '<a href="?category=schlagloch&amp;older_than_days=30">Schlaglöcher alt</a>' in page


def test_a_filter_the_queue_would_refuse_is_not_saved(client, world: World):
    login(client, "caseworker_a")
    response = client.post(reverse("staff:saved-filters"), {"name": "Kaputt", "query": "older_than_days=abc"})
    assert response.status_code == 302
    assert _messages(response) == ["older_than_days: ganze Zahl von 0 bis 3650 erwartet."]
    assert not SavedFilter.objects.exists()
    empty = client.post(reverse("staff:saved-filters"), {"name": " ", "query": ""})
    assert _messages(empty)[-1] == "Bitte einen Namen für den Filter angeben."
    built_in = client.post(reverse("staff:saved-filters"), {"name": "überfällig", "query": ""})
    assert "gibt es schon für alle" in _messages(built_in)[-1]
    nul = client.post(reverse("staff:saved-filters"), {"name": "a\x00b", "query": ""})
    assert nul.status_code == 302 and not SavedFilter.objects.exists()


def test_saved_filters_are_private_to_their_owner(client, world: World):
    mine = saved_filter_save(actor=world.users["caseworker_a"], name="Meins", params={"assigned": "no"})
    membership_set(actor=None, organisation=world.dresden, username="caseworker_b", role="caseworker")
    colleague = world.users["caseworker_b"]
    colleague.__dict__.pop("_mm_scope", None)
    assert list(saved_filters_of(colleague)) == []
    with pytest.raises(NotFound):
        saved_filter_rename(actor=colleague, filter_id=mine.pk, name="Gekapert")
    with pytest.raises(NotFound):
        saved_filter_delete(actor=colleague, filter_id=mine.pk)
    login(client, "caseworker_b")
    assert "Meins" not in client.get(reverse("staff:queue")).content.decode()
    refused = client.post(reverse("staff:saved-filters"), {"action": "delete", "filter": mine.pk})
    assert refused.status_code == 404
    mine.refresh_from_db()
    assert mine.name == "Meins"


def test_rename_and_delete_own_filter(client, world: World):
    saved = saved_filter_save(actor=world.users["caseworker_a"], name="Alt", params={"overdue": "1"})
    saved_filter_save(actor=world.users["caseworker_a"], name="Anderer", params={})
    login(client, "caseworker_a")
    client.post(reverse("staff:saved-filters"), {"action": "rename", "filter": saved.pk, "name": "Neu"})
    saved.refresh_from_db()
    assert saved.name == "Neu"
    with pytest.raises(ValidationFailed):
        saved_filter_rename(actor=world.users["caseworker_a"], filter_id=saved.pk, name="Anderer")
    client.post(reverse("staff:saved-filters"), {"action": "delete", "filter": saved.pk})
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["Anderer"]


def test_saving_the_same_name_again_replaces_its_filters(world: World):
    saved_filter_save(actor=world.users["caseworker_a"], name="Mein Blick", params={"status": "in_review"})
    saved_filter_save(actor=world.users["caseworker_a"], name="Mein Blick", params={"status": "submitted"})
    assert list(SavedFilter.objects.values_list("query", flat=True)) == ["status=submitted"]


def test_filters_of_an_ended_membership_are_no_longer_offered(world: World):
    saved_filter_save(actor=world.users["caseworker_a"], name="Dresden", params={})
    Membership.objects.filter(user__username="caseworker_a").update(active=False)
    user = world.users["caseworker_a"]
    user.__dict__.pop("_mm_scope", None)
    assert list(saved_filters_of(user)) == []
