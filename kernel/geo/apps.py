from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "kernel.geo"
    label = "geo"  # as before the move: migrations, content types, permissions
    verbose_name = "Raumbezug"
