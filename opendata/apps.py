from django.apps import AppConfig
from django.conf import settings


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Offene Daten"

    def ready(self) -> None:
        # Imported here, not at the top: the job's module imports models, which the app registry only
        # allows once every app is loaded (this method).
        from notifications.daily import register_daily_job

        # selectors and models again: only once apps are loaded
        from opendata.jobs import opendata_daily_job

        if settings.OPENDATA_EXPORT_DAILY:
            register_daily_job("export_opendata", opendata_daily_job)
