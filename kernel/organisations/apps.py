from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "kernel.organisations"
    label = "organisations"  # as before the move: migrations, content types, permissions
    verbose_name = "Organisationen und Zuständigkeiten"

    def ready(self) -> None:
        # In ready(), not at the top: the receivers import models and services, which the app registry
        # cannot load while it is still importing this AppConfig. Importing them connects the receivers.
        from kernel.organisations import checks, receivers  # noqa: F401
