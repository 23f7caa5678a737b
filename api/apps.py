from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Schnittstellen"

    def ready(self) -> None:
        # The deployment check of the client address every throttle counts by (registers on import).
        import requestkit.checks  # noqa: F401
