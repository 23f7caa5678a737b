from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "domains.permits"
    label = "permits"  # as before the move: migrations, content types, permissions
    verbose_name = "Sondernutzungen"

    def ready(self) -> None:
        from domains.permits.services.reminders import fee_reminders_daily_job  # imports models: only now
        from kernel.notifications.daily import register_daily_job  # the app registry is ready only here

        register_daily_job("fee_reminders", fee_reminders_daily_job)

        from domains.permits import readiness  # the go-live checklist's letterhead, tariff and zone points

        readiness.register()
