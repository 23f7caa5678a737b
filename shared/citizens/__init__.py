"""Citizen accounts: optional login through OpenID Connect (django-allauth), the account's cases."""
