from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "interfaces.api"
    label = "api"  # as before the move: migrations, content types, permissions
    verbose_name = "Schnittstellen"

    def ready(self) -> None:
        # The deployment check of the client address every throttle counts by (registers on import).
        import shared.http.checks  # noqa: F401
