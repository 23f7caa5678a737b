"""Django's admin app with the project's admin site as ``admin.site`` (every ``@admin.register`` uses it)."""

from django.contrib.admin.apps import AdminConfig


class SecondFactorAdminConfig(AdminConfig):
    default_site = "config.admin_site.SecondFactorAdminSite"
