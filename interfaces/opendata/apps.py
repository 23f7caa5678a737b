from django.apps import AppConfig
from django.conf import settings


class OpendataConfig(AppConfig):
    name = "interfaces.opendata"
    label = "opendata"  # as before the move: migrations, content types, permissions
    verbose_name = "Offene Daten"

    def ready(self) -> None:
        # Imported here, not at the top: the job's module imports models, which the app registry only
        # allows once every app is loaded (this method).
        # selectors and models again: only once apps are loaded
        from interfaces.opendata.jobs import opendata_daily_job
        from kernel.notifications.daily import register_daily_job  # see the comment above

        if settings.OPENDATA_EXPORT_DAILY:
            # Its own lane and process (scripts/serve.sh): minutes of export never hold up the mails.
            register_daily_job("export_opendata", opendata_daily_job, lane=settings.OPENDATA_EXPORT_LANE)
