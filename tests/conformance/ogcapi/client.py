"""Real HTTP against the live test server, and the world the OGC conformance tests read."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.utils import timezone

from tests.factories import CHEMNITZ, DRESDEN, LEIPZIG, make_report
from tests.web.permit_data import approved_permit


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: dict


def get(url: str, accept: str = "application/json") -> Answer:
    """GET ``url`` over a socket; 4xx/5xx answers are returned, not raised."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback test server)
            return Answer(response.status, dict(response.headers), json.loads(response.read()))
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), json.loads(error.read()))


def world() -> dict[str, str]:
    """Three reports and one current permit; returns one feature id per collection."""
    reports = [make_report(lonlat=p).report for p in (DRESDEN, LEIPZIG, CHEMNITZ)]
    now = timezone.now()
    permit = approved_permit(start=now + dt.timedelta(hours=1), end=now + dt.timedelta(days=1))
    return {
        "reports": reports[0].public_id,
        "permits": str(permit.public_id),
        "communes": "14612000",
        "districts": "14627",
    }
