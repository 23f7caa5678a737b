from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    name = "domains.accessibility"
    label = "accessibility"  # as before the move: migrations, content types, permissions
    verbose_name = "Barrierefreiheit"
