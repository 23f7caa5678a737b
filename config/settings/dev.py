"""Settings for ``make run`` and ``manage.py`` on a developer machine: base + nothing secret required."""

from config.settings.base import *  # noqa: F403
