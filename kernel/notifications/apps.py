from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kernel.notifications"
    label = "notifications"  # as before the move: migrations, content types, permissions
    verbose_name = "Benachrichtigungen"
