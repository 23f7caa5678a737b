"""Explicit state machines for located cases (reports, permits): states plus the allowed moves.

A service asks ``workflow.check(current, target)`` before changing a status; an illegal move raises
:class:`IllegalTransition`, which the API renders as 409 with a German message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import TextChoices

from kernel.core.errors import Conflict


class IllegalTransition(Conflict):
    code = "invalid_transition"


@dataclass(frozen=True)
class Workflow:
    states: type[TextChoices]
    initial: str
    transitions: Mapping[str, frozenset[str]]
    # Open311's two-valued status: everything not listed here is "open".
    closed: frozenset[str]

    def __post_init__(self) -> None:
        values = set(self.states.values)
        assert self.initial in values
        for source, targets in self.transitions.items():
            assert source in values and targets <= values, (source, targets)

    def label(self, state: str) -> str:
        return str(self.states(state).label)

    def allowed(self, current: str) -> list[str]:
        return sorted(self.transitions.get(current, frozenset()), key=list(self.states.values).index)

    def can(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def check(self, current: str, target: str) -> None:
        if target not in self.states.values:
            raise IllegalTransition(f"Unbekannter Status „{target}“.", field="status")
        if not self.can(current, target):
            raise IllegalTransition(
                f"Der Status kann nicht von „{self.label(current)}“ auf „{self.label(target)}“ geändert werden.",
                field="status",
            )

    def is_open(self, state: str) -> bool:
        return state not in self.closed

    def open311_status(self, state: str) -> str:
        return "closed" if state in self.closed else "open"
