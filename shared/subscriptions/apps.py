from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "shared.subscriptions"
    label = "subscriptions"  # as before the move: migrations, content types, permissions
    verbose_name = "Benachrichtigungen (Abonnements)"

    def ready(self) -> None:
        # Imported here, not at the top: the modules import models, which the app registry allows only once
        # every app is loaded (this method). Importing ``receivers`` connects them.
        from kernel.notifications.daily import register_daily_job
        from shared.subscriptions import receivers  # noqa: F401
        from shared.subscriptions.digest import digest_daily_job  # models too: only once apps are loaded

        register_daily_job("subscription_digest", digest_daily_job)
