from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Mängelmeldungen"

    def ready(self) -> None:
        # Importing the module connects its receivers (reporter mails on status changes).
        from reports import notify  # noqa: F401
