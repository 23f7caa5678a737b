"""Saved filters of the staff queue: a person's own named filter sets, and the built-in ones for everybody."""
