from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisationen und Zuständigkeiten"

    def ready(self) -> None:
        from organisations import receivers  # noqa: F401 - connects signal receivers
