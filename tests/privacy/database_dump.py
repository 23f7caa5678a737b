"""The whole test database as text (``pg_dump --data-only``), for "this address is nowhere any more".

pg_dump reads through its own connection, so only committed rows are in it: tests that use it run with
``django_db(transaction=True)``. The boundary tables and the reference copies (``test_reference``) are
left out: they are loaded from files, never hold personal data, and are most of the dump's size.
"""

from __future__ import annotations

import os
import subprocess

from django.db import connection


def database_text() -> str:
    settings = connection.settings_dict  # in a test: the test database (test_<name>_<suffix>)
    args = ["pg_dump", "--data-only", "--no-owner", "--exclude-schema=test_reference"]
    args += ["--exclude-table-data=boundaries_*", "--dbname", settings["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [flag, str(settings[key])]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return subprocess.run(args, env=env, capture_output=True, text=True, check=True, timeout=120).stdout
