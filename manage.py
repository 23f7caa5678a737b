#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Settings: ``DJANGO_SETTINGS_MODULE`` from the environment, else the one in the repository's ``.env``
(``make run`` writes ``config.settings.dev`` there, so ``manage.py add_staff …`` works after it without
exports), else production (config.env.settings_module). ``config/wsgi.py`` ignores ``.env`` for this.
"""

import os
import sys
from pathlib import Path


def main() -> None:
    from config.env import settings_module

    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module(
        os.environ, Path(__file__).resolve().parent / ".env"
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
