"""Signals of the boundaries app, so other apps can react without boundaries knowing about them."""

from django.dispatch import Signal

# Sent after every load_communes run that was not a dry run (also when nothing changed), with
# ``valid_from``. Receivers must be idempotent. organisations uses it to keep one organisation per commune
# (kernel/organisations/receivers.py): boundaries is the kernel and may not import it. See docs/architecture.md.
communes_loaded = Signal()
