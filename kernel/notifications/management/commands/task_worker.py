"""``manage.py task_worker [--sole-worker] [--queue-name default] [--interval 1] [--until-empty]``.

The background worker ``make run`` starts (scripts/serve.sh). It runs django-tasks-db's worker inside
:class:`kernel.notifications.worker.TaskWorkerLoop`, which survives a restart of PostgreSQL and puts tasks of
dead workers back into the queue; see that module for why.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from kernel.notifications.worker import QuietBatchEnd, TaskWorkerLoop


class Command(BaseCommand):
    help = "Führt Hintergrundaufgaben aus (E-Mails, Foto-Abruf); übersteht Neustarts der Datenbank."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="default", help="Warteschlangen, kommagetrennt")
        parser.add_argument("--interval", type=float, default=1.0, help="Sekunden Pause bei leerer Schlange")
        parser.add_argument(
            "--sole-worker",
            action="store_true",
            help="Der einzige Worker (make run): beim Start gilt jede laufende Aufgabe als verwaist",
        )
        parser.add_argument(
            "--stale-after",
            type=int,
            default=600,
            help="Sekunden, nach denen eine laufende Aufgabe als verwaist gilt (mehrere Worker)",
        )
        parser.add_argument("--sweep-every", type=float, default=60.0, help="Sekunden zwischen Aufräumläufen")
        parser.add_argument(
            "--daily-lane",
            default="default",
            help="Welche Tagesaufgaben dieser Prozess ausführt (z. B. opendata: der nächtliche Export)",
        )
        parser.add_argument(
            "--until-empty", action="store_true", help="Beenden, sobald die Schlange leer ist"
        )

    def handle(self, *args, **options) -> None:
        logging.getLogger("django_tasks_db").addFilter(QuietBatchEnd())
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if not options["until_empty"]:
            worker.configure_signals()  # SIGTERM: finish the running task, then stop
        TaskWorkerLoop(
            worker=worker,
            interval=options["interval"],
            sole=options["sole_worker"],
            stale_after=dt.timedelta(seconds=options["stale_after"]),
            sweep_every=options["sweep_every"],
            until_empty=options["until_empty"],
            daily_lane=options["daily_lane"],
        ).run()
