from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Benachrichtigungen (Abonnements)"

    def ready(self) -> None:
        # Imported here, not at the top: the modules import models, which the app registry allows only once
        # every app is loaded (this method). Importing ``receivers`` connects them.
        from notifications.daily import register_daily_job
        from subscriptions import receivers  # noqa: F401
        from subscriptions.digest import digest_daily_job  # models too: only once apps are loaded

        register_daily_job("subscription_digest", digest_daily_job)
