from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "domains.reports"
    label = "reports"  # as before the move: migrations, content types, permissions
    verbose_name = "Mängelmeldungen"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which the app registry only allows
        # once every app is loaded (this method).
        from domains.reports.services.inquiries import inquiry_reminders_daily_job  # Rückfrage reminders

        # the daily questionnaire job
        from domains.reports.services.questionnaires import questionnaires_daily_job
        from kernel.notifications.daily import register_daily_job  # with the others, for the same reason

        register_daily_job("send_questionnaires", questionnaires_daily_job)
        register_daily_job("remind_inquiries", inquiry_reminders_daily_job)

        from domains.reports import escalation  # the daily digest of overdue and unaccepted cases

        escalation.register_builtin_sections()
        from domains.reports.handoffs.digest import overdue_handoffs_section  # hand-offs past their date

        escalation.register_escalation_section("handoffs", overdue_handoffs_section, order=30)
        register_daily_job("escalation_digest", escalation.escalation_daily_job)

        from domains.reports.statistics_rollup import statistics_rollup_daily_job  # models: as above

        register_daily_job("statistics_rollup", statistics_rollup_daily_job)

        from domains.reports import readiness  # the go-live checklist's category point

        readiness.register()
