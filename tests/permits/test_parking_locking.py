"""Approving a parking permit serialises on its zone, so two approvals at once cannot draw the same
number (the unique constraint would answer 500); new applications in that zone are not blocked."""

from __future__ import annotations

import psycopg
import pytest
from django.db import transaction

from domains.permits.services import parking_decide
from tests.permits.test_staff_and_parking import apply_parking
from tests.reports.test_locking import other_session
from tests.staff_world import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_approval_holds_its_zone_until_commit_but_applications_may_reference_it(world: World):
    permit = apply_parking(13.7550, 51.0670).permit
    with transaction.atomic():
        parking_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved")
        with other_session() as other:
            # A second approval in the zone takes the same lock: it has to wait for this commit.
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(
                    "SELECT 1 FROM permits_parkingzone WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                    [permit.zone_id],
                )
            # What a new application's foreign-key check takes on the zone is still free.
            other.execute(
                "SELECT 1 FROM permits_parkingzone WHERE id = %s FOR KEY SHARE NOWAIT", [permit.zone_id]
            )
