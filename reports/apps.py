from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Mängelmeldungen"

    def ready(self) -> None:
        # Importing the modules connects their receivers (reporter mails on status changes; the counts and
        # cached tiles of the map).
        from reports import notify, tile_counts  # noqa: F401
