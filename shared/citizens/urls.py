"""The provider endpoints of the citizen login, and nothing else of allauth (no password login, no
sign-up form): ``/konto/oidc/<provider>/login/`` (POST) and its callback."""

from django.urls import path

from shared.citizens import oidc

urlpatterns = [
    path("konto/oidc/<str:provider_id>/login/", oidc.oidc_login, name="openid_connect_login"),
    path("konto/oidc/<str:provider_id>/login/callback/", oidc.oidc_callback, name="openid_connect_callback"),
]
