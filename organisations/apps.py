from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisationen und Zuständigkeiten"

    def ready(self) -> None:
        # In ready(), not at the top: the receivers import models and services, which the app registry
        # cannot load while it is still importing this AppConfig. Importing them connects the receivers.
        from organisations import receivers  # noqa: F401
