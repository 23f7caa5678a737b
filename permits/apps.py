from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "permits"
    verbose_name = "Sondernutzungen"

    def ready(self) -> None:
        from notifications.daily import register_daily_job  # the app registry is ready only here
        from permits.services.reminders import fee_reminders_daily_job  # imports models: only now

        register_daily_job("fee_reminders", fee_reminders_daily_job)
