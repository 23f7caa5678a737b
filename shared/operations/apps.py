from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "shared.operations"
    label = "operations"  # as before the move: migrations, content types, permissions
    verbose_name = "Betrieb (Sicherung und Wiederherstellung)"

    def ready(self) -> None:
        from kernel.notifications.daily import register_daily_job  # app registry is ready only here
        from shared.operations.orphans import orphan_files_daily_job  # (imports models)

        register_daily_job("sweep_orphan_files", orphan_files_daily_job)
