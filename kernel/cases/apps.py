from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kernel.cases"
    label = "cases"  # as before the move: migrations, content types, permissions
    verbose_name = "Vorgänge (gemeinsamer Kern)"
