#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Production settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise (as ``config/wsgi.py``): the make
targets and scripts/serve.sh choose ``config.settings.dev``, pytest ``config.settings.test``.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
