from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Betrieb (Sicherung und Wiederherstellung)"

    def ready(self) -> None:
        from notifications.daily import register_daily_job  # app registry is ready only here
        from operations.orphans import orphan_files_daily_job  # (imports models)

        register_daily_job("sweep_orphan_files", orphan_files_daily_job)
