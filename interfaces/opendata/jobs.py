"""The nightly export as a daily job of the task worker (``kernel.notifications.daily``: exactly once a day
however many workers run; the first sweep after midnight runs it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from interfaces.opendata.export import export_opendata


def opendata_daily_job(day: dt.date) -> dict[str, Any]:
    """Export for ``day``; the summary (date, data sets, reports, pruned folders) is kept on the run row."""
    return export_opendata(day=day)
