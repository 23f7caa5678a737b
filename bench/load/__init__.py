"""Load and fault runs against the app served like ``make run`` (see bench/load/README.md)."""
