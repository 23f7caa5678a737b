"""Earlier secret keys, still accepted for what was signed with them: ``SECRET_KEY_FALLBACKS``.

Kept apart from base.py, which star-imports it. Rotating the key: the new one becomes ``SECRET_KEY``, the
old one moves here (comma-separated, newest first; a key must not contain a comma). Django's signer
(subscription, questionnaire, update and claim links, signed cookies, sessions, password-reset tokens)
honours the list natively; the tracking links' own HMAC (``kernel.cases.tracking``) and the "me too" client hash
(``domains.reports.services.support``) read it too. Remove an old key once its links have expired — the longest
is a tracking link, valid as long as its case exists — since each one stays as good as the current key.
"""

from config.settings.environment import env as _env

SECRET_KEY_FALLBACKS = _env.list("SECRET_KEY_FALLBACKS", default=[])
