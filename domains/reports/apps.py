from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "domains.reports"
    label = "reports"  # as before the move: migrations, content types, permissions
    verbose_name = "Mängelmeldungen"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which the app registry only allows
        # once every app is loaded (this method).
        from domains.reports.services.questionnaires import (
            questionnaires_daily_job,  # the daily questionnaire job
        )
        from kernel.notifications.daily import register_daily_job  # with the others, for the same reason

        register_daily_job("send_questionnaires", questionnaires_daily_job)

        from domains.reports.statistics_rollup import statistics_rollup_daily_job  # models: as above

        register_daily_job("statistics_rollup", statistics_rollup_daily_job)

        from domains.reports import readiness  # the go-live checklist's category point

        readiness.register()
