from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "citizens"
    verbose_name = "Bürgerkonten"

    def ready(self) -> None:
        # Imported here, not at the top: both modules import models, which the app registry only allows
        # once every app is loaded (this method).
        from citizens.services import accounts_expire_daily_job  # models too: only once apps are loaded
        from notifications.daily import register_daily_job  # app registry is ready only here

        register_daily_job("expire_citizen_accounts", accounts_expire_daily_job)
