"""Requests across all organisations (``manage.py personal_data``) cover citizen accounts: the export
lists what the account holds, the erasure deletes it; a commune's own request leaves accounts alone."""

from __future__ import annotations

import io
import json

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kernel.organisations.models import Membership, Organisation, Role
from shared.privacy.requests import personal_data_erase, personal_data_export
from tests.citizens.helpers import CLAIMS, erika_parking

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("personal_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def staff_same_address():
    """A caseworker who signs in through the same provider with the same address: never a citizen."""
    user = get_user_model().objects.create_user(username="erika-amt", email="ERIKA@example.org")
    SocialAccount.objects.create(user=user, provider="testkonto", uid="erika-amt")
    Membership.objects.create(user=user, organisation=Organisation.objects.first(), role=Role.CASEWORKER)
    return user


def test_export_across_organisations_lists_the_account(citizen, staff_same_address, tmp_path):
    permit = erika_parking(account=citizen)
    target = tmp_path / "auskunft.json"
    out = run("--email", "Erika@Example.org", "--export", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    [account] = data["citizen_accounts"]
    assert account["name"] == "Erika Mustermann" and account["email"] == "erika@example.org"
    assert account["address"] == "Alaunstraße 1, 01099 Dresden" and account["email_verified"] is True
    assert account["providers"] == ["testkonto"] and account["cases"] == [permit.public_id]
    assert "1 Bürgerkonto/-konten" in out


def test_an_account_is_found_by_the_address_its_provider_sent(citizen):
    get_user_model().objects.filter(pk=citizen.pk).update(email="")
    assert [a["name"] for a in personal_data_export(email="erika@example.org")["citizen_accounts"]] == [
        "Erika Mustermann"
    ]
    assert personal_data_export(email="otto@example.org")["citizen_accounts"] == []


def test_a_communes_request_does_not_cover_accounts(citizen):
    organisation = Organisation.objects.get(name__contains="Dresden")
    data = personal_data_export(email="erika@example.org", organisation=organisation)
    assert "citizen_accounts" not in data
    counts = personal_data_erase(email="erika@example.org", organisation=organisation)
    assert "citizen_accounts" not in counts
    assert get_user_model().objects.filter(pk=citizen.pk).exists()


def test_erasure_across_organisations_deletes_the_account(citizen, staff_same_address):
    permit = erika_parking(account=citizen)
    out = run("--email", "erika@example.org", "--erase")
    assert "1 Bürgerkonto/-konten" in out
    assert not get_user_model().objects.filter(pk=citizen.pk).exists()
    assert not SocialAccount.objects.filter(uid="erika").exists()
    assert get_user_model().objects.filter(pk=staff_same_address.pk).exists()  # staff are never erased so
    permit.refresh_from_db()
    assert (permit.account, permit.applicant_name, permit.licence_plate) == (None, "", "")
    assert CLAIMS["email"] not in json.dumps(list(SocialAccount.objects.values("extra_data")))
