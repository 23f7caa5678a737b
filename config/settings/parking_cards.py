"""Keys of the parking card (Parkausweis, domains.permits.parking_card): their own settings, not derived from
SECRET_KEY, so rotating the secret key leaves every card on the street valid (config/parking_keys.py has
the rules; docs/operations.md "Parkausweis-Schlüssel wechseln" the procedure).

Kept apart from base.py, which star-imports them; production.py requires them explicitly.
"""

from config.env import BASE_DIR
from config.parking_keys import checked_against_current, plate_secret, signing_key, verify_keys
from config.settings.environment import env as _env

# The current signing key and its kid: every new card carries the kid and is signed with this key.
PARKING_SIGNING_KEY_ID, PARKING_SIGNING_KEY = signing_key(_env, BASE_DIR / ".local")
# Earlier public keys still accepted, as (kid, public key base64url); kid "legacy": cards without a kid.
PARKING_VERIFY_KEYS = verify_keys(_env)
checked_against_current(PARKING_SIGNING_KEY_ID, PARKING_SIGNING_KEY, PARKING_VERIFY_KEYS)
# Stable for as long as any card is valid (each card carries its plate's hash under it); never rotated.
PARKING_PLATE_SECRET = plate_secret(_env, BASE_DIR / ".local")
