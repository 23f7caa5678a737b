from django.apps import AppConfig


class AddressesConfig(AppConfig):
    name = "kernel.addresses"
    label = "addresses"  # as before the move: migrations, content types, permissions
    verbose_name = "Adressen"
