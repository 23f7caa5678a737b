"""Open311 API keys: issued once by a command, stored as a hash only, revocable in the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interfaces.api.keys import active_api_key, api_key_create, api_key_revoke, hash_key
from interfaces.api.models import ApiKey

pytestmark = pytest.mark.django_db


def test_command_prints_the_key_once_and_stores_only_its_hash():
    out, err = StringIO(), StringIO()
    call_command("create_api_key", "Stadt-App Pirna", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("mm311_") and len(key) > 40
    assert "nur dieses eine Mal" in err.getvalue()
    stored = ApiKey.objects.get()
    assert stored.name == "Stadt-App Pirna"
    assert stored.key_hash == hash_key(key) and key not in stored.key_hash
    assert key.startswith(stored.prefix) and len(stored.prefix) < len(key) // 3
    assert active_api_key(key) == stored


def test_command_refuses_an_empty_name():
    with pytest.raises(CommandError, match="Namen der Anwendung"):
        call_command("create_api_key", "  ", stdout=StringIO(), stderr=StringIO())
    assert ApiKey.objects.count() == 0


def test_revoked_and_unknown_keys_are_not_active():
    issued = api_key_create(name="App")
    assert active_api_key("mm311_falsch") is None
    assert active_api_key("") is None
    first = api_key_revoke(api_key=issued.api_key).revoked
    assert active_api_key(issued.key) is None
    assert api_key_revoke(api_key=issued.api_key).revoked == first


def test_admin_lists_keys_without_hash_and_revokes_them(admin_client):
    issued = api_key_create(name="Mängel-App")
    page = admin_client.get("/admin/api/apikey/")
    assert page.status_code == 200
    assert "Mängel-App" in page.content.decode() and issued.api_key.key_hash not in page.content.decode()
    assert admin_client.get("/admin/api/apikey/add/").status_code == 403
    response = admin_client.post(
        "/admin/api/apikey/", {"action": "revoke", "_selected_action": [issued.api_key.pk]}, follow=True
    )
    assert response.status_code == 200
    issued.api_key.refresh_from_db()
    assert issued.api_key.revoked is not None
    detail = admin_client.get(f"/admin/api/apikey/{issued.api_key.pk}/change/").content.decode()
    assert issued.api_key.key_hash not in detail
