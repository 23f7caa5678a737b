from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "interfaces.staff"
    label = "staff"  # as before the move: migrations, content types, permissions
    verbose_name = "Verwaltung und Bauhof (Seiten)"
