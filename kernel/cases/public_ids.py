"""Public case numbers such as ``SN-7K3M-Q2`` (reports), ``SO-…`` (special-use permits), ``PA-…`` (parking).

Random rather than sequential: a number printed on a letter or shown in a URL must not reveal how many
cases a commune has, nor let anyone walk through the neighbours' cases. Crockford's base32 alphabet
(no I, L, O, U) survives being read out on the phone.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, models, transaction

PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
INSERT_ATTEMPTS = 5


def new_public_id(prefix: str) -> str:
    """``PREFIX-XXXX-XX``: 6 random characters, 32⁶ ≈ 1.07 billion numbers per prefix."""
    chars = "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(6))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def insert_with_public_id(obj: models.Model, prefix: str) -> None:
    """Save a new case with a fresh public id, retrying on the (astronomically rare) collision.

    Each attempt runs in its own savepoint, so a collision does not abort the caller's transaction. Any
    other integrity error (a broken foreign key, a check constraint) is re-raised at once.
    """
    manager = type(obj)._default_manager
    for _attempt in range(INSERT_ATTEMPTS):
        obj.public_id = new_public_id(prefix)
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            if manager.filter(public_id=obj.public_id).exists():
                continue
            raise
    raise RuntimeError("could not allocate a unique public id")
