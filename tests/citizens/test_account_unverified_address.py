"""An account's data export and deletion cover the account and its own cases, never what is merely
stored under its address: an identity provider may send an address it never verified. Signed in through
the real test provider (``oidc-provider`` on loopback), once sending ``email_verified: false`` for
someone else's address, once a verified one (which still takes over anonymous cases by the mailed link)."""

from __future__ import annotations

import json
import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from domains.permits.models import ParkingPermit
from domains.reports.models import Report
from kernel.notifications.models import OutgoingMail
from shared.subscriptions.models import Subscription
from tests.citizens.helpers import erika_parking
from tests.citizens.provider_login import configure, sign_in, start_provider
from tests.factories import make_report, set_status

pytestmark = pytest.mark.django_db

ADDRESS = "erika@example.org"  # what the provider sends for the login "erika"


@pytest.fixture
def unverified(settings):
    provider = start_provider(email_verified=False)
    configure(settings, provider)
    yield provider
    provider.stop()


@pytest.fixture
def verified(settings):
    provider = start_provider(email_verified=True)
    configure(settings, provider)
    yield provider
    provider.stop()


@pytest.fixture
def victim():
    """The real owner of the address: an anonymous report (followed, with a status mail), an anonymous
    parking application, and her own account with a case of its own."""
    report = make_report(email=ADDRESS, name="Erika Echt", phone="+49 351 111222").report
    set_status(report, "in_progress", public_note="Wir kümmern uns.")
    parking = erika_parking(licence_plate="DD-EE 11", name="Erika Echt")
    user = get_user_model().objects.create_user(username="erika-echt", email=ADDRESS)
    SocialAccount.objects.create(user=user, provider="testkonto", uid="erika-echt")
    linked = erika_parking(account=user, licence_plate="DD-EE 22", name="Erika Echt")
    return {"report": report, "parking": parking, "user": user, "linked": linked}


def victim_state(victim) -> dict:
    report = Report.objects.get(pk=victim["report"].pk)
    return {
        "report": (report.reporter_name, report.reporter_email, report.reporter_phone, report.account_id),
        "parking": ParkingPermit.objects.get(pk=victim["parking"].pk).licence_plate,
        "linked": ParkingPermit.objects.get(pk=victim["linked"].pk).licence_plate,
        "account": get_user_model().objects.filter(pk=victim["user"].pk).exists(),
        "follow": Subscription.objects.filter(report=report, email=ADDRESS).count(),
        "mails": sorted(OutgoingMail.objects.filter(to=ADDRESS).values_list("pk", "body")),
    }


def signed_in_account(login: str = "erika"):
    return SocialAccount.objects.get(provider="testkonto", uid=login).user


def test_unverified_address_exports_only_the_accounts_own_case(client, unverified, victim):
    sign_in(client, "erika")
    account = signed_in_account()
    own = erika_parking(account=account, licence_plate="DD-MA 99", name="Mallory")
    data = client.post("/mein-konto/daten/").json()
    text = json.dumps(data, ensure_ascii=False)
    assert data["account"]["email_verified"] is False
    assert [p["public_id"] for p in data["parking_permits"]] == [own.public_id]
    assert data["reports"] == [] and "citizen_accounts" not in data
    for foreign in ("Erika Echt", "DD-EE", "111222", victim["report"].public_id, victim["parking"].public_id):
        assert foreign not in text


def test_unverified_address_deletes_only_the_account_and_its_own_case(client, unverified, victim):
    before = victim_state(victim)
    sign_in(client, "erika")
    account = signed_in_account()
    own = erika_parking(account=account, licence_plate="DD-MA 99", name="Mallory")
    response = client.post("/mein-konto/loeschen/", {"confirm": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=account.pk).exists()
    assert ParkingPermit.objects.get(pk=own.pk).licence_plate == ""
    assert victim_state(victim) == before


def test_unverified_address_cannot_take_over_the_anonymous_cases(client, unverified, victim):
    before = victim_state(victim)
    sign_in(client, "erika")
    client.post("/mein-konto/faelle-uebernehmen/")
    assert not OutgoingMail.objects.filter(kind="account_claim").exists()
    assert victim_state(victim) == before


def test_verified_address_takes_over_by_link_then_exports_and_deletes_them(client, verified):
    sign_in(client, "erika")
    account = signed_in_account()
    own = erika_parking(account=account)
    anonymous = make_report(email=ADDRESS, name="Erika Mustermann").report
    set_status(anonymous, "in_progress", public_note="Wir kümmern uns.")
    data = client.post("/mein-konto/daten/").json()
    assert data["account"]["email_verified"] is True and data["reports"] == []  # not before the link

    client.post("/mein-konto/faelle-uebernehmen/")
    claim = OutgoingMail.objects.get(kind="account_claim", to=ADDRESS)
    client.get(re.search(r"/mein-konto/uebernehmen/[^/\s]+/", claim.body).group(0))
    data = client.post("/mein-konto/daten/").json()
    assert [r["public_id"] for r in data["reports"]] == [anonymous.public_id]
    assert [p["public_id"] for p in data["parking_permits"]] == [own.public_id]
    # the report's mails, the parking receipt (issue 26.5) and the claim mail about the account
    assert {m["about"] for m in data["mails"]} == {anonymous.public_id, own.public_id, str(account.pk)}

    client.post("/mein-konto/loeschen/", {"confirm": "yes"})
    anonymous.refresh_from_db()
    assert (anonymous.reporter_name, anonymous.reporter_email, anonymous.account) == ("", "", None)
    assert ParkingPermit.objects.get(pk=own.pk).applicant_email == ""
    assert not OutgoingMail.objects.filter(to=ADDRESS).exists()  # claim link and status mails too
    assert not Subscription.objects.filter(report=anonymous).exists()
