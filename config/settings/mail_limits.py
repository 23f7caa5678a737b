"""Limits on the mails a stranger can have sent to a typed address (shared/subscriptions/services.py).

Kept apart from base.py, which star-imports them. The per-client throttles (``THROTTLE_SUBSCRIBE``) do
not help when many clients ask for mails to one address; this counts per recipient.
"""

from config.settings.environment import env as _env

# At most this many request mails (subscription confirmations, management links) to one address per hour;
# further requests get the same answer as always and send nothing.
THROTTLE_SUBSCRIPTION_MAILS_PER_ADDRESS = _env.int("THROTTLE_SUBSCRIPTION_MAILS_PER_ADDRESS", default=5)
