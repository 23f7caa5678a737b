"""django-axes handler for the staff login: two limits instead of axes' one.

``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]`` makes axes count failures per
user name and address *and* per address across user names (password spraying: one guess for each of
many accounts). Axes compares both counts with the same ``AXES_FAILURE_LIMIT``, which would lock a whole
town hall behind one NAT address after five typos of different people; here the address alone has its own,
higher ``AXES_IP_FAILURE_LIMIT``. A successful login resets only its own user name + address count, so an
attacker with one valid account cannot wipe the address count between guesses.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


def _failures(attempts: Any) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class UserAndAddressLimitsHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        per_user_and_address, per_address = (
            _failures(qs) for qs in self.get_user_attempts(request, credentials)
        )
        limit = get_failure_limit(request, credentials)
        address_locked = per_address >= settings.AXES_IP_FAILURE_LIMIT
        return max(per_user_and_address, limit if address_locked else 0)

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        own, _address = self.filter_user_attempts(request, credentials)
        count, _ = own.delete()
        return count
