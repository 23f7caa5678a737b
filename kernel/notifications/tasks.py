"""Background tasks (Django tasks on django-tasks-db, run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from kernel.notifications.services import mail_send


@task()
def send_mail_task(mail_id: int) -> str:
    return mail_send(mail_id)
