from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "permits"
    verbose_name = "Sondernutzungen"

    def ready(self) -> None:
        # Importing the module connects its receivers (applicant mails on decisions).
        from permits import notify  # noqa: F401
