from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "interfaces.web"
    label = "web"  # as before the move: migrations, content types, permissions
    verbose_name = "Bürgerseiten"
