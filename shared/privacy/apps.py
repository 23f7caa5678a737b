from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "shared.privacy"
    label = "privacy"  # as before the move: migrations, content types, permissions
    verbose_name = "Datenschutz"

    def ready(self) -> None:
        # Imported here, not at the top: both modules import models, which the app registry only allows
        # once every app is loaded (this method).
        from kernel.notifications.daily import register_daily_job
        from shared.privacy.retention import retention_daily_job  # models too: only once apps are loaded

        register_daily_job("apply_retention", retention_daily_job)
