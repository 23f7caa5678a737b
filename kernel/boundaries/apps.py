from django.apps import AppConfig


class BoundariesConfig(AppConfig):
    name = "kernel.boundaries"
    label = "boundaries"  # as before the move: migrations, content types, permissions
    verbose_name = "Gebietsgliederung"
