"""Signals the case kernel sends. Receivers run inside the transaction of the change they hear about.

``status_recorded`` — sent by :func:`cases.history.record_status_change` after the history row is written.
The kernel sits below ``organisations`` and ``notifications`` in the layers, so it cannot write the audit
entry or queue mails itself; these receivers do, once for every case type:

- ``organisations.receivers`` writes the audit entry (action ``<audit_name>.status`` or ``.note``);
- each case type's ``notify`` module queues its mails (outbox rows, sent after commit).

Arguments: ``sender`` (the case model class), ``case`` (saved, locked by the caller), ``change`` (the
new history row), ``actor`` (the acting user or ``None``).

``case_created`` — sent by :func:`cases.history.record_creation` once a new case and its first history row
are written (same transaction). Layers above the case types listen to it, e.g. ``subscriptions`` for the
immediate area alerts. Arguments: ``sender`` (the case model class), ``case``.
"""

from __future__ import annotations

from django.dispatch import Signal

status_recorded = Signal()
case_created = Signal()
