from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Mängelmeldungen"

    def ready(self) -> None:
        # Importing the module connects its receivers (reporter mails on status changes).
        from notifications.daily import register_daily_job
        from reports import notify  # noqa: F401
        from reports.services.questionnaires import (
            questionnaires_daily_job,
        )  # models: only once apps are loaded

        register_daily_job("send_questionnaires", questionnaires_daily_job)
