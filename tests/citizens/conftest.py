"""Fixtures of the citizen-account tests: a configured provider, Erika's account, Erika signed in."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from tests.citizens.helpers import APP, CLAIMS


@pytest.fixture
def with_provider(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [APP]}}


@pytest.fixture
def citizen(with_provider):
    user = get_user_model().objects.create_user(username="erika", email="erika@example.org")
    user.set_unusable_password()
    user.save()
    SocialAccount.objects.create(
        user=user, provider="testkonto", uid="erika", extra_data={"id_token": CLAIMS, "userinfo": CLAIMS}
    )
    return user


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client
