"""Key ids (kid) of the parking card's signing keys: one rule for the settings that name them
(config.parking_keys) and the checker that reads them from a scanned card (domains.permits.parking_card).

A kid comes back from the street inside a scanned code and is shown in the refusal message, so only a
short plain form is accepted; anything else is treated as a damaged code.
"""

from __future__ import annotations

import re

KID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
# The kid that cards without one (issued before key ids existed) are checked against.
LEGACY_KID = "legacy"
