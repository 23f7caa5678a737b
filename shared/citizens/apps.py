from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "shared.citizens"
    label = "citizens"  # as before the move: migrations, content types, permissions
    verbose_name = "Bürgerkonten"

    def ready(self) -> None:
        # Imported here, not at the top: both modules import models, which the app registry only allows
        # once every app is loaded (this method).
        from kernel.notifications.daily import register_daily_job  # app registry is ready only here
        from shared.citizens.services import (  # models too: only once apps are loaded
            accounts_erase_by_email,
            accounts_expire_daily_job,
            accounts_export_by_email,
        )
        from shared.privacy.registry import register_person_source  # beside the other registration

        register_daily_job("expire_citizen_accounts", accounts_expire_daily_job)
        # manage.py personal_data (requests across all organisations) covers citizen accounts too.
        register_person_source(
            "citizen_accounts",
            label="Bürgerkonto/-konten",
            export=accounts_export_by_email,
            erase=accounts_erase_by_email,
        )
