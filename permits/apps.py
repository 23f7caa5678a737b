from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "permits"
    verbose_name = "Sondernutzungen"

    def ready(self) -> None:
        # Importing the module connects its receivers (applicant mails on decisions).
        from notifications.daily import register_daily_job  # the app registry is ready only here
        from permits import notify  # noqa: F401
        from permits.services.reminders import fee_reminders_daily_job  # imports models: only now

        register_daily_job("fee_reminders", fee_reminders_daily_job)
