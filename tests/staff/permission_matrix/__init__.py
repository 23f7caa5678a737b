"""The permission matrix (tests/staff/test_permission_matrix.py): every protected route x method x role.
The rules are in ``core``; the rows in ``web`` (staff pages) and ``api`` (staff API, media, admin)."""

from tests.staff.permission_matrix.api import ADMIN, API, MEDIA
from tests.staff.permission_matrix.core import ROLES, Case
from tests.staff.permission_matrix.web import WEB

CASES: list[Case] = [*WEB, *API, *MEDIA, *ADMIN]

__all__ = ["CASES", "ROLES", "Case"]
