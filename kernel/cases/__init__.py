"""The case kernel: what every located case (report, special-use permit, parking permit) shares.

Abstract case model, workflow declarations, public ids, tracking tokens, field-error collection,
``record_status_change`` and files written inside a transaction. Concrete case types live in their own
apps (``reports``, ``permits``) and plug in here; this package knows none of them.
"""
